"""One place that turns a parsed ``phonenumbers`` number into a phone hit's value and attributes.

Every family that reports phones (free-text numbers, ``wa.me`` links, ``tel:`` links) goes
through these two functions, so the same number always gets the same canonical value and the
same attributes, whichever extractor found it.
"""

from __future__ import annotations

import phonenumbers
from phonenumbers import PhoneNumber, PhoneNumberFormat, PhoneNumberType, carrier

__all__ = ["e164", "phone_hit_attrs"]

_TYPE_NAMES: dict[int, str] = {
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
}


def e164(numobj: PhoneNumber) -> str:
    """The number in E.164 (``+50255123456``): the canonical value of a phone hit."""
    return str(phonenumbers.format_number(numobj, PhoneNumberFormat.E164))


# Attributes by E.164 value, at most ``_CACHE_SIZE`` of them (the oldest go first).
_CACHE_SIZE = 8192
_cache: dict[str, tuple[tuple[str, str], ...]] = {}


def _attrs(numobj: PhoneNumber) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    region = phonenumbers.region_code_for_number(numobj)
    if region and region != "001":
        out.append(("country", str(region)))
    kind = _TYPE_NAMES.get(phonenumbers.number_type(numobj))
    if kind:
        out.append(("number_type", kind))
    name = carrier.name_for_number(numobj, "es")
    if name:
        out.append(("carrier", str(name)))
    return tuple(out)


def phone_hit_attrs(numobj: PhoneNumber) -> dict[str, str]:
    """Attributes of a phone hit: ``country`` (ISO region code, omitted for non-geographic
    numbers), ``number_type`` (``mobile``, ``fixed_line``, ``fixed_line_or_mobile``, ``voip``,
    ``toll_free``...; omitted when unknown) and ``carrier`` (the original carrier's name in
    Spanish as ``phonenumbers`` knows it; omitted when empty: numbers move between carriers,
    so it is a hint, not a fact).

    The attributes depend only on the number, never on how it was written, so they are cached
    by its E.164 form; a number not in the cache is read from ``numobj`` as it is, without
    parsing its E.164 form again (the same fields: the callers' numbers hold no extension
    and no raw input).
    """
    value = e164(numobj)
    found = _cache.get(value)
    if found is None:
        found = _attrs(numobj)
        if len(_cache) >= _CACHE_SIZE:
            del _cache[next(iter(_cache))]
        _cache[value] = found
    return dict(found)
