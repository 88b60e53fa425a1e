"""Host names, IP addresses and URL paths: the validation half of the network family.

Everything here is pure and cached where it pays: the scanning half (``network.py``) finds
candidates with cheap triggers and asks these functions whether a candidate is real.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache

from sabueso.extract import psl

__all__ = [
    "CHAT_WORDS",
    "DOT_LOOSE",
    "DOT_STRICT",
    "FILE_TLDS",
    "FUNCTION_TLDS",
    "HOST_LOOSE",
    "HOST_STRICT",
    "KNOWN_HOSTS",
    "MAX_HOST",
    "SEP_LOOSE",
    "SEP_STRICT",
    "WORD_TLDS",
    "Covered",
    "after_last_dash",
    "bare_host_ok",
    "best_host",
    "domain_attrs",
    "first_dash",
    "host_start",
    "ipv4_value",
    "ipv6_value",
    "is_label_char",
    "labels_of",
    "split_labels",
    "trim_path",
]

MAX_HOST = 253

# Host names as written: labels and separators, plain or defanged (``[.]``, ``(dot)``); the
# loose form, for obfuscated e-mail addresses, also takes spaced ``.``, `` dot ``, `` punto ``.
# A label: possessive, since no separator starts with a label character.
_LABEL = r"[\w-]++"
DOT_STRICT = r"(?:\.|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\})"
DOT_LOOSE = (r"(?: ?(?:\.|\[ ?\. ?\]|\( ?\. ?\)|\{ ?\. ?\}|\[ ?(?:dot|punto) ?\]"
              r"|\( ?(?:dot|punto) ?\)|\{ ?(?:dot|punto) ?\}) ?| dot | punto )")
SEP_STRICT = re.compile(DOT_STRICT)
SEP_LOOSE = re.compile(DOT_LOOSE)
HOST_STRICT = re.compile(f"{_LABEL}(?:{DOT_STRICT}{_LABEL})*")
HOST_LOOSE = re.compile(f"{_LABEL}(?:{DOT_LOOSE}{_LABEL})+")
_TRAIL = frozenset(".,;:!?'*([{")

# Hosts accepted on their own however short or ambiguous their name is.
KNOWN_HOSTS = frozenset({
    "t.me", "wa.me", "fb.me", "m.me", "x.com", "t.co", "g.co", "bit.ly", "goo.gl", "ow.ly",
    "is.gd", "rb.gy", "v.gd", "cutt.ly", "tiny.cc", "wa.link", "linktr.ee", "youtu.be",
    "instagr.am", "paypal.me", "fb.watch", "fb.com", "tinyurl.com", "shorturl.at",
    "telegram.me", "telegram.dog", "vm.tiktok.com", "vt.tiktok.com", "s.id", "db.tt",
})
# Top-level domains that are also file extensions: never a bare host name on their own.
FILE_TLDS = frozenset({"zip", "mov", "py", "sh", "md", "rs", "pl", "ps", "so", "ml", "tf",
                        "run", "pub", "cab", "key", "page", "download", "cat", "ai",
                        "csv", "exe", "java", "json", "jpg", "pdf", "txt", "doc", "log"})
# Top-level domains that are Spanish or English function words: a sentence glued to the next
# one (``esto.es``, ``hola.soy``, ``voy.me``) reads as a host name. A bare host name under
# one needs a hyphen or a digit in its name (``premios-gt.es``), ``www.``, a scheme or a path.
FUNCTION_TLDS = frozenset({
    "al", "am", "as", "at", "be", "by", "de", "do", "es", "in", "is", "it", "la", "me", "my",
    "no", "se", "si", "so", "to", "us", "va", "ve", "soy", "you", "how", "now", "new"})
# Top-level domains that are words or abbreviations less often glued (``ni``, ``pa``, ``co``,
# ``sr``, ``casa``...): a bare host name under one is refused when its name is a common chat
# word (``bueno.co``, ``ya.ni``) or shorter than four letters.
WORD_TLDS = frozenset({
    "co", "id", "ir", "na", "ne", "ni", "nu", "pa", "pe", "pm", "re", "sa", "sr", "st", "su",
    "vi", "ma", "mo", "mu", "red", "uno", "casa", "men", "day", "win", "bar", "here", "moi",
    "dad", "mom", "fly", "buy", "fit", "ink", "gratis", "moda", "hoy", "ltd", "inc", "srl",
    "one", "top", "fun", "love", "live", "life"})
CHAT_WORDS = frozenset({
    "bueno", "buena", "buenas", "buenos", "listo", "lista", "ok", "okay", "oki", "okey", "ya",
    "si", "no", "gracias", "vale", "sale", "voy", "vamos", "perdon", "dale", "pues", "hola",
    "bien", "claro", "nada", "igual", "exacto", "eso", "esto", "esa", "ese", "asi", "ahi", "aqui",
    "alla", "alli", "entonces", "tambien", "jaja", "jajaja", "jeje", "mañana", "luego", "despues",
    "ahorita", "ahora", "nunca", "siempre", "todo", "toda", "nadie", "seguro", "verdad", "cierto",
    "obvio", "porfa", "please", "thanks", "yes", "yeah", "sure", "well", "right", "good", "great",
    "fine", "cool", "done", "bye", "adios", "chao", "saludos", "besos", "casa", "mano", "bro",
    "amigo", "amiga", "hermano", "mae", "vos", "usted", "yo", "tu", "el", "ella", "que", "como",
    "cuando", "donde", "porque", "pero", "mas", "menos", "muy", "poco", "mucho", "hoy", "ayer",
    "tarde", "noche", "dia", "rato", "vez", "algo", "alguien", "quien", "cual", "solo", "sola",
    "mal", "mejor", "peor", "nos", "les", "se", "me", "te", "lo", "la", "le", "los", "las", "un",
    "una", "uno", "dos", "tres", "the", "and", "you", "that", "this", "it", "is", "was", "for",
    "not", "but", "what", "with", "have", "are", "all"
})
def is_label_char(c: str) -> bool:
    return c.isalnum() or c == "-" or c == "_"


# A host name read backwards: labels and separators reversed (``[.]`` reads ``].[``). Python's
# ``re`` only matches forwards; matching the reversed text before a trigger finds where the
# host starts in C instead of a character-by-character loop.
_HOST_BACK = re.compile(r"[\w-]+(?:(?:\.|\]\.\[|\)\.\(|\}\.\{|\]tod\[|\)tod\(|\}tod\{)[\w-]+)*")


def host_start(low: str, t: int) -> int:
    """Start of the host name whose separator before the top-level domain is at ``t``:
    back over labels and separators (``.``, ``[.]``...), at most a host name's length."""
    lo = max(0, t - MAX_HOST)
    m = _HOST_BACK.match(low[lo:t][::-1])
    return t - m.end() if m is not None else t


