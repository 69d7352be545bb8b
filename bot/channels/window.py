"""Reply windows: how long after a user's last message a platform lets us write to them freely."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from bot.channels.errors import ReplyWindowClosedError
from bot.channels.state import last_interaction
from knowledge_base.db import SessionFactory

VIETNAM = timezone(timedelta(hours=7))


def vietnam_time(moment: datetime) -> str:
    return moment.astimezone(VIETNAM).strftime("%H:%M ngày %d/%m/%Y")


def ensure_open(factory: SessionFactory, channel: str, user_key: str, window: timedelta, platform: str,
                now: datetime | None = None) -> None:
    """Raise ReplyWindowClosedError unless the user wrote on ``channel`` within ``window``."""
    last = last_interaction(factory, channel, user_key)
    now = now or datetime.now(UTC)
    hours = int(window.total_seconds() // 3600)
    if last is None:
        raise ReplyWindowClosedError(
            f"Không gửi được: người dân này chưa từng nhắn cho Loa qua {platform}, "
            "nên nền tảng không cho phép gửi tin chủ động."
        )
    if now - last > window:
        raise ReplyWindowClosedError(
            f"Không gửi được: người dân nhắn lần cuối lúc {vietnam_time(last)} (giờ Việt Nam), đã quá {hours} giờ. "
            f"{platform} chỉ cho phép trả lời trong vòng {hours} giờ sau tin nhắn gần nhất của người dân; "
            "hãy chờ người dân nhắn lại hoặc liên hệ qua kênh khác."
        )
