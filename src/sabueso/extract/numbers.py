"""Phone numbers, IMEIs and IMSIs in free text: the ``numbers`` extractor family.

One fast pattern finds every run of at least seven characters of digits and the separators
people type in numbers (space, ``-``, ``.``, brackets); times, short prices and day/month
dates never reach Python. Each run is then

1. dropped when glued to something that makes it part of another token: letters
   (``ABC55123456``, ``IMG-20250312-WA0001``), ``@``, ``%``, a URL path or query, a decimal
   comma (``5512345678,50``), a defanged address (``200.85.203[.]171``); or when it is a date,
   a timestamp or an IPv4 address as a whole;
2. read by :func:`sabueso.extract.numread.analyse` (cached), which says which numbers it can
   be and how surely;
3. judged by the words around it (:mod:`sabueso.extract.phonectx`): a reading that is not
   *strong* is vetoed by a negative label right before it (``cuenta``, ``pedido #``, ``DPI``,
   ``factura No.``), a currency sign before it or a unit after it (``Q``, ``L.``, ``₡``,
   ``colones``, ``gr``); a *weak* one (thousands ``2.234.567``, a compact date, a round
   number, a number glued to a word by ``.``/``-``) needs a phone label such as ``tel``,
   ``cel``, ``WhatsApp``, ``llamame`` or 📞.

IMEI or IMSI: a label decides (``IMEI``, ``serie``, ``equipo`` / ``IMSI``, ``SIM``); with
none, an IMSI with a known operator comes before a Luhn-valid IMEI with an allocated
reporting body, and a phone reading wins over both when it is written with an international
prefix or after a phone label (``WhatsApp 011523387961004``).

With no region, local numbers are read only when their country is plain: Dominican NANP
numbers (809, 829 and 849 are nobody else's), a bracketed NANP area code (``(212)
555-0123``), numbers written with their country code but no ``+`` (``502 5512 3456``), and
local numbers of a text where most numbers written with ``+`` belong to one country of the
region, read in that country (a chat whose members write ``+502`` numbers is Guatemalan).
Set ``INFER_REGION = False`` to read only international forms when no region is given.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sabueso.extract.base import Context, Hit, Prepared
from sabueso.extract.numread import NORMAL, STRONG, WEAK, Reading, analyse
from sabueso.extract.phonectx import (
    DEVICE,
    NEGATIVE,
    POSITIVE,
    amount_after,
    amount_before,
    keyword_verdict,
    mobile_id_hint,
)

__all__ = ["FAMILY", "INFER_REGION", "NumberFamily"]

# A digit, then at least five more digits or separators, then a digit: seven characters at
# least, so times, short prices and day/month dates never reach Python. A leading character
# class keeps `re` on its fast scan; the class repetition cannot backtrack catastrophically.
_CANDIDATE = re.compile(r"[0-9][0-9 .\-()]{5,}[0-9]")
# The same pattern over ``Prepared.latin1`` with every digit made ``0``: a pattern that starts
# with a literal is scanned for in C without trying it at every position, and the spans are
# those of ``_CANDIDATE`` on the clean text (no other character lower-cases to a digit or to
# one of `` .-()``; a character outside Latin-1 becomes ``?``).
_CANDIDATE_ZEROS = re.compile(rb"0[0 .\-()]{5,}0")
_ZEROS = bytes(0x30 if 0x30 <= i <= 0x39 else i for i in range(256))
# Shapes that are never phone numbers and fill chat exports and logs: dates (with the hour
# of the time after them), timestamps in file names, IPv4 addresses. Matched whole before
# anything else, so they cost one regex call each.
_JUNK = re.compile(
    r"[0-9]{1,2}[-./][0-9]{1,2}[-./](?:19|20)?[0-9]{2}(?: [0-9]{1,2})?"
    r"|(?:19|20)[0-9]{2}[-./][0-9]{1,2}[-./][0-9]{1,2}(?:[- ][0-9]{1,2})*"
    r"|[0-9]{1,3}(?:\.[0-9]{1,3}){3}"
)
# With no region, read local numbers in the country of most "+" numbers of the text.
INFER_REGION = True
# Countries whose "+" numbers, when they are most of a text's, say how to read its local
# numbers if no region is given.
_INFER_FROM = frozenset({"GT", "SV", "HN", "NI", "CR", "PA", "BZ", "DO", "MX", "CO", "US"})
_PLUS = re.compile(r"\+[ (]?(?=[0-9])")


def _usual_country(s: str) -> str | None:
    """The country most numbers written with "+" in ``s`` belong to (one of _INFER_FROM)."""
    votes: dict[str, int] = {}
    for m in _PLUS.finditer(s):
        a = m.end()
        cand = _CANDIDATE.match(s, a)
        if cand is None:
            continue
        for r in analyse(cand.group(), s[_prefix_start(s, a):a], False, False, None):
            if r.type == "phone" and r.strength == STRONG:
                country = dict(r.attrs).get("country")
                if country in _INFER_FROM:
                    votes[country] = votes.get(country, 0) + 1
                break
    return max(votes, key=votes.__getitem__) if votes else None


def _prefix_start(s: str, a: int) -> int:
    """Where the number starting with the digit at ``a`` really starts: before a ``+``,
    ``+ ``, ``(``, ``(+`` or ``+(`` standing right before it."""
    p = a
    if p and s[p - 1] == "+":
        p -= 1
    elif p >= 2 and s[p - 1] == " " and s[p - 2] == "+":
        p -= 2
    if p and s[p - 1] == "(":
        p -= 1
        if p < a - 1 or not p or s[p - 1] != "+":
            return p
        return p - 1  # +(502) 5512 3456
    return p


def _short_group(s: str, i: int, step: int, most: int) -> bool:
    """The run of digits at ``i`` (read in direction ``step``) is at most ``most`` long."""
    for _ in range(most + 1):
        if not (0 <= i < len(s) and s[i].isdigit()):
            return True
        i += step
    return False


def _decimal_part(s: str, i: int) -> bool:
    """One or two digits at ``i`` ending a number (``,50`` after ``5512345678``), as opposed
    to the next field of a list or a CDR row (``,50255123456``, ``,00:00:45``)."""
    j = i
    while j < len(s) and j - i < 3 and s[j].isdigit():
        j += 1
    if not 1 <= j - i <= 2:
        return False
    return j == len(s) or s[j] not in ":/-.0123456789" or (
        s[j] == "." and (j + 1 == len(s) or not s[j + 1].isdigit()))


# (start, end, glued, lead_taint, trail_taint): ``start`` includes a ``+``/``(`` before the
# first digit, ``end`` an IMEI check digit written apart; ``glued`` says a word is attached
# by ``.`` or ``-`` (``Cel.55123456``); the taints say an end group belongs to a time, a date
# or an amount next to it (``17:45 5512 3456``).
_Spot = tuple[int, int, bool, bool, bool]


def _spot(s: str, a: int, b: int) -> _Spot | None:
    """The surroundings of the candidate ``s[a:b]``, or None when it is part of another
    token: a word, an address, a file name, a decimal, a tax number with its check letter."""
    p = _prefix_start(s, a) if a and s[a - 1] in "+( " else a
    c = s[p - 1] if p else ""
    if c and (c.isalnum() or c == "@" or (p >= 2 and (
            (c == "_" and s[p - 2].isalnum()) or (c in "&=/\\" and s[p - 2].isalpha())))):
        return None  # ABC55123456, x@55123456, id_55123456, ?id=55123456, wa.me/...
    n = len(s)
    after = s[b] if b < n else ""
    nxt = s[b + 1] if b + 1 < n else ""
    if after == "/" and nxt.isdigit() and not s[b + 2:b + 3].isdigit() and (
            sum(ch.isdigit() for ch in s[a:b]) == 14):
        b += 2  # an IMEI written with its check digit apart: 35209900176148/1
        after = s[b] if b < n else ""
        nxt = s[b + 1] if b + 1 < n else ""
    if after and (after.isalnum() or after in "@%" or (after == "_" and nxt.isalnum())):
        return None  # 55123456x, 55123456@s.whatsapp.net, 20%, 55123456_x
    if (after in "[(" and nxt == ".") or (c in "])" and s[p - 2:p - 1] == "."):
        return None  # a defanged address: 200.85.203[.]171
    if (after in "-/" and nxt.isalpha()) or (after == "," and _decimal_part(s, b + 1)):
        return None  # 1234567-K, 20250312-WA0001, 5512345678,50
    glued = c in "-." and p >= 2 and (s[p - 2].isalpha() or s[p - 2] == "_")
    lead_taint = c in ":/," and p >= 2 and s[p - 2].isdigit() and (
        _short_group(s, a, 1, 3 if c == "," else 2) or (
            c == "/" and s[a:a + 2] in ("19", "20") and s[a + 4:a + 5] == " "
            and _short_group(s, a, 1, 4)))  # the year of 15/03/2024 5566 7788
    trail_taint = after in ":/," and nxt.isdigit() and _short_group(
        s, b - 1, -1, 3 if after == "," else 2)
    return p, b, glued, lead_taint, trail_taint


def _mobile_id(readings: tuple[Reading, ...], lower: str, start: int) -> Reading | None:
    """Which IMEI/IMSI reading of a number to report, if any. A label decides (``IMEI``,
    ``serie``, ``equipo`` / ``IMSI``, ``SIM``); with none, an IMSI with a known operator
    comes before a plausible IMEI, and a phone reading written with an international prefix
    or after a phone label wins over both (``WhatsApp 011523387961004``)."""
    ids = [r for r in readings if r.type != "phone"]
    if not ids:
        return None
    hint = mobile_id_hint(lower, start)
    if hint == "imei":
        return next((r for r in ids if r.type == "imei"), None)
    if hint == "imsi":
        chosen = next((r for r in ids if r.type == "imsi"), None)
        if chosen:
            return chosen
    verdict = keyword_verdict(lower, start)
    if verdict == NEGATIVE and hint is None:
        return None  # tarjeta 3520..., cuenta ...
    chosen = next((r for kind in ("imsi", "imei") for r in ids
                   if r.type == kind and r.strength >= NORMAL), None)
    if chosen is not None and hint is None and any(
            r.type == "phone" and r.start <= chosen.start and chosen.end <= r.end
            and (r.strength == STRONG or verdict == POSITIVE) for r in readings):
        return None
    return chosen


class NumberFamily:
    """Phone numbers (E.164), IMEIs and IMSIs."""

    name = "numbers"
    types = frozenset({"phone", "imei", "imsi"})

    def scan(self, text: Prepared, ctx: Context) -> Iterator[Hit]:
        want = self.types & ctx.types
        if not want:
            return
        s, low, original = text.clean, text.lower, text.original
        region = ctx.region.upper() if ctx.region else None
        # With no region given, local numbers are read in the country most "+" numbers of
        # the text belong to (a chat whose members write +502 numbers is Guatemalan).
        reg = region or (_usual_country(s) if INFER_REGION else None)
        n = len(s)
        for m in _CANDIDATE_ZEROS.finditer(text.latin1.translate(_ZEROS)):
            a, b0 = m.span()
            # A date or time stays junk whatever surrounds it; only an IMEI check digit
            # written apart ("/1") can make _spot lengthen the candidate: test junk first.
            tested = b0 == n or s[b0] != "/"
            if tested and _JUNK.fullmatch(s, a, b0):
                continue
            spot = _spot(s, a, b0)
            if spot is None:
                continue
            p, b, glued, lead_taint, trail_taint = spot
            cand = s[a:b]
            # (``_JUNK`` has no anchors or lookarounds: the test above was on the same text)
            if (b != b0 or not tested) and _JUNK.fullmatch(cand):
                continue
            readings = analyse(cand, s[p:a], lead_taint, trail_taint, reg)
            if not readings:
                continue
            # IMEI/IMSI readings come first (see numread.analyse)
            chosen = None if readings[0].type == "phone" else _mobile_id(
                readings, low, a + readings[0].start)
            if chosen is not None and chosen.type in want:
                start, end = a + chosen.start, a + chosen.end
                yield Hit(chosen.type, chosen.value, original[start:end], start, end,
                          dict(chosen.attrs))
            if "phone" not in want:
                continue
            for r in readings:
                if r.type != "phone" or (chosen and r.start < chosen.end
                                         and chosen.start < r.end):
                    continue
                start, end = a + r.start, a + r.end
                strength = min(r.strength, WEAK) if glued and r.start <= 0 else r.strength
                if strength < STRONG:
                    if amount_before(low, start) or amount_after(low, end):
                        continue
                    verdict = keyword_verdict(low, start)
                    if verdict in (NEGATIVE, DEVICE) or (strength == WEAK
                                                         and verdict != POSITIVE):
                        continue
                yield Hit("phone", r.value, original[start:end], start, end, dict(r.attrs))

FAMILY = NumberFamily()
