"""What the parsers hand to the importer: a document's cleaned text and its passages, nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ParsedPassage:
    locator: str
    """Where the passage sits: "Điểm a Khoản 1 Điều 3", "Phụ lục II", "Mẫu số 3.2 Phụ lục III", news: "Đoạn 3"."""
    heading_path: tuple[str, ...]
    """Readable headings above the passage, outermost first: ("Chương II. …", "Điều 4. …")."""
    text: str
    """NFC, lines re-joined, white space collapsed; words and tone marks exactly as in the source."""
    order: int


@dataclass(frozen=True)
class ParsedDocument:
    title: str | None
    text: str
    """The cleaned full text (headings and passages in reading order)."""
    passages: tuple[ParsedPassage, ...]
    number: str | None = None
    """The document number found in the text ("11/2022/TT-BLĐTBXH"), for files imported without a catalogue."""
    doc_type: str | None = None
    """The document type found in the text ("Thông tư", "Văn bản hợp nhất", "Tin bài")."""


class IngestError(Exception):
    """A file that cannot be imported; the message names the file and says why, in Vietnamese."""

    def __init__(self, source: Path | str | None, reason: str) -> None:
        self.source = None if source is None else str(source)
        self.reason = reason
        name = Path(source).name if source is not None else None
        where = f"tệp «{name}»" if name else "văn bản"
        super().__init__(f"Không nhập được {where}: {reason}")
