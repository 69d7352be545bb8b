"""Entities in a normalised question: places, years and periods, money, document numbers, household categories.

Every extractor reads the folded text and its accent-free twin (same length, so offsets are shared) and reports
offsets into the text it was given. Values are normalised: money to whole đồng, years to four digits, document
numbers to "07/2021/TT-BLĐTBXH" when complete or "TT 07/2021" / "NĐ 07" when not.
"""

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from nlu.diacritics import strip_diacritics
from nlu.places import agrees, find_provinces, find_wards


@dataclass(frozen=True)
class Entity:
    type: str  # province, commune, year, period, money, document, household
    value: str
    text: str  # the span as it appears in the analysed text
    start: int
    end: int
    extra: Mapping[str, str] = field(default_factory=dict)


_YEAR = r"(?:19|20)\d{2}"
_PERIOD = re.compile(
    rf"(?:(?:giai doan|thoi ky|tu nam|tu)\s+)?({_YEAR})\s*(?:-|–|—|den|toi)\s*(?:nam\s+)?({_YEAR})(?!\d)"
)
_YEAR_MENTION = re.compile(rf"(?<![\d/.,-])({_YEAR})(?![\d/]|\.\d|,\d)")
_RELATIVE_YEARS = {"nam nay": 0, "nam ngoai": -1, "nam truoc": -1, "nam roi": -1, "nam sau": 1, "nam toi": 1}
_RELATIVE_FORMS = {
    "nam nay": "năm nay",
    "nam ngoai": "năm ngoái",
    "nam truoc": "năm trước",
    "nam roi": "năm rồi",
    "nam sau": "năm sau",
    "nam toi": "năm tới",
}
_RELATIVE = re.compile(r"(?<!\w)(" + "|".join(_RELATIVE_YEARS) + r")(?!\w)")

_UNITS = {
    "ty": 10**9,
    "ti": 10**9,
    "trieu": 10**6,
    "tr": 10**6,
    "cu": 10**6,
    "nghin": 10**3,
    "ngan": 10**3,
    "k": 10**3,
    "dong": 1,
    "d": 1,
    "vnd": 1,
}
_MONEY = re.compile(
    r"(?<![\w.,])(\d+(?:[.,]\d+)*)\s*(ty|ti|trieu|tr|cu|nghin|ngan|k|dong|d|vnd)(?:\s*(ruoi)|(\d{1,3}))?(?!\w)"
)

_DOC_CODES = {
    "TT": "Thông tư",
    "NĐ": "Nghị định",
    "QĐ": "Quyết định",
    "VBHN": "Văn bản hợp nhất",
    "NQ": "Nghị quyết",
    "CT": "Chỉ thị",
}
_DOC_NAMES = {
    "thong tu": "TT",
    "tt": "TT",
    "nghi dinh": "NĐ",
    "nd": "NĐ",
    "quyet dinh": "QĐ",
    "qd": "QĐ",
    "van ban hop nhat": "VBHN",
    "vbhn": "VBHN",
    "nghi quyet": "NQ",
    "nq": "NQ",
    "chi thi": "CT",
}
_FULL_DOCUMENT = re.compile(r"(?<![\w/])(\d{1,5})/(?:(\d{4})/)?([a-zđ]{2,5})-([a-zđ&]+(?:-[a-zđ&]+)*)(?!\w)")
_SHORT_DOCUMENT = re.compile(
    r"(?<!\w)(" + "|".join(sorted(_DOC_NAMES, key=len, reverse=True)) + r")\s*(?:so\s*)?(\d{1,5})"
    rf"(?:\s*/\s*({_YEAR})|\s+(?:nam\s+)?({_YEAR}))?(?![\w/])"
)
_ISSUERS = {"bldtbxh": "BLĐTBXH", "cp": "CP", "ttg": "TTg", "btttt": "BTTTT"}

_HOUSEHOLDS = (
    ("hộ cận nghèo", "near_poor", ("hộ cận nghèo", "cận nghèo")),
    ("hộ mới thoát nghèo", "newly_escaped", ("hộ mới thoát nghèo", "mới thoát nghèo", "hộ thoát nghèo")),
    (
        "hộ có mức sống trung bình",
        "average_living_standard",
        ("hộ có mức sống trung bình", "hộ mức sống trung bình", "mức sống trung bình"),
    ),
    ("hộ nghèo", "poor", ("hộ nghèo",)),
)
# accent-free form → (canonical value, code, accented form)
_HOUSEHOLD_FORMS = {strip_diacritics(form): (value, code, form) for value, code, forms in _HOUSEHOLDS for form in forms}
_HOUSEHOLD = re.compile(r"(?<!\w)(" + "|".join(sorted(_HOUSEHOLD_FORMS, key=len, reverse=True)) + r")(?!\w)")


def _parse_number(digits: str) -> float:
    """Vietnamese and English digit grouping: "1.500.000", "1,5", "1,500,000", "2.5"."""
    if "." in digits and "," in digits:
        return float(digits.replace(".", "").replace(",", "."))
    for separator in ".,":
        if separator in digits:
            groups = digits.split(separator)
            if len(groups) > 2 or all(len(group) == 3 for group in groups[1:]):
                return float(digits.replace(separator, ""))
            return float(digits.replace(separator, "."))
    return float(digits)


def _entity(kind: str, value: str, text: str, start: int, end: int, **extra: str) -> Entity:
    return Entity(kind, value, text[start:end], start, end, extra)


