"""Full-text search over a case's records: messages, document pages, sheets, plain text.

Query language (the same on SQLite and PostgreSQL, accent- and case-insensitive): words, all of
which must appear in the same piece of text (``mota colibri``); ``"quoted words"`` that must
appear one after the other; a trailing ``*`` for a word's beginning (``pagu*``). Anything else
(punctuation, operators) is read as a word separator, so a query cannot break the database's
own query syntax.

Results come in evidence order (item, then record, then position), so both databases give the
same list; each hit carries its item, the record's locator, a snippet around the first match
and, for a chat message, its sender, chat and time. The search is recorded in the ledger
(``search``: the query and the number of hits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO, cast

from sqlalchemy import Connection, Integer, column, func, select, text

from sabueso.cases.access import Action, CaseRow, authorize
from sabueso.core.errors import InputError
from sabueso.core.timeutil import iso_utc
from sabueso.custody import ledger
from sabueso.extract.fold import fold
from sabueso.extract.lookup import stream_context
from sabueso.ingest.text import DecodedText
from sabueso.store.schema import accounts, chats, items, messages, records, search_chunks
from sabueso.workspace import Workspace

__all__ = ["Query", "SearchHit", "parse_query", "search"]

SNIPPET = 80  # characters each side of the first match
_PART = re.compile(r'"([^"]*)"?|(\S+)')


@dataclass(frozen=True, slots=True)
class Query:
    """Folded terms: each a tuple of tokens (one token, or a phrase), maybe a prefix."""

    terms: tuple[tuple[tuple[str, ...], bool], ...]  # ((tokens...), prefix)

    def fts5(self) -> str:
        parts = []
        for tokens, prefix in self.terms:
            parts.append('"' + " ".join(tokens) + '"' + ("*" if prefix else ""))
        return " AND ".join(parts)

    def tsquery(self) -> str:
        parts = []
        for tokens, prefix in self.terms:
            words = [f"'{t}'" for t in tokens]
            if prefix:
                words[-1] += ":*"
            parts.append(words[0] if len(words) == 1 else "(" + " <-> ".join(words) + ")")
        return " & ".join(parts)

    def pattern(self) -> re.Pattern[str]:
        """Where a term occurs in folded text (the first one is the snippet's centre)."""
        alts = []
        for tokens, prefix in self.terms:
            body = r"\s+".join(re.escape(t) for t in tokens)
            alts.append(rf"(?<!\w){body}" + ("" if prefix else r"(?!\w)"))
        return re.compile("|".join(alts))


def parse_query(raw: str) -> Query:
    terms: list[tuple[tuple[str, ...], bool]] = []
    for match in _PART.finditer(raw):
        quoted, word = match.group(1), match.group(2)
        if quoted is not None:
            tokens = tuple(fold(quoted).split())
            if tokens:
                terms.append((tokens, False))
            continue
        prefix = word.endswith("*")
        words = fold(word).split()
        for i, token in enumerate(words):
            terms.append(((token,), prefix and i == len(words) - 1))
    if not terms:
        raise InputError("error.search_empty", query=raw)
    return Query(tuple(terms))


@dataclass(slots=True)
class SearchHit:
    item: int
    name: str
    record: int
    locator: str | None
    start: int  # offset of the match in the record's text
    snippet: str
    sender: str | None = None
    chat: str | None = None
    sent_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"item": f"E-{self.item}", "name": self.name, "record": self.record,
                "locator": self.locator, "start": self.start, "snippet": self.snippet,
                "sender": self.sender, "chat": self.chat,
                "sent_at": iso_utc(self.sent_at) if self.sent_at else None}


def _matching_chunks(conn: Connection, case: CaseRow, query: Query) -> list[Any]:
    cols = (search_chunks.c.id, search_chunks.c.record_id, search_chunks.c.chunk_start,
            search_chunks.c.folded)
    if conn.dialect.name == "postgresql":
        where = search_chunks.c.tsv.op("@@")(func.to_tsquery("simple", query.tsquery()))
        stmt = select(*cols).where(search_chunks.c.case_id == case.id, where)
    else:
        found = (text("SELECT rowid FROM search_fts WHERE search_fts MATCH :q")
                 .bindparams(q=query.fts5()).columns(column("rowid", Integer)))
        stmt = select(*cols).where(search_chunks.c.case_id == case.id,
                                   search_chunks.c.id.in_(found))
    return list(conn.execute(stmt))


def search(ws: Workspace, ref: str, raw: str,
           limit: int | None = None) -> tuple[CaseRow, list[SearchHit]]:
    query = parse_query(raw)
    actor, case = authorize(ws.db, ws.actor, ref, Action.READ)
    pattern = query.pattern()
    with ws.db.begin() as conn:
        chunks = _matching_chunks(conn, case, query)
        first: dict[int, int] = {}  # record id -> offset of its first match
        for row in sorted(chunks, key=lambda r: (r.record_id, r.chunk_start)):
            if int(row.record_id) in first:
                continue
            found = pattern.search(row.folded)
            # the database matched the piece: the words are there, maybe apart
            first[int(row.record_id)] = int(row.chunk_start) + (found.start() if found else 0)
        hits = _describe(ws, conn, first)
        hits.sort(key=lambda h: (h.item, h.record))
        if limit is not None:
            hits = hits[:limit]
        ledger.append(conn, chain=case.chain, actor=actor.name, action="search",
                      subject=f"case:{case.ref}", case_id=case.id,
                      details={"query": raw, "hits": len(hits), "records": len(first)})
    return case, hits


def _describe(ws: Workspace, conn: Connection, first: dict[int, int]) -> list[SearchHit]:
    hits: list[SearchHit] = []
    ids = sorted(first)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        query = (select(records.c.id, records.c.ordinal, records.c.locator, records.c.text,
                        items.c.no, items.c.name, items.c.blob_sha256,
                        messages.c.sent_at, accounts.c.display_name, accounts.c.key,
                        chats.c.title)
                 .join(items, items.c.id == records.c.item_id)
                 .outerjoin(messages, messages.c.record_id == records.c.id)
                 .outerjoin(accounts, accounts.c.id == messages.c.sender_id)
                 .outerjoin(chats, chats.c.id == messages.c.chat_id)
                 .where(records.c.id.in_(chunk)))
        for r in conn.execute(query):
            at = first[int(r.id)]
            if r.text is not None:
                body = r.text
                lo = max(0, at - SNIPPET)
                snippet = body[lo:at + SNIPPET]
            else:
                snippet = _read_around(ws, r.blob_sha256, at)
            hits.append(SearchHit(int(r.no), r.name, int(r.ordinal), r.locator, at,
                                  " ".join(snippet.split()), r.display_name or r.key,
                                  r.title, r.sent_at))
    return hits


def _read_around(ws: Workspace, sha256: str, at: int) -> str:
    """A streamed record's text around ``at``, read again from the evidence."""
    with ws.vault.open(sha256) as fh:
        found = stream_context(cast(TextIO, DecodedText(fh)), [(at, at)], SNIPPET)
    before, after = found[(at, at)]
    return before + after
