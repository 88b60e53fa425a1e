"""Where: two lines on the same cell within a time window (co-location), identifiers present in
several labelled tower dumps (intersection), and a line's cells over time (timeline).

A cell is an area, not a position: co-location means the same serving cell at about the same
time, nothing more (research note §1.3–1.4). Tower dumps are ranked by scenes hit and then by
how many other places the identifier shows up in (labelled dumps outside the question, then
cells outside the scenes in any record of the case), so a courier seen everywhere falls below
the phones seen only at the scenes.
"""

from __future__ import annotations

import duckdb

from sabueso.telephony.cells import cell_forms, same_cell
from sabueso.telephony.result import Result, imei15


def _cells(keys: str) -> str:
    """CTEs of the case's cells whose LAC-CI (``k``) is among ``keys`` (a query of them):
    by identifier (``by_n``) and by LAC-CI (``by_k``) with how many identifiers share it. A
    record's cell is found as written, else by LAC-CI when that names one cell and one side is
    written LAC-CI (``cells.same_cell``)."""
    return f"""f AS (SELECT * FROM (SELECT {cell_forms("cell")} AS f, lat, lon, azimuth, name
                                FROM cells) WHERE f.k IN ({keys})),
    by_n AS (SELECT f.n AS n, any_value(lat) AS lat, any_value(lon) AS lon,
                    any_value(azimuth) AS azimuth, any_value(name) AS name
             FROM f GROUP BY f.n),
    by_k AS (SELECT f.k AS k, count(DISTINCT f.n) AS variants, bool_or(f.g = 2) AS short,
                    any_value(lat) AS lat, any_value(lon) AS lon,
                    any_value(azimuth) AS azimuth, any_value(name) AS name
             FROM f GROUP BY f.k)"""


def _place(forms: str) -> str:
    """SQL joins placing the cell of forms ``forms`` (``cn`` as written, ``ck`` by LAC-CI)."""
    return (f"LEFT JOIN by_n cn ON cn.n = {forms}.n "
            f"LEFT JOIN by_k ck ON cn.n IS NULL AND ck.k = {forms}.k AND ck.variants = 1 "
            f"AND {forms}.g >= 2 AND ({forms}.g = 2 OR ck.short)")


def colocation(con: duckdb.DuckDBPyConnection, case: str, a: str, b: str,
               window_s: int = 900) -> Result:
    # the same cell written in two forms (a CGI by one production, LAC-CI by another) meets
    cur = con.execute(f"""WITH
            ea AS (SELECT ts, cell, {cell_forms("cell")} AS f FROM (
                SELECT DISTINCT ts, cell FROM events WHERE line = $a AND cell IS NOT NULL)),
            eb AS (SELECT DISTINCT ts, {cell_forms("cell")} AS f FROM events
                   WHERE line = $b AND cell IS NOT NULL),
            {_cells("SELECT ea.f.k FROM ea")}
        SELECT DISTINCT ea.cell, ea.ts AS a_time, eb.ts AS b_time,
               abs(epoch(ea.ts) - epoch(eb.ts))::INT AS seconds_apart,
               coalesce(cn.lat, ck.lat) AS lat, coalesce(cn.lon, ck.lon) AS lon,
               coalesce(cn.name, ck.name) AS name
        FROM ea JOIN eb ON ea.f.k = eb.f.k AND {same_cell("ea.f", "eb.f")}
             AND eb.ts BETWEEN ea.ts - to_seconds({int(window_s)}::BIGINT)
                           AND ea.ts + to_seconds({int(window_s)}::BIGINT)
        {_place("ea.f")}
        ORDER BY a_time, b_time, ea.cell""", {"a": a, "b": b})
    rows = cur.fetchall()
    cells = len({r[0] for r in rows})
    days = len({r[1].date() for r in rows})
    return Result("colocation", case, [d[0] for d in cur.description], rows,
                  {"a": a, "b": b, "window_seconds": window_s},
                  {"summary": {"meetings": len(rows), "cells": cells, "days": days}})


