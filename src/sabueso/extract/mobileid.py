"""IMEI and IMSI: the checks that tell a handset or SIM identifier from any 15-digit number.

An IMEI is 8 digits of TAC (type allocation code, whose first two digits are the reporting
body), 6 of serial number and a Luhn check digit; an IMEISV replaces the check digit with two
software-version digits. An IMSI is a mobile country code (MCC, 3 digits), a network code
(MNC, 2 or 3 digits) and the subscriber number, 15 digits in all, with no check digit: only
the MCC and MNC can be checked, against the operators of the region this project serves.
"""

from __future__ import annotations

__all__ = [
    "IMEI_BOUNDARIES",
    "IMSI_BOUNDARIES",
    "imei_from_imeisv",
    "imei_plausible",
    "imsi_parts",
    "luhn_check_digit",
    "luhn_valid",
]

# Reporting bodies that allocate TACs (GSMA): the first two digits of every IMEI in use. Most
# handsets on the market carry 35, 86, 01 or 99 (test); the rest are allocated but rarer.
_RBI = frozenset({"01", "10", "30", "33", "35", "44", "45", "49", "50", "51", "52", "53", "54",
                  "86", "91", "98", "99"})

# Where people split an IMEI (2-6-6-1, 8-6-1, 6-2-6-1 in old TAC+FAC notation) or an IMSI
# (MCC-MNC-MSIN): a grouped number is read as one only when its group ends fall here.
IMEI_BOUNDARIES = frozenset({2, 6, 8, 14})
IMSI_BOUNDARIES = frozenset({3, 5, 6})

# MCC -> (ISO country, known MNCs). Two-digit MNCs are listed as such; the MNC length is the
# operator's. The United States (310-316) have hundreds of three-digit MNCs: any is accepted.
_MCC: dict[str, tuple[str, frozenset[str]]] = {
    "704": ("GT", frozenset({"01", "02", "03"})),
    "706": ("SV", frozenset({"01", "02", "03", "04", "05"})),
    "708": ("HN", frozenset({"001", "002", "030", "040"})),
    "710": ("NI", frozenset({"21", "30", "73"})),
    "712": ("CR", frozenset({"01", "02", "03", "04", "20"})),
    "714": ("PA", frozenset({"01", "020", "03", "04"})),
    "370": ("DO", frozenset({"01", "02", "03", "04"})),
    "334": ("MX", frozenset({"010", "020", "030", "040", "050", "060", "066", "070", "080",
                             "090", "100", "110", "120", "130", "140", "150", "160", "170",
                             "180", "190"})),
    "732": ("CO", frozenset({"001", "002", "003", "004", "020", "099", "101", "102", "103",
                             "111", "123", "130", "142", "154", "165", "176", "187", "199",
                             "208", "210", "220", "230", "240", "250", "260", "270", "280",
                             "290", "300", "319", "320", "330", "340", "341", "350", "360",
                             "370", "380", "390"})),
}
_US_MCC = frozenset({"310", "311", "312", "313", "314", "315", "316"})


def luhn_valid(digits: str) -> bool:
    """Whether the Luhn (mod 10) check holds over ``digits`` (ASCII digits only)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i & 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def luhn_check_digit(body: str) -> str:
    """The digit that makes ``body + digit`` Luhn-valid."""
    for d in "0123456789":
        if luhn_valid(body + d):
            return d
    raise AssertionError("unreachable: one of ten digits always completes a Luhn sum")


def imei_plausible(digits: str) -> bool:
    """A 15-digit Luhn-valid number whose TAC starts with an allocated reporting body."""
    return len(digits) == 15 and digits[:2] in _RBI and luhn_valid(digits)


def imei_from_imeisv(digits: str) -> str:
    """The IMEI of a 16-digit IMEISV: its TAC and serial number plus the Luhn check digit."""
    body = digits[:14]
    return body + luhn_check_digit(body)


def imsi_parts(digits: str) -> tuple[str, str, str] | None:
    """``(mcc, mnc, country)`` when the 15 digits start with a known MCC and MNC, else None."""
    if len(digits) != 15:
        return None
    mcc = digits[:3]
    if mcc in _US_MCC:
        return mcc, digits[3:6], "US"
    known = _MCC.get(mcc)
    if known is None:
        return None
    country, mncs = known
    for size in (2, 3):
        if digits[3:3 + size] in mncs:
            return mcc, digits[3:3 + size], country
    return None
