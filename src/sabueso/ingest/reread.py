"""``sabueso reread REF E-n``: read a chat export again with other hints than those it was
added with: the format (``--as``), the zone of the device that exported it (``--tz``) and the
order of day and month in its dates (``--date-order``).

A wrong zone given at ``sabueso add`` (or none, so the case's) puts every message of a WhatsApp
export hours off, and a file whose dates never pass the 12th is read day-first unless told;
adding the file again does not help (it is already evidence). The hints are recorded for the
item (``reading_hints``; they win over its intake's), the change is a ledger entry
(``chat.reread``, with the hints before and after), and the case's derived data is rebuilt
(``sabueso reindex``), so every count, entity and search row agrees with the new reading. The
evidence itself is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select

from sabueso.cases.access import Action, authorize
from sabueso.core.errors import InputError, NotFound
from sabueso.core.timeutil import get_zone, utcnow
from sabueso.custody import ledger
from sabueso.custody.package import parse_item_refs
from sabueso.extract.index import DeriveSummary, rebuild_case
from sabueso.ingest.chats.registry import check_name
from sabueso.store.schema import items, reading_hints
from sabueso.workspace import Workspace

DATE_ORDERS = ("dmy", "mdy")


@dataclass(slots=True)
class Reread:
    item: str
    hints: dict[str, str | None]
    previous: dict[str, str | None]
    summary: DeriveSummary

    def as_dict(self) -> dict[str, Any]:
        return {"item": self.item, "hints": self.hints, "previous": self.previous,
                "derive": self.summary.as_dict()}


def reread(ws: Workspace, ref: str, item: str, *, chat_format: str | None = None,
           zone: str | None = None, date_order: str | None = None) -> Reread:
    """Record how item ``item`` (``E-12`` or ``12``) is read and rebuild the case's index."""
    actor, case = authorize(ws.db, ws.actor, ref, Action.ADD)
    nos = parse_item_refs([item])
    if len(nos) != 1:  # one export at a time
        raise InputError("error.bad_item_ref", value=item)
    no = nos[0]
    if zone is not None:  # as ``sabueso add --tz`` keeps it; unknown: a usage error first
        zone = get_zone(zone.strip()).key
    if chat_format is not None:
        chat_format = check_name(chat_format.strip().lower())
    if date_order is not None and date_order not in DATE_ORDERS:
        raise InputError("error.bad_date_order", value=date_order,
                         known=", ".join(DATE_ORDERS))
    if chat_format is None and zone is None and date_order is None:
        raise InputError("error.reread_nothing")
    with ws.db.begin() as conn:
        found = conn.execute(select(items.c.id, items.c.blob_sha256).where(
            items.c.case_id == case.id, items.c.no == no)).first()
        if found is None:
            raise NotFound("error.item_not_found", ref=case.ref, item=f"E-{no}")
        if found.blob_sha256 is None:  # a folder: nothing to read
            raise InputError("error.reread_folder", item=f"E-{no}")
        before = conn.execute(select(reading_hints).where(
            reading_hints.c.item_id == found.id)).first()
        previous = {"as": before.chat_format if before else None,
                    "tz": before.zone if before else None,
                    "date_order": before.date_order if before else None}
        hints = {"as": chat_format or previous["as"], "tz": zone or previous["tz"],
                 "date_order": date_order or previous["date_order"]}
        conn.execute(delete(reading_hints).where(reading_hints.c.item_id == found.id))
        conn.execute(insert(reading_hints).values(
            item_id=found.id, case_id=case.id, chat_format=hints["as"], zone=hints["tz"],
            date_order=hints["date_order"], set_at=utcnow(), set_by=actor.name))
        ledger.append(conn, chain=case.chain, actor=actor.name, action="chat.reread",
                      subject=f"item:E-{no}", case_id=case.id,
                      details={**hints, "previous": previous})
    return Reread(f"E-{no}", hints, previous, rebuild_case(ws, case.ref))
