"""The case's entity index: text records read out of evidence, the selectors found in them.

``derive_items`` reads each evidence item of a case with the best text reader
(``sabueso.ingest.text``), runs the extraction engine on every record with the case's country as
the phone region, and stores records, entities (one per canonical value and type in the case)
and mentions (entity, record, character span, raw text). It is derived data only: items, blobs
and the vault are never touched, and the only other write is ledger entries:

- ``derive.start`` / ``derive.complete`` for each run (extractor and reader versions, region,
  counts, failed items), ``derive.reset`` when ``rebuild_case`` empties the index first;
- ``derive.item`` for each item read, in the same transaction as its records and mentions
  (reader and version, SHA-256 of the content read, counts), ``derive.failed`` for an item
  whose reader failed: the run goes on with the next item.

Reading and extraction happen *outside* any transaction, into a temporary spool; each item is
then written in one short transaction. On SQLite a transaction holds the database's write lock,
so extracting inside it would block every other command (even a view, which writes a ledger
entry) for as long as a large file takes to scan.

The index remembers the versions that built it; ``lookup.index_status`` compares them with
the running code so that ``sabueso entities`` can say when ``sabueso reindex`` is due. It does
not rebuild on its own: a read must not rewrite derived data behind the reader's back, and
rebuilding needs a permission (``add``) that readers such as prosecutors do not have.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import pickle
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from sabueso.cases.access import Action, Actor, CaseRow, authorize
from sabueso.core.canonical import canonical_json
from sabueso.core.errors import SabuesoError
from sabueso.core.timeutil import utcnow
from sabueso.custody import ledger
from sabueso.extract import engine
from sabueso.extract.base import Context, Hit
from sabueso.ingest.text import (
    Reader,
    best_reader,
    read_records,
    reader_by_name,
    reader_versions,
)
from sabueso.store.db import new_id
from sabueso.store.schema import (
    derivations,
    entities,
    item_derivations,
    items,
    mentions,
    records,
)
from sabueso.workspace import Workspace

__all__ = [
    "DeriveSummary",
    "ItemFailure",
    "derive_items",
    "parse_attrs",
    "rebuild_case",
    "value_key",
]

BATCH = 5000
CHUNK_IDS = 500
STREAM_WORKERS_ABOVE = 16 << 20  # plain-text items larger than this are scanned in processes
SMALL_ITEM = 4 << 20  # items up to this size are read whole, in worker processes
PARALLEL_ITEMS_FROM = 8  # fewer small items than this are read in this process
IN_FLIGHT = 8  # small items queued per worker process
WRITE_ITEMS = 200  # items written per transaction, at most ...
WRITE_CHARS = 8 << 20  # ... and about this many characters of text


def value_key(value: str) -> str:
    """The SHA-256 of a canonical value: what the unique index holds (a URL can be longer
    than a PostgreSQL B-tree entry may be)."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def _db_text(text: str) -> str:
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


@dataclass(frozen=True, slots=True)
class ItemFailure:
    """Item E-<no> could not be read: ``key`` is the error's message key."""

    no: int
    name: str
    key: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": f"E-{self.no}", "name": self.name, "error": self.key,
                "message": self.message}


@dataclass(slots=True)
class DeriveSummary:
    """What one derivation run did."""

    case: str
    derivation: int | None
    kind: str
    extractor_version: str
    reader_versions: dict[str, str]
    items: int = 0  # items read
    records: int = 0
    mentions: int = 0
    skipped: int = 0  # items no reader reads (images, archives, ...)
    already: int = 0  # items another run derived meanwhile
    failed: list[ItemFailure] = field(default_factory=list)
    entities: int = 0  # entities in the case after the run

    def as_dict(self) -> dict[str, Any]:
        return {"case": self.case, "derivation": self.derivation, "kind": self.kind,
                "extractor_version": self.extractor_version,
                "reader_versions": self.reader_versions, "items": self.items,
                "records": self.records, "mentions": self.mentions, "skipped": self.skipped,
                "failed": [f.as_dict() for f in self.failed], "entities": self.entities}


@dataclass(frozen=True, slots=True)
class _Candidate:
    id: int
    no: int
    name: str
    media_type: str | None
    sha256: str
    size: int


class _Spool:
    """What one item yielded, kept on disk past a few MiB until it is written."""

    def __init__(self) -> None:
        self.file = tempfile.SpooledTemporaryFile(max_size=16 << 20)  # noqa: SIM115

    def put(self, entry: tuple[Any, ...]) -> None:
        pickle.dump(entry, self.file, protocol=pickle.HIGHEST_PROTOCOL)

    def entries(self) -> Iterator[tuple[Any, ...]]:
        self.file.seek(0)
        while True:
            try:
                yield pickle.load(self.file)  # our own data, written just before
            except EOFError:
                return

    def close(self) -> None:
        self.file.close()


