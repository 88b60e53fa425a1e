"""The case's telephony store: one DuckDB file beside the database,
``<home>/derived/<case>/telephony.duckdb``, holding derived data only (rebuildable from the
vault and the ``telephony_imports`` rows).

Tables: ``events`` (one normalised record each, with its import, evidence item and line in
the file; each import's records stored in order of their line, so a question about one line
reads only the few row groups that hold it), ``peers`` (the records that have a counterpart,
again in order of that counterpart: the same question about the other side of the calls),
``cells`` (cell-site lists), ``rejects`` (what did not parse, with reasons) and
``imports`` (the imports it holds, so it can be reconciled with the database).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from sabueso.cases.access import CaseRow
from sabueso.core.errors import InputError
from sabueso.workspace import Workspace

# line and peer, and the contact graph's numbers, are stored uncompressed: analysing their
# many distinct values for compression took about a third of the import's writing, and
# scans of them are faster (the file grows by about half). Since version 6 ``events`` are in
# order of ``line`` within each import and ``peers`` in order of ``peer``, so the zone maps
# (min/max per row group) leave out all but a row group or two for ``line = X`` and
# ``peer = X``. (Version 7 computed ``imei14`` when read: it saved little of the import and
# made ``intersect``, which filters on it over every record, several times slower; 8 stores it.)
# Since 9 each pair of the contact graph is stored once (``u <= v``); ``EDGES`` reads it both
# ways, as the table held it before (half the rows to write). 10: a sector's azimuth written
# on the records (Mexican sabanas) is kept on the cells made from them.
STORE_VERSION = 10
DDL = """
CREATE TABLE IF NOT EXISTS meta (version INTEGER);
CREATE TABLE IF NOT EXISTS imports (import_id INTEGER PRIMARY KEY, sql_id INTEGER,
    key VARCHAR, kind VARCHAR, label VARCHAR, item_id INTEGER, rows_kept BIGINT);
CREATE TABLE IF NOT EXISTS events (import_id INTEGER, line_no INTEGER, part VARCHAR,
    label VARCHAR, line VARCHAR USING COMPRESSION uncompressed,
    peer VARCHAR USING COMPRESSION uncompressed, direction VARCHAR, kind VARCHAR,
    ts TIMESTAMP, duration INTEGER, imei VARCHAR, imei14 VARCHAR, imei_flag VARCHAR,
    imsi VARCHAR, cell VARCHAR, problems UTINYINT);
CREATE TABLE IF NOT EXISTS peers (import_id INTEGER,
    peer VARCHAR USING COMPRESSION uncompressed, line VARCHAR USING COMPRESSION uncompressed,
    direction VARCHAR, kind VARCHAR, ts TIMESTAMP, duration INTEGER);
CREATE TABLE IF NOT EXISTS cells (import_id INTEGER, line_no INTEGER, cell VARCHAR,
    lat DOUBLE, lon DOUBLE, azimuth DOUBLE, beamwidth DOUBLE, name VARCHAR);
CREATE TABLE IF NOT EXISTS rejects (import_id INTEGER, line_no INTEGER, part VARCHAR,
    severity VARCHAR, column_name VARCHAR, raw VARCHAR, reason VARCHAR);
CREATE TABLE IF NOT EXISTS identities (import_id INTEGER, line VARCHAR, imei14 VARCHAR,
    imsi VARCHAR, first TIMESTAMP, last TIMESTAMP, events BIGINT);
CREATE TABLE IF NOT EXISTS spans (import_id INTEGER, v VARCHAR, first TIMESTAMP,
    last TIMESTAMP);
CREATE TABLE IF NOT EXISTS edges (import_id INTEGER,
    u VARCHAR USING COMPRESSION uncompressed, v VARCHAR USING COMPRESSION uncompressed,
    events BIGINT);
"""
# Summaries written with each import (derived from its events in the same transaction):
# peers (the records with a counterpart, in order of it: per-number questions), identities
# (line, handset, SIM: devices and swaps), spans (first and last appearance of every number:
# takeovers) and edges (the contact graph, each pair once, valid numbers only: chains,
# degrees).
# Analyses over the whole case read these instead of every record.
SUMMARIES = """
INSERT INTO peers SELECT $i, * FROM (SELECT peer, line, direction, kind, ts, duration
    FROM events WHERE import_id = $i AND peer IS NOT NULL ORDER BY peer);
INSERT INTO identities SELECT $i, line, imei14, imsi, min(ts), max(ts), count(*)
    FROM events WHERE import_id = $i
    AND (imei14 IS NOT NULL OR imsi IS NOT NULL) GROUP BY line, imei14, imsi;
INSERT INTO spans SELECT $i, v, min(first), max(last) FROM (
    SELECT line AS v, min(ts) AS first, max(ts) AS last FROM events WHERE import_id = $i
    GROUP BY line
    UNION ALL SELECT peer, min(ts), max(ts) FROM events WHERE import_id = $i
    AND peer LIKE '+%' GROUP BY peer) GROUP BY v;
INSERT INTO edges WITH g AS (
    SELECT least(line, peer) AS x, greatest(line, peer) AS y, count(*) AS n FROM events
    WHERE import_id = $i AND peer LIKE '+%' AND line LIKE '+%' AND kind <> 'data'
    GROUP BY 1, 2)
    SELECT $i, x, y, n FROM g;
"""
# the contact graph both ways (each pair as (u, v) and (v, u)), for the analyses
EDGES = ("(SELECT import_id, u, v, events FROM edges UNION ALL "
         "SELECT import_id, v, u, events FROM edges WHERE u <> v)")
_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$")
MEMORY_LIMIT = "1500MB"


def store_dir(ws: Workspace, case: CaseRow) -> Path:
    name = case.ref if _SAFE.match(case.ref) else f"case-{case.id}"
    return ws.settings.home / "derived" / name


def store_path(ws: Workspace, case: CaseRow) -> Path:
    return store_dir(ws, case) / "telephony.duckdb"


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating when writable) a telephony store with its tables."""
    if read_only and not path.exists():
        read_only = False
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only,
                             config={"memory_limit": MEMORY_LIMIT})
    except duckdb.IOException as exc:  # another command is writing this case's store
        if "lock" not in str(exc).lower():
            raise
        raise InputError("error.telephony_busy", location=str(path)) from None
    con.execute("SET enable_progress_bar = false")  # never on a command's output
    if not read_only:
        con.execute(DDL)
        found = con.execute("SELECT max(version) FROM meta").fetchone()
        if found and found[0] is not None and found[0] != STORE_VERSION:
            # derived data of another layout: start again, ``sync`` reads the vault
            con.close()
            path.unlink()
            return connect(path)
        if not found or found[0] is None:
            con.execute("INSERT INTO meta VALUES (?)", [STORE_VERSION])
    return con


def next_import_id(con: duckdb.DuckDBPyConnection) -> int:
    found = con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchone()
    return int(found[0]) if found else 1


def drop_import(con: duckdb.DuckDBPyConnection, import_id: int) -> None:
    for table in ("events", "peers", "cells", "rejects", "identities", "spans", "edges", "imports"):
        con.execute(f"DELETE FROM {table} WHERE import_id = ?", [import_id])


__all__ = ["EDGES", "connect", "drop_import", "next_import_id", "store_dir", "store_path"]
