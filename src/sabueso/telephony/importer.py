"""``sabueso cdr import`` and ``sabueso cells import``: operator files into the case.

Each file first enters the vault through ``ingest.intake.add_paths`` (an evidence item with
its hashes and ledger entry). It is then read from the vault into temp tables of the case's
telephony store and normalised there; only when that succeeded are the rows written, in one
DuckDB transaction nested inside the database transaction that records the import
(``telephony_imports`` row and ledger entry). A failure leaves the case as it was; the same
file with the same options again is a no-op that says so. The store is derived data: rows of
an import the database does not know are dropped, and imports it lacks are read again from
the vault (``sync``; ``rebuild`` starts from nothing).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import insert, select

from sabueso.cases.access import Action, CaseRow, authorize
from sabueso.core.canonical import canonical_json
from sabueso.core.errors import InputError, NotFound
from sabueso.core.timeutil import get_zone, utcnow
from sabueso.custody import ledger
from sabueso.ingest.intake import IntakeOptions, add_paths
from sabueso.store.schema import items
from sabueso.store.schema_telephony import telephony_imports
from sabueso.telephony import IMPORTER_VERSION, store
from sabueso.telephony.cells import normalise_cells
from sabueso.telephony.columns import CDR_ALIASES, CELL_ALIASES, Mapping
from sabueso.telephony.normalise import normalise
from sabueso.telephony.reader import load
from sabueso.workspace import Workspace


@dataclass(slots=True)
class ImportOptions:
    kind: str = "cdr"  # cdr | cells
    tz: str | None = None  # default: the case's zone
    region: str | None = None  # default: the case's country
    label: str | None = None  # a tower dump's scene
    operator: str | None = None
    mapping: Mapping | None = None
    date_order: str | None = None

    def material(self, tz: str, region: str | None) -> dict[str, Any]:
        return {"kind": self.kind, "tz": tz, "region": region, "label": self.label,
                "operator": self.operator, "date_order": self.date_order,
                "mapping": self.mapping.as_dict() if self.mapping else None,
                "version": IMPORTER_VERSION}


@dataclass(slots=True)
class ImportResult:
    file: str
    item: int
    import_id: int
    kind: str
    already: bool
    rows_read: int
    rows_kept: int
    rows_rejected: int
    details: dict[str, Any] = field(default_factory=dict)
    rejects: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "item": self.item, "import": self.import_id,
                "kind": self.kind, "already": self.already, "rows_read": self.rows_read,
                "rows_kept": self.rows_kept, "rows_rejected": self.rows_rejected,
                **self.details, "rejects": self.rejects}


def _derive(con: duckdb.DuckDBPyConnection, path: Path, where: str, kind: str,
            material: dict[str, Any]) -> dict[str, Any]:
    """Stage and normalise one file into temp tables (``norm`` or ``cellnorm``, ``rej``)."""
    mapping = None
    if material.get("mapping"):
        m = material["mapping"]
        mapping = Mapping(dict(m["columns"]), m.get("date_order"), m.get("header_row"))
    aliases = CELL_ALIASES if kind == "cells" else CDR_ALIASES
    try:
        layout = load(con, path, mapping, "stage", aliases, kind)
    except InputError as exc:
        exc.location = where + (exc.location[len(str(path)):] if exc.location and
                                exc.location.startswith(str(path)) else "")
        raise
    if kind == "cells":
        read, kept = normalise_cells(con, "stage")
        rejected = int((con.execute("SELECT count(*) FROM rej WHERE severity = 'error'")
                        .fetchone() or (0,))[0])
        outcome: dict[str, Any] = {"rows_read": read, "rows_kept": kept,
                                   "rows_rejected": rejected}
    else:
        order = material.get("date_order") or (mapping.date_order if mapping else None)
        outcome = normalise(con, "stage", region=material["region"], tz=material["tz"],
                            date_order=order, where=where).as_dict()
    con.execute("DROP TABLE stage")
    return {"layout": layout.as_dict(), **outcome}


def _write(con: duckdb.DuckDBPyConnection, import_id: int, item_id: int, kind: str,
           label: str | None, kept: int) -> None:
    """Move the temp tables into the store (inside the caller's DuckDB transaction)."""
    con.execute("DELETE FROM events WHERE import_id = ?", [import_id])
    con.execute("DELETE FROM cells WHERE import_id = ?", [import_id])
    con.execute("DELETE FROM rejects WHERE import_id = ?", [import_id])
    con.execute("DELETE FROM imports WHERE import_id = ?", [import_id])
    if kind == "cells":
        con.execute("INSERT INTO cells SELECT ?, ?, line_no, cell, lat, lon, azimuth, "
                    "beamwidth, name FROM cellnorm", [import_id, item_id])
    else:
        cols = ", ".join(store.EVENT_COLUMNS)
        con.execute(f"INSERT INTO events (import_id, item_id, label, {cols}) "
                    f"SELECT ?, ?, ?, {cols} FROM norm ORDER BY line, ts",
                    [import_id, item_id, label])
    con.execute("INSERT INTO rejects SELECT ?, line_no, part, severity, column_name, raw, "
                "reason FROM rej", [import_id])
    con.execute("INSERT INTO imports VALUES (?, ?, ?, ?, ?)",
                [import_id, kind, label, item_id, kept])


def _item_for(ws: Workspace, case: CaseRow, path: Path,
              opts: ImportOptions) -> tuple[int, int, str]:
    """Put ``path`` in the vault (or find it there): (item id, item no, sha256)."""
    source = " · ".join(x for x in (opts.operator, opts.label) if x) or None
    report = add_paths(ws, case.ref, [path], IntakeOptions(source=source, expand=False))
    if report.added:
        no = report.added[0].no
    elif report.already:
        no = report.already[0][1]
    else:
        failed = report.failed[0][1] if report.failed else None
        if failed:
            raise failed
        raise InputError("error.telephony_unreadable", location=str(path), reason="-")
    with ws.db.begin() as conn:
        row = conn.execute(select(items.c.id, items.c.no, items.c.blob_sha256).where(
            items.c.case_id == case.id, items.c.no == no)).one()
    return int(row.id), int(row.no), str(row.blob_sha256)


def _rejects(con: duckdb.DuckDBPyConnection, import_id: int,
             limit: int = 50) -> list[dict[str, Any]]:
    rows = con.execute("SELECT line_no, part, severity, column_name, raw, reason FROM rejects "
                       "WHERE import_id = ? ORDER BY severity, line_no LIMIT ?",
                       [import_id, limit]).fetchall()
    return [{"line": r[0], "sheet": r[1] or None, "severity": r[2], "column": r[3],
             "raw": r[4], "reason": r[5]} for r in rows]


def import_files(ws: Workspace, ref: str, paths: list[Path],
                 opts: ImportOptions) -> list[ImportResult]:
    """Import each file (each on its own: one bad file does not undo the others before it)."""
    actor, case = authorize(ws.db, ws.actor, ref, Action.ADD)
    tz = opts.tz or case.tz
    get_zone(tz)  # an unknown zone is a usage error before anything is written
    region = (opts.region or case.country or "").upper() or None
    for path in paths:
        if not path.is_file():
            raise NotFound("error.path_missing", location=str(path))
    results: list[ImportResult] = []
    con = store.connect(store.store_path(ws, case))
    try:
        sync(ws, case, con)
        for path in paths:
            results.append(_import_one(ws, case, actor.name, con, path, opts, tz, region))
    finally:
        con.close()
    return results


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _import_one(ws: Workspace, case: CaseRow, actor: str, con: duckdb.DuckDBPyConnection,
                path: Path, opts: ImportOptions, tz: str, region: str | None) -> ImportResult:
    sha256 = _sha256(path)
    material = opts.material(tz, region)
    key = hashlib.sha256(canonical_json({"sha256": sha256, **material}).encode()).hexdigest()
    with ws.db.begin() as conn:
        found = conn.execute(select(telephony_imports, items.c.no).join(
            items, items.c.id == telephony_imports.c.item_id).where(
            telephony_imports.c.case_id == case.id, telephony_imports.c.key == key)).first()
    if found is not None:
        return ImportResult(str(path), int(found.no), int(found.id), opts.kind, True,
                            int(found.rows_read), int(found.rows_kept), int(found.rows_rejected),
                            json.loads(found.options).get("outcome", {}),
                            _rejects(con, int(found.id)))
    # read first: a file that cannot be imported leaves the case as it was
    outcome = _derive(con, path, str(path), opts.kind, material)
    item_id, item_no, stored = _item_for(ws, case, path, opts)
    if stored != sha256:  # the file changed while it was read
        raise InputError("error.telephony_changed", location=str(path))
    options = {**material, "outcome": {k: v for k, v in outcome.items()
                                       if k not in ("rows_read", "rows_kept", "rows_rejected")}}
    details = {"item": item_no, "sha256": sha256, "kind": opts.kind, "label": opts.label,
               "operator": opts.operator, "region": region, "tz": tz,
               "mapping": material["mapping"], "rows_read": outcome["rows_read"],
               "rows_kept": outcome["rows_kept"], "rows_rejected": outcome["rows_rejected"],
               "date_order": outcome.get("date_order"), "importer_version": IMPORTER_VERSION}
    with ws.db.begin() as conn:
        import_id = int(conn.execute(insert(telephony_imports).values(
            case_id=case.id, item_id=item_id, kind=opts.kind, key=key, label=opts.label,
            operator=opts.operator, region=region, zone=tz, options=canonical_json(options),
            rows_read=outcome["rows_read"], rows_kept=outcome["rows_kept"],
            rows_rejected=outcome["rows_rejected"], importer_version=IMPORTER_VERSION,
            imported_at=utcnow(), imported_by=actor)
            .returning(telephony_imports.c.id)).scalar_one())
        ledger.append(conn, chain=case.chain, actor=actor, action="telephony.import",
                      subject=f"item:{item_no}", case_id=case.id,
                      details={"import": import_id, **details})
        con.execute("BEGIN TRANSACTION")
        try:
            _write(con, import_id, item_id, opts.kind, opts.label, outcome["rows_kept"])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    for name in ("norm", "cellnorm", "rej"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    return ImportResult(str(path), item_no, import_id, opts.kind, False,
                        outcome["rows_read"], outcome["rows_kept"], outcome["rows_rejected"],
                        options["outcome"], _rejects(con, import_id))


def sync(ws: Workspace, case: CaseRow, con: duckdb.DuckDBPyConnection) -> int:
    """Make the store hold exactly the case's recorded imports; returns how many were read
    again from the vault."""
    with ws.db.begin() as conn:
        rows = conn.execute(select(telephony_imports, items.c.blob_sha256, items.c.name)
                            .join(items, items.c.id == telephony_imports.c.item_id)
                            .where(telephony_imports.c.case_id == case.id)
                            .order_by(telephony_imports.c.id)).all()
    known = {int(r.id) for r in rows}
    held = {int(r[0]) for r in con.execute("SELECT import_id FROM imports").fetchall()}
    for stray in held - known:  # written by an import whose database commit failed
        con.execute("BEGIN TRANSACTION")
        for table in ("events", "cells", "rejects", "imports"):
            con.execute(f"DELETE FROM {table} WHERE import_id = ?", [stray])
        con.execute("COMMIT")
    redone = 0
    for r in rows:
        if int(r.id) in held:
            continue
        material = json.loads(r.options)
        material.pop("outcome", None)
        _derive(con, ws.vault.path_for(r.blob_sha256), r.name, r.kind, material)
        con.execute("BEGIN TRANSACTION")
        _write(con, int(r.id), int(r.item_id), r.kind, r.label, int(r.rows_kept))
        con.execute("COMMIT")
        redone += 1
    return redone


def rebuild(ws: Workspace, ref: str) -> int:
    """Read every import of the case again from the vault into a new store, then swap it in."""
    actor, case = authorize(ws.db, ws.actor, ref, Action.ADD)
    final = store.store_path(ws, case)
    tmp = final.with_name(final.name + ".rebuild")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    con = store.connect(tmp)
    try:
        count = sync(ws, case, con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, final)
    with contextlib.suppress(FileNotFoundError):
        final.with_name(final.name + ".wal").unlink()
    with ws.db.begin() as conn:
        ledger.append(conn, chain=case.chain, actor=actor.name, action="telephony.rebuild",
                      subject=f"case:{case.ref}", case_id=case.id,
                      details={"imports": count, "importer_version": IMPORTER_VERSION})
    return count


def open_store(ws: Workspace, ref: str,
               action: Action = Action.READ) -> tuple[CaseRow, duckdb.DuckDBPyConnection]:
    """The case (authorised for ``action``) and its store, in step with the database."""
    _actor, case = authorize(ws.db, ws.actor, ref, action)
    con = store.connect(store.store_path(ws, case))
    sync(ws, case, con)
    return case, con


def list_imports(ws: Workspace, ref: str) -> tuple[CaseRow, list[dict[str, Any]]]:
    """The case's productions, oldest first."""
    _actor, case = authorize(ws.db, ws.actor, ref, Action.READ)
    with ws.db.begin() as conn:
        rows = conn.execute(select(telephony_imports, items.c.no, items.c.name)
                            .join(items, items.c.id == telephony_imports.c.item_id)
                            .where(telephony_imports.c.case_id == case.id)
                            .order_by(telephony_imports.c.id)).all()
    return case, [{"import": r.id, "item": r.no, "name": r.name, "kind": r.kind,
                   "label": r.label, "operator": r.operator, "region": r.region, "tz": r.zone,
                   "rows_read": r.rows_read, "rows_kept": r.rows_kept,
                   "rows_rejected": r.rows_rejected, "imported_at": r.imported_at,
                   "imported_by": r.imported_by, "importer_version": r.importer_version}
                  for r in rows]