class _ListSpool:
    """The same for a small item read in a worker process: a list sent back whole."""

    def __init__(self) -> None:
        self.items: list[tuple[Any, ...]] = []

    def put(self, entry: tuple[Any, ...]) -> None:
        self.items.append(entry)

    def entries(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.items)

    def close(self) -> None:
        self.items = []


@dataclass(slots=True)
class _Extracted:
    """What reading one item gave, ready to be written (or the error that stopped it)."""

    cand: _Candidate
    reader: str
    spool: _Spool | _ListSpool
    found: dict[tuple[str, str], str] = field(default_factory=dict)  # (type, value) -> attrs
    finals: dict[int, tuple[int, str | None]] = field(default_factory=dict)  # streamed records
    records: int = 0
    mentions: int = 0
    encoding: str | None = None
    error: tuple[str, str] | None = None  # (message key, message)
    size: int = 0  # characters held for writing: bounds a batch


class _UnexpectedError(SabuesoError):
    """A reader or extractor failed in a way nobody planned for (a bug, or a library's)."""


_UNEXPECTED = (OSError, RecursionError, MemoryError, ValueError, LookupError, TypeError,
               AttributeError, ArithmeticError, AssertionError)


def _extract(blob: str, cand: _Candidate, reader: Reader, ctx: Context, *,
             in_memory: bool = False) -> _Extracted:
    """Read the item whose content is the file ``blob`` and run the engine on each record.
    A reader's failure comes back as ``error``, not raised: the run goes on."""
    out = _Extracted(cand, reader.name, _ListSpool() if in_memory else _Spool())

    def keep(ordinal: int, hits: list[Hit]) -> None:
        if not hits:
            return
        rows = []
        for hit in hits:
            value = _db_text(hit.value)
            if (hit.type, value) not in out.found:
                out.found[(hit.type, value)] = canonical_json(dict(hit.attrs))
            rows.append((hit.type, value, _db_text(hit.raw), hit.start, hit.end, hit.derived))
        out.mentions += len(rows)
        out.size += 64 * len(rows)
        out.spool.put(("h", ordinal, rows))

    try:
        with open(blob, "rb") as fh:
            for ordinal, record in enumerate(read_records(fh, cand.name, cand.media_type)):
                out.records += 1
                if record.streamed:
                    out.spool.put(("r", ordinal, record.locator, None, 0, None, record.note))
                    workers = (engine.default_workers()
                               if cand.size > STREAM_WORKERS_ABOVE and not in_memory else 1)
                    for block in engine.extract_blocks(record.open(), ctx, workers=workers):
                        keep(ordinal, block)
                    out.encoding = record.encoding
                    out.finals[ordinal] = (record.chars, record.encoding)
                else:
                    text = record.text or ""
                    out.size += len(text)
                    out.spool.put(("r", ordinal, record.locator, text, len(text), None,
                                   record.note))
                    keep(ordinal, engine.extract_text(text, ctx))
    except BaseException as exc:
        out.spool.close()
        if isinstance(exc, SabuesoError):
            error: SabuesoError = exc
        elif isinstance(exc, _UNEXPECTED):
            error = _UnexpectedError("error.reader_unexpected", location=cand.name,
                                     reason=f"{type(exc).__name__}: {exc}"[:300])
        else:
            raise
        return _Extracted(cand, reader.name, _ListSpool(), error=(error.key, error.message()))
    return out


def _upsert_entities(conn: Connection, case_id: int,
                     found: dict[tuple[str, str], str]) -> dict[tuple[str, str], int]:
    """Insert the entities not yet in the case (in one global order, so two runs on
    PostgreSQL cannot deadlock) and return the id of each."""
    keyed = sorted(((t, value_key(v), v, attrs) for (t, v), attrs in found.items()))
    stmt = pg_insert(entities) if conn.dialect.name == "postgresql" else sqlite_insert(entities)
    for start in range(0, len(keyed), CHUNK_IDS):
        chunk = keyed[start:start + CHUNK_IDS]
        conn.execute(stmt.on_conflict_do_nothing(), [
            {"case_id": case_id, "type": t, "value": v, "value_sha256": h, "attrs": a}
            for t, h, v, a in chunk])
    ids: dict[tuple[str, str], int] = {}
    by_hash = {(t, h): v for t, h, v, _a in keyed}
    hashes = sorted({h for _t, h, _v, _a in keyed})
    for start in range(0, len(hashes), CHUNK_IDS):
        rows = conn.execute(select(entities.c.id, entities.c.type, entities.c.value_sha256)
                            .where(entities.c.case_id == case_id,
                                   entities.c.value_sha256.in_(hashes[start:start + CHUNK_IDS])))
        for row in rows:
            value = by_hash.get((row.type, row.value_sha256))
            if value is not None:
                ids[(row.type, value)] = int(row.id)
    return ids


