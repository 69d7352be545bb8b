"""Officers' replies to citizens, on whichever channel the citizen used, within that channel's reply window."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from telegram.error import TelegramError

from bot.channels import telegram, zalo_bot, zalo_oa
from bot.channels.errors import ChannelUnavailableError, DeliveryFailedError
from bot.channels.gateway import Runtime
from bot.channels.window import ensure_open
from bot.engine.split import split_blocks
from knowledge_base.models import Conversation

WEB_CHANNEL = "web"
TELEGRAM_WINDOW = timedelta(days=365)
"""Telegram lets a bot write to anyone who started it; a year keeps officers from reviving long-dead threads."""
ZALO_BOT_WINDOW = timedelta(hours=48)
"""Treated like Zalo OA's customer-service window: the safe assumption for Zalo's platforms."""


async def send_to_user(runtime: Runtime, channel: str, user_key: str, text: str) -> None:
    """Send ``text`` to ``user_key`` on ``channel``.

    Raises an OutboundError subclass (ReplyWindowClosedError, ChannelUnavailableError, DeliveryFailedError)
    whose message, in Vietnamese, the console can show the officer as is.
    """
    settings = runtime.settings
    text = text.strip()
    if not text:
        raise ChannelUnavailableError("Nội dung trả lời đang trống.")
    if channel == zalo_oa.CHANNEL:
        if not settings.zalo_oa_app_id:
            raise ChannelUnavailableError("Kênh Zalo OA chưa được cấu hình trên máy chủ này.")
        async with httpx.AsyncClient(timeout=15) as http:
            await zalo_oa.ZaloOAClient(settings, runtime.session_factory, http).send_officer_reply(user_key, text)
        return
    if channel == zalo_bot.CHANNEL:
        if not settings.zalo_bot_token.get_secret_value():
            raise ChannelUnavailableError("Kênh Zalo Bot chưa được cấu hình trên máy chủ này.")
        await run_in_threadpool(ensure_open, runtime.session_factory, channel, user_key, ZALO_BOT_WINDOW, "Zalo Bot")
        async with httpx.AsyncClient(timeout=15) as http:
            await zalo_bot.ZaloBotClient(settings, http).send_text(user_key, text)
        return
    if channel == telegram.CHANNEL:
        if not settings.telegram_token.get_secret_value():
            raise ChannelUnavailableError("Kênh Telegram chưa được cấu hình trên máy chủ này.")
        await run_in_threadpool(ensure_open, runtime.session_factory, channel, user_key, TELEGRAM_WINDOW, "Telegram")
        try:
            async with telegram.bot_for(settings) as bot:
                for piece in split_blocks(text, telegram.MESSAGE_LIMIT - 1):
                    await bot.send_message(int(user_key), piece)
        except TelegramError as error:
            raise DeliveryFailedError(f"Telegram không nhận tin nhắn: {error}") from error
        return
    if channel == WEB_CHANNEL:
        # The reply is kept with the conversation (review.inbox.mark_answered); the open page fetches it.
        if not await run_in_threadpool(_has_conversation, runtime, channel, user_key):
            raise ChannelUnavailableError("Không tìm thấy cuộc trò chuyện trên trang web của người này.")
        return
    raise ChannelUnavailableError(
        "Người dân hỏi qua API, nên Loa không thể gửi tin chủ động; hãy trả lời qua kênh khác."
    )


def _has_conversation(runtime: Runtime, channel: str, user_key: str) -> bool:
    with runtime.session_factory() as session:
        found = session.scalar(select(Conversation.id).where(Conversation.channel == channel,
                                                              Conversation.user_key == user_key))
    return found is not None
