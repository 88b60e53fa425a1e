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

import bisect
import json
import multiprocessing
import posixpath
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from sabueso.cases.access import Action, Actor, CaseRow, authorize
from sabueso.core.canonical import canonical_json
from sabueso.core.timeutil import utcnow
from sabueso.custody import ledger
from sabueso.extract import engine, itemread
from sabueso.extract.base import Context
from sabueso.extract.itemread import Candidate, Extracted, Spool, extract_item
from sabueso.extract.itemwrite import all_versions, value_key, write_batch
from sabueso.ingest.chats.registry import HEAD_BYTES, best_format, forced_format
from sabueso.ingest.text import best_reader
from sabueso.store.db import new_id
from sabueso.store.schema import (
    accounts,
    chats,
    derivations,
    entities,
    intakes,
    item_derivations,
    items,
    mentions,
    messages,
    reading_hints,
    records,
    search_chunks,
)
from sabueso.store.schema_capture import capture_items, captures
from sabueso.workspace import Workspace

__all__ = [
    "DeriveSummary",
    "ItemFailure",
    "derive_items",
    "parse_attrs",
    "rebuild_case",
    "value_key",
]

CHUNK_IDS = 500
SMALL_ITEM = 4 << 20  # items up to this size are read whole, in worker processes
PARALLEL_ITEMS_FROM = 8  # fewer small items than this are read in this process
IN_FLIGHT = 8  # small items queued per worker process
WRITE_ITEMS = 200  # items written per transaction, at most ...
WRITE_CHARS = 8 << 20  # ... and about this many characters of text
# Text readers whose files may be chat exports (WhatsApp .txt, Telegram .json / .html).
_CHAT_CAPABLE = frozenset({"text", "html"})


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


@dataclass(frozen=True, slots=True)
class UnparsedItem:
    """Chat export E-<no> has ``pieces`` lines or blocks that are not messages (kept as
    records; ``sabueso chats REF --unparsed`` lists them)."""

    no: int
    name: str
    pieces: int

    def as_dict(self) -> dict[str, Any]:
        return {"id": f"E-{self.no}", "name": self.name, "pieces": self.pieces}


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
    messages: int = 0  # chat messages among the records
    skipped: int = 0  # items no reader reads (images, archives, ...)
    already: int = 0  # items another run derived meanwhile
    failed: list[ItemFailure] = field(default_factory=list)
    unparsed: list[UnparsedItem] = field(default_factory=list)
    entities: int = 0  # entities in the case after the run

    def as_dict(self) -> dict[str, Any]:
        return {"case": self.case, "derivation": self.derivation, "kind": self.kind,
                "extractor_version": self.extractor_version,
                "reader_versions": self.reader_versions, "items": self.items,
                "records": self.records, "mentions": self.mentions,
                "messages": self.messages, "skipped": self.skipped,
                "failed": [f.as_dict() for f in self.failed],
                "unparsed": [u.as_dict() for u in self.unparsed], "entities": self.entities}


@dataclass(frozen=True, slots=True)
class _Row:
    id: int
    no: int
    name: str
    media_type: str | None
    sha256: str
    size: int
    kind: str
    parent_id: int | None
    original_path: str
    chat_format: str | None = None  # the intake's ``--as`` (or ``sabueso reread``'s)
    zone: str | None = None  # the intake's ``--tz`` (or ``sabueso reread``'s)
    date_order: str | None = None  # ``sabueso reread --date-order``
    container: str | None = None  # the name of the archive or folder holding it


