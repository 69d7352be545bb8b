"""Mask personal numbers (phone numbers, CCCD/CMND numbers) before anything is stored or logged.

Money and dates must survive: a phone number starts with 0 or +84 and has 10–11 digits; an identity number is a
bare run of 9 (CMND) or 12 (CCCD) digits that is not followed by a currency unit.
"""

from __future__ import annotations

import re

PHONE_MASK = "[số điện thoại]"
ID_MASK = "[số CCCD/CMND]"

_PHONE = re.compile(r"(?<![\w.,/])(?:\+\s?84|0084|0)(?:[\s.\-]?\d){8,10}(?![\w/])")
_IDENTITY = re.compile(
    r"(?<![\w.,/])(?:\d{12}|\d{9}|\d{3}[\s.]\d{3}[\s.]\d{3}[\s.]\d{3}|\d{3}[\s.]\d{3}[\s.]\d{3})(?![\w/])"
    r"(?!\s*(?:đồng|đ\b|vnđ|vnd|triệu|nghìn|ngàn|tỷ|%))",
    re.IGNORECASE,
)


def _phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    national = digits.removeprefix("0084").removeprefix("84") if not digits.startswith("0") else digits[1:]
    return PHONE_MASK if len(national) in (9, 10) else match.group(0)


def mask(text: str) -> str:
    """``text`` with phone numbers and CCCD/CMND numbers replaced by a placeholder."""
    return _IDENTITY.sub(ID_MASK, _PHONE.sub(_phone, text))
