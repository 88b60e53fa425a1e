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
from sabueso.telephony.store import EDGES


def calls_sql(match: str, exclude: str) -> str:
    """Records with a counterpart of the numbers ``match`` selects (``= $n``, ``IN (...)``),
    as (caller, callee, kind, ts, duration): their records (``events``, in order of line) and
    the records of others that name them (``peers``, in order of peer, ``exclude`` leaving out
    those already read), each a filter on one sorted column, so the store's zone maps skip
    every row group but a few. A call held by several productions comes once per production:
    callers count it once by (caller, callee, kind, ts)."""
    return f"""SELECT CASE WHEN direction = 'in' THEN peer ELSE line END AS caller,
           CASE WHEN direction = 'in' THEN line ELSE peer END AS callee, kind, ts, duration
    FROM events WHERE line {match} AND peer IS NOT NULL AND kind <> 'data'
    UNION ALL
    SELECT CASE WHEN direction = 'in' THEN peer ELSE line END,
           CASE WHEN direction = 'in' THEN line ELSE peer END, kind, ts, duration
    FROM peers WHERE peer {match} AND line {exclude} AND kind <> 'data'"""


# events of one number with a counterpart, as (caller, callee)
_CALLS = f"""SELECT caller, callee, kind, ts, max(duration) AS duration FROM (
    {calls_sql("= $n", "<> $n")})
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
      FROM ({_CALLS})
      WHERE caller = $n OR callee = $n
      GROUP BY contact ORDER BY events DESC, talk_seconds DESC, contact
      {"LIMIT " + str(int(limit)) if limit else ""}"""
    cur = con.execute(sql, {"n": number})
    cols = [d[0] for d in cur.description]
    return Result("top", case, cols, cur.fetchall(), {"number": number})


# above this many numbers, degrees are read from the contact graph in one scan rather than
# number by number from the records
_DEGREE_LOOKUPS = 200


def _degrees(con: duckdb.DuckDBPyConnection, numbers: list[str]) -> dict[str, int]:
    """Distinct valid contacts (non-data records) of each number: the contact graph's degree."""
    if not numbers:
        return {}
    if len(numbers) > _DEGREE_LOOKUPS:
        rows = con.execute(f"""SELECT u, count(DISTINCT v) FROM {EDGES}
            WHERE u IN (SELECT unnest($n::VARCHAR[])) GROUP BY u""", {"n": numbers}).fetchall()
        return {str(u): int(d) for u, d in rows}
    parts = []
    for i in range(len(numbers)):
        parts.append(f"SELECT ${i + 1} AS n, peer AS w FROM events WHERE line = ${i + 1} "
                     "AND peer LIKE '+%' AND kind <> 'data'")
        parts.append(f"SELECT ${i + 1}, line FROM peers WHERE peer = ${i + 1} "
                     "AND line LIKE '+%' AND kind <> 'data'")
    rows = con.execute("SELECT n, count(DISTINCT w) FROM (" + " UNION ALL ".join(parts)
                       + ") GROUP BY n", numbers).fetchall()
    return {str(n): int(d) for n, d in rows}


def common(con: duckdb.DuckDBPyConnection, case: str, numbers: list[str],
           min_targets: int = 2) -> Result:
    targets = sorted(set(numbers))
    columns = ["contact", "targets", "of_targets", "is_target", "degree"]
    if not targets:
        return Result("common", case, columns, [], {"numbers": targets, "min": min_targets})
    # each target's contacts by equality filters (zone maps), not a join over every record
    sides = " UNION ALL ".join(
        f"SELECT ${i + 1}::VARCHAR AS target, peer AS contact FROM events WHERE line = ${i + 1} "
        f"AND peer IS NOT NULL AND kind <> 'data' UNION ALL SELECT ${i + 1}, line FROM peers "
        f"WHERE peer = ${i + 1} AND kind <> 'data'" for i in range(len(targets)))
    k = len(targets) + 1
    hits = con.execute(f"""WITH pairs AS (SELECT DISTINCT target, contact FROM ({sides}))
        SELECT contact, count(DISTINCT target) AS targets,
               list(DISTINCT target ORDER BY target) AS of_targets
        FROM pairs WHERE contact LIKE '+%' GROUP BY contact
        HAVING count(DISTINCT target) >= ${k}""", [*targets, min_targets]).fetchall()
    degree = _degrees(con, sorted(str(h[0]) for h in hits))
    chosen = set(targets)
    rows = [(c, n, ", ".join(of), c in chosen, degree.get(c, 0)) for c, n, of in hits]
    rows.sort(key=lambda r: (-r[1], r[4], r[0].encode()))
    return Result("common", case, columns, rows, {"numbers": targets, "min": min_targets})