def _candidates(conn: Connection, case: CaseRow, nos: list[int] | None) -> list[_Row]:
    """Items holding content (files and archive members) not derived yet, in order."""
    parent = items.alias("parent")
    base = (select(items.c.id, items.c.no, items.c.name, items.c.media_type,
                   items.c.blob_sha256, items.c.size, items.c.kind, items.c.parent_id,
                   items.c.original_path, parent.c.name.label("container"),
                   func.coalesce(reading_hints.c.chat_format, intakes.c.chat_format)
                   .label("chat_format"),
                   func.coalesce(reading_hints.c.zone, intakes.c.zone).label("zone"),
                   reading_hints.c.date_order)
            .outerjoin(item_derivations, item_derivations.c.item_id == items.c.id)
            .outerjoin(intakes, intakes.c.id == items.c.intake_id)
            .outerjoin(reading_hints, reading_hints.c.item_id == items.c.id)
            .outerjoin(parent, parent.c.id == items.c.parent_id)
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
    return [_Row(int(r.id), int(r.no), r.name, r.media_type, r.blob_sha256, int(r.size or 0),
                 r.kind, r.parent_id, r.original_path, r.chat_format, r.zone, r.date_order,
                 r.container) for r in rows]


class _Siblings:
    """The other files of a chat export, by their path relative to its folder: the members of
    the same archive, or the files under the same folder. Loaded once per run; one table per
    folder, shared by the exports in it (``itemread.SIBLINGS``, inherited by forked workers),
    so a folder of many exports costs one table, not one per export."""

    def __init__(self, conn: Connection, case: CaseRow) -> None:
        self.members: dict[int, list[tuple[str, int]]] = {}
        files: list[tuple[str, int]] = []
        query = (select(items.c.no, items.c.original_path, items.c.kind, items.c.parent_id)
                 .where(items.c.case_id == case.id, items.c.blob_sha256.is_not(None))
                 .order_by(items.c.no))
        for no, path, kind, parent in conn.execute(query):
            entry = (str(path).replace("\\", "/"), int(no))
            if kind == "member":
                self.members.setdefault(int(parent), []).append(entry)
            else:
                files.append(entry)
        files.sort()
        self.files = files
        self.paths = [p for p, _n in files]

    def key(self, row: _Row) -> str:
        folder = posixpath.dirname(row.original_path.replace("\\", "/"))
        prefix = f"{folder}/" if folder else ""
        key = f"m{row.parent_id}:{prefix}" if row.kind == "member" else f"f:{prefix}"
        if key not in itemread.SIBLINGS:
            if row.kind == "member":
                pool = self.members.get(int(row.parent_id or 0), [])
                found = [(p, n) for p, n in pool if p.startswith(prefix)]
            else:
                lo = bisect.bisect_left(self.paths, prefix)
                hi = bisect.bisect_left(self.paths, prefix + "\U0010ffff")
                found = self.files[lo:hi]
            table: dict[str, int] = {}
            for path, no in found:
                table.setdefault(path[len(prefix):], no)
            itemread.SIBLINGS[key] = table
        return key


def capture_prints(conn: Connection, case: CaseRow) -> set[int]:
    """Items that are the PDF print of a web capture: the same page as the capture's DOM and
    visible text, which are read; reading it too would count every identifier again."""
    return set(conn.execute(
        select(capture_items.c.item_id)
        .join(captures, captures.c.id == capture_items.c.capture_id)
        .where(captures.c.case_id == case.id, capture_items.c.role == "pdf")).scalars())


def _plan(ws: Workspace, case: CaseRow, rows: list[_Row]) -> tuple[list[Candidate], list[_Row]]:
    """How each item is read: a chat format when one recognises it, else the best text reader;
    the items no reader reads (and the PDF prints of web captures) are returned apart."""
    work: list[Candidate] = []
    skipped: list[_Row] = []
    chat_rows: list[tuple[int, _Row]] = []
    with ws.db.begin() as conn:
        prints = capture_prints(conn, case)
    for row in rows:
        reader = best_reader(row.media_type, row.name) if row.id not in prints else None
        if reader is None:
            skipped.append(row)
            continue
        cand = Candidate(row.id, row.no, row.name, row.media_type, row.sha256, row.size,
                         reader=reader.name, zone=row.zone or case.tz,
                         date_order=row.date_order, container=row.container)
        if reader.name in _CHAT_CAPABLE:
            with ws.vault.open(row.sha256) as fh:
                head = fh.read(HEAD_BYTES)
            fmt = (forced_format(row.chat_format, row.name, head) if row.chat_format
                   else best_format(row.name, head))
            if fmt is not None:
                cand = replace(cand, reader=fmt.name, chat=True)
                chat_rows.append((len(work), row))
        work.append(cand)
    itemread.SIBLINGS.clear()
    itemread.clear_names()
    if chat_rows:
        with ws.db.begin() as conn:
            siblings = _Siblings(conn, case)
        for index, row in chat_rows:
            work[index] = replace(work[index], siblings=siblings.key(row))
    return work, skipped


def _read_small(blob: str, cand: Candidate, ctx: Context) -> Extracted:
    """In a worker process: read one small item into memory."""
    return extract_item(blob, cand, ctx, in_memory=True)


def _read_all(ws: Workspace, work: list[Candidate], ctx: Context) -> Iterator[Extracted]:
    """What each item yields, in order. Small items are read in worker processes when there
    are enough of them to be worth starting processes for; a large item is read here (its
    blocks are scanned in processes by the engine) once the small ones before it are done."""
    workers = engine.default_workers()
    small = sum(1 for cand in work if cand.size <= SMALL_ITEM)
    if (workers <= 1 or small < PARALLEL_ITEMS_FROM
            or "fork" not in multiprocessing.get_all_start_methods()):
        for cand in work:
            yield extract_item(str(ws.vault.path_for(cand.sha256)), cand, ctx,
                               in_memory=cand.size <= SMALL_ITEM)
        return
    engine.warm(ctx)  # the families' tables are built once, before the workers fork
    pending: deque[Future[Extracted]] = deque()
    with ProcessPoolExecutor(max_workers=workers,
                             mp_context=multiprocessing.get_context("fork")) as pool:
        for cand in work:
            blob = str(ws.vault.path_for(cand.sha256))
            if cand.size > SMALL_ITEM:
                while pending:
                    yield pending.popleft().result()
                yield extract_item(blob, cand, ctx)
                continue
            pending.append(pool.submit(_read_small, blob, cand, ctx))
            if len(pending) >= IN_FLIGHT * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _run(ws: Workspace, actor: Actor, case: CaseRow, nos: list[int] | None,
         kind: str) -> DeriveSummary:
    engine.families()  # a missing extractor module fails here, before anything is written
    versions = all_versions()
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
    work, skipped = _plan(ws, case, found)
    batch: list[Extracted] = []
    held = 0

    def write() -> None:
        nonlocal held
        if not batch:
            return
        try:
            wrote = write_batch(ws, actor, case, derivation_id, batch)
        except IntegrityError:
            # PostgreSQL: a concurrent run claimed one of these items first; one by one, the
            # items it claimed are counted as already derived.
            wrote = []
            for ext in batch:
                try:
                    wrote += write_batch(ws, actor, case, derivation_id, [ext])
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
                summary.messages += ext.messages
                if ext.unparsed:
                    summary.unparsed.append(UnparsedItem(ext.cand.no, ext.cand.name,
                                                         ext.unparsed))
        batch.clear()
        held = 0

    try:
        for ext in _read_all(ws, work, ctx):
            batch.append(ext)
            held += ext.size
            if (len(batch) >= WRITE_ITEMS or held >= WRITE_CHARS
                    or isinstance(ext.spool, Spool)):
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
                          "mentions": summary.mentions, "messages": summary.messages,
                          "skipped": summary.skipped,
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
        gone_messages = conn.execute(delete(messages).where(
            messages.c.case_id == case.id)).rowcount
        if conn.dialect.name == "sqlite":  # the FTS5 index forgets the pieces first
            conn.execute(text("INSERT INTO search_fts (search_fts, rowid, folded) SELECT "
                              "'delete', id, folded FROM search_chunks WHERE case_id = :c"),
                         {"c": case.id})
        conn.execute(delete(search_chunks).where(search_chunks.c.case_id == case.id))
        conn.execute(delete(chats).where(chats.c.case_id == case.id))
        conn.execute(delete(accounts).where(accounts.c.case_id == case.id))
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
                               "mentions": gone_mentions, "messages": gone_messages,
                               "entities": gone_entities})
    return _run(ws, actor, case, None, "rebuild")


def parse_attrs(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}

