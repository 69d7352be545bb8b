"""The eligibility self-check, driven turn by turn through the engine, checked against the 2022–2025 standard
(facts §1.2–1.4: income at or under 1.5 M rural / 2 M urban and ≥ 3 deprivations → hộ nghèo, fewer → cận nghèo;
up to 2.25 M / 3 M → mức sống trung bình; above → không thuộc diện)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.engine import eligibility
from bot.engine.answer_engine import AnswerEngine
from bot.engine.contracts import Decision
from knowledge_base.models import Message
from tests.engine.conftest import Chat, Kb

RURAL_LINE, URBAN_LINE, RURAL_MIDDLE = 1_500_000, 2_000_000, 2_250_000


def expected_class(income: int, urban: bool, deprivations: int) -> str:
    """The standard, written out independently of the engine."""
    line = URBAN_LINE if urban else RURAL_LINE
    middle = 3_000_000 if urban else RURAL_MIDDLE
    if income <= line:
        return "hộ nghèo" if deprivations >= 3 else "hộ cận nghèo"
    return "hộ có mức sống trung bình" if income <= middle else "không thuộc diện"


def test_poor_rural_household(engine: AnswerEngine) -> None:
    chat = Chat(engine, "elig-poor")
    first = chat.say("nhà tôi có phải hộ nghèo không?")
    assert first.extra["flow"] == "eligibility"
    assert "1.500.000" in first.text
    chat.press("Nông thôn")
    chat.say("khoảng 1tr2 mỗi người")  # typed income, under the rural line
    answers = ["Chỉ (1)", "Cả hai", "Không có", "Không có", "Không có", "Không có"]  # 3 deprivations
    for label in answers:
        reply = chat.press(label)
    assert reply.decision is Decision.ANSWERED
    assert reply.extra["classification"] == expected_class(1_200_000, False, 3) == "hộ nghèo"
    assert "hộ nghèo" in reply.text
    assert "1.500.000" in reply.text
    assert "Căn cứ:" in reply.text
    assert "07/2021/NĐ-CP" in reply.text
    assert "rà soát chính thức" in reply.text
    assert "Giấy đề nghị rà soát" in reply.text


def test_near_poor_urban_household_with_going_back(engine: AnswerEngine) -> None:
    chat = Chat(engine, "elig-near")
    chat.say("Nhà tui có thuộc hộ cận nghèo không vậy?")
    chat.press("Thành thị")
    chat.say("1.900.000")
    chat.press("Cả hai")  # employment: 2
    back = chat.say("quay lại")  # changes their mind about employment
    assert "Việc làm" in back.text
    chat.press("Chỉ (2)")  # employment: 1
    chat.press("Không có")
    chat.press("Chỉ (1)")  # education: 1 → 2 in total
    for _ in range(3):
        reply = chat.press("Không có")
    assert reply.extra["classification"] == expected_class(1_900_000, True, 2) == "hộ cận nghèo"
    assert "2.000.000" in reply.text
    assert "dưới 3 chỉ số" in reply.text


def test_non_poor_and_middle_income_households(engine: AnswerEngine) -> None:
    rich = Chat(engine, "elig-rich")
    rich.say("nhà tôi có phải hộ nghèo không?")
    rich.press("Nông thôn")
    reply = rich.say("3 triệu")
    assert reply.extra["classification"] == expected_class(3_000_000, False, 0) == "không thuộc diện"
    assert "2.250.000" in reply.text

    middle = Chat(engine, "elig-middle")
    middle.say("nhà tôi có phải hộ nghèo không?")
    middle.press("Nông thôn")
    reply = middle.press("Trên 1,5 triệu đến 2,25 triệu")
    assert reply.extra["classification"] == expected_class(2_000_000, False, 0) == "hộ có mức sống trung bình"


def test_quit_leaves_the_questionnaire_and_every_step_is_logged(engine: AnswerEngine, kb: Kb) -> None:
    chat = Chat(engine, "elig-quit")
    chat.say("nhà tôi có phải hộ nghèo không?")
    chat.press("Nông thôn")
    stopped = chat.press("✖️ Dừng")
    assert "dừng" in stopped.text
    after = chat.say("Chào bot")
    assert after.decision is Decision.SMALLTALK
    with kb.session_factory() as session:
        logged = session.scalars(select(Message).where(Message.id.in_([stopped.message_id, after.message_id]))).all()
    assert len(logged) == 2


def test_boundaries_and_the_2027_standard() -> None:
    state = eligibility.EligibilityState(step=eligibility.INCOME_STEP, urban=False)
    at_line = eligibility.advance(state, payload=None, text="1.500.000", day=date(2026, 3, 1))
    assert at_line.state is not None  # exactly the line: still asks the indicators
    above = eligibility.advance(state, payload=None, text="1.500.001 đồng", day=date(2026, 3, 1))
    assert above.classification == "hộ có mức sống trung bình"
    later = eligibility.start(date(2027, 1, 5))
    assert later.state is None
    assert "2.200.000" in later.text
    assert "351/2025/NĐ-CP" in later.text
