"""Drug-trade language: Spanish regional slang, English slang and DEA emoji codes.

The lexicon lives in ``data/lexicon/*.tsv`` (one term per line, see ``docs/lexicon.md``), read
and validated by :mod:`sabueso.extract.lexicon_data`. Each term has an *ambiguity* that decides
when it is reported:

``none``
    always (``cocaína``, ``perico``, ``tusi``, ``traqueto``).
``some``
    only with any supporting context in the window: another drug term, a price (``Q150``), a
    trade quantity (``1 oz``, ``onza``), a selling word (``vendo``, ``envíos``, ``precio``) or,
    within a few words, a common verb such as ``hay``/``tengo``/``busco``.
``high``
    ordinary words and everyday emoji (``hielo``, ``nieve``, ``pollo``, ``ice``, ❄️, 🎄) only
    next to a *drug anchor* (a confirmed unambiguous term, a dealer term or 🔌, a drug word from
    ``signals.tsv`` such as ``fumar``, a dose such as ``2g``, ``el gramo``, ``bolsitas``), or
    with two different kinds of trade context (a selling word; a price or quantity; a substance
    of another category), at least one of them in the term's own message, or in a buyer's
    question (``tenés hielo?``).

Trade terms (categories dealing, quantity, money, trafficker, potency) other than ``none`` are
reported only when a confirmed substance term stands in the window. The window is
:data:`WINDOW` characters on each side (:data:`NEAR` for the common verbs), cut at the edges of
the term's message: a line with its continuation lines, up to a line that starts with a date and
time (a chat export header, a record) or a Telegram header, or a blank line. Only the second kind
of context of a ``high`` term may come from a neighbouring message. A chat sender's name in an
export header ("Plug:") is never a term. ``docs/lexicon.md`` has the examples.

Matching: one Aho-Corasick DFA (ahocorasick_rs) over the Latin-1 bytes of ``Prepared.lower``
finds the terms, their accent-free variants and the obfuscation triggers (a vowel three times,
a leetspeak digit touching a letter); a second one over the UTF-8 bytes finds the emoji; word
boundaries are checked only where something matched, and signal words, prices and quantities
are searched only in the windows of ambiguous terms. Chat spellings: accents are optional
(``cocaina``), a repeated last letter is absorbed (``cocaaa``), and tokens with repeated letters
or leetspeak digits (``periiico``, ``c0ca``, ``m0t4``) are folded and looked up again. A run of
the same emoji (❄️❄️❄️, with or without U+FE0F or skin tones) is one hit; an emoji inside a ZWJ
sequence (🧑‍🎄) is not a code and is skipped.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Protocol

from sabueso.extract.base import Context, Hit, Prepared
from sabueso.extract.lexicon_data import (
    _ACCENTS,
    _VS16,
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

try:
    from ahocorasick_rs import BytesAhoCorasick, Implementation, MatchKind

    _HAVE_RS = True
except ImportError:  # pragma: no cover - the dependency is declared; this keeps a slow path
    _HAVE_RS = False

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

WINDOW = 100
NEAR = 40

_ZWJ = "\u200d"
_LEET = str.maketrans("0134", "oiea")
_LEET_L = str.maketrans("0134", "olea")
_TRIPLE_LETTERS = "aeiouáéíóú"
_DIGIT_OF = {"o": "0", "i": "1", "l": "1", "e": "3", "a": "4"}


def fold(token: str, leet: str = "i") -> str:
    """Lower case, accents off, leetspeak digits read as letters (``1`` as ``leet``), and every
    run of one letter squeezed to one: ``P3RIIICO`` -> ``perico``."""
    s = token.lower().translate(_ACCENTS).translate(_LEET if leet == "i" else _LEET_L)
    return re.sub(r"(.)\1+", r"\1", s)


def _variants(key: str) -> list[str]:
    """``key`` and every form with some of its accents dropped (``cocaína``, ``cocaina``)."""
    slots = [(ch, ch.translate(_ACCENTS)) if ch.translate(_ACCENTS) != ch else (ch,) for ch in key]
    if sum(len(s) > 1 for s in slots) > 4:
        return [key, key.translate(_ACCENTS)]
    return ["".join(p) for p in product(*slots)]


def _leet_pairs(entries: Iterable[Entry]) -> list[str]:
    """Letter-digit pairs that can occur in a term written in leetspeak (``c0``, ``0c``, ``3r``
    for ``c0ca``, ``p3rico``): the triggers of the obfuscation path. Only pairs some term can
    produce, so hex strings and wallet addresses rarely trigger it."""
    pairs: set[str] = set()
    for entry in entries:
        key = entry.key.translate(_ACCENTS)
        if entry.lang == "emoji" or not key.isalpha():
            continue
        for i, ch in enumerate(key):
            for digit in _DIGIT_OF.get(ch, ""):
                if i:
                    pairs.add(key[i - 1] + digit)
                if i + 1 < len(key):
                    pairs.add(digit + key[i + 1])
    return sorted(pairs)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


_URLISH = re.compile(r"://|www\.|@|^[\w.-]+\.[a-z]{2,}(?:/|$)")
_TOKEN_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzñáéíóúü")
_TOKEN = re.compile("[0-9a-zñáéíóúü]*")
_SKIN = range(0x1F3FB, 0x1F400)
_SEP = " \t-"
# Chat export headers: WhatsApp iOS "[date, time] Name:", Android "date, time - Name:",
# Telegram Desktop "Name, [date time]".
_HEADER = re.compile(
    r" ?\[[^\]\n]{6,40}\] ([^:\n]{1,60}):"
    r"| ?\d[\d/.,: ]{5,24}(?:[ap]\. ?m\.|[ap]m)? ?- ([^:\n]{1,60}):"
    r"|([^\n\[]{1,60}), \[\d{1,2}[./]\d{1,2}[./]\d{2,4}[ ,]")
# A line that starts a chat message or a record: a date and a time at its start (WhatsApp
# "[date, time] Name:" and "date, time - Name:", call records, log rows) or a Telegram Desktop
# header "Name, [date time]" (the text follows on the next lines).
_STAMP = re.compile(r" ?\[?\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}[,;T ]{1,2}\d{1,2}:\d\d")
_TELEGRAM = re.compile(r"[^\n\[]{1,60}, \[\d{1,2}[./]\d{1,2}[./]\d{2,4}[ ,]")
_BLANK = re.compile(r"[ \t\r]*(?:\n|$)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_ASK_GAP = re.compile(r"[^\W\d_]+ +(?:de |del |la |el |las |los |un |una |some |any )?")
_AFTER_NUMBER = re.compile(
    r"\s?(?:mil\s)?(g|gr|grs|grm|grms|gramos?|gramitos?|oz|onzas?|lbs?|libras?|kg|kgs|kilos?|ounces?"
    r"|quetzales|quetzal|lempiras|lempira|lps|colones|córdobas|cordobas|dólares|dolares|dlls?"
    r"|pesos|lucas|varos|balboas"
    r"|usd|euros|bucks|\$|€)(?![^\W\d_])")
_BEFORE_NUMBER = re.compile(
    r"(?:(?<![^\W\d_])(?:q|l|lps|rd\$|us\$|usd|c\$|b/\.?)|\$|₡|¢|€)\s?\.?\s?$")
_GRAMS = frozenset({"g", "gr", "grs", "grm", "grms", "gramo", "gramos", "gramito", "gramitos"})
_WEIGHTS = frozenset({"oz", "onza", "onzas", "lb", "lbs", "libra", "libras", "kg", "kgs",
                      "kilo", "kilos", "ounce", "ounces"})
_ANCHORS = ("term", "drug", "gram")
_SUPPORT = ("term", "drug", "gram", "unit", "price", "sell")


class _Matcher(Protocol):
    def find(self, text: str, data: bytes, lo: int = 0,
             hi: int | None = None) -> list[tuple[int, int, int]]:
        """(pattern, start, end) of the leftmost-longest matches in ``text[lo:hi]`` (offsets
        into ``text``); ``data`` is ``text`` in Latin-1, one byte per character."""
        ...


class _RustMatcher:
    """ahocorasick_rs DFA over the Latin-1 bytes of the text: several times faster than over
    ``str``, and byte offsets are character offsets (characters beyond Latin-1 became ``?``,
    which no pattern contains)."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self._ac = BytesAhoCorasick([p.encode("latin-1") for p in patterns],
                                    matchkind=MatchKind.LeftmostLongest,
                                    implementation=Implementation.DFA)

    def find(self, text: str, data: bytes, lo: int = 0,
             hi: int | None = None) -> list[tuple[int, int, int]]:
        if not lo and hi is None:
            return self._ac.find_matches_as_indexes(data)
        found = self._ac.find_matches_as_indexes(data[lo:hi])
        return [(i, s + lo, e + lo) for i, s, e in found]


