"""Writing what ``itemread`` spooled: several items per transaction, each with its ledger entry.

Records go first (one statement per few thousand rows), then the chats and accounts of chat
exports, then the mentions and messages that point to them. Entities and accounts are shared
by the whole case: inserted when missing (in one global order, so two runs on PostgreSQL cannot
deadlock), then looked up.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from sabueso.cases.access import Actor, CaseRow
from sabueso.custody import ledger
from sabueso.extract.itemread import Extracted, db_text
from sabueso.ingest.chats.registry import format_versions
from sabueso.ingest.text import reader_versions
from sabueso.store.bulk import insert_many, insert_returning, instant
from sabueso.store.schema import (
    accounts,
    chats,
    entities,
    item_derivations,
    mentions,
    messages,
    records,
    search_chunks,
)
from sabueso.workspace import Workspace

__all__ = ["all_versions", "value_key", "write_batch"]

BATCH = 5000
CHUNK_IDS = 500
PIECES = 2000  # search pieces per insert
RECORD_COLUMNS = ("case_id", "item_id", "derivation_id", "ordinal", "locator", "encoding",
                  "chars", "text", "note")
MENTION_COLUMNS = ("entity_id", "record_id", "item_id", "char_start", "char_end", "raw",
                   "derived")
MESSAGE_COLUMNS = ("case_id", "item_id", "chat_id", "record_id", "ordinal", "sender_id",
                   "sent_at", "sent_text", "zone", "kind", "service", "msg_id", "reply_to",
                   "forwarded_from", "edited_at", "edited", "deleted", "attachments")


def value_key(value: str) -> str:
    """The SHA-256 of a canonical value: what the unique index holds (a URL can be longer
    than a PostgreSQL B-tree entry may be)."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def all_versions() -> dict[str, str]:
    """Every reader's and chat format's version, as the index records them."""
    return {**reader_versions(), **format_versions()}


def _insert_missing(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    stmt = pg_insert(table) if conn.dialect.name == "postgresql" else sqlite_insert(table)
    for start in range(0, len(rows), CHUNK_IDS):
        conn.execute(stmt.on_conflict_do_nothing(), rows[start:start + CHUNK_IDS])


def upsert_entities(conn: Connection, case_id: int,
                    found: dict[tuple[str, str], str]) -> dict[tuple[str, str], int]:
    """Insert the entities not yet in the case and return the id of each."""
    keyed = sorted(((t, value_key(v), v, attrs) for (t, v), attrs in found.items()))
    _insert_missing(conn, entities, [
        {"case_id": case_id, "type": t, "value": v, "value_sha256": h, "attrs": a}
        for t, h, v, a in keyed])
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


def _upsert_accounts(conn: Connection, case_id: int,
                     found: dict[str, tuple[Any, ...]]) -> dict[str, int]:
    """Accounts by key: the first description seen of each is kept."""
    keyed = sorted((value_key(key), key, entry) for key, entry in found.items())
    _insert_missing(conn, accounts, [
        {"case_id": case_id, "platform": e[2], "key": key, "key_sha256": h,
         "display_name": e[3], "phone": e[4], "platform_id": e[5]} for h, key, e in keyed])
    ids: dict[str, int] = {}
    by_hash = {h: key for h, key, _e in keyed}
    hashes = sorted(by_hash)
    for start in range(0, len(hashes), CHUNK_IDS):
        for row in conn.execute(select(accounts.c.id, accounts.c.key_sha256).where(
                accounts.c.case_id == case_id,
                accounts.c.key_sha256.in_(hashes[start:start + CHUNK_IDS]))):
            ids[by_hash[row.key_sha256]] = int(row.id)
    return ids


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def write_batch(ws: Workspace, actor: Actor, case: CaseRow, derivation_id: int,
                batch: list[Extracted]) -> list[bool]:
    """Store several items' records, mentions and chat rows, each item with its ledger entry,
    in one transaction. For each item, False when another run derived it meanwhile."""
    versions = all_versions()
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
                "error": db_text(f"{e.error[0]}: {e.error[1]}") if e.error else None,
            } for e in todo])
        found: dict[tuple[str, str], str] = {}
        for e in todo:
            for key, attrs in e.found.items():
                found.setdefault(key, attrs)
        ids = upsert_entities(conn, case.id, found) if found else {}
        record_ids, chat_ids, account_ids = _write_records_and_chats(conn, case, derivation_id,
                                                                     todo)
        rows: list[tuple[Any, ...]] = []
        said: list[tuple[Any, ...]] = []
        pieces: list[tuple[int, int, int, str]] = []
        notes: list[tuple[str, str, dict[str, Any]]] = []
        for e in todo:
            item_id = e.cand.id
            for entry in e.spool.entries():
                kind = entry[0]
                if kind == "h":
                    record_id = record_ids[(item_id, entry[1])]
                    for t, value, raw, start, end, derived in entry[2]:
                        rows.append((ids[(t, value)], record_id, item_id, start, end, raw,
                                     bool(derived)))
                    if len(rows) >= BATCH:
                        insert_many(conn, mentions, MENTION_COLUMNS, rows)
                        rows.clear()
                elif kind == "m":
                    (_k, ordinal, msg_ordinal, chat, sender, sent_at, sent_text, zone, mkind,
                     service, msg_id, reply_to, forwarded, edited_at, edited, deleted,
                     attachments) = entry
                    said.append((
                        case.id, item_id, chat_ids[(item_id, chat)],
                        record_ids[(item_id, ordinal)], msg_ordinal,
                        account_ids.get(sender) if sender else None,
                        instant(conn, _instant(sent_at)), sent_text, zone, mkind, service,
                        msg_id, reply_to, forwarded, instant(conn, _instant(edited_at)),
                        bool(edited), bool(deleted), attachments))
                    if len(said) >= BATCH:
                        insert_many(conn, messages, MESSAGE_COLUMNS, said)
                        said.clear()
                elif kind == "s":
                    pieces.append((item_id, record_ids[(item_id, entry[1])], entry[2],
                                   entry[3]))
                    if len(pieces) >= PIECES:
                        _write_pieces(conn, case.id, pieces)
            notes.append(_ledger_note(e, derivation_id, versions))
        insert_many(conn, mentions, MENTION_COLUMNS, rows)
        insert_many(conn, messages, MESSAGE_COLUMNS, said)
        if pieces:
            _write_pieces(conn, case.id, pieces)
        ledger.append_many(conn, chain=case.chain, actor=actor.name, case_id=case.id,
                           entries=notes)
    return [e.cand.id not in taken for e in batch]


