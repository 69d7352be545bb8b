"""The Vietnamese legal-structure parser: Phần / Chương / Mục / Điều / Khoản / Điểm, Phụ lục and forms.

The text is first cleaned of gazette furniture (``gazette.clean``), then read line by line into a tree:
the main body (articles inside chapters) and the annexes (Phụ lục, with forms — Mẫu số, Biểu số — and
their roman-numbered sections). A numbered line only opens a clause, and a lettered line a point, when
its number is the next one expected there; anything else is text of the unit already open, which keeps
cross-references and table cells that happen to start a line from being read as structure.

The tree is then packed into passages (``legal_packing``): one per clause-sized unit with its full
locator ("Điểm a Khoản 1 Điều 3", "Khoản 2 Mục I Phụ lục IV", "Mẫu số 3.2 Phụ lục III").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from knowledge_base.ingest.formats import PAGE_BREAK
from knowledge_base.ingest.gazette import Footnote, Item, clean
from knowledge_base.ingest.legal_packing import Node, pack, render
from knowledge_base.ingest.parsed import IngestError, ParsedDocument, ParsedPassage
from knowledge_base.ingest.text import ends_sentence, is_upper_heading, join_lines, sentence_case

_DOC_TYPES = {
    "THÔNG TƯ": "Thông tư", "THÔNG TƯ LIÊN TỊCH": "Thông tư liên tịch", "NGHỊ ĐỊNH": "Nghị định",
    "QUYẾT ĐỊNH": "Quyết định", "NGHỊ QUYẾT": "Nghị quyết", "LUẬT": "Luật", "PHÁP LỆNH": "Pháp lệnh",
    "CHỈ THỊ": "Chỉ thị", "VĂN BẢN HỢP NHẤT": "Văn bản hợp nhất", "KẾ HOẠCH": "Kế hoạch",
    "HƯỚNG DẪN": "Hướng dẫn", "THÔNG BÁO": "Thông báo", "CÔNG VĂN": "Công văn",
}
_NUMBER = re.compile(r"^\s*Số\s*:\s*(\d+[\w/.\-]*/[\w.\-]*[A-ZĐ][\w.\-]*)", re.UNICODE)
_LETTERHEAD = re.compile(r"^\s*(Số\s*:|VĂN BẢN (HỢP NHẤT|PHÁP LUẬT KHÁC|QUY PHẠM PHÁP LUẬT)\b|"
                         r"[^\W\d_][^,]{1,40},\s*ngày\s)")

_PART = re.compile(r"^(?:PHẦN|Phần)\s+(THỨ\s+[^\W\d_]+|[IVXLC]+|\d+)\s*([.:\-–])?\s*(.*)$")
_CHAPTER = re.compile(r"^(?:CHƯƠNG|Chương)\s+([IVXLC]+|\d+)\s*([.:\-–])?\s*(.*)$")
_SECTION = re.compile(r"^(?:MỤC|Mục)\s+(\d+|[IVXLC]+)\s*([.:\-–])?\s*(.*)$")
_ARTICLE = re.compile(r"^Điều\s+(\d+)([a-z]?)\s*\.\s*(.*)$")
_CLAUSE = re.compile(r"^(\d{1,3})([a-zđ]?)\.\s+(\S.*)$")
_POINT = re.compile(r"^([a-zđ])\)\s*(.*)$")
_ANNEX = re.compile(r"^(?:PHỤ LỤC|Phụ lục)(?:\s+(?:SỐ\s+|số\s+)?([IVXLC]+|\d+))?\d*\s*([.:\-–])?\s*(.*)$")
_FORM = re.compile(r"^(Mẫu số|MẪU SỐ|Biểu số|BIỂU SỐ|Biểu mẫu số)\s+(\d+(?:\.\d+)*[a-z]?)(?:\s*[.:]\s*(.*)|\s*)$")
_ANNEX_SECTION = re.compile(r"^([IVXLC]+)\.\s+(\S.*)$")
_CLOSING = re.compile(r"(?<![./])\./\.\s*$")
_RECIPIENTS = re.compile(r"^Nơi nhận\s*:")
_FORM_LETTERHEAD = re.compile(r"^(TÊN\s+)?(CƠ QUAN|ĐƠN VỊ|UBND|ỦY BAN|BỘ|SỞ|TỈNH|HUYỆN|XÃ)\b")
_ATTACHED = re.compile(r"^\((Ban hành )?[Kk]èm theo\b")
_TRAILING_MARKER = re.compile(r"(?<=[^\W\d_]{2})\d{1,4}$")
_POINT_LETTERS = "abcdđeghiklmnopqrstuvxy"
_FORM_TOC_GAP = 3
_TABLE_CELL_WORDS = 3
_TABLE_RATIO = 0.35
_ARTICLE_TITLE_FULL = 55
_WRAPPED_RATIO = 0.3

PREAMBLE = "Phần mở đầu"


def parse_legal(text: str) -> ParsedDocument:
    """Parse a legal text (gazette PDF-to-text, or the text of a .docx/.pdf/.md) into passages."""
    items = clean(text)
    lines = [item for item in items if isinstance(item, str)]
    if not any(line.strip() for line in lines):
        raise IngestError(None, "văn bản không có nội dung sau khi làm sạch.")
    reader = _Reader(items, wrapped=_is_wrapped(lines))
    root = reader.read()
    chunks = pack(root)
    if not chunks:
        raise IngestError(None, "không tách được đoạn nào có nội dung.")
    passages = tuple(
        ParsedPassage(locator=chunk.locator, heading_path=chunk.heading_path, text=chunk.text, order=order)
        for order, chunk in enumerate(chunks)
    )
    number = next((m.group(1) for line in lines if (m := _NUMBER.match(line))), None)
    doc_type = "Văn bản hợp nhất" if number and "VBHN" in number else reader.doc_type
    return ParsedDocument(title=reader.title, text=render(chunks), passages=passages, number=number,
                          doc_type=doc_type)


def _is_wrapped(lines: list[str]) -> bool:
    """True for hard-wrapped text (PDF conversion), where a line break is not a paragraph end."""
    long_lines = [line for line in lines if len(line.split()) >= 6]
    if not long_lines:
        return False
    open_ended = sum(not ends_sentence(line) for line in long_lines)
    return open_ended / len(long_lines) >= _WRAPPED_RATIO


def _page_starts(items: list[Item]) -> set[int]:
    """Indices of the first body line of every page."""
    starts: set[int] = set()
    at_start = True
    for index, item in enumerate(items):
        if item == PAGE_BREAK:
            at_start = True
        elif isinstance(item, str) and item.strip() and at_start:
            starts.add(index)
            at_start = False
    return starts


def _heading_marker_free(text: str) -> str:
    return _TRAILING_MARKER.sub("", " ".join(text.split())).rstrip(" .:")


class _Reader:
    """Reads cleaned lines into a ``Node`` tree; one instance per document."""

    def __init__(self, items: list[Item], *, wrapped: bool) -> None:
        self.items = items
        self.wrapped = wrapped
        self.root = Node("root", None, None, None)
        self.cursor = self.root
        self.in_annex = False
        self.skipping = False
        self.title: str | None = None
        self.doc_type: str | None = None
        self.index = 0
        self.node_at: dict[int, Node] = {}
        self.demoted: set[int] = set()
        self.pending: list[tuple[Footnote, Node]] = []
        self.paginated = PAGE_BREAK in items
        self.page_starts = _page_starts(items)
        self.tabular = False
        self.last_article = 0
        self._peeked = 0

    # -- driving -------------------------------------------------------------------------------------------
    def read(self) -> Node:
        self._mark_form_tables_of_contents()
        body_start = self._front_matter()
        self.index = body_start
        while self.index < len(self.items):
            item = self.items[self.index]
            if isinstance(item, Footnote):
                self.pending.append((item, self.cursor))
                self.index += 1
                continue
            start = self.index
            self._line(item)
            for consumed in range(start, self.index + 1):
                self.node_at[consumed] = self.cursor
            self.index += 1
        for note, printed_under in self.pending:
            anchor = self.node_at.get(note.anchor) if note.anchor is not None else None
            (anchor or printed_under).footnotes.append(note)
        return self.root

    def _line(self, line: str) -> None:
        stripped = line.strip() if line != PAGE_BREAK else ""
        if not stripped:
            return
        for handler in self._handlers():
            if handler(stripped):
                self.skipping = False
                return
        if self.skipping:
            return
        if _RECIPIENTS.match(stripped):
            self.skipping = True
            return
        self.cursor.lines.append(stripped)
        if _CLOSING.search(stripped):
            self.skipping = True

    def _handlers(self) -> list[Callable[[str], bool]]:
        return [self._annex, self._form, self._part, self._chapter, self._section, self._article,
                self._annex_section, self._clause, self._point]

    # -- front matter --------------------------------------------------------------------------------------
    def _front_matter(self) -> int:
        """Title and preamble (Căn cứ …) before the first heading; letterheads are dropped."""
        end = next((i for i, item in enumerate(self.items) if isinstance(item, str) and self._is_body_start(i)),
                   len(self.items))
        lines = [(i, item.strip()) for i, item in enumerate(self.items[:end]) if isinstance(item, str)]
        type_at = next((pos for pos, (_, line) in enumerate(lines) if line in _DOC_TYPES), None)
        preamble_from = 0
        if type_at is not None:
            self.doc_type = _DOC_TYPES[lines[type_at][1]]
            title_lines: list[str] = []
            pos = type_at + 1
            while pos < len(lines) and not lines[pos][1]:
                pos += 1
            while pos < len(lines) and lines[pos][1] and not lines[pos][1].startswith("Căn cứ") \
                    and len(title_lines) < 6:
                title_lines.append(lines[pos][1])
                pos += 1
            if title_lines:
                subtitle = _heading_marker_free(join_lines(title_lines))
                lowered = subtitle[:1].lower() + subtitle[1:] if subtitle[1:2].islower() else subtitle
                self.title = f"{self.doc_type} {lowered}"
            preamble_from = pos
        preamble = Node("preamble", PREAMBLE, None, self.root)
        for _, line in lines[preamble_from:]:
            if line and not (_LETTERHEAD.match(line) or line in _DOC_TYPES or
                             (type_at is None and is_upper_heading(line) and len(line.split()) < 12)):
                preamble.lines.append(line)
        for i, item in enumerate(self.items[:end]):
            if isinstance(item, Footnote):
                preamble.footnotes.append(item)
            else:
                self.node_at[i] = preamble
        if not preamble.lines:
            self.root.children.remove(preamble)
        return end

    def _is_body_start(self, index: int) -> bool:
        line = str(self.items[index]).strip()
        return bool(_ARTICLE.match(line) or self._heading_ok(_CHAPTER.match(line)) or
                    self._heading_ok(_PART.match(line)) or self._annex_candidate(line))

    # -- headings ------------------------------------------------------------------------------------------
    def _heading_ok(self, match: re.Match[str] | None) -> bool:
        if match is None:
            return False
        delimiter, rest = match.group(2), match.group(3)
        return not rest or is_upper_heading(rest) or (delimiter is not None and rest[:1].isupper())

    def _title_after(self, first: str, *, upper_only: bool) -> str:
        """The heading's title: the rest of its line, else the following capitalised (or short) lines."""
        if first:
            return first
        parts: list[str] = []
        probe = self.index + 1
        while probe < len(self.items) and len(parts) < 6:
            item = self.items[probe]
            if isinstance(item, Footnote):
                probe += 1
                continue
            text = item.strip()
            if not text:
                if parts:
                    break
                probe += 1
                continue
            if _ATTACHED.match(text) or _FORM_LETTERHEAD.match(text) or self._is_structure(text) or not (
                    is_upper_heading(text) or (not upper_only and not parts and len(text.split()) <= 20)):
                break
            parts.append(text)
            self._advance_to(probe)
            probe += 1
        return join_lines(parts)

    def _is_structure(self, text: str) -> bool:
        return bool(_ARTICLE.match(text) or _CLAUSE.match(text) or _POINT.match(text) or _FORM.match(text)
                    or _ANNEX_SECTION.match(text) or self._annex_candidate(text))

    def _open(self, kind: str, label: str | None, heading: str | None, parent: Node) -> Node:
        node = Node(kind, label, heading, parent)
        self.cursor = node
        return node

    def _ancestor(self, kinds: set[str]) -> Node | None:
        node: Node | None = self.cursor
        while node is not None and node.kind not in kinds:
            node = node.parent
        return node

    def _part(self, line: str) -> bool:
        match = _PART.match(line)
        if self.in_annex or not self._heading_ok(match):
            return False
        assert match is not None
        number = match.group(1)
        title = self._title_after(match.group(3), upper_only=True)
        self._open("part", f"Phần {number}", _compose(f"Phần {number}", title), self.root)
        return True

    def _chapter(self, line: str) -> bool:
        match = _CHAPTER.match(line)
        if self.in_annex or not self._heading_ok(match):
            return False
        assert match is not None
        title = self._title_after(match.group(3), upper_only=True)
        parent = self._ancestor({"part"}) or self.root
        self._open("chapter", f"Chương {match.group(1)}", _compose(f"Chương {match.group(1)}", title), parent)
        return True

    def _section(self, line: str) -> bool:
        match = _SECTION.match(line)
        if self.in_annex or not self._heading_ok(match):
            return False
        assert match is not None
        title = self._title_after(match.group(3), upper_only=True)
        parent = self._ancestor({"chapter", "part"}) or self.root
        self._open("section", f"Mục {match.group(1)}", _compose(f"Mục {match.group(1)}", title), parent)
        return True

    def _article(self, line: str) -> bool:
        match = _ARTICLE.match(line)
        if self.in_annex or match is None:
            return False
        number = int(match.group(1))
        if number < self.last_article:
            return False
        self.last_article = number
        title_lines = [match.group(3)]
        while self.wrapped and len(title_lines) < 5 and len(title_lines[-1]) >= _ARTICLE_TITLE_FULL \
                and not ends_sentence(title_lines[-1]):
            following = self._peek_line()
            if following is None or self._is_structure(following) or ends_sentence(following):
                break
            title_lines.append(following)
            self._skip_to_peeked()
        label = f"Điều {number}{match.group(2)}"
        title = _heading_marker_free(join_lines(title_lines))
        parent = self._ancestor({"section", "chapter", "part"}) or self.root
        node = self._open("article", label, _compose(label, title), parent)
        node.number = str(number)
        return True

    def _peek_line(self) -> str | None:
        probe = self.index + 1
        while probe < len(self.items) and isinstance(self.items[probe], Footnote):
            probe += 1
        if probe >= len(self.items):
            return None
        text = str(self.items[probe]).strip()
        self._peeked = probe
        return text or None

    def _skip_to_peeked(self) -> None:
        self._advance_to(self._peeked)

    def _advance_to(self, target: int) -> None:
        """Consume lines up to ``target`` (inclusive), keeping any footnote met on the way."""
        for skipped in self.items[self.index + 1:target]:
            if isinstance(skipped, Footnote):
                self.pending.append((skipped, self.cursor))
        self.index = max(self.index, target)

    def _annex_candidate(self, line: str) -> bool:
        match = _ANNEX.match(line)
        return match is not None and (not match.group(3) or is_upper_heading(match.group(3)))

    def _annex(self, line: str) -> bool:
        if not self._annex_candidate(line):
            return False
        match = _ANNEX.match(line)
        assert match is not None
        label = f"Phụ lục {match.group(1)}" if match.group(1) else "Phụ lục"
        title = self._title_after(match.group(3), upper_only=False)
        self._skip_attachment_note()
        self.in_annex = True
        self._open("annex", label, _compose(label, title), self.root)
        self.tabular = self._region_is_table()
        return True

    def _skip_attachment_note(self) -> None:
        """Skip "(Kèm theo Thông tư số … của Bộ trưởng …)" under an annex heading."""
        following = self._peek_line()
        if following is None or not _ATTACHED.match(following):
            return
        while following is not None:
            self._skip_to_peeked()
            if ")" in following:
                return
            following = self._peek_line()

    def _form(self, line: str) -> bool:
        match = _FORM.match(line)
        if match is None or not self._form_allowed(self.index):
            return False
        kind = "Biểu số" if match.group(1).lower().startswith("biểu") else "Mẫu số"
        label = f"{kind} {match.group(2)}"
        current = self._ancestor({"form"})
        if current is not None and current.label == label:
            return True  # the form's label repeated at the top of its next page
        title = self._title_after(match.group(3) or "", upper_only=True)
        parent = self._ancestor({"annex"}) or self.root
        self._open("form", label, _compose(label, title), parent)
        self.tabular = self._region_is_table()
        return True

    def _form_allowed(self, index: int) -> bool:
        """Gazette forms start on a new page; elsewhere a "Mẫu số …" line is a table cell or a list entry."""
        if self.paginated:
            return index in self.page_starts
        return index not in self.demoted

    def _region_is_table(self) -> bool:
        """True when the annex or form just opened is a flattened table (mostly one-cell lines).

        Numbered lines in such a region are table rows, not clauses, so no clause structure is read there.
        """
        region: list[str] = []
        for probe in range(self.index + 1, len(self.items)):
            item = self.items[probe]
            if not isinstance(item, str) or not item.strip() or item == PAGE_BREAK:
                continue
            text = item.strip()
            if self._annex_candidate(text) or (_FORM.match(text) and self._form_allowed(probe)):
                break
            region.append(text)
        if not region:
            return False
        return sum(len(text.split()) <= _TABLE_CELL_WORDS for text in region) / len(region) >= _TABLE_RATIO

    def _mark_form_tables_of_contents(self) -> None:
        """A form heading followed closely by another one is an entry of a list of forms, not a form."""
        candidates = [i for i, item in enumerate(self.items)
                      if isinstance(item, str) and (_FORM.match(item.strip()) or self._annex_candidate(item.strip()))]
        for current, following in itertools.pairwise(candidates):
            between = [item for item in self.items[current + 1:following] if isinstance(item, str) and item.strip()]
            if len(between) <= _FORM_TOC_GAP and _FORM.match(str(self.items[current]).strip()):
                self.demoted.add(current)

    def _annex_section(self, line: str) -> bool:
        match = _ANNEX_SECTION.match(line)
        if not self.in_annex or self.tabular or match is None or not is_upper_heading(match.group(2)):
            return False
        title_parts = [match.group(2)]
        following = self._peek_line()
        while following is not None and is_upper_heading(following) and not self._is_structure(following) \
                and len(title_parts) < 3:
            title_parts.append(following)
            self._skip_to_peeked()
            following = self._peek_line()
        label = f"Mục {match.group(1)}"
        parent = self._ancestor({"form", "annex"}) or self.root
        self._open("asection", label, _compose(f"{match.group(1)}", join_lines(title_parts)), parent)
        return True

    def _clause(self, line: str) -> bool:
        match = _CLAUSE.match(line)
        if match is None or (self.in_annex and self.tabular):
            return False
        container = self._ancestor({"article", "asection", "form", "annex"}) or self.root
        number, suffix = int(match.group(1)), match.group(2)
        previous = container.last_child_number("clause")
        last = int(previous) if previous is not None else 0
        if not (number == last + 1 or (suffix and last == number)):
            return False
        node = self._open("clause", f"Khoản {number}{suffix}", None, container)
        node.number = str(number)
        node.lines.append(line)
        return True

    def _point(self, line: str) -> bool:
        match = _POINT.match(line)
        if match is None or (self.in_annex and self.tabular):
            return False
        parent = self._ancestor({"clause", "article", "asection", "form", "annex"}) or self.root
        last = parent.last_child_number("point")
        expected = _POINT_LETTERS.index(last) + 1 if last is not None else 0
        letter = match.group(1)
        if _POINT_LETTERS.find(letter) not in (expected, expected + 1):
            return False
        node = self._open("point", f"Điểm {letter}", None, parent)
        node.number = letter
        node.lines.append(line)
        return True


def _compose(label: str, title: str) -> str:
    title = sentence_case(_heading_marker_free(title))
    return f"{label}. {title}" if title else label


def looks_legal(text: str) -> bool:
    """True when the text has at least two article headings ("Điều 1.", "Điều 2.")."""
    return sum(1 for line in text.split("\n") if _ARTICLE.match(line.strip())) >= 2
