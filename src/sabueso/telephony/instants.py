"""When a record happened: the date and time text of a production to a UTC instant, in DuckDB
SQL over the whole staged table (``normalise`` builds its statement from these pieces).

The day/month order is decided per file from all its leading dates (DESIGN.md §4); the most
common layout is read by one ``strptime`` format, the rest by a regular expression (``TS``)
over the text, after months by name and compact switch stamps are rewritten (``plain_sql``);
Excel serial dates are read too. Local instants are read in the given zone, by arithmetic
when its offset is the same over the whole file; explicit offsets as written.
"""

from __future__ import annotations

import re

import duckdb

from sabueso.core.errors import InputError

__all__ = ["TS", "TS_NAMES", "TXT", "decide_order", "fast_format", "fixed_offset",
           "instant_sql", "plain_sql"]

TS = (r"^\s*(?:(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})|(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4}))"
       r"(?:[ T]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:[.,](\d{1,6}))?\s*([AaPp])?\.?\s?"
       r"(?:[Mm]\.?)?)?"
       r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?\s*$")
TS_NAMES = "['y1','m1','d1','p1','p2','y2','hh','mi','ss','fr','ap','off']"
_SERIAL = r"^\d{5}(\.\d+)?$"
# months by name (Oracle's 13-NOV-26, 13 de noviembre de 2026, Nov 13, 2026): Spanish, English
_MONTHS = ("['ene','feb','mar','abr','may','jun','jul','ago','sep','oct','nov','dic']",
           "['jan','feb','mar','apr','may','jun','jul','aug','sep','oct','nov','dec']")
_DAY_MON = (r"^\s*(\d{1,2})[-/ .]+(?:de\s+)?([A-Za-z]{3,})\.?[-/ .,]+(?:de\s+)?(\d{4}|\d{2})"
            r"(\s.*)?$")
_MON_DAY = r"^\s*([A-Za-z]{3,})\.?\s+(\d{1,2}),?\s+(\d{4})(\s.*)?$"


def _month_sql(name: str) -> str:
    three = f"lower(left({name}, 3))"
    return (f"greatest(coalesce(list_position({_MONTHS[0]}, {three}), 0), coalesce("
            f"list_position({_MONTHS[1]}, {three}), 0), CASE WHEN {three} = 'set' THEN 9 "
            "ELSE 0 END)")


def plain_sql(txt: str) -> str:
    """``txt`` with a month written by name, or a compact ``YYYYMMDD[HHMMSS]`` (switch
    records), rewritten as ``YYYY-MM-DD`` (and ``HH:MM:SS``) for ``TS``; other text as it is.
    These forms fix the order of day and month whatever the file's order is."""
    dm = f"regexp_extract({txt}, '{_DAY_MON}', ['d', 'mon', 'y', 'rest'])"
    md = f"regexp_extract({txt}, '{_MON_DAY}', ['mon', 'd', 'y', 'rest'])"
    compact = (f"regexp_replace(regexp_replace(regexp_replace({txt}, "
               r"'^\s*((?:19|20)\d{2})(\d{2})(\d{2})[ T]?(\d{2})(\d{2})(\d{2})(\s.*)?$', "
               r"'\1-\2-\3 \4:\5:\6\7'), "
               r"'^\s*((?:19|20)\d{2})(\d{2})(\d{2})(\s.*)?$', '\1-\2-\3\4'), "
               r"'^(\S+[ T])(\d{2})(\d{2})(\d{2})$', '\1\2:\3:\4')")

    def build(m: str) -> str:
        year = f"(CASE WHEN length({m}.y) = 2 THEN '20' || {m}.y ELSE {m}.y END)"
        return (f"{year} || '-' || {_month_sql(m + '.mon')}::VARCHAR || '-' || {m}.d || "
                f"coalesce({m}.rest, '')")

    return (f"(CASE WHEN NOT regexp_matches({txt}, '[A-Za-z]{{3}}') THEN {compact} "
            f"WHEN {_month_sql(dm + '.mon')} > 0 THEN {build(dm)} "
            f"WHEN {_month_sql(md + '.mon')} > 0 THEN {build(md)} ELSE {txt} END)")

_HEAD = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.]\d{2,4}")
_YEAR_FIRST = re.compile(r"^\d{4}[-/.]")
_LETTERS = re.compile(r"[A-Za-z]{3}")
_COMPACT = re.compile(r"^\d{8}")
_TOKEN = re.compile(r"^(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})")


def decide_order(heads_text: list[str], forced: str | None,
                  where: str) -> tuple[str | None, str]:
    """Day/month order of the whole file, from the distinct leading dates of all its rows."""
    if forced:
        return forced, "given"
    heads = [_HEAD.match(h) for h in heads_text]
    firsts = [int(h.group(1)) for h in heads if h]
    seconds = [int(h.group(2)) for h in heads if h]
    if not firsts:  # no day and month to tell apart: say how the dates are written
        if not heads_text:
            return "ymd", "none"
        if any(_YEAR_FIRST.match(h) for h in heads_text):
            return "ymd", "iso"
        if any(_LETTERS.search(h) for h in heads_text):
            return "ymd", "names"  # 13-NOV-26, Nov 13, 13 de noviembre
        if any(_COMPACT.match(h) for h in heads_text):
            return "ymd", "compact"  # 20261113195812
        return "ymd", "iso"
    if max(firsts) > 12 and max(seconds) > 12:
        raise InputError("error.telephony_date_order", location=where)
    if max(firsts) > 12:
        return "dmy", "data"
    if max(seconds) > 12:
        return "mdy", "data"
    return "dmy", "assumed"