def _write_batch(ws: Workspace, actor: Actor, case: CaseRow, derivation_id: int,
                 batch: list[_Extracted]) -> list[bool]:
    """Store several items' records and mentions, each with its ledger entry, in one
    transaction. For each item, False when another run derived it meanwhile."""
    versions = reader_versions()
    with ws.db.begin() as conn:
        taken: set[int] = set(conn.execute(select(item_derivations.c.item_id).where(
            item_derivations.c.item_id.in_([e.cand.id for e in batch]))).scalars())
        todo = [e for e in batch if e.cand.id not in taken]
        if todo:
            conn.execute(insert(item_derivations), [{
                "item_id": e.cand.id, "case_id": case.id, "derivation_id": derivation_id,
                "status": "failed" if e.error else "ok", "reader": e.reader,
                "reader_version": versions[e.reader], "records": e.records,
                "mentions": e.mentions,
                "error": _db_text(f"{e.error[0]}: {e.error[1]}") if e.error else None,
            } for e in todo])
        found: dict[tuple[str, str], str] = {}
        for e in todo:
            for key, attrs in e.found.items():
                found.setdefault(key, attrs)
        ids = _upsert_entities(conn, case.id, found) if found else {}
        # Records first (a streamed record with its final size), then the mentions that
        # point to them: two statements per batch rather than per item.
        rows: list[dict[str, Any]] = []
        record_ids: dict[tuple[int, int], int] = {}

        def insert_records() -> None:
            for row in conn.execute(insert(records).returning(
                    records.c.id, records.c.item_id, records.c.ordinal), rows):
                record_ids[(int(row.item_id), int(row.ordinal))] = int(row.id)
            rows.clear()

        for e in todo:
            for entry in e.spool.entries():
                if entry[0] == "r":
                    _k, ordinal, locator, text, chars, encoding, note = entry
                    chars, encoding = e.finals.get(ordinal, (chars, encoding))
                    rows.append({"case_id": case.id, "item_id": e.cand.id,
                                 "derivation_id": derivation_id, "ordinal": ordinal,
                                 "locator": locator, "encoding": encoding, "chars": chars,
                                 "text": text, "note": note})
                    if len(rows) >= BATCH:
                        insert_records()
        if rows:
            insert_records()
        notes: list[tuple[str, str, dict[str, Any]]] = []
        for e in todo:
            item_id = e.cand.id
            for entry in e.spool.entries():
                if entry[0] != "h":
                    continue
                record_id = record_ids[(item_id, entry[1])]
                for t, value, raw, start, end, derived in entry[2]:
                    rows.append({"entity_id": ids[(t, value)], "record_id": record_id,
                                 "item_id": item_id, "char_start": start, "char_end": end,
                                 "raw": raw, "derived": derived})
                if len(rows) >= BATCH:
                    conn.execute(insert(mentions), rows)
                    rows.clear()
            subject = f"item:E-{e.cand.no}"
            if e.error:
                notes.append(("derive.failed", subject, {
                    "derivation": derivation_id, "reader": e.reader, "sha256": e.cand.sha256,
                    "error": e.error[0], "reason": _db_text(e.error[1])[:500]}))
                continue
            details: dict[str, Any] = {
                "derivation": derivation_id, "reader": e.reader,
                "reader_version": versions[e.reader], "sha256": e.cand.sha256,
                "records": e.records, "mentions": e.mentions, "entities": len(e.found)}
            if e.encoding:
                details["encoding"] = e.encoding
            notes.append(("derive.item", subject, details))
        if rows:
            conn.execute(insert(mentions), rows)
        ledger.append_many(conn, chain=case.chain, actor=actor.name, case_id=case.id,
                           entries=notes)
    return [e.cand.id not in taken for e in batch]


