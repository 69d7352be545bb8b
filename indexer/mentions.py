"""Document numbers mentioned in a question ("Thông tư 11/2022", "theo 1315/VBHN-BLĐTBXH").

A question that names a document is asking about that document: its passages get a fusion bonus. Numbers are
compared by their first two parts, number and year (or type for consolidated texts), leading zeros ignored:
"07/2021" matches "07/2021/TT-BLĐTBXH", "1315/VBHN" matches "1315/VBHN-BLĐTBXH".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from nlu.diacritics import strip_diacritics

_NUMBER = re.compile(r"(?<![\w/])(\d{1,5})\s*/\s*(\d{4}|[^\W\d_]{2,})", re.UNICODE)

DocumentKey = tuple[int, str]


def document_keys(text: str) -> set[DocumentKey]:
    """Keys of the document numbers written in ``text``."""
    bare = strip_diacritics(text).lower()
    return {(int(number), second) for number, second in _NUMBER.findall(bare)}


def keys_of(numbers: Iterable[str | None]) -> set[DocumentKey]:
    """Keys of a document's own number and aliases."""
    keys: set[DocumentKey] = set()
    for number in numbers:
        if number:
            keys |= document_keys(number)
    return keys
