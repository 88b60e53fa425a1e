"""How one run of digits reads: as which phone numbers, IMEIs or IMSIs, and how surely.

:func:`analyse` takes a candidate found by the numbers family (digits joined by spaces,
dashes, dots and brackets), what stands right before it (``+``, ``(``) and the region, and
returns every reading with its offsets and a strength. It looks at nothing else in the text,
so its answers are cached: chats repeat the same numbers over and over. The words around the
number are the family's business (:mod:`sabueso.extract.numbers`).

- The run is cut where separators stop looking like one number (``5512 - 3456``, ``1. ``,
  unbalanced brackets; in a long list, every space).
- After ``+`` (or ``00``), the longest leading groups that make a valid international number
  are one; what follows is read on its own. These readings are *strong*, as are those with a
  bracketed area or country code (``(809) 555-0147``, ``(502) 5512 3456``).
- Exactly 15 digits (16 for an IMEISV) are also read as an IMEI (Luhn) or an IMSI (known MCC
  and MNC), see :mod:`sabueso.extract.mobileid`.
- Otherwise the shape decides first (:mod:`sabueso.extract.numshape`: dates, cards, IDs,
  thousands), then the digits: a Dominican number in NANP form (809, 829 and 849 belong to
  no other country, so this holds in any region), a national number of the region, a country
  code written without ``+`` (``502 5512 3456``, ``50255123456``), ``011`` (NANP's exit code)
  in NANP regions.
- A run two numbers share (``5512-3456 5598-7654``, ``55123456 55987654``) is split at a
  space when each part is one group or has no inner space; a short stray group or a date at
  either end (``2 5512 3456``) may be left out; an end group glued to a time, a date or an
  amount (the ``45`` of ``17:45 5512 3456``) always is.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from sabueso.extract import numshape
from sabueso.extract.mobileid import (
    IMEI_BOUNDARIES,
    IMSI_BOUNDARIES,
    imei_from_imeisv,
    imei_plausible,
    imsi_parts,
    luhn_valid,
)
from sabueso.extract.phoneparse import Parsed, parse_international, parse_national

__all__ = ["NORMAL", "STRONG", "WEAK", "Reading", "analyse"]

# Strength of a reading: STRONG stands whatever the words around say (a "+" or bracketed
# code); NORMAL is vetoed by a negative label or an amount; WEAK needs a phone label.
STRONG = 3
NORMAL = 2
WEAK = 1

_SPLIT = re.compile(r"([^0-9]+)")
_SEPARATORS = frozenset({" ", "-", ".", "(", " (", "-(", ")", ") ", ")-", ") (", ")(",
                         "/"})

_DR_AREAS = frozenset({"809", "829", "849"})
_NANP = frozenset({"US", "CA", "DO", "PR"})
# Country codes people write without "+" (own group, or glued for the 50x codes).
_BARE_CC = frozenset({"1", "52", "57", "501", "502", "503", "504", "505", "506", "507"})
_GLUED_CC = frozenset({"501", "502", "503", "504", "505", "506", "507"})
_MAX_GROUPS = 12


class Reading(NamedTuple):
    """One reading of a candidate: offsets relative to the candidate's first digit (the
    start is negative when a ``+`` or ``(`` before it belongs to the number)."""

    type: str
    value: str
    start: int
    end: int
    strength: int
    attrs: tuple[tuple[str, str], ...]


def _read(groups: tuple[str, ...], seps: tuple[str, ...], region: str | None,
          verdict: int | None = None) -> tuple[Parsed, int] | None:
    """The phone a run of groups without ``+`` makes, with its strength, or None.
    ``verdict`` is the run's :func:`numshape.shape` when the caller has it already."""
    digits = "".join(groups)
    n = len(digits)
    if n < 7 or n > 17:
        return None
    if digits.startswith("00"):
        found = parse_international(digits[2:])
        return (found, STRONG) if found else None
    if digits.startswith("011") and (region is None or region in _NANP):
        # NANP's exit code: a phone, unless the 15 digits read as an IMEI and no phone
        # label says otherwise (CDR rows put IMEIs such as 011660673364111 next to numbers)
        found = parse_international(digits[3:])
        return (found, NORMAL) if found else None
    if verdict is None:
        verdict = numshape.shape(groups, seps)
    if verdict == numshape.REJECT:
        return None
    # A bracketed area or country code, "(809) 555-0147", "(502) 5512 3456", is written
    # only for phone numbers: such a reading stands whatever the words before it say.
    cap = WEAK if verdict == numshape.WEAK else STRONG if any(")" in s for s in seps) \
        else NORMAL
    ten = digits[1:] if n == 11 and digits[0] == "1" else digits if n == 10 else ""
    if ten[:3] in _DR_AREAS:
        found = parse_international("1" + ten)
        if found:
            formatted = len(groups) > 1 or region in _NANP
            return found, cap if formatted else WEAK
    if region:
        found = parse_national(digits, region)
        if found and n == 11 and digits[0] == "1" and region not in _NANP and (
                tuple(map(len, groups)) != (4, 3, 4)):
            # "19179138465": a US number in E.164 without "+" (as CDRs write them), not a
            # Guatemalan 1-900 premium-rate number, unless written the local way, 1900 111 2222
            kind = dict(found[1]).get("number_type")
            nanp = parse_international(digits)
            if nanp and kind not in ("mobile", "fixed_line", "fixed_line_or_mobile"):
                return nanp, cap
        if found:
            return found, cap
    if (len(groups) > 1 and groups[0] in _BARE_CC) or (len(groups) == 1
                                                       and digits[:3] in _GLUED_CC):
        found = parse_international(digits)
        if found:
            return found, cap
    if n == 10 and len(groups[0]) == 3 and ")" in seps[0] and len(groups) > 1:
        # "(212) 555-0123": a bracketed three-digit area code is NANP in any region
        found = parse_international("1" + digits)
        if found:
            return found, cap
    return None


