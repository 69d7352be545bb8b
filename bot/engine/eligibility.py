"""The eligibility self-check: a guided questionnaire on the multidimensional poverty standard 2022–2025.

Area, then income per person per month, then the 12 deprivation indicators two at a time (one dimension per
screen), with buttons at every step, "quay lại" and "dừng". The result follows Khoản 1 Điều 1 and Phụ lục VIII of
VBHN 1315/VBHN-BLĐTBXH (facts §1.2–1.4): income at or under the line and ≥ 3 deprivations → hộ nghèo, under 3 →
hộ cận nghèo; income above the line up to 1.5× (2,250,000 / 3,000,000 đồng) → mức sống trung bình; above that →
không thuộc diện. Only the commune's official review decides; the reply says so and how to ask for it.

The state is a small frozen value kept in the dialogue memory; every function here is pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from bot.engine.contracts import Button
from bot.engine.periods import STANDARD_2022_2025, PovertyStandard, money, standard_on
from nlu.diacritics import strip_diacritics

PREFIX = "e:"
START = "e:start"


@dataclass(frozen=True)
class Dimension:
    name: str
    indicators: tuple[str, str]
    """Each indicator as the household is deprived of it, in plain words."""


DIMENSIONS = (
    Dimension(
        "Việc làm",
        (
            "Có người từ 15 tuổi trở lên không có việc làm, hoặc đi làm thuê mà không có hợp đồng lao động",
            "Số người phụ thuộc chiếm hơn một nửa số người trong hộ",
        ),
    ),
    Dimension(
        "Y tế",
        (
            "Có trẻ dưới 16 tuổi bị suy dinh dưỡng (thấp hoặc nhẹ cân so với tuổi)",
            "Có người từ đủ 6 tuổi trở lên không có thẻ bảo hiểm y tế",
        ),
    ),
    Dimension(
        "Giáo dục",
        (
            "Có người từ 16 đến dưới 30 tuổi không đi học, không học nghề và không có bằng cấp, chứng chỉ hợp "
            "với tuổi",
            "Có trẻ từ 3 đến dưới 16 tuổi không đi học đúng cấp, đúng lớp theo tuổi",
        ),
    ),
    Dimension(
        "Nhà ở",
        (
            "Nhà đang ở không bền chắc (có 2 trong 3 phần tường, cột, mái không chắc chắn)",
            "Diện tích nhà ở bình quân dưới 8 m² mỗi người",
        ),
    ),
    Dimension(
        "Nước sạch và vệ sinh",
        (
            "Không có nước sạch để dùng (nước máy, giếng khoan, giếng đào hoặc khe, mó được bảo vệ, nước mua)",
            "Không có nhà tiêu hợp vệ sinh (tự hoại, bán tự hoại, thấm dội nước, hai ngăn...)",
        ),
    ),
    Dimension(
        "Tiếp cận thông tin",
        (
            "Không ai trong nhà dùng Internet",
            "Nhà không có ti vi, radio, máy tính hay điện thoại nào",
        ),
    ),
)
INDICATORS_FOR_POOR = 3
AREA_STEP, INCOME_STEP, FIRST_DIMENSION_STEP = 0, 1, 2
LAST_STEP = FIRST_DIMENSION_STEP + len(DIMENSIONS) - 1
OFFICIAL_NOTE = (
    "Đây chỉ là kết quả tự kiểm tra để tham khảo. Chỉ kết quả rà soát chính thức của Ban Chỉ đạo rà soát cấp xã "
    "(cán bộ dùng Phiếu B để chấm điểm, sau đó họp dân và niêm yết công khai) mới quyết định hộ thuộc diện nào."
)
HOW_TO_ASK = (
    "Muốn được rà soát, hộ gửi Giấy đề nghị rà soát hộ nghèo, hộ cận nghèo (Mẫu số 01 kèm Quyết định "
    "24/2021/QĐ-TTg) trực tiếp hoặc qua bưu điện tới Chủ tịch Ủy ban nhân dân xã, phường; rà soát định kỳ diễn ra "
    "mỗi năm từ 01/9 đến 14/12."
)


@dataclass(frozen=True)
class EligibilityState:
    step: int = AREA_STEP
    urban: bool | None = None
    income_band: int | None = None
    """1: at or under the poverty line; 2: above it up to the middle-income bound; 3: above that."""
    deprivations: tuple[tuple[bool, bool], ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What to say next; ``state`` is None when the questionnaire is over (finished or quit)."""

    state: EligibilityState | None
    text: str
    buttons: tuple[Button, ...]
    classification: str | None = None
    """hộ nghèo, hộ cận nghèo, hộ có mức sống trung bình, không thuộc diện (set on the result only)."""


