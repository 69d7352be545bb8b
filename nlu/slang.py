"""Chat slang and officers' abbreviations, expanded from the reviewed list in ``data/slang.tsv``."""

import re
from dataclasses import dataclass
from functools import cache

from nlu.data import read_data_file
from nlu.normalize import normalize_text

# A token is a run of letters and digits, with "&" and "-" inside ("LĐ-TB&XH"); only whole tokens are replaced.
_BEFORE = r"(?<![\w&-])(?<!\w\.)"  # not inside "LĐ-TB&XH" nor after "abc."
_AFTER = r"(?![\w&]|-\w)"


@dataclass(frozen=True)
class SlangTable:
    """The compiled list: one pattern for case-insensitive forms, one for forms that must match their case."""

    any_case: dict[str, str]
    exact_case: dict[str, str]
    any_pattern: re.Pattern[str]
    exact_pattern: re.Pattern[str]

    def expand(self, text: str) -> str:
        text = self.exact_pattern.sub(lambda m: self.exact_case[m.group(0)], text)
        return self.any_pattern.sub(lambda m: self.any_case[m.group(0).lower()], text)


def _pattern(forms: list[str], flags: int) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    return re.compile(f"{_BEFORE}(?:{alternatives}){_AFTER}", flags)


@cache
def slang_table() -> SlangTable:
    """Load ``data/slang.tsv`` (form, expansion, match) once."""
    any_case: dict[str, str] = {}
    exact_case: dict[str, str] = {}
    text = read_data_file("slang.tsv")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        form, expansion, match = line.split("\t")
        form, expansion = normalize_text(form), normalize_text(expansion)
        if match == "exact":
            exact_case[form] = expansion
        elif match == "any":
            any_case[form.lower()] = expansion
        else:
            raise ValueError(f"slang.tsv: unknown match kind {match!r} for {form!r}")
    return SlangTable(
        any_case,
        exact_case,
        _pattern(list(any_case), re.IGNORECASE),
        _pattern(list(exact_case), 0),
    )


def expand_slang(text: str) -> str:
    """Replace whole-token slang and abbreviations in normalised ``text`` by their full forms."""
    return slang_table().expand(text)
