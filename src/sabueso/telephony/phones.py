"""Telephone numbers of productions and of the command line to the case's canonical form:
E.164 through the same functions as the entity index (``sabueso.extract.phoneparse``), so a
number in a CDR and in a chat is one entity. What cannot be read as a valid number (short
codes, service numbers, damaged values) is kept as its digits, never guessed."""

from __future__ import annotations

import re

from sabueso.extract.phoneparse import parse_international, parse_national

_EXCEL_FLOAT = re.compile(r"\.0+$")
# a number a spreadsheet turned into scientific notation (5.0255E+10): digits are lost; the
# same pattern in Python and in DuckDB (RE2), matched against the whole value
SCIENTIFIC = r"\s*\+?[0-9]+(?:[.,][0-9]+)?[eE]\+?[0-9]+\s*"
_SCIENTIFIC = re.compile(SCIENTIFIC)
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
    if not value or "*" in value or "#" in value or scientific(text):
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
    if region == "MX":
        digits = _mexican_legacy(digits)
    if region:
        found = parse_national(digits, region)
        if found:
            return found[0]
    if len(digits) >= 10:  # a country code written without "+" (18095551234 in a GT file)
        found = parse_international(digits)
        if found:
            return found[0]
    return None


def _mexican_legacy(digits: str) -> str:
    """A Mexican number as dialled before August 2019, in older sábanas: ``044``/``045`` + 10
    digits (a mobile, local or long-distance) and ``01`` + 10 digits (long distance) are the
    10-digit national number now in use."""
    if len(digits) == 13 and digits.startswith(("044", "045")):
        return digits[3:]
    if len(digits) == 12 and digits.startswith("01"):
        return digits[2:]
    return digits


def scientific(text: str) -> bool:
    """Whether ``text`` is a number a spreadsheet wrote in scientific notation."""
    return _SCIENTIFIC.fullmatch(text) is not None


def canonical(text: str, region: str | None) -> str:
    """E.164 when valid, else the cleaned digits (short codes stay as written); empty for a
    number in scientific notation (its digits are lost: they are not a number to pivot on)."""
    if scientific(text):
        return ""
    return to_e164(text, region) or clean(text)


_TYPES = ("fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost", "personal_number",
          "voip", "pager", "uan", "voicemail")


def _valid_pattern(region: str) -> tuple[str, str] | None:
    """(country code, one regex over the national numbers of every valid type) of a region
    without a trunk prefix to strip, or None (those numbers go through ``to_e164``)."""
    from phonenumbers import PhoneMetadata

    md = PhoneMetadata.metadata_for_region(region)
    if md is None or md.country_code in (None, 1) or md.national_prefix_for_parsing or \
            md.national_prefix:
        return None
    parts = [getattr(md, n).national_number_pattern for n in _TYPES
             if getattr(md, n) is not None and getattr(md, n).national_number_pattern]
    if not parts:
        return None
    return str(md.country_code), "(?:" + "|".join(f"(?:{p})" for p in parts) + ")"


def sql_clean(expr: str) -> str:
    return (f"regexp_replace(regexp_replace(trim({expr}), '\\.0+$', ''), "
            "'[^0-9+*#]', '', 'g')")


def sql_fast(expr: str, region: str | None) -> str:
    """A DuckDB expression giving the E.164 value of the common forms of a number of
    ``region`` (national, with its country code, ``+``, ``00``), the same value ``to_e164``
    gives; NULL for everything else, which is then read in Python (``to_e164``)."""
    found = _valid_pattern(region) if region else None
    if found is None:
        return "NULL::VARCHAR"
    cc, pattern = found
    pat = pattern.replace("'", "''")
    c = sql_clean(expr)
    d = f"regexp_replace({c}, '[^0-9]', '', 'g')"
    n = len(cc)
    return (f"(CASE WHEN {c} LIKE '+%' THEN CASE WHEN starts_with({d}, '{cc}') AND "
            f"regexp_full_match(substr({d}, {n + 1}), '{pat}') THEN '+' || {d} END "
            f"WHEN {c} ~ '^[0-9]+$' THEN CASE "
            f"WHEN starts_with({d}, '00{cc}') AND regexp_full_match(substr({d}, {n + 3}), "
            f"'{pat}') THEN '+' || substr({d}, 3) "
            f"WHEN regexp_full_match({d}, '{pat}') AND NOT (length({d}) = 11 AND "
            f"left({d}, 4) IN ('1809', '1829', '1849')) THEN '+{cc}' || {d} "
            f"WHEN starts_with({d}, '{cc}') AND regexp_full_match(substr({d}, {n + 1}), "
            f"'{pat}') THEN '+' || {d} END END)")
