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

from sabueso.telephony.instants import (
    TS,
    TS_NAMES,
    TXT,
    decide_order,
    fast_format,
    fixed_offset,
    instant_sql,
    plain_sql,
)
from sabueso.telephony.phones import SCIENTIFIC, canonical, sql_fast
from sabueso.telephony.store import SUMMARIES

OUT_WORDS = {"saliente", "sal", "out", "outgoing", "mo", "moc", "originating", "originado",
             "originada", "enviado", "enviada", "sent", "smsmo", "salida", "realizada",
             "realizado", "emitida", "emitido"}
IN_WORDS = {"entrante", "ent", "in", "incoming", "mt", "mtc", "terminating", "terminado",
            "terminada", "recibido", "recibida", "received", "smsmt", "entrada"}
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
    if kind == "other" and out != inc:
        kind = "voice"  # "SALIENTE", "Incoming": a call unless the type says otherwise
    if out == inc:
        direction = "transit" if any(w in TRANSIT_WORDS for w in words) or \
            "transito" in joined else None
    else:
        direction = "out" if out else "in"
    return kind, direction


_LETTERS = {"s": "out", "o": "out", "e": "in", "i": "in", "r": "in", "t": "transit"}


def _direction(text: str) -> str | None:
    """A direction column's value: words as in ``classify``, or one letter (S/E, O/I)."""
    if not text:
        return None
    words = _words(text)
    if len(words) == 1 and len(words[0]) == 1:
        return _LETTERS.get(words[0])
    return classify(text)[1]


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


def _place_key(t: str = "") -> str:
    """SQL: the coordinates and azimuth of a record as written, as one text (``t``: the
    table's alias with its dot)."""
    return (f"trim({t}lat) || chr(31) || trim({t}lon) || chr(31) || "
            f"coalesce(trim({t}azimuth), '')")


def _place_name(lat: float, lon: float, azimuth: float | None) -> str:
    """The cell a record without a cell identifier is placed on: its coordinates as read
    (degrees to 5 decimals, about a metre) and its sector's azimuth, so the same site written
    in degrees-minutes-seconds by one production and in decimals by another is one cell, and
    two sectors of one site are two."""
    name = f"LL {lat:.5f} {lon:.5f}"
    return name if azimuth is None else f"{name} A{azimuth:g}"


