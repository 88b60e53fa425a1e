"""Drug-trade language: Spanish regional slang, English slang and DEA emoji codes.

The lexicon lives in ``data/lexicon/*.tsv`` (one term per line, see ``docs/lexicon.md``), read
and validated by :mod:`sabueso.extract.lexicon_data`. Each term has an *ambiguity* that decides
when it is reported:

``none``
    always (``cocaína``, ``mota``, ``tusi``, ``traqueto``).
``some``
    words with an everyday sense as well (``perico``, a parakeet; ``coca``; ``molly``) only with
    support in the term's message: a drug anchor (below), a selling word (``vendo``,
    ``envíos``, ``precio``), a price (``Q150``), a trade quantity (``1 oz``, ``onza``), a
    contact (a phone number written in the text, ``wa.me/``), a common verb such as
    ``hay``/``tengo``/``necesito`` within a few words on the term's line, or another ``some``
    term naming another substance (``ecstasy gone, only oxy left``).
``high``
    ordinary words and everyday emoji (``hielo``, ``nieve``, ``pollo``, ``ice``, ❄️, 🎄) only
    next to a *drug anchor* (a confirmed unambiguous term or a ``some`` term confirmed by an
    anchor, a dealer term or 🔌, a drug word from ``signals.tsv`` such as ``fumar``, a dose such
    as ``2g``, ``el gramo``, ``bolsitas``), or with two different kinds of trade context (a
    selling word or a contact; a price or quantity; another drug term: one of another category,
    or a ``some`` term), at least one of them in the term's own message, or in a buyer's
    question (``tenés hielo?``).

Support between drug terms, in short: an unambiguous term supports every ambiguous one in its
message ("Necesito perico o mota": ``mota`` confirms ``perico``). Two ambiguous terms support
each other only with one sign of trade in the message (a selling word, price, quantity or
contact: "perico y piedra a Q300", "perico ❄️ disponible"), or, both ``some``, when they name
different substances; "el perico de mi abuela canta" and "perico y pollo" give nothing. The rule
is symmetric and independent of order: the terms are re-examined until no decision changes, so
a term confirmed late still anchors the ones before it.

Trade terms (categories dealing, quantity, money, trafficker, potency) other than ``none`` are
reported only when a confirmed substance term stands in the window. The window is
:data:`WINDOW` characters on each side (:data:`NEAR` for the common verbs), cut at the edges of
the term's message: a line with its continuation lines, up to a line that starts with a date and
time (a chat export header, a record) or a Telegram header, or a blank line. Only the second kind
of context of a ``high`` term may come from a neighbouring message. A chat sender's name in an
export header ("Plug:") is never a term. ``docs/lexicon.md`` has the examples.

The matching is in :mod:`sabueso.extract.lexicon_match` (spellings, boundaries, emoji runs,
obfuscations such as ``periiico``, ``c0ca``) and the rule in
:mod:`sabueso.extract.lexicon_context`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sabueso.extract.base import Context, Hit, Prepared
from sabueso.extract.lexicon_context import NEAR, WINDOW, ContextRule
from sabueso.extract.lexicon_data import (
    AMBIGUITY,
    CATEGORIES,
    LANGS,
    SIGNAL_KINDS,
    SUBSTANCES,
    TRADE,
    Entry,
    LexiconError,
    Signal,
    load_entries,
    load_signals,
    load_sources,
)
from sabueso.extract.lexicon_match import Cand, TermMatcher, fold

__all__ = [
    "AMBIGUITY",
    "CATEGORIES",
    "FAMILY",
    "LANGS",
    "NEAR",
    "SIGNAL_KINDS",
    "SUBSTANCES",
    "TRADE",
    "WINDOW",
    "Entry",
    "LexiconError",
    "LexiconFamily",
    "Signal",
    "fold",
    "load_entries",
    "load_signals",
    "load_sources",
]


class LexiconFamily:
    """Drug terms (``drug_term``) in Spanish, English and emoji, with a context rule per term."""

    name = "lexicon"
    types = frozenset({"drug_term"})

    def __init__(self, entries: Sequence[Entry] | None = None,
                 signals: Sequence[Signal] | None = None, *, use_regex: bool = False) -> None:
        self.entries = tuple(load_entries() if entries is None else entries)
        self.signals = tuple(load_signals() if signals is None else signals)
        self._matcher = TermMatcher(self.entries, self.signals, use_regex)
        self._rule = ContextRule(self.signals, use_regex)

    def candidates(self, text: Prepared,
                   data: bytes | None = None) -> tuple[list[Cand], dict[str, list[int]]]:
        """Every place a term matches (before the context rule) and the emoji signals."""
        return self._matcher.candidates(text, data)

    def decide(self, text: Prepared, cands: list[Cand], signals: dict[str, list[int]],
               data: bytes | None = None) -> list[Cand]:
        """Apply the context rule (module docstring); returns the confirmed candidates."""
        return self._rule.decide(text, cands, signals, data)

    def scan(self, text: Prepared, ctx: Context) -> Iterator[Hit]:
        if "drug_term" not in ctx.types:
            return
        orig = text.original
        data = text.latin1
        cands, signals = self.candidates(text, data)
        for c in self.decide(text, cands, signals, data):
            e = c.entry
            attrs = e.attrs if e.ambiguity == "none" else e.attrs_context
            yield Hit("drug_term", e.value, orig[c.start:c.end], c.start, c.end, attrs)


FAMILY = LexiconFamily()
