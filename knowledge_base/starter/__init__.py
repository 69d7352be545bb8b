"""The starter knowledge Loa ships with: reviewed FAQ entries and the sources they cite."""

from knowledge_base.starter.install import StarterReport, install_starter
from knowledge_base.starter.loader import (
    Citation,
    FaqEntry,
    SourceDoc,
    StarterKnowledge,
    StarterValidationError,
    load_starter,
)

__all__ = [
    "Citation",
    "FaqEntry",
    "SourceDoc",
    "StarterKnowledge",
    "StarterReport",
    "StarterValidationError",
    "install_starter",
    "load_starter",
]
