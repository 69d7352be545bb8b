"""Provinces and communes, before and after the 2025 mergers (63 → 34 provinces, communes renamed or merged).

The data is underthesea's own address mapping (``underthesea/address/data/mapping.json``, source
vietnamadminunits); ``data/province_aliases.tsv`` only adds names people use for a province. Names are looked up
in the accent-free lower-case text, and a span typed with diacritics must agree with the name syllable by syllable,
so "ha nam" finds Hà Nam but "hai năm" does not.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from nlu.data import read_data_file
from nlu.diacritics import has_diacritics, strip_diacritics
from nlu.normalize import fold

_WARD_PREFIX = re.compile(r"\b(xa|phuong|thi tran)\s+")
_WARD_MAX_SYLLABLES = 4


@dataclass(frozen=True)
class Province:
    key: str
    short: str  # "Hậu Giang"
    old: bool  # one of the 63 provinces before 1 July 2025
    new: bool  # one of the 34 provinces from 1 July 2025
    after_2025: str  # short name of the province it belongs to from 1 July 2025
    merged_from: tuple[str, ...]  # for a new province: the old provinces it is made of


@dataclass(frozen=True)
class Ward:
    name: str  # "Xã Mỹ Khánh"
    old: bool
    province: str  # short name of its province (old one for an old ward, new one for a new ward)
    new_name: str  # for an old ward: the ward it became; for a new ward: itself
    new_province: str


@dataclass(frozen=True)
class PlaceMatch:
    start: int
    end: int
    text_folded: str


@dataclass(frozen=True)
class Gazetteer:
    provinces: dict[str, Province]  # accent-free folded name → province
    province_forms: dict[str, str]  # accent-free folded name → accented folded name
    province_pattern: re.Pattern[str]
    wards: dict[str, tuple[Ward, ...]]  # accent-free folded full name ("xa my khanh") → wards
    ward_forms: dict[str, frozenset[str]]


def agrees(span_folded: str, canonical_folded: str) -> bool:
    """Whether a span typed with or without diacritics can stand for ``canonical_folded``, syllable by syllable."""
    span_syllables = span_folded.split()
    canonical_syllables = canonical_folded.split()
    if len(span_syllables) != len(canonical_syllables):
        return not has_diacritics(span_folded)
    return all(
        not has_diacritics(typed) or typed == canonical
        for typed, canonical in zip(span_syllables, canonical_syllables, strict=True)
    )


def _words(folded: str) -> str:
    return " ".join(part for part in re.split(r"[\s.-]+", folded) if part)


def _key(name: str) -> str:
    return _words(strip_diacritics(fold(name)))


@cache
def gazetteer() -> Gazetteer:
    """Build the lookup tables once (about 0.2 s)."""
    path = resources.files("underthesea").joinpath("address", "data", "mapping.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    old_names = {key: info["short"] for key, info in data["old_province_names"].items()}
    new_names = {key: info["short"] for key, info in data["province_names"].items()}
    merged: dict[str, list[str]] = {}
    for old_key, new_key in data["province_mapping"].items():
        merged.setdefault(new_key, []).append(old_names[old_key])
    by_short: dict[str, Province] = {}
    for key, short in old_names.items():
        new_key = data["province_mapping"][key]
        by_short[short] = Province(key, short, True, key in new_names, new_names[new_key], tuple(merged.get(key, ())))
    for key, short in new_names.items():
        if short not in by_short:
            by_short[short] = Province(key, short, False, True, short, tuple(merged.get(key, ())))
    provinces: dict[str, Province] = {}
    forms: dict[str, str] = {}
    for short, province in by_short.items():
        provinces[_key(short)] = province
        forms[_key(short)] = _words(fold(short))
    for line in read_data_file("province_aliases.tsv").splitlines():
        if line.strip() and not line.startswith("#"):
            alias, short = line.split("\t")
            provinces[_key(alias)] = by_short[short]
            forms[_key(alias)] = _words(fold(alias))
    alternatives = "|".join(re.escape(name).replace(r"\ ", r"[\s.-]+") for name in sorted(provinces, key=len)[::-1])
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")

    wards: dict[str, list[Ward]] = {}
    ward_forms: dict[str, set[str]] = {}
    for record in data["ward_mapping"]:
        old_province = old_names[record["old_province_key"]]
        new_province = new_names[record["new_province_key"]]
        old_ward = Ward(record["old_ward"], True, old_province, record["new_ward"], new_province)
        new_ward = Ward(record["new_ward"], False, new_province, record["new_ward"], new_province)
        for ward in (old_ward, new_ward):
            key = _key(ward.name)
            bucket = wards.setdefault(key, [])
            if ward not in bucket:
                bucket.append(ward)
            ward_forms.setdefault(key, set()).add(fold(ward.name))
    return Gazetteer(
        provinces,
        forms,
        pattern,
        {key: tuple(value) for key, value in wards.items()},
        {key: frozenset(value) for key, value in ward_forms.items()},
    )


def find_provinces(folded: str, bare: str) -> list[tuple[PlaceMatch, Province]]:
    """Province mentions in folded text (``bare`` is the same text without diacritics, same length)."""
    table = gazetteer()
    found = []
    for match in table.province_pattern.finditer(bare):
        key = _words(match.group(0))
        span = folded[match.start() : match.end()]
        if key in table.provinces and agrees(_words(span), table.province_forms[key]):
            found.append((PlaceMatch(match.start(), match.end(), span), table.provinces[key]))
    return found


def find_wards(folded: str, bare: str) -> list[tuple[PlaceMatch, tuple[Ward, ...]]]:
    """Commune/ward mentions introduced by "xã", "phường" or "thị trấn"; longest known name wins."""
    table = gazetteer()
    found = []
    for prefix in _WARD_PREFIX.finditer(bare):
        rest = bare[prefix.end() :]
        syllables = list(re.finditer(r"\w+", rest))[:_WARD_MAX_SYLLABLES]
        for count in range(len(syllables), 0, -1):
            end = prefix.end() + syllables[count - 1].end()
            key = " ".join(bare[prefix.start() : end].split())
            span = folded[prefix.start() : end]
            forms = table.ward_forms.get(key)
            if forms and any(agrees(" ".join(span.split()), form) for form in forms):
                found.append((PlaceMatch(prefix.start(), end, span), table.wards[key]))
                break
    return found
