"""When a line is active: events by hour and weekday in the case's zone, and its silent
periods (the longest gaps between consecutive events, e.g. a phone switched off)."""

from __future__ import annotations

import duckdb

from sabueso.telephony.result import Result

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def profile(con: duckdb.DuckDBPyConnection, case: str, number: str, tz: str,
            gaps: int = 10, min_gap_hours: float = 6.0) -> Result:
    zone = tz.replace("'", "''")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _act AS SELECT DISTINCT
            ts, kind, timezone('{zone}', timezone('UTC', ts)) AS local
        FROM (SELECT ts, kind FROM events WHERE line = $n
              UNION ALL SELECT ts, kind FROM peers WHERE peer = $n)""", {"n": number})
    grid = {(int(h), int(d)): int(c) for h, d, c in con.execute(
        "SELECT hour(local), isodow(local), count(*) FROM _act GROUP BY ALL").fetchall()}
    rows = [(f"{h:02d}", *(grid.get((h, d), 0) for d in range(1, 8)),
             sum(grid.get((h, d), 0) for d in range(1, 8))) for h in range(24)]
    silent = con.execute(f"""SELECT prev AS silent_from, ts AS silent_until,
            round(epoch(ts - prev) / 3600, 1) AS hours FROM (
              SELECT ts, lag(ts) OVER (ORDER BY ts) AS prev FROM (SELECT DISTINCT ts FROM _act))
        WHERE prev IS NOT NULL AND epoch(ts - prev) >= {float(min_gap_hours) * 3600}
        ORDER BY hours DESC, silent_from LIMIT {int(gaps)}""").fetchall()
    summary = con.execute("""SELECT count(*), min(ts), max(ts), count(DISTINCT local::DATE),
            count(*) FILTER (WHERE hour(local) >= 19 OR hour(local) < 7) FROM _act""").fetchone()
    con.execute("DROP TABLE _act")
    total, first, last, days, night = summary or (0, None, None, 0, 0)
    return Result("profile", case, ["hour", *WEEKDAYS, "total"], rows,
                  {"number": number, "tz": tz},
                  {"summary": {"events": total, "first": first, "last": last,
                               "active_days": days,
                               "night_share": round(night / total, 3) if total else None},
                   "silent_periods": [{"from": f, "until": u, "hours": h}
                                      for f, u, h in silent]})