class Covered:
    """Spans already claimed by a URL or an e-mail address."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, start: int, end: int) -> None:
        at = bisect_right(self.starts, start)
        self.starts.insert(at, start)
        self.ends.insert(at, end)

    def inside(self, pos: int) -> bool:
        at = bisect_right(self.starts, pos) - 1
        return at >= 0 and pos < self.ends[at]


def split_labels(low: str, start: int, end: int,
                 sep: re.Pattern[str]) -> list[tuple[int, int]]:
    """Label spans of the host written in ``low[start:end]``, separators matched by ``sep``."""
    out: list[tuple[int, int]] = []
    pos = start
    chunk = low[start:end]
    if "[" not in chunk and "(" not in chunk and "{" not in chunk and " " not in chunk:
        for part in chunk.split("."):
            out.append((pos, pos + len(part)))
            pos += len(part) + 1
        return out
    for m in sep.finditer(low, start, end):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, end))
    return out


def _glued(labels: tuple[str, ...]) -> bool:
    """``hola.Soy``: a lower-case word, a dot and a capitalised word start a new sentence."""
    last = labels[-1]
    return (len(last) > 1 and last[0].isupper() and last[1:].islower()
            and any(lab.islower() for lab in labels[:-1]))


@lru_cache(maxsize=8192)
def best_host(labels: tuple[str, ...]) -> tuple[int, psl.Registrable] | None:
    """The longest leading run of ``labels`` (as written) that is a host name with a
    registrable domain, as (number of labels, registrable)."""
    for k in range(len(labels), 1, -1):
        head = labels[:k]
        if _glued(head):
            continue
        if any(not lab or len(lab) > 63 or "_" in lab or lab[0] == "-" or lab[-1] == "-"
               for lab in head):
            continue
        reg = psl.registrable(".".join(head).lower())
        if reg is not None:
            return k, reg
    return None


@lru_cache(maxsize=8192)
def ipv4_value(labels: tuple[str, ...]) -> str | None:
    if len(labels) != 4 or not all(lab.isascii() and lab.isdigit() and len(lab) <= 3
                                   for lab in labels):
        return None
    octets = [int(lab) for lab in labels]
    if any(o > 255 for o in octets):
        return None
    return ".".join(map(str, octets))


@lru_cache(maxsize=8192)
def ipv6_value(text: str) -> str | None:
    try:
        addr = ipaddress.IPv6Address(text)
    except ValueError:
        return None
    if text != "::1":
        # ``fe80::1``, ``2001:db8::``; not ``a::b``, ``abc::def`` (code) or ``::`` alone.
        groups = [g for g in text.split(":") if g]
        if len(groups) < 2 or (len(groups) < 3 and (
                max(len(g) for g in groups) < 3 or not any(c.isdigit() for c in text))):
            return None
    mapped = addr.ipv4_mapped
    return f"::ffff:{mapped}" if mapped is not None else addr.compressed


def trim_path(low: str, start: int, end: int) -> int:
    """End of a URL path ``low[start:end]`` without trailing punctuation and without the first
    closing bracket that has no opening partner inside the path (and what follows it)."""
    if end > start and low[end - 1] not in _TRAIL and ")" not in low[start:end] and (
            "]" not in low[start:end]):
        return end
    depth = {")": 0, "]": 0}
    for i in range(start, end):
        c = low[i]
        if c == "(":
            depth[")"] += 1
        elif c == "[":
            depth["]"] += 1
        elif c in depth:
            if depth[c] == 0:
                end = i
                break
            depth[c] -= 1
    while end > start and low[end - 1] in _TRAIL:
        end -= 1
    return end


def bare_host_ok(labels: tuple[str, ...], reg: psl.Registrable, www: bool,
                 path_len: int) -> bool:
    """Whether a host written without a scheme names a host (and is not a file name, an
    abbreviation or two sentences glued by a period)."""
    host = reg.host[4:] if reg.host.startswith("www.") else reg.host
    if host in KNOWN_HOSTS or reg.domain in KNOWN_HOSTS:
        return True
    if www:
        return len(labels) >= 3
    if len(reg.domain.split(".", 1)[0]) < 2:
        return False
    last = labels[-1]
    if (len(last) > 1 and last[0].isupper() and not last.isupper()
            and last.lower() not in ("com", "net", "org")):
        return False  # ``Dr.House``, ``Ing.Software``: a title and a name, not a host
    tld = reg.suffix.rsplit(".", 1)[-1]
    if "." in reg.suffix:
        return True
    if tld in FILE_TLDS:
        return False
    name = labels[-2].lower()  # the registrable label as written (not in punycode)
    if tld not in FUNCTION_TLDS and tld not in WORD_TLDS:
        return True
    # ``premios-gt.es``, ``tienda24.me``: not words glued by a full stop (``7ok.si`` is a
    # number glued to one).
    if "-" in name or (name[0].isalpha() and any(c.isdigit() for c in name)):
        return True
    written = ".".join(labels)
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    wordy = len(name) < 4 or plain in CHAT_WORDS
    if (path_len >= 4 and (written.islower() or written.isupper())) or len(labels) >= 3:
        return not wordy  # ``elpais.es/noticias``, ``app.ofertasclub.me``
    return tld in WORD_TLDS and not wordy


_TYPO_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")


def first_dash(original: str, start: int, end: int) -> int:
    """Position of the first typographic dash (``—``, ``–``...) in ``original[start:end]``, or
    ``end``. ``prepare`` turns them into ``-``, but no host name or address contains one: it
    ends the identifier (``https://x.com/a—gracias``)."""
    if original[start:end].isascii():
        return end
    for i in range(start, end):
        if original[i] in _TYPO_DASHES:
            return i
    return end


def after_last_dash(original: str, start: int, end: int) -> int:
    """Position after the last typographic dash in ``original[start:end]``, or ``start``."""
    if original[start:end].isascii():
        return start
    for i in range(end - 1, start - 1, -1):
        if original[i] in _TYPO_DASHES:
            return i + 1
    return start


def labels_of(clean: str, spans: list[tuple[int, int]]) -> tuple[str, ...]:
    if len(spans) == 2:
        return clean[spans[0][0]:spans[0][1]], clean[spans[1][0]:spans[1][1]]
    return tuple(clean[a:b] for a, b in spans)


def domain_attrs(reg: psl.Registrable) -> dict[str, str]:
    attrs = {"host": reg.host}
    if reg.private:
        attrs["private_domain"] = reg.private
    return attrs
