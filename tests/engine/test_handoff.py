"""Handoffs filed under the question the citizen asked, and an honest word on when an officer answers."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from bot.engine.answer_engine import AnswerEngine
from bot.engine.contracts import Decision
from bot.engine.handoff import VIETNAM, OfficeHours, carries_question, handoff_question
from knowledge_base.models import ReviewExample
from tests.engine.conftest import TODAY, Chat, Kb


def _filed_question(kb: Kb, message_id: int | None) -> str:
    with kb.session_factory() as session:
        example = session.scalars(select(ReviewExample).where(ReviewExample.message_id == message_id)).one()
        assert example.reason == "handoff"
        return example.question


def test_a_request_that_says_what_it_is_about_is_filed_under_itself(engine: AnswerEngine, kb: Kb) -> None:
    chat = Chat(engine, "handoff-own-question")
    chat.say("Hộ gia đình được hiểu là những ai khi rà soát?")
    handed = chat.say("Tôi muốn vay vốn làm ăn thì hỏi ai?")
    assert handed.decision is Decision.HANDOFF
    assert "vay vốn" in _filed_question(kb, handed.message_id)
    assert "vay vốn" in handed.text  # the citizen sees which question was passed on


def test_a_bare_request_uses_the_last_real_question(engine: AnswerEngine, kb: Kb) -> None:
    chat = Chat(engine, "handoff-last-question")
    chat.say("Hộ gia đình được hiểu là những ai khi rà soát?")
    handed = chat.say("Tôi muốn gặp cán bộ")
    assert handed.decision is Decision.HANDOFF
    assert "Hộ gia đình" in _filed_question(kb, handed.message_id)


def test_a_bare_request_with_nothing_asked_asks_for_the_question(engine: AnswerEngine, kb: Kb) -> None:
    chat = Chat(engine, "handoff-nothing")
    first = chat.say("Tôi muốn gặp cán bộ")
    assert first.decision is Decision.HANDOFF
    assert "việc gì" in first.text
    with kb.session_factory() as session:
        assert session.scalars(select(ReviewExample).where(ReviewExample.message_id == first.message_id)).first() \
            is None


@pytest.mark.parametrize(("text", "expected"), [
    ("Tôi muốn vay vốn làm ăn thì hỏi ai?", True),
    ("cho tôi gặp cán bộ hỏi về tiền điện", True),
    ("Tôi muốn gặp cán bộ", False),
    ("toi muon gap can bo", False),
    ("Cho mình nói chuyện với người thật nhé", False),
])
def test_carries_question(text: str, expected: bool) -> None:
    assert carries_question(text) is expected


def test_handoff_question_masks_personal_data() -> None:
    filed = handoff_question("Tôi muốn vay vốn, số tôi 0912 345 678, hỏi ai?", None)
    assert filed is not None
    assert "0912" not in filed


def _hours(day: int, hour: int, minute: int = 0) -> OfficeHours:
    return OfficeHours.parse("07:30-11:30,13:30-17:00", range(5),
                             now=lambda: datetime(2026, 12, day, hour, minute, tzinfo=VIETNAM))


def test_office_hours_promise_is_honest_at_each_moment() -> None:
    # 2026-12-04 is a Friday.
    assert "đang trong giờ làm việc" in _hours(4, 9).promise()
    assert "13:30 hôm nay" in _hours(4, 12).promise()
    assert "7:30 thứ Hai (07/12)" in _hours(4, 18).promise()
    assert "7:30 ngày mai" in _hours(3, 20).promise()
    assert "7:30 hôm nay" in _hours(3, 6).promise()
    assert "ngay" not in _hours(4, 18).promise().replace("ngày", "")


def test_bad_office_hours_are_refused() -> None:
    for spec in ("", "7-11", "17:00-08:00", "ab:cd-11:00"):
        with pytest.raises(ValueError, match="office hours"):
            OfficeHours.parse(spec)


def test_the_engine_tells_when_an_officer_answers(kb: Kb) -> None:
    engine = AnswerEngine(session_factory=kb.session_factory, index=kb.index, understander=kb.understander,
                          clock=lambda: TODAY, office_hours=_hours(4, 18))
    chat = Chat(engine, "handoff-hours")
    handed = chat.say("Tôi muốn vay vốn làm ăn thì hỏi ai?")
    assert handed.decision is Decision.HANDOFF
    assert "ngoài giờ làm việc" in handed.text
    assert "thứ Hai" in handed.text
