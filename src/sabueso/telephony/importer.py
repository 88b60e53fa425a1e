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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import insert, select

from sabueso.cases.access import Action, CaseRow, authorize
from sabueso.core.canonical import canonical_json
from sabueso.core.errors import InputError, NotFound
from sabueso.core.i18n import t
from sabueso.core.timeutil import get_zone, utcnow
from sabueso.custody import ledger
from sabueso.ingest.intake import IntakeOptions, add_paths
from sabueso.store.schema import items
from sabueso.store.schema_telephony import telephony_imports
from sabueso.telephony import IMPORTER_VERSION, store
from sabueso.telephony.cells import normalise_cells
from sabueso.telephony.columns import CDR_ALIASES, CELL_ALIASES, Mapping
from sabueso.telephony.normalise import normalise, summarise
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


def _stage(con: duckdb.DuckDBPyConnection, path: Path, where: str, kind: str,
           material: dict[str, Any]) -> tuple[dict[str, Any], Mapping | None]:
    """Read one file's text into the temp view ``stage`` (before any transaction: the rows'
    order in the file is their rowid in the staging table)."""
    mapping = None
    if material.get("mapping"):
        m = material["mapping"]
        mapping = Mapping(dict(m["columns"]), m.get("date_order"), m.get("header_row"))
    aliases = CELL_ALIASES if kind == "cells" else CDR_ALIASES
    try:
        layout = load(con, path, mapping, "stage", aliases, kind)
    except InputError as exc:
        if exc.location and exc.location.startswith(str(path)):
            exc.location = where + exc.location[len(str(path)):]
        raise
    return layout.as_dict(), mapping


