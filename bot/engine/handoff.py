"""Hand a conversation to an officer: a review item carrying the question the user needed help with, and an honest
word on when an officer usually answers."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy.orm import Session

from bot.review.queue import enqueue
from knowledge_base.models import Message
from nlu.diacritics import strip_diacritics
from nlu.privacy import mask

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
WEEKDAYS_VI = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
HANDOFF_INTRO = (
    "Mình đã chuyển câu hỏi «{question}» cùng cuộc trò chuyện tới cán bộ phụ trách giảm nghèo. "
    "Câu trả lời của cán bộ sẽ được gửi cho bạn ngay trong cuộc trò chuyện này."
)
NOTHING_TO_HAND_OFF = (
    "Bạn muốn hỏi cán bộ về việc gì? Bạn cứ gõ câu hỏi, mình sẽ chuyển cho cán bộ phụ trách kèm câu hỏi đó."
)
URGENT = "Nếu việc gấp, bạn có thể liên hệ trực tiếp Ủy ban nhân dân xã, phường nơi mình ở."

# Words that only ask for a person (written without diacritics, lower case): what is left carries the question.
_REQUEST_WORDS = frozenset((
    "toi", "minh", "em", "anh", "chi", "con", "chau", "ban", "muon", "can", "xin", "cho", "duoc", "gap", "hoi",
    "noi", "chuyen", "voi", "nguoi", "that", "bo", "nhan", "vien", "lien", "he", "ket", "sang", "ai", "thi",
    "la", "o", "dau", "ve", "viec", "nay", "a", "nhe", "oi", "di", "dum", "giup", "tu", "van", "truc", "tiep", "phu",
    "trach", "khong", "co", "the", "lam", "sao", "nhu", "nao",
))
_MIN_CONTENT_WORDS = 2


def _plain_words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", strip_diacritics(text).lower())


def carries_question(text: str) -> bool:
    """Whether a request for an officer also says what it is about ("Tôi muốn vay vốn làm ăn thì hỏi ai?"),
    as opposed to only asking for a person ("Tôi muốn gặp cán bộ")."""
    content = [word for word in _plain_words(text) if word not in _REQUEST_WORDS]
    return len(content) >= _MIN_CONTENT_WORDS


def handoff_question(text: str | None, last_question: str | None) -> str | None:
    """The question to file the handoff under: the request itself when it says what it is about, otherwise the
    user's last real question, otherwise none (then Loa asks for it). The result is masked."""
    if text and carries_question(text):
        return mask(text.strip())
    return last_question


def _parse_hours(spec: str) -> tuple[tuple[time, time], ...]:
    spans = []
    for part in spec.replace(";", ",").split(","):
        if not part.strip():
            continue
        start, sep, end = part.strip().partition("-")
        if not sep:
            raise ValueError(f"office hours {part!r}: expected HH:MM-HH:MM")
        try:
            opening, closing = time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
        except ValueError as error:
            raise ValueError(f"office hours {part!r}: expected HH:MM-HH:MM") from error
        if closing <= opening:
            raise ValueError(f"office hours {part!r}: the end must be after the start")
        spans.append((opening, closing))
    if not spans:
        raise ValueError("office hours: at least one HH:MM-HH:MM span")
    return tuple(sorted(spans))


def _clock_text(moment: time) -> str:
    return f"{moment.hour}:{moment.minute:02d}"


@dataclass(frozen=True)
class OfficeHours:
    """When officers work, in Vietnam's time: ``spans`` each working day (Monday = 0)."""

    spans: tuple[tuple[time, time], ...]
    weekdays: frozenset[int] = frozenset(range(5))
    now: Callable[[], datetime] = field(default=lambda: datetime.now(VIETNAM), compare=False)

    @classmethod
    def parse(cls, spec: str, weekdays: Sequence[int] = range(5),
              now: Callable[[], datetime] | None = None) -> OfficeHours:
        """``spec`` like "07:30-11:30,13:30-17:00"."""
        days = frozenset(weekdays)
        if not days or not days <= set(range(7)):
            raise ValueError("office days: numbers 0 (Monday) to 6 (Sunday)")
        if now is None:
            return cls(_parse_hours(spec), days)
        return cls(_parse_hours(spec), days, now)

    def describe(self) -> str:
        hours = ", ".join(f"{_clock_text(a)}–{_clock_text(b)}" for a, b in self.spans)
        days = sorted(self.weekdays)
        if days == list(range(days[0], days[-1] + 1)) and len(days) > 1:
            return f"{hours}, từ {WEEKDAYS_VI[days[0]]} đến {WEEKDAYS_VI[days[-1]]}"
        return f"{hours}, " + ", ".join(WEEKDAYS_VI[d] for d in days)

    def next_opening(self, moment: datetime) -> datetime | None:
        """The start of the next working span after ``moment``, or None while a span is open."""
        local = moment.astimezone(VIETNAM)
        for offset in range(8):
            day = (local + timedelta(days=offset)).date()
            if day.weekday() not in self.weekdays:
                continue
            for opening, closing in self.spans:
                start = datetime.combine(day, opening, VIETNAM)
                end = datetime.combine(day, closing, VIETNAM)
                if offset == 0 and start <= local < end:
                    return None
                if start > local:
                    return start
        return None

    def promise(self) -> str:
        """When an officer usually answers, said honestly for this moment."""
        moment = self.now().astimezone(VIETNAM)
        opening = self.next_opening(moment)
        hours = f"Cán bộ làm việc {self.describe()} (giờ Việt Nam)."
        if opening is None:
            return f"{hours} Bây giờ đang trong giờ làm việc, cán bộ thường trả lời trong buổi làm việc này."
        if opening.date() == moment.date():
            when = f"{_clock_text(opening.time())} hôm nay"
        elif opening.date() == moment.date() + timedelta(days=1):
            when = f"{_clock_text(opening.time())} ngày mai"
        else:
            when = f"{_clock_text(opening.time())} {WEEKDAYS_VI[opening.weekday()]} ({opening:%d/%m})"
        return f"{hours} Bây giờ đã ngoài giờ làm việc, nên sớm nhất từ {when} cán bộ mới xem được câu hỏi của bạn."


def handoff_text(question: str, hours: OfficeHours | None) -> str:
    """What Loa tells the citizen once the conversation is handed over."""
    shown = question if len(question) <= 160 else question[:157].rstrip() + "…"
    parts = [HANDOFF_INTRO.format(question=shown)]
    if hours is not None:
        parts.append(hours.promise())
    else:
        parts.append("Cán bộ thường trả lời trong giờ hành chính; mình không hứa trước được thời gian cụ thể.")
    parts.append(URGENT)
    return " ".join(parts)


def hand_off(
    session: Session,
    *,
    message: Message,
    question: str | None,
    embedding: Sequence[float] | np.ndarray | None,
) -> None:
    """Create or join a review item for ``message`` with reason "handoff", filed under ``question`` (masked)."""
    enqueue(session, message=message, reason="handoff", embedding=embedding, question=question)
