"""One canonical form for Vietnamese text, applied identically to documents and questions.

The form is: Unicode NFC; no control, format (zero-width, BOM, bidi) or lone-surrogate characters; white space
collapsed to single spaces; underthesea's character and token normalisation (``ð`` → ``đ``, ``nghành`` → ``ngành``,
``qui`` → ``quy``); and one tone-mark placement for every syllable, the one underthesea's ``text_normalize`` uses
("hoà" → "hòa", "thuý" → "thúy", "khoẻ" → "khỏe"). Unlike ``text_normalize`` itself it does not insert spaces around
punctuation, so document numbers such as "07/2021/TT-BLĐTBXH" survive intact. Case is kept.
"""

import re
import unicodedata
from functools import lru_cache

from underthesea.pipeline.text_normalize.text_normalizer import character_map, token_map

# Combining tone marks: grave (huyền), acute (sắc), tilde (ngã), hook above (hỏi), dot below (nặng).
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_SHAPED_VOWELS = "ăâêôơư"
_SYLLABLE = re.compile(r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?([aăâeêioôơuưy]+)(ch|nh|ng|[cmnpt])?")
_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r" (?=[,.;:!?)\]}…])")
_SPACE_AFTER_OPEN = re.compile(r"(?<=[(\[{]) ")
_REPEATED_MARKS = re.compile(r"([!?])\1+")
_ELLIPSIS = re.compile(r"\.{3,}")
# Characters dropped outright: lone surrogates, format characters (zero-width space/joiners, BOM, soft hyphen,
# bidi controls) and control characters; white-space controls become spaces.
_DROPPED_CATEGORIES = frozenset({"Cs", "Cf", "Cc"})
_TONED_CHARS = frozenset(
    ch
    for ch in (chr(c) for c in range(0x00C0, 0x1EFA))
    if unicodedata.category(ch).startswith("L") and TONE_MARKS.intersection(unicodedata.normalize("NFD", ch))
)


def _clean_characters(text: str) -> str:
    out = []
    for ch in text:
        if ch.isspace():
            out.append(" ")
        elif unicodedata.category(ch) not in _DROPPED_CATEGORIES:
            out.append(ch)
    return "".join(out)


def safe_text(text: str) -> str:
    """``text`` fit to store, log and show: NFC, without lone surrogates, format characters (bidi overrides,
    zero-width) or control characters, line breaks kept as ``\n`` and tabs as spaces. The wording is the user's
    own otherwise; ``normalize_text`` is the stronger form used to understand it."""
    out = []
    for ch in text.replace("\r\n", "\n").replace("\r", "\n"):
        if ch == "\n":
            out.append(ch)
        elif ch == "\t":
            out.append(" ")
        elif unicodedata.category(ch) not in _DROPPED_CATEGORIES:
            out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def _tone_position(base_lower: str) -> int | None:
    """Index of the vowel that carries the tone mark in a toneless lower-case syllable, or None if not Vietnamese."""
    match = _SYLLABLE.fullmatch(base_lower)
    if match is None:
        return None
    onset, vowels, coda = match.group(1) or "", match.group(2), match.group(3)
    shaped = [i for i, ch in enumerate(vowels) if ch in _SHAPED_VOWELS]
    if shaped:
        offset = shaped[-1]
    elif len(vowels) == 1:
        offset = 0
    elif coda:
        offset = len(vowels) - 1
    elif len(vowels) == 3:
        offset = 1
    else:
        offset = 0  # open two-vowel syllable: "hòa", "thủy", "khỏe", "mùa" (underthesea's convention)
    return len(onset) + offset


@lru_cache(maxsize=65536)
def place_tone(word: str) -> str:
    """Put the tone mark of one syllable on the vowel the house convention chooses; other words are returned as is."""
    if not any(ch in _TONED_CHARS for ch in word):
        return word
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in TONE_MARKS]
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in TONE_MARKS))
    position = _tone_position(base.lower())
    if position is None:
        return word
    toned = unicodedata.normalize("NFD", base[position]) + tones[0]
    return unicodedata.normalize("NFC", base[:position] + toned + base[position + 1 :])


def _normalize_word(match: re.Match[str]) -> str:
    word = match.group(0)
    if len(word) <= 6:
        word = token_map.get(word, word)
    return place_tone(word)


def normalize_text(text: str) -> str:
    """The canonical form of ``text`` (see the module docstring); case is kept."""
    text = unicodedata.normalize("NFC", _clean_characters(text))
    for wrong, right in character_map.items():
        text = text.replace(wrong, right)
    text = _WORD.sub(_normalize_word, text)
    text = _ELLIPSIS.sub("…", _REPEATED_MARKS.sub(r"\1", text))
    text = _SPACE.sub(" ", text).strip()
    return _SPACE_AFTER_OPEN.sub("", _SPACE_BEFORE_PUNCT.sub("", text))


def fold(text: str) -> str:
    """``normalize_text`` then lower case: the form used for matching."""
    return normalize_text(text).lower()
