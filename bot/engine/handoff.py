"""Hand a conversation to an officer: a review item carrying the question the user needed help with."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy.orm import Session

from bot.review.queue import enqueue
from knowledge_base.models import Message

HANDOFF_TEXT = (
    "Mình đã chuyển câu hỏi của bạn tới cán bộ phụ trách giảm nghèo. Cán bộ sẽ xem lại cuộc trò chuyện và trả lời "
    "bạn ngay tại đây khi có thể (thường trong giờ hành chính); mình không hứa trước được thời gian cụ thể. "
    "Nếu việc gấp, bạn có thể liên hệ trực tiếp Ủy ban nhân dân xã, phường nơi mình ở."
)
NOTHING_TO_HAND_OFF = (
    "Bạn muốn hỏi cán bộ về việc gì? Bạn cứ gõ câu hỏi, mình sẽ chuyển cho cán bộ phụ trách kèm câu hỏi đó."
)


def hand_off(
    session: Session,
    *,
    message: Message,
    question: str | None,
    embedding: Sequence[float] | np.ndarray | None,
) -> None:
    """Create or join a review item for ``message`` with reason "handoff"; ``question`` is the user's last real
    question (masked) when the handoff message itself is only "gặp cán bộ"."""
    enqueue(session, message=message, reason="handoff", embedding=embedding, question=question)
