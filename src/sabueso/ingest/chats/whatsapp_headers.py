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

__all__ = ["BLOCK", "GENERIC", "Shape", "Survey", "TextSource", "blocks", "decide_order",
           "shape_of", "survey"]

BLOCK = 1 << 20  # characters read at a time

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

    def pattern(self) -> re.Pattern[str]:
        """A regex matching exactly the headers of this shape. Groups: dt a b c H M S ap."""
        fields = [r"\d{4}" if i == self.year_pos else r"\d{1,2}" for i in range(3)]
        ds = re.escape(self.date_sep)
        ts = re.escape(self.time_sep)
        out = rf"^[{MARKS}]*" + (rf"\[[{MARKS}]*" if self.bracket else "")
        out += rf"(?P<dt>(?P<a>{fields[0]}){ds} ?(?P<b>{fields[1]}){ds} ?(?P<c>{fields[2]})"
        out += (r"\." if self.date_dot else "") + ("," if self.comma else "") + f"{_SP}+"
        out += ("klo " if self.klo else "") + rf"(?P<H>\d{{1,2}}){ts}(?P<M>\d{{2}})"
        out += rf"{ts}(?P<S>\d{{2}})" if self.seconds else "(?P<S>)"
        out += rf"{_SP}?(?P<ap>{_AMPM}))" if self.ampm else "(?P<ap>))"
        if self.bracket:
            out += r"\][ \u00a0]?"
        elif self.sep in "-–":
            out += f"{_SP}?{self.sep}{_SP}"
        else:
            out += ": " if self.sep == ":" else " "
        return re.compile(out, re.M)


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
    oa: int = 0  # dates (runs of equal dates) with the field above 12
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
    basis: str | None  # "values", "locale", "default", "conflict"
    title: str | None  # from a notice "Group name: Messages and calls are end-to-end..."
    group: bool  # a group-only system line was seen
    headers: int  # lines of the chosen shape


def survey(text: TextSource, locale: str | None) -> Survey:
    """First pass: count header shapes, the date fields' ranges, and look for a title."""
    raw: dict[_RawKey, _Stats] = {}
    title: str | None = None
    group = False
    seen = 0
    for block in blocks(text):
        for m in GENERIC.finditer(block):
            g = m.groups()
            key = _raw_key(g)
            st = raw.get(key)
            if st is None:
                st = raw[key] = _Stats(first=len(raw))
            st.count += 1
            abc = (g[2] or "", g[4] or "", g[5] or "")
            if abc != st.last:
                st.last = abc
                a, b, c = int(abc[0]), int(abc[1]), int(abc[2])
                if a > st.ma:
                    st.ma = a
                if b > st.mb:
                    st.mb = b
                if c > st.mc:
                    st.mc = c
                st.oa += a > 12
                st.ob += b > 12
                st.oc += c > 12
            seen += 1
            if group and (title is not None or seen > _TITLE_LINES):
                continue
            e = m.end()
            end = block.find("\n", e)
            if end < 0:
                end = len(block)
            i = block.find(": ", e, end)
            if i < 0:
                if not group:
                    sl = system_line(block[e:end])
                    group = sl is not None and sl.service in GROUP_SERVICES
                    if sl is not None and sl.service == "encryption_notice":
                        group = _group_notice(block[e:end])
            elif title is None and seen <= _TITLE_LINES and is_encryption_notice(block[i:end]):
                title = strip_marks(block[e:i]).strip() or None
            elif not group and block.startswith("\u200e", i + 2):
                sl = system_line(block[i + 2:end])
                group = sl is not None and sl.service in GROUP_SERVICES
    shapes: dict[Shape, _Stats] = {}
    for key, st in raw.items():
        shape = _shape_from_key(key)
        if shape.year_pos == 99:
            continue
        if shape in shapes:
            shapes[shape].merge(st)
        else:
            shapes[shape] = st
    if not shapes:
        return Survey(None, None, None, title, group, 0)
    shape, st = max(shapes.items(), key=lambda kv: (kv[1].count, -kv[1].first))
    order, basis = decide_order(shape, st, locale)
    return Survey(shape, order, basis, title, group, st.count)


def _group_notice(text: str) -> bool:
    low = text.casefold()
    return "group" in low or "grupo" in low


def decide_order(shape: Shape, st: _Stats, locale: str | None) -> tuple[str, str]:
    """Which field is the day, the month, the year: a field above 12 somewhere is the day;
    when none is, the locale hint (month-first for US-style locales), else day-first. A year
    written first means year/month/day unless a value says otherwise."""
    maxima = (st.ma, st.mb, st.mc)
    over = (st.oa, st.ob, st.oc)
    ypos = shape.year_pos
    if ypos < 0:
        ypos = 0 if maxima[0] > 31 and maxima[2] <= 31 else 2
    p, q = [i for i in range(3) if i != ypos]
    p_day, q_day = maxima[p] > 12, maxima[q] > 12
    if p_day != q_day:
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
