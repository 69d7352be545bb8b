"""Cut a reply into messages every channel accepts: at most ``limit`` characters, broken at sentence boundaries."""

from __future__ import annotations

import re

DEFAULT_LIMIT = 2000

# A sentence ends at . ! ? … (or a line break) followed by space and a capital, digit, quote or bracket; dots inside
# numbers ("1.500.000"), dates and document numbers never match.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“(\[0-9A-ZÀ-ỸĐ])|\n+")
_ENUMERATOR = re.compile(r"(?:\d{1,3}|[a-zđ]|[IVXLC]+)[.)]", re.IGNORECASE)


def sentences(text: str) -> list[str]:
    """The sentences (and lines) of ``text``, stripped, empty ones dropped; an enumerator ("2.", "a)") stays with
    the sentence it opens."""
    out: list[str] = []
    pending = ""
    for part in _SENTENCE_END.split(text):
        part = part.strip() if part else ""
        if not part:
            continue
        if _ENUMERATOR.fullmatch(part):
            pending = f"{pending}{part} "
            continue
        out.append(pending + part)
        pending = ""
    if pending:
        out.append(pending.strip())
    return out


def _hard_wrap(piece: str, limit: int) -> list[str]:
    """A single sentence longer than ``limit``: cut at the last space before the limit."""
    out: list[str] = []
    while len(piece) > limit:
        cut = piece.rfind(" ", 0, limit + 1)
        cut = cut if cut > 0 else limit
        out.append(piece[:cut].rstrip())
        piece = piece[cut:].lstrip()
    if piece:
        out.append(piece)
    return out


def split_blocks(text: str, limit: int = DEFAULT_LIMIT) -> tuple[str, ...]:
    """``text`` as blocks of at most ``limit`` characters; paragraphs and sentences are kept whole when they fit."""
    if len(text) <= limit:
        return (text,) if text.strip() else ()
    blocks: list[str] = []
    current = ""
    for paragraph in text.split("\n"):
        pieces = [paragraph] if len(paragraph) <= limit else [
            chunk for sentence in sentences(paragraph) for chunk in _hard_wrap(sentence, limit)
        ]
        for index, piece in enumerate(pieces):
            joiner = "\n" if index == 0 else " "
            candidate = f"{current}{joiner}{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                if current.strip():
                    blocks.append(current.strip())
                current = piece
    if current.strip():
        blocks.append(current.strip())
    return tuple(blocks)
