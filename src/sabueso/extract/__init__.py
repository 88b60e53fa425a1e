"""Selector extraction: validators and normalisers for identifiers found in records."""