def _candidates(conn: Connection, case: CaseRow, nos: list[int] | None) -> list[_Candidate]:
    """Items holding content (files and archive members) not derived yet, in order."""
    base = (select(items.c.id, items.c.no, items.c.name, items.c.media_type,
                   items.c.blob_sha256, items.c.size)
            .outerjoin(item_derivations, item_derivations.c.item_id == items.c.id)
            .where(items.c.case_id == case.id, items.c.blob_sha256.is_not(None),
                   item_derivations.c.item_id.is_(None)))
    if nos is None:
        rows = list(conn.execute(base.order_by(items.c.no)))
    else:
        rows = []
        wanted = sorted(set(nos))
        for start in range(0, len(wanted), CHUNK_IDS):
            rows += conn.execute(base.where(items.c.no.in_(wanted[start:start + CHUNK_IDS])))
        rows.sort(key=lambda r: r.no)
    return [_Candidate(int(r.id), int(r.no), r.name, r.media_type, r.blob_sha256,
                       int(r.size or 0)) for r in rows]


def _read_small(blob: str, cand: _Candidate, reader_name: str, ctx: Context) -> _Extracted:
    """In a worker process: read one small item into memory."""
    return _extract(blob, cand, reader_by_name(reader_name), ctx, in_memory=True)


def _read_all(ws: Workspace, work: list[tuple[_Candidate, Reader]],
              ctx: Context) -> Iterator[_Extracted]:
    """What each item yields, in order. Small items are read in worker processes when there
    are enough of them to be worth starting processes for; a large item is read here (its
    blocks are scanned in processes by the engine) once the small ones before it are done."""
    workers = engine.default_workers()
    small = sum(1 for cand, _r in work if cand.size <= SMALL_ITEM)
    if (workers <= 1 or small < PARALLEL_ITEMS_FROM
            or "fork" not in multiprocessing.get_all_start_methods()):
        for cand, reader in work:
            yield _extract(str(ws.vault.path_for(cand.sha256)), cand, reader, ctx,
                           in_memory=cand.size <= SMALL_ITEM)
        return
    engine.warm(ctx)  # the families' tables are built once, before the workers fork
    pending: deque[Future[_Extracted]] = deque()
    with ProcessPoolExecutor(max_workers=workers,
                             mp_context=multiprocessing.get_context("fork")) as pool:
        for cand, reader in work:
            blob = str(ws.vault.path_for(cand.sha256))
            if cand.size > SMALL_ITEM:
                while pending:
                    yield pending.popleft().result()
                yield _extract(blob, cand, reader, ctx)
                continue
            pending.append(pool.submit(_read_small, blob, cand, reader.name, ctx))
            if len(pending) >= IN_FLIGHT * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _run(ws: Workspace, actor: Actor, case: CaseRow, nos: list[int] | None,
         kind: str) -> DeriveSummary:
    engine.families()  # a missing extractor module fails here, before anything is written
    versions = reader_versions()
    summary = DeriveSummary(case.ref, None, kind, engine.EXTRACTOR_VERSION, versions)
    with ws.db.begin() as conn:
        found = _candidates(conn, case, nos)
        if not found and kind == "derive":
            summary.entities = _count_entities(conn, case)
            return summary
        derivation_id = new_id(conn.execute(insert(derivations).values(
            case_id=case.id, kind=kind, extractor_version=engine.EXTRACTOR_VERSION,
            reader_versions=canonical_json(versions), region=case.country, actor=actor.name,
            started_at=utcnow(), status="running", items=0, records=0, mentions=0,
            skipped=0, failed=0)))
        ledger.append(conn, chain=case.chain, actor=actor.name, action="derive.start",
                      subject=f"derivation:{derivation_id}", case_id=case.id,
                      details={"kind": kind, "extractor_version": engine.EXTRACTOR_VERSION,
                               "readers": versions, "region": case.country,
                               "items": len(found)})
    summary.derivation = derivation_id
    ctx = Context(region=case.country)
    skipped: list[_Candidate] = []
    work: list[tuple[_Candidate, Reader]] = []
    for cand in found:
        reader = best_reader(cand.media_type, cand.name)
        if reader is None:
            skipped.append(cand)
        else:
            work.append((cand, reader))
    batch: list[_Extracted] = []
    held = 0

    def write() -> None:
        nonlocal held
        if not batch:
            return
        try:
            wrote = _write_batch(ws, actor, case, derivation_id, batch)
        except IntegrityError:
            # PostgreSQL: a concurrent run claimed one of these items first; one by one, the
            # items it claimed are counted as already derived.
            wrote = []
            for ext in batch:
                try:
                    wrote += _write_batch(ws, actor, case, derivation_id, [ext])
                except IntegrityError:
                    wrote.append(False)
        for ext, done in zip(batch, wrote, strict=True):
            ext.spool.close()
            if not done:
                summary.already += 1
            elif ext.error:
                cand = ext.cand
                summary.failed.append(ItemFailure(cand.no, cand.name, *ext.error))
            else:
                summary.items += 1
                summary.records += ext.records
                summary.mentions += ext.mentions
        batch.clear()
        held = 0

    try:
        for ext in _read_all(ws, work, ctx):
            batch.append(ext)
            held += ext.size
            if (len(batch) >= WRITE_ITEMS or held >= WRITE_CHARS
                    or isinstance(ext.spool, _Spool)):
                write()
        write()
    finally:
        for ext in batch:
            ext.spool.close()
    summary.skipped = len(skipped)
    with ws.db.begin() as conn:
        taken = set()
        if skipped:
            ids = [c.id for c in skipped]
            for start in range(0, len(ids), CHUNK_IDS):
                taken |= set(conn.execute(select(item_derivations.c.item_id).where(
                    item_derivations.c.item_id.in_(ids[start:start + CHUNK_IDS]))).scalars())
            rows = [{"item_id": c.id, "case_id": case.id, "derivation_id": derivation_id,
                     "status": "skipped", "records": 0, "mentions": 0}
                    for c in skipped if c.id not in taken]
            if rows:
                conn.execute(insert(item_derivations), rows)
        conn.execute(update(derivations).where(derivations.c.id == derivation_id,
                                               derivations.c.status == "running").values(
            finished_at=utcnow(), status="complete", items=summary.items,
            records=summary.records, mentions=summary.mentions, skipped=summary.skipped,
            failed=len(summary.failed)))
        summary.entities = _count_entities(conn, case)
        ledger.append(conn, chain=case.chain, actor=actor.name, action="derive.complete",
                      subject=f"derivation:{derivation_id}", case_id=case.id, details={
                          "items": summary.items, "records": summary.records,
                          "mentions": summary.mentions, "skipped": summary.skipped,
                          "failed": [f"E-{f.no}" for f in summary.failed][:100],
                          "entities": summary.entities})
    return summary


