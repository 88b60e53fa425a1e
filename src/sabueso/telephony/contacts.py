"""Who talks to whom: ranked contacts, common contacts of several targets, contact chains.

A call between two lines that are both in the case appears in both productions (and maybe in
tower dumps); events are counted once per (caller, callee, kind, instant). Data sessions have
no counterpart and are left out. Only valid numbers (E.164) count as common contacts or as
links of a chain: short codes and service numbers would make every target look connected.
"""

from __future__ import annotations

from typing import Any

import duckdb

from sabueso.telephony.result import Result

# events with a counterpart, as (caller, callee), restricted by a condition on line/peer
_CALLS = """SELECT CASE WHEN direction = 'in' THEN peer ELSE line END AS caller,
       CASE WHEN direction = 'in' THEN line ELSE peer END AS callee,
       kind, ts, max(duration) AS duration
FROM events WHERE peer IS NOT NULL AND kind <> 'data' AND ({cond})
GROUP BY ALL"""


def top(con: duckdb.DuckDBPyConnection, case: str, number: str,
        limit: int | None = None) -> Result:
    sql = f"""SELECT CASE WHEN caller = $n THEN callee ELSE caller END AS contact,
        count(*) AS events,
        coalesce(sum(duration) FILTER (WHERE kind = 'voice'), 0) AS talk_seconds,
        count(*) FILTER (WHERE kind = 'voice') AS calls,
        count(*) FILTER (WHERE kind = 'sms') AS sms,
        count(*) FILTER (WHERE caller = $n) AS outgoing,
        count(*) FILTER (WHERE callee = $n) AS incoming,
        min(ts) AS first, max(ts) AS last
      FROM ({_CALLS.format(cond="line = $n OR peer = $n")})
      WHERE caller = $n OR callee = $n
      GROUP BY contact ORDER BY events DESC, talk_seconds DESC, contact
      {"LIMIT " + str(int(limit)) if limit else ""}"""
    cur = con.execute(sql, {"n": number})
    cols = [d[0] for d in cur.description]
    return Result("top", case, cols, cur.fetchall(), {"number": number})


def common(con: duckdb.DuckDBPyConnection, case: str, numbers: list[str],
           min_targets: int = 2) -> Result:
    targets = sorted(set(numbers))
    sql = """WITH t AS (SELECT unnest($targets::VARCHAR[]) AS target),
      pairs AS (SELECT DISTINCT t.target, CASE WHEN e.line = t.target THEN e.peer
                                              ELSE e.line END AS contact
                FROM events e JOIN t ON e.line = t.target OR e.peer = t.target
                WHERE e.peer IS NOT NULL AND e.kind <> 'data'),
      hits AS (SELECT contact, count(DISTINCT target) AS targets,
                      list(DISTINCT target ORDER BY target) AS of_targets
               FROM pairs WHERE contact LIKE '+%' GROUP BY contact
               HAVING count(DISTINCT target) >= $k),
      degree AS (SELECT v, count(DISTINCT w) AS degree FROM (
                   SELECT line AS v, peer AS w FROM events
                   WHERE line IN (SELECT contact FROM hits) AND peer IS NOT NULL
                   UNION ALL SELECT peer, line FROM events
                   WHERE peer IN (SELECT contact FROM hits)) GROUP BY v)
      SELECT h.contact, h.targets, h.of_targets, h.contact IN (SELECT target FROM t)
             AS is_target, coalesce(d.degree, 0) AS degree
      FROM hits h LEFT JOIN degree d ON d.v = h.contact
      ORDER BY h.targets DESC, degree, h.contact"""
    cur = con.execute(sql, {"targets": targets, "k": min_targets})
    cols = [d[0] for d in cur.description]
    rows = [tuple(", ".join(v) if isinstance(v, list) else v for v in r)
            for r in cur.fetchall()]
    return Result("common", case, cols, rows, {"numbers": targets, "min": min_targets})


def _edges(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""CREATE OR REPLACE TEMP TABLE _edges AS
        SELECT u, v, count(*) AS events FROM (
            SELECT line AS u, peer AS v FROM events WHERE peer LIKE '+%' AND kind <> 'data'
            UNION ALL SELECT peer, line FROM events WHERE peer LIKE '+%' AND kind <> 'data')
        GROUP BY u, v""")


def path(con: duckdb.DuckDBPyConnection, case: str, a: str, b: str, max_hops: int = 4,
         limit: int = 25) -> Result:
    """Every shortest chain from ``a`` to ``b`` (up to ``limit``), breadth first in SQL."""
    _edges(con)
    con.execute("CREATE OR REPLACE TEMP TABLE _seen AS SELECT $a::VARCHAR AS n, 0 AS hop",
                {"a": a})
    con.execute("CREATE OR REPLACE TEMP TABLE _par (n VARCHAR, p VARCHAR, hop INTEGER)")
    found = a == b
    hop = 0
    while not found and hop < max_hops:
        hop += 1
        con.execute("""INSERT INTO _par SELECT DISTINCT e.v, e.u, $h FROM _edges e
            JOIN _seen s ON s.n = e.u AND s.hop = $h - 1
            WHERE e.v NOT IN (SELECT n FROM _seen)""", {"h": hop})
        added = con.execute("""INSERT INTO _seen SELECT DISTINCT n, $h FROM _par
            WHERE hop = $h""", {"h": hop}).fetchone()
        if not added or not added[0]:
            break
        found = bool(con.execute("SELECT count(*) FROM _seen WHERE n = $b",
                                 {"b": b}).fetchone()[0])  # type: ignore[index]
    rows: list[tuple[Any, ...]] = []
    if found and a != b:
        # only the shortest-path ancestors of b, level by level (the BFS may have reached
        # most of the graph; none of that comes into Python)
        con.execute("CREATE OR REPLACE TEMP TABLE _dag AS SELECT n, p, hop FROM _par "
                    "WHERE n = $b", {"b": b})
        for level in range(hop - 1, 0, -1):
            con.execute("INSERT INTO _dag SELECT n, p, hop FROM _par WHERE hop = $h AND n IN "
                        "(SELECT p FROM _dag WHERE hop = $h + 1)", {"h": level})
        parents: dict[str, list[str]] = {}
        for n, p in con.execute("SELECT n, p FROM _dag").fetchall():
            parents.setdefault(n, []).append(p)
        weights = {(u, v): c for u, v, c in con.execute(
            "SELECT e.u, e.v, e.events FROM _edges e JOIN _dag d ON e.u = d.p AND e.v = d.n"
        ).fetchall()}
        chains: list[list[str]] = []

        def walk(node: str, tail: list[str]) -> None:
            if len(chains) >= limit:
                return
            if node == a:
                chains.append([a, *tail])
                return
            for p in sorted(parents.get(node, [])):
                walk(p, [node, *tail])

        walk(b, [])
        for i, chain in enumerate(chains, 1):
            hops = [weights.get((chain[j], chain[j + 1]), 0) for j in range(len(chain) - 1)]
            rows.append((i, len(chain) - 1, " → ".join(chain),
                         " · ".join(str(h) for h in hops), min(hops)))
    for name in ("_edges", "_seen", "_par", "_dag"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    return Result("path", case, ["path", "hops", "chain", "events_per_hop", "weakest_link"],
                  rows, {"from": a, "to": b, "max_hops": max_hops})
