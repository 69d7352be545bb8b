"""The one entry point of the language layer: ``Understander.understand(text) -> Understanding``."""

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import underthesea

from nlu.data import read_data_file
from nlu.diacritics import DiacriticRestorer, base_training_sentences, has_diacritics
from nlu.entities import Entity, extract_entities
from nlu.intents import Intent, IntentClassifier, default_classifier, read_rasa_nlu
from nlu.normalize import normalize_text
from nlu.slang import expand_slang
from nlu.tokenize import accent_free, tokenize

__all__ = [
    "MAX_INPUT_CHARS",
    "Entity",
    "InputTooLongError",
    "Intent",
    "Understander",
    "Understanding",
    "default_restorer",
]

MAX_INPUT_CHARS = 2000
# Below this share of syllables carrying a mark, the input is taken as typed without diacritics and restored.
_MARKED_SHARE_FOR_ACCENTED = 0.25
_SYLLABLE = re.compile(r"[^\W\d_]+")
EMPTY_INTENT = Intent("empty", 1.0, (("empty", 1.0),))


class InputTooLongError(ValueError):
    """The message is longer than ``MAX_INPUT_CHARS``; the text is the polite Vietnamese explanation."""

    def __init__(self, length: int) -> None:
        super().__init__(
            f"Tin nhắn dài {length} ký tự, vượt quá giới hạn {MAX_INPUT_CHARS} ký tự. "
            "Xin vui lòng gửi câu hỏi ngắn gọn hơn."
        )
        self.length = length


@dataclass(frozen=True)
class Understanding:
    text: str  # raw input
    normalized: str  # normalize_text + slang/abbreviation expansion + restoration when the input lacked diacritics
    restored: str | None  # the restored sentence when the input lacked diacritics, else None
    intent: Intent
    entities: tuple[Entity, ...]  # offsets are into ``normalized``

    @cached_property
    def tokens(self) -> tuple[str, ...]:
        """Word tokens of ``normalized``, segmented on first use: the answer engine's retriever tokenises its
        own query, so most messages never need them here."""
        return tuple(tokenize(self.normalized))

    @cached_property
    def accent_free_tokens(self) -> tuple[str, ...]:
        return tuple(accent_free(self.tokens))


def _default_restorer_sentences() -> Iterator[str]:
    """underthesea's text, plus Loa's own accented text: the intent examples and the domain terms."""
    yield from base_training_sentences()
    yield from (example.text for example in read_rasa_nlu(read_data_file("nlu.yml")))
    yield from (line for line in read_data_file("domain_terms.txt").splitlines() if not line.startswith("#"))


def _default_restorer_fingerprint() -> str:
    digest = hashlib.sha256(underthesea.__version__.encode())
    for name in ("nlu.yml", "domain_terms.txt"):
        digest.update(read_data_file(name).encode())
    digest.update(Path(__file__).with_name("diacritics.py").read_bytes())
    return digest.hexdigest()[:16]


def default_restorer(cache_dir: Path | None = None) -> DiacriticRestorer:
    """The restorer trained without a knowledge base, cached on disk (training takes about 1.5 s, loading 0.3 s)."""
    directory = cache_dir if cache_dir is not None else Path.home() / ".cache" / "loa"
    path = directory / f"diacritics-{_default_restorer_fingerprint()}.npz"
    if path.exists():
        return DiacriticRestorer.load(path)
    restorer = DiacriticRestorer.train(_default_restorer_sentences())
    temporary = path.with_suffix(".tmp")
    restorer.save(temporary)
    temporary.replace(path)
    return restorer


def lacks_diacritics(text: str) -> bool:
    """Whether ``text`` looks typed without diacritics (few or none of its syllables carry a mark)."""
    syllables = _SYLLABLE.findall(text)
    if not syllables:
        return False
    marked = sum(1 for syllable in syllables if has_diacritics(syllable))
    return marked / len(syllables) < _MARKED_SHARE_FOR_ACCENTED


class Understander:
    """Normalise, expand slang, restore diacritics, tokenise, classify and extract entities from one message."""

    def __init__(
        self,
        restorer: DiacriticRestorer | None = None,
        classifier: IntentClassifier | None = None,
        cache_dir: Path | None = None,
        today: Callable[[], dt.date] = dt.date.today,
        live_restorer: Callable[[], DiacriticRestorer | None] | None = None,
    ) -> None:
        """``live_restorer``: asked on every message for the restorer of the day (a server's live index snapshot,
        which is replaced on each rebuild); when it has none, ``restorer`` (or the default) is used."""
        self._fallback_restorer = restorer
        self._cache_dir = cache_dir
        self._live_restorer = live_restorer
        if live_restorer is None and restorer is None:
            self._fallback_restorer = default_restorer(cache_dir)
        self.classifier = classifier if classifier is not None else default_classifier()
        self._today = today

    @property
    def restorer(self) -> DiacriticRestorer:
        """The restorer used for the next message: the live one when there is one, else the fallback."""
        live = self._live_restorer() if self._live_restorer is not None else None
        if live is not None:
            return live
        if self._fallback_restorer is None:
            self._fallback_restorer = default_restorer(self._cache_dir)
        return self._fallback_restorer

    def understand(self, text: str) -> Understanding:
        """See ``Understanding``; raises ``InputTooLongError`` above ``MAX_INPUT_CHARS`` characters."""
        if len(text) > MAX_INPUT_CHARS:
            raise InputTooLongError(len(text))
        base = normalize_text(text)
        if not base:
            return Understanding(text, "", None, EMPTY_INTENT, ())
        expanded = expand_slang(base)
        restored = self.restorer.restore(expanded) if lacks_diacritics(base) else None
        normalized = restored if restored is not None else expanded
        return Understanding(
            text=text,
            normalized=normalized,
            restored=restored,
            intent=self.classifier.predict(normalized),
            entities=extract_entities(normalized, self._today()),
        )