class _RegexMatcher:
    """The same search with ``re`` (when ahocorasick_rs is absent; much slower)."""

    def __init__(self, patterns: Sequence[str]) -> None:
        order = sorted(range(len(patterns)), key=lambda i: -len(patterns[i]))
        self._index = {patterns[i]: i for i in reversed(order)}
        self._re = re.compile("|".join(re.escape(patterns[i]) for i in order))

    def find(self, text: str, data: bytes, lo: int = 0,
             hi: int | None = None) -> list[tuple[int, int, int]]:
        return [(self._index[m.group()], m.start(), m.end())
                for m in self._re.finditer(text, lo, len(text) if hi is None else hi)]


class _EmojiFinder:
    """Positions of single-code-point emoji: an automaton over the UTF-8 bytes (a ``re`` class
    of scattered astral code points scans at a tenth of the speed), byte offsets mapped back to
    character offsets only where something matched."""

    def __init__(self, chars: Sequence[str], use_regex: bool) -> None:
        self._re = re.compile("|".join(map(re.escape, chars)) or "(?!)")
        self._ac = (BytesAhoCorasick([c.encode() for c in chars])
                    if _HAVE_RS and not use_regex and chars else None)

    def find(self, text: str) -> list[int]:
        if self._ac is None:
            return [m.start() for m in self._re.finditer(text)]
        data = text.encode("utf-8", "surrogatepass")
        out: list[int] = []
        byte = char = 0
        for _, start, end in self._ac.find_matches_as_indexes(data):
            char += len(data[byte:start].decode("utf-8", "surrogatepass"))
            out.append(char)
            byte, char = end, char + 1
        return out


