"""Mask personal data before anything is stored or logged: one recogniser per kind, each finding spans in the
user's own text, merged and replaced by a Vietnamese placeholder.

Kinds: e-mail addresses; phone numbers (``0…``, ``+84…``, ``84…``, ``0084…``, with spaces, dots, dashes or
brackets); CCCD (12 digits) and CMND (9 digits); bank account and card numbers (bare runs of 8–19 digits, or cards
in groups of four); house-number addresses ("12 ngõ 34 phố Huế", "số nhà 5", "ở 123 Nguyễn Trãi"); and names after
"tôi tên là / tên tôi là / họ tên là".

Policy text must survive untouched: money ("1.500.000 đồng", "150000000 đồng"), dates ("27/01/2021"), document
numbers ("07/2021/TT-BLĐTBXH") and article locators ("Điều 5 Khoản 2"). Numbers joined to ``/``, ``.`` or ``,``
groups, or followed by a currency unit, are never personal numbers here.

PyPI's Vietnamese recognisers were weighed first: ``vipii`` needs Presidio and an NLP engine and has no address or
name-after-cue recogniser; ``vn-ident`` validates numbers but does not find them in text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    EMAIL = "[email]"
    PHONE = "[số điện thoại]"
    IDENTITY = "[số CCCD/CMND]"
    ACCOUNT = "[số tài khoản/thẻ]"
    ADDRESS = "[địa chỉ]"
    NAME = "[họ tên]"


PHONE_MASK = Kind.PHONE.value
ID_MASK = Kind.IDENTITY.value

_NOT_AFTER = r"(?<![\w.,/@+-])"
_NOT_BEFORE = r"(?![\w/@]|[.,]\d)"
_CURRENCY = r"(?!\s*(?:đồng|đ\b|vnđ|vnd|triệu|nghìn|ngàn|tỷ|tỉ|%|người|hộ|lượt|km|ha|m2))"

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
PUBLIC_EMAIL_DOMAINS = (".gov.vn", "chinhphu.vn")
"""Institutions' published contact addresses (the legal texts print them) are nobody's personal data."""
_PHONE = re.compile(
    _NOT_AFTER + r"(?:\(\s?\+?\s?84\s?\)|\+\s?84|0084)?[\s.\-]?\(?\d(?:[\s.\-]?\)?\(?\d){7,12}" + _NOT_BEFORE)
_DIGIT_RUN = re.compile(
    _NOT_AFTER + r"(?:\d{8,19}|\d{4}(?:[ \-]\d{4}){2,3}(?:[ \-]\d{1,3})?)" + _NOT_BEFORE + _CURRENCY, re.IGNORECASE)
_GROUPED_ID = re.compile(_NOT_AFTER + r"\d{3}(?:[ .]\d{3}){2,3}" + _NOT_BEFORE + _CURRENCY, re.IGNORECASE)

_UPPER = "A-ZÀ-ỸĐ"
_NAME_WORD = rf"[{_UPPER}][\wÀ-ỹ]*"
_HOUSE = r"\d{1,5}[A-Za-z]?(?:/\d{1,5}[A-Za-z]?)*"
_STREET = r"(?i:đường|phố|ngõ|ngách|hẻm|kiệt)"
_PLACE = r"(?i:đường|phố|ngõ|ngách|hẻm|kiệt|tổ|thôn|xóm|ấp|khu phố|tdp)"
_STREET_NAME = rf"(?:số\s+)?(?:{_HOUSE}|{_NAME_WORD})(?:\s+(?:{_HOUSE}|{_NAME_WORD}))*"
_MORE_PLACES = rf"(?:\s*,?\s*{_PLACE}\s+{_STREET_NAME})*"
_ADDRESS_BY_KEYWORD = re.compile(
    rf"(?<![\w/.])(?:(?i:số nhà|nhà số|số)\s+)?{_HOUSE}\s*,?\s+{_STREET}\s+{_STREET_NAME}{_MORE_PLACES}")
_ADDRESS_BY_HOUSE = re.compile(rf"(?<![\w/.])(?i:số nhà|nhà số)\s+{_HOUSE}(?![\w/]){_MORE_PLACES}")
_LEGAL_WORDS = r"(?:Điều|Khoản|Điểm|Mục|Chương|Phụ|Nghị|Quyết|Thông|Luật|Văn|Mẫu|Biểu|Phần|Năm|Tháng|Ngày)\b"
_ADDRESS_AFTER_CUE = re.compile(
    rf"(?:(?<=\bở )|(?<=\btại )|(?<=\bnhà )|(?<=\bchỉ )|(?<=\bchỉ: )|(?<=\bchỉ là ))"
    rf"{_HOUSE}\s+(?!{_LEGAL_WORDS}){_NAME_WORD}(?:\s+{_NAME_WORD}){{0,4}}")

_SELF_NAME_CUE = re.compile(
    r"(?:\bten\s+(?:cua\s+)?(?:toi|minh|em|chau|con|tui)\s+la|\b(?:toi|minh|em|chau|con|tui)\s+ten(?:\s+la)?"
    r"|\bho\s+(?:va\s+)?ten\s+(?:cua\s+)?(?:toi|minh|em)\s+la)\s*:?\s*")
_FORM_NAME_CUE = re.compile(r"\bho\s+(?:va\s+)?ten\s*(?:la\b|:)\s*")
"""A form's "Họ tên:" label: only capitalised words after it are a name ("Họ tên: ghi rõ …" is an instruction)."""
_NAME_STOP_FOLDED = frozenset({
    "o", "song", "nha", "so", "sinh", "hien", "muon", "hoi", "can", "xin", "va", "la", "de", "cho", "voi", "tai",
    "tu", "nam", "thang", "ngay", "dang", "co", "khong", "a", "nhe", "ho", "ngheo"})