def _bare(text: str) -> str:
    return " ".join(strip_diacritics(text.lower()).replace("đ", "d").split())


_QUIT = re.compile(r"^(thoat|dung lai|huy|khong lam nua|quit|stop|exit)\b|^(dung|thoi)$")
_BACK = re.compile(r"^(quay lai|tro lai|lui lai|back)\b")
_MONEY = re.compile(
    r"(\d+(?:[.,]\d+)*)\s*(trieu|tr|cu|nghin|ngan|k|d|dong|vnd)?\s*(\d{1,3})?(?!\w)"
)


def parse_money(text: str) -> int | None:
    """An amount in đồng from how people type it: "1.200.000", "1,2 triệu", "1tr2", "800k", "900 nghìn"."""
    match = _MONEY.search(_bare(text))
    if match is None:
        return None
    number, unit, tail = match.group(1), match.group(2) or "", match.group(3)
    if unit in ("trieu", "tr", "cu"):
        value = float(number.replace(",", ".")) if number.count(".") + number.count(",") <= 1 else None
        if value is None:
            return None
        amount = value * 1_000_000
        if tail:
            amount += int(tail) * 10 ** (6 - len(tail))
        return round(amount)
    digits = int(re.sub(r"[.,]", "", number))
    if unit in ("nghin", "ngan", "k"):
        return digits * 1000
    return digits if digits >= 10_000 else None


def _controls(step: int) -> tuple[Button, ...]:
    back = (Button("⬅️ Quay lại", "e:back"),) if step > AREA_STEP else ()
    return (*back, Button("✖️ Dừng", "e:quit"))


def _area_prompt(standard: PovertyStandard) -> Outcome:
    text = (
        f"Mình sẽ hỏi vài câu ngắn để ước lượng hộ nhà bạn theo chuẩn nghèo đa chiều giai đoạn {standard.period} "
        f"(nông thôn {money(standard.rural)}, thành thị {money(standard.urban)} mỗi người một tháng, cùng 12 chỉ "
        "số thiếu hụt dịch vụ xã hội cơ bản). Bạn có thể bấm \"Quay lại\" hoặc \"Dừng\" bất cứ lúc nào.\n"
        "Câu 1: Nhà bạn ở nông thôn hay thành thị?"
    )
    buttons = (Button("Nông thôn", "e:a:rural"), Button("Thành thị", "e:a:urban"), *_controls(AREA_STEP))
    return Outcome(EligibilityState(), text, buttons)


def _income_prompt(state: EligibilityState, standard: PovertyStandard) -> Outcome:
    line = standard.urban if state.urban else standard.rural
    middle = standard.urban_middle if state.urban else standard.rural_middle
    assert middle is not None
    text = (
        "Câu 2: Thu nhập bình quân mỗi người trong nhà một tháng khoảng bao nhiêu? (Lấy tổng thu nhập cả nhà trong "
        "năm trừ chi phí làm ăn, chia cho số người và cho 12 tháng.) Bạn bấm một nút hoặc gõ số tiền, ví dụ "
        "1.200.000."
    )
    buttons = (
        Button(f"Không quá {_short(line)}", "e:i:1"),
        Button(f"Trên {_short(line)} đến {_short(middle)}", "e:i:2"),
        Button(f"Trên {_short(middle)}", "e:i:3"),
        *_controls(INCOME_STEP),
    )
    return Outcome(state, text, buttons)


def _short(amount: int) -> str:
    millions = amount / 1_000_000
    return f"{millions:g} triệu".replace(".", ",")


def _dimension_prompt(state: EligibilityState) -> Outcome:
    index = state.step - FIRST_DIMENSION_STEP
    dimension = DIMENSIONS[index]
    first, second = dimension.indicators
    text = (
        f"Câu {state.step + 1}/{LAST_STEP + 1} – {dimension.name}. Nhà bạn có gặp điều nào dưới đây không?\n"
        f"(1) {first}.\n(2) {second}."
    )
    buttons = (
        Button("Không có", "e:d:0"),
        Button("Chỉ (1)", "e:d:1"),
        Button("Chỉ (2)", "e:d:2"),
        Button("Cả hai", "e:d:3"),
        *_controls(state.step),
    )
    return Outcome(state, text, buttons)


