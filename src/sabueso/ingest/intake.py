"""Evidence intake: ``sabueso add``.

The add is resumable and all-or-nothing per evidence item:

1. the paths are scanned (nothing written if any cannot be read);
2. an *intake* is opened (or an interrupted one with the same arguments is resumed) and
   recorded in the ledger;
3. files are copied into the vault by ``WORKERS`` threads (hashing MD5, SHA-1 and SHA-256 in
   the same pass), archives expanded into child items; the copies are left pending in the
   vault's temp folder;
4. items are written in batches: the batch's copies are made durable and put in place
   (``Vault.settle``), then one transaction holds the item rows and their ledger entries; an
   archive and all its members are always in the same batch;
5. the intake is closed with a summary entry.

A kill at any point leaves committed batches intact and uncommitted ones absent; running the
same add again resumes the intake and skips what is already in the case.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select, update

from sabueso.cases.access import Action, CaseRow, authorize
from sabueso.core.canonical import canonical_json
from sabueso.core.errors import InputError, SabuesoError
from sabueso.core.paths import path_text
from sabueso.core.timeutil import utcnow
from sabueso.custody import ledger
from sabueso.ingest import archives
from sabueso.ingest.items import (
    AddedItem,
    IntakeOptions,
    IntakeReport,
    ItemWriter,
    identity,
    item_label,
)
from sabueso.ingest.scan import FileEntry, scan
from sabueso.store.db import new_id
from sabueso.store.schema import cases, intakes
from sabueso.store.vault import BlobInfo
from sabueso.workspace import Workspace

__all__ = ["AddedItem", "IntakeOptions", "IntakeReport", "add_paths", "identity", "item_label"]

BATCH_FILES = 200
BATCH_BYTES = 256 << 20
# Threads copying into the vault. They hash (about a core each; hashlib lets go of the GIL) and
# wait on reads, not on fsync (blobs are made durable a batch at a time, by ``Vault.settle``):
# one more than the cores. On the benchmark's two cores, three beat two and four.
WORKERS = min(8, (os.cpu_count() or 2) + 1)
# Temp files in the vault older than this are left by a killed add, and are removed at the
# start of the next one (younger ones may belong to an add running right now).
ORPHAN_AGE = 3600.0


class UnexpectedFileError(SabuesoError):
    """Reading or expanding one file failed in a way nobody planned for (a bug, or a
    library's): that file fails, the others are still added."""


@dataclass(slots=True)
class _Stored:
    entry: FileEntry
    blob: BlobInfo | None
    members: list[archives.Member]
    error: SabuesoError | None = None


def _member_blobs(members: Iterable[archives.Member]) -> Iterator[BlobInfo]:
    for member in members:
        yield member.blob
        yield from _member_blobs(member.children)


def _batch_blobs(batch: Iterable[_Stored]) -> Iterator[BlobInfo]:
    """The blobs of files and of their archive members."""
    for stored in batch:
        if stored.blob is not None:
            yield stored.blob
            yield from _member_blobs(stored.members)


def _store_one(ws: Workspace, entry: FileEntry, options: IntakeOptions,
               on_bytes: Callable[[int], None] | None) -> _Stored:
    """Copy one file into the vault (left pending: its batch settles it), and expand it."""
    blob: BlobInfo | None = None
    try:
        blob = ws.vault.store_file(entry.path, size=entry.size, defer=True)
        if on_bytes:
            on_bytes(blob.size)
        members: list[archives.Member] = []
        if options.expand and archives.is_expandable(blob.media_type):
            members = archives.expand(ws.vault, blob, entry.path.name, str(entry.path),
                                      options.limits, defer=True)
        return _Stored(entry, blob, members)
    except SabuesoError as exc:
        error: SabuesoError = exc
    except OSError as exc:
        error = InputError("error.path_unreadable", location=str(entry.path),
                           reason=exc.strerror or str(exc))
    except MemoryError:
        if blob is not None:
            ws.vault.discard([blob])
        raise
    except Exception as exc:  # not KeyboardInterrupt or SystemExit: those stop the add
        error = UnexpectedFileError("error.intake_unexpected", location=str(entry.path),
                                    reason=f"{type(exc).__name__}: {exc}"[:300])
    except BaseException:
        if blob is not None:
            ws.vault.discard([blob])
        raise
    if blob is not None:  # not to be recorded: its temp file goes
        ws.vault.discard([blob])
    return _Stored(entry, None, [], error)


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


def _open_intake(ws: Workspace, case: CaseRow, key: str, paths: list[str], total: int,
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
            case_id=case.id, args_key=key, actor=ws.actor, started_at=utcnow(),
            chat_format=options.chat_format, zone=options.zone)))
        ledger.append(conn, chain=case.chain, actor=ws.actor, action="intake.start",
                      subject=f"intake:{intake_id}", case_id=case.id,
                      details={"paths": paths, "files": files, "bytes": total,
                               **options.key_material()})
        return intake_id, False


