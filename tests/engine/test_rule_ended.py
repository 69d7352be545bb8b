"""Freshness in the answer engine: on a topic where the only rule has ended, Loa says so instead of quoting it."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from bot.engine.answer_engine import AnswerEngine
from bot.engine.contracts import Decision
from indexer.snapshot import build_index
from knowledge_base.models import Faq, FaqStatus
from knowledge_base.services.revision import bump_revision
from tests.engine.conftest import TODAY, Chat, Kb

QUESTION = "Học sinh hộ nghèo ở xã vùng cao có được tặng xe đạp đi học không?"
ANSWER = "Học sinh hộ nghèo ở xã vùng cao được tặng một xe đạp đi học trong năm học 2024 - 2025."


def test_an_ended_rule_is_not_quoted(kb: Kb, engine: AnswerEngine, index_dir: Path) -> None:
    with kb.session_factory() as session, session.begin():
        session.add(Faq(slug="xe-dap-thu-nghiem", topic="xe-dap-thu-nghiem", status=FaqStatus.PUBLISHED,
                        questions=[QUESTION, "hoc sinh ho ngheo co duoc tang xe dap khong"], answer=ANSWER,
                        next_step="Hỏi nhà trường.", applies_until=date(2026, 1, 31),
                        kb_revision=bump_revision(session)))
    manifest = build_index(kb.session_factory, index_dir, kb.embedder)
    deadline = time.monotonic() + 30
    while kb.index.current().revision != manifest.revision:  # the live index checks its pointer every 2 s
        assert time.monotonic() < deadline, "the new snapshot never went live"
        time.sleep(0.2)
    assert date(2026, 1, 31) < TODAY

    reply = Chat(engine, "het-han").say(QUESTION)
    assert reply.decision is Decision.REFUSED
    assert "chỉ áp dụng đến hết ngày 31/01/2026" in reply.text
    assert "xe đạp đi học trong năm học" not in reply.text
    assert "Gặp cán bộ" in [button.label for button in reply.buttons]

    earlier = AnswerEngine(session_factory=kb.session_factory, index=kb.index, understander=kb.understander,
                           clock=lambda: date(2026, 1, 15), embedder=kb.embedder)
    assert ANSWER in Chat(earlier, "con-han").say(QUESTION).text
