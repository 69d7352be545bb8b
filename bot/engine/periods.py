"""Which rules hold on a given day, and what changed in 2025 (facts file §1, §6).

- The multidimensional poverty standard of Decree 07/2021/NĐ-CP applies to 2022–2025 and, by Decree
  351/2025/NĐ-CP, through the whole of 2026; from 1 January 2027 the 2026–2030 standard applies (facts §6.1).
- From 1 March 2025 the Ministry of Labour (LĐ-TB&XH) and the Ministry of Information (TT&TT) no longer exist on
  their own; poverty reduction is managed by the Ministry of Agriculture and Environment (facts §6.3).
- From 1 July 2025 there are 34 provinces and no district level (facts §6.4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from nlu.diacritics import strip_diacritics
from nlu.places import gazetteer


@dataclass(frozen=True)
class PovertyStandard:
    period: str
    """As citizens read it: "2022–2025"."""
    first_year: int
    last_year: int | None
    rural: int
    """Income line in đồng per person per month, rural areas."""
    urban: int
    rural_middle: int | None
    """Upper bound of "mức sống trung bình" in rural areas (None when not verified for this standard)."""
    urban_middle: int | None
    indicators_verified: bool
    """Whether the 12 deprivation indicators and their thresholds are known for this standard."""
    source: str


STANDARD_2022_2025 = PovertyStandard(
    period="2022–2025",
    first_year=2022,
    last_year=2026,
    rural=1_500_000,
    urban=2_000_000,
    rural_middle=2_250_000,
    urban_middle=3_000_000,
    indicators_verified=True,
    source="Điều 3 Nghị định 07/2021/NĐ-CP; Khoản 1 Điều 1 và Phụ lục VIII Văn bản hợp nhất 1315/VBHN-BLĐTBXH",
)
STANDARD_2026_2030 = PovertyStandard(
    period="2026–2030",
    first_year=2027,
    last_year=2030,
    rural=2_200_000,
    urban=2_800_000,
    rural_middle=None,
    urban_middle=None,
    indicators_verified=False,
    source="Nghị định 351/2025/NĐ-CP",
)
STANDARD_DOCUMENTS = frozenset({"07/2021/NĐ-CP", "1315/VBHN-BLĐTBXH", "07/2021/TT-BLĐTBXH", "02/2022/TT-BLĐTBXH"})
"""Documents that define the 2022–2025 standard and the annual review; still applied in 2026."""


def standard_on(day: date) -> PovertyStandard:
    """The poverty standard that applies on ``day``."""
    return STANDARD_2026_2030 if day.year >= STANDARD_2026_2030.first_year else STANDARD_2022_2025


def money(amount: int) -> str:
    """1500000 → "1.500.000 đồng"."""
    return f"{amount:,} đồng".replace(",", ".")


def _period_bounds(period: str | None) -> tuple[int, int] | None:
    if not period:
        return None
    match = re.fullmatch(r"\s*(\d{4})\s*[-–]\s*(\d{4})\s*", period)
    return (int(match.group(1)), int(match.group(2))) if match else None


def period_label(period: str | None) -> str | None:
    bounds = _period_bounds(period)
    return f"{bounds[0]}–{bounds[1]}" if bounds else None


def document_warnings(
    *, number: str | None, status: str | None, superseded_by: str | None, period: str | None, day: date
) -> list[str]:
    """What a citizen must know before relying on this document on ``day`` (empty when it is simply current)."""
    warnings: list[str] = []
    if status == "superseded":
        replacement = f" bởi {superseded_by}" if superseded_by else ""
        warnings.append(f"⚠️ Văn bản này đã được thay thế{replacement}; nội dung có thể không còn áp dụng.")
    elif status == "expired":
        warnings.append("⚠️ Văn bản này đã hết hiệu lực; nội dung có thể không còn áp dụng.")
    elif status == "amended":
        warnings.append("⚠️ Văn bản này đã được sửa đổi, bổ sung; cần đối chiếu văn bản sửa đổi.")
    bounds = _period_bounds(period)
    if bounds and bounds[1] < day.year:
        label = f"{bounds[0]}–{bounds[1]}"
        if number in STANDARD_DOCUMENTS and standard_on(day) is STANDARD_2022_2025:
            warnings.append(
                f"Văn bản áp dụng cho giai đoạn {label}; chuẩn nghèo giai đoạn 2022–2025 vẫn được dùng đến hết "
                "năm 2026 (Nghị định 351/2025/NĐ-CP)."
            )
        else:
            warnings.append(
                f"Văn bản áp dụng cho giai đoạn {label}, giai đoạn này đã kết thúc; quy định hiện hành có thể "
                "đã thay đổi."
            )
    return warnings


_MINISTRY_NOTES = (
    (
        re.compile(r"bo lao dong|ld-?tb ?& ?xh|ldtbxh|so lao dong"),
        "Từ 01/3/2025, Bộ Lao động – Thương binh và Xã hội đã hợp nhất vào Bộ Nội vụ; lĩnh vực giảm nghèo hiện "
        "do Bộ Nông nghiệp và Môi trường quản lý.",
    ),
    (
        re.compile(r"bo thong tin va truyen thong|btttt|tt ?& ?tt\b|so thong tin va truyen thong"),
        "Từ 01/3/2025, Bộ Thông tin và Truyền thông đã hợp nhất vào Bộ Khoa học và Công nghệ.",
    ),
    (
        re.compile(r"uy ban dan toc"),
        "Từ 01/3/2025, Ủy ban Dân tộc được tổ chức lại thành Bộ Dân tộc và Tôn giáo.",
    ),
    (
        re.compile(r"cap huyen|ubnd huyen|uy ban nhan dan huyen"),
        "Từ 01/7/2025 không còn cấp huyện (chính quyền còn hai cấp: tỉnh và xã); phần việc văn bản cũ giao cho "
        "cấp huyện đã được phân định lại.",
    ),
)


def reorganisation_notes(text: str, provinces: list[str]) -> list[str]:
    """Notes on the 2025 reorganisation for old ministries or district level named in ``text`` and for
    provinces (``provinces``: names as the user wrote them) merged on 1 July 2025."""
    bare = strip_diacritics(text.lower()).replace("đ", "d")
    notes = [note for pattern, note in _MINISTRY_NOTES if pattern.search(bare)]
    table = gazetteer()
    seen: set[str] = set()
    for name in provinces:
        key = " ".join(re.split(r"[\s.-]+", strip_diacritics(name.lower()).replace("đ", "d"))).strip()
        province = table.provinces.get(key)
        if province is None or province.short in seen:
            continue
        seen.add(province.short)
        if province.old and not province.new:
            notes.append(
                f"Từ 01/7/2025, tỉnh {province.short} đã được sáp nhập, nay thuộc {province.after_2025} "
                "(cả nước còn 34 tỉnh, thành); số liệu trong văn bản là trước khi sáp nhập."
            )
    return notes
