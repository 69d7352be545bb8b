"""Webhook bodies: JSON parsed only after the signature is checked, with a depth limit, so a hostile body is a
clear 400 and never a crash (a document nested 100,000 deep would exhaust the parser's recursion)."""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 32
"""Telegram, Zalo OA and Zalo Bot events nest fewer than ten levels."""

_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


class PayloadError(ValueError):
    """The body is not a JSON object Loa can read."""


def too_deep(raw: bytes, max_depth: int) -> bool:
    """Whether arrays and objects in ``raw`` nest deeper than ``max_depth`` (brackets inside strings do not
    count); stops at the first level too many."""
    depth = 0
    for match in _BRACKETS.finditer(_STRINGS.sub(b'""', raw)):
        if match.group(0) in (b"[", b"{"):
            depth += 1
            if depth > max_depth:
                return True
        else:
            depth -= 1
    return False


def parse_object(raw: bytes, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """``raw`` as a JSON object, or PayloadError (malformed, not UTF-8, too deep, or not an object)."""
    if too_deep(raw, max_depth):
        raise PayloadError(f"JSON lồng quá {max_depth} tầng")
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise PayloadError("không phải JSON hợp lệ") from error
    if not isinstance(value, dict):
        raise PayloadError("cần một đối tượng JSON")
    return value


def object_field(container: dict[str, Any], name: str) -> dict[str, Any]:
    """``container[name]`` when it is an object, an empty one when missing; PayloadError for anything else."""
    value = container.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PayloadError(f"trường {name!r} phải là một đối tượng")
    return value
