"""Text without diacritics: stripping them, and putting them back with a syllable language model.

Citizens often type without diacritics ("ho ngheo duoc ho tro gi"). ``DiacriticRestorer`` learns, from accented
text Loa has, which accented syllables each bare syllable can stand for and a syllable trigram model (stupid back-off
over counts), then picks the most likely accented sentence with a beam-pruned Viterbi search. Syllables that already
carry diacritics are kept as typed and serve as context.
"""

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import TypeAlias

import numpy as np

from nlu.normalize import fold

_STRIP_TABLE: dict[int, str] = {}
for _code in range(0x00C0, 0x1EFA):
    _char = chr(_code)
    _bare = "".join(c for c in unicodedata.normalize("NFD", _char) if not unicodedata.combining(c))
    if _bare != _char and len(_bare) == 1 and _bare.isascii():
        _STRIP_TABLE[_code] = _bare
_STRIP_TABLE[ord("đ")] = "d"
_STRIP_TABLE[ord("Đ")] = "D"
_MARKED = frozenset(chr(code) for code in _STRIP_TABLE)

_TOKEN = re.compile(r"\w+")
_LETTERS = re.compile(r"[^\W\d_]+")
_NUMBER_TOKEN = "<num>"
_BOUNDARY = 0  # vocabulary id of the sentence boundary token
_FORMAT_VERSION = 1
_MIN_SENTENCE = 3  # syllables; shorter runs contribute no boundary n-grams


def strip_diacritics(text: str) -> str:
    """Remove tone and vowel marks and turn đ into d, keeping case and punctuation: "Hộ nghèo đã" → "Ho ngheo da"."""
    stripped = text.translate(_STRIP_TABLE)
    if any(unicodedata.combining(ch) for ch in stripped):
        decomposed = unicodedata.normalize("NFD", stripped)
        stripped = unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))
    return stripped


def has_diacritics(text: str) -> bool:
    """Whether any character carries a Vietnamese mark (precomposed or as a combining character)."""
    return any(ch in _MARKED or unicodedata.combining(ch) for ch in text)


def _syllable_sequences(text: str) -> Iterator[list[str]]:
    """Runs of folded syllables not interrupted by punctuation; numbers become one shared token."""
    for chunk in re.split(r"[^\w\s]+", fold(text)):
        tokens = [_NUMBER_TOKEN if tok.isdigit() else tok for tok in _TOKEN.findall(chunk)]
        if tokens:
            yield tokens


def base_training_sentences(include_lexicon: bool = True) -> Iterator[str]:
    """Accented Vietnamese text that ships inside underthesea and loads offline.

    The VLSP 2013 sentences kept with the POS tagger's test output, the Truyện Kiều excerpt of the TTS assets, and
    (with ``include_lexicon``) the Viet74K word list, one entry per line, which teaches rare syllables and the
    syllable pairs inside words. The word list widens coverage but costs about one point of accuracy on policy
    text (``bench/nlu.py`` reports both).
    """
    package = resources.files("underthesea")
    tagged = package / "pipeline" / "pos_tag" / "models" / "pos_crf_vlsp2013_20230303" / "test_output.txt"
    words: list[str] = []
    for line in tagged.read_text(encoding="utf-8").splitlines():
        if line.strip():
            words.append(line.split("\t")[0])
        elif words:
            yield " ".join(words)
            words = []
    if words:
        yield " ".join(words)
    transcript = package / "pipeline" / "tts" / "viettts_" / "assets" / "transcript.txt"
    yield from (line for line in transcript.read_text(encoding="utf-8").splitlines() if line.strip())
    if not include_lexicon:
        return
    lexicon = package / "corpus" / "data" / "Viet74K.txt"
    yield from (line for line in lexicon.read_text(encoding="utf-8").splitlines() if line.strip())


_UNKNOWN_LOG_PROB = math.log(1e-7)
_Path: TypeAlias = "tuple[int, _Path] | None"
"""A Viterbi path as a linked list, newest choice first."""


@dataclass(frozen=True)
class _Slot:
    """One syllable of the input: where it is, and the vocabulary ids it may become (best-known first)."""

    start: int
    end: int
    candidates: tuple[int, ...]
    sentence_start: bool


