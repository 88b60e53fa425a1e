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
import pickle
import tempfile
from collections.abc import Iterable, Iterator
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
from sabueso.ingest.text import Reader, best_reader, read_records, reader_versions
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


@dataclass(slots=True)
class _Extracted:
    reader: Reader
    spool: _Spool
    found: dict[tuple[str, str], str] = field(default_factory=dict)  # (type, value) -> attrs
    records: int = 0
    mentions: int = 0
    encoding: str | None = None


def _extract(ws: Workspace, cand: _Candidate, reader: Reader, ctx: Context) -> _Extracted:
    out = _Extracted(reader, _Spool())

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
        out.spool.put(("h", ordinal, rows))

    try:
        with ws.vault.open(cand.sha256) as fh:
            for ordinal, record in enumerate(read_records(fh, cand.name, cand.media_type)):
                out.records += 1
                if record.streamed:
                    out.spool.put(("r", ordinal, record.locator, None, 0, None, record.note))
                    workers = engine.default_workers() if cand.size > STREAM_WORKERS_ABOVE else 1
                    for block in engine.extract_blocks(record.open(), ctx, workers=workers):
                        keep(ordinal, block)
                    out.encoding = record.encoding
                    out.spool.put(("u", ordinal, record.chars, record.encoding))
                else:
                    text = record.text or ""
                    out.spool.put(("r", ordinal, record.locator, text, len(text), None,
                                   record.note))
                    keep(ordinal, engine.extract_text(text, ctx))
    except BaseException:
        out.spool.close()
        raise
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


def _write_item(ws: Workspace, actor: Actor, case: CaseRow, derivation_id: int,
                cand: _Candidate, ext: _Extracted) -> bool:
    """Store one item's records and mentions with its ledger entry. False when another run
    derived the item meanwhile."""
    with ws.db.begin() as conn:
        if conn.execute(select(item_derivations.c.item_id)
                        .where(item_derivations.c.item_id == cand.id)).first():
            return False
        conn.execute(insert(item_derivations).values(
            item_id=cand.id, case_id=case.id, derivation_id=derivation_id, status="ok",
            reader=ext.reader.name, reader_version=reader_versions()[ext.reader.name],
            records=ext.records, mentions=ext.mentions))
        ids = _upsert_entities(conn, case.id, ext.found)
        record_ids: dict[int, int] = {}
        pending: list[dict[str, Any]] = []
        batch: list[dict[str, Any]] = []

        def flush_records() -> None:
            if pending:
                for row in conn.execute(insert(records).returning(records.c.id,
                                                                  records.c.ordinal), pending):
                    record_ids[int(row.ordinal)] = int(row.id)
                pending.clear()

        def flush_mentions() -> None:
            if batch:
                conn.execute(insert(mentions), batch)
                batch.clear()

        for entry in ext.spool.entries():
            kind, ordinal = entry[0], entry[1]
            if kind == "r":
                _k, _o, locator, text, chars, encoding, note = entry
                pending.append({"case_id": case.id, "item_id": cand.id,
                                "derivation_id": derivation_id, "ordinal": ordinal,
                                "locator": locator, "encoding": encoding, "chars": chars,
                                "text": text, "note": note})
                if len(pending) >= BATCH:
                    flush_records()
            elif kind == "h":
                flush_records()
                record_id = record_ids[ordinal]
                for t, value, raw, start, end, derived in entry[2]:
                    batch.append({"entity_id": ids[(t, value)], "record_id": record_id,
                                  "item_id": cand.id, "char_start": start, "char_end": end,
                                  "raw": raw, "derived": derived})
                if len(batch) >= BATCH:
                    flush_mentions()
            else:  # "u": a streamed record's final size and encoding
                flush_records()
                conn.execute(update(records).where(records.c.id == record_ids[ordinal])
                             .values(chars=entry[2], encoding=entry[3]))
        flush_records()
        flush_mentions()
        details: dict[str, Any] = {
            "derivation": derivation_id, "reader": ext.reader.name,
            "reader_version": reader_versions()[ext.reader.name], "sha256": cand.sha256,
            "records": ext.records, "mentions": ext.mentions, "entities": len(ext.found)}
        if ext.encoding:
            details["encoding"] = ext.encoding
        ledger.append(conn, chain=case.chain, actor=actor.name, action="derive.item",
                      subject=f"item:E-{cand.no}", case_id=case.id, details=details)
    return True


def _write_failure(ws: Workspace, actor: Actor, case: CaseRow, derivation_id: int,
                   cand: _Candidate, reader: Reader, error: SabuesoError) -> None:
    message = error.message()
    with ws.db.begin() as conn:
        if conn.execute(select(item_derivations.c.item_id)
                        .where(item_derivations.c.item_id == cand.id)).first():
            return
        conn.execute(insert(item_derivations).values(
            item_id=cand.id, case_id=case.id, derivation_id=derivation_id, status="failed",
            reader=reader.name, reader_version=reader_versions()[reader.name], records=0,
            mentions=0, error=_db_text(f"{error.key}: {message}")))
        ledger.append(conn, chain=case.chain, actor=actor.name, action="derive.failed",
                      subject=f"item:E-{cand.no}", case_id=case.id,
                      details={"derivation": derivation_id, "reader": reader.name,
                               "sha256": cand.sha256, "error": error.key,
                               "reason": _db_text(message)[:500]})


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


class _UnexpectedError(SabuesoError):
    """A reader or extractor failed in a way nobody planned for (a bug, or a library's)."""


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
    for cand in found:
        reader = best_reader(cand.media_type, cand.name)
        if reader is None:
            skipped.append(cand)
            continue
        try:
            ext = _extract(ws, cand, reader, ctx)
        except SabuesoError as exc:
            error: SabuesoError = exc
        except (OSError, RecursionError, MemoryError, ValueError, LookupError, TypeError,
                AttributeError, ArithmeticError, AssertionError) as exc:
            error = _UnexpectedError("error.reader_unexpected", location=cand.name,
                                reason=f"{type(exc).__name__}: {exc}"[:300])
        else:
            try:
                wrote = _write_item(ws, actor, case, derivation_id, cand, ext)
            except IntegrityError:
                wrote = False  # PostgreSQL: a concurrent run claimed the item first
            finally:
                ext.spool.close()
            if wrote:
                summary.items += 1
                summary.records += ext.records
                summary.mentions += ext.mentions
            else:
                summary.already += 1
            continue
        summary.failed.append(ItemFailure(cand.no, cand.name, error.key, error.message()))
        _write_failure(ws, actor, case, derivation_id, cand, reader, error)
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