@dataclass(slots=True)
class _Cand:
    start: int
    end: int
    entry: Entry
    ok: bool = False
    strong: bool = False  # confirmed on its own or by an anchor: may anchor ``high`` terms
    lo: int = 0  # the window: WINDOW characters each side, cut at the ends of the message
    hi: int = 0


def _starts_message(low: str, line: int) -> bool:
    """Whether the line at ``line`` starts a message: a date and time, or a Telegram header."""
    if _STAMP.match(low, line):
        return True
    return low.find(", [", line, line + 62) >= 0 and _TELEGRAM.match(low, line) is not None


def _message(low: str, c: _Cand) -> None:
    """Set ``c.lo``/``c.hi``: the window around ``c`` cut at the edges of its message. A message
    is a line with its continuation lines: a line that starts with a date and a time (a chat
    export, a call record, a log) or with a Telegram header starts a new one, and a blank line
    ends one. In text without such lines only blank lines cut the window."""
    lo, hi = max(0, c.start - WINDOW), min(len(low), c.end + WINDOW)
    line = low.rfind("\n", lo, c.start) + 1  # 0: the line starts before the window
    while line > lo and not _starts_message(low, line):
        prev = low.rfind("\n", lo, line - 1) + 1
        if not prev and lo:  # the line before starts before the window
            line = lo
            break
        if _BLANK.match(low, prev):
            break
        line = prev
    c.lo = max(line, lo)
    end = low.find("\n", c.end, hi)
    while end >= 0:
        if _BLANK.match(low, end + 1) or _starts_message(low, end + 1):
            hi = end
            break
        end = low.find("\n", end + 1, hi)
    c.hi = hi


