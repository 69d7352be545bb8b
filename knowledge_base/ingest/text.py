"""Small text tools shared by the legal and news parsers: joining lines, counting words, cutting long units.

Cuts happen between source lines whenever possible (a line of the gazette text is never split across two
passages), and inside a line only at sentence ends, so a passage always holds whole sentences.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

MAX_WORDS = 220
"""A passage longer than this is cut on sentence boundaries (~350 tokens for the embedders)."""

_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_GLUED_HYPHEN = re.compile(r"[^\W\d_]-$")
_SENTENCE_END = re.compile(r"(?<=[.!?;…])[\"”’)]?\s+(?=[\"“(\-+•–0-9A-ZÀ-ỸĐ])")
_LINE_END = re.compile(r"[.!?;:…][\"”’)]?$")


def normalize(text: str) -> str:
    """NFC, ``\\n`` line ends, no-break spaces and stray control characters (C0/C1) as plain spaces.

    The form feed (a PDF page break) is kept for the legal parser.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\xa0", " ").replace("\t", " ")
    return _CONTROLS.sub(" ", text)


def words(text: str) -> int:
    return len(text.split())


def join_lines(lines: Sequence[str]) -> str:
    """Re-join lines broken by the PDF conversion into one run of text with single spaces.

    A line ending in a hyphen glued to a word ("…/TT-" + "BLĐTBXH") continues without a space.
    """
    parts: list[str] = []
    for raw in lines:
        line = " ".join(raw.split())
        if not line:
            continue
        if parts and _GLUED_HYPHEN.search(parts[-1]):
            parts[-1] += line
        else:
            parts.append(line)
    return " ".join(parts)


def ends_sentence(line: str) -> bool:
    return bool(_LINE_END.search(line.rstrip()))


def split_sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE_END.split(text) if part.strip()]


def cut(lines: Sequence[str], limit: int = MAX_WORDS) -> list[list[str]]:
    """Cut ``lines`` into groups of at most ``limit`` words, preferring cuts after a line that ends a sentence.

    Groups come out of roughly equal size. A single line longer than ``limit`` is cut at its sentence ends.
    """
    pieces: list[str] = []
    for line in lines:
        if words(line) > limit:
            pieces.extend(_sentence_groups(line, limit))
        elif line.strip():
            pieces.append(line)
    total = sum(words(piece) for piece in pieces)
    if total <= limit:
        return [pieces] if pieces else []
    target = total / -(-total // limit)
    groups: list[list[str]] = []
    current: list[str] = []
    size = 0
    for piece in pieces:
        count = words(piece)
        if current and size + count > limit:
            groups.append(_take_to_sentence_end(current))
            size = sum(words(line) for line in current)
        current.append(piece)
        size += count
        if size >= target * 0.85 and ends_sentence(piece):
            groups.append(current)
            current, size = [], 0
    if current:
        groups.append(current)
    return groups


def _take_to_sentence_end(current: list[str]) -> list[str]:
    """Close the group at its last sentence-ending line; the lines after it stay in ``current``."""
    for index in range(len(current) - 1, 0, -1):
        if ends_sentence(current[index - 1]):
            head = current[:index]
            del current[:index]
            return head
    head = current[:]
    current.clear()
    return head


def _sentence_groups(line: str, limit: int) -> list[str]:
    groups: list[str] = []
    for sentence in split_sentences(" ".join(line.split())):
        if groups and words(groups[-1]) + words(sentence) <= limit:
            groups[-1] += " " + sentence
        else:
            groups.append(sentence)
    return groups


def sentence_case(heading: str) -> str:
    """ "XÂY DỰNG CƠ SỞ DỮ LIỆU" → "Xây dựng cơ sở dữ liệu"; headings already in mixed case are kept."""
    letters = [ch for ch in heading if ch.isalpha()]
    if not letters or sum(ch.isupper() for ch in letters) < 0.8 * len(letters):
        return heading
    tokens = []
    for token in heading.split():
        keep = re.fullmatch(r"[IVXLC]+[.,:;)]?|[A-Z][.,:;)]?|.*\d.*", token) is not None
        tokens.append(token if keep else token.lower())
    text = " ".join(tokens)
    return text[:1].upper() + text[1:]


def is_upper_heading(line: str) -> bool:
    """A line written in capitals (a chapter or annex title), ignoring digits and punctuation."""
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 3 and sum(ch.isupper() for ch in letters) >= 0.85 * len(letters)