class _Piece(NamedTuple):
    groups: tuple[str, ...]
    seps: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]


def _phone(piece: _Piece, i: int, j: int, found: Parsed, strength: int) -> Reading:
    return Reading("phone", found[0], piece.spans[i][0], piece.spans[j - 1][1], strength,
                   found[1])


def _cover(piece: _Piece, lo: int, hi: int, region: str | None) -> list[Reading] | None:
    """Groups ``lo..hi`` as one number, or as several split at spaces (``55123456
    55987654``, ``5512-3456 5598-7654``: each part one group or spaced by something else)."""
    groups, seps = piece.groups[lo:hi], piece.seps[lo:hi - 1]
    verdict = None if groups[0][:2] == "00" or groups[0][:3] == "011" else numshape.shape(
        groups, seps)
    whole = _read(groups, seps, region, verdict)
    if whole:
        return [_phone(piece, lo, hi, *whole)]
    if verdict == numshape.REJECT or " " not in seps:
        return None
    memo: dict[int, list[Reading] | None] = {}

    def go(i: int) -> list[Reading] | None:
        if i == hi:
            return []
        if i in memo:
            return memo[i]
        result: list[Reading] | None = None
        for j in range(hi, i, -1):
            if (j < hi and piece.seps[j - 1] != " ") or (i, j) == (lo, hi):
                continue
            inner = piece.seps[i:j - 1]
            if " " in inner:
                continue
            read = _read(piece.groups[i:j], inner, region)
            if read is None:
                continue
            rest = go(j)
            if rest is not None:
                result = [_phone(piece, i, j, *read), *rest]
                break
        memo[i] = result
        return result

    return go(lo)


