"""The extraction contract: what a hit is, what a family of extractors must provide.

A *family* finds one group of selector types (network identifiers, phone-like numbers, wallets,
the drug lexicon) in a :class:`Prepared` text and yields :class:`Hit` values. Families never see
files, databases or each other; the engine (``engine.py``) prepares the text, runs the families
the caller asked for, resolves overlaps and streams large inputs in blocks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

__all__ = [
    "ALL_TYPES",
    "WALLET_TYPES",
    "Context",
    "Family",
    "Hit",
    "Prepared",
    "make_hit",
    "prepare",
    "shift_fresh",
]

WALLET_TYPES: frozenset[str] = frozenset({"btc", "eth", "trx", "ltc", "doge", "xmr"})

# Output order of types in listings and the stable list the CLI validates ``--types`` against.
ALL_TYPES: tuple[str, ...] = (
    "phone", "email", "url", "domain", "ipv4", "ipv6",
    "btc", "eth", "trx", "ltc", "doge", "xmr",
    "imei", "imsi", "handle", "drug_term",
)


@dataclass(frozen=True, slots=True)
class Hit:
    """One identifier found in a text: ``text[start:end] == raw`` and ``value`` is canonical.

    ``attrs`` holds the per-type attributes (``country``, ``carrier``, ``number_type`` for
    phones; ``chain``, ``script_type`` for wallets; ``platform`` for handles; ``category`` and
    ``lang`` for lexicon terms). ``derived`` marks a hit read out of another one (the domain of
    a URL, the phone of a ``wa.me`` link) rather than matched on its own.
    """

    type: str
    value: str
    raw: str
    start: int
    end: int
    attrs: Mapping[str, str] = field(default_factory=dict)
    derived: bool = False

    def shifted(self, offset: int) -> Hit:
        """The same hit with its offsets moved by ``offset`` characters."""
        return make_hit(self.type, self.value, self.raw, self.start + offset,
                        self.end + offset, self.attrs, self.derived)

    def as_dict(self) -> dict[str, object]:
        """Stable JSON shape: type, value, raw, start, end, then the attributes by name."""
        out: dict[str, object] = {"type": self.type, "value": self.value, "raw": self.raw,
                                  "start": self.start, "end": self.end}
        for key in sorted(self.attrs):
            out[key] = self.attrs[key]
        return out


_new_object = object.__new__
(_set_type, _set_value, _set_raw, _set_start, _set_end, _set_attrs, _set_derived) = (
    Hit.__dict__[name].__set__
    for name in ("type", "value", "raw", "start", "end", "attrs", "derived"))


def make_hit(type_: str, value: str, raw: str, start: int, end: int,
             attrs: Mapping[str, str], derived: bool) -> Hit:
    """``Hit(type_, value, raw, start, end, attrs, derived)``, built in half the time: the
    dataclass ``__init__`` of a frozen class sets each field through ``object.__setattr__``.
    For the engine's bulk copies (offsets moved, hits back from worker processes)."""
    hit = _new_object(Hit)
    _set_type(hit, type_)
    _set_value(hit, value)
    _set_raw(hit, raw)
    _set_start(hit, start)
    _set_end(hit, end)
    _set_attrs(hit, attrs)
    _set_derived(hit, derived)
    return hit


def _hit_init(self: Hit, type: str, value: str, raw: str, start: int, end: int,
              attrs: Mapping[str, str] | None = None, derived: bool = False) -> None:
    """The generated ``Hit.__init__`` with the same fields and defaults (``attrs`` a new empty
    dict), setting the slots through their descriptors: the families build every hit through
    it, and the generated one calls ``object.__setattr__`` once per field (twice the time)."""
    _set_type(self, type)
    _set_value(self, value)
    _set_raw(self, raw)
    _set_start(self, start)
    _set_end(self, end)
    _set_attrs(self, {} if attrs is None else attrs)
    _set_derived(self, derived)


Hit.__init__ = _hit_init  # type: ignore[method-assign]


