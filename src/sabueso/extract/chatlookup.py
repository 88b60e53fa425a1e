"""Reading a case's chat exports: its chats with their counts, and messages in time order.

Every read needs the ``read`` permission on the case and is recorded in the ledger
(``chats.list``, ``messages.list``) with the filters used, like every other view.

A Telegram HTML export writes a long chat as pages (``messages.html``, ``messages2.html``, one
per 1,000 messages), and Meta's an Instagram or Messenger thread as ``message_1.json``,
``message_2.json``...; each page is an evidence item read on its own, so each has a chat
row. Pages of one export (same chat key, same folder or archive) are one conversation here:
``chat_groups`` maps every chat row to its group's first row, whose id the views show.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select

from sabueso.cases.access import Action, CaseRow, authorize
from sabueso.core.timeutil import iso_utc
from sabueso.custody import ledger
from sabueso.extract.itemread import UNPARSED_NOTE
from sabueso.store.schema import accounts, chats, items, messages, records
from sabueso.workspace import Workspace

__all__ = ["ChatRow", "MessageFilter", "MessageRow", "UnparsedRow", "chat_groups", "list_chats",
           "list_messages", "list_unparsed"]

# Chat keys whose rows are pages of one conversation when their items share a parent: the
# pages of a Telegram HTML export, the ``message_N.json`` files of an Instagram or Messenger
# thread.
PAGED_KEYS = ("tg:chat:html:", "ig:chat:", "fb:chat:")


def chat_groups(conn: Connection, case_id: int) -> dict[int, int]:
    """Chat row id -> the id of the first row of its conversation (itself when alone)."""
    query = (select(chats.c.id, chats.c.key, items.c.parent_id)
             .join(items, items.c.id == chats.c.item_id)
             .where(chats.c.case_id == case_id)
             .order_by(items.c.no, chats.c.id))
    first: dict[tuple[str, int | None], int] = {}
    groups: dict[int, int] = {}
    for r in conn.execute(query):
        chat_id = int(r.id)
        if r.key.startswith(PAGED_KEYS) and r.parent_id is not None:
            groups[chat_id] = first.setdefault((r.key, int(r.parent_id)), chat_id)
        else:
            groups[chat_id] = chat_id
    return groups


@dataclass(frozen=True, slots=True)
class ChatRow:
    id: int
    item: int
    platform: str
    title: str | None
    kind: str | None
    messages: int
    senders: int
    first: datetime | None
    last: datetime | None
    date_order: str | None = None  # WhatsApp: how the export's dates were read ...
    date_order_basis: str | None = None  # ... and what decided it
    pages: tuple[int, ...] = ()  # every item the conversation was read from (paged exports)
    unparsed: int = 0  # pieces of its export(s) that are not messages

    def as_dict(self) -> dict[str, Any]:
        return {"chat": self.id, "item": f"E-{self.item}", "platform": self.platform,
                "title": self.title, "kind": self.kind, "messages": self.messages,
                "senders": self.senders, "items": [f"E-{no}" for no in self.pages],
                "unparsed": self.unparsed,
                "date_order": self.date_order,
                "date_order_basis": self.date_order_basis,
                "first": iso_utc(self.first) if self.first else None,
                "last": iso_utc(self.last) if self.last else None}


@dataclass(slots=True)
class MessageRow:
    chat: int
    chat_title: str | None
    item: int
    locator: str | None
    ordinal: int
    sender: str | None  # the account's display name, else its key
    sender_key: str | None
    sender_phone: str | None
    sent_at: datetime | None
    sent_text: str
    zone: str | None
    kind: str
    service: str | None
    text: str
    msg_id: str | None = None
    reply_to: str | None = None
    forwarded_from: str | None = None
    edited_at: datetime | None = None
    edited: bool = False
    deleted: bool = False
    attachments: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"chat": self.chat, "chat_title": self.chat_title, "item": f"E-{self.item}",
                "locator": self.locator, "ordinal": self.ordinal, "sender": self.sender,
                "sender_key": self.sender_key, "sender_phone": self.sender_phone,
                "sent_at": iso_utc(self.sent_at) if self.sent_at else None,
                "sent_text": self.sent_text, "zone": self.zone, "kind": self.kind,
                "service": self.service, "text": self.text, "msg_id": self.msg_id,
                "reply_to": self.reply_to, "forwarded_from": self.forwarded_from,
                "edited_at": iso_utc(self.edited_at) if self.edited_at else None,
                "edited": self.edited, "deleted": self.deleted, "attachments": self.attachments}


@dataclass(frozen=True, slots=True)
class MessageFilter:
    chat: int | None = None
    since: datetime | None = None  # inclusive, UTC
    until: datetime | None = None  # exclusive, UTC
    sender: str | None = None  # part of a sender's name, key or phone (case-insensitive)
    limit: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"chat": self.chat, "from": iso_utc(self.since) if self.since else None,
                "to": iso_utc(self.until) if self.until else None, "sender": self.sender,
                "limit": self.limit}


def list_chats(ws: Workspace, ref: str) -> tuple[CaseRow, list[ChatRow]]:
    actor, case = authorize(ws.db, ws.actor, ref, Action.READ)
    with ws.db.begin() as conn:
        groups = chat_groups(conn, case.id)
        query = (select(chats.c.id, chats.c.item_id, items.c.no, chats.c.platform,
                        chats.c.title, chats.c.kind,
                        chats.c.date_order, chats.c.date_order_basis,
                        func.count(messages.c.id).label("n"),
                        func.min(messages.c.sent_at).label("first"),
                        func.max(messages.c.sent_at).label("last"))
                 .join(items, items.c.id == chats.c.item_id)
                 .outerjoin(messages, messages.c.chat_id == chats.c.id)
                 .where(chats.c.case_id == case.id)
                 .group_by(chats.c.id, chats.c.item_id, items.c.no, chats.c.platform,
                           chats.c.title,
                           chats.c.kind, chats.c.date_order, chats.c.date_order_basis)
                 .order_by(items.c.no, chats.c.id))
        parts: dict[int, list[Any]] = {}
        for r in conn.execute(query):
            parts.setdefault(groups.get(int(r.id), int(r.id)), []).append(r)
        senders: dict[int, set[int]] = {head: set() for head in parts}
        pairs = (select(messages.c.chat_id, messages.c.sender_id).distinct()
                 .where(messages.c.case_id == case.id, messages.c.sender_id.is_not(None)))
        for chat_id, sender_id in conn.execute(pairs):
            head = groups.get(int(chat_id), int(chat_id))
            if head in senders:
                senders[head].add(int(sender_id))
        odd = {int(item_id): int(n) for item_id, n in conn.execute(
            select(records.c.item_id, func.count())
            .where(records.c.case_id == case.id, records.c.note.like(f"{UNPARSED_NOTE}%"))
            .group_by(records.c.item_id))}
        rows = [_merged(rs, len(senders[head]), odd) for head, rs in parts.items()]
        ledger.append(conn, chain=case.chain, actor=actor.name, action="chats.list",
                      subject=f"case:{case.ref}", case_id=case.id,
                      details={"chats": len(rows)})
    return case, rows


def _merged(rows: list[Any], senders: int, odd: dict[int, int]) -> ChatRow:
    """One conversation from its chat rows (one, or the pages of a paged export); ``odd``:
    unparsed pieces by item id."""
    head = rows[0]
    firsts = [f for f in (_utc(r.first) for r in rows) if f is not None]
    lasts = [v for v in (_utc(r.last) for r in rows) if v is not None]
    return ChatRow(int(head.id), int(head.no), head.platform, head.title, head.kind,
                   sum(int(r.n) for r in rows), senders, min(firsts, default=None),
                   max(lasts, default=None), head.date_order, head.date_order_basis,
                   tuple(int(r.no) for r in rows),
                   sum(odd.get(int(r.item_id), 0) for r in rows))


@dataclass(frozen=True, slots=True)
class UnparsedRow:
    """A piece of a chat export that is not a message: where it is and why it was kept as is
    (``reason`` is a message key, ``chat.unparsed.*``)."""

    item: int
    name: str
    locator: str | None
    reason: str
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"item": f"E-{self.item}", "name": self.name, "locator": self.locator,
                "reason": self.reason, "text": self.text}


def list_unparsed(ws: Workspace, ref: str) -> tuple[CaseRow, list[UnparsedRow]]:
    """Every unparsed piece of the case's chat exports, in evidence order; recorded as
    ``chats.unparsed``."""
    actor, case = authorize(ws.db, ws.actor, ref, Action.READ)
    with ws.db.begin() as conn:
        query = (select(items.c.no, items.c.name, records.c.locator, records.c.note,
                        records.c.text)
                 .join(items, items.c.id == records.c.item_id)
                 .where(records.c.case_id == case.id,
                        records.c.note.like(f"{UNPARSED_NOTE}%"))
                 .order_by(items.c.no, records.c.ordinal))
        rows = [UnparsedRow(int(r.no), r.name, r.locator, r.note[len(UNPARSED_NOTE):],
                            r.text or "") for r in conn.execute(query)]
        ledger.append(conn, chain=case.chain, actor=actor.name, action="chats.unparsed",
                      subject=f"case:{case.ref}", case_id=case.id,
                      details={"pieces": len(rows)})
    return case, rows


def _utc(value: Any) -> datetime | None:
    """MIN/MAX come back as text on SQLite (the column type is not applied to aggregates)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def list_messages(ws: Workspace, ref: str,
                  flt: MessageFilter | None = None) -> tuple[CaseRow, Iterator[MessageRow]]:
    """The case's messages in time order (then export order), filtered; the view is recorded
    before the first row is returned."""
    flt = flt or MessageFilter()
    actor, case = authorize(ws.db, ws.actor, ref, Action.READ)
    with ws.db.begin() as conn:
        ledger.append(conn, chain=case.chain, actor=actor.name, action="messages.list",
                      subject=f"case:{case.ref}", case_id=case.id, details=flt.as_dict())
    return case, _rows(ws, case, flt)


