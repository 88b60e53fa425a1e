"""WhatsApp message headers: their shapes, and the first pass that decides a file's shape and
its day/month order.

A header is the date, time and separator that start a message line: ``12/3/24, 9:41 p. m. - ``
(Android), ``[12/03/24, 21:41:07] `` (iOS), ``2019/01/30, 20:49 - ``, ``13.6.2018 klo
21.25.15 - ``... Its *shape* is how it is written: brackets, date separator, which field has
four digits, comma, seconds, AM/PM and the separator before the sender. One file is written in
one shape; a header-like line of another shape inside it is text someone pasted.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from sabueso.ingest.chats.whatsapp_phrases import (
    GROUP_SERVICES,
    MARKS,
    is_encryption_notice,
    strip_marks,
    system_line,
)

__all__ = ["BLOCK", "DETAIL", "GENERIC", "Shape", "Survey", "TextSource", "blocks",
           "blocks_at_headers", "decide_order", "shape_of", "survey"]

BLOCK = 1 << 18  # characters read at a time

_SP = "[ \u00a0\u202f]"
_AMPM = rf"[aApP]\.?{_SP}?[mM]\.?"
# Any header WhatsApp is known to write. Groups, in order: br dt a ds b c dot comma klo H ts M
# S ap sep (``survey`` reads them by position).
GENERIC = re.compile(
    rf"^[{MARKS}]*(?P<br>\[)?[{MARKS}]*"
    r"(?P<dt>(?P<a>\d{1,4})(?P<ds>[./\-]) ?(?P<b>\d{1,4})(?P=ds) ?(?P<c>\d{1,4})(?P<dot>\.)?"
    rf"(?P<comma>,)?{_SP}+(?P<klo>klo )?"
    r"(?P<H>\d{1,2})(?P<ts>[:.])(?P<M>\d{2})(?:(?P=ts)(?P<S>\d{2}))?"
    rf"(?:{_SP}?(?P<ap>{_AMPM}))?)"
    rf"(?(br)\][ \u00a0]?|(?P<sep>{_SP}?[-–]{_SP}|: | ))",
    re.M,
)
# Regions whose WhatsApp writes the month first; bare "en" too (WhatsApp's English is US).
_MONTH_FIRST = frozenset({"US", "PH", "PR", "FM", "MH", "PW", "GU", "AS", "MP", "VI", "UM"})
_TITLE_LINES = 200  # an encryption notice naming the chat is looked for this far
DETAIL = 2000  # headers read one by one (title, group lines) before the fast count


class TextSource(Protocol):
    def read(self, size: int = -1, /) -> str: ...


def blocks(text: TextSource) -> Iterator[str]:
    """The stream in blocks of whole lines (the last may lack its newline)."""
    rest = ""
    while True:
        chunk = text.read(BLOCK)
        if not chunk:
            if rest:
                yield rest
            return
        chunk = rest + chunk
        cut = chunk.rfind("\n") + 1
        if cut == 0:
            rest = chunk  # a line longer than a block: one message, kept whole
            continue
        rest = chunk[cut:]
        yield chunk[:cut]


def blocks_at_headers(text: TextSource, head: re.Pattern[str]) -> Iterator[str]:
    """The stream in blocks that end just before a line ``head`` matches at (or at the end),
    so that no message is cut; a message longer than a block is carried whole."""
    rest = ""
    seen = False  # a header has been met
    while True:
        chunk = text.read(BLOCK)
        if not chunk:
            if rest:
                yield rest
            return
        # the carried part starts at a header and has no other: look only at what is new
        lo = max(len(rest) - 1, 0)
        chunk = rest + chunk
        cut = len(chunk)
        while True:
            cut = chunk.rfind("\n", lo, cut)
            if cut < 0 or head.match(chunk, cut + 1) is not None:
                break
        if cut < 0 and not seen and head.search(chunk) is None:
            cut = chunk.rfind("\n")  # text before the first header: any line end will do
        if cut < 0:
            rest = chunk
            continue
        seen = True
        rest = chunk[cut + 1:]
        yield chunk[:cut + 1]


@dataclass(frozen=True, slots=True)
class Shape:
    """How the headers of one file are written."""

    bracket: bool
    date_sep: str
    date_dot: bool  # "13. 6. 2018."
    comma: bool
    klo: bool
    time_sep: str
    seconds: bool
    ampm: bool
    sep: str  # "-", "–", ":", " " after the time; "]" for bracketed headers
    year_pos: int  # index of the four-digit field; -1 when none; 99 when several (not a date)

    def source(self, keep: frozenset[str]) -> str:
        """The regex of this shape's headers (without ``^``); the groups named in ``keep``
        (of dt a b c H M S ap) capture, the rest do not."""
        def g(name: str, body: str) -> str:
            return f"(?P<{name}>{body})" if name in keep else f"(?:{body})"

        def empty(name: str) -> str:
            return f"(?P<{name}>)" if name in keep else ""

        fields = [r"\d{4}" if i == self.year_pos else r"\d{1,2}" for i in range(3)]
        ds = re.escape(self.date_sep)
        ts = re.escape(self.time_sep)
        date = (g("a", fields[0]) + ds + " ?" + g("b", fields[1]) + ds + " ?" + g("c", fields[2])
                + (r"\." if self.date_dot else "") + ("," if self.comma else ""))
        time = ("klo " if self.klo else "") + g("H", r"\d{1,2}") + ts + g("M", r"\d{2}")
        time += ts + g("S", r"\d{2}") if self.seconds else empty("S")
        time += f"{_SP}?" + g("ap", _AMPM) if self.ampm else empty("ap")
        out = f"[{MARKS}]*" + (rf"\[[{MARKS}]*" if self.bracket else "")
        out += g("dt", f"{date}{_SP}+{time}")
        if self.bracket:
            out += r"\][ \u00a0]?"
        elif self.sep in "-–":
            out += f"{_SP}?{self.sep}{_SP}"
        else:
            out += ": " if self.sep == ":" else " "
        return out

    def pattern(self) -> re.Pattern[str]:
        """This shape's headers. Groups: dt a b c H M S ap."""
        return re.compile("^" + self.source(_ALL), re.M)

    def message_pattern(self) -> re.Pattern[str]:
        """A header of this shape and its text up to the next one (line ends included).
        Groups: dt a b c H M S ap body."""
        head = self.source(frozenset())
        return re.compile("^" + self.source(_ALL)
                          + rf"(?P<body>[^\n]*(?:\n(?!{head})[^\n]*)*)", re.M)

    def split_pattern(self) -> re.Pattern[str]:
        """A line end and a header of this shape, for ``re.split`` of a block that starts
        with a header (after a line end put in front): the pieces are "", then per message
        its groups dt a b c H M S ap (each always set) and its text up to the next header.
        The same cut as ``message_pattern``, without its look-ahead at every line."""
        return re.compile("\n" + self.source(_ALL))

    def dates_pattern(self) -> re.Pattern[str]:
        """For the survey: a line end, then this shape's date fields or the whole header of
        any other shape; run on a block with a line end put in front, it finds the same
        headers as ``^`` would, faster (the engine scans for the line end as a literal).
        ``findall`` gives (a, b, c, "") or ("", "", "", header)."""
        return re.compile("\n(?:" + self.source(frozenset("abc")) + f"|({_ANY_HEADER}))")