def _places(con: duckdb.DuckDBPyConnection, stage: str,
            import_id: int) -> None:
    """Coordinates written on the records themselves (Mexican sabanas, some dumps): the temp
    map ``_ll`` (coordinates as written -> the cell's name, for the records without a cell
    identifier) and the cells of this import."""
    from sabueso.telephony.cells import _number, coordinate

    found = con.execute(f"""SELECT upper(trim(cell)), trim(lat), trim(lon), trim(azimuth),
            {_place_key()}, min(line_no)
        FROM {stage} WHERE lat IS NOT NULL AND lon IS NOT NULL GROUP BY ALL""").fetchall()
    names: dict[str, tuple[str]] = {}
    rows = []
    for cell, lat_t, lon_t, azimuth_t, key, line_no in found:
        lat, lon = coordinate(lat_t, "lat"), coordinate(lon_t, "lon")
        azimuth = _number(azimuth_t)
        if azimuth is not None and not 0 <= azimuth <= 360:
            azimuth = None
        if lat is None or lon is None:
            continue  # the record keeps the coordinates as written for a name, with no place
        name = _place_name(lat, lon, azimuth)
        names[key] = (name,)
        rows.append([import_id, line_no, cell or name, lat, lon, azimuth, None, None])
    _map_table(con, "_ll", names, ("v",))
    if rows:
        con.executemany("INSERT INTO cells VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)


_IMEI_WARNINGS = "('excel_scientific', 'excel_float', 'leading_zero_lost', 'not_an_imei')"


def _survey(con: duckdb.DuckDBPyConnection, stage: str) -> dict[str, Any]:
    """One read of the staged rows for what the normalisation decides before it writes: the
    distinct numbers of each column with their counts (``_p1``: the E.164 map and the
    production's own line), types, directions, leading dates (day/month order, the zone's
    offsets), the number of rows and whether rows carry coordinates."""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _p1 AS SELECT
            grouping(line) AS gl, grouping(a) AS ga, grouping(b) AS gb, grouping(ty) AS gt,
            grouping(di) AS gd, grouping(head) AS gh, line, a, b, ty, di, head,
            count(*) AS n, count(*) FILTER (WHERE a IS DISTINCT FROM line) AS na,
            count(*) FILTER (WHERE b IS DISTINCT FROM line) AS nb,
            count(*) FILTER (WHERE lat IS NOT NULL AND lon IS NOT NULL) AS placed
        FROM (SELECT line, a, b, coalesce(type, '') AS ty, coalesce(direction, '') AS di,
                     left(trim(coalesce(datetime, date)), 10) AS head, lat, lon FROM {stage})
        GROUP BY GROUPING SETS ((line), (a), (b), (ty), (di), (head), ())""")
    heads = [r[0] for r in con.execute(
        "SELECT head FROM _p1 WHERE gh = 0 AND head IS NOT NULL").fetchall()]
    total = con.execute("SELECT n, placed FROM _p1 WHERE gl + ga + gb + gt + gd + gh = 6"
                        ).fetchone()
    return {"heads": heads, "rows": int(total[0]) if total else 0,
            "placed": bool(total and total[1])}


def _rejects(con: duckdb.DuckDBPyConnection, stage: str, import_id: int) -> None:
    """What did not parse (rows marked in ``events.problems``), with the values as written:
    the staged rows are read again only when there is something to report."""
    con.execute("""CREATE OR REPLACE TEMP TABLE _bad AS SELECT line_no, part, problems,
            imei_flag FROM events WHERE import_id = $i AND problems > 0""", {"i": import_id})
    found = con.execute("SELECT count(*) FROM _bad").fetchone()
    if found and found[0]:
        con.execute(f"""INSERT INTO rejects WITH r AS (
                SELECT s.line_no, s.part, b.problems, b.imei_flag, {TXT} AS txt,
                       coalesce(s.a, s.b, s.line, '') AS num, s.imei, s.duration,
                       s.line AS n_line, s.a AS n_a, s.b AS n_b
                FROM {stage} s JOIN _bad b ON b.line_no = s.line_no AND b.part = s.part)
            -- a row with no date or time at all is often a totals line or a footer: its text
            SELECT $i, line_no, part, 'error', 'datetime', coalesce(nullif(trim(txt), ''), num),
                   CASE WHEN nullif(trim(txt), '') IS NULL THEN 'no_instant'
                        ELSE 'unreadable_instant' END
              FROM r WHERE problems & 1 <> 0
            UNION ALL SELECT $i, line_no, part, 'error', 'a', num, 'no_number'
              FROM r WHERE problems & 2 <> 0
            UNION ALL SELECT $i, line_no, part, 'warning', 'imei', imei, imei_flag
              FROM r WHERE problems & 4 <> 0
            UNION ALL SELECT $i, line_no, part, 'warning', 'duration', duration,
                   'unreadable_duration' FROM r WHERE problems & 8 <> 0
            UNION ALL SELECT $i, line_no, part, 'warning', col, raw, 'number_scientific'
              FROM (SELECT line_no, part, unnest([{{'col': 'line', 'raw': n_line}},
                                                  {{'col': 'a', 'raw': n_a}},
                                                  {{'col': 'b', 'raw': n_b}}], recursive := true)
                    FROM r WHERE problems & 16 <> 0)
              WHERE regexp_full_match(raw, '{SCIENTIFIC}')""", {"i": import_id})
    con.execute("DROP TABLE _bad")


def normalise(con: duckdb.DuckDBPyConnection, stage: str, *, region: str | None, tz: str,
              date_order: str | None, where: str, import_id: int,
              label: str | None = None) -> Outcome:
    """Insert the events of ``stage`` (in the caller's transaction) into ``events`` under
    ``import_id``, and what did not parse into ``rejects``. The staged rows are read twice:
    once for what must be decided first (``_survey``), once to write the records."""
    survey = _survey(con, stage)
    # numbers: distinct written values; the common forms in SQL, the rest through phonenumbers
    # (a number in scientific notation has lost digits: no value, and a warning on its rows)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _num AS SELECT k, CASE WHEN sci THEN NULL
            ELSE {sql_fast('k', region)} END AS v, sci
        FROM (SELECT k, regexp_full_match(k, '{SCIENTIFIC}') AS sci FROM (
              SELECT DISTINCT k FROM (SELECT line AS k FROM _p1 WHERE gl = 0 UNION ALL
              SELECT a FROM _p1 WHERE ga = 0 UNION ALL SELECT b FROM _p1 WHERE gb = 0)
              WHERE k IS NOT NULL))""")
    slow = [r[0] for r in con.execute("SELECT k FROM _num WHERE v IS NULL AND NOT sci"
                                      ).fetchall()]
    if slow:
        _map_table(con, "_slow", {r: (canonical(r, region) or None,) for r in slow}, ("v",))
        con.execute("UPDATE _num SET v = _slow.v FROM _slow WHERE _num.k = _slow.k")
        con.execute("DROP TABLE _slow")
    types = [r[0] for r in con.execute("SELECT ty FROM _p1 WHERE gt = 0").fetchall()]
    _map_table(con, "_typ", {t: classify(t) for t in types}, ("kind", "dir"))
    dirs = [r[0] for r in con.execute("SELECT di FROM _p1 WHERE gd = 0").fetchall()]
    _map_table(con, "_dir", {d: (_direction(d),) for d in dirs}, ("dir",))
    heads = survey["heads"]
    order, basis = decide_order(heads, date_order, where)
    zone = tz.replace("'", "''")
    txt = TXT
    fmt = fast_format(con, stage, order)
    offset = fixed_offset(heads, tz, order)
    to_utc = (f"fts - to_seconds({offset}::BIGINT)" if offset is not None
              else f"timezone('UTC', timezone('{zone}', fts))")
    fast_ts = f"try_strptime(trim(txt), '{fmt}')" if fmt else "NULL::TIMESTAMP"
    # the production's own line: the number in most rows, when it is in at least half of them
    target = con.execute("""SELECT n.v, sum(c) AS c FROM (
            SELECT k, sum(c) AS c FROM (SELECT line AS k, n AS c FROM _p1 WHERE gl = 0
                UNION ALL SELECT a, na FROM _p1 WHERE ga = 0 AND na > 0
                UNION ALL SELECT b, nb FROM _p1 WHERE gb = 0 AND nb > 0) GROUP BY k) r
        JOIN _num n ON n.k = r.k GROUP BY n.v ORDER BY c DESC, n.v LIMIT 2""").fetchall()
    rows_read = survey["rows"]
    # a tie (both columns constant) names no target: the direction decides then
    # (a tower dump, labelled, has no line of its own: every row is the line on the cell)
    tgt = str(target[0][0]) if label is None and target and rows_read and \
        target[0][1] * 2 >= rows_read and (
        len(target) == 1 or target[1][1] < target[0][1]) else None
    tq = "NULL" if tgt is None else "'" + tgt.replace("'", "''") + "'"
    # each import's records are stored in order of their line (a question about one line then
    # reads a row group or two); each keeps its line number, counted in the file's order by
    # the staged rows. ``problems`` marks what ``_rejects`` must report (bits: 1 no instant,
    # 2 no number, 4 damaged IMEI, 8 unreadable duration, 16 a number in scientific notation):
    # usually nothing, and then the file is not read a third time.
    # the staged rows may be a view over the file, whose size DuckDB cannot estimate: the
    # joins are kept as written (the small maps are the build sides, the rows stream through)
    # a record without a cell identifier but with coordinates is placed on the cell they name
    if survey["placed"]:
        _places(con, stage, import_id)
        placed = "coalesce(ll.v, 'LL ' || trim(s.lat) || ' ' || trim(s.lon))"
        place_join = f"LEFT JOIN _ll ll ON ll.k = {_place_key('s.')}"
    else:
        placed, place_join = "NULL::VARCHAR", ""
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET disabled_optimizers = 'join_order,build_side_probe_side'")
    # (what is the same on every row, and imei14, a function of imei, are added after the
    # sort: less to sort, which at 10 M records does not fit in memory)
    con.execute(f"""INSERT INTO events (import_id, label, line_no, part, line, peer,
            direction, kind, ts, duration, imei, imei14, imei_flag, imsi, cell, problems)
        SELECT $import_id, $label, line_no, part, line, peer, direction, kind, ts, duration,
               imei, left(imei, 14), imei_flag, imsi, cell, problems FROM (
        SELECT * EXCLUDE (dur, sci),
            (CASE WHEN ts IS NULL THEN 1 WHEN line IS NULL THEN 2 ELSE 0 END
            + CASE WHEN imei_flag IN {_IMEI_WARNINGS} THEN 4 ELSE 0 END
            + CASE WHEN duration IS NULL AND dur IS NOT NULL THEN 8 ELSE 0 END
            + CASE WHEN sci THEN 16 ELSE 0 END)::UTINYINT AS problems
        FROM (
        WITH p AS (SELECT s.line_no, s.part, s.duration AS dur, s.imei AS imei_raw,
                          regexp_full_match(s.imei, '[0-9]*') AS imei_ok,
                          CASE WHEN imei_ok THEN s.imei
                               ELSE regexp_replace(regexp_replace(s.imei, '\\.0+$', ''),
                                                   '[^0-9]', '', 'g') END AS imei_d,
                          CASE WHEN regexp_full_match(s.imsi, '[0-9]*') THEN s.imsi
                               ELSE regexp_replace(s.imsi, '[^0-9]', '', 'g') END AS imsi_d,
                          coalesce(upper(trim(s.cell)), CASE WHEN s.lat IS NOT NULL AND
                              s.lon IS NOT NULL THEN {placed} END) AS cell,
                          {txt} AS txt, nl.v AS l, na.v AS av, nb.v AS bv,
                          coalesce(nl.sci, FALSE) OR coalesce(na.sci, FALSE)
                              OR coalesce(nb.sci, FALSE) AS sci,
                          coalesce(d.dir, ty.dir) AS d0, coalesce(ty.kind, 'voice') AS kind
                   FROM {stage} s LEFT JOIN _num nl ON nl.k = s.line
                   LEFT JOIN _num na ON na.k = s.a LEFT JOIN _num nb ON nb.k = s.b
                   LEFT JOIN _typ ty ON ty.k = coalesce(s.type, '')
                   LEFT JOIN _dir d ON d.k = coalesce(s.direction, '')
                   {place_join}),
             f0 AS (SELECT p.*, {fast_ts} AS fts0 FROM p),
             f AS (SELECT f0.*, CASE WHEN year(fts0) >= 1900 THEN fts0 END AS fts FROM f0),
             q AS (SELECT f.*, CASE WHEN fts IS NULL THEN
                          regexp_extract({plain_sql('txt')}, '{TS}', {TS_NAMES}) END AS m FROM f)
        SELECT line_no, part,
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
        coalesce(d0, CASE WHEN coalesce(l, {tq}) IS NULL THEN
                              -- the A party is the calling one: the row's line is A
                              (CASE WHEN av IS NOT NULL AND bv IS NOT NULL THEN 'out' END)
                          WHEN av = coalesce(l, {tq}) THEN 'out'
                          WHEN bv = coalesce(l, {tq}) THEN 'in' END) AS direction,
        kind, CASE WHEN fts IS NOT NULL THEN {to_utc}
                   ELSE {instant_sql(order, zone)} END AS ts,
        CASE WHEN dur IS NULL THEN NULL
             WHEN dur LIKE '%:%' THEN (
               list_reduce(list_transform(string_split(dur, ':'),
                           lambda x: TRY_CAST(trim(x) AS DOUBLE)),
                           lambda acc, x: acc * 60 + x))::INT
             ELSE TRY_CAST(replace(dur, ',', '.') AS DOUBLE)::INT END AS duration,
        CASE WHEN length(imei_d) BETWEEN 14 AND 16
                  AND (imei_ok OR NOT regexp_matches(imei_raw, '[eE][+]?[0-9]'))
             THEN imei_d END AS imei,
        CASE WHEN imei_raw IS NULL THEN NULL
             WHEN NOT imei_ok AND regexp_matches(imei_raw, '[0-9][eE][+]?[0-9]')
                  THEN 'excel_scientific'
             WHEN NOT imei_ok AND regexp_matches(imei_raw, '\\.0+$') THEN 'excel_float'
             WHEN length(imei_d) = 14 THEN 'no_check_digit'
             WHEN length(imei_d) IN (12, 13) THEN 'leading_zero_lost'
             WHEN length(imei_d) NOT BETWEEN 14 AND 16 THEN 'not_an_imei' END AS imei_flag,
        CASE WHEN length(imsi_d) BETWEEN 14 AND 15 THEN imsi_d END AS imsi,
        cell, dur, sci
        FROM q) ORDER BY line)""", {"import_id": import_id, "label": label})
    con.execute("RESET disabled_optimizers")
    _rejects(con, stage, import_id)
    con.execute("DELETE FROM events WHERE import_id = $i AND (ts IS NULL OR line IS NULL)",
                {"i": import_id})
    counts = con.execute(
        "SELECT (SELECT count(*) FROM events WHERE import_id = $i), "
        "(SELECT count(*) FROM rejects WHERE import_id = $i AND severity = 'error'), "
        "(SELECT count(*) FROM rejects WHERE import_id = $i AND severity = 'warning')",
        {"i": import_id}).fetchone()
    kept, rejected, warnings = (int(x) for x in counts) if counts else (0, 0, 0)
    for name in ("_num", "_typ", "_dir", "_p1", "_ll"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    return Outcome(rows_read, kept, rejected, warnings, order, basis, tgt)


def summarise(con: duckdb.DuckDBPyConnection, import_id: int) -> None:
    """The summaries of an import's events (``store.SUMMARIES``), in the caller's transaction."""
    con.execute("SET preserve_insertion_order = false")
    try:
        for statement in SUMMARIES.split(";"):
            if statement.strip():
                con.execute(statement, {"i": import_id})
    finally:
        con.execute("RESET preserve_insertion_order")