def _droppable(groups: tuple[str, ...], seps: tuple[str, ...]) -> bool:
    """A stray end run: two digits at most (three may be an area or country code, "206 400
    9655"), a date, a year ("año 2023 5566 7788") or a price with cents ("40.50")."""
    if len(groups) == 1:
        g = groups[0]
        return len(g) <= 2 or (len(g) == 4 and 1950 <= int(g) <= 2039)
    return numshape.is_date(groups) or (len(groups) == 2 and seps == (".",)
                                        and len(groups[1]) == 2 and len(groups[0]) <= 4)


def _national(piece: _Piece, lead_taint: bool, trail_taint: bool,
              region: str | None) -> list[Reading]:
    """Readings of a piece written without ``+``. A tainted end group belongs to the token
    glued to it (the minutes of ``17:45 5512 3456``, the hour of ``[22.03.24 15:06]``) and
    is always left out; a stray short group or a date at either end may be."""
    lo, hi = 0, len(piece.groups)
    if lead_taint:
        if hi < 2 or piece.seps[0] != " ":
            return []
        lo = 1
    if trail_taint:
        if hi - lo < 2 or piece.seps[hi - 2] != " ":
            return []
        hi -= 1
    if (lo or hi < len(piece.groups)) and sum(len(g) for g in piece.groups[lo:hi]) < 7:
        return []
    found = _cover(piece, lo, hi, region)
    if found:
        return found
    spaces = [i for i in range(lo, hi - 1) if piece.seps[i] == " "]
    if not spaces:
        return []
    first, last = spaces[0] + 1, spaces[-1] + 1
    lead_ok = _droppable(piece.groups[lo:first], piece.seps[lo:first - 1])
    trail_ok = _droppable(piece.groups[last:hi], piece.seps[last:hi - 1])
    options: list[tuple[int, int]] = []
    if lead_ok:
        options.append((first, hi))
    if trail_ok:
        options.append((lo, last))
    if lead_ok and trail_ok and first < last:
        options.append((first, last))
    for a, b in options:
        kept = piece.groups[a:b]
        if len(kept) >= 3 and max(len(g) for g in kept) <= 2:
            continue  # "55 12 34 56 78": no telling which pair is the stray one
        if sum(len(g) for g in kept) >= 7:
            found = _cover(piece, a, b, region)
            if found:
                return found
    return []


def _plus(piece: _Piece, trail_taint: bool, region: str | None) -> list[Reading]:
    """Readings of a piece written after ``+``: the longest leading groups that make a valid
    international number, then whatever follows read as a run of its own."""
    k = len(piece.groups)
    for j in range(k, 0, -1):
        found = parse_international("".join(piece.groups[:j]))
        if found is None:
            continue
        out = [_phone(piece, 0, j, found, STRONG)]
        if j < k and piece.seps[j - 1] == " ":
            rest = _Piece(piece.groups[j:], piece.seps[j:], piece.spans[j:])
            if sum(len(g) for g in rest.groups) >= 7:
                out.extend(_national(rest, False, trail_taint, region))
        return out
    return []


def _group_ends(groups: tuple[str, ...]) -> set[int]:
    """Where the groups end inside the digits: {2, 8, 14} for 35-209900-176148-1."""
    out, total = set(), 0
    for g in groups[:-1]:
        total += len(g)
        out.add(total)
    return out


def _mobile_ids(piece: _Piece) -> list[Reading]:
    """IMEI and IMSI readings of a 15-digit piece (16 for an IMEISV). Strength NORMAL: may
    stand without a label; WEAK: only after an IMEI/IMSI label."""
    digits = "".join(piece.groups)
    cuts = _group_ends(piece.groups)
    start, end = piece.spans[0][0], piece.spans[-1][1]
    out: list[Reading] = []
    if len(digits) == 16:
        if digits[:2] != "00" and cuts <= IMEI_BOUNDARIES:
            imei = imei_from_imeisv(digits)
            out.append(Reading("imei", imei, start, end, WEAK, (("tac", imei[:8]),)))
        return out
    if digits.startswith("00"):
        return out
    if luhn_valid(digits):
        bare = imei_plausible(digits) and cuts <= IMEI_BOUNDARIES
        out.append(Reading("imei", digits, start, end, NORMAL if bare else WEAK,
                           (("tac", digits[:8]),)))
    parts = imsi_parts(digits)
    if parts:
        mcc, mnc, country = parts
        bare = cuts <= IMSI_BOUNDARIES
        out.append(Reading("imsi", digits, start, end, NORMAL if bare else WEAK,
                           (("country", country), ("mcc", mcc), ("mnc", mnc))))
    return out


