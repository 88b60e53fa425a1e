"""Handsets and SIMs: the IMEI ↔ IMSI ↔ number history, and the changes an analyst looks for.

IMEIs are compared on their first 14 digits (type allocation code and serial): networks often
report the check digit as ``0``. Swaps are of three kinds: a line that changes handset
(``handset_change``), a handset that takes another line or SIM (``sim_change``: a burner in the
same phone), and a new line that takes over an old line's contacts after it falls silent
(``takeover``, scored by the share of the old line's contacts the new one reaches).
"""

from __future__ import annotations

import duckdb

from sabueso.telephony.result import Result, imei15
from sabueso.telephony.store import EDGES


def devices(con: duckdb.DuckDBPyConnection, case: str, value: str | None,
            number: str | None) -> Result:
    """Usage periods of every (line, IMEI, IMSI) seen; ``value`` filters by IMEI or IMSI
    digits, ``number`` by line."""
    digits = "".join(c for c in value or "" if c.isdigit())
    cond = "TRUE"
    params: dict[str, object] = {}
    if value:
        cond = "(line = $n OR imei14 = left($d, 14) OR imsi = $d)"
        params = {"n": number or value, "d": digits or "-"}
    cur = con.execute(f"""SELECT line, imei14 AS imei, imsi, sum(events) AS events,
            min(first) AS first, max(last) AS last
        FROM identities WHERE {cond}
        GROUP BY line, imei14, imsi ORDER BY first, line, imei, imsi""", params)
    cols = [d[0] for d in cur.description]
    at = cols.index("imei")
    rows = [(*r[:at], imei15(r[at]), *r[at + 1:]) for r in cur.fetchall()]
    return Result("devices", case, cols, rows, {"value": value})


# above this many candidate (silent line, later line) pairs, only numbers with enough contacts
# are paired (the same answer; it costs a degree count over the contact graph, cheaper than
# pairing thousands of one-off numbers, as tower dumps hold)
_PAIRS_UNFILTERED = 1_000_000
# values of ``col`` on more than one row of the handset summaries
_SEVERAL = """SELECT {col} FROM identities WHERE imei14 IS NOT NULL GROUP BY {col}
    HAVING count(*) > 1"""


def swaps(con: duckdb.DuckDBPyConnection, case: str, window_days: float = 7.0,
          min_share: float = 0.5, min_contacts: int = 3) -> Result:
    # every switch in time order (A -> B -> A shows twice: a SIM-swap fraud's return too),
    # read from the records of the few lines and handsets that have more than one. Those are
    # found in the per-import summaries (a value on one summary row has one handset, line and
    # SIM, so only values on several are compared; min <> max: more than one distinct value);
    # a handset's records are read through the lines that used it (records are in order of
    # line, so the store's zone maps leave out the rest)
    handset = con.execute(f"""WITH many AS (SELECT line FROM identities
                                           WHERE line IN ({_SEVERAL.format(col="line")})
                                           GROUP BY line HAVING min(imei14) <> max(imei14)),
          seq AS (SELECT line, ts, imei14,
                         lag(imei14) OVER (PARTITION BY line ORDER BY ts, imei14) AS prev
                  FROM events WHERE imei14 IS NOT NULL AND line IN (SELECT line FROM many))
        SELECT 'handset_change' AS kind, line AS subject, prev AS old, imei14 AS new,
               ts AS at, NULL::DOUBLE AS score, NULL::VARCHAR AS detail
        FROM seq WHERE prev IS NOT NULL AND prev <> imei14""").fetchall()
    sim = con.execute(f"""WITH many AS (SELECT imei14 FROM identities
                                        WHERE imei14 IN ({_SEVERAL.format(col="imei14")})
                                        GROUP BY imei14 HAVING min(line) <> max(line)
                                       OR min(imsi) <> max(imsi)),
          seq AS (SELECT imei14, ts, line, imsi,
                         lag(line) OVER w AS prev_line, lag(imsi) OVER w AS prev_imsi
                  FROM (SELECT DISTINCT imei14, ts, line, imsi FROM events
                        WHERE imei14 IN (SELECT imei14 FROM many)
                        AND line IN (SELECT line FROM identities
                                     WHERE imei14 IN (SELECT imei14 FROM many)))
                  WINDOW w AS (PARTITION BY imei14 ORDER BY ts, line, imsi))
        SELECT 'sim_change', imei14, prev_line || coalesce(' / ' || prev_imsi, ''),
               line || coalesce(' / ' || imsi, ''), ts, NULL::DOUBLE, NULL
        FROM seq WHERE prev_line IS NOT NULL
          AND (prev_line <> line OR coalesce(prev_imsi, imsi) <> coalesce(imsi, prev_imsi))
        """).fetchall()
    take = _takeovers(con, window_days, min_share, min_contacts)
    handset = [(k, s, imei15(old), imei15(new), *rest) for k, s, old, new, *rest in handset]
    sim = [(k, imei15(s), *rest) for k, s, *rest in sim]
    rows = sorted(handset + sim, key=lambda r: (r[0], r[4], str(r[1]))) + take
    return Result("swaps", case, ["kind", "subject", "old", "new", "at", "score", "detail"],
                  rows, {"window_days": window_days, "min_share": min_share})


