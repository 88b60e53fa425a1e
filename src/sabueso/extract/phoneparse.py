"""Digits to a valid phone number, fast: ``phonenumbers`` metadata without its parser.

``phonenumbers.parse`` normalises arbitrary text, looks for extensions, prefixes and carrier
codes, and costs some 15 µs a call; the numbers family hands over clean digit strings, most
of them exactly a national significant number. These functions check the length against the
region's metadata first (most candidates stop there), build the number directly and ask
``phonenumbers.is_valid_number``; only digits that may carry a national prefix, a written
country code or a leading zero go through ``phonenumbers.parse``. Results are cached: chats
repeat the same numbers over and over.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, NumberParseException, PhoneMetadata

from sabueso.extract.phoneattrs import e164, phone_hit_attrs

__all__ = ["Parsed", "parse_international", "parse_national"]

# E.164 value and the hit attributes (country, number_type, carrier).
Parsed = tuple[str, tuple[tuple[str, str], ...]]

_DR_AREAS = frozenset({"809", "829", "849"})

# ``phonenumbers`` compiles its metadata patterns through ``re.compile`` on every check, that
# is through ``re``'s own bounded cache, whose look-up is a quarter of ``is_valid_number``'s
# time; this keeps the compiled patterns instead (a few hundred, once; phonenumbers 9 and
# later).
_enable_pattern_cache = getattr(phonenumbers, "enable_pattern_cache", None)
if _enable_pattern_cache is not None:
    _enable_pattern_cache()


def _result(num: phonenumbers.PhoneNumber) -> Parsed:
    return e164(num), tuple(phone_hit_attrs(num).items())


@lru_cache(maxsize=8192)
def _valid(cc: int, nsn: str, region: str | None) -> Parsed | None:
    """The number ``+cc nsn`` when valid; ``region`` is a guess tried first (it spares the
    walk over every NANP region for +1)."""
    num = phonenumbers.PhoneNumber(country_code=cc, national_number=int(nsn))
    if (region and phonenumbers.is_valid_number_for_region(num, region)) or (
            phonenumbers.is_valid_number(num)):
        return _result(num)
    return None


@lru_cache(maxsize=8192)
def _slow(number: str, region: str | None) -> Parsed | None:
    try:
        num = phonenumbers.parse(number, region)
    except NumberParseException:
        return None
    return _result(num) if phonenumbers.is_valid_number(num) else None


@lru_cache(maxsize=512)
def _metadata(region: str) -> tuple[int, frozenset[int], re.Pattern[str] | None] | None:
    md = PhoneMetadata.metadata_for_region(region)
    if md is None or md.country_code is None or md.general_desc is None:
        return None
    prefix = re.compile(md.national_prefix_for_parsing) if md.national_prefix_for_parsing \
        else None
    return int(md.country_code), frozenset(md.general_desc.possible_length), prefix


@lru_cache(maxsize=8192)
def parse_national(digits: str, region: str) -> Parsed | None:
    """``digits`` as dialled inside ``region`` (its trunk prefix or country code allowed)."""
    meta = _metadata(region)
    if meta is None:
        return None
    cc, lengths, prefix = meta
    if digits[0] != "0" and len(digits) in lengths:
        hint = "DO" if cc == 1 and digits[:3] in _DR_AREAS else region
        found = _valid(cc, digits, hint)
        if found:
            return found
    code = str(cc)
    if digits.startswith(code) and cc != 1 and len(digits) - len(code) in lengths:
        found = _valid(cc, digits[len(code):], region)  # 50255123456 read in GT
        if found:
            return found
    if digits.startswith(code) or digits[0] == "0" or (prefix and prefix.match(digits)):
        return _slow(digits, region)
    return None


@lru_cache(maxsize=8192)
def parse_international(digits: str) -> Parsed | None:
    """``digits`` as written after ``+`` (or ``00``): country code, then the number."""
    if not 7 <= len(digits) <= 15 or digits[0] == "0":
        return None
    for size in (1, 2, 3):
        cc = int(digits[:size])
        regions = COUNTRY_CODE_TO_REGION_CODE.get(cc)
        if regions:
            break
    else:
        return None
    nsn = digits[size:]
    region = regions[0]
    meta = _metadata(region)
    if meta is None:  # non-geographic numbers (+800, +882...)
        return _slow("+" + digits, None)
    if nsn[0] == "0":
        return _slow("+" + digits, None)
    if len(nsn) in meta[1]:
        hint = "DO" if cc == 1 and nsn[:3] in _DR_AREAS else region
        return _valid(cc, nsn, hint)
    if cc == 52 and len(nsn) == 11 and nsn[0] == "1":
        return _valid(52, nsn[1:], "MX")  # Mexican mobiles written with the old "1"
    return None
