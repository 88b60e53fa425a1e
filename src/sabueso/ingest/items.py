"""Writing evidence items into a case: numbers, identities, duplicates and ledger entries.

``ItemWriter`` collects one batch of items (folders, files and archive members, each parent
before its children) inside the caller's transaction and writes them in a fixed number of
statements, whatever the batch's size: one query for the identities already in the case, one
for the first item holding each content, one ``executemany`` per tree level for the item rows,
and the ledger entries in one more (``ledger.append_many``), in the same transaction.

An item's *identity* is a hash of its parent's identity, its kind, its original path and its
content: adding the same file from the same place again finds it, so an interrupted add can be
run again to completion without duplicating anything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from sabueso.cases.access import CaseRow
from sabueso.core.canonical import canonical_json
from sabueso.core.errors import InputError, SabuesoError
from sabueso.core.paths import path_text
from sabueso.core.timeutil import iso_utc, utcnow
from sabueso.custody import ledger
from sabueso.ingest import archives
from sabueso.ingest.scan import FileEntry, FolderNode
from sabueso.store.schema import blobs, cases, items
from sabueso.store.vault import BlobInfo
from sabueso.workspace import Workspace

# Values per ``IN (...)`` list (SQLite allows 32,766 bound parameters per statement).
_IN_CHUNK = 500


def item_label(no: int) -> str:
    return f"E-{no}"


@dataclass(frozen=True, slots=True)
class IntakeOptions:
    source: str | None = None
    note: str | None = None
    acquired_at: datetime | None = None
    expand: bool = True
    limits: archives.ArchiveLimits = field(default_factory=archives.ArchiveLimits)
    chat_format: str | None = None  # ``--as``: a chat platform or format name
    zone: str | None = None  # ``--tz``: the zone chat exports' local times are in

    def key_material(self) -> dict[str, Any]:
        material: dict[str, Any] = {
            "source": self.source, "note": self.note, "expand": self.expand,
            "acquired_at": iso_utc(self.acquired_at) if self.acquired_at else None}
        if self.chat_format:
            material["as"] = self.chat_format
        if self.zone:
            material["tz"] = self.zone
        return material


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
    link_target: str | None = None  # a link given on the command line: where it led


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


def identity(parent: str | None, kind: str, path: str, sha256: str | None) -> str:
    return hashlib.sha256(canonical_json([parent, kind, path, sha256]).encode()).hexdigest()


def insert_blobs(conn: Connection, found: Iterable[BlobInfo]) -> None:
    """Record blobs (those already recorded are left alone), in ascending SHA-256 order.

    On PostgreSQL an insert of a row that another transaction has inserted but not committed
    waits for that transaction: two adds into different cases (no common case lock) inserting
    shared content in opposite orders would deadlock. One global order rules that out. The rows
    go in one ``executemany``, which inserts (and waits) in the order given.
    """
    unique = {b.sha256: b for b in found}
    if not unique:
        return
    now = utcnow()
    rows = [{"sha256": b.sha256, "sha1": b.sha1, "md5": b.md5, "size": b.size,
             "media_type": b.media_type, "stored_at": now}
            for b in sorted(unique.values(), key=lambda b: b.sha256)]
    stmt = pg_insert(blobs) if conn.dialect.name == "postgresql" else sqlite_insert(blobs)
    conn.execute(stmt.on_conflict_do_nothing(), rows)


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), _IN_CHUNK):
        yield ordered[start:start + _IN_CHUNK]


class _Node:
    """One item to write: new (``no`` assigned, ``id`` known once inserted), already in the
    case (``id``, ``no`` from the database), or skipped under a parent that was already there."""

    __slots__ = ("alias", "blob", "gen", "id", "ident", "kind", "link", "modified_at", "name",
                 "no", "parent", "path", "remark", "skipped")

    def __init__(self, kind: str, name: str, path: str, parent: _Node | None,
                 blob: BlobInfo | None, modified_at: datetime | None = None,
                 remark: str | None = None, link: Path | None = None) -> None:
        self.kind, self.name, self.path = kind, path_text(name), path_text(path)
        self.parent, self.blob, self.modified_at, self.remark = parent, blob, modified_at, remark
        self.link = path_text(link) if link is not None else None
        self.ident: str = identity(parent.ident if parent else None, kind, self.path,
                                   blob.sha256 if blob else None)
        self.id: int | None = None
        self.no: int | None = None
        self.gen = 0  # insert round: after the round that inserts its parent
        self.skipped = False
        self.alias: _Node | None = None  # a folder met twice: the first one

    @classmethod
    def existing(cls, found: tuple[int, int, str]) -> _Node:
        node = cls.__new__(cls)
        node.kind, node.name, node.path, node.parent, node.blob = "folder", "", "", None, None
        node.modified_at = node.remark = node.link = None
        node.id, node.no, node.ident = found
        node.gen, node.skipped, node.alias = -1, False, None
        return node

    @property
    def key(self) -> tuple[int, int, str]:
        assert self.id is not None and self.no is not None
        return self.id, self.no, self.ident


class ItemWriter:
    """Writes items into one case inside a transaction, numbering them and logging each.

    Items are collected with ``folder``/``file`` (each parent before its children) and written
    by ``finish`` in a fixed number of statements: one query for the identities already in the
    case, one for the first item holding each content, one ``executemany`` per tree level for
    the item rows, and the ledger entries in one more (``ledger.append_many``)."""

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
        self.nodes: list[_Node] = []
        self.folders: dict[Path, _Node] = {}  # folder nodes of this transaction, by path

    def record_blobs(self, found: Iterable[BlobInfo]) -> None:
        """Insert, before any item, every blob the items of this transaction will refer to."""
        insert_blobs(self.conn, found)

    def folder(self, node: FolderNode) -> _Node:
        known = self.folders.get(node.path)
        if known is not None:
            return known
        cached = self.folder_ids.get(node.path)
        if cached is not None:
            made = _Node.existing(cached)
        else:
            parent = self.folder(node.parent) if node.parent else None
            made = _Node("folder", node.path.name or str(node.path), str(node.path), parent,
                         None, link=node.link_target)
            self.nodes.append(made)
        self.folders[node.path] = made
        return made

    def file(self, entry: FileEntry, blob: BlobInfo, members: list[archives.Member]) -> None:
        parent = self.folder(entry.folder) if entry.folder else None
        made = _Node("file", entry.path.name, str(entry.path), parent, blob, entry.modified_at,
                     link=entry.link_target)
        self.nodes.append(made)
        self._members(made, members)

    def _members(self, parent: _Node, members: list[archives.Member]) -> None:
        for member in members:
            made = _Node("member", member.path.rsplit("/", 1)[-1], member.path, parent,
                         member.blob, member.modified_at, member.remark)
            self.nodes.append(made)
            if member.children:
                self._members(made, member.children)

    def _existing(self, idents: Iterable[str]) -> dict[str, tuple[int, int]]:
        found: dict[str, tuple[int, int]] = {}
        for chunk in _chunks(idents):
            for row in self.conn.execute(select(items.c.identity, items.c.id, items.c.no).where(
                    items.c.case_id == self.case.id, items.c.identity.in_(chunk))):
                found[row.identity] = (int(row.id), int(row.no))
        return found

    def _first_holders(self, digests: Iterable[str]) -> dict[str, int]:
        """The lowest item number in the case holding each content (``ix_items_case_blob``)."""
        found: dict[str, int] = {}
        for chunk in _chunks(digests):
            for sha, no in self.conn.execute(
                    select(items.c.blob_sha256, func.min(items.c.no)).where(
                        items.c.case_id == self.case.id, items.c.blob_sha256.in_(chunk))
                    .group_by(items.c.blob_sha256)):
                found[str(sha)] = int(no)
        return found

    def _number(self) -> list[_Node]:
        """Give new nodes their numbers, in order; report those already in the case."""
        existing = self._existing(n.ident for n in self.nodes)
        holders = self._first_holders(n.blob.sha256 for n in self.nodes if n.blob)
        made: dict[str, _Node] = {}
        new: list[_Node] = []
        for node in self.nodes:
            parent = node.parent
            if parent is not None and parent.alias is not None:
                parent = node.parent = parent.alias
            if parent is not None and parent.skipped:
                node.skipped = True
                continue
            twin = made.get(node.ident)
            if twin is not None:  # met twice in this transaction (an archive can do that)
                if node.kind == "folder":
                    node.alias = twin
                else:
                    assert twin.no is not None
                    self.report.already.append((node.path, twin.no))
                    node.skipped = True
                continue
            found = existing.get(node.ident)
            if found is not None:
                if node.kind == "folder":  # a folder already there: new children hang from it
                    node.id, node.no, node.gen = found[0], found[1], -1
                else:
                    self.report.already.append((node.path, found[1]))
                    node.skipped = True
                continue
            node.no = self.next_no
            self.next_no += 1
            node.gen = parent.gen + 1 if parent is not None else 0
            made[node.ident] = node
            new.append(node)
            same = None
            if node.blob is not None:
                same = holders.get(node.blob.sha256)
                holders.setdefault(node.blob.sha256, node.no)
            self.report.added.append(AddedItem(
                node.no, node.kind, node.name, node.path, node.blob.sha256 if node.blob else None,
                node.blob.size if node.blob else None,
                node.blob.media_type if node.blob else None,
                parent.no if parent is not None else None, same, node.link))
        return new

    def _details(self, node: _Node) -> dict[str, Any]:
        parent, blob = node.parent, node.blob
        details: dict[str, Any] = {
            "no": node.no, "kind": node.kind, "name": node.name, "original_path": node.path,
            "parent": item_label(parent.no) if parent is not None and parent.no else None,
            "identity": node.ident, "acquired_at": iso_utc(self.acquired),
            "source": self.options.source, "note": self.options.note,
            "intake": self.intake_id,
        }
        if blob is not None:
            details.update(sha256=blob.sha256, sha1=blob.sha1, md5=blob.md5, size=blob.size,
                           media_type=blob.media_type)
        if node.modified_at is not None:
            details["modified_at"] = iso_utc(node.modified_at)
        if node.remark:
            details["remark"] = node.remark
        if node.link is not None:
            details["link_target"] = node.link
        return details

    def _row(self, node: _Node) -> dict[str, Any]:
        blob, parent = node.blob, node.parent
        return {
            "case_id": self.case.id, "no": node.no, "kind": node.kind, "name": node.name,
            "parent_id": parent.id if parent is not None else None,
            "blob_sha256": blob.sha256 if blob else None, "original_path": node.path,
            "size": blob.size if blob else None, "media_type": blob.media_type if blob else None,
            "source": self.options.source, "note": self.options.note,
            "acquired_at": self.acquired, "added_at": self.now, "added_by": self.ws.actor,
            "fs_modified_at": node.modified_at, "intake_id": self.intake_id,
            "identity": node.ident,
        }

    def finish(self) -> None:
        """Write what was collected: items, the case's next number, the ledger entries."""
        new = self._number()
        by_gen: dict[int, list[_Node]] = {}
        for node in new:
            by_gen.setdefault(node.gen, []).append(node)
        for gen in sorted(by_gen):
            level = by_gen[gen]
            self.conn.execute(insert(items), [self._row(n) for n in level])
            if gen + 1 in by_gen or any(n.kind == "folder" for n in level):
                self._fetch_ids(level)
        for path, node in self.folders.items():
            node = node.alias or node
            if node.id is not None and node.no is not None:
                self.folder_ids[path] = node.key
        self.conn.execute(update(cases).where(cases.c.id == self.case.id)
                          .values(next_item_no=self.next_no))
        entries = [self._details(n) for n in new]
        ledger.append_many(self.conn, chain=self.case.chain, actor=self.ws.actor,
                           case_id=self.case.id, entries=[
                               ("evidence.add", f"item:{item_label(d['no'])}", d)
                               for d in entries])

    def _fetch_ids(self, level: list[_Node]) -> None:
        nos = [n.no for n in level if n.no is not None]
        ids = {int(no): int(item_id) for no, item_id in self.conn.execute(
            select(items.c.no, items.c.id).where(items.c.case_id == self.case.id,
                                                 items.c.no.between(min(nos), max(nos))))}
        for node in level:
            assert node.no is not None
            node.id = ids[node.no]