class DiacriticRestorer:
    """Syllable trigram model with Viterbi decoding; see the module docstring."""

    BACKOFF = 0.4
    MAX_CANDIDATES = 8
    BEAM = 24

    def __init__(
        self,
        vocabulary: list[str],
        unigrams: Counter[int],
        bigrams: Counter[int],
        trigrams: Counter[int],
    ) -> None:
        self._vocabulary = vocabulary
        self._ids = {syllable: i for i, syllable in enumerate(vocabulary)}
        self._unigrams = unigrams
        self._bigrams = bigrams
        self._trigrams = trigrams
        self._total = max(1, sum(unigrams.values()))
        self._size = len(vocabulary)
        by_bare: dict[str, list[int]] = {}
        for i, syllable in enumerate(vocabulary):
            if i != _BOUNDARY:
                by_bare.setdefault(strip_diacritics(syllable), []).append(i)
        self._candidates = {
            bare: tuple(sorted(ids, key=lambda i: -unigrams[i])[: self.MAX_CANDIDATES]) for bare, ids in by_bare.items()
        }

    @classmethod
    def train(cls, sentences: Iterable[str]) -> "DiacriticRestorer":
        """Count syllable uni-, bi- and trigrams over accented ``sentences`` (bare ones teach nothing: skipped)."""
        vocabulary = ["<s>"]
        ids: dict[str, int] = {"<s>": _BOUNDARY}
        sequences: list[list[int]] = []
        for sentence in sentences:
            if not has_diacritics(sentence):
                continue
            for tokens in _syllable_sequences(sentence):
                sequence = []
                for token in tokens:
                    if token not in ids:
                        ids[token] = len(vocabulary)
                        vocabulary.append(token)
                    sequence.append(ids[token])
                sequences.append(sequence)
        size = len(vocabulary)
        unigrams: Counter[int] = Counter()
        bigrams: Counter[int] = Counter()
        trigrams: Counter[int] = Counter()
        sentences_seen = 0
        for sequence in sequences:
            unigrams.update(sequence)
            # Word-list entries ("hộ nghèo") are not sentences: their edges say nothing about sentence boundaries.
            padded = sequence
            if len(sequence) >= _MIN_SENTENCE:
                sentences_seen += 1
                padded = [_BOUNDARY, _BOUNDARY, *sequence, _BOUNDARY]
            bigrams.update(b * size + c for b, c in pairwise(padded[1:]))
            trigrams.update((a * size + b) * size + c for a, b, c in zip(padded, padded[1:], padded[2:], strict=False))
        unigrams[_BOUNDARY] = max(1, sentences_seen)
        return cls(vocabulary, unigrams, bigrams, trigrams)

    @property
    def vocabulary_size(self) -> int:
        return self._size

    def _log_probs(self, a: int, b: int, candidates: Iterable[int]) -> list[float]:
        """Stupid back-off scores (log scale) of each candidate syllable after ``a b``; -1, a syllable outside the
        vocabulary, scores ``_UNKNOWN_LOG_PROB``. One call per state and position, with the lookups that do not
        depend on the candidate done once: restoration is most of ``understand()``'s time on text typed without
        diacritics."""
        size, backoff, log = self._size, self.BACKOFF, math.log
        trigram, bigram, unigram = self._trigrams.get, self._bigrams.get, self._unigrams.get
        ab = a * size + b
        ab_count = bigram(ab)
        b_count = unigram(b)
        scores = []
        for c in candidates:
            if c < 0:
                scores.append(_UNKNOWN_LOG_PROB)
            elif tri := trigram(ab * size + c):
                scores.append(log(tri / (ab_count if ab_count is not None else tri)))
            elif bi := bigram(b * size + c):
                scores.append(log(backoff * bi / (b_count if b_count is not None else bi)))
            else:
                scores.append(log(backoff * backoff * (unigram(c, 0) + 0.1) / self._total))
        return scores

    def _slots(self, text: str) -> list[_Slot]:
        slots: list[_Slot] = []
        previous_end = 0
        for match in _TOKEN.finditer(text):
            word = match.group(0)
            lower = word.lower()
            gap = text[previous_end : match.start()]
            sentence_start = not slots or bool(gap.strip())
            previous_end = match.end()
            if lower.isdigit():
                lower = _NUMBER_TOKEN
            known = self._ids.get(lower)
            if has_diacritics(lower) or lower == _NUMBER_TOKEN:
                candidates: tuple[int, ...] = (known,) if known is not None else (-1,)
            else:
                candidates = self._candidates.get(lower, ())
                if known is not None and known not in candidates:
                    candidates = (*candidates, known)
                candidates = candidates or (-1,)
            slots.append(_Slot(match.start(), match.end(), candidates, sentence_start))
        return slots

    def _decode(self, slots: list[_Slot]) -> list[int]:
        """Viterbi over (previous, current) syllable pairs, keeping the ``BEAM`` best pairs per position. Paths are
        linked tuples ``(choice, previous)``, so extending one copies nothing."""
        states: dict[tuple[int, int], tuple[float, _Path]] = {(_BOUNDARY, _BOUNDARY): (0.0, None)}
        for slot in slots:
            if slot.sentence_start and states:
                states = {(_BOUNDARY, _BOUNDARY): max(states.values(), key=lambda item: item[0])}
            nxt: dict[tuple[int, int], tuple[float, _Path]] = {}
            for (a, b), (score, path) in states.items():
                for c, step in zip(slot.candidates, self._log_probs(a, b, slot.candidates), strict=True):
                    total = score + step
                    key = (b, c)
                    if key not in nxt or nxt[key][0] < total:
                        nxt[key] = (total, (c, path))
            if len(nxt) > self.BEAM:
                nxt = dict(sorted(nxt.items(), key=lambda item: -item[1][0])[: self.BEAM])
            states = nxt
        final = [
            (score + (self._log_probs(a, b, (_BOUNDARY,))[0] if b >= 0 else 0.0), path)
            for (a, b), (score, path) in states.items()
        ]
        if not final:
            return []
        best: _Path = max(final, key=lambda item: item[0])[1]
        choices: list[int] = []
        while best is not None:
            choices.append(best[0])
            best = best[1]
        return choices[::-1]

    def restore(self, text: str) -> str:
        """The most likely accented form of ``text``; accented syllables, numbers, case and punctuation are kept."""
        slots = self._slots(text)
        if not slots:
            return text
        path = self._decode(slots)
        pieces: list[str] = []
        cursor = 0
        for slot, choice in zip(slots, path, strict=True):
            original = text[slot.start : slot.end]
            pieces.append(text[cursor : slot.start])
            if choice >= 0 and not has_diacritics(original) and not original.isdigit():
                restored = self._vocabulary[choice]
                if len(restored) == len(original):
                    restored = "".join(r.upper() if o.isupper() else r for o, r in zip(original, restored, strict=True))
                    pieces.append(restored)
                else:
                    pieces.append(original)
            else:
                pieces.append(original)
            cursor = slot.end
        pieces.append(text[cursor:])
        return "".join(pieces)

    def save(self, path: Path) -> None:
        """Write the counts to one ``.npz`` file (no pickle)."""

        def arrays(counter: Counter[int]) -> tuple[np.ndarray, np.ndarray]:
            keys = np.fromiter(counter.keys(), dtype=np.int64, count=len(counter))
            values = np.fromiter(counter.values(), dtype=np.int64, count=len(counter))
            return keys, values

        path.parent.mkdir(parents=True, exist_ok=True)
        uni_keys, uni_values = arrays(self._unigrams)
        bi_keys, bi_values = arrays(self._bigrams)
        tri_keys, tri_values = arrays(self._trigrams)
        with path.open("wb") as handle:
            np.savez_compressed(
                handle,
                version=np.array([_FORMAT_VERSION]),
                vocabulary=np.array(self._vocabulary, dtype=np.str_),
                uni_keys=uni_keys,
                uni_values=uni_values,
                bi_keys=bi_keys,
                bi_values=bi_values,
                tri_keys=tri_keys,
                tri_values=tri_values,
            )

    @classmethod
    def load(cls, path: Path) -> "DiacriticRestorer":
        """Read a model written by ``save``."""
        with np.load(path, allow_pickle=False) as data:
            if int(data["version"][0]) != _FORMAT_VERSION:
                raise ValueError(f"unsupported diacritic model format in {path}")

            def counter(prefix: str) -> Counter[int]:
                keys, values = data[f"{prefix}_keys"].tolist(), data[f"{prefix}_values"].tolist()
                return Counter(dict(zip(keys, values, strict=True)))

            return cls(data["vocabulary"].tolist(), counter("uni"), counter("bi"), counter("tri"))