def _expand(con: duckdb.DuckDBPyConnection, side: str, hop: int) -> int:
    """One more level of the breadth-first search from ``side`` (a or b); how many numbers
    it reached for the first time."""
    con.execute(f"""INSERT INTO _par_{side} SELECT DISTINCT e.v, e.u, $h FROM {EDGES} e
        JOIN _seen_{side} s ON s.n = e.u AND s.hop = $h - 1
        WHERE e.v NOT IN (SELECT n FROM _seen_{side})""", {"h": hop})
    added = con.execute(f"INSERT INTO _seen_{side} SELECT DISTINCT n, $h FROM _par_{side} "
                        "WHERE hop = $h", {"h": hop}).fetchone()
    return int(added[0]) if added else 0


def _ancestors(con: duckdb.DuckDBPyConnection, side: str, depth: int) -> dict[str, list[str]]:
    """Parents (toward the side's start) of the meeting numbers and of their ancestors."""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _dag_{side} AS SELECT p.n, p.p, p.hop
        FROM _par_{side} p JOIN _meet m ON m.n = p.n""")
    for level in range(depth - 1, 0, -1):
        con.execute(f"INSERT INTO _dag_{side} SELECT n, p, hop FROM _par_{side} WHERE hop = $h "
                    f"AND n IN (SELECT p FROM _dag_{side} WHERE hop = $h + 1)", {"h": level})
    parents: dict[str, list[str]] = {}
    for n, p in con.execute(f"SELECT DISTINCT n, p FROM _dag_{side}").fetchall():
        parents.setdefault(n, []).append(p)
    return parents


def _chains(parents: dict[str, list[str]], start: str, node: str,
            limit: int) -> list[list[str]]:
    """Every chain start → node through ``parents`` (up to ``limit``)."""
    out: list[list[str]] = []

    def walk(at: str, tail: list[str]) -> None:
        if len(out) >= limit:
            return
        if at == start:
            out.append([start, *tail])
            return
        for p in sorted(parents.get(at, [])):
            walk(p, [at, *tail])

    walk(node, [])
    return out


def path(con: duckdb.DuckDBPyConnection, case: str, a: str, b: str, max_hops: int = 4,
         limit: int = 25) -> Result:
    """Every shortest chain from ``a`` to ``b`` (up to ``limit``): a breadth-first search from
    both ends over the case's contact graph, the smaller frontier first, in SQL."""
    hops = {"a": 0, "b": 0}
    for side, start in (("a", a), ("b", b)):
        con.execute(f"CREATE OR REPLACE TEMP TABLE _seen_{side} AS "
                    "SELECT $s::VARCHAR AS n, 0 AS hop", {"s": start})
        con.execute(f"CREATE OR REPLACE TEMP TABLE _par_{side} "
                    "(n VARCHAR, p VARCHAR, hop INTEGER)")
    sizes = {"a": 1, "b": 1}
    length = 0 if a == b else None
    while length is None and hops["a"] + hops["b"] < max_hops:
        side = "a" if sizes["a"] <= sizes["b"] else "b"
        hops[side] += 1
        sizes[side] = _expand(con, side, hops[side])
        if not sizes[side]:
            break
        met = con.execute("SELECT min(x.hop + y.hop) FROM _seen_a x JOIN _seen_b y "
                          "USING (n)").fetchone()
        length = int(met[0]) if met and met[0] is not None else None
    rows: list[tuple[Any, ...]] = []
    if length:
        con.execute("""CREATE OR REPLACE TEMP TABLE _meet AS SELECT n, x.hop AS ha, y.hop AS hb
            FROM _seen_a x JOIN _seen_b y USING (n) WHERE x.hop + y.hop = $l""", {"l": length})
        meets = con.execute("SELECT n, ha, hb FROM _meet ORDER BY n").fetchall()
        up = _ancestors(con, "a", hops["a"])
        down = _ancestors(con, "b", hops["b"])
        chains: list[list[str]] = []
        for m, _ha, _hb in meets:
            for left in _chains(up, a, m, limit):
                for right in _chains(down, b, m, limit):
                    if len(chains) < limit:
                        chains.append(left + right[::-1][1:])
        pairs = sorted({(c[j], c[j + 1]) for c in chains for j in range(len(c) - 1)})
        weights: dict[tuple[str, str], int] = {}
        if pairs:
            con.execute("CREATE OR REPLACE TEMP TABLE _hop (u VARCHAR, v VARCHAR)")
            con.executemany("INSERT INTO _hop VALUES (?, ?)", [list(p) for p in pairs])
            weights = {(u, v): int(n) for u, v, n in con.execute(
                f"SELECT e.u, e.v, sum(e.events) FROM {EDGES} e JOIN _hop h "
                "ON e.u = h.u AND e.v = h.v GROUP BY e.u, e.v").fetchall()}
        for i, chain in enumerate(sorted(chains), 1):
            per_hop = [weights.get((chain[j], chain[j + 1]), 0) for j in range(len(chain) - 1)]
            rows.append((i, len(chain) - 1, " → ".join(chain),
                         " · ".join(str(h) for h in per_hop), min(per_hop)))
    for name in ("_seen_a", "_seen_b", "_par_a", "_par_b", "_dag_a", "_dag_b", "_meet",
                 "_hop"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    return Result("path", case, ["path", "hops", "chain", "events_per_hop", "weakest_link"],
                  rows, {"from": a, "to": b, "max_hops": max_hops})
