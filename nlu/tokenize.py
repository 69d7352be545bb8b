"""Word tokens: underthesea's word segmentation, then multi-word domain terms from ``data/domain_terms.txt``.

underthesea's own ``fixed_words`` option is not used: it only matches the exact case and recompiles (and keeps, as
module state) its regular expression on every call. Terms are merged here instead, after segmentation, by longest
match over syllables starting at a word boundary.

underthesea loads its CRF model lazily and not thread-safely: ``word_tokenize`` stores a new, still empty tagger in
its module global *before* loading the model into it, so a second thread arriving meanwhile calls ``predict`` on a
tagger whose model is still ``None`` (``AttributeError: 'NoneType' object has no attribute 'process'``). The first
call is therefore made under a lock (``warm()``, which the runtime calls at start-up, before ``/readyz`` says
ready); after it, calls run in parallel without the lock.
"""

from collections.abc import Sequence
from functools import cache
from threading import Lock

from underthesea import word_tokenize

from nlu.data import read_data_file
from nlu.diacritics import strip_diacritics
from nlu.normalize import fold

_load_lock = Lock()
_loaded = False


def warm() -> None:
    """Load underthesea's word-segmentation model and the domain terms once, safely from any number of threads."""
    global _loaded
    if _loaded:
        return
    with _load_lock:
        if not _loaded:
            word_tokenize("Chuẩn nghèo")
            domain_terms()
            _loaded = True


@cache
def domain_terms() -> dict[str, tuple[tuple[str, ...], ...]]:
    """The domain terms grouped by first syllable, longest first."""
    text = read_data_file("domain_terms.txt")
    grouped: dict[str, list[tuple[str, ...]]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            syllables = tuple(fold(line).split())
            grouped.setdefault(syllables[0], []).append(syllables)
    return {first: tuple(sorted(terms, key=len, reverse=True)) for first, terms in grouped.items()}


def _merge_terms(words: list[str]) -> list[str]:
    terms = domain_terms()
    syllables = [syllable for word in words for syllable in word.split()]
    starts = set()
    position = 0
    for word in words:
        starts.add(position)
        position += word.count(" ") + 1
    merged: list[str] = []
    i = 0
    while i < len(syllables):
        length = 0
        if i in starts:
            for term in terms.get(syllables[i], ()):
                if tuple(syllables[i : i + len(term)]) == term:
                    length = len(term)
                    break
        if not length:
            length = 1
            while i + length < len(syllables) and i + length not in starts:
                length += 1
        merged.append(" ".join(syllables[i : i + length]))
        i += length
    return merged


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens of normalised ``text``; syllables of a word are joined by a space; punctuation dropped."""
    warm()
    words = [word.lower() for word in word_tokenize(text) if any(ch.isalnum() for ch in word)]
    return _merge_terms(words) if words else []


def accent_free(tokens: Sequence[str]) -> list[str]:
    """The tokens without diacritics ("hộ cận nghèo" → "ho can ngheo"), for matching questions typed without them."""
    return [strip_diacritics(token) for token in tokens]
