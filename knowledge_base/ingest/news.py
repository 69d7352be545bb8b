"""News articles as published on the web: the article body without the page around it, in paragraphs.

A saved news page carries site navigation (menus, section names) above the article, and after it the
byline, share buttons and lists of related news. The body starts at the first real paragraph (a long
line that ends a sentence); the title is the last headline-like line above it; the body ends at the
byline (a short line of capitalised name words) or at a "Tin liên quan"-style marker.
"""

from __future__ import annotations

import re

from knowledge_base.ingest.formats import PAGE_BREAK
from knowledge_base.ingest.parsed import IngestError, ParsedDocument, ParsedPassage
from knowledge_base.ingest.text import MAX_WORDS, cut, ends_sentence, is_upper_heading, join_lines, normalize, words

MIN_PARAGRAPH_WORDS = 25
"""Paragraphs shorter than this (captions, one-line leads) are merged with their neighbour."""
_BODY_MIN_WORDS = 20
_TITLE_MAX_WORDS = 30
_SUBHEADING_MAX_WORDS = 15

_RELATED = re.compile(r"^(tin|bài|tin tức)\s+(liên quan|cùng chuyên mục|khác|mới|đọc nhiều)|^(xem|đọc) thêm\b|"
                      r"^các tin (khác|đã đưa)|^có thể bạn quan tâm", re.IGNORECASE)
_SHARE = re.compile(r"^(chia sẻ|share|facebook|zalo|twitter|in bài|gửi email|bình luận|lưu bài|theo dõi|"
                    r"quay lại|về đầu trang|bản quyền|©|copyright)\b", re.IGNORECASE)
_DATELINE = re.compile(r"^((thứ\s+\S+|chủ nhật),?\s*)?\d{1,2}[/-]\d{1,2}[/-]\d{2,4}(\s*[,|-]?\s*\d{1,2}:\d{2}.*)?$",
                       re.IGNORECASE)
_IMAGE_FILE = re.compile(r"\.(png|jpe?g|gif|webp|bmp|svg)\s*$", re.IGNORECASE)
_BYLINE = re.compile(r"^(?:[A-ZÀ-ỸĐ][\wÀ-ỹđĐ.]*\s+){0,3}[A-ZÀ-ỸĐ][\wÀ-ỹđĐ.]*$")


def parse_news(text: str) -> ParsedDocument:
    """Parse a news page's text into a title and paragraph passages ("Đoạn 1", "Đoạn 2", …)."""
    lines = [" ".join(line.split()) for line in normalize(text).replace(PAGE_BREAK, "\n").split("\n")]
    paragraphs = _paragraphs(lines)
    start = next((i for i, p in enumerate(paragraphs) if words(p) >= _BODY_MIN_WORDS and ends_sentence(p)), None)
    if start is None:
        raise IngestError(None, "không tìm thấy đoạn văn nào của bài báo (có thể chỉ có menu hoặc tiêu đề).")
    title = next((p for p in reversed(paragraphs[:start]) if _is_headline(p)), None)
    body = _body(paragraphs[start:])
    passages: list[ParsedPassage] = []
    heading: tuple[str, ...] = (title,) if title else ()
    pending: list[str] = []
    section = heading

    def flush() -> None:
        for group in cut(pending, MAX_WORDS):
            passages.append(ParsedPassage(f"Đoạn {len(passages) + 1}", section, join_lines(group), len(passages)))
        pending.clear()

    for paragraph in body:
        if _is_subheading(paragraph):
            if pending and sum(words(p) for p in pending) >= MIN_PARAGRAPH_WORDS:
                flush()
            section = (*heading, paragraph)
            continue
        if pending and sum(words(p) for p in pending) >= MIN_PARAGRAPH_WORDS:
            flush()
        pending.append(paragraph)
    if pending:
        if passages and sum(words(p) for p in pending) < MIN_PARAGRAPH_WORDS and \
                words(passages[-1].text) + sum(words(p) for p in pending) <= MAX_WORDS:
            last = passages.pop()
            pending.insert(0, last.text)
            section = last.heading_path
        flush()
    full = "\n\n".join(([title] if title else []) + body)
    return ParsedDocument(title=title, text=full, passages=tuple(passages), doc_type="Tin bài")


def _paragraphs(lines: list[str]) -> list[str]:
    """Blank-line separated blocks; within a block every line is a paragraph unless the text is hard-wrapped."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    paragraphs: list[str] = []
    for block in blocks:
        wrapped = len(block) > 1 and sum(not ends_sentence(line) for line in block[:-1]) > len(block) / 2 and \
            all(words(line) >= 6 for line in block[:-1])
        if wrapped:
            paragraphs.append(join_lines(block))
        else:
            paragraphs.extend(block)
    return [p for p in paragraphs if p and not _is_furniture(p)]


def _is_furniture(paragraph: str) -> bool:
    """Image file names, alt texts, date lines and share buttons."""
    if _IMAGE_FILE.search(paragraph) or _DATELINE.match(paragraph) or \
            (_SHARE.match(paragraph) and words(paragraph) <= 4):
        return True
    first = paragraph[:1]
    return first.isalpha() and first.islower() and words(paragraph) <= 4 and not ends_sentence(paragraph)


def _is_headline(paragraph: str) -> bool:
    return 3 <= words(paragraph) <= _TITLE_MAX_WORDS and not is_upper_heading(paragraph) and \
        not paragraph.endswith(".")


def _is_subheading(paragraph: str) -> bool:
    return words(paragraph) <= _SUBHEADING_MAX_WORDS and not ends_sentence(paragraph) and \
        paragraph[:1].isupper() and "Ảnh:" not in paragraph and not _BYLINE.match(paragraph)


def _body(paragraphs: list[str]) -> list[str]:
    """The article paragraphs: up to the byline or the first related-news marker, whichever comes first."""
    body: list[str] = []
    for paragraph in paragraphs:
        if _RELATED.match(paragraph) or (_BYLINE.match(paragraph) and words(paragraph) <= 4 and body):
            break
        body.append(paragraph)
    while body and (body[-1].startswith(("- ", "• ")) and words(body[-1]) < _TITLE_MAX_WORDS):
        body.pop()
    return body
