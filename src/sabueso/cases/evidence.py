"""Reading a case's evidence items (each read is an audited view)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from sabueso.cases.access import Action, CaseRow, authorize
from sabueso.core.timeutil import iso_utc
from sabueso.custody import ledger
from sabueso.store.db import Database
from sabueso.store.schema import blobs, items


@dataclass(frozen=True, slots=True)
class Item:
    """Evidence item E-<no> of a case: what was acquired, from where, when and by whom."""

    no: int
    parent_no: int | None
    kind: str
    name: str
    original_path: str
    size: int | None
    media_type: str | None
    sha256: str | None
    sha1: str | None
    md5: str | None
    source: str | None
    note: str | None
    acquired_at: datetime
    added_at: datetime
    added_by: str
    modified_at: datetime | None
    depth: int = 0

    @property
    def label(self) -> str:
        return f"E-{self.no}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.label, "no": self.no,
            "parent": f"E-{self.parent_no}" if self.parent_no else None,
            "kind": self.kind, "name": self.name, "original_path": self.original_path,
            "size": self.size, "media_type": self.media_type, "sha256": self.sha256,
            "sha1": self.sha1, "md5": self.md5, "source": self.source, "note": self.note,
            "acquired_at": iso_utc(self.acquired_at), "added_at": iso_utc(self.added_at),
            "added_by": self.added_by,
            "modified_at": iso_utc(self.modified_at) if self.modified_at else None,
            "depth": self.depth,
        }


def list_items(db: Database, actor_name: str, ref: str) -> tuple[CaseRow, list[Item]]:
    """All items of a case in tree order (each parent followed by its children)."""
    actor, case = authorize(db, actor_name, ref, Action.READ)
    with db.begin() as conn:
        parent = items.alias("parent")
        rows = conn.execute(
            select(items, parent.c.no.label("parent_no"), blobs.c.sha1, blobs.c.md5)
            .outerjoin(parent, parent.c.id == items.c.parent_id)
            .outerjoin(blobs, blobs.c.sha256 == items.c.blob_sha256)
            .where(items.c.case_id == case.id).order_by(items.c.no)).all()
        ledger.append(conn, chain=case.chain, actor=actor.name, action="evidence.list",
                      subject=f"case:{ref}", case_id=case.id, details={"items": len(rows)})
    children: dict[int | None, list[Any]] = {}
    for row in rows:
        children.setdefault(row.parent_no, []).append(row)
    ordered: list[Item] = []

    def walk(parent_no: int | None, depth: int) -> None:
        for row in children.get(parent_no, []):
            ordered.append(Item(row.no, row.parent_no, row.kind, row.name, row.original_path,
                                row.size, row.media_type, row.blob_sha256, row.sha1, row.md5,
                                row.source, row.note, row.acquired_at, row.added_at,
                                row.added_by, row.fs_modified_at, depth))
            walk(row.no, depth + 1)

    walk(None, 0)
    return case, ordered