def add_paths(ws: Workspace, ref: str, paths: list[Path], options: IntakeOptions,
              progress: Callable[[int, int], None] | None = None) -> IntakeReport:
    """Add files and folders to case ``ref``. ``progress(done_bytes, total_bytes)``."""
    _actor, case = authorize(ws.db, ws.actor, ref, Action.ADD)
    found = scan(paths)
    if not found.files and not found.folders:
        raise InputError("error.nothing_to_add")
    # the paths as given (absolute): items are named by them, links included
    given = sorted({path_text(os.path.abspath(p)) for p in paths})
    key = hashlib.sha256(canonical_json({"paths": given, **options.key_material()})
                         .encode()).hexdigest()
    total = found.total_bytes
    ws.vault.clean_tmp(older_than=ORPHAN_AGE)
    intake_id, resumed = _open_intake(ws, case, key, given, total, len(found.files), options)
    report = IntakeReport(case.ref, intake_id, resumed)
    report.skipped = [(path_text(p), why) for p, why in found.skipped]
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
        writer = ItemWriter(conn, ws, case, intake_id, options, report, folder_ids)
        for node in found.folders:
            writer.folder(node)
        writer.finish()

    with ThreadPoolExecutor(WORKERS, thread_name_prefix="intake") as pool:
        # every file at once: a large archive first in line must not leave workers idle while
        # it is expanded (the database records results in order)
        futures: list[Future[_Stored]] = [
            pool.submit(_store_one, ws, entry, options, on_bytes) for entry in found.files]
        committed = 0
        try:
            for batch in _batches(f.result() for f in futures):
                _write_batch(ws, case, intake_id, options, report, folder_ids, batch)
                committed += len(batch)
        except BaseException:
            # Ctrl-C, a closed case, a database error: stop copying now. Leaving the ``with``
            # would otherwise wait for every file still queued to be copied into the vault.
            pool.shutdown(wait=True, cancel_futures=True)
            # copies that will not be recorded: their temp files go (any the failed batch had
            # already put in place stay, as content the vault may be asked for again)
            ws.vault.discard(_batch_blobs(f.result() for f in futures[committed:]
                                          if f.done() and not f.cancelled()
                                          and f.exception() is None))
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
    """Record one batch in one transaction, once its blobs are durable in the vault."""
    good = [s for s in batch if s.error is None]
    for stored in batch:
        if stored.error is not None:
            report.failed.append((path_text(stored.entry.path), stored.error))
    if not good:
        return
    ws.vault.settle(_batch_blobs(good))
    snapshot = dict(folder_ids)
    try:
        with ws.db.begin() as conn:
            writer = ItemWriter(conn, ws, case, intake_id, options, report, folder_ids)
            writer.record_blobs(_batch_blobs(good))
            for stored in good:
                assert stored.blob is not None
                writer.file(stored.entry, stored.blob, stored.members)
            writer.finish()
            report.bytes_stored += sum(s.blob.size for s in good if s.blob is not None)
    except BaseException:
        folder_ids.clear()
        folder_ids.update(snapshot)
        raise