def _money(text: str, bare: str) -> list[Entity]:
    found = []
    for match in _MONEY.finditer(bare):
        unit = _UNITS[match.group(2)]
        amount = _parse_number(match.group(1)) * unit
        if match.group(3):
            amount += unit / 2
        elif match.group(4) and unit >= 10**3:  # "1tr5" = 1,5 triệu, "2tr25" = 2,25 triệu
            amount += int(match.group(4)) * unit / 10 ** len(match.group(4))
        found.append(_entity("money", str(round(amount)), text, match.start(), match.end(), unit=match.group(2)))
    return found


def _documents(text: str, bare: str) -> list[Entity]:
    found = []
    for match in _FULL_DOCUMENT.finditer(bare):
        number, year, code_bare, issuer_bare = match.groups()
        code = _DOC_NAMES.get(code_bare, code_bare.upper())
        issuer = "-".join(_ISSUERS.get(part, part.upper()) for part in issuer_bare.split("-"))
        value = f"{number}/{year}/{code}-{issuer}" if year else f"{number}/{code}-{issuer}"
        extra = {"code": code, "number": number, "issuer": issuer}
        if year:
            extra["year"] = year
        if code in _DOC_CODES:
            extra["kind"] = _DOC_CODES[code]
        found.append(Entity("document", value, text[match.start() : match.end()], match.start(), match.end(), extra))
    taken = [(entity.start, entity.end) for entity in found]
    for match in _SHORT_DOCUMENT.finditer(bare):
        if any(start < match.end() and match.start() < end for start, end in taken):
            continue
        code = _DOC_NAMES[match.group(1)]
        number = match.group(2).zfill(2)
        year = match.group(3) or match.group(4)
        value = f"{code} {number}/{year}" if year else f"{code} {number}"
        extra = {"code": code, "number": number, "kind": _DOC_CODES[code]}
        if year:
            extra["year"] = year
        found.append(Entity("document", value, text[match.start() : match.end()], match.start(), match.end(), extra))
    return found


def _periods_and_years(text: str, bare: str, today: dt.date, taken: list[tuple[int, int]]) -> list[Entity]:
    found = []
    for match in _PERIOD.finditer(bare):
        first, last = match.group(1), match.group(2)
        found.append(
            _entity("period", f"{first}-{last}", text, match.start(), match.end(), first_year=first, last_year=last)
        )
    taken = taken + [(entity.start, entity.end) for entity in found]
    for match in _YEAR_MENTION.finditer(bare):
        if not any(start <= match.start() < end for start, end in taken):
            found.append(_entity("year", match.group(1), text, match.start(), match.end()))
    folded = text.lower()
    for match in _RELATIVE.finditer(bare):
        phrase = match.group(1)
        if agrees(folded[match.start() : match.end()], _RELATIVE_FORMS[phrase]):
            year = str(today.year + _RELATIVE_YEARS[phrase])
            found.append(_entity("year", year, text, match.start(), match.end(), relative=_RELATIVE_FORMS[phrase]))
    return found


def _households(text: str, bare: str) -> list[Entity]:
    folded = text.lower()
    found = []
    for match in _HOUSEHOLD.finditer(bare):
        value, code, form = _HOUSEHOLD_FORMS[match.group(1)]
        if agrees(folded[match.start() : match.end()], form):
            found.append(_entity("household", value, text, match.start(), match.end(), code=code))
    return found


def _places(text: str, bare: str) -> list[Entity]:
    folded = text.lower()
    found = []
    provinces = find_provinces(folded, bare)
    mentioned = {province.short for _, province in provinces} | {province.after_2025 for _, province in provinces}
    for match, province in provinces:
        extra = {
            "after_2025": province.after_2025,
            "era": "both" if province.old and province.new else "old" if province.old else "new",
        }
        if province.merged_from and province.merged_from != (province.short,):
            extra["merged_from"] = ", ".join(province.merged_from)
        found.append(_entity("province", province.short, text, match.start, match.end, **extra))
    for match, wards in find_wards(folded, bare):
        candidates = [ward for ward in wards if ward.province in mentioned or ward.new_province in mentioned] or list(
            wards
        )
        ward = candidates[0]
        extra = {"province": ward.province, "era": "old" if ward.old else "new", "matches": str(len(candidates))}
        if ward.old:
            extra["after_2025"] = ward.new_name
            extra["province_after_2025"] = ward.new_province
        found.append(_entity("commune", ward.name, text, match.start, match.end, **extra))
    return found


def extract_entities(text: str, today: dt.date | None = None) -> tuple[Entity, ...]:
    """All entities in normalised ``text``, ordered by position; ``today`` resolves "năm nay" (default: today)."""
    bare = strip_diacritics(text.lower())
    if len(bare) != len(text):  # a character whose lower case is longer: fall back to per-character folding
        bare = "".join(strip_diacritics(ch.lower())[:1] or ch for ch in text)
    documents = _documents(text, bare)
    money = [m for m in _money(text, bare) if not any(d.start <= m.start < d.end for d in documents)]
    taken = [(entity.start, entity.end) for entity in (*documents, *money)]
    entities = [*documents, *money, *_periods_and_years(text, bare, today or dt.date.today(), taken)]
    entities += _households(text, bare) + _places(text, bare)
    return tuple(sorted(entities, key=lambda entity: (entity.start, -entity.end)))