def intersect(con: duckdb.DuckDBPyConnection, case: str, labels: list[str],
              min_labels: int = 2) -> Result:
    cur = con.execute("""WITH ids AS (
            SELECT label, 'number' AS type, line AS id, ts FROM events WHERE label IS NOT NULL
            UNION ALL SELECT label, 'imei', imei14, ts FROM events
                      WHERE label IS NOT NULL AND imei14 IS NOT NULL
            UNION ALL SELECT label, 'imsi', imsi, ts FROM events
                      WHERE label IS NOT NULL AND imsi IS NOT NULL),
          hit AS (SELECT type, id, count(DISTINCT label) AS scenes,
                         list(DISTINCT label ORDER BY label) AS at, min(ts) AS first,
                         max(ts) AS last
                  FROM ids WHERE label IN (SELECT unnest($labels::VARCHAR[]))
                  GROUP BY type, id HAVING count(DISTINCT label) >= $k),
          other AS (SELECT type, id, count(DISTINCT label) AS other_places FROM ids
                    WHERE label NOT IN (SELECT unnest($labels::VARCHAR[]))
                      AND (type, id) IN (SELECT (type, id) FROM hit) GROUP BY type, id),
          scene_cells AS (SELECT DISTINCT cell FROM events WHERE cell IS NOT NULL
                          AND label IN (SELECT unnest($labels::VARCHAR[]))),
          seen AS (
            SELECT 'number' AS type, line AS id, cell FROM events
            WHERE line IN (SELECT id FROM hit WHERE type = 'number')
            UNION ALL SELECT 'imei', imei14, cell FROM events
            WHERE imei14 IN (SELECT id FROM hit WHERE type = 'imei')
            UNION ALL SELECT 'imsi', imsi, cell FROM events
            WHERE imsi IN (SELECT id FROM hit WHERE type = 'imsi')),
          elsewhere AS (SELECT type, id, count(DISTINCT cell) AS other_cells FROM seen
                        WHERE cell IS NOT NULL AND cell NOT IN (SELECT cell FROM scene_cells)
                        GROUP BY type, id)
        SELECT h.id AS identifier, h.type, h.scenes, h.at AS labels,
               coalesce(o.other_places, 0) AS other_places,
               coalesce(x.other_cells, 0) AS other_cells, h.first, h.last
        FROM hit h LEFT JOIN other o USING (type, id) LEFT JOIN elsewhere x USING (type, id)
        ORDER BY h.scenes DESC, other_places, other_cells,
                 CASE h.type WHEN 'number' THEN 0 WHEN 'imei' THEN 1 ELSE 2 END, h.id""",
                      {"labels": sorted(set(labels)), "k": min_labels})
    rows = [tuple(", ".join(v) if isinstance(v, list) else v for v in r)
            for r in cur.fetchall()]
    rows = [(imei15(r[0]) if r[1] == "imei" else r[0], *r[1:]) for r in rows]
    return Result("intersect", case, [d[0] for d in cur.description], rows,
                  {"labels": sorted(set(labels)), "min": min_labels})


def timeline(con: duckdb.DuckDBPyConnection, case: str, number: str) -> Result:
    cur = con.execute(f"""WITH e AS (SELECT *, {cell_forms("cell")} AS f FROM (
              SELECT DISTINCT ON (ts, kind, peer, cell) * FROM events WHERE line = $n
              ORDER BY ts, kind, peer, cell, import_id, line_no)),
            {_cells("SELECT e.f.k FROM e")}
        SELECT e.ts AS time, e.kind, e.direction, e.peer, e.duration, e.cell,
               coalesce(cn.lat, ck.lat) AS lat, coalesce(cn.lon, ck.lon) AS lon,
               coalesce(cn.azimuth, ck.azimuth) AS azimuth, coalesce(cn.name, ck.name) AS name,
               i.item_id AS item, e.line_no AS line
        FROM e JOIN imports i ON i.import_id = e.import_id
        {_place("e.f")}
        ORDER BY e.ts, e.cell, e.kind, e.peer, e.import_id, e.line_no""", {"n": number})
    return Result("timeline", case, [d[0] for d in cur.description], cur.fetchall(),
                  {"number": number})