def _pieces(cand: str, paren: bool) -> list[tuple[_Piece, bool]]:
    """Cut a candidate where its separators stop looking like one number. Each piece comes
    with whether a "(" before its first group is closed right after it (``(809) 555``)."""
    if cand.isdigit():
        return [(_Piece((cand,), (), ((0, len(cand)),)), False)]
    parts = _SPLIT.split(cand)
    groups_all, seps = parts[0::2], parts[1::2]
    spans: list[tuple[int, int]] = []
    at = 0
    for i, g in enumerate(groups_all):
        spans.append((at, at + len(g)))
        at += len(g) + (len(seps[i]) if i < len(seps) else 0)
    # opened[i]: a "(" stands right before group i
    opened = [paren, *[sep[-1] == "(" for sep in seps]]
    cuts: list[int] = []
    last = len(seps) - 1
    for i, sep in enumerate(seps):
        if sep not in _SEPARATORS or (")" in sep and not opened[i]) or (
                "(" in sep and (i == last or ")" not in seps[i + 1] or "(" in seps[i + 1])):
            cuts.append(i)
    if len(groups_all) > _MAX_GROUPS:
        # A long list ("5512-3456 5598-7654 4455-6677 ..."): past a dozen groups, a space
        # always ends a number, so each number must be written without inner spaces.
        cuts = sorted({*cuts, *(i for i, sep in enumerate(seps) if sep == " ")})
    out: list[tuple[_Piece, bool]] = []
    lo = 0
    for hi in [*cuts, len(groups_all) - 1]:
        if hi + 1 - lo <= _MAX_GROUPS:
            groups = tuple(groups_all[lo:hi + 1])
            if len("".join(groups)) >= 7:
                closed = opened[lo] and hi > lo and ")" in seps[lo]
                out.append((_Piece(groups, tuple(seps[lo:hi]), tuple(spans[lo:hi + 1])),
                            closed))
        lo = hi + 1
    return out


@lru_cache(maxsize=8192)
def analyse(cand: str, pre: str, lead_taint: bool, trail_taint: bool,
            region: str | None) -> tuple[Reading, ...]:
    """Every reading of a candidate. ``pre`` is what stands right before it: ``+``, ``(``,
    ``(+``, ``+(`` or nothing; the taints say an end group belongs to a time, a date or an
    amount glued on that side (``17:45 5512 3456``)."""
    plus = "+" in pre
    out: list[Reading] = []
    for piece, closed in _pieces(cand, "(" in pre):
        start = piece.spans[0][0]
        first = start == 0
        last = piece.spans[-1][1] == len(cand)
        if first and plus:
            found = _plus(piece, last and trail_taint, region)
        else:
            found = _mobile_ids(piece) if sum(len(g) for g in piece.groups) in (15, 16) else []
            found.extend(_national(piece, first and lead_taint, last and trail_taint, region))
        if found and found[0].start == start and (found[0].type == "phone" or plus):
            # The "+" and "(" before the first digit belong to the number that starts there;
            # a "(" only when closed after the first group: "(809) 555-0147", "(+502) 5512".
            include = (len(pre) if closed or "(" not in pre else len(pre) - 1 if pre[0] == "("
                       else 0) if first else int(closed)
            if include:
                found[0] = found[0]._replace(start=start - include)
        out.extend(found)
    # IMEI and IMSI readings first: the family looks at the first reading to know if any
    return tuple(sorted(out, key=lambda r: r.type == "phone"))


