"""Selector values for the synthetic corpus, each with the many ways people write it.

Every function takes a ``random.Random`` and returns a :class:`Frag`: the raw text as it would be
typed and the labels inside it (offsets relative to the fragment). The labelling convention is
documented in ``corpus_gen.py``. Values are generated valid (checksums computed with the
encoders of ``sabueso.extract.crypto``, phone numbers checked with ``phonenumbers``); the
look-alike functions generate the invalid twins used as distractors.
"""

from __future__ import annotations

import hashlib
import ipaddress
import random
from dataclasses import dataclass, field
from typing import Any

import phonenumbers

from sabueso.extract.crypto import (
    base58check_encode,
    eip55_checksum,
    monero_base58_encode,
    segwit_encode,
    validate,
)
from sabueso.extract.keccak import keccak256

Extra = dict[str, Any]


@dataclass(slots=True)
class Label:
    type: str
    value: str
    start: int
    end: int
    extra: Extra = field(default_factory=dict)


@dataclass(slots=True)
class Frag:
    """A piece of text and the labels inside it (offsets relative to ``text``)."""

    text: str
    labels: list[Label] = field(default_factory=list)

    def add(self, type_: str, value: str, start: int, end: int, **extra: Any) -> Frag:
        self.labels.append(Label(type_, value, start, end, extra))
        return self


def whole(text: str, type_: str, value: str, **extra: Any) -> Frag:
    return Frag(text).add(type_, value, 0, len(text), **extra)


def noise(text: str, kind: str) -> Frag:
    """A distractor: text that must not come out as any selector."""
    return Frag(text).add("noise", kind, 0, len(text))


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


# ---------------------------------------------------------------------------------------------
# Phones

# country -> (calling code, national number generators: (first digits, total length, weight))
PHONE_PLANS: dict[str, tuple[str, list[tuple[str, int, int]]]] = {
    "GT": ("502", [("345", 8, 8), ("2", 8, 2), ("67", 8, 1)]),
    "SV": ("503", [("67", 8, 8), ("2", 8, 2)]),
    "HN": ("504", [("389", 8, 8), ("2", 8, 2)]),
    "NI": ("505", [("578", 8, 8), ("2", 8, 2)]),
    "CR": ("506", [("5678", 8, 8), ("2", 8, 2)]),
    "PA": ("507", [("6", 8, 8), ("2379", 7, 2)]),
    "DO": ("1", [("809", 10, 5), ("829", 10, 3), ("849", 10, 2)]),
    "US": ("1", [("713|832|281|214|469|305|786|212|917|646|718|347|213|323|310|702|404|678"
                  "|703|571|202|301|617|312|773|210|512|602|480|916|408|415|619|206|503", 10, 1)]),
    "MX": ("52", [("55|33|81", 10, 6), ("222|998|664|656|961|999|477", 10, 4)]),
    "CO": ("57", [("30|31|32|35", 10, 8), ("601|604|602", 10, 2)]),
}
NANP = frozenset({"DO", "US"})
CA8 = frozenset({"GT", "SV", "HN", "NI", "CR"})
# International call prefix dialled from each region (ITU): CA and MX/CO use 00, NANP 011.
IDD = {"DO": "011", "US": "011"}


def _national(rng: random.Random, country: str) -> str:
    cc, plans = PHONE_PLANS[country]
    while True:
        first, length, _w = rng.choices(plans, weights=[p[2] for p in plans])[0]
        if "|" in first:
            head = rng.choice(first.split("|"))
        elif country in NANP:
            head = first
        else:
            head = rng.choice(first)
        if country in NANP:
            nsn = head + rng.choice("23456789") + digits(rng, 2) + digits(rng, 4)
            if nsn[3:6] == "555" or nsn[4:6] == "11":
                continue
        else:
            nsn = head + digits(rng, length - len(head))
        num = phonenumbers.parse("+" + cc + nsn)
        if phonenumbers.is_valid_number(num):
            return nsn


class PhonePool:
    """A fixed set of numbers per country, reused the way real contacts recur in a case."""

    def __init__(self, rng: random.Random, per_country: int = 300) -> None:
        self.numbers = {c: [_national(rng, c) for _ in range(per_country)] for c in PHONE_PLANS}

    def pick(self, rng: random.Random, country: str) -> str:
        pool = self.numbers[country]
        # a few numbers recur a lot (the dealer, the dispatcher), most rarely
        return pool[min(int(rng.paretovariate(1.2)) - 1, len(pool) - 1)] if rng.random() < .5 \
            else rng.choice(pool)


def e164(country: str, nsn: str) -> str:
    return "+" + PHONE_PLANS[country][0] + nsn