_ALL = frozenset({"dt", "a", "b", "c", "H", "M", "S", "ap"})
# GENERIC without groups (for counting headers of other shapes at C speed).
_D = r"\d{1,4}(?:/ ?\d{1,4}/ ?\d{1,4}|\. ?\d{1,4}\. ?\d{1,4}|- ?\d{1,4}- ?\d{1,4})\.?,?"
_T = rf"(?:klo )?\d{{1,2}}(?::\d{{2}}(?::\d{{2}})?|\.\d{{2}}(?:\.\d{{2}})?)(?:{_SP}?{_AMPM})?"
_ANY_HEADER = (rf"[{MARKS}]*(?:\[[{MARKS}]*{_D}{_SP}+{_T}\][ \u00a0]?"
               rf"|{_D}{_SP}+{_T}(?:{_SP}?[-–]{_SP}|: | ))")


_RawKey = tuple[str | None, str, str | None, str | None, str | None, str, bool, bool,
                str | None, bool, bool, bool]


def _raw_key(g: tuple[str | None, ...]) -> _RawKey:
    a, b, c = g[2] or "", g[4] or "", g[5] or ""
    return (g[0], g[3] or "", g[6], g[7], g[8], g[10] or "", g[12] is not None,
            g[13] is not None, g[14], len(a) > 2, len(b) > 2, len(c) > 2)