MAX_NAME_WORDS = 5
HOTLINE_PREFIXES = ("1800", "1900")
"""Public service numbers (1800 xxxx, 1900 xxxx xx): Loa's own replies quote them, they are nobody's."""
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: Kind


def _fold(text: str) -> str:
    """Lower case without diacritics, one character per character (so positions carry over)."""
    return "".join(unicodedata.normalize("NFD", ch)[0].lower() if ch not in "đĐ" else "d" for ch in text)


def _emails(text: str, _folded: str) -> Iterator[Span]:
    for found in _EMAIL.finditer(text):
        domain = found.group(1).lower()
        if domain == PUBLIC_EMAIL_DOMAINS[1] or domain.endswith(PUBLIC_EMAIL_DOMAINS):
            continue
        yield Span(found.start(), found.end(), Kind.EMAIL)


def _national_phone(digits: str) -> bool:
    """A Vietnamese number once the country code is gone: mobile 0 + 9 digits (03/05/07/08/09), landline 02 +
    9 digits."""
    for prefix in ("0084", "84"):
        if digits.startswith(prefix) and len(digits) - len(prefix) in (9, 10):
            digits = "0" + digits[len(prefix):]
            break
    if digits.startswith("00"):
        return False
    return (len(digits) == 10 and digits[:2] in ("03", "05", "07", "08", "09")) or (
        len(digits) == 11 and digits.startswith("02"))


def _phones(text: str, _folded: str) -> Iterator[Span]:
    for found in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", found.group(0))
        if _national_phone(digits):
            start = found.start() + (len(found.group(0)) - len(found.group(0).lstrip(" .-")))
            yield Span(start, found.end(), Kind.PHONE)


def _numbers(text: str, _folded: str) -> Iterator[Span]:
    """CCCD/CMND (12 or 9 digits, or 3-digit groups), and account or card numbers (other runs of 8–19 digits)."""
    for found in _GROUPED_ID.finditer(text):
        yield Span(found.start(), found.end(), Kind.IDENTITY)
    for found in _DIGIT_RUN.finditer(text):
        digits = re.sub(r"\D", "", found.group(0))
        if digits.startswith(HOTLINE_PREFIXES) and len(digits) <= 10:
            continue
        kind = Kind.IDENTITY if len(digits) in (9, 12) and digits == found.group(0) else Kind.ACCOUNT
        yield Span(found.start(), found.end(), kind)


def _addresses(text: str, _folded: str) -> Iterator[Span]:
    for pattern in (_ADDRESS_BY_KEYWORD, _ADDRESS_BY_HOUSE, _ADDRESS_AFTER_CUE):
        for found in pattern.finditer(text):
            yield Span(found.start(), found.end(), Kind.ADDRESS)


def _names(text: str, folded: str) -> Iterator[Span]:
    cues = [(cue, False) for cue in _SELF_NAME_CUE.finditer(folded)]
    cues += [(cue, True) for cue in _FORM_NAME_CUE.finditer(folded)]
    for cue, capitalised_only in cues:
        end = cue.end()
        words = 0
        for word in _WORD.finditer(text, cue.end()):
            if (text[end:word.start()].strip() or folded[word.start():word.end()] in _NAME_STOP_FOLDED
                    or (capitalised_only and not word.group(0)[0].isupper())):
                break
            end = word.end()
            words += 1
            if words == MAX_NAME_WORDS:
                break
        if words:
            yield Span(cue.end(), end, Kind.NAME)


RECOGNISERS: tuple[Callable[[str, str], Iterator[Span]], ...] = (_emails, _phones, _numbers, _addresses, _names)


def find(text: str) -> list[Span]:
    """Every personal-data span in ``text``, without overlaps: the earliest first, the longest where two start
    together; recognisers listed first win a tie."""
    folded = _fold(text)
    found = [span for recognise in RECOGNISERS for span in recognise(text, folded)]
    found.sort(key=lambda span: (span.start, -(span.end - span.start)))
    chosen: list[Span] = []
    for span in found:
        if chosen and span.start < chosen[-1].end:
            if span.end > chosen[-1].end:
                chosen[-1] = Span(chosen[-1].start, span.end, chosen[-1].kind)
            continue
        chosen.append(span)
    return chosen


def mask(text: str) -> str:
    """``text`` with every personal-data span replaced by its placeholder (``[số điện thoại]``, ``[email]`` …)."""
    pieces: list[str] = []
    last = 0
    for span in find(text):
        pieces.append(text[last:span.start])
        pieces.append(span.kind.value)
        last = span.end
    pieces.append(text[last:])
    return "".join(pieces)
