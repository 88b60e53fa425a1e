"""The context rule of the drug lexicon: which matched terms are reported.

The second half of :mod:`sabueso.extract.lexicon` (whose docstring states the rule): the window
of a candidate cut at the edges of its chat message, the signals in it (selling words, prices,
trade quantities, doses, common verbs, other drug terms) and :meth:`ContextRule.decide`. Signal
words, prices and quantities are searched only in the windows of ambiguous terms, and prices and
quantities only where they can still decide.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence

from sabueso.extract.base import Prepared
from sabueso.extract.lexicon_data import Signal
from sabueso.extract.lexicon_match import (
    Cand,
    bounded,
    in_sender,
    is_word,
    make_matcher,
    variants,
)

__all__ = ["NEAR", "WINDOW", "ContextRule"]

WINDOW = 100
NEAR = 40

_STAMP = re.compile(r" ?\[?\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}[,;T ]{1,2}\d{1,2}:\d\d")
_TELEGRAM = re.compile(r"[^\n\[]{1,60}, \[\d{1,2}[./]\d{1,2}[./]\d{2,4}[ ,]")
_BLANK = re.compile(r"[ \t\r]*(?:\n|$)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# The matches of ``_NUMBER`` that no ``:`` or ``/`` touches (times and dates are most of the
# numbers of a chat export): lookbehinds keep it from starting inside a number, the atomic
# group from giving digits back, so the scan skips ``23:20:42`` and ``13/05/25`` in C. It
# starts with a digit (the lookbehinds come after it) so that ``re`` skips to the next digit
# in C. Only a match at the very start of the searched range may start inside a number (see
# :func:`_free_numbers`).
_FREE_NUMBER = re.compile(r"\d(?<![:/\d]\d)(?<!\d[.,]\d)(?>\d*(?:[.,]\d+)*)(?![:/])")
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
_SUPPORT = ("term", "drug", "gram", "unit", "price", "sell", "contact")
_OTHER_ANCHORS = tuple(k for k in _ANCHORS if k != "term")
# What else supports a ``some`` term once no anchor does.
_TRADE_SUPPORT = tuple(k for k in _SUPPORT if k not in _ANCHORS)
# A phone number written as one (local "5555-1234", "+504 9999 8888", "(809) 555-1234") or a
# WhatsApp / Telegram link: the contact of a seller's advert.
_CONTACT = re.compile(
    r"(?<![\w+(-])(?:\+\d{1,3}[ -]?\d{3,4}[ -]?|\(\d{3}\) ?\d{3}-|\d{3}-\d{3}-|\d{4}-)"
    r"\d{4}(?![\w-])"
    r"|wa\.me/|t\.me/")


def _starts_message(low: str, line: int) -> bool:
    """Whether the line at ``line`` starts a message: a date and time, or a Telegram header."""
    if _STAMP.match(low, line):
        return True
    return low.find(", [", line, line + 62) >= 0 and _TELEGRAM.match(low, line) is not None


def _message(low: str, c: Cand) -> None:
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


def _near(positions: list[int] | None, c: Cand, reach: int = WINDOW,
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


def _peer(peers: list[Cand], starts: list[int], c: Cand, wide: bool = False) -> bool:
    """Another substance term in the window that names another substance (category): ❄️⛄🌨️
    are one snowy day, not three drugs. For a ``high`` term, a ``some`` term with another value
    counts too: a snowflake next to ``perico`` is the emoji code of the word."""
    lo, hi = (c.start - WINDOW, c.end + WINDOW) if wide else (c.lo, c.hi)
    i = bisect.bisect_left(starts, lo)
    while i < len(starts) and starts[i] < hi:
        p = peers[i]
        if p is not c and (p.entry.category != c.entry.category
                           or (c.entry.ambiguity == "high" and p.entry.ambiguity == "some"
                               and p.entry.value != c.entry.value)):
            return True
        i += 1
    return False


def _near_line(low: str, positions: list[int] | None, c: Cand) -> bool:
    """Whether a common verb lies within :data:`NEAR` characters of ``c`` on its line."""
    if not positions:
        return False
    i = bisect.bisect_left(positions, c.start - NEAR)
    while i < len(positions) and positions[i] < c.end + NEAR:
        p = positions[i]
        if not c.start <= p < c.end and c.lo <= p < c.hi and "\n" not in (
                low[p:c.start] if p < c.start else low[c.end:p]):
            return True
        i += 1
    return False


def _asked(low: str, weak: list[int] | None, c: Cand) -> bool:
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


def _spans(cands: Iterable[Cand]) -> list[tuple[int, int]]:
    """The windows of ``cands`` (sorted by start), merged where they overlap."""
    spans: list[list[int]] = []
    for c in cands:
        lo, hi = max(0, c.start - WINDOW), c.end + WINDOW
        if spans and lo <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], hi)
        else:
            spans.append([lo, hi])
    return [(lo, hi) for lo, hi in spans]


def _may_contact(data: bytes, lo: int, hi: int) -> bool:
    """Whether ``_CONTACT`` can match in ``data[lo:hi]`` (``Prepared.latin1``): every match
    holds a ``+``, a ``(``, ``.me/`` or a dash after a digit (``?`` stands for any character
    beyond Latin-1, such as a digit of another script). A few ``find`` calls on the window
    spare the pattern's try at every position of most windows."""
    if data.find(b"+", lo, hi) >= 0 or data.find(b"(", lo, hi) >= 0 or (
            data.find(b".me/", lo, hi) >= 0):
        return True
    dash = data.find(b"-", lo + 1, hi)
    while dash >= 0:
        if data[dash - 1] in b"0123456789?":
            return True
        dash = data.find(b"-", dash + 1, hi)
    return False


def _free_numbers(low: str, lo: int, hi: int) -> list[re.Match[str]]:
    """``_NUMBER``'s matches in ``low[lo:hi]``, less some that touch a ``:`` or a ``/``
    (never one that does not; the caller still checks, as for a match cut at ``hi``). A
    match of ``_NUMBER`` starts after a digit, or after a digit and ``.``/``,``, only at
    ``lo`` or, after a ``.``/``,`` there, at ``lo + 1`` (inside a number that began before
    ``lo``): that one is taken with ``_NUMBER``."""
    first = _NUMBER.match(low, lo, hi)
    if first is None and lo < hi and low[lo] in ".,":
        first = _NUMBER.match(low, lo + 1, hi)
    rest = _FREE_NUMBER.finditer(low, first.end() if first else lo, hi)
    return [first, *rest] if first else list(rest)


def _numbers(text: Prepared, lo: int, hi: int, found: dict[str, list[int]]) -> None:
    """Prices, gram quantities, weights and contacts in ``text[lo:hi]``, into ``found``."""
    low = text.lower
    for m in _CONTACT.finditer(low, lo, hi) if _may_contact(text.latin1, lo, hi) else ():
        if not in_sender(low, m.start(), m.end()):  # an unsaved contact shown as the sender
            found.setdefault("contact", []).append(m.start())
    for m in _free_numbers(low, lo, hi):
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


class ContextRule:
    """Decides which candidates are reported (the rule in :mod:`sabueso.extract.lexicon`)."""

    def __init__(self, signals: Sequence[Signal], use_regex: bool = False) -> None:
        self.signals = tuple(signals)
        sig_keys: dict[str, int] = {}
        for i, sig in enumerate(self.signals):
            if sig.lang != "emoji":
                for variant in variants(sig.term):
                    sig_keys.setdefault(variant, i)
        self._sig_kinds = list(sig_keys.values())
        self._signal_words = make_matcher(list(sig_keys), use_regex)

    def _window_words(self, text: Prepared, data: bytes, cands: list[Cand],
                      sig: dict[str, list[int]]) -> None:
        """Signal words in the windows around ``cands``, into ``sig``."""
        low = text.lower
        for lo, hi in _spans(cands):
            for pattern, s, e in self._signal_words.find(low, data, lo, min(hi, len(low))):
                if bounded(low, s, e) > 0:
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
        if low.endswith("mil", max(0, j - 4), j) and (j < 4 or not is_word(low[j - 4])):
            return "unit"  # "2 mil gramos"
        digits = 0
        while j > 0 and low[j - 1].isdigit():
            j, digits = j - 1, digits + 1
        return "unit" if digits > 2 else "gram"

    def decide(self, text: Prepared, cands: list[Cand], signals: dict[str, list[int]],
               data: bytes | None = None) -> list[Cand]:
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

        def trade_kinds(c: Cand, wide: bool) -> int:
            """Kinds of trade context: a selling word or a contact, a price or quantity,
            another drug term (:func:`_peer`)."""
            return ((_near(sig.get("sell"), c, WINDOW, wide)
                     or _near(sig.get("contact"), c, WINDOW, wide))
                    + (_near(sig.get("price"), c, WINDOW, wide)
                       or _near(sig.get("unit"), c, WINDOW, wide))
                    + _peer(subs, sub_starts, c, wide))

        # Within one settle() only ``sig["term"]`` changes: what else supports a term (the
        # other anchors; without an anchor, the trade context) is worked out once per settle
        # and kept here by the candidate's id, and only the term anchors are looked at again.
        other_anchor: dict[int, bool] = {}
        unanchored: dict[int, bool] = {}

        def without_anchor(c: Cand) -> bool:
            if c.entry.ambiguity == "high":
                # Without an anchor, two different kinds of trade context, at least one of them
                # in the term's own message. "delivery de hielo, Q450" is confirmed; "hay
                # hielo", "hielo 5 lb Q15", "quiero coca con hielo", "💙💜 te quiero" are not;
                # nor is "traé hielo" next to someone's "te debo Q500". A buyer's question is
                # enough: "tenés hielo?".
                here = trade_kinds(c, False)
                return (here >= 2 or _asked(text.lower, sig.get("weak"), c)
                        or (here == 1 and trade_kinds(c, True) >= 2))
            # An anchor or a trade signal in the message, a common verb next to the term on its
            # line ("necesito perico", not "el perico de la abuela habla\ntraeme mangos"), or
            # another ``some`` term of another substance ("ecstasy gone, only oxy left"; not
            # "coca y perico"). The accepted cost: "Molly y Roxy" (two dogs) are reported.
            return (any(_near(sig.get(k), c) for k in _TRADE_SUPPORT)
                    or _near_line(low, sig.get("weak"), c)
                    or _peer(peers, peer_starts, c))

        def supported(c: Cand) -> bool:
            key = id(c)
            anchor = other_anchor.get(key)
            if anchor is None:
                anchor = other_anchor[key] = any(_near(sig.get(k), c) for k in _OTHER_ANCHORS)
            c.strong = anchor or _near(sig.get("term"), c)
            if c.strong:
                return True
            found = unanchored.get(key)
            if found is None:
                found = unanchored[key] = without_anchor(c)
            return found

        def settle() -> None:
            # ``some`` terms first: confirmed by an anchor, they anchor the ``high`` ones (a
            # ``coca`` confirmed only by ``quiero`` does not make ``hielo`` a drug). Repeated
            # until nothing changes, so a term anchored late still anchors the terms before it.
            for positions in sig.values():
                positions.sort()
            other_anchor.clear()  # the signals other than "term" may have grown since
            unanchored.clear()
            # A term's support depends on the other signals only through ``sig["term"]``: a
            # tier is looked at again only when that changed since its last look.
            looked: dict[str, list[int]] = {}
            changed = True
            while changed:
                changed = False
                for ambiguity in ("some", "high"):
                    sig["term"] = terms = [c.start for c in cands
                                           if c.strong and not c.entry.trade]
                    if looked.get(ambiguity) == terms:
                        continue
                    looked[ambiguity] = terms
                    for c in pending:
                        if not c.ok and c.entry.ambiguity == ambiguity and supported(c):
                            c.ok = changed = True

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
