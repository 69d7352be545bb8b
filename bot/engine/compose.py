"""Turn the chosen evidence into a short cited reply.

An answer is 1–3 sentences picked from the best passage by how many of the question's content words (accent-free,
so questions typed without diacritics match too) and word pairs they contain, then one citation line
``Căn cứ: <locator> <number> (<issuer>, <date>)``, warnings when the document is no longer current or its
programme period has ended, and notes on the 2025 reorganisation when the question or answer names an old
province, ministry or the district level.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.engine.contracts import Button, Citation
from bot.engine.periods import document_warnings, reorganisation_notes
from indexer.contracts import DocumentRef, Hit
from nlu.diacritics import strip_diacritics

MAX_SENTENCES = 3
MAX_ANSWER_CHARS = 480
MAX_UNIT_CHARS = 260
ANSWER_DEPTH = 2
"""Sentences may come from the best two passages (on the dev questions the answer was in the second passage for
6 of 125 questions where the best passage lacked it)."""
RANK_DISCOUNT = 0.8
MIN_SECOND_SHARE = 0.5
"""A second or third sentence joins the answer only when it scores at least this share of the best one."""
DETAIL_PREFIX = "d:"
STOPWORDS = frozenset(
    {
        "la", "va", "cua", "cho", "cac", "nhung", "duoc", "khong", "gi", "nao", "thi", "ma", "voi", "trong", "theo",
        "de", "tu", "den", "khi", "nay", "do", "o", "ve", "vay", "a", "ah", "nhe", "ha", "hong", "ko", "k", "sao",
        "the", "bao", "nhieu", "may", "ai", "dau", "hay", "hoac", "cung", "nhu", "tai", "vi", "neu", "roi", "tui",
        "minh", "em", "anh", "ong", "chu", "bac", "cai", "mot",
    }
)
"""Accent-free function words and question words; words that are also content words once accents are gone
("nhà"/"nha", "bạn"/"bản", "con"/"còn") are kept."""
_WORD = re.compile(r"\w+")
_UNIT_END = re.compile(r"(?<=[.!?;:])\s+|\n+")
_SOFT_BREAK = re.compile(r"(?<=,)\s+")
_WRAPPED = re.compile(r"(?<![.!?;:])\n(?=[a-zà-ỹđ(\"“0-9])")
_ABBREVIATION_END = re.compile(r"(?:^|[\s(])(?:TP|Tp|TT|TX|ThS|TS|PGS|GS|Q|P|St|Th)\.$")
_QUANTITY = re.compile(r"\b(bao nhieu|may|nhieu|bn|ty le|phan tram|muc|so luong|toi da|toi thieu)\b")
QUANTITY_BONUS = 1.3
_PAGE_NOISE = re.compile(r"CÔNG BÁO/Số[^\n]*|^\s*\d+\s*$", re.MULTILINE)


def bare_words(text: str) -> list[str]:
    """Lower-case accent-free words ("Hộ nghèo" → ["ho", "ngheo"])."""
    return _WORD.findall(strip_diacritics(text.lower()).replace("đ", "d"))


def units(passage: str) -> list[str]:
    """Sentence-like units of a passage: wrapped lines re-joined, cut at . ! ? ; : and line breaks (not after
    abbreviations such as "TP."); long ones cut again at commas."""
    text = _WRAPPED.sub(" ", _PAGE_NOISE.sub("", passage))
    pieces: list[str] = []
    for piece in _UNIT_END.split(text):
        piece = " ".join(piece.split())
        if not piece:
            continue
        if pieces and _ABBREVIATION_END.search(pieces[-1]):
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    out: list[str] = []
    for piece in pieces:
        if len(piece) <= MAX_UNIT_CHARS:
            out.append(piece)
            continue
        current = ""
        for part in _SOFT_BREAK.split(piece):
            if current and len(current) + len(part) + 1 > MAX_UNIT_CHARS:
                out.append(current)
                current = part
            else:
                current = f"{current} {part}".strip()
        if current:
            out.append(current)
    return out


@dataclass(frozen=True)
class QuestionTerms:
    words: frozenset[str]
    pairs: frozenset[tuple[str, str]]
    quantity: bool
    """The question asks for a number (bao nhiêu, mấy, tỷ lệ…): sentences with figures are preferred."""

    @classmethod
    def of(cls, *texts: str) -> QuestionTerms:
        words: set[str] = set()
        pairs: set[tuple[str, str]] = set()
        quantity = False
        for text in texts:
            seq = bare_words(text)
            words.update(w for w in seq if w not in STOPWORDS)
            pairs.update(itertools.pairwise(seq))
            quantity = quantity or _QUANTITY.search(" ".join(seq)) is not None
        return cls(frozenset(words), frozenset(pairs), quantity)


def _idf(candidates: Sequence[list[str]]) -> dict[str, float]:
    """Inverse document frequency of words over the candidate units: a word in every unit tells nothing."""
    frequency: dict[str, int] = {}
    for seq in candidates:
        for word in set(seq):
            frequency[word] = frequency.get(word, 0) + 1
    total = len(candidates)
    return {word: math.log(1 + total / count) for word, count in frequency.items()}


def unit_score(seq: list[str], terms: QuestionTerms, idf: dict[str, float]) -> float:
    """How well one unit (its bare words) answers the question: matched words and word pairs weighted by rarity,
    damped by length."""
    if not seq:
        return 0.0
    matched = sum(idf.get(word, 1.0) for word in terms.words.intersection(seq))
    paired = sum(
        (idf.get(a, 1.0) + idf.get(b, 1.0)) / 2 for a, b in terms.pairs.intersection(itertools.pairwise(seq))
    )
    score = (matched + 1.5 * paired) / math.sqrt(4 + len(seq) / 8)
    if terms.quantity and any(word.isdigit() for word in seq):
        score *= QUANTITY_BONUS
    return score


@dataclass(frozen=True)
class Selection:
    text: str
    passages: tuple[int, ...]
    """Indexes (into the given passages) of the passages the sentences came from, the best one first."""


def select_sentences(passages: Sequence[str], terms: QuestionTerms) -> Selection:
    """The 1–3 units most relevant to the question from ``passages`` (best passage first; a unit from the k-th
    passage counts ``RANK_DISCOUNT``^k of its score), in reading order; a unit that ends with ":" brings the one it
    introduces."""
    candidates = [(rank, unit) for rank, passage in enumerate(passages) for unit in units(passage)]
    if not candidates:
        return Selection(passages[0].strip()[:MAX_ANSWER_CHARS] if passages else "", (0,))
    words = [bare_words(unit) for _, unit in candidates]
    idf = _idf(words)
    scored = sorted(
        ((unit_score(w, terms, idf) * RANK_DISCOUNT ** candidates[i][0], i) for i, w in enumerate(words)),
        key=lambda pair: (-pair[0], pair[1]),
    )
    best_score = scored[0][0]
    chosen: list[int] = []
    length = 0

    def take(index: int) -> None:
        nonlocal length
        chosen.append(index)
        length += len(candidates[index][1])
        follower = index + 1
        if (
            candidates[index][1].endswith(":")
            and follower < len(candidates)
            and candidates[follower][0] == candidates[index][0]
            and follower not in chosen
            and length + len(candidates[follower][1]) <= MAX_ANSWER_CHARS
        ):
            chosen.append(follower)
            length += len(candidates[follower][1])

    take(scored[0][1])
    for score, index in scored[1:]:
        if len(chosen) >= MAX_SENTENCES or score <= 0 or score < MIN_SECOND_SHARE * best_score:
            break
        if index in chosen or length + len(candidates[index][1]) > MAX_ANSWER_CHARS:
            continue
        take(index)
    ordered = sorted(set(chosen))
    text = " ".join(candidates[i][1] for i in ordered)
    if len(text) > MAX_ANSWER_CHARS:
        text = text[: MAX_ANSWER_CHARS - 1].rsplit(" ", 1)[0] + "…"
    used = [candidates[scored[0][1]][0]] + [candidates[i][0] for i in ordered]
    return Selection(text, tuple(dict.fromkeys(used)))


def format_date(day: date | None) -> str | None:
    return day.strftime("%d/%m/%Y") if day else None


def citation_of(hit: Hit) -> Citation:
    document = hit.document
    return Citation(
        document=document.label,
        locator=hit.locator or None,
        issuer=document.issuer,
        issued_on=format_date(document.issued_on),
        status=document.status,
        url=document.source_url,
        passage_id=hit.passage_id,
    )


def citation_line(citations: Sequence[Citation]) -> str:
    """``Căn cứ: Điểm a Khoản 1 Điều 1 1315/VBHN-BLĐTBXH (Bộ ..., 13/04/2023); ...``."""
    parts = []
    for citation in citations:
        where = f"{citation.locator} " if citation.locator else ""
        details = ", ".join(part for part in (citation.issuer, citation.issued_on) if part)
        parts.append(f"{where}{citation.document}" + (f" ({details})" if details else ""))
    return "Căn cứ: " + "; ".join(parts) + "."


def warnings_for(document: DocumentRef, day: date) -> list[str]:
    return document_warnings(
        number=document.number,
        status=document.status,
        superseded_by=document.superseded_by,
        period=document.period,
        day=day,
    )


@dataclass(frozen=True)
class Composed:
    text: str
    citations: tuple[Citation, ...]
    buttons: tuple[Button, ...]


def compose_passage_answer(
    hits: Sequence[Hit], *, question_texts: Sequence[str], provinces: Sequence[str], day: date
) -> Composed:
    """A short answer from the best passage (and possibly the next one), with citations, warnings and a "Xem chi
    tiết" button for the passage the best sentence came from."""
    chosen = list(hits[:ANSWER_DEPTH])
    selection = select_sentences([hit.text for hit in chosen], QuestionTerms.of(*question_texts))
    used = [chosen[i] for i in selection.passages]
    citations = tuple(citation_of(hit) for hit in used)
    lines = [selection.text, citation_line(citations)]
    documents: dict[int, DocumentRef] = {hit.document.id: hit.document for hit in used}
    for document in documents.values():
        lines += [w for w in warnings_for(document, day) if w not in lines]
    lines += reorganisation_notes(" ".join((*question_texts, selection.text)), list(provinces))
    button = Button("Xem chi tiết", f"{DETAIL_PREFIX}{used[0].passage_id}")
    return Composed("\n".join(lines), citations, (button,))


