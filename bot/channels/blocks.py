"""Each channel's own message size, and the one place a reply is cut into blocks of that size.

The engine answers with one text; the gateway (and the Rasa actions, which do not pass it) cut it here, once, by
the channel it goes to. Adapters send the blocks as they are and never split a reply again."""

from __future__ import annotations

from dataclasses import replace
from enum import IntEnum

from bot.engine.contracts import Reply
from bot.engine.split import split_blocks


class BlockSize(IntEnum):
    """The most characters one message may hold on each channel."""

    TELEGRAM = 4096
    ZALO = 2000
    OTHER = 2000
    """The web chat, the API and Rasa: short bubbles read better on a phone."""


BLOCK_SIZES: dict[str, BlockSize] = {
    "telegram": BlockSize.TELEGRAM,
    "zalo_oa": BlockSize.ZALO,
    "zalo_bot": BlockSize.ZALO,
}


def block_size(channel: str) -> int:
    return int(BLOCK_SIZES.get(channel, BlockSize.OTHER))


def for_channel(reply: Reply, channel: str) -> Reply:
    """``reply`` with its text cut into blocks no longer than ``channel`` accepts."""
    return replace(reply, blocks=split_blocks(reply.text, block_size(channel)) or (reply.text,))