TXT = ("CASE WHEN datetime IS NOT NULL AND (time IS NULL OR contains(datetime, ':')) "
        "THEN datetime WHEN time IS NOT NULL THEN "
        "(CASE WHEN contains(coalesce(date, datetime), ' ') THEN regexp_extract("
        "coalesce(date, datetime), '^\\S+') ELSE coalesce(date, datetime) END)"
        " || ' ' || (CASE WHEN contains(time, ' ') THEN regexp_extract(time, "
        "'\\d{1,2}:\\d{2}.*$') ELSE time END) ELSE date END")


def fast_format(con: duckdb.DuckDBPyConnection, stage: str, order: str | None) -> str | None:
    """The ``strptime`` format most of the file's instants are written in (for the order
    decided), tried on the first rows; None when none fits. Rows it does not read (offsets,
    AM/PM, Excel serials, odd rows) go through the regular expression instead."""
    dates = {"dmy": ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"],
             "mdy": ["%m/%d/%Y", "%m-%d-%Y", "%m.%d.%Y"]}.get(order or "", ["%Y-%m-%d"])
    candidates = [d + t for d in dates for t in (" %H:%M:%S", "T%H:%M:%S", " %H:%M")]
    counts = con.execute(
        "SELECT " + ", ".join(f"count(try_strptime(trim(txt), '{c}'))" for c in candidates)
        + f", count(*) FROM (SELECT {TXT} AS txt FROM {stage} LIMIT 500)").fetchone()
    if not counts or not counts[-1]:
        return None
    best = max(range(len(candidates)), key=lambda i: counts[i])
    return candidates[best] if counts[best] * 2 >= counts[-1] else None


def fixed_offset(heads: list[str], tz: str, order: str | None) -> int | None:
    """The zone's UTC offset in seconds when it is the same on every date of the file (no
    daylight-saving change inside it), so local instants convert by arithmetic; else None."""
    from datetime import date as day
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    tokens = [_TOKEN.match(h) for h in heads]
    zone = ZoneInfo(tz)
    days: set[day] = set()
    for t in tokens:
        if not t:
            continue
        x, y, z = int(t.group(1)), int(t.group(2)), int(t.group(3))
        try:
            if len(t.group(1)) == 4:
                days.add(day(x, y, z))
            else:
                d, m = (x, y) if order == "dmy" else (y, x)
                days.add(day(z + 2000 if z < 100 else z, m, d))
        except ValueError:
            continue  # an impossible date: that row is rejected anyway
    if not days:
        return None
    offsets = set()
    first, last = min(days), max(days)
    if (last - first).days > 366 * 20:  # a stray date far away: convert row by row instead
        return None
    probe = datetime(first.year, first.month, first.day) - timedelta(days=1)
    end = datetime(last.year, last.month, last.day) + timedelta(days=2)
    while probe <= end:  # every 6 hours: any change of offset in the span shows
        found = probe.replace(tzinfo=zone).utcoffset()
        if found is None:
            return None
        offsets.add(int(found.total_seconds()))
        if len(offsets) > 1:
            return None
        probe += timedelta(hours=6)
    return offsets.pop()


def instant_sql(order: str | None, zone: str) -> str:
    """UTC instant of the parsed text ``m`` (struct of ``TS`` groups) and ``txt``."""
    day, month = ("m.p1", "m.p2") if order == "dmy" else ("m.p2", "m.p1")
    local = f"""try(make_timestamp(
        CASE WHEN m.y1 <> '' THEN m.y1::INT WHEN length(m.y2) = 2 THEN 2000 + m.y2::INT
             ELSE TRY_CAST(m.y2 AS INT) END,
        CASE WHEN m.y1 <> '' THEN m.m1::INT ELSE TRY_CAST({month} AS INT) END,
        CASE WHEN m.y1 <> '' THEN m.d1::INT ELSE TRY_CAST({day} AS INT) END,
        CASE WHEN m.ap = '' THEN coalesce(TRY_CAST(m.hh AS INT), 0)
             ELSE coalesce(TRY_CAST(m.hh AS INT), 0) % 12
                  + CASE WHEN upper(m.ap) = 'P' THEN 12 ELSE 0 END END,
        coalesce(TRY_CAST(m.mi AS INT), 0),
        coalesce(TRY_CAST(m.ss AS DOUBLE), 0) + coalesce(TRY_CAST('0.' || m.fr AS DOUBLE), 0)))"""
    serial = (f"CASE WHEN m.y1 = '' AND m.p1 = '' AND regexp_full_match(trim(txt), "
              f"'{_SERIAL}') THEN TIMESTAMP '1899-12-30' + to_microseconds("
              "(TRY_CAST(trim(txt) AS DOUBLE) * 86400000000)::BIGINT) ELSE " + local + " END")
    return f"""CASE WHEN m.off IN ('Z', 'UTC', 'GMT') THEN {local}
             WHEN m.off <> '' THEN {local} - to_minutes(
                  (CASE WHEN m.off[1] = '-' THEN -1 ELSE 1 END) *
                  (substr(replace(m.off, ':', ''), 2, 2)::INT * 60
                   + substr(replace(m.off, ':', ''), 4, 2)::INT))
             ELSE timezone('UTC', timezone('{zone}', {serial})) END"""
