"""The inbound limits on their own, with a controllable clock."""

from __future__ import annotations

from bot.engine.contracts import IncomingMessage
from bot.web.limits import InboundLimits


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def message(user: str = "u", text: str = "hỏi") -> IncomingMessage:
    return IncomingMessage(channel="telegram", user_key=user, text=text)


def test_the_window_slides_and_each_user_has_their_own() -> None:
    clock = Clock()
    limits = InboundLimits(per_minute=2, max_chars=100, clock=clock)
    assert limits.check(message()).allowed
    clock.now += 30
    assert limits.check(message()).allowed
    refused = limits.check(message())
    assert not refused.allowed
    assert refused.reply is not None
    assert refused.reason == "rate"
    silent = limits.check(message())
    assert (silent.allowed, silent.reply) == (False, None)  # told once per window, then dropped
    assert limits.check(message(user="v")).allowed
    clock.now += 31  # the first message left the window
    assert limits.check(message()).allowed


def test_size_limit_counts_characters_not_bytes() -> None:
    limits = InboundLimits(per_minute=10, max_chars=5)
    assert limits.check(message(text="ệệệệệ")).allowed
    too_long = limits.check(message(text="ệệệệệệ"))
    assert too_long.reason == "size"
    assert too_long.reply is not None
    assert "dài quá 5 ký tự" in too_long.reply.text
