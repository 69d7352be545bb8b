"""Errors a channel raises toward the officer console; their text is Vietnamese and safe to show as is."""

from __future__ import annotations


class OutboundError(Exception):
    """A message to a citizen could not be sent; ``str(error)`` explains why in Vietnamese."""


class ReplyWindowClosedError(OutboundError):
    """The platform no longer allows a free reply to this user (Zalo OA: 48 hours after their last message)."""


class ChannelUnavailableError(OutboundError):
    """The channel is not configured, or cannot push a message to a user at all (web, API)."""


class DeliveryFailedError(OutboundError):
    """The platform refused or failed every attempt to deliver the message."""