def _span(con: duckdb.DuckDBPyConnection) -> None:
    """Temp table ``_span``: every number's first and last appearance over the case, and
    whether it falls silent two days before the end or starts two days after the beginning."""
    con.execute("""CREATE OR REPLACE TEMP TABLE _span AS
        WITH s AS (SELECT v, min(first) AS first, max(last) AS last FROM spans GROUP BY v),
             b AS (SELECT min(first) AS t0, max(last) AS t1 FROM s)
        SELECT s.*, s.last < b.t1 - INTERVAL 2 DAY AS silent,
               s.first > b.t0 + INTERVAL 2 DAY AS late FROM s, b""")


def _candidate_pairs(con: duckdb.DuckDBPyConnection, window: str) -> int:
    """How many (silent line, later number) pairs of ``_span`` fall in the window, without
    making them: for each silent line, the later numbers whose start falls in its window, by a
    running count over both sorted by time (a number both silent and later is paired with
    itself here: an upper bound, for a decision)."""
    found = con.execute(f"""SELECT coalesce(sum(sign * seen), 0) FROM (
            SELECT sign, sum(late::INT) OVER (ORDER BY t, o ROWS UNBOUNDED PRECEDING) AS seen
            FROM (SELECT first AS t, 1 AS o, TRUE AS late, 0 AS sign FROM _span WHERE late
                  UNION ALL SELECT last - INTERVAL 1 DAY, 0, FALSE, -1 FROM _span WHERE silent
                  UNION ALL SELECT last + {window}, 2, FALSE, 1 FROM _span WHERE silent))
        WHERE sign <> 0""").fetchone()
    return int(found[0]) if found else 0


def _takeovers(con: duckdb.DuckDBPyConnection, window_days: float, min_share: float,
               min_contacts: int) -> list[tuple[object, ...]]:
    """Lines that fall silent before the end, paired with numbers that start after the
    beginning within the window, scored by the share of the old line's contacts the new one
    reaches. Contact sets are built only for the candidates; where the candidate pairs are
    many (tower dumps: thousands of numbers seen once), only numbers with enough contacts are
    paired (the old line needs min_contacts, the new one at least min_share of them)."""
    window = f"to_hours({float(window_days) * 24}::BIGINT)"
    _span(con)
    crowded = _candidate_pairs(con, window) > _PAIRS_UNFILTERED
    keep_o = f"JOIN degc d ON d.v = o0.v WHERE d.n >= {int(min_contacts)}" if crowded else ""
    keep_n = (f"JOIN degc d ON d.v = n0.v WHERE d.n >= greatest(1, {float(min_share)} * "
              f"{int(min_contacts)})") if crowded else ""
    degc = (f"""degc AS (SELECT u AS v, count(DISTINCT v) AS n FROM {EDGES}
                   WHERE u IN (SELECT v FROM _span WHERE silent OR late) GROUP BY u),"""
            if crowded else "")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _cand AS WITH
          o0 AS (SELECT v, first, last FROM _span WHERE silent),
          n0 AS (SELECT v, first, last FROM _span WHERE late), {degc}
          cand AS (SELECT o.v AS old, n.v AS new, o.last, n.first
              FROM (SELECT o0.* FROM o0 {keep_o}) o, (SELECT n0.* FROM n0 {keep_n}) n
              WHERE o.v <> n.v AND n.first BETWEEN o.last - INTERVAL 1 DAY
                                AND o.last + {window})
        SELECT * FROM cand""")
    con.execute("DROP TABLE _span")
    found = con.execute("SELECT count(*) FROM _cand").fetchone()
    rows = [] if not (found and found[0]) else con.execute(f"""WITH
          who AS (SELECT old AS v FROM _cand UNION SELECT new FROM _cand),
          pairs AS (SELECT DISTINCT u AS v, v AS w FROM {EDGES}
                    WHERE u IN (SELECT v FROM who)),
          deg AS (SELECT v, count(*) AS n FROM pairs GROUP BY v)
        SELECT 'takeover', c.old, c.old, c.new, c.first,
               round(count(*) / any_value(d.n), 3) AS share,
               count(*) || '/' || any_value(d.n)
        FROM _cand c JOIN deg d ON d.v = c.old AND d.n >= {int(min_contacts)}
        JOIN pairs po ON po.v = c.old JOIN pairs pn ON pn.v = c.new AND pn.w = po.w
        WHERE po.w NOT IN (c.old, c.new)
        GROUP BY c.old, c.new, c.first
        HAVING count(*) / any_value(d.n) >= {float(min_share)}
        ORDER BY share DESC, c.old, c.new""").fetchall()
    con.execute("DROP TABLE _cand")
    return [tuple(r) for r in rows]
