"""Load and validate the starter knowledge shipped in ``knowledge_base/starter`` (YAML).

The data are reviewed by people, so every check names the file and the entry it failed on,
in one error that lists every problem at once (an editor fixes them all in one pass).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

STARTER_DIR = Path(__file__).resolve().parent
SOURCES_FILE = "sources.yaml"
FAQ_DIR = "faq"

MIN_QUESTIONS = 3
MAX_QUESTIONS = 6
MAX_ANSWER_CHARS = 600
MAX_ANSWER_SENTENCES = 3
MAX_NEXT_STEP_CHARS = 300

_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_PERIOD = r"^\d{4}-\d{4}$"
# A sentence ends at . ! ? (or …) followed by white space and an upper-case letter, a digit or an
# opening quote/bracket. Dots inside numbers ("1.500.000"), dates and document numbers never match.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“(\[0-9A-ZÀ-ỸĐ])")


class StarterValidationError(ValueError):
    """The starter data are not publishable; ``problems`` lists every reason, one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("Dữ liệu kiến thức khởi đầu không hợp lệ:\n" + "\n".join(f"- {p}" for p in problems))


class SourceDoc(BaseModel):
    """A document the starter entries cite: a corpus document (``corpus_file`` set) or a listed source."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    number: str = Field(min_length=1, max_length=100)
    """Document number as written in law (``07/2021/NĐ-CP``), or ``news/<slug>`` / ``web/<slug>``."""
    type: str = Field(min_length=1)
    title: str = Field(min_length=1)
    issuer: str | None = None
    issued: date | None = None
    effective_from: date | None = None
    period: str | None = Field(default=None, pattern=_PERIOD)
    status: Literal["in_force", "expired", "superseded", "amended"]
    superseded_by: str | None = None
    source_url: str | None = Field(default=None, pattern=r"^https?://")
    corpus_file: str | None = Field(default=None, pattern=r"^(legal|news)/[^/]+\.txt$")
    """Path in ``shared/corpus`` when the full text is imported from the corpus (never overwritten)."""
    province: str | None = None
    year: int | None = None
    note: str | None = None

    @property
    def kind(self) -> Literal["legal", "news", "reference"]:
        if self.corpus_file is None:
            return "reference"
        return "news" if self.corpus_file.startswith("news/") else "legal"

    @model_validator(mode="after")
    def _check(self) -> SourceDoc:
        if self.status == "superseded" and not self.superseded_by:
            raise ValueError("status 'superseded' cần ghi 'superseded_by'")
        if self.issued and self.effective_from and self.effective_from < self.issued:
            raise ValueError("effective_from sớm hơn ngày ban hành 'issued'")
        if self.corpus_file is None and self.source_url is None:
            raise ValueError("nguồn không có trong bộ tài liệu phải ghi 'source_url'")
        return self


class Citation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    document: str = Field(min_length=1)
    locator: str | None = Field(default=None, max_length=200)


class FaqEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_SLUG, max_length=200)
    topic: str = Field(pattern=_SLUG, max_length=100)
    questions: tuple[str, ...]
    answer: str
    next_step: str = Field(min_length=1, max_length=MAX_NEXT_STEP_CHARS)
    period: str | None = Field(default=None, pattern=_PERIOD)
    applies_from: date | None = None
    applies_until: date | None = None
    citations: tuple[Citation, ...] = Field(min_length=1)

    @field_validator("questions")
    @classmethod
    def _questions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(" ".join(q.split()) for q in value)
        if not MIN_QUESTIONS <= len(cleaned) <= MAX_QUESTIONS:
            raise ValueError(f"cần {MIN_QUESTIONS}–{MAX_QUESTIONS} cách hỏi, đang có {len(cleaned)}")
        if any(not q for q in cleaned):
            raise ValueError("có cách hỏi để trống")
        keys = [question_key(q) for q in cleaned]
        if len(set(keys)) != len(keys):
            raise ValueError("có hai cách hỏi trùng nhau trong cùng mục")
        return cleaned

    @field_validator("answer", "next_step")
    @classmethod
    def _collapse(cls, value: str) -> str:
        return " ".join(value.split())

    @field_validator("answer")
    @classmethod
    def _answer(cls, value: str) -> str:
        if not value:
            raise ValueError("câu trả lời để trống")
        if len(value) > MAX_ANSWER_CHARS:
            raise ValueError(f"câu trả lời dài {len(value)} ký tự, tối đa {MAX_ANSWER_CHARS}")
        sentences = count_sentences(value)
        if sentences > MAX_ANSWER_SENTENCES:
            raise ValueError(f"câu trả lời có {sentences} câu, tối đa {MAX_ANSWER_SENTENCES}")
        return value

    @model_validator(mode="after")
    def _window(self) -> FaqEntry:
        if self.applies_from and self.applies_until and self.applies_until < self.applies_from:
            raise ValueError("applies_until sớm hơn applies_from")
        return self

    def applies_on(self, day: date) -> bool:
        """Whether this answer is the right one to give on ``day``."""
        after_start = self.applies_from is None or self.applies_from <= day
        before_end = self.applies_until is None or day <= self.applies_until
        return after_start and before_end

    def overlaps(self, other: FaqEntry) -> bool:
        """Whether the two validity windows share at least one day."""
        starts = [d for d in (self.applies_from, other.applies_from) if d is not None]
        ends = [d for d in (self.applies_until, other.applies_until) if d is not None]
        return not (starts and ends and max(starts) > min(ends))

    def content_hash(self) -> str:
        """Stable digest of everything published, so a reinstall detects edited entries."""
        payload = json.dumps(self.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StarterKnowledge:
    sources: tuple[SourceDoc, ...]
    entries: tuple[FaqEntry, ...]

    def source(self, number: str) -> SourceDoc:
        for doc in self.sources:
            if doc.number == number:
                return doc
        raise KeyError(number)

    def entries_on(self, day: date) -> list[FaqEntry]:
        """The entries whose answer holds on ``day`` (the engine passes today's date)."""
        return [entry for entry in self.entries if entry.applies_on(day)]

    @property
    def topics(self) -> list[str]:
        return sorted({entry.topic for entry in self.entries})


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    base = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return base.replace("đ", "d").replace("Đ", "D")


def question_key(question: str) -> str:
    """What makes two phrasings 'the same question': case, spacing, diacritics and end punctuation."""
    flat = strip_diacritics(unicodedata.normalize("NFC", question)).lower()
    return " ".join(flat.split()).rstrip(" ?.!…")


def count_sentences(text: str) -> int:
    return len([part for part in _SENTENCE_END.split(text.strip()) if part.strip()])


def load_starter(directory: Path | None = None) -> StarterKnowledge:
    """Read ``sources.yaml`` and ``faq/*.yaml`` under ``directory`` and validate them as a whole."""
    root = directory or STARTER_DIR
    problems: list[str] = []
    sources = _load_sources(root / SOURCES_FILE, problems)
    entries = list(_load_entries(root / FAQ_DIR, problems))
    problems.extend(_cross_checks(sources, entries))
    if problems:
        raise StarterValidationError(problems)
    return StarterKnowledge(sources=tuple(sources), entries=tuple(entry for _, entry in entries))


def _read_yaml(path: Path, key: str, problems: list[str]) -> list[Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(f"{path.name}: không tìm thấy tệp")
        return []
    except yaml.YAMLError as exc:
        problems.append(f"{path.name}: YAML sai cú pháp ({exc})")
        return []
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        problems.append(f"{path.name}: cần khóa '{key}:' chứa một danh sách")
        return []
    items: list[Any] = data[key]
    return items


def _explain(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def _load_sources(path: Path, problems: list[str]) -> list[SourceDoc]:
    sources: list[SourceDoc] = []
    for index, raw in enumerate(_read_yaml(path, "sources", problems)):
        label = raw.get("number", f"#{index + 1}") if isinstance(raw, dict) else f"#{index + 1}"
        try:
            sources.append(SourceDoc.model_validate(raw))
        except ValidationError as exc:
            problems.append(f"{path.name}, nguồn {label}: {_explain(exc)}")
    return sources


def _load_entries(folder: Path, problems: list[str]) -> Iterator[tuple[str, FaqEntry]]:
    files = sorted(folder.glob("*.yaml"))
    if not files:
        problems.append(f"{folder.name}/: không có tệp câu hỏi - đáp nào")
    for path in files:
        where = f"{folder.name}/{path.name}"
        for index, raw in enumerate(_read_yaml(path, "entries", problems)):
            label = raw.get("id", f"#{index + 1}") if isinstance(raw, dict) else f"#{index + 1}"
            try:
                entry = FaqEntry.model_validate(raw)
            except ValidationError as exc:
                problems.append(f"{where}, mục {label}: {_explain(exc)}")
                continue
            if entry.topic != path.stem:
                problems.append(f"{where}, mục {entry.id}: topic '{entry.topic}' khác tên tệp '{path.stem}'")
            yield where, entry


def _cross_checks(sources: list[SourceDoc], entries: list[tuple[str, FaqEntry]]) -> Iterable[str]:
    numbers = [doc.number for doc in sources]
    for number in sorted({n for n in numbers if numbers.count(n) > 1}):
        yield f"sources.yaml: số hiệu '{number}' khai báo nhiều lần"
    known = set(numbers)
    for doc in sources:
        if doc.superseded_by and doc.superseded_by not in known:
            yield f"sources.yaml, nguồn {doc.number}: superseded_by '{doc.superseded_by}' chưa được khai báo"

    seen_ids: dict[str, str] = {}
    for where, entry in entries:
        if entry.id in seen_ids:
            yield f"{where}, mục {entry.id}: id đã dùng trong {seen_ids[entry.id]}"
        seen_ids.setdefault(entry.id, where)
        for citation in entry.citations:
            if citation.document not in known:
                yield (
                    f"{where}, mục {entry.id}: trích dẫn '{citation.document}' không có trong sources.yaml "
                    "(cần là số hiệu văn bản hoặc mã tin bài đã khai báo)"
                )

    # The same phrasing may open two entries only when they never apply on the same day
    # (e.g. the 2022-2025 thresholds until 2026 and the 2026-2030 ones from 2027).
    owners: dict[str, list[tuple[str, FaqEntry]]] = {}
    for where, entry in entries:
        for question in entry.questions:
            key = question_key(question)
            for other_where, other in owners.get(key, []):
                if other.id != entry.id and entry.overlaps(other):
                    yield (f"{where}, mục {entry.id}: câu hỏi '{question}' trùng với mục {other.id} ({other_where})")
            owners.setdefault(key, []).append((where, entry))
