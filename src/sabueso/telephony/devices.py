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


# above this many (silent line, later line) pairs, only numbers with enough contacts are paired
# (the same answer; it costs a degree count, cheaper than pairing thousands of one-off numbers)
_PAIRS_UNFILTERED = 1_000_000


def swaps(con: duckdb.DuckDBPyConnection, case: str, window_days: float = 7.0,
          min_share: float = 0.5, min_contacts: int = 3) -> Result:
    con.execute("""CREATE OR REPLACE TEMP TABLE _use AS SELECT line, imei14, imsi,
            min(first) AS first, max(last) AS last, sum(events) AS events
        FROM identities GROUP BY ALL""")
    # every switch in time order (A -> B -> A shows twice: a SIM-swap fraud's return too),
    # read from the records of the few lines and handsets that have more than one
    handset = con.execute("""WITH many AS (SELECT line FROM _use WHERE imei14 IS NOT NULL
                                          GROUP BY line HAVING count(DISTINCT imei14) > 1),
          seq AS (SELECT line, ts, imei14,
                         lag(imei14) OVER (PARTITION BY line ORDER BY ts, imei14) AS prev
                  FROM events WHERE imei14 IS NOT NULL AND line IN (SELECT line FROM many))
        SELECT 'handset_change' AS kind, line AS subject, prev AS old, imei14 AS new,
               ts AS at, NULL::DOUBLE AS score, NULL::VARCHAR AS detail
        FROM seq WHERE prev IS NOT NULL AND prev <> imei14""").fetchall()
    sim = con.execute("""WITH many AS (SELECT imei14 FROM _use WHERE imei14 IS NOT NULL
                                       GROUP BY imei14 HAVING count(DISTINCT line) > 1
                                       OR count(DISTINCT imsi) > 1),
          seq AS (SELECT imei14, ts, line, imsi,
                         lag(line) OVER w AS prev_line, lag(imsi) OVER w AS prev_imsi
                  FROM (SELECT DISTINCT imei14, ts, line, imsi FROM events
                        WHERE imei14 IN (SELECT imei14 FROM many))
                  WINDOW w AS (PARTITION BY imei14 ORDER BY ts, line, imsi))
        SELECT 'sim_change', imei14, prev_line || coalesce(' / ' || prev_imsi, ''),
               line || coalesce(' / ' || imsi, ''), ts, NULL::DOUBLE, NULL
        FROM seq WHERE prev_line IS NOT NULL
          AND (prev_line <> line OR coalesce(prev_imsi, imsi) <> coalesce(imsi, prev_imsi))
        """).fetchall()
    # takeover: lines that fall silent before the end, numbers that start after the beginning;
    # only those with enough contacts can be either side (the old line needs min_contacts,
    # the new one at least min_share of them): filtering before pairing keeps the candidate
    # pairs few where tower dumps hold thousands of numbers seen once; contact sets are built
    # only for the candidates
    span = """SELECT v, min(first) AS first, max(last) AS last FROM spans GROUP BY v"""
    sides = con.execute(f"""WITH span AS ({span}),
            bounds AS (SELECT min(first) AS t0, max(last) AS t1 FROM span)
        SELECT count(*) FILTER (WHERE s.last < b.t1 - INTERVAL 2 DAY),
               count(*) FILTER (WHERE s.first > b.t0 + INTERVAL 2 DAY)
        FROM span s, bounds b""").fetchone()
    crowded = sides is not None and int(sides[0] or 0) * int(sides[1] or 0) > _PAIRS_UNFILTERED
    keep_o = f"JOIN degc d ON d.v = o0.v WHERE d.n >= {int(min_contacts)}" if crowded else ""
    keep_n = (f"JOIN degc d ON d.v = n0.v WHERE d.n >= greatest(1, {float(min_share)} * "
              f"{int(min_contacts)})") if crowded else ""
    take = con.execute(f"""WITH span AS ({span}),
          bounds AS (SELECT min(first) AS t0, max(last) AS t1 FROM span),
          o0 AS (SELECT s.* FROM span s, bounds b WHERE s.last < b.t1 - INTERVAL 2 DAY),
          n0 AS (SELECT s.* FROM span s, bounds b WHERE s.first > b.t0 + INTERVAL 2 DAY),
          degc AS (SELECT u AS v, count(DISTINCT v) AS n FROM {EDGES}
                   WHERE u IN (SELECT v FROM o0 UNION SELECT v FROM n0) GROUP BY u),
          cand AS (SELECT o.v AS old, n.v AS new, o.last, n.first
              FROM (SELECT o0.* FROM o0 {keep_o}) o, (SELECT n0.* FROM n0 {keep_n}) n
              WHERE o.v <> n.v AND n.first BETWEEN o.last - INTERVAL 1 DAY
                                AND o.last + to_hours({float(window_days) * 24}::BIGINT)),
          who AS (SELECT old AS v FROM cand UNION SELECT new FROM cand),
          pairs AS (SELECT DISTINCT u AS v, v AS w FROM {EDGES}
                    WHERE u IN (SELECT v FROM who)),
          deg AS (SELECT v, count(*) AS n FROM pairs GROUP BY v)
        SELECT 'takeover', c.old, c.old, c.new, c.first,
               round(count(*) / any_value(d.n), 3) AS share,
               count(*) || '/' || any_value(d.n)
        FROM cand c JOIN deg d ON d.v = c.old AND d.n >= {int(min_contacts)}
        JOIN pairs po ON po.v = c.old JOIN pairs pn ON pn.v = c.new AND pn.w = po.w
        WHERE po.w NOT IN (c.old, c.new)
        GROUP BY c.old, c.new, c.first
        HAVING count(*) / any_value(d.n) >= {float(min_share)}
        ORDER BY share DESC, c.old, c.new""").fetchall()
    con.execute("DROP TABLE _use")
    handset = [(k, s, imei15(old), imei15(new), *rest) for k, s, old, new, *rest in handset]
    sim = [(k, imei15(s), *rest) for k, s, *rest in sim]
    rows = sorted(handset + sim, key=lambda r: (r[0], r[4], str(r[1]))) + take
    return Result("swaps", case, ["kind", "subject", "old", "new", "at", "score", "detail"],
                  rows, {"window_days": window_days, "min_share": min_share})
