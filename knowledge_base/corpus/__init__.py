"""The legal texts Loa ships with: seven circulars and consolidated texts of the poverty-reduction programme.

Package data: ``legal/*.txt`` (verbatim gazette text) and ``catalog.yaml`` (their metadata, the same format as
an officer's import catalogue). ``loa kb starter`` imports them before the starter FAQ, so the FAQ's citations
link to real passages; the import is idempotent like any catalogue import.
"""

from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent
SHIPPED_CATALOG = CORPUS_DIR / "catalog.yaml"

__all__ = ["CORPUS_DIR", "SHIPPED_CATALOG"]
