"""The staged text of a production to normalised events, in SQL over the whole table.

Python only sees distinct values (numbers through ``phones``, type and direction words); the
rest (instants, durations, IMEIs) is vectorised DuckDB SQL. Day/month order is decided per
file from all its dates (DESIGN.md §4); local instants are read in the given zone, explicit
offsets as written. Rows without a number or an instant are rejected into ``rejects`` with the
line, column, raw value and reason; damaged IMEIs are kept as warnings, never "repaired".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]

from sabueso.core.errors import InputError
from sabueso.telephony.phones import canonical

_TS = (r"^\s*(?:(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})|(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4}))"
       r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,](\d{1,6}))?\s*([AaPp])?\.?\s?(?:[Mm]\.?)?)?"
       r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?\s*$")
_TS_NAMES = "['y1','m1','d1','p1','p2','y2','hh','mi','ss','fr','ap','off']"
_SERIAL = r"^\d{5}(\.\d+)?$"

OUT_WORDS = {"saliente", "sal", "out", "outgoing", "mo", "moc", "originating", "originado",
             "enviado", "enviada", "sent", "smsmo", "salida", "realizada", "emitida"}
IN_WORDS = {"entrante", "ent", "in", "incoming", "mt", "mtc", "terminating", "terminado",
            "recibido", "recibida", "received", "smsmt", "entrada"}
TRANSIT_WORDS = {"transito", "transit", "routed", "reenvio", "transfer", "forward",
                 "forwarded", "desvio"}


def _words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return re.findall(r"[a-z0-9]+", plain.replace("sms-mo", "smsmo").replace("sms-mt", "smsmt"))


def classify(text: str | None) -> tuple[str, str | None]:
    """(kind, direction) of a type value: kind voice|sms|data|forward|other, direction
    out|in|transit|None."""
    if not text:
        return "voice", None
    words = _words(text)
    joined = " ".join(words)
    if any(w in ("sms", "smsmo", "smsmt", "mensaje", "mensajes", "mms", "text", "texto")
           for w in words):
        kind = "sms"
    elif any(w.startswith(("dato", "gprs", "data", "internet", "wifi", "lte")) for w in words):
        kind = "data"
    elif any(w.startswith(("voz", "llamada", "voice", "call", "moc", "mtc")) for w in words) \
            or words in (["mo"], ["mt"], ["in"], ["out"]):
        kind = "voice"
    elif any(w in TRANSIT_WORDS for w in words):
        kind = "forward"
    else:
        kind = "other"
    out = any(w in OUT_WORDS for w in words)
    inc = any(w in IN_WORDS for w in words)
    if out == inc:
        direction = "transit" if any(w in TRANSIT_WORDS for w in words) or \
            "transito" in joined else None
    else:
        direction = "out" if out else "in"
    return kind, direction


@dataclass(slots=True)
class Outcome:
    rows_read: int
    rows_kept: int
    rows_rejected: int
    warnings: int
    date_order: str | None
    date_order_basis: str
    target: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"rows_read": self.rows_read, "rows_kept": self.rows_kept,
                "rows_rejected": self.rows_rejected, "warnings": self.warnings,
                "date_order": self.date_order, "date_order_basis": self.date_order_basis,
                "target": self.target}


def _map_table(con: duckdb.DuckDBPyConnection, name: str, pairs: dict[str, Any],
               columns: tuple[str, ...]) -> None:
    keys = list(pairs)
    data: dict[str, list[Any]] = {"k": keys}
    for i, col in enumerate(columns):
        data[col] = [pairs[k][i] for k in keys]
    con.register(f"_{name}_arrow", pa.table({c: pa.array(v, pa.string())
                                             for c, v in data.items()}))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _{name}_arrow")
    con.unregister(f"_{name}_arrow")


def _decide_order(con: duckdb.DuckDBPyConnection, forced: str | None,
                  where: str) -> tuple[str | None, str]:
    p1, p2, n = con.execute(
        "SELECT max(TRY_CAST(t.p1 AS INT)), max(TRY_CAST(t.p2 AS INT)), count(t.p1) "
        "FROM _ts t WHERE t.p1 <> ''").fetchone() or (None, None, 0)
    if forced:
        return forced, "given"
    if not n:
        return "ymd", "iso"
    if (p1 or 0) > 12 and (p2 or 0) > 12:
        raise InputError("error.telephony_date_order", location=where)
    if (p1 or 0) > 12:
        return "dmy", "data"
    if (p2 or 0) > 12:
        return "mdy", "data"
    return "dmy", "assumed"


def normalise(con: duckdb.DuckDBPyConnection, stage: str, *, region: str | None, tz: str,
              date_order: str | None, where: str) -> Outcome:
    """Fill temp tables ``norm`` (events, no import ids yet) and ``rej`` from ``stage``."""
    # numbers: distinct written values through phonenumbers, joined back
    raws = [r[0] for r in con.execute(
        f"SELECT DISTINCT v FROM (SELECT line AS v FROM {stage} UNION ALL SELECT a FROM {stage}"
        f" UNION ALL SELECT b FROM {stage}) WHERE v IS NOT NULL").fetchall()]
    _map_table(con, "_num", {r: (canonical(r, region),) for r in raws}, ("v",))
    types = [r[0] for r in con.execute(
        f"SELECT DISTINCT coalesce(type, '') FROM {stage}").fetchall()]
    _map_table(con, "_typ", {t: classify(t) for t in types}, ("kind", "dir"))
    dirs = [r[0] for r in con.execute(
        f"SELECT DISTINCT coalesce(direction, '') FROM {stage}").fetchall()]
    _map_table(con, "_dir", {d: (classify(d)[1] if d else None,) for d in dirs}, ("dir",))
    # instants: one text per row (date part of the date column + time column), parsed by regex
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _ts AS SELECT line_no,
        CASE WHEN datetime IS NOT NULL THEN datetime
             WHEN time IS NOT NULL THEN regexp_extract(date, '^\\S+') || ' ' ||
                  regexp_extract(time, '\\d{{1,2}}:\\d{{2}}.*$')
             ELSE date END AS txt,
        unnest(regexp_extract(CASE WHEN datetime IS NOT NULL THEN datetime
             WHEN time IS NOT NULL THEN regexp_extract(date, '^\\S+') || ' ' ||
                  regexp_extract(time, '\\d{{1,2}}:\\d{{2}}.*$')
             ELSE date END, '{_TS}', {_TS_NAMES}))
        FROM {stage}""")
    order, basis = _decide_order(con, date_order, where)
    day, month = ("p1", "p2") if order == "dmy" else ("p2", "p1")
    local = f"""try(make_timestamp(
        CASE WHEN y1 <> '' THEN y1::INT WHEN length(y2) = 2 THEN 2000 + y2::INT
             ELSE TRY_CAST(y2 AS INT) END,
        CASE WHEN y1 <> '' THEN m1::INT ELSE TRY_CAST({month} AS INT) END,
        CASE WHEN y1 <> '' THEN d1::INT ELSE TRY_CAST({day} AS INT) END,
        coalesce(TRY_CAST(hh AS INT), 0) % 12 * (CASE WHEN ap = '' THEN 0 ELSE 1 END)
          + CASE WHEN ap = '' THEN coalesce(TRY_CAST(hh AS INT), 0)
                 WHEN upper(ap) = 'P' THEN 12 ELSE 0 END,
        coalesce(TRY_CAST(mi AS INT), 0),
        coalesce(TRY_CAST(ss AS DOUBLE), 0) + coalesce(TRY_CAST('0.' || fr AS DOUBLE), 0)))"""
    zone = tz.replace("'", "''")
    serial = (f"CASE WHEN y1 = '' AND p1 = '' AND regexp_full_match(trim(txt), '{_SERIAL}') "
              "THEN TIMESTAMP '1899-12-30' + to_microseconds("
              "(TRY_CAST(trim(txt) AS DOUBLE) * 86400000000)::BIGINT) ELSE " + local + " END")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _tsv AS SELECT line_no, txt,
        CASE WHEN off IN ('Z', 'UTC', 'GMT') THEN {local}
             WHEN off <> '' THEN {local} - to_minutes(
                  (CASE WHEN off[1] = '-' THEN -1 ELSE 1 END) *
                  (substr(replace(off, ':', ''), 2, 2)::INT * 60
                   + substr(replace(off, ':', ''), 4, 2)::INT))
             ELSE timezone('UTC', timezone('{zone}', {serial})) END AS ts,
        CASE WHEN off <> '' THEN 'offset' ELSE 'local' END AS ts_basis
        FROM _ts""")
    # the production's own line: the number in most rows, when it is in at least half of them
    target = con.execute(f"""SELECT v, count(*) c FROM (
            SELECT n.v, s.line_no FROM {stage} s JOIN _num n ON n.k = s.line
            UNION SELECT n.v, s.line_no FROM {stage} s JOIN _num n ON n.k = s.a
            UNION SELECT n.v, s.line_no FROM {stage} s JOIN _num n ON n.k = s.b)
        GROUP BY v ORDER BY c DESC, v LIMIT 2""").fetchall()
    total = con.execute(f"SELECT count(*) FROM {stage}").fetchone()
    rows_read = int(total[0]) if total else 0
    # a tie (both columns constant) names no target: the direction decides then
    tgt = str(target[0][0]) if target and rows_read and target[0][1] * 2 >= rows_read and (
        len(target) == 1 or target[1][1] < target[0][1]) else None
    tq = "NULL" if tgt is None else "'" + tgt.replace("'", "''") + "'"
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _ev AS SELECT s.line_no, s.part,
        nl.v AS l, na.v AS av, nb.v AS bv, s.a AS a_raw, s.b AS b_raw,
        coalesce(d.dir, ty.dir) AS d0, coalesce(ty.kind, 'voice') AS kind,
        t.ts, t.txt AS ts_text, t.ts_basis,
        CASE WHEN s.duration IS NULL THEN NULL
             WHEN s.duration LIKE '%:%' THEN (
               list_reduce(list_transform(string_split(s.duration, ':'),
                           lambda x: TRY_CAST(trim(x) AS DOUBLE)),
                           lambda acc, x: acc * 60 + x))::INT
             ELSE TRY_CAST(replace(s.duration, ',', '.') AS DOUBLE)::INT END AS duration,
        s.duration AS duration_raw,
        s.imei AS imei_raw,
        regexp_replace(regexp_replace(s.imei, '\\.0+$', ''), '[^0-9]', '', 'g') AS imei_d,
        s.imsi AS imsi_raw, regexp_replace(s.imsi, '[^0-9]', '', 'g') AS imsi_d,
        upper(trim(s.cell)) AS cell
        FROM {stage} s JOIN _tsv t USING (line_no)
        LEFT JOIN _num nl ON nl.k = s.line LEFT JOIN _num na ON na.k = s.a
        LEFT JOIN _num nb ON nb.k = s.b
        LEFT JOIN _typ ty ON ty.k = coalesce(s.type, '')
        LEFT JOIN _dir d ON d.k = coalesce(s.direction, '')""")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE norm AS SELECT line_no, part,
        CASE WHEN l IS NOT NULL THEN l
             WHEN {tq} IS NOT NULL AND av = {tq} THEN av
             WHEN {tq} IS NOT NULL AND bv = {tq} THEN bv
             WHEN d0 = 'in' THEN coalesce(bv, av) ELSE coalesce(av, bv) END AS line,
        CASE WHEN l IS NOT NULL THEN (CASE WHEN av = l THEN bv WHEN bv = l THEN av
                                           ELSE coalesce(bv, av) END)
             WHEN {tq} IS NOT NULL AND av = {tq} THEN bv
             WHEN {tq} IS NOT NULL AND bv = {tq} THEN av
             WHEN d0 = 'in' THEN (CASE WHEN bv IS NULL THEN NULL ELSE av END)
             ELSE (CASE WHEN av IS NULL THEN NULL ELSE bv END) END AS peer,
        coalesce(d0, CASE WHEN coalesce(l, {tq}) IS NULL THEN NULL
                          WHEN av = coalesce(l, {tq}) THEN 'out'
                          WHEN bv = coalesce(l, {tq}) THEN 'in' END) AS direction,
        kind, ts, ts_text, ts_basis, duration, duration_raw, a_raw, b_raw,
        CASE WHEN length(imei_d) BETWEEN 14 AND 16
                  AND NOT regexp_matches(imei_raw, '[eE][+]?[0-9]') THEN imei_d END AS imei,
        CASE WHEN length(imei_d) BETWEEN 14 AND 16
                  AND NOT regexp_matches(imei_raw, '[eE][+]?[0-9]') THEN left(imei_d, 14)
             END AS imei14,
        CASE WHEN imei_raw IS NULL THEN NULL
             WHEN regexp_matches(imei_raw, '[0-9][eE][+]?[0-9]') THEN 'excel_scientific'
             WHEN regexp_matches(imei_raw, '\\.0+$') THEN 'excel_float'
             WHEN length(imei_d) = 14 THEN 'no_check_digit'
             WHEN length(imei_d) IN (12, 13) THEN 'leading_zero_lost'
             WHEN length(imei_d) NOT BETWEEN 14 AND 16 THEN 'not_an_imei' END AS imei_flag,
        imei_raw,
        CASE WHEN length(imsi_d) BETWEEN 14 AND 15 THEN imsi_d END AS imsi, imsi_raw, cell
        FROM _ev""")
    con.execute("""CREATE OR REPLACE TEMP TABLE rej AS
        SELECT line_no, part, 'error' AS severity, 'datetime' AS column_name, ts_text AS raw,
               'unreadable_instant' AS reason FROM norm WHERE ts IS NULL
        UNION ALL SELECT line_no, part, 'error', 'a', coalesce(a_raw, b_raw, ''),
               'no_number' FROM norm WHERE ts IS NOT NULL AND line IS NULL
        UNION ALL SELECT line_no, part, 'warning', 'imei', imei_raw, imei_flag
               FROM norm WHERE imei_flag IN ('excel_scientific', 'excel_float',
                                             'leading_zero_lost', 'not_an_imei')
        UNION ALL SELECT line_no, part, 'warning', 'duration', duration_raw,
               'unreadable_duration' FROM norm WHERE duration_raw IS NOT NULL
                                                 AND duration IS NULL""")
    con.execute("DELETE FROM norm WHERE ts IS NULL OR line IS NULL")
    counts = con.execute("SELECT (SELECT count(*) FROM norm), "
                         "(SELECT count(*) FROM rej WHERE severity = 'error'), "
                         "(SELECT count(*) FROM rej WHERE severity = 'warning')").fetchone()
    kept, rejected, warnings = (int(x) for x in counts) if counts else (0, 0, 0)
    for name in ("_num", "_typ", "_dir", "_ts", "_tsv", "_ev"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    return Outcome(rows_read, kept, rejected, warnings, order, basis, tgt)