def _unstage(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP VIEW IF EXISTS stage")
    con.execute("DROP TABLE IF EXISTS _csv")


def _derive(con: duckdb.DuckDBPyConnection, layout: dict[str, Any], mapping: Mapping | None,
            where: str, kind: str, material: dict[str, Any], import_id: int,
            label: str | None) -> dict[str, Any]:
    """The staged file into the store under ``import_id`` (inside the caller's transaction)."""
    if kind == "cells":
        read, kept, rejected = normalise_cells(con, "stage", import_id)
        outcome: dict[str, Any] = {"rows_read": read, "rows_kept": kept,
                                   "rows_rejected": rejected}
    else:
        order = material.get("date_order") or (mapping.date_order if mapping else None)
        outcome = normalise(con, "stage", region=material["region"], tz=material["tz"],
                            date_order=order, where=where, import_id=import_id,
                            label=label).as_dict()
    con.execute("INSERT INTO imports VALUES (?, NULL, ?, ?, ?, NULL, ?)",
                [import_id, material.get("key"), kind, label, outcome["rows_kept"]])
    return {"layout": layout, **outcome}


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


def _rejects(con: duckdb.DuckDBPyConnection, sql_id: int,
             limit: int = 50) -> list[dict[str, Any]]:
    rows = con.execute("SELECT r.line_no, r.part, r.severity, r.column_name, r.raw, r.reason "
                       "FROM rejects r JOIN imports i USING (import_id) WHERE i.sql_id = ? "
                       "ORDER BY r.severity, r.line_no LIMIT ?", [sql_id, limit]).fetchall()
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


def _key(sha256: str, material: dict[str, Any]) -> str:
    """An import's identity: the file's SHA-256 and the options it was read with."""
    return hashlib.sha256(canonical_json({"sha256": sha256, **material}).encode()).hexdigest()


def _import_one(ws: Workspace, case: CaseRow, actor: str, con: duckdb.DuckDBPyConnection,
                path: Path, opts: ImportOptions, tz: str, region: str | None) -> ImportResult:
    material = opts.material(tz, region)
    # the file is hashed (hashlib lets go of the GIL) while DuckDB reads it; the same file
    # with the same options again is found by that hash and left as it is
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashing = pool.submit(_sha256, path)
        try:
            # read first: a file that cannot be imported leaves the case as it was
            layout, mapping = _stage(con, path, str(path), opts.kind, material)
        except BaseException:
            _unstage(con)
            raise
        sha256 = hashing.result()
    key = _key(sha256, material)
    # the same file with the same options, read by this importer or an earlier one: already
    # imported (an upgrade re-reads every production with ``sabueso cdr rebuild``, not by
    # importing a file again as a second production of the same calls)
    earlier = [_key(sha256, {**material, "version": str(v)})
               for v in range(1, int(IMPORTER_VERSION))]
    with ws.db.begin() as conn:
        found = conn.execute(select(telephony_imports, items.c.no).join(
            items, items.c.id == telephony_imports.c.item_id).where(
            telephony_imports.c.case_id == case.id,
            telephony_imports.c.key.in_([key, *earlier]))).first()
    if found is not None:
        _unstage(con)
        return ImportResult(str(path), int(found.no), int(found.id), opts.kind, True,
                            int(found.rows_read), int(found.rows_kept), int(found.rows_rejected),
                            {**json.loads(found.options).get("outcome", {}),
                             "importer_version": str(found.importer_version)},
                            _rejects(con, int(found.id)))
    con.execute("BEGIN TRANSACTION")
    try:
        local = store.next_import_id(con)
        outcome = _derive(con, layout, mapping, str(path), opts.kind, {**material, "key": key},
                          local, opts.label)
        _unstage(con)  # the staged text is not needed any more: its memory goes to the summaries
        if outcome["rows_read"] and not outcome["rows_kept"]:
            first = con.execute("SELECT line_no, column_name, raw, reason FROM rejects "
                                "WHERE import_id = ? AND severity = 'error' ORDER BY line_no "
                                "LIMIT 1", [local]).fetchone()
            raise InputError("error.telephony_nothing_kept", location=str(path),
                             rows=outcome["rows_read"], line=first[0] if first else "-",
                             column=first[1] if first else "-",
                             raw=(first[2] or "") if first else "",
                             reason=t("telephony.reason." + first[3]) if first else "-")
        # the vault intake (hashing and copying the file) runs while DuckDB writes the
        # summaries: DuckDB releases the GIL, and the two use the disk and cores unevenly
        with ThreadPoolExecutor(max_workers=1) as pool:
            intake = pool.submit(_item_for, ws, case, path, opts)
            if opts.kind != "cells":
                summarise(con, local)
            item_id, item_no, stored = intake.result()
        if stored != sha256:  # the file changed while it was read
            raise InputError("error.telephony_changed", location=str(path))
        options = {**material, "outcome": {
            k: v for k, v in outcome.items()
            if k not in ("rows_read", "rows_kept", "rows_rejected")}}
        details = {"item": item_no, "sha256": sha256, "kind": opts.kind, "label": opts.label,
                   "operator": opts.operator, "region": region, "tz": tz,
                   "mapping": material["mapping"], "rows_read": outcome["rows_read"],
                   "rows_kept": outcome["rows_kept"], "rows_rejected": outcome["rows_rejected"],
                   "date_order": outcome.get("date_order"),
                   "importer_version": IMPORTER_VERSION}
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
            con.execute("UPDATE imports SET sql_id = ?, item_id = ? WHERE import_id = ?",
                        [import_id, item_id, local])
            con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        _unstage(con)
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
    known = {(int(r.id), str(r.key)) for r in rows}
    held = con.execute("SELECT import_id, sql_id, key FROM imports").fetchall()
    kept = set()
    for local, sql_id, key in held:
        if sql_id is None or (int(sql_id), str(key)) not in known:
            # written by an import whose database commit failed, or of another database
            con.execute("BEGIN TRANSACTION")
            store.drop_import(con, int(local))
            con.execute("COMMIT")
        else:
            kept.add(int(sql_id))
    redone = 0
    for r in rows:
        if int(r.id) in kept:
            continue
        material = json.loads(r.options)
        material.pop("outcome", None)
        layout, mapping = _stage(con, ws.vault.path_for(r.blob_sha256), r.name, r.kind,
                                 material)
        con.execute("BEGIN TRANSACTION")
        try:
            local = store.next_import_id(con)
            _derive(con, layout, mapping, r.name, r.kind, {**material, "key": r.key}, local,
                    r.label)
            _unstage(con)
            if r.kind != "cells":
                summarise(con, local)
            con.execute("UPDATE imports SET sql_id = ?, item_id = ? WHERE import_id = ?",
                        [int(r.id), int(r.item_id), local])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            _unstage(con)
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


def _in_step(ws: Workspace, case: CaseRow, con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a store opened read-only holds exactly the case's imports, in this layout."""
    try:
        version = con.execute("SELECT max(version) FROM meta").fetchone()
        held = {(int(r[0]), str(r[1])) for r in con.execute(
            "SELECT sql_id, key FROM imports WHERE sql_id IS NOT NULL").fetchall()}
        stray = con.execute("SELECT count(*) FROM imports WHERE sql_id IS NULL").fetchone()
    except duckdb.Error:  # an empty or older file
        return False
    if not version or version[0] != store.STORE_VERSION or (stray and stray[0]):
        return False
    with ws.db.begin() as conn:
        known = {(int(r.id), str(r.key)) for r in conn.execute(
            select(telephony_imports.c.id, telephony_imports.c.key)
            .where(telephony_imports.c.case_id == case.id))}
    return held == known


def open_store(ws: Workspace, ref: str,
               action: Action = Action.READ) -> tuple[CaseRow, duckdb.DuckDBPyConnection]:
    """The case (authorised for ``action``) and its store, in step with the database. A store
    already in step is opened read-only, so several analyses can run at once."""
    _actor, case = authorize(ws.db, ws.actor, ref, action)
    path = store.store_path(ws, case)
    if path.exists():
        con = store.connect(path, read_only=True)
        if _in_step(ws, case, con):
            return case, con
        con.close()
    con = store.connect(path)
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
