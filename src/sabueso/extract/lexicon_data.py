"""Loading and validation of the drug-trade lexicon files in ``data/lexicon/``.

``es.tsv``, ``en.tsv`` and ``emoji.tsv`` hold the terms (one :class:`Entry` a row),
``signals.tsv`` the context words (:class:`Signal`) and ``sources.tsv`` the citations every row
names. The format is in ``docs/lexicon.md``; a malformed row raises :class:`LexiconError` naming
the file and line. Matching and the context rule are in :mod:`sabueso.extract.lexicon`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

__all__ = [
    "AMBIGUITY",
    "CATEGORIES",
    "LANGS",
    "SIGNAL_FILE",
    "SIGNAL_KINDS",
    "SOURCE_FILE",
    "SUBSTANCES",
    "TERM_FILES",
    "TRADE",
    "Entry",
    "LexiconError",
    "Signal",
    "load_entries",
    "load_signals",
    "load_sources",
]

SUBSTANCES: frozenset[str] = frozenset({
    "cocaine", "crack", "marijuana", "heroin", "methamphetamine", "mdma", "pills",
    "psilocybin", "lean", "tusi", "fentanyl", "ketamine", "lsd", "inhalant", "generic",
})
TRADE: frozenset[str] = frozenset({"dealing", "quantity", "money", "trafficker", "potency"})
CATEGORIES: frozenset[str] = SUBSTANCES | TRADE
LANGS: tuple[str, ...] = ("es", "en", "emoji")
AMBIGUITY: tuple[str, ...] = ("none", "some", "high")
SIGNAL_KINDS: tuple[str, ...] = ("drug", "dose", "unit", "sell", "weak")
TERM_FILES: tuple[str, ...] = ("es.tsv", "en.tsv", "emoji.tsv")
SIGNAL_FILE = "signals.tsv"
SOURCE_FILE = "sources.tsv"

_VS16 = "\ufe0f"
_ACCENTS = str.maketrans("áéíóúüàèìòù", "aeiouuaeiou")


class LexiconError(ValueError):
    """A malformed row in a lexicon file; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon row: ``term`` as written, ``value`` the canonical term reported."""

    term: str
    value: str
    category: str
    lang: str
    regions: tuple[str, ...]
    ambiguity: str
    sources: tuple[str, ...]
    after: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    where: str = ""
    attrs: dict[str, str] = field(default_factory=dict, compare=False)
    attrs_context: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def key(self) -> str:
        """The form matched: lower case, without emoji variation selectors."""
        return self.term.lower().replace(_VS16, "")

    @property
    def trade(self) -> bool:
        return self.category in TRADE


@dataclass(frozen=True, slots=True)
class Signal:
    """A context word: never reported, it confirms ambiguous terms near it."""

    term: str
    kind: str
    lang: str
    source: str


def _rows(name: str, columns: tuple[int, int]) -> Iterator[tuple[str, list[str]]]:
    text = (resources.files("sabueso.extract") / "data" / "lexicon" / name).read_text("utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        where = f"{name}:{number}"
        if cols[0] in ("term", "key"):
            continue  # the header row
        if not columns[0] <= len(cols) <= columns[1]:
            raise LexiconError(f"{where}: expected {columns[0]}-{columns[1]} tab-separated "
                               f"columns, found {len(cols)}")
        yield where, cols


def _latin1(term: str) -> bool:
    return max(term) < "\u0100" and "?" not in term


def _check(where: str, ok: bool, what: str) -> None:
    if not ok:
        raise LexiconError(f"{where}: {what}")


def _entry(where: str, cols: list[str], lang_of_file: str) -> Entry:
    term, value, category, lang, regions, ambiguity, source = cols[:7]
    block = cols[7] if len(cols) > 7 else ""
    _check(where, bool(term) and bool(value), "empty term or value")
    _check(where, category in CATEGORIES, f"unknown category {category!r}")
    _check(where, lang in LANGS and lang == lang_of_file, f"lang {lang!r} in the wrong file")
    _check(where, ambiguity in AMBIGUITY, f"ambiguity must be one of {AMBIGUITY}")
    _check(where, bool(source), "no source")
    _check(where, lang == "emoji" or term == term.lower(), "terms are written in lower case")
    _check(where, len(term.replace(_VS16, "")) == 1 if lang == "emoji" else _latin1(term),
           "an emoji term is one code point (and U+FE0F); a word term is Latin-1 text")
    after: list[str] = []
    before: list[str] = []
    for item in filter(None, (b.strip() for b in block.split(";"))):
        _check(where, item[0] in "+-" and len(item) > 1, f"block entry {item!r} needs + or -")
        (after if item[0] == "+" else before).append(item[1:].strip().translate(_ACCENTS))
    region_list = tuple(r for r in regions.replace(" ", "").split(",") if r)
    _check(where, all(len(r) == 2 and r.isupper() for r in region_list), "regions: ISO codes")
    if lang == "emoji":
        value = value.replace(_VS16, "")  # the canonical emoji is its base code point
    base = {"category": category, "lang": lang}
    return Entry(term, value, category, lang, region_list, ambiguity,
                 tuple(s for s in source.replace(" ", "").split(",") if s),
                 tuple(after), tuple(before), where,
                 {**base, "confidence": "high"}, {**base, "confidence": "context"})


@lru_cache(maxsize=1)
def load_sources() -> dict[str, str]:
    """Source key -> citation, from ``sources.tsv``."""
    return {cols[0]: cols[1] for _, cols in _rows(SOURCE_FILE, (2, 2))}


@lru_cache(maxsize=1)
def load_entries() -> tuple[Entry, ...]:
    """Every lexicon row, validated; raises :class:`LexiconError` naming the bad line."""
    out: list[Entry] = []
    seen: dict[str, str] = {}
    sources = load_sources()
    for name in TERM_FILES:
        for where, cols in _rows(name, (7, 8)):
            entry = _entry(where, cols, name.removesuffix(".tsv"))
            unknown = [s for s in entry.sources if s not in sources]
            _check(where, not unknown, f"source {unknown} not in {SOURCE_FILE}")
            _check(where, entry.key not in seen, f"duplicate term (first at {seen.get(entry.key)})")
            seen[entry.key] = where
            out.append(entry)
    return tuple(out)


@lru_cache(maxsize=1)
def load_signals() -> tuple[Signal, ...]:
    """The context words of ``signals.tsv``, validated."""
    out: list[Signal] = []
    for where, cols in _rows(SIGNAL_FILE, (4, 4)):
        term, kind, lang, source = cols
        _check(where, bool(term) and term == term.lower(), "empty or upper-case term")
        _check(where, len(term.replace(_VS16, "")) == 1 if lang == "emoji" else _latin1(term),
               "an emoji signal is one code point; a word signal is Latin-1 text")
        _check(where, kind in SIGNAL_KINDS, f"kind must be one of {SIGNAL_KINDS}")
        _check(where, lang in LANGS, f"unknown lang {lang!r}")
        _check(where, source in load_sources(), f"source {source!r} not in {SOURCE_FILE}")
        out.append(Signal(term, kind, lang, source))
    return tuple(out)