def prompt(state: EligibilityState, standard: PovertyStandard) -> Outcome:
    """The question for the step ``state`` is at."""
    if state.step == AREA_STEP:
        return _area_prompt(standard)
    if state.step == INCOME_STEP:
        return _income_prompt(state, standard)
    return _dimension_prompt(state)


def start(day: date) -> Outcome:
    """Open the questionnaire for the standard that applies on ``day``."""
    standard = standard_on(day)
    if not standard.indicators_verified:
        text = (
            f"Từ năm {standard.first_year} áp dụng chuẩn nghèo đa chiều giai đoạn {standard.period} "
            f"({standard.source}): thu nhập bình quân không quá {money(standard.rural)} mỗi người một tháng ở nông "
            f"thôn, {money(standard.urban)} ở khu vực đô thị; hộ nghèo là hộ còn thiếu hụt từ 3 chỉ số dịch vụ xã "
            "hội cơ bản trở lên, hộ cận nghèo thiếu hụt dưới 3 chỉ số. Bộ câu hỏi tự kiểm tra của Loa chưa cập nhật "
            "đủ các chỉ số của chuẩn mới, nên bạn vui lòng hỏi cán bộ giảm nghèo ở xã, phường.\n" + HOW_TO_ASK
        )
        return Outcome(None, text, (Button("Gặp cán bộ", "h:officer"),))
    return _area_prompt(standard)


def _choice(payload: str | None, text: str | None, state: EligibilityState) -> str | None:
    """The answer as a payload ("a:rural", "i:2", "d:3", "back", "quit"), from a button or typed words."""
    if payload and payload.startswith(PREFIX):
        return payload[len(PREFIX) :]
    bare = _bare(text or "")
    if _QUIT.match(bare) or bare in ("bat dau lai", "lam lai"):
        return "quit"
    if _BACK.match(bare):
        return "back"
    if state.step == AREA_STEP:
        if re.search(r"\b(thanh thi|thanh pho|do thi|phuong|thi xa|thi tran|pho)\b", bare):
            return "a:urban"
        if re.search(r"\b(nong thon|que|lang|xa|thon|ban|ap|mien nui)\b", bare):
            return "a:rural"
        return None
    if state.step == INCOME_STEP:
        amount = parse_money(text or "")
        if amount is None:
            return None
        standard = STANDARD_2022_2025
        line = standard.urban if state.urban else standard.rural
        middle = (standard.urban_middle if state.urban else standard.rural_middle) or line
        return "i:1" if amount <= line else "i:2" if amount <= middle else "i:3"
    if re.fullmatch(r"(khong|ko|k|khong co|khong co dieu nao|0)", bare):
        return "d:0"
    if re.fullmatch(r"(ca hai|ca 2|co ca hai|1 va 2|1 2|1, 2|1,2|3)", bare):
        return "d:3"
    if re.fullmatch(r"(chi )?\(?1\)?( thoi)?", bare):
        return "d:1"
    if re.fullmatch(r"(chi )?\(?2\)?( thoi)?", bare):
        return "d:2"
    return None


def advance(state: EligibilityState, *, payload: str | None, text: str | None, day: date) -> Outcome:
    """Take the user's answer to the current step and return the next question or the result."""
    standard = standard_on(day)
    choice = _choice(payload, text, state)
    if choice == "quit":
        return Outcome(
            None,
            "Mình đã dừng phần tự kiểm tra. Khi cần, bạn gõ \"nhà tôi có phải hộ nghèo không\" để làm lại.",
            (),
        )
    if choice == "back":
        return prompt(_back(state), standard)
    if choice is None or not _fits(choice, state):
        again = prompt(state, standard)
        return replace(again, text="Mình chưa hiểu câu trả lời, bạn vui lòng bấm một nút bên dưới.\n" + again.text)
    kind, value = choice.split(":", 1)
    if kind == "a":
        return prompt(EligibilityState(step=INCOME_STEP, urban=value == "urban"), standard)
    if kind == "i":
        band = int(value)
        moved = replace(state, step=FIRST_DIMENSION_STEP, income_band=band, deprivations=())
        if band != 1:
            return result(moved, standard)
        return prompt(moved, standard)
    mask = int(value)
    answers = (*state.deprivations, (bool(mask & 1), bool(mask & 2)))
    moved = replace(state, step=state.step + 1, deprivations=answers)
    if moved.step > LAST_STEP:
        return result(moved, standard)
    return prompt(moved, standard)