def compose_full_passage(hit: Hit, *, day: date) -> Composed:
    """The whole passage a "Xem chi tiết" button asked for."""
    heading = " › ".join(part for part in hit.heading_path if part)
    body = "\n".join(units(hit.text)) if hit.text else ""
    title = f"{hit.document.label} – {hit.locator}" if hit.locator else hit.document.label
    lines = [title, *([heading] if heading else []), body, citation_line([citation_of(hit)])]
    lines += warnings_for(hit.document, day)
    return Composed("\n".join(lines), (citation_of(hit),), ())


@dataclass(frozen=True)
class FaqAnswer:
    faq_id: int
    answer: str
    next_step: str | None
    period: str | None
    citations: tuple[Citation, ...]
    topic: str | None = None


def compose_faq_answer(
    faq: FaqAnswer,
    *,
    question_texts: Sequence[str],
    provinces: Sequence[str],
    excerpt: Composed | None = None,
) -> Composed:
    """A published FAQ: its answer, the next step, its citations; then, when a passage also matched well
    (``excerpt``, from ``compose_passage_answer``), the text of the law itself with its own citation."""
    lines = [faq.answer]
    if faq.next_step:
        lines.append(f"Bước tiếp theo: {faq.next_step}")
    if faq.citations:
        lines.append(citation_line(faq.citations))
    citations = faq.citations
    buttons = tuple(
        Button("Xem chi tiết", f"{DETAIL_PREFIX}{citation.passage_id}")
        for citation in faq.citations[:1]
        if citation.passage_id is not None
    )
    if excerpt is not None:
        lines.append(f"Trích văn bản: {excerpt.text}")
        citations = (*citations, *excerpt.citations)
        buttons = buttons or excerpt.buttons
    else:
        lines += reorganisation_notes(" ".join(question_texts), list(provinces))
    return Composed("\n".join(lines), citations, buttons)


def choice_label(hit: Hit) -> str:
    """A short button label for a clarification choice: the heading or locator, then the document."""
    topic = next((part for part in reversed(hit.heading_path) if part and len(part) > 3), "") or hit.locator
    label = f"{topic} ({hit.document.label})" if topic else hit.document.label
    return label if len(label) <= 60 else label[:57].rsplit(" ", 1)[0] + "…"


def feedback_buttons(message_id: int) -> tuple[Button, Button]:
    return Button("👍", f"f:+:{message_id}"), Button("👎", f"f:-:{message_id}")