def _shape_from_key(k: _RawKey) -> Shape:
    long = [i for i, flag in enumerate(k[9:12]) if flag]
    sep = "]" if k[0] else (k[8] or " ").strip(" \u00a0\u202f") or " "
    return Shape(bool(k[0]), k[1], bool(k[2]), bool(k[3]), bool(k[4]), k[5], k[6], k[7], sep,
                 long[0] if len(long) == 1 else (-1 if not long else 99))


def shape_of(m: re.Match[str]) -> Shape:
    """The shape of a header matched by ``GENERIC``."""
    return _shape_from_key(_raw_key(m.groups()))


@dataclass(slots=True)
class _Stats:
    count: int = 0
    first: int = 0  # order of first sight, for ties
    ma: int = 0  # largest value seen in each date field
    mb: int = 0
    mc: int = 0
    oa: int = 0  # distinct dates (per run or block) with the field above 12
    ob: int = 0
    oc: int = 0
    last: tuple[str, str, str] | None = None

    def merge(self, other: _Stats) -> None:
        self.count += other.count
        self.first = min(self.first, other.first)
        self.ma, self.mb, self.mc = (max(self.ma, other.ma), max(self.mb, other.mb),
                                     max(self.mc, other.mc))
        self.oa, self.ob, self.oc = self.oa + other.oa, self.ob + other.ob, self.oc + other.oc


@dataclass(frozen=True, slots=True)
class Survey:
    """What the first pass learnt about a file."""

    shape: Shape | None  # None: no header at all
    order: str | None  # "dmy", "mdy", "ymd", ... the fields' letters in written order
    basis: str | None  # "given", "values", "locale", "default", "conflict"
    title: str | None  # from a notice "Group name: Messages and calls are end-to-end..."
    group: bool  # a group-only system line was seen
    headers: int  # lines of the chosen shape


def survey(text: TextSource, locale: str | None, given: str | None = None) -> Survey:
    """First pass: count the header shapes and the ranges of their date fields; look for the
    chat's title and group-only system lines among the first ``DETAIL`` headers.

    The first blocks (``DETAIL`` headers at least) are read header by header; the rest with
    one regex that returns, for each header, its date fields when it has the leading shape
    so far, or its whole text when it has another (``Shape.dates_pattern``), counted at C
    speed; only the distinct values are looked at in Python."""
    raw: dict[_RawKey, _Stats] = {}
    title: str | None = None
    group = False
    seen = 0
    lead: Shape | None = None
    lead_st = _Stats(first=-1)
    dates_findall = None
    for block in blocks(text):
        if dates_findall is None:
            for m in GENERIC.finditer(block):
                seen += 1
                g = m.groups()
                _count(raw, _raw_key(g), g[2] or "", g[4] or "", g[5] or "", 1)
                e = m.end()
                end = block.find("\n", e)
                if end < 0:
                    end = len(block)
                i = block.find(": ", e, end)
                if i < 0:
                    if not group:
                        sl = system_line(block[e:end])
                        if sl is not None and sl.service == "encryption_notice":
                            group = _group_notice(block[e:end])
                        else:
                            group = sl is not None and sl.service in GROUP_SERVICES
                elif title is None and seen <= _TITLE_LINES \
                        and is_encryption_notice(block[i:end]):
                    title = strip_marks(block[e:i]).strip() or None
                elif not group and block.startswith("\u200e", i + 2):
                    sl = system_line(block[i + 2:end])
                    group = sl is not None and sl.service in GROUP_SERVICES
            if seen >= DETAIL and raw:
                best = max(raw.items(), key=lambda kv: (kv[1].count, -kv[1].first))[0]
                lead = _shape_from_key(best)
                if lead.year_pos != 99:
                    dates_findall = lead.dates_pattern().findall
            continue
        for (a, b, c, other), n in Counter(dates_findall("\n" + block)).items():
            if not other:
                lead_st.count += n
                _update(lead_st, a, b, c)
                continue
            hm = GENERIC.match(other)
            if hm is not None:
                g = hm.groups()
                _count(raw, _raw_key(g), g[2] or "", g[4] or "", g[5] or "", n)
    shapes: dict[Shape, _Stats] = {}
    for key, st in raw.items():
        shape = _shape_from_key(key)
        if shape.year_pos == 99:
            continue
        if shape in shapes:
            shapes[shape].merge(st)
        else:
            shapes[shape] = st
    if lead is not None and lead_st.count:
        if lead in shapes:
            shapes[lead].merge(lead_st)
        else:
            shapes[lead] = lead_st
    if not shapes:
        return Survey(None, None, None, title, group, 0)
    shape, st = max(shapes.items(), key=lambda kv: (kv[1].count, -kv[1].first))
    order, basis = decide_order(shape, st, locale, given)
    return Survey(shape, order, basis, title, group, st.count)