def _count_entities(conn: Connection, case: CaseRow) -> int:
    return int(conn.execute(select(func.count()).select_from(entities)
                            .where(entities.c.case_id == case.id)).scalar_one())


def derive_items(ws: Workspace, case: str | CaseRow,
                 item_nos: Iterable[int] | None = None) -> DeriveSummary:
    """Derive the case's items numbered ``item_nos`` (E-<no>), or every item not derived yet.

    Items already derived are left as they are (``rebuild_case`` redoes everything). Needs the
    ``add`` permission on the case. Call it after an intake has committed, with the numbers of
    the items it added (``IntakeReport.added[*].no``).
    """
    ref = case if isinstance(case, str) else case.ref
    actor, row = authorize(ws.db, ws.actor, ref, Action.ADD)
    return _run(ws, actor, row, None if item_nos is None else list(item_nos), "derive")


def rebuild_case(ws: Workspace, ref: str) -> DeriveSummary:
    """Delete the case's derived data and derive every item again (``sabueso reindex``).

    Evidence, blobs and existing ledger entries are not touched; the deletion is recorded as
    ``derive.reset`` and the new run as usual.
    """
    actor, case = authorize(ws.db, ws.actor, ref, Action.ADD)
    engine.families()
    with ws.db.begin() as conn:
        case_items = select(items.c.id).where(items.c.case_id == case.id).scalar_subquery()
        gone_mentions = conn.execute(delete(mentions).where(
            mentions.c.item_id.in_(case_items))).rowcount
        gone_records = conn.execute(delete(records).where(
            records.c.case_id == case.id)).rowcount
        conn.execute(delete(item_derivations).where(item_derivations.c.case_id == case.id))
        gone_entities = conn.execute(delete(entities).where(
            entities.c.case_id == case.id)).rowcount
        # Runs stay as history (their numbers appear in the ledger), marked as superseded.
        gone_runs = conn.execute(update(derivations).where(
            derivations.c.case_id == case.id, derivations.c.status != "superseded")
            .values(status="superseded")).rowcount
        ledger.append(conn, chain=case.chain, actor=actor.name, action="derive.reset",
                      subject=f"case:{case.ref}", case_id=case.id,
                      details={"superseded": gone_runs, "records": gone_records,
                               "mentions": gone_mentions, "entities": gone_entities})
    return _run(ws, actor, case, None, "rebuild")


def parse_attrs(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}