def _near(positions: list[int] | None, c: _Cand, reach: int = WINDOW,
          wide: bool = False) -> bool:
    """Whether a position lies within ``reach`` characters of ``c`` (and not inside it), in its
    message (``wide``: in any message)."""
    if not positions:
        return False
    lo, hi = c.start - reach, c.end + reach
    if not wide:
        lo, hi = max(lo, c.lo), min(hi, c.hi)
    i = bisect.bisect_left(positions, lo)
    while i < len(positions) and positions[i] < hi:
        if not c.start <= positions[i] < c.end:
            return True
        i += 1
    return False


def _peer(peers: list[_Cand], starts: list[int], c: _Cand, strict: bool,
          wide: bool = False) -> bool:
    """Another substance term in the window with a different value or (``strict``, for
    ``high`` terms) of a different category: ❄️⛄🌨️ are one snowy day, not three drugs."""
    lo, hi = (c.start - WINDOW, c.end + WINDOW) if wide else (c.lo, c.hi)
    i = bisect.bisect_left(starts, lo)
    while i < len(starts) and starts[i] < hi:
        p = peers[i]
        if p is not c and (p.entry.category != c.entry.category if strict
                           else p.entry.value != c.entry.value):
            return True
        i += 1
    return False


def _asked(low: str, weak: list[int] | None, c: _Cand) -> bool:
    """A buyer's question: a common verb right before the term and a question mark after it
    on the same line (``tenés hielo?``, ``got bars?``)."""
    if not weak:
        return False
    i = bisect.bisect_left(weak, c.start - 16)
    if i >= len(weak) or weak[i] >= c.start or not _ASK_GAP.fullmatch(low, weak[i], c.start):
        return False
    tail = low[c.end:c.end + 30]
    ask = tail.find("?")
    return ask >= 0 and "\n" not in tail[:ask]


def _spans(cands: Iterable[_Cand]) -> list[tuple[int, int]]:
    """The windows of ``cands`` (sorted by start), merged where they overlap."""
    spans: list[list[int]] = []
    for c in cands:
        lo, hi = max(0, c.start - WINDOW), c.end + WINDOW
        if spans and lo <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], hi)
        else:
            spans.append([lo, hi])
    return [(lo, hi) for lo, hi in spans]


def _numbers(text: Prepared, lo: int, hi: int, found: dict[str, list[int]]) -> None:
    """Prices, gram quantities and weights in ``text[lo:hi]``, into ``found``."""
    low = text.lower
    for m in _NUMBER.finditer(low, lo, hi):
        a, b = m.span()
        if (b < len(low) and low[b] in ":/") or (a and low[a - 1] in ":/"):
            continue  # times and dates
        unit = _AFTER_NUMBER.match(low, b)
        word = unit.group(1) if unit else ""
        thousands = unit is not None and unit.group(0).lstrip().startswith("mil")
        if word == "g" and m.group() in ("2", "3", "4", "5") and text.clean[b] == "G":
            continue  # 4G, 5G: a mobile network, not grams
        if word in _GRAMS:
            bulk = thousands or len(re.split(r"[.,]", m.group())[0]) > 2
            kind = "unit" if bulk else "gram"
        elif word in _WEIGHTS:
            kind = "unit"
        elif word or _BEFORE_NUMBER.search(low, max(0, a - 6), a):
            kind = "price"
        else:
            continue
        found.setdefault(kind, []).append(a)


def _bounded(low: str, s: int, e: int) -> int:
    """End of the word at ``[s, e)`` (a repeated last letter absorbed: ``cocaaa``), or -1 when
    the match is part of a longer word."""
    n = len(low)
    if s and _is_word(low[s - 1]):
        return -1
    last = low[e - 1]
    while e < n and low[e] == last and last.isalpha():
        e += 1
    return -1 if e < n and _is_word(low[e]) else e