def _split8(n: str, rng: random.Random) -> str:
    style = rng.choices(["dash", "space", "plain", "dot", "pairs", "pairs_dash"],
                        weights=[40, 25, 18, 5, 8, 2])[0]
    if style == "dash":
        return f"{n[:4]}-{n[4:]}"
    if style == "space":
        return f"{n[:4]} {n[4:]}"
    if style == "dot":
        return f"{n[:4]}.{n[4:]}"
    if style == "pairs":
        return " ".join(n[i:i + 2] for i in range(0, 8, 2))
    if style == "pairs_dash":
        return "-".join(n[i:i + 2] for i in range(0, 8, 2))
    return n


def _split_local(country: str, n: str, rng: random.Random) -> str:
    if len(n) == 8:
        return _split8(n, rng)
    if len(n) == 7:  # Panama fixed lines
        return rng.choice([f"{n[:3]}-{n[3:]}", f"{n[:3]} {n[3:]}", n])
    if country in NANP:
        a, b, c = n[:3], n[3:6], n[6:]
        return rng.choices([f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"{a} {b} {c}",
                            n, f"({a}){b}-{c}", f"{a}-{b}{c}"],
                           weights=[30, 30, 8, 10, 10, 8, 4])[0]
    if country == "MX":
        if n[:2] in ("55", "33", "81"):
            return rng.choice([f"{n[:2]} {n[2:6]} {n[6:]}", f"({n[:2]}) {n[2:6]}-{n[6:]}",
                               f"{n[:2]}-{n[2:6]}-{n[6:]}", n])
        return rng.choice([f"{n[:3]} {n[3:6]} {n[6:]}", f"({n[:3]}) {n[3:6]} {n[6:]}", n])
    # CO
    return rng.choice([f"{n[:3]} {n[3:6]} {n[6:]}", f"{n[:3]} {n[3:]}", n,
                       f"{n[:3]}-{n[3:6]}-{n[6:]}"])


def phone(rng: random.Random, pool: PhonePool, region: str, country: str | None = None) -> Frag:
    """One phone number as it is written in a text of ``region``."""
    if country is None:
        r = rng.random()
        if r < .58:
            country = region
        elif r < .80:
            country = rng.choice(["GT", "SV", "HN", "NI", "CR", "PA"])
        else:
            country = rng.choice(["DO", "US", "US", "MX", "CO", "DO"])
    nsn = pool.pick(rng, country)
    cc = PHONE_PLANS[country][0]
    value = e164(country, nsn)
    local = _split_local(country, nsn, rng)
    own = country == region or (country in NANP and region in NANP)
    idd = IDD.get(region, "00")
    forms: list[tuple[str, int]] = [
        (f"+{cc} {local}", 30), (f"+{cc}{nsn}", 10), (f"+{cc}-{local}", 3),
        (f"(+{cc}) {local}", 4), (f"+({cc}) {local}", 2),
    ]
    if not own or country not in NANP:
        forms += [(f"{idd}{cc} {local}", 4), (f"{idd}{cc}{nsn}", 2)]
    if country not in NANP and region not in NANP:
        # without the +, "507 346 2958" is a NANP number to anyone in DO or the US
        forms += [(f"{cc} {local}", 3), (f"({cc}) {local}", 3), (f"{cc}-{local}", 1)]
    if country in NANP:
        forms += [(f"+1 ({nsn[:3]}) {nsn[3:6]}-{nsn[6:]}", 6),
                  (f"+1-{nsn[:3]}-{nsn[3:6]}-{nsn[6:]}", 4)]
    if own:
        forms += [(local, 120)]
        if country in NANP:
            forms += [(f"1-{nsn[:3]}-{nsn[3:6]}-{nsn[6:]}", 6),
                      (f"1 ({nsn[:3]}) {nsn[3:6]}-{nsn[6:]}", 3)]
        else:
            forms += [(f"{cc}{nsn}", 3)]
    raw = rng.choices([f for f, _ in forms], weights=[w for _, w in forms])[0]
    if rng.random() < .03:  # pasted from a web page or a contact card
        raw = raw.replace(" ", "\u00a0")
    return whole(raw, "phone", value, country=country)


def phone_valid_in(raw: str, region: str) -> str | None:
    """E.164 of ``raw`` read with ``region`` (or as international digits), else None."""
    for text, reg in ((raw, region), ("+" + raw.lstrip("0+"), None)):
        try:
            num = phonenumbers.parse(text, reg)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(num):
            return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    return None


# ---------------------------------------------------------------------------------------------
# IP addresses

V4_PREFIXES = ["190.148", "190.56", "181.114", "181.209", "200.124", "200.6", "186.151", "201.247",
               "179.50", "45.229", "152.231", "190.92", "190.113", "200.85", "168.232", "138.122",
               "177.93", "191.98", "104.21", "172.67", "185.220", "91.219", "8.8"]


