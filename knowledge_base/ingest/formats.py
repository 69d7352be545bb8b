"""Reading an officer's file into plain text: .txt, .md, .docx, .pdf, .html, whatever its character encoding.

Every failure (unknown format, empty, corrupt, undecodable, scanned PDF without a text layer) becomes an
``IngestError`` naming the file and the reason in Vietnamese, so one bad file never stops a batch silently.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import charset_normalizer
import docx
import pypdf
from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree
from pypdf.errors import PdfReadError

from knowledge_base.ingest.docx_safety import check_docx
from knowledge_base.ingest.parsed import IngestError

PAGE_BREAK = "\f"
"""Separates PDF pages in the text we return; the legal parser treats it as a page boundary."""

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_MAX_CONTROL_RATIO = 0.005
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def read_text(path: Path) -> str:
    """The text of ``path`` in NFC, with ``\\n`` line ends; raises ``IngestError`` when it cannot be read."""
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        supported = ", ".join(sorted(_READERS))
        raise IngestError(path, f"định dạng «{path.suffix or 'không có đuôi'}» chưa được hỗ trợ (hỗ trợ: {supported}).")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IngestError(path, f"không mở được tệp ({error.strerror or error}).") from error
    if not data.strip():
        raise IngestError(path, "tệp rỗng, không có nội dung.")
    text = unicodedata.normalize("NFC", reader(path, data)).replace("\r\n", "\n").replace("\r", "\n")
    if not any(ch.isalpha() for ch in text):
        raise IngestError(path, "không tìm thấy chữ nào trong tệp (tệp trống hoặc chỉ có hình ảnh).")
    return text


def decode_bytes(path: Path, data: bytes) -> str:
    """Decode text bytes: BOM first, then strict UTF-8, then charset detection (UTF-16, Windows-1258, …)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(path, data.decode(encoding, errors="strict"))
    try:
        return _checked(path, data.decode("utf-8", errors="strict"))
    except UnicodeDecodeError:
        pass
    match = charset_normalizer.from_bytes(data).best()
    if match is None:
        raise IngestError(
            path, "không nhận diện được bảng mã ký tự; tệp có thể bị hỏng hoặc không phải văn bản. "
            "Hãy lưu lại tệp dưới dạng UTF-8 rồi nhập lại."
        )
    return _checked(path, str(match))


def _checked(path: Path, text: str) -> str:
    controls = len(_CONTROL.findall(text))
    if "\x00" in text or controls > max(2, len(text) * _MAX_CONTROL_RATIO):
        raise IngestError(path, "nội dung chứa ký tự nhị phân, không phải văn bản; tệp có thể bị hỏng.")
    return text


def _read_plain(path: Path, data: bytes) -> str:
    return decode_bytes(path, data)


_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")


def _read_markdown(path: Path, data: bytes) -> str:
    """Markdown to plain lines: heading marks, emphasis, links and rules removed; the words stay."""
    lines = []
    for line in decode_bytes(path, data).splitlines():
        if _MD_RULE.match(line):
            lines.append("")
            continue
        line = _MD_HEADING.sub("", line)
        line = _MD_LINK.sub(r"\1", line)
        lines.append(_MD_EMPHASIS.sub(r"\2", line))
    return "\n".join(lines)


def _read_docx(path: Path, data: bytes) -> str:
    try:
        check_docx(path, data)
    except IngestError as error:
        raise IngestError(path, error.reason) from error
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as error:
        raise IngestError(path, "tệp Word (.docx) bị hỏng hoặc không đúng định dạng.") from error
    except etree.XMLSyntaxError as error:
        raise IngestError(path, f"tệp Word có nội dung XML hỏng, không đọc được ({error.msg}).") from error
    lines: list[str] = []
    for block in _docx_blocks(document):
        if isinstance(block, Paragraph):
            lines.append(block.text)
        else:
            lines.extend(_table_rows(block))
    return "\n".join(lines)


def _docx_blocks(document: docx.document.Document) -> Iterator[Paragraph | Table]:
    """Paragraphs and tables in reading order (python-docx lists them separately)."""
    body = document.element.body
    for child in body.iterchildren():
        if child.tag.endswith("}p"):
            yield Paragraph(child, document)
        elif child.tag.endswith("}tbl"):
            yield Table(child, document)


def _table_rows(table: Table) -> Iterator[str]:
    """One line per row, cells separated by " | " (merged cells, which python-docx repeats, only once)."""
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if cells:
            yield " | ".join(cells)


def _read_pdf(path: Path, data: bytes) -> str:
    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted:
            raise IngestError(path, "tệp PDF có mật khẩu bảo vệ; hãy gỡ mật khẩu rồi nhập lại.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        raise IngestError(path, "tệp PDF bị hỏng hoặc không đọc được.") from error
    if not any(page.strip() for page in pages):
        raise IngestError(path, "tệp PDF không có lớp chữ (có thể là bản quét); cần nhận dạng chữ (OCR) trước.")
    return f"\n{PAGE_BREAK}\n".join(pages)


_SKIPPED_TAGS = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg",
                 "button", "select", "template", "figure"}
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
               "tr", "table", "blockquote", "br", "figcaption", "pre", "dd", "dt", "dl", "hr", "tbody", "thead"}
_CELL_TAGS = {"td", "th"}


def _read_html(path: Path, data: bytes) -> str:
    """The readable text of a web page: the <article>/<main> when there is one, without scripts and menus."""
    soup = BeautifulSoup(data, "html.parser")
    if soup.contains_replacement_characters:
        raise IngestError(path, "không nhận diện được bảng mã ký tự của trang web; tệp có thể bị hỏng.")
    for tag in soup.find_all(_SKIPPED_TAGS):
        if tag.name == "figure" and tag.find("figcaption"):
            continue
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    heading = soup.find("h1")
    parts: list[str] = []
    if heading is not None and isinstance(root, Tag) and heading not in root.descendants:
        parts.append(heading.get_text(" ", strip=True) + "\n")
    _walk(root, parts.append)
    lines = [" ".join(line.split()) for line in "".join(parts).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _walk(node: Tag | NavigableString, emit: Callable[[str], None]) -> None:
    if isinstance(node, NavigableString):
        if type(node) is NavigableString:  # skips comments, doctype and CDATA
            emit(str(node).replace("\n", " "))
        return
    name = node.name
    if name in _BLOCK_TAGS:
        emit("\n")
    for child in node.children:
        if isinstance(child, Tag | NavigableString):
            _walk(child, emit)
    if name in _CELL_TAGS:
        emit(" | ")
    elif name in _BLOCK_TAGS:
        emit("\n")


_READERS: dict[str, Callable[[Path, bytes], str]] = {
    ".txt": _read_plain,
    ".md": _read_markdown,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
    ".html": _read_html,
    ".htm": _read_html,
}
