"""What a snapshot stores about each passage, document and FAQ question, and the text each signal sees."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from indexer.contracts import DocumentRef
from nlu.normalize import normalize_text


@dataclass(frozen=True)
class PassageRecord:
    id: int
    document_id: int
    locator: str
    heading_path: tuple[str, ...]
    text: str

    def context(self, document: DocumentRef) -> str:
        """The passage as it is embedded and matched: document title and heading path before the text.

        Legal clauses often say "hộ gia đình quy định tại khoản 1" without naming their subject; the headings
        ("Điều 3. Chuẩn hộ nghèo") and the title carry it.
        """
        parts = [document.title, *self.heading_path, self.text]
        return normalize_text(" . ".join(part for part in parts if part))


@dataclass(frozen=True)
class FaqQuestion:
    faq_id: int
    question: str


def document_to_json(document: DocumentRef) -> dict[str, Any]:
    data = asdict(document)
    for name in ("issued_on", "effective_from"):
        if data[name] is not None:
            data[name] = data[name].isoformat()
    return data


def document_from_json(data: dict[str, Any]) -> DocumentRef:
    for name in ("issued_on", "effective_from"):
        if data.get(name):
            data[name] = date.fromisoformat(data[name])
    data["aliases"] = tuple(data.get("aliases") or ())
    return DocumentRef(**data)
