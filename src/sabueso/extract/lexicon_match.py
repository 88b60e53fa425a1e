"""Where drug-lexicon terms match: spelling, word boundaries, emoji runs, obfuscations.

The first half of the drug lexicon (:mod:`sabueso.extract.lexicon`): :class:`TermMatcher` finds
every place a term matches before the context rule (:mod:`sabueso.extract.lexicon_context`)
decides which are reported.

One Aho-Corasick DFA (ahocorasick_rs) over the Latin-1 bytes of ``Prepared.lower`` finds the
terms, their accent-free variants and the obfuscation triggers (a vowel three times, a leetspeak
digit touching a letter); a second one over the UTF-8 bytes finds the emoji; word boundaries are
checked only where something matched. Chat spellings: accents are optional (``cocaina``), a
repeated last letter is absorbed (``cocaaa``), and tokens with repeated letters or leetspeak
digits (``periiico``, ``c0ca``, ``m0t4``) are folded and looked up again. A run of the same
emoji (❄️❄️❄️, with or without U+FE0F or skin tones) is one hit; an emoji inside a ZWJ sequence
(🧑‍🎄) is not a code and is skipped. A term inside a URL, a handle, an e-mail address or a chat
sender's name, or next to one of its block phrases, is not a candidate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Protocol

from sabueso.extract.base import Prepared
from sabueso.extract.lexicon_data import _ACCENTS, _VS16, Entry, Signal

try:
    from ahocorasick_rs import BytesAhoCorasick, Implementation, MatchKind

    _HAVE_RS = True
except ImportError:  # pragma: no cover - the dependency is declared; this keeps a slow path
    _HAVE_RS = False

__all__ = [
    "Cand",
    "Matcher",
    "TermMatcher",
    "bounded",
    "fold",
    "in_sender",
    "is_word",
    "make_matcher",
    "variants",
]

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


def variants(key: str) -> list[str]:
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


def is_word(ch: str) -> bool:
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


class Matcher(Protocol):
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
        self._ac: BytesAhoCorasick | None = None
        if _HAVE_RS and not use_regex and chars:
            # One code point each (the lexicon's files are checked for it): no pattern's UTF-8
            # is a prefix of another's and no two matches overlap, so leftmost-first finds
            # what the standard search finds, and it may run as a DFA (three times faster
            # here than the default automaton with standard matching).
            single = all(len(c) == 1 for c in chars)
            self._ac = (BytesAhoCorasick([c.encode() for c in chars],
                                         matchkind=MatchKind.LeftmostFirst,
                                         implementation=Implementation.DFA) if single
                        else BytesAhoCorasick([c.encode() for c in chars]))

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


def in_sender(low: str, s: int, e: int) -> bool:
    """Whether ``low[s:e]`` lies in the sender's name of a chat export header ("Plug:"): never
    a term, and a phone number there (an unsaved contact) is no contact signal."""
    line = low.rfind("\n", max(0, s - 120), s) + 1
    after = low[e:e + 62]
    header = (_HEADER.match(low, line) if (line or s < 120) and (":" in after or ", [" in after)
              else None)
    return header is not None and any(0 <= header.start(g) <= s and e <= header.end(g)
                                      for g in (1, 2, 3))


def make_matcher(patterns: Sequence[str], use_regex: bool = False) -> Matcher:
    """The fastest available matcher of ``patterns`` (``use_regex``: the ``re`` one)."""
    return _RustMatcher(patterns) if _HAVE_RS and not use_regex else _RegexMatcher(patterns)


@dataclass(slots=True)
class Cand:
    start: int
    end: int
    entry: Entry
    ok: bool = False
    strong: bool = False  # confirmed on its own or by an anchor: may anchor ``high`` terms
    lo: int = 0  # the window: WINDOW characters each side, cut at the ends of the message
    hi: int = 0


def bounded(low: str, s: int, e: int) -> int:
    """End of the word at ``[s, e)`` (a repeated last letter absorbed: ``cocaaa``), or -1 when
    the match is part of a longer word."""
    n = len(low)
    if s and is_word(low[s - 1]):
        return -1
    last = low[e - 1]
    while e < n and low[e] == last and last.isalpha():
        e += 1
    return -1 if e < n and is_word(low[e]) else e



class TermMatcher:
    """Every place a lexicon term matches its spelling and boundaries, and emoji signals."""

    def __init__(self, entries: Sequence[Entry], signals: Sequence[Signal],
                 use_regex: bool = False) -> None:
        self.entries = tuple(entries)
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
                for variant in variants(entry.key):
                    keys.setdefault(variant, i)
        for trigger in [ch * 3 for ch in _TRIPLE_LETTERS] + _leet_pairs(self.entries):
            keys.setdefault(trigger, -1)
        self._emoji_signals: dict[str, str] = {}
        for sig in signals:
            if sig.lang == "emoji":
                self._emoji_signals[sig.term.replace(_VS16, "")] = sig.kind
        self._kinds = list(keys.values())
        self._words = make_matcher(list(keys), use_regex)
        self._emoji_finder = _EmojiFinder([*self._emoji, *self._emoji_signals], use_regex)
        self._fold: dict[str, Entry] = {}
        for entry in self.entries:
            if entry.lang != "emoji" and entry.key.isalpha():
                self._fold.setdefault(fold(entry.key), entry)

    def _accept(self, text: Prepared, s: int, e: int, entry: Entry) -> Cand | None:
        """Reject a term inside a URL, handle or e-mail address, a chat sender's name (a
        contact saved as "Plug"), or next to a block phrase."""
        low = text.lower
        if in_sender(low, s, e):
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
                                                or not is_word(tail[len(phrase)])):
                    return None
        if entry.before:
            i = s
            while i > 0 and s - i < 3 and low[i - 1] in _SEP:
                i -= 1
            head = low[max(0, i - 40):i].translate(_ACCENTS)
            for phrase in entry.before:
                if head.endswith(phrase) and (len(head) == len(phrase)
                                              or not is_word(head[-len(phrase) - 1])):
                    return None
        return Cand(s, e, entry)

    def _emoji_run(self, text: Prepared, s: int, entry: Entry) -> Cand | None:
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
        return Cand(s, e, entry)

    def _folded(self, text: Prepared, pos: int) -> tuple[Cand | None, int]:
        """The token around ``pos`` read through :func:`fold`, and where the token ends."""
        low = text.lower
        m = _TOKEN.match(low, pos)
        b = m.end() if m else pos
        a = pos
        while a > 0 and low[a - 1] in _TOKEN_CHARS and b - a <= 24:
            a -= 1
        if (a and is_word(low[a - 1])) or (b < len(low) and is_word(low[b])) or b - a > 24:
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
                   data: bytes | None = None) -> tuple[list[Cand], dict[str, list[int]]]:
        """Every place a term matches its spelling and boundaries (before the context rule),
        and the positions of emoji signals (📦) by kind."""
        low = text.lower
        if data is None:
            data = low.encode("latin-1", "replace")
        found: list[Cand] = []
        folded_until = 0
        entries, kinds = self.entries, self._kinds
        for pattern, s, e in self._words.find(low, data):
            kind = kinds[pattern]
            if s and (low[s - 1].isalnum() or low[s - 1] == "_") and kind >= 0:
                continue  # inside a longer word: the common case, kept cheap
            cand: Cand | None = None
            if kind >= 0:
                if (end := bounded(low, s, e)) > 0:
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
        out: list[Cand] = []
        for cand in found:
            if not out or cand.start >= out[-1].end:
                out.append(cand)
        return out, signals