def ipv4_value(rng: random.Random, public: bool = False) -> str:
    if not public and rng.random() < .15:
        return rng.choice(["192.168.1.", "192.168.0.", "10.0.0.",
                           "172.16.5."]) + str(rng.randrange(2, 254))
    p = rng.choice(V4_PREFIXES)
    rest = [str(rng.randrange(0, 256)) for _ in range(4 - len(p.split(".")))]
    rest[-1] = str(rng.randrange(1, 255))
    return ".".join([p, *rest])


def ipv4(rng: random.Random) -> Frag:
    ip = ipv4_value(rng)
    r = rng.random()
    if r < .07:
        parts = ip.split(".")
        if rng.random() < .6:
            raw = ".".join(parts[:3]) + "[.]" + parts[3]
        else:
            raw = ip.replace(".", "[.]")
        return whole(raw, "ipv4", ip)
    if r < .2:
        return Frag(ip + ":" + rng.choice(["8080", "443", "22", "3389", "1080"])).add("ipv4", ip, 0,
                                                                                      len(ip))
    return whole(ip, "ipv4", ip)


V6_PREFIXES = ["2800:", "2803:", "2806:", "2801:", "2804:", "2001:1388:", "2a03:2880:",
               "2607:f8b0:"]


def ipv6(rng: random.Random) -> Frag:
    pre = rng.choice(V6_PREFIXES)
    groups = [g for g in pre.split(":") if g]
    while len(groups) < 8:
        top = 0x10000 if rng.random() < .6 else 0x100
        groups.append(f"{rng.randrange(0, top):x}")
    if rng.random() < .5:  # a run of zeros to compress
        i = rng.randrange(2, 6)
        for j in range(i, min(8, i + rng.randrange(2, 4))):
            groups[j] = "0"
    addr = ipaddress.IPv6Address(":".join(groups))
    value = addr.compressed
    style = rng.random()
    if style < .55:
        raw = value
    elif style < .7:
        raw = addr.exploded
    elif style < .8:
        raw = value.upper()
    else:
        raw = ":".join(groups)
    if rng.random() < .1:
        return Frag(f"[{raw}]:{rng.choice(['443', '8080'])}").add("ipv6", value, 1, 1 + len(raw))
    return whole(raw, "ipv6", value)


# ---------------------------------------------------------------------------------------------
# Wallets


def _b58(rng: random.Random, version: int) -> str:
    return base58check_encode(bytes([version]) + rng.randbytes(20))


def _xmr(rng: random.Random, netbyte: int, extra: int) -> str:
    body = bytes([netbyte]) + rng.randbytes(64 + extra)
    return monero_base58_encode(body + keccak256(body)[:4])


def wallet_value(rng: random.Random, chain: str | None = None) -> tuple[str, str, str]:
    """(chain, raw as written, canonical value) for a valid address."""
    chain = chain or rng.choices(["btc", "eth", "trx", "ltc", "doge", "xmr"],
                                 weights=[30, 22, 28, 7, 5, 8])[0]
    if chain == "btc":
        kind = rng.choices(["p2pkh", "p2sh", "wpkh", "wsh", "tr"], weights=[30, 15, 40, 5, 10])[0]
        if kind == "p2pkh":
            raw = _b58(rng, 0x00)
        elif kind == "p2sh":
            raw = _b58(rng, 0x05)
        else:
            prog = rng.randbytes(20 if kind == "wpkh" else 32)
            raw = segwit_encode("bc", 1 if kind == "tr" else 0, prog)
            value = raw
            if rng.random() < .05:
                raw = raw.upper()
            return chain, raw, value
        return chain, raw, raw
    if chain == "eth":
        hex40 = rng.randbytes(20).hex()
        value = eip55_checksum(hex40)
        raw = value if rng.random() < .75 else "0x" + hex40
        return chain, raw, value
    if chain == "trx":
        raw = _b58(rng, 0x41)
        return chain, raw, raw
    if chain == "ltc":
        kind = rng.choice(["L", "M", "ltc1"])
        if kind == "ltc1":
            raw = segwit_encode("ltc", 0, rng.randbytes(20))
        else:
            raw = _b58(rng, 0x30 if kind == "L" else 0x32)
        return chain, raw, raw
    if chain == "doge":
        raw = _b58(rng, 0x1E if rng.random() < .9 else 0x16)
        return chain, raw, raw
    netbyte, extra = rng.choices([(18, 0), (42, 0), (19, 8)], weights=[70, 20, 10])[0]
    raw = _xmr(rng, netbyte, extra)
    return "xmr", raw, raw