def _placed_at() -> ColumnElement[Any]:
    """Where a message stands in time: its instant, or, for a line the export gives no time
    (Telegram HTML writes none for service lines and date separators), the instant of the
    nearest earlier message of its chat that has one (else the next one): the line stays
    where the export put it instead of falling to the end of the case. Each look-up reads the
    chat's index backwards (or forwards) until a message with a time."""
    near = messages.alias("near")

    def neighbour(before: bool) -> Any:
        return (select(near.c.sent_at)
                .where(near.c.chat_id == messages.c.chat_id, near.c.sent_at.is_not(None),
                       near.c.ordinal < messages.c.ordinal if before
                       else near.c.ordinal > messages.c.ordinal)
                .order_by(near.c.ordinal.desc() if before else near.c.ordinal)
                .limit(1).scalar_subquery())

    return func.coalesce(messages.c.sent_at, neighbour(True), neighbour(False))


def _rows(ws: Workspace, case: CaseRow, flt: MessageFilter) -> Iterator[MessageRow]:
    placed = _placed_at()
    query = (select(messages, records.c.text, records.c.locator, chats.c.title,
                    items.c.no, accounts.c.key.label("sender_key"),
                    accounts.c.display_name, accounts.c.phone)
             .join(records, records.c.id == messages.c.record_id)
             .join(chats, chats.c.id == messages.c.chat_id)
             .join(items, items.c.id == messages.c.item_id)
             .outerjoin(accounts, accounts.c.id == messages.c.sender_id)
             .where(messages.c.case_id == case.id)
             .order_by(placed.is_(None), placed, items.c.no, messages.c.ordinal))
    with ws.db.begin() as conn:
        groups = chat_groups(conn, case.id)
    if flt.chat is not None:
        members = [c for c, head in groups.items() if head == groups.get(flt.chat, flt.chat)]
        query = query.where(messages.c.chat_id.in_(members or [flt.chat]))
    if flt.since is not None:
        query = query.where(messages.c.sent_at >= flt.since)
    if flt.until is not None:
        query = query.where(messages.c.sent_at < flt.until)
    if flt.sender:
        pattern = f"%{flt.sender.lower()}%"
        query = query.where(func.lower(accounts.c.display_name).like(pattern)
                            | func.lower(accounts.c.key).like(pattern)
                            | func.lower(func.coalesce(accounts.c.phone, "")).like(pattern))
    if flt.limit is not None:
        query = query.limit(flt.limit)
    with ws.db.begin() as conn:
        for r in conn.execute(query):
            yield MessageRow(
                groups.get(int(r.chat_id), int(r.chat_id)), r.title, int(r.no), r.locator,
                int(r.ordinal),
                r.display_name or r.sender_key, r.sender_key, r.phone, r.sent_at, r.sent_text,
                r.zone, r.kind, r.service, r.text or "", r.msg_id, r.reply_to,
                r.forwarded_from, r.edited_at, bool(r.edited), bool(r.deleted),
                json.loads(r.attachments) if r.attachments else [])
