"""The custody ledger: append-only, hash-chained entries written in the caller's transaction.

There is one chain per case (``case:<REF>``) and one for the workspace (``system``: users,
refusals on unknown cases). ``ledger_heads`` records each chain's last (seq, hash): appends
build on it (never on whatever row happens to be last), so an entry removed from the end still
shows as a gap, and on PostgreSQL its row lock serialises concurrent appends.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from sabueso.core.canonical import canonical_json
from sabueso.core.timeutil import iso_utc, utcnow
from sabueso.custody.chain import GENESIS, entry_hash
from sabueso.store.schema import ledger, ledger_heads

SYSTEM_CHAIN = "system"


def case_chain(ref: str) -> str:
    return f"case:{ref}"


@dataclass(frozen=True, slots=True)
class Entry:
    """In chain C, entry number S says: at T, ACTOR did ACTION to SUBJECT, with DETAILS."""

    chain: str
    seq: int
    ts: str
    actor: str
    action: str
    subject: str
    details: Any
    prev_hash: str
    hash: str
    case_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"chain": self.chain, "seq": self.seq, "ts": self.ts, "actor": self.actor,
                "action": self.action, "subject": self.subject, "details": self.details,
                "prev_hash": self.prev_hash, "hash": self.hash}


def _lock_head(conn: Connection, chain: str) -> tuple[int, str]:
    if conn.dialect.name == "postgresql":
        conn.execute(pg_insert(ledger_heads).values(chain=chain, seq=0, hash=GENESIS)
                     .on_conflict_do_nothing(index_elements=["chain"]))
        row = conn.execute(select(ledger_heads.c.seq, ledger_heads.c.hash)
                           .where(ledger_heads.c.chain == chain).with_for_update()).one()
        return int(row.seq), str(row.hash)
    # SQLite: the transaction already holds the database's write lock (BEGIN IMMEDIATE).
    found = conn.execute(select(ledger_heads.c.seq, ledger_heads.c.hash)
                         .where(ledger_heads.c.chain == chain)).first()
    if found is None:
        conn.execute(insert(ledger_heads).values(chain=chain, seq=0, hash=GENESIS))
        return 0, GENESIS
    return int(found.seq), str(found.hash)


def append(conn: Connection, *, chain: str, actor: str, action: str, subject: str,
           details: dict[str, Any] | None = None, case_id: int | None = None) -> Entry:
    """Append one entry to ``chain`` inside the caller's transaction."""
    return append_many(conn, chain=chain, actor=actor, case_id=case_id,
                       entries=[(action, subject, details or {})])[-1]


def append_many(conn: Connection, *, chain: str, actor: str, case_id: int | None,
                entries: list[tuple[str, str, dict[str, Any]]]) -> list[Entry]:
    """Append several entries (action, subject, details) in order, in one round of locking."""
    seq, prev = _lock_head(conn, chain)
    ts = iso_utc(utcnow())
    written: list[Entry] = []
    rows: list[dict[str, Any]] = []
    for action, subject, details in entries:
        seq += 1
        details_obj = json.loads(canonical_json(details))  # what a reader will get back
        fields = {"chain": chain, "seq": seq, "ts": ts, "actor": actor, "action": action,
                  "subject": subject, "details": details_obj, "prev_hash": prev}
        digest = entry_hash(fields)
        written.append(Entry(chain, seq, ts, actor, action, subject, details_obj, prev, digest,
                             case_id))
        rows.append({**fields, "details": canonical_json(details_obj), "hash": digest,
                     "case_id": case_id})
        prev = digest
    if rows:
        conn.execute(insert(ledger), rows)
        conn.execute(update(ledger_heads).where(ledger_heads.c.chain == chain)
                     .values(seq=seq, hash=prev))
    return written


def head(conn: Connection, chain: str) -> tuple[int, str] | None:
    row = conn.execute(select(ledger_heads.c.seq, ledger_heads.c.hash)
                       .where(ledger_heads.c.chain == chain)).first()
    return (int(row.seq), str(row.hash)) if row else None


def _decode_details(text: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text  # tampered into non-JSON: it will fail its hash, and be reported


def entries(conn: Connection, chain: str, *, since: int = 0) -> Iterator[Entry]:
    result = conn.execute(select(ledger).where(ledger.c.chain == chain, ledger.c.seq > since)
                          .order_by(ledger.c.seq))
    for row in result:
        yield Entry(row.chain, int(row.seq), row.ts, row.actor, row.action, row.subject,
                    _decode_details(row.details), row.prev_hash, row.hash, row.case_id)
