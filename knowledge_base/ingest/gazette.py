"""Clean-up of official-gazette (Công báo) PDF-to-text before the structure is read.

Pages are separated by an empty line (or a form feed from our PDF reader). At each page top the gazette
prints its running header ("CÔNG BÁO/Số 679 + 680/Ngày 24-4-2023") and the page number, in either order,
sometimes twice; consolidated texts (VBHN) put footnotes under a rule of spaces at the page foot, and
the electronic-signature stamp sits at the foot of the first page. This module removes the furniture and
lifts the footnotes out, so that a clause broken by a page turn reads as one piece again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge_base.ingest.formats import PAGE_BREAK
from knowledge_base.ingest.text import join_lines, normalize

_HEADER = re.compile(r"^\s*CÔNG BÁO\s*/\s*Số\s+[\d\s+]+/\s*Ngày\s+\d{1,2}\s*-\s*\d{1,2}\s*-\s*\d{4}\d*\s*$")
_PAGE_NUMBER = re.compile(r"^\s*\d{1,4}\s*$")
_STAMP = re.compile(r"^\s*(Người ký|Email|Cơ quan|Thời gian ký)\s*:")
_MOTTO = re.compile(r"^\s*(CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|Độc lập\s*-\s*Tự do\s*-\s*Hạnh phúc)\s*$")
_FOOTNOTE_RULE_MIN_SPACES = 10
_FOOTNOTE_START = re.compile(r"^\s*(\d{1,3})\s+(\S.*)$")
_MARKER = re.compile(r"(?<![^\W\d_])([^\W\d_]{2,})(\d{1,3})(?=[\s.,;:)”\"]|$)")
_UNITS = {"km", "cm", "mm", "dm", "kg", "ha", "kw", "kwh", "co"}


@dataclass
class Footnote:
    number: int
    lines: list[str] = field(default_factory=list)
    anchor: int | None = None
    """Index (in the item list) of the body line that carried this footnote's marker, when found."""

    @property
    def text(self) -> str:
        return join_lines(self.lines)


Item = str | Footnote
"""A body line (blank lines kept as "", a page turn as ``PAGE_BREAK``) or a footnote lifted out of its page."""


def clean(text: str) -> list[Item]:
    """Body lines in reading order with page furniture removed; each page's footnotes follow its lines."""
    items: list[Item] = []
    last: Footnote | None = None
    for page in _pages(normalize(text)):
        body, notes = _split_footnotes(_strip_furniture(page))
        page_notes: list[Footnote] = []
        for line in notes:
            start = _FOOTNOTE_START.match(line)
            if start and (last is None or not page_notes or int(start.group(1)) == last.number + 1):
                last = Footnote(int(start.group(1)), [start.group(2)])
                page_notes.append(last)
            elif last is not None and line.strip():
                last.lines.append(line)
        if items:
            items.append(PAGE_BREAK)
        by_number = {note.number: note for note in page_notes}
        for line in body:
            cleaned, found = _strip_markers(line, set(by_number))
            for number in found:
                by_number[number].anchor = len(items)
            items.append(cleaned)
        items.extend(page_notes)
    return items


def _pages(text: str) -> list[list[str]]:
    pages: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line == "" or line.strip() == PAGE_BREAK:
            pages.append([])
        else:
            pages[-1].append(line.replace(PAGE_BREAK, " "))
    return [page for page in pages if page]


def _strip_furniture(page: list[str]) -> list[str]:
    start = 0
    while start < len(page) and (not page[start].strip() or _PAGE_NUMBER.match(page[start]) or
                                 _HEADER.match(page[start])):
        start += 1
    kept: list[str] = []
    lines = page[start:]
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.lstrip().startswith("Người ký:") and index + 1 < len(lines) and _STAMP.match(lines[index + 1]):
            while index < len(lines) and _STAMP.match(lines[index]):
                index += 1
            continue
        if not (_HEADER.match(line) or _MOTTO.match(line)):
            kept.append(line)
        index += 1
    return kept


def _split_footnotes(page: list[str]) -> tuple[list[str], list[str]]:
    for index, line in enumerate(page):
        if not line.strip() and len(line) >= _FOOTNOTE_RULE_MIN_SPACES and index + 1 < len(page):
            return page[:index], page[index + 1:]
    return page, []


def _strip_markers(line: str, numbers: set[int]) -> tuple[str, list[int]]:
    """Remove footnote markers glued to a word ("báo cáo1." → "báo cáo.") when that footnote is on the page."""
    if not line.strip():
        return "", []
    found: list[int] = []

    def replace(match: re.Match[str]) -> str:
        word, digits = match.group(1), match.group(2)
        if word.islower() and word not in _UNITS and int(digits) in numbers:
            found.append(int(digits))
            return word
        return match.group(0)

    return _MARKER.sub(replace, line).rstrip() if numbers else line.rstrip(), found