PIECE_COLUMNS = ("case_id", "item_id", "record_id", "chunk_start", "folded")


def _write_pieces(conn: Connection, case_id: int,
                  pieces: list[tuple[int, int, int, str]]) -> None:
    """Search pieces ``(item, record, start, folded)`` with their index entry: the tsvector on
    PostgreSQL, the FTS5 row on SQLite (an external-content FTS5 table is kept in step by
    hand)."""
    if conn.dialect.name == "postgresql":
        insert_many(conn, search_chunks, (*PIECE_COLUMNS, "tsv"),
                    [(case_id, *p, p[3]) for p in pieces],
                    values="?, ?, ?, ?, ?, to_tsvector('simple', ?)")
    else:
        folded = {(p[1], p[2]): p[3] for p in pieces}
        made = insert_returning(conn, search_chunks, PIECE_COLUMNS,
                                [(case_id, *p) for p in pieces],
                                ("id", "record_id", "chunk_start"))
        conn.exec_driver_sql("INSERT INTO search_fts (rowid, folded) VALUES (?, ?)",
                             [(row[0], folded[(row[1], row[2])]) for row in made])
    pieces.clear()


def _write_records_and_chats(conn: Connection, case: CaseRow, derivation_id: int,
                             todo: list[Extracted]) -> tuple[dict[tuple[int, int], int],
                                                             dict[tuple[int, str], int],
                                                             dict[str, int]]:
    """The records, chats and accounts of a batch, in one pass over the spools: the ids of
    records by (item, ordinal), of chats by (item, key), of accounts by key."""
    rows: list[tuple[Any, ...]] = []
    record_ids: dict[tuple[int, int], int] = {}
    chat_rows: list[dict[str, Any]] = []
    found_accounts: dict[str, tuple[Any, ...]] = {}

    def flush() -> None:
        for row_id, item_id, ordinal in insert_returning(
                conn, records, RECORD_COLUMNS, rows, ("id", "item_id", "ordinal")):
            record_ids[(int(item_id), int(ordinal))] = int(row_id)
        rows.clear()

    for e in todo:
        for entry in e.spool.entries():
            if entry[0] == "r":
                _k, ordinal, locator, text, chars, encoding, note = entry
                chars, encoding = e.finals.get(ordinal, (chars, encoding))
                rows.append((case.id, e.cand.id, derivation_id, ordinal, locator, encoding,
                             chars, text, note))
                if len(rows) >= BATCH:
                    flush()
            elif entry[0] == "c":
                _k, key, platform, title, kind, platform_id, order, basis = entry
                chat_rows.append({"case_id": case.id, "item_id": e.cand.id,
                                  "derivation_id": derivation_id, "key": key,
                                  "platform": platform, "title": title, "kind": kind,
                                  "platform_id": platform_id, "date_order": order,
                                  "date_order_basis": basis})
            elif entry[0] == "a":
                found_accounts.setdefault(entry[1], entry)
    if rows:
        flush()
    chat_ids: dict[tuple[int, str], int] = {}
    if chat_rows:
        for row in conn.execute(insert(chats).returning(chats.c.id, chats.c.item_id,
                                                        chats.c.key), chat_rows):
            chat_ids[(int(row.item_id), row.key)] = int(row.id)
    account_ids = _upsert_accounts(conn, case.id, found_accounts) if found_accounts else {}
    return record_ids, chat_ids, account_ids


def _ledger_note(e: Extracted, derivation_id: int,
                 versions: dict[str, str]) -> tuple[str, str, dict[str, Any]]:
    subject = f"item:E-{e.cand.no}"
    if e.error:
        return ("derive.failed", subject, {
            "derivation": derivation_id, "reader": e.reader, "sha256": e.cand.sha256,
            "error": e.error[0], "reason": db_text(e.error[1])[:500]})
    details: dict[str, Any] = {
        "derivation": derivation_id, "reader": e.reader,
        "reader_version": versions[e.reader], "sha256": e.cand.sha256,
        "records": e.records, "mentions": e.mentions, "entities": len(e.found)}
    if e.cand.chat:
        details["messages"] = e.messages
        details["unparsed"] = e.unparsed
        details["zone"] = e.cand.zone
    if e.encoding:
        details["encoding"] = e.encoding
    return ("derive.item", subject, details)
