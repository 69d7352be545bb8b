"""Reviewed data files of the language layer: intent examples, slang, domain terms, province aliases."""

from importlib import resources


def read_data_file(name: str) -> str:
    """The text of a data file shipped in this package."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