def _count(raw: dict[_RawKey, _Stats], key: _RawKey, a: str, b: str, c: str, n: int) -> None:
    st = raw.get(key)
    if st is None:
        st = raw[key] = _Stats(first=len(raw))
    st.count += n
    if (a, b, c) != st.last:
        st.last = (a, b, c)
        _update(st, a, b, c)


def _update(st: _Stats, a: str, b: str, c: str) -> None:
    ia, ib, ic = int(a), int(b), int(c)
    st.ma, st.mb, st.mc = max(st.ma, ia), max(st.mb, ib), max(st.mc, ic)
    st.oa += ia > 12
    st.ob += ib > 12
    st.oc += ic > 12


def _group_notice(text: str) -> bool:
    low = text.casefold()
    return "group" in low or "grupo" in low


def decide_order(shape: Shape, st: _Stats, locale: str | None,
                 given: str | None = None) -> tuple[str, str]:
    """Which field is the day, the month, the year: the order the user gave ("dmy" or "mdy",
    for a year written last); else a field above 12 somewhere is the day; when none is, the
    locale hint (month-first for US-style locales), else day-first. A year written first
    means year/month/day unless a value says otherwise."""
    maxima = (st.ma, st.mb, st.mc)
    over = (st.oa, st.ob, st.oc)
    ypos = shape.year_pos
    if ypos < 0:
        ypos = 0 if maxima[0] > 31 and maxima[2] <= 31 else 2
    p, q = [i for i in range(3) if i != ypos]
    p_day, q_day = maxima[p] > 12, maxima[q] > 12
    if given in ("dmy", "mdy") and ypos == 2:
        day, basis = (p if given == "dmy" else q), "given"
    elif p_day != q_day:
        day, basis = (p if p_day else q), "values"
    elif p_day and q_day:
        day, basis = (p if over[p] >= over[q] else q), "conflict"
    elif ypos == 0:
        day, basis = q, "default"
    else:
        month_first = month_first_locale(locale)
        if month_first is None:
            day, basis = p, "default"
        else:
            day, basis = (q if month_first else p), "locale"
    letters = ["", "", ""]
    letters[ypos] = "y"
    letters[day] = "d"
    letters[q if day == p else p] = "m"
    return "".join(letters), basis


def month_first_locale(locale: str | None) -> bool | None:
    """Whether a locale hint writes dates month-first; None without a hint."""
    if not locale:
        return None
    parts = locale.replace("_", "-").split("-")
    if len(parts) > 1 and parts[1]:
        return parts[1].upper() in _MONTH_FIRST
    return parts[0].lower() == "en"