class LexiconFamily:
    """Drug terms (``drug_term``) in Spanish, English and emoji, with a context rule per term."""

    name = "lexicon"
    types = frozenset({"drug_term"})

    def __init__(self, entries: Sequence[Entry] | None = None,
                 signals: Sequence[Signal] | None = None, *, use_regex: bool = False) -> None:
        self.entries = tuple(load_entries() if entries is None else entries)
        self.signals = tuple(load_signals() if signals is None else signals)
        # Word patterns: kind >= 0 a lexicon entry, -1 an obfuscation trigger (a vowel three
        # times, a leetspeak digit touching a letter).
        keys: dict[str, int] = {}
        self._emoji: dict[str, int] = {}
        for i, entry in enumerate(self.entries):
            if entry.lang == "emoji":
                self._emoji.setdefault(entry.key, i)
            else:
                keys.setdefault(entry.key, i)
        for i, entry in enumerate(self.entries):
            if entry.lang != "emoji":
                for variant in _variants(entry.key):
                    keys.setdefault(variant, i)
        for trigger in [ch * 3 for ch in _TRIPLE_LETTERS] + _leet_pairs(self.entries):
            keys.setdefault(trigger, -1)
        sig_keys: dict[str, int] = {}
        self._emoji_signals: dict[str, str] = {}
        for i, sig in enumerate(self.signals):
            if sig.lang == "emoji":
                self._emoji_signals[sig.term.replace(_VS16, "")] = sig.kind
            else:
                for variant in _variants(sig.term):
                    sig_keys.setdefault(variant, i)
        self._kinds = list(keys.values())
        self._sig_kinds = list(sig_keys.values())
        make = _RustMatcher if _HAVE_RS and not use_regex else _RegexMatcher
        self._words: _Matcher = make(list(keys))
        self._signal_words: _Matcher = make(list(sig_keys))
        self._emoji_finder = _EmojiFinder([*self._emoji, *self._emoji_signals], use_regex)
        self._fold: dict[str, Entry] = {}
        for entry in self.entries:
            if entry.lang != "emoji" and entry.key.isalpha():
                self._fold.setdefault(fold(entry.key), entry)

    # -- where terms match ---------------------------------------------------------------------

    def _accept(self, text: Prepared, s: int, e: int, entry: Entry) -> _Cand | None:
        """Reject a term inside a URL, handle or e-mail address, a chat sender's name (a
        contact saved as "Plug"), or next to a block phrase."""
        low = text.lower
        line = low.rfind("\n", max(0, s - 120), s) + 1
        after = low[e:e + 62]
        header = (_HEADER.match(low, line) if (line or s < 120) and (":" in after or ", [" in after)
                  else None)
        if header and any(0 <= header.start(g) <= s and e <= header.end(g) for g in (1, 2, 3)):
            return None
        if (s and low[s - 1] in "@/.") or (e < len(low) and low[e] in "@/."):
            a = s
            while a > 0 and s - a < 80 and not low[a - 1].isspace():
                a -= 1
            b = e
            while b < len(low) and b - e < 80 and not low[b].isspace():
                b += 1
            if _URLISH.search(low[a:b]):
                return None
        if entry.after:
            j = e
            while j < len(low) and j - e < 3 and low[j] in _SEP:
                j += 1
            tail = low[j:j + 40].translate(_ACCENTS)
            for phrase in entry.after:
                if tail.startswith(phrase) and (len(tail) == len(phrase)
                                                or not _is_word(tail[len(phrase)])):
                    return None
        if entry.before:
            i = s
            while i > 0 and s - i < 3 and low[i - 1] in _SEP:
                i -= 1
            head = low[max(0, i - 40):i].translate(_ACCENTS)
            for phrase in entry.before:
                if head.endswith(phrase) and (len(head) == len(phrase)
                                              or not _is_word(head[-len(phrase) - 1])):
                    return None
        return _Cand(s, e, entry)

    def _emoji_run(self, text: Prepared, s: int, entry: Entry) -> _Cand | None:
        """A run of one emoji code with its variation selectors and skin tones; ``None`` inside
        a ZWJ sequence (🧑‍🎄 is not 🎄)."""
        low, orig = text.lower, text.original
        n = len(low)
        key = low[s]
        e = s + 1
        while e < n:
            c = low[e]
            if c == _VS16 or ord(c) in _SKIN or (c == key and orig[e - 1] != _ZWJ):
                e += 1
            else:
                break
        if (s and orig[s - 1] == _ZWJ) or (e < n and orig[e] == _ZWJ):
            return None
        return _Cand(s, e, entry)

    def _folded(self, text: Prepared, pos: int) -> tuple[_Cand | None, int]:
        """The token around ``pos`` read through :func:`fold`, and where the token ends."""
        low = text.lower
        m = _TOKEN.match(low, pos)
        b = m.end() if m else pos
        a = pos
        while a > 0 and low[a - 1] in _TOKEN_CHARS and b - a <= 24:
            a -= 1
        if (a and _is_word(low[a - 1])) or (b < len(low) and _is_word(low[b])) or b - a > 24:
            return None, b
        token = low[a:b]
        if sum(ch.isalpha() for ch in token) < 2:
            return None, b  # prices and codes: Q150, m3, 4k
        entry = self._fold.get(fold(token))
        if entry is None and "1" in token:
            entry = self._fold.get(fold(token, "l"))
        if entry is None:
            return None, b
        return self._accept(text, a, b, entry), b

    def candidates(self, text: Prepared,
                   data: bytes | None = None) -> tuple[list[_Cand], dict[str, list[int]]]:
        """Every place a term matches its spelling and boundaries (before the context rule),
        and the positions of emoji signals (📦) by kind."""
        low = text.lower
        if data is None:
            data = low.encode("latin-1", "replace")
        found: list[_Cand] = []
        folded_until = 0
        entries, kinds = self.entries, self._kinds
        for pattern, s, e in self._words.find(low, data):
            kind = kinds[pattern]
            if s and (low[s - 1].isalnum() or low[s - 1] == "_") and kind >= 0:
                continue  # inside a longer word: the common case, kept cheap
            cand: _Cand | None = None
            if kind >= 0:
                if (end := _bounded(low, s, e)) > 0:
                    cand = self._accept(text, s, end, entries[kind])
            elif s >= folded_until:
                cand, folded_until = self._folded(text, s)
            if cand:
                found.append(cand)
        signals: dict[str, list[int]] = {}
        if not low.isascii():
            emoji_until = 0
            for s in self._emoji_finder.find(low):
                ch = low[s]
                if (kind := self._emoji.get(ch, -1)) >= 0:
                    if s >= emoji_until and (cand := self._emoji_run(text, s, entries[kind])):
                        found.append(cand)
                        emoji_until = cand.end
                elif ch in self._emoji_signals:
                    signals.setdefault(self._emoji_signals[ch], []).append(s)
        found.sort(key=lambda c: (c.start, c.start - c.end))
        out: list[_Cand] = []
        for cand in found:
            if not out or cand.start >= out[-1].end:
                out.append(cand)
        return out, signals

    # -- the context rule ----------------------------------------------------------------------

    def _window_words(self, text: Prepared, data: bytes, cands: list[_Cand],
                      sig: dict[str, list[int]]) -> None:
        """Signal words in the windows around ``cands``, into ``sig``."""
        low = text.lower
        for lo, hi in _spans(cands):
            for pattern, s, e in self._signal_words.find(low, data, lo, min(hi, len(low))):
                if _bounded(low, s, e) > 0:
                    signal = self.signals[self._sig_kinds[pattern]]
                    sig.setdefault(self._gram_kind(low, s, signal), []).append(s)

    @staticmethod
    def _gram_kind(low: str, s: int, sig: Signal) -> str:
        """Dose words (``gramo``, ``bolsitas``) anchor like ``2g`` unless a bulk number precedes
        (``500 gramos``, ``2 mil gramos``)."""
        if sig.kind != "dose":
            return sig.kind
        j = s
        while j > 0 and low[j - 1] == " ":
            j -= 1
        if low.endswith("mil", max(0, j - 4), j) and (j < 4 or not _is_word(low[j - 4])):
            return "unit"  # "2 mil gramos"
        digits = 0
        while j > 0 and low[j - 1].isdigit():
            j, digits = j - 1, digits + 1
        return "unit" if digits > 2 else "gram"

    def decide(self, text: Prepared, cands: list[_Cand], signals: dict[str, list[int]],
               data: bytes | None = None) -> list[_Cand]:
        """Apply the context rule (module docstring); returns the confirmed candidates."""
        for c in cands:
            c.ok = c.strong = c.entry.ambiguity == "none"
        if all(c.ok for c in cands):
            return cands
        if data is None:
            data = text.lower.encode("latin-1", "replace")
        low = text.lower
        for c in cands:
            if not c.ok:
                _message(low, c)
        sig = {k: list(v) for k, v in signals.items()}
        pending = [c for c in cands if not c.ok and not c.entry.trade]
        self._window_words(text, data, pending, sig)
        for c in cands:
            # Dealer terms and drug units anchor others unless they are everyday words (💰).
            if c.entry.ambiguity != "high" and c.entry.category in ("dealing", "trafficker"):
                sig.setdefault("drug", []).append(c.start)
            elif c.entry.ambiguity != "high" and c.entry.category == "quantity":
                sig.setdefault("gram", []).append(c.start)
        peers = [c for c in cands if c.entry.ambiguity == "some" and not c.entry.trade]
        peer_starts = [c.start for c in peers]
        subs = [c for c in cands if not c.entry.trade]
        sub_starts = [c.start for c in subs]

        def trade_kinds(c: _Cand, wide: bool) -> int:
            """Kinds of trade context: a selling word, a price or quantity, another substance
            term of another category."""
            return (_near(sig.get("sell"), c, WINDOW, wide)
                    + (_near(sig.get("price"), c, WINDOW, wide)
                       or _near(sig.get("unit"), c, WINDOW, wide))
                    + _peer(subs, sub_starts, c, True, wide))

        def supported(c: _Cand) -> bool:
            c.strong = any(_near(sig.get(k), c) for k in _ANCHORS)
            if c.strong:
                return True
            if c.entry.ambiguity == "high":
                # Without an anchor, two different kinds of trade context, at least one of them
                # in the term's own message. "delivery de hielo, Q450" is confirmed; "hay
                # hielo", "hielo 5 lb Q15", "quiero coca con hielo", "💙💜 te quiero" are not;
                # nor is "traé hielo" next to someone's "te debo Q500". A buyer's question is
                # enough: "tenés hielo?".
                here = trade_kinds(c, False)
                return (here >= 2 or _asked(text.lower, sig.get("weak"), c)
                        or (here == 1 and trade_kinds(c, True) >= 2))
            return (any(_near(sig.get(k), c) for k in _SUPPORT)
                    or _near(sig.get("weak"), c, NEAR) or _peer(peers, peer_starts, c, False))

        def settle() -> None:
            # ``some`` terms first: confirmed by an anchor, they anchor the ``high`` ones (a
            # ``coca`` confirmed only by ``quiero`` does not make ``hielo`` a drug).
            for ambiguity in ("some", "high"):
                sig["term"] = [c.start for c in cands if c.strong and not c.entry.trade]
                sig["soft"] = [c.start for c in cands
                               if c.ok and not c.strong and not c.entry.trade]
                for positions in sig.values():
                    positions.sort()
                for c in pending:
                    if not c.ok and c.entry.ambiguity == ambiguity:
                        c.ok = supported(c)

        settle()
        unsettled = [c for c in pending if not c.ok]
        if unsettled:  # prices and quantities are read only where they can still decide
            for lo, hi in _spans(unsettled):
                _numbers(text, lo, min(hi, len(text.lower)), sig)
            settle()
        sig["term"] = [c.start for c in cands if c.ok and not c.entry.trade]
        for c in cands:
            if not c.ok and c.entry.trade:
                c.ok = _near(sig["term"], c)
        return [c for c in cands if c.ok]

    def scan(self, text: Prepared, ctx: Context) -> Iterator[Hit]:
        if "drug_term" not in ctx.types:
            return
        orig = text.original
        data = text.lower.encode("latin-1", "replace")
        cands, signals = self.candidates(text, data)
        for c in self.decide(text, cands, signals, data):
            e = c.entry
            attrs = e.attrs if e.ambiguity == "none" else e.attrs_context
            yield Hit("drug_term", e.value, orig[c.start:c.end], c.start, c.end, attrs)


FAMILY = LexiconFamily()
