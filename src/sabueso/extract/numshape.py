"""The shape of a run of digit groups: what a number written this way usually is.

A candidate is a sequence of digit groups and the separators between them (``5512-3456`` is
``("5512", "3456")`` with ``("-",)``). Some shapes are never phone numbers whatever their
digits (a date ``2025-03-12``, an IP address, a card number in fours, a Panamanian cédula
``8-123-4567``, a tax number with its check digit ``1234567-8``); some are phone numbers only
when a label says so (thousands ``25.000.000``, a compact date ``20250312``, a round number).
"""

from __future__ import annotations

__all__ = ["OK", "REJECT", "WEAK", "is_date", "shape"]

OK = 0
WEAK = 1
REJECT = 2


def _day_month(a: str, b: str) -> bool:
    x, y = int(a), int(b)
    return (1 <= x <= 31 and 1 <= y <= 12) or (1 <= x <= 12 and 1 <= y <= 31)


def is_date(groups: tuple[str, ...]) -> bool:
    """``12-03-2025``, ``2025.03.12``, ``12 03 2025``: three groups that read as a date."""
    if len(groups) != 3:
        return False
    a, b, c = groups
    if len(a) <= 2 and len(b) <= 2 and len(c) == 4:
        return _day_month(a, b) and 1900 <= int(c) <= 2099
    if len(a) == 4 and len(b) <= 2 and len(c) <= 2:
        return 1900 <= int(a) <= 2099 and 1 <= int(b) <= 12 and 1 <= int(c) <= 31
    if len(a) <= 2 and len(b) <= 2 and len(c) == 2:
        return _day_month(a, b)
    return False


def _compact_date(d: str) -> bool:
    """``20250312`` or ``12032025``: eight digits that read as a date of this era."""
    if len(d) != 8:
        return False
    if 1950 <= int(d[:4]) <= 2039 and 1 <= int(d[4:6]) <= 12 and 1 <= int(d[6:]) <= 31:
        return True
    return 1950 <= int(d[4:]) <= 2039 and _day_month(d[:2], d[2:4])


def shape(groups: tuple[str, ...], seps: tuple[str, ...]) -> int:
    """OK, WEAK (a phone only with a phone label) or REJECT (never a phone) for a run of
    digit groups written without an international prefix."""
    lens = tuple(len(g) for g in groups)
    n = sum(lens)
    k = len(groups)
    if max(lens) > 15:
        return REJECT
    if k == 1:
        if n >= 13:
            return REJECT  # card numbers, DPI, CUI: longer than any national number
        d = groups[0]
        if _compact_date(d) or d.endswith("00000") or d.count(d[0]) == n:
            return WEAK
        return OK
    sep = seps[0] if all(s == seps[0] for s in seps) else None
    if k == 4 and sep == "." and max(lens) <= 3 and all(int(g) <= 255 for g in groups):
        return REJECT  # an IPv4 address
    if sep in ("-", ".", " ", "/") and is_date(groups):
        return REJECT
    if k == 2 and lens == (4, 4) and all(1900 <= int(g) <= 2099 for g in groups):
        return REJECT  # a range of years: 2020-2025
    if seps[-1] == "." and lens[-1] <= 2 and lens[-2] >= 3:
        return REJECT  # decimals: 55123456.00
    if k == 2 and sep == "." and lens[0] <= 3 and lens[1] >= 4:
        return REJECT  # a decimal or a coordinate: 14.634912
    if seps[-1] == "-" and lens[-1] == 1:
        return REJECT  # a check digit: NIT 1234567-8, DUI 01234567-8, RNC, RUC, cédula DR
    if (k == 3 and sep == "-" and lens[0] <= 2 and 1 <= int(groups[0]) <= 13
            and lens[1] <= 4 and 3 <= lens[2] <= 6):
        return REJECT  # cédula of Panama (8-123-4567) or Costa Rica (1-1234-0567)
    if 13 <= n <= 19 and ((sep is not None and all(x == 4 for x in lens[:-1]))
                          or lens in ((4, 6, 5), (4, 6, 4))):
        return REJECT  # a payment card
    if n == 13 and lens in ((4, 5, 4), (4, 4, 5)):
        return REJECT  # DPI of Guatemala, DNI of Honduras
    if k >= 3 and sep in (".", " ") and lens[0] <= 3 and all(x == 3 for x in lens[1:]):
        return WEAK  # thousands: 25.000.000, 2 500 000
    digits = "".join(groups)
    if digits.endswith("00000") or digits.count(digits[0]) == n:
        return WEAK
    return OK
