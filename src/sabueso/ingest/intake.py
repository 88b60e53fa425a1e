"""Evidence intake: ``sabueso add``.

The add is resumable and all-or-nothing per evidence item:

1. the paths are scanned (nothing written if any cannot be read);
2. an *intake* is opened (or an interrupted one with the same arguments is resumed) and
   recorded in the ledger;
3. files are copied into the vault by two worker threads (hashing MD5, SHA-1 and SHA-256 in
   the same pass), archives expanded into child items;
4. items are written in batches, each one transaction holding the item rows and their ledger
   entries; an archive and all its members are always in the same batch;
5. the intake is closed with a summary entry.

A kill at any point leaves committed batches intact and uncommitted ones absent; running the
same add again resumes the intake and skips what is already in the case.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from sabueso.cases.access import Action, CaseRow, authorize
from sabueso.core.canonical import canonical_json
from sabueso.core.errors import InputError, SabuesoError
from sabueso.core.paths import path_text
from sabueso.core.timeutil import iso_utc, utcnow
from sabueso.custody import ledger
from sabueso.ingest import archives
from sabueso.ingest.scan import FileEntry, FolderNode, scan
from sabueso.store.db import new_id
from sabueso.store.schema import blobs, cases, intakes, items
from sabueso.store.vault import BlobInfo
from sabueso.workspace import Workspace

BATCH_FILES = 200
BATCH_BYTES = 256 << 20
WORKERS = 2


def item_label(no: int) -> str:
    return f"E-{no}"


@dataclass(frozen=True, slots=True)
class IntakeOptions:
    source: str | None = None
    note: str | None = None
    acquired_at: datetime | None = None
    expand: bool = True
    limits: archives.ArchiveLimits = field(default_factory=archives.ArchiveLimits)

    def key_material(self) -> dict[str, Any]:
        return {"source": self.source, "note": self.note, "expand": self.expand,
                "acquired_at": iso_utc(self.acquired_at) if self.acquired_at else None}


@dataclass(slots=True)
class AddedItem:
    no: int
    kind: str
    name: str
    original_path: str
    sha256: str | None
    size: int | None
    media_type: str | None
    parent_no: int | None
    same_content_as: int | None = None


@dataclass(slots=True)
class IntakeReport:
    case: str
    intake_id: int
    resumed: bool
    added: list[AddedItem] = field(default_factory=list)
    already: list[tuple[str, int]] = field(default_factory=list)  # (path, existing item no)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    failed: list[tuple[str, SabuesoError]] = field(default_factory=list)
    bytes_stored: int = 0


@dataclass(slots=True)
class _Stored:
    entry: FileEntry
    blob: BlobInfo | None
    members: list[archives.Member]
    error: SabuesoError | None = None


def identity(parent: str | None, kind: str, path: str, sha256: str | None) -> str:
    return hashlib.sha256(canonical_json([parent, kind, path, sha256]).encode()).hexdigest()


def _insert_blobs(conn: Connection, found: Iterable[BlobInfo]) -> None:
    """Record blobs (those already recorded are left alone), in ascending SHA-256 order.

    On PostgreSQL an insert of a row that another transaction has inserted but not committed
    waits for that transaction: two adds into different cases (no common case lock) inserting
    shared content in opposite orders would deadlock. One global order rules that out.
    """
    unique = {b.sha256: b for b in found}
    if not unique:
        return
    now = utcnow()
    rows = [{"sha256": b.sha256, "sha1": b.sha1, "md5": b.md5, "size": b.size,
             "media_type": b.media_type, "stored_at": now}
            for b in sorted(unique.values(), key=lambda b: b.sha256)]
    stmt = pg_insert(blobs) if conn.dialect.name == "postgresql" else sqlite_insert(blobs)
    for row in rows:  # one statement per row: the order of the waits is the order given
        conn.execute(stmt.values(**row).on_conflict_do_nothing())


def _member_blobs(members: Iterable[archives.Member]) -> Iterator[BlobInfo]:
    for member in members:
        yield member.blob
        yield from _member_blobs(member.children)


class _Writer:
    """Writes items into one case inside a transaction, numbering them and logging each."""

    def __init__(self, conn: Connection, ws: Workspace, case: CaseRow, intake_id: int,
                 options: IntakeOptions, report: IntakeReport,
                 folder_ids: dict[Path, tuple[int, int, str]]) -> None:
        self.conn, self.ws, self.case, self.intake_id = conn, ws, case, intake_id
        self.options, self.report = options, report
        self.folder_ids = folder_ids
        self.now = utcnow()
        self.acquired = options.acquired_at or self.now
        # PostgreSQL: FOR NO KEY UPDATE, which does not block the foreign-key checks of ledger
        # inserts in other transactions (a FOR UPDATE here deadlocked with them).
        row = conn.execute(select(cases.c.next_item_no, cases.c.status)
                           .where(cases.c.id == case.id).with_for_update(key_share=True)).one()
        if row.status != "open":
            raise InputError("error.case_closed", ref=case.ref)
        self.next_no = int(row.next_item_no)
        self.entries: list[tuple[str, str, dict[str, Any]]] = []
        self.recorded: set[str] = set()  # blobs inserted in this transaction

    def record_blobs(self, found: Iterable[BlobInfo]) -> None:
        """Insert, before any item, every blob the items of this transaction will refer to."""
        found = list(found)
        _insert_blobs(self.conn, found)
        self.recorded.update(b.sha256 for b in found)

    def _existing(self, ident: str) -> tuple[int, int] | None:
        row = self.conn.execute(select(items.c.id, items.c.no).where(
            items.c.case_id == self.case.id, items.c.identity == ident)).first()
        return (int(row.id), int(row.no)) if row else None

    def _same_content(self, sha256: str) -> int | None:
        return self.conn.execute(select(items.c.no).where(
            items.c.case_id == self.case.id, items.c.blob_sha256 == sha256)
            .order_by(items.c.no).limit(1)).scalar()

    def add(self, *, kind: str, name: str, path: str, parent: tuple[int, int, str] | None,
            blob: BlobInfo | None, modified_at: datetime | None,
            remark: str | None = None) -> tuple[int, int, str] | None:
        """Insert one item unless it is already there. Returns (id, no, identity) either way,
        or None when it was already there (as a file or member)."""
        name, path = path_text(name), path_text(path)
        ident = identity(parent[2] if parent else None, kind, path,
                         blob.sha256 if blob else None)
        found = self._existing(ident)
        if found is not None:
            if kind != "folder":
                self.report.already.append((path, found[1]))
                return None
            return found[0], found[1], ident
        same = self._same_content(blob.sha256) if blob else None
        if blob is not None and blob.sha256 not in self.recorded:
            _insert_blobs(self.conn, [blob])
            self.recorded.add(blob.sha256)
        no = self.next_no
        self.next_no += 1
        item_id = new_id(self.conn.execute(insert(items).values(
            case_id=self.case.id, no=no, parent_id=parent[0] if parent else None, kind=kind,
            blob_sha256=blob.sha256 if blob else None, name=name, original_path=path,
            size=blob.size if blob else None, media_type=blob.media_type if blob else None,
            source=self.options.source, note=self.options.note, acquired_at=self.acquired,
            added_at=self.now, added_by=self.ws.actor, fs_modified_at=modified_at,
            intake_id=self.intake_id, identity=ident)))
        details: dict[str, Any] = {
            "no": no, "kind": kind, "name": name, "original_path": path,
            "parent": item_label(parent[1]) if parent else None, "identity": ident,
            "acquired_at": iso_utc(self.acquired), "source": self.options.source,
            "note": self.options.note, "intake": self.intake_id,
        }
        if blob is not None:
            details.update(sha256=blob.sha256, sha1=blob.sha1, md5=blob.md5, size=blob.size,
                           media_type=blob.media_type)
        if modified_at is not None:
            details["modified_at"] = iso_utc(modified_at)
        if remark:
            details["remark"] = remark
        self.entries.append(("evidence.add", f"item:{item_label(no)}", details))
        self.report.added.append(AddedItem(no, kind, name, path, blob.sha256 if blob else None,
                                           blob.size if blob else None,
                                           blob.media_type if blob else None,
                                           parent[1] if parent else None, same))
        return item_id, no, ident

    def folder(self, node: FolderNode) -> tuple[int, int, str]:
        if node.path in self.folder_ids:
            return self.folder_ids[node.path]
        parent = self.folder(node.parent) if node.parent else None
        name = node.path.name or str(node.path)
        made = self.add(kind="folder", name=name, path=str(node.path), parent=parent,
                        blob=None, modified_at=None)
        assert made is not None
        self.folder_ids[node.path] = made
        return made

    def members(self, parent: tuple[int, int, str], members: list[archives.Member]) -> None:
        for member in members:
            made = self.add(kind="member", name=member.path.rsplit("/", 1)[-1], path=member.path,
                            parent=parent, blob=member.blob, modified_at=member.modified_at,
                            remark=member.remark)
            if made is not None and member.children:
                self.members(made, member.children)

    def finish(self) -> None:
        self.conn.execute(update(cases).where(cases.c.id == self.case.id)
                          .values(next_item_no=self.next_no))
        ledger.append_many(self.conn, chain=self.case.chain, actor=self.ws.actor,
                           case_id=self.case.id, entries=self.entries)


def _store_one(ws: Workspace, entry: FileEntry, options: IntakeOptions,
               on_bytes: Callable[[int], None] | None) -> _Stored:
    try:
        blob = ws.vault.store_file(entry.path)
        if on_bytes:
            on_bytes(blob.size)
        members: list[archives.Member] = []
        if options.expand and archives.is_expandable(blob.media_type):
            members = archives.expand(ws.vault, blob, entry.path.name, str(entry.path),
                                      options.limits)
        return _Stored(entry, blob, members)
    except SabuesoError as exc:
        return _Stored(entry, None, [], exc)
    except OSError as exc:
        return _Stored(entry, None, [], InputError("error.path_unreadable",
                                                   location=str(entry.path),
                                                   reason=exc.strerror or str(exc)))


def _batches(results: Iterator[_Stored]) -> Iterator[list[_Stored]]:
    batch: list[_Stored] = []
    size = 0
    for stored in results:
        batch.append(stored)
        size += stored.entry.size + sum(b.size for b in _member_blobs(stored.members))
        if len(batch) >= BATCH_FILES or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _open_intake(ws: Workspace, case: CaseRow, key: str, paths: list[Path], total: int,
                 files: int, options: IntakeOptions) -> tuple[int, bool]:
    with ws.db.begin() as conn:
        status = conn.execute(select(cases.c.status).where(cases.c.id == case.id)).scalar_one()
        if status != "open":
            raise InputError("error.case_closed", ref=case.ref)
        pending = conn.execute(select(intakes.c.id).where(
            intakes.c.case_id == case.id, intakes.c.args_key == key,
            intakes.c.completed_at.is_(None)).order_by(intakes.c.id.desc())).scalar()
        if pending is not None:
            ledger.append(conn, chain=case.chain, actor=ws.actor, action="intake.resume",
                          subject=f"intake:{pending}", case_id=case.id,
                          details={"files": files, "bytes": total})
            return int(pending), True
        intake_id = new_id(conn.execute(insert(intakes).values(
            case_id=case.id, args_key=key, actor=ws.actor, started_at=utcnow())))
        ledger.append(conn, chain=case.chain, actor=ws.actor, action="intake.start",
                      subject=f"intake:{intake_id}", case_id=case.id,
                      details={"paths": [str(p) for p in paths], "files": files, "bytes": total,
                               **options.key_material()})
        return intake_id, False


def add_paths(ws: Workspace, ref: str, paths: list[Path], options: IntakeOptions,
              progress: Callable[[int, int], None] | None = None) -> IntakeReport:
    """Add files and folders to case ``ref``. ``progress(done_bytes, total_bytes)``."""
    _actor, case = authorize(ws.db, ws.actor, ref, Action.ADD)
    found = scan(paths)
    if not found.files and not found.folders:
        raise InputError("error.nothing_to_add")
    resolved = sorted({str(p.resolve()) for p in paths})
    key = hashlib.sha256(canonical_json({"paths": resolved, **options.key_material()})
                         .encode()).hexdigest()
    total = found.total_bytes
    intake_id, resumed = _open_intake(ws, case, key, [Path(p) for p in resolved], total,
                                      len(found.files), options)
    report = IntakeReport(case.ref, intake_id, resumed)
    report.skipped = [(str(p), why) for p, why in found.skipped]
    folder_ids: dict[Path, tuple[int, int, str]] = {}
    done = 0
    done_lock = threading.Lock()

    def on_bytes(n: int) -> None:  # called by the worker threads
        nonlocal done
        with done_lock:
            done += n
            if progress:
                progress(done, total)

    # empty folders still become items
    with ws.db.begin() as conn:
        writer = _Writer(conn, ws, case, intake_id, options, report, folder_ids)
        for node in found.folders:
            writer.folder(node)
        writer.finish()

    with ThreadPoolExecutor(WORKERS, thread_name_prefix="intake") as pool:
        try:
            futures: Iterator[Future[_Stored]] = iter(
                [pool.submit(_store_one, ws, f, options, on_bytes) for f in found.files])
            for batch in _batches(f.result() for f in futures):
                _write_batch(ws, case, intake_id, options, report, folder_ids, batch)
        except BaseException:
            # Ctrl-C, a closed case, a database error: stop copying now. Leaving the ``with``
            # would otherwise wait for every file still queued to be copied into the vault.
            pool.shutdown(wait=True, cancel_futures=True)
            raise

    with ws.db.begin() as conn:
        if not report.failed:
            conn.execute(update(intakes).where(intakes.c.id == intake_id)
                         .values(completed_at=utcnow()))
        ledger.append(conn, chain=case.chain, actor=ws.actor,
                      action="intake.complete" if not report.failed else "intake.incomplete",
                      subject=f"intake:{intake_id}", case_id=case.id,
                      details={"added": len(report.added), "already": len(report.already),
                               "skipped": len(report.skipped), "failed": len(report.failed),
                               "resumed": resumed})
    return report


def _write_batch(ws: Workspace, case: CaseRow, intake_id: int, options: IntakeOptions,
                 report: IntakeReport, folder_ids: dict[Path, tuple[int, int, str]],
                 batch: list[_Stored]) -> None:
    good = [s for s in batch if s.error is None]
    for stored in batch:
        if stored.error is not None:
            report.failed.append((str(stored.entry.path), stored.error))
    if not good:
        return
    new_blobs = [s.blob.sha256 for s in good if s.blob and s.blob.created]
    ws.vault.sync_dirs(new_blobs)
    snapshot = dict(folder_ids)
    try:
        with ws.db.begin() as conn:
            writer = _Writer(conn, ws, case, intake_id, options, report, folder_ids)
            writer.record_blobs(b for s in good if s.blob is not None
                         for b in [s.blob, *_member_blobs(s.members)])
            for stored in good:
                assert stored.blob is not None
                parent = writer.folder(stored.entry.folder) if stored.entry.folder else None
                made = writer.add(kind="file", name=stored.entry.path.name,
                                  path=str(stored.entry.path), parent=parent, blob=stored.blob,
                                  modified_at=stored.entry.modified_at)
                if made is not None and stored.members:
                    writer.members(made, stored.members)
                report.bytes_stored += stored.blob.size
            writer.finish()
    except BaseException:
        folder_ids.clear()
        folder_ids.update(snapshot)
        raise
