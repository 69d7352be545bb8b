"""Short conversation memory per (channel, user): what was asked last, pending choices, the questionnaire step.

Kept in process memory and forgotten after ``ttl`` of silence: a follow-up is only meaningful minutes after the
question it follows. "bắt đầu lại" (the restart intent) forgets everything at once.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from bot.engine.eligibility import EligibilityState
from nlu.diacritics import strip_diacritics

DEFAULT_TTL_SECONDS = 30 * 60
MAX_CONVERSATIONS = 50_000


@dataclass(frozen=True)
class DialogueState:
    topic_question: str | None = None
    """The last policy question that was answered or clarified (normalised text), for follow-ups."""
    provinces: tuple[str, ...] = ()
    last_message_id: int | None = None
    last_question: str | None = None
    """The last policy question the user typed (masked), whatever the decision; a handoff carries it."""
    eligibility: EligibilityState | None = None
    extra: dict[str, str] = field(default_factory=dict)


class DialogueMemory:
    """Thread-safe map (channel, user_key) → DialogueState with expiry."""

    def __init__(self, ttl_seconds: float = DEFAULT_TTL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._states: dict[tuple[str, str], tuple[float, DialogueState]] = {}
        self._lock = threading.Lock()

    def get(self, channel: str, user_key: str) -> DialogueState:
        now = self._clock()
        with self._lock:
            entry = self._states.get((channel, user_key))
            if entry is None or now - entry[0] > self._ttl:
                self._states.pop((channel, user_key), None)
                return DialogueState()
            return entry[1]

    def put(self, channel: str, user_key: str, state: DialogueState) -> None:
        now = self._clock()
        with self._lock:
            self._states[(channel, user_key)] = (now, state)
            if len(self._states) > MAX_CONVERSATIONS:
                self._forget_expired(now)

    def update(self, channel: str, user_key: str, **changes: object) -> DialogueState:
        state = replace(self.get(channel, user_key), **changes)  # type: ignore[arg-type]
        self.put(channel, user_key, state)
        return state

    def reset(self, channel: str, user_key: str) -> None:
        with self._lock:
            self._states.pop((channel, user_key), None)

    def _forget_expired(self, now: float) -> None:
        expired = [key for key, (seen, _) in self._states.items() if now - seen > self._ttl]
        for key in expired:
            del self._states[key]
        while len(self._states) > MAX_CONVERSATIONS:  # still full: drop the oldest
            del self._states[min(self._states, key=lambda key: self._states[key][0])]


_FOLLOW_UP_START = re.compile(r"^(còn|thế còn|vậy còn|thế|vậy|nếu|ở|tại|với|đối với|riêng|như vậy|thế thì)\b")
_FOLLOW_UP_END = re.compile(r"\b(thi sao|thi the nao|thi ra sao|thi sao a|thi sao vay|thi sao ha|thi co khong)\W*$")
MAX_FOLLOW_UP_WORDS = 9


def is_follow_up(text: str) -> bool:
    """Whether ``text`` (normalised, diacritics restored) reads as a follow-up that only makes sense with the
    previous question ("còn hộ cận nghèo thì sao?", "ở Cao Bằng thì sao?")."""
    lowered = " ".join(text.lower().split())
    bare = strip_diacritics(lowered).replace("đ", "d")
    words = re.findall(r"\w+", bare)
    if not 0 < len(words) <= MAX_FOLLOW_UP_WORDS:
        return False
    return _FOLLOW_UP_START.search(lowered) is not None or _FOLLOW_UP_END.search(bare) is not None


def contextual_query(previous: str, follow_up: str) -> str:
    """The question to search for a follow-up: the follow-up first (it names what changed), then the previous one."""
    return f"{follow_up.rstrip(' ?.!')}. {previous}"