class WalletPool:
    def __init__(self, rng: random.Random, size: int = 600) -> None:
        self.items = [wallet_value(rng) for _ in range(size)]
        self.by_chain: dict[str, list[tuple[str, str, str]]] = {}
        for item in self.items:
            self.by_chain.setdefault(item[0], []).append(item)
        self.fakes = [wallet_lookalike(rng, item) for item in self.items[:200]]

    def pick(self, rng: random.Random, chain: str | None = None) -> tuple[str, str, str]:
        return rng.choice(self.by_chain[chain] if chain else self.items)


def wallet(rng: random.Random, pool: WalletPool, chain: str | None = None) -> Frag:
    c, raw, value = pool.pick(rng, chain)
    extra = {"chain": c}
    if rng.random() < .05 and c == "btc":  # BIP-21 payment URI
        return Frag(f"bitcoin:{raw}?amount=0.0{rng.randrange(1, 9)}").add(c, value, 8, 8 + len(raw),
                                                                          **extra)
    return whole(raw, c, value, **extra)


_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def wallet_lookalike(rng: random.Random, item: tuple[str, str, str]) -> str:
    """The address with one character changed so that its checksum fails."""
    chain, raw, value = item
    if chain == "eth":
        raw = value  # the EIP-55 form: flipping the case of one letter breaks the checksum
    bech = raw[:3].lower() == "bc1" or raw[:4].lower() == "ltc1"
    while True:
        i = rng.randrange(5 if bech else 3, len(raw) - 1)
        ch = raw[i]
        if chain == "eth":
            if not ch.isalpha():
                continue
            new = ch.swapcase()
        elif bech:
            new = rng.choice("qpzry9x8gf2tvdw0s3jn54khce6mua7l")
            if raw.isupper():
                new = new.upper()
        else:
            new = rng.choice(_B58_ALPHABET)
        fake = raw[:i] + new + raw[i + 1:]
        if fake != raw and validate(fake) is None:
            return fake


# ---------------------------------------------------------------------------------------------
# IMEI / IMSI


def luhn_digit(payload: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(number: str) -> bool:
    return luhn_digit(number[:-1]) == number[-1]


TACS = ["35", "35", "35", "86", "86", "01", "49", "99"]


def imei_value(rng: random.Random) -> str:
    body = rng.choice(TACS) + digits(rng, 12)
    return body + luhn_digit(body)


def imei_format(rng: random.Random, v: str) -> str:
    return rng.choices([v, f"{v[:2]}-{v[2:8]}-{v[8:14]}-{v[14]}",
                        f"{v[:2]} {v[2:8]} {v[8:14]} {v[14]}",
                        f"{v[:8]}-{v[8:14]}-{v[14]}", f"{v[:6]} {v[6:8]} {v[8:14]} {v[14]}",
                        f"{v[:14]}/{v[14]}"],
                       weights=[60, 15, 10, 6, 5, 4])[0]


def imei(rng: random.Random) -> Frag:
    v = imei_value(rng)
    return whole(imei_format(rng, v), "imei", v)


def imei_lookalike(rng: random.Random) -> str:
    v = imei_value(rng)
    bad = str((int(v[-1]) + rng.randrange(1, 10)) % 10)
    return imei_format(rng, v[:-1] + bad)


MCC_MNC = {
    "GT": ["70401", "70402", "70403"], "SV": ["70601", "70602", "70603", "70604"],
    "HN": ["708001", "708002", "708030"], "NI": ["71021", "71030", "71073"],
    "CR": ["71201", "71202", "71203", "71204"], "PA": ["71401", "714020", "71403", "71404"],
    "DO": ["37001", "37002", "37004"], "MX": ["334020", "334050", "334030"],
    "CO": ["732101", "732103", "732123"], "US": ["310260", "310410", "311480", "312530", "316010"],
}


def imsi(rng: random.Random, region: str) -> Frag:
    country = region if rng.random() < .8 else rng.choice(list(MCC_MNC))
    head = rng.choice(MCC_MNC[country])
    v = head + digits(rng, 15 - len(head))
    return whole(v, "imsi", v, country=country)


# ---------------------------------------------------------------------------------------------
# Hashes (distractors)


def md5_hex(rng: random.Random, start1: bool = False) -> str:
    """An MD5 digest; with ``start1`` one that starts with ``1`` (peers read those as BTC)."""
    h = hashlib.md5(rng.randbytes(16)).hexdigest()
    return "1" + h[1:] if start1 else h


def sha1_hex(rng: random.Random) -> str:
    return hashlib.sha1(rng.randbytes(16)).hexdigest()


def sha256_hex(rng: random.Random) -> str:
    return hashlib.sha256(rng.randbytes(16)).hexdigest()
