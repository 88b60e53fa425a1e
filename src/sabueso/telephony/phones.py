"""Telephone numbers of productions and of the command line to the case's canonical form:
E.164 through the same functions as the entity index (``sabueso.extract.phoneparse``), so a
number in a CDR and in a chat is one entity. What cannot be read as a valid number (short
codes, service numbers, damaged values) is kept as its digits, never guessed."""

from __future__ import annotations

import re

from sabueso.extract.phoneparse import parse_international, parse_national

_EXCEL_FLOAT = re.compile(r"\.0+$")
_KEEP = re.compile(r"[^0-9+*#]")
_DR_TRUNK = frozenset({"1809", "1829", "1849"})
_NANP_DEFAULTS = frozenset({"US", "CA", "DO", "PR"})


def clean(text: str) -> str:
    """What the number column holds, without spaces, dashes, brackets or a spreadsheet's ``.0``."""
    return _KEEP.sub("", _EXCEL_FLOAT.sub("", text.strip()))


def to_e164(text: str, region: str | None) -> str | None:
    """The E.164 value of a number as written (local to ``region``, or with its country code,
    ``+``, ``00`` or ``011``), or None when it is not a valid number."""
    value = clean(text)
    if not value or "*" in value or "#" in value:
        return None
    digits = value.lstrip("+")
    if not digits.isdigit():
        return None
    if value.startswith("+"):
        found = parse_international(digits)
        return found[0] if found else None
    if digits.startswith("011") and len(digits) > 10:
        found = parse_international(digits[3:])
        if found:
            return found[0]
    if digits.startswith("00"):
        found = parse_international(digits[2:])
        return found[0] if found else None
    if len(digits) == 11 and digits[:4] in _DR_TRUNK and region not in _NANP_DEFAULTS:
        found = parse_international(digits)  # 18095551234 in a GT file is the DR, not a
        if found:  # Guatemalan toll-free number (research note §5.2)
            return found[0]
    if region:
        found = parse_national(digits, region)
        if found:
            return found[0]
    if len(digits) >= 10:  # a country code written without "+" (18095551234 in a GT file)
        found = parse_international(digits)
        if found:
            return found[0]
    return None


def canonical(text: str, region: str | None) -> str:
    """E.164 when valid, else the cleaned digits (short codes stay as written)."""
    return to_e164(text, region) or clean(text)