def shift_fresh(hits: list[Hit], offset: int) -> list[Hit]:
    """Move the offsets of ``hits`` by ``offset`` characters *in place* and return them. Only
    for hits nobody else holds yet (the engine's own, just made by the families for one
    window): a frozen hit that has been handed out must be copied (:meth:`Hit.shifted`)."""
    if offset:
        for hit in hits:
            _set_start(hit, hit.start + offset)
            _set_end(hit, hit.end + offset)
    return hits


@dataclass(frozen=True, slots=True)
class Context:
    """What the caller knows about the text.

    ``region`` is the ISO 3166-1 alpha-2 country (upper case) used to read local phone forms;
    ``None`` means only international forms (``+``, ``00``) can be read. ``types`` restricts
    the output; families whose types are all excluded are not run.
    """

    region: str | None = None
    types: frozenset[str] = frozenset(ALL_TYPES)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A text ready for matching, with offsets identical to the original.

    ``clean`` has invisible format characters and exotic spaces replaced by a plain space,
    typographic dashes by ``-`` and full-width digits by ASCII digits: every replacement is one
    character for one character, so an offset in ``clean`` is an offset in ``original``.
    ``lower`` is ``clean`` in lower case, again of the same length.
    """

    original: str
    clean: str
    lower: str
    _latin1: bytes | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def latin1(self) -> bytes:
        """``lower`` as Latin-1 bytes, one byte per character (``?`` for any character
        outside Latin-1), computed once: byte-level scans (a translated mask searched with
        ``bytes.find``, an Aho-Corasick automaton) run on it with the same offsets."""
        data = self._latin1
        if data is None:
            data = self.lower.encode("latin-1", "replace")
            object.__setattr__(self, "_latin1", data)
        return data


class Family(Protocol):
    """A group of extractors. ``types`` lists every type the family may emit."""

    name: str
    types: frozenset[str]

    def scan(self, text: Prepared, ctx: Context) -> Iterable[Hit]:
        """Yield the hits in ``text`` (any order; the engine sorts and resolves overlaps)."""
        ...


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    # Format and invisible characters common in chat exports (LRM/RLM, bidi embeddings and
    # isolates, zero-width space/joiners, word joiner, BOM, soft hyphen) and exotic spaces.
    invisible = [0x00AD, 0x061C, 0x180E, *range(0x200B, 0x2010), *range(0x202A, 0x202F),
                 *range(0x2060, 0x2065), *range(0x2066, 0x206A), 0xFEFF]
    spaces = [0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000]
    for cp in (*invisible, *spaces):
        table[cp] = " "
    for cp in (*range(0x2010, 0x2016), 0x2212, 0xFE58, 0xFE63, 0xFF0D):
        table[cp] = "-"
    for i in range(10):
        table[0xFF10 + i] = str(i)
    table[0xFF0B] = "+"
    table[0xFF20] = "@"
    table[0xFF0E] = "."
    table[0x3002] = "."
    table[0xFF08] = "("
    table[0xFF09] = ")"
    table[0xFF3B] = "["
    table[0xFF3D] = "]"
    return table


_TABLE = _build_table()
_SPECIAL = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_TABLE)) + "]")


def _lower_same_length(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # A few characters (such as U+0130) lower to two code points: keep those as they are.
    return "".join(ch if len(low := ch.lower()) != 1 else low for ch in text)


def _clean(text: str) -> str:
    """``text`` with the characters of ``_TABLE`` replaced: one ``str.replace`` per distinct
    character present (chat exports repeat the same few: U+202F, U+00A0, U+200E) instead of
    a Python call per occurrence. Each search goes on from where the last character replaced
    was first found (no replacement is itself in the table), so the text is scanned once."""
    if text.isascii():
        return text
    m = _SPECIAL.search(text)
    while m is not None:
        ch = m.group()
        text = text.replace(ch, _TABLE[ord(ch)])
        m = _SPECIAL.search(text, m.start())
    return text


def prepare(text: str) -> Prepared:
    """Return ``text`` prepared for matching (see :class:`Prepared`)."""
    clean = _clean(text)
    return Prepared(text, clean, _lower_same_length(clean))


def hits_of_types(hits: Iterable[Hit], types: frozenset[str]) -> list[Hit]:
    """Keep the hits whose type is in ``types``."""
    return [h for h in hits if h.type in types]
