"""Packing a parsed legal tree into passages: clause-sized, readable, each with its full locator.

A unit that fits (an article up to ``ARTICLE_WORDS``, any other unit up to ``MAX_WORDS``) becomes one
passage; a larger one is opened into its children (clauses, points, forms, sections), tiny neighbours
(under ``MIN_WORDS``: "g) Bảo vệ môi trường.", a lead-in "2. Nguyên tắc hỗ trợ") are merged back into
their parent's passage, and a leaf still too long is cut between sentences under the same locator.
Footnotes of consolidated texts become passages of their own ("Chú thích 2"), never glued into a clause.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge_base.ingest.gazette import Footnote
from knowledge_base.ingest.text import MAX_WORDS, cut, join_lines, words

ARTICLE_WORDS = 120
"""An article with clauses is kept whole only up to this size, so that citations stay precise."""
MIN_WORDS = 30

_STRUCTURAL = {"root", "part", "chapter", "section"}
_LOCATOR_KINDS = {"point", "clause", "article", "asection", "form", "annex"}
_HEADING_KINDS = {"part", "chapter", "section", "article", "annex", "form", "asection"}


@dataclass(eq=False)
class Node:
    """One unit of a legal text: its own lines (the text before its first child) and its children."""

    kind: str
    label: str | None
    heading: str | None
    parent: Node | None
    lines: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    number: str | None = None

    def __post_init__(self) -> None:
        if self.parent is not None:
            self.parent.children.append(self)

    def last_child_number(self, kind: str) -> str | None:
        return next((child.number for child in reversed(self.children) if child.kind == kind), None)

    @property
    def locator(self) -> str:
        if self.kind in _STRUCTURAL or self.kind == "preamble":
            return self.label or ""
        labels: list[str] = []
        node: Node | None = self
        while node is not None:
            if node.kind in _LOCATOR_KINDS and node.label:
                labels.append(node.label)
            node = node.parent
        return " ".join(labels)

    @property
    def heading_path(self) -> tuple[str, ...]:
        headings: list[str] = []
        node: Node | None = self
        while node is not None:
            if node.kind in _HEADING_KINDS and node.heading:
                headings.append(node.heading)
            node = node.parent
        return tuple(reversed(headings))

    def all_lines(self) -> list[str]:
        lines = list(self.lines)
        for child in self.children:
            lines.extend(child.all_lines())
        return lines

    def all_footnotes(self) -> list[Footnote]:
        notes = list(self.footnotes)
        for child in self.children:
            notes.extend(child.all_footnotes())
        return notes

    def word_count(self) -> int:
        return sum(words(line) for line in self.all_lines())


@dataclass(frozen=True)
class Chunk:
    locator: str
    heading_path: tuple[str, ...]
    lines: tuple[str, ...]
    note: bool = False

    @property
    def text(self) -> str:
        return join_lines(self.lines)

    @property
    def words(self) -> int:
        return sum(words(line) for line in self.lines)


def pack(root: Node) -> list[Chunk]:
    return [chunk for chunk in _pack(root) if any(ch.isalpha() for ch in chunk.text)]


def render(chunks: list[Chunk]) -> str:
    """The cleaned full text: each new heading on its own line, then the passages in order."""
    out: list[str] = []
    shown: tuple[str, ...] = ()
    for chunk in chunks:
        common = 0
        while common < min(len(shown), len(chunk.heading_path)) and shown[common] == chunk.heading_path[common]:
            common += 1
        out.extend(chunk.heading_path[common:])
        shown = chunk.heading_path
        out.append(chunk.text)
    return "\n".join(out)


def _pack(node: Node) -> list[Chunk]:
    if node.kind in _STRUCTURAL:
        chunks = _own(node)
        for child in node.children:
            chunks.extend(_pack(child))
        return chunks + _notes(node, node.footnotes)
    total = node.word_count()
    has_clauses = any(child.kind == "clause" for child in node.children)
    limit = ARTICLE_WORDS if node.kind == "article" and has_clauses else MAX_WORDS
    if total <= limit:
        whole = [Chunk(node.locator, node.heading_path, tuple(node.all_lines()))] if total else []
        return whole + _notes(node, node.all_footnotes())
    children: list[Chunk] = []
    for child in node.children:
        children.extend(_pack(child))
    return _merge_tiny(_own(node), children, node) + _notes(node, node.footnotes)


def _own(node: Node) -> list[Chunk]:
    return [Chunk(node.locator, node.heading_path, tuple(group)) for group in cut(node.lines)]


def _notes(node: Node, notes: list[Footnote]) -> list[Chunk]:
    annex = " ".join(label for label in _annex_labels(node))
    return [
        Chunk(f"Chú thích {note.number}" + (f" {annex}" if annex else ""), node.heading_path, tuple(group), note=True)
        for note in notes
        for group in cut(note.lines)
    ]


def _annex_labels(node: Node) -> list[str]:
    labels: list[str] = []
    current: Node | None = node
    while current is not None:
        if current.kind in {"form", "annex"} and current.label:
            labels.append(current.label)
        current = current.parent
    return labels


def _merge_tiny(own: list[Chunk], children: list[Chunk], parent: Node) -> list[Chunk]:
    """Merge a tiny lead-in ("2. Nguyên tắc hỗ trợ") into what follows it, and tiny points into their clause.

    Clauses and forms are never merged with each other, so a passage never spans two of them.
    """
    chunks = own + children
    if own and children and own[-1].words < MIN_WORDS and not children[0].note:
        lead = len(own) - 1
        chunks[lead:lead + 2] = [_joined(own[-1], children[0], parent)]
    if parent.kind != "clause":
        return chunks
    out: list[Chunk] = []
    for chunk in chunks:
        previous = out[-1] if out else None
        if (previous is not None and not previous.note and not chunk.note
                and min(previous.words, chunk.words) < MIN_WORDS and previous.words + chunk.words <= MAX_WORDS):
            out[-1] = _joined(previous, chunk, parent)
        else:
            out.append(chunk)
    return out


def _joined(first: Chunk, second: Chunk, parent: Node) -> Chunk:
    if first.locator == second.locator:
        return Chunk(first.locator, first.heading_path, first.lines + second.lines)
    return Chunk(parent.locator, parent.heading_path, first.lines + second.lines)