def _fits(choice: str, state: EligibilityState) -> bool:
    kind = choice.split(":", 1)[0]
    expected = "a" if state.step == AREA_STEP else "i" if state.step == INCOME_STEP else "d"
    return kind == expected and re.fullmatch(r"[aid]:(rural|urban|[0-3])", choice) is not None


def _back(state: EligibilityState) -> EligibilityState:
    if state.step <= AREA_STEP:
        return EligibilityState()
    if state.step == INCOME_STEP:
        return EligibilityState()
    if state.step == FIRST_DIMENSION_STEP:
        return replace(state, step=INCOME_STEP, income_band=None, deprivations=())
    return replace(state, step=state.step - 1, deprivations=state.deprivations[:-1])


def classify(state: EligibilityState) -> str:
    """The likely classification of a completed questionnaire."""
    if state.income_band == 3:
        return "không thuộc diện"
    if state.income_band == 2:
        return "hộ có mức sống trung bình"
    count = sum(flag for pair in state.deprivations for flag in pair)
    return "hộ nghèo" if count >= INDICATORS_FOR_POOR else "hộ cận nghèo"


def result(state: EligibilityState, standard: PovertyStandard) -> Outcome:
    """The closing message: classification, the rule applied with its source, the official-review note."""
    classification = classify(state)
    area = "thành thị" if state.urban else "nông thôn"
    line = standard.urban if state.urban else standard.rural
    middle = (standard.urban_middle if state.urban else standard.rural_middle) or line
    missing = [
        indicator
        for dimension, pair in zip(DIMENSIONS, state.deprivations, strict=False)
        for indicator, flag in zip(dimension.indicators, pair, strict=True)
        if flag
    ]
    if classification == "không thuộc diện":
        rule = (
            f"thu nhập bình quân trên {money(middle)} mỗi người một tháng ở {area} là cao hơn mức của hộ có mức "
            "sống trung bình, nên hộ không thuộc diện hộ nghèo, cận nghèo hay mức sống trung bình"
        )
        source = "Khoản 1 Điều 1 và Phụ lục VIII Văn bản hợp nhất 1315/VBHN-BLĐTBXH"
    elif classification == "hộ có mức sống trung bình":
        rule = (
            f"thu nhập bình quân trên {money(line)} đến {money(middle)} mỗi người một tháng ở {area} là mức của hộ "
            "có mức sống trung bình"
        )
        source = "Phụ lục VIII Văn bản hợp nhất 1315/VBHN-BLĐTBXH"
    else:
        count = len(missing)
        comparison = (
            "từ 3 chỉ số dịch vụ xã hội cơ bản trở lên"
            if classification == "hộ nghèo"
            else "dưới 3 chỉ số dịch vụ xã hội cơ bản"
        )
        rule = (
            f"thu nhập bình quân không quá {money(line)} mỗi người một tháng ở {area} và thiếu hụt {comparison} "
            f"(nhà bạn thiếu hụt {count} chỉ số) là {classification}"
        )
        source = "Điều 3 Nghị định 07/2021/NĐ-CP; Khoản 1 Điều 1 Văn bản hợp nhất 1315/VBHN-BLĐTBXH"
    lines = [
        f"Kết quả tự kiểm tra: nhà bạn có thể thuộc diện {classification}."
        if classification != "không thuộc diện"
        else "Kết quả tự kiểm tra: nhà bạn có thể không thuộc diện hộ nghèo, cận nghèo hay mức sống trung bình.",
        f"Quy tắc áp dụng (chuẩn nghèo giai đoạn {standard.period}): {rule}.",
    ]
    if missing:
        lines.append("Các chỉ số nhà bạn thiếu hụt: " + "; ".join(missing) + ".")
    lines += [f"Căn cứ: {source}.", OFFICIAL_NOTE, HOW_TO_ASK]
    buttons = (Button("Làm lại", START), Button("Gặp cán bộ", "h:officer"))
    return Outcome(None, "\n".join(lines), buttons, classification)
