"""Loa's Vietnamese language layer: normalisation, tokens, diacritics, slang, intents and entities."""
