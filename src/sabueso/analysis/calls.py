"""Call records beside the case's entities.

A phone number found in a chat, a page or a document and the same number in an operator's
call records are one value (both E.164, made by the same functions), and so is an IMEI (the
entity index keeps 15 digits; the call records compare handsets on their first 14, the TAC and
serial, because operators often write the last digit as 0). This module answers, for such
values, where they appear in the case's call records, from the per-import summaries of the
telephony store (``identities``, ``spans``, ``edges``), never from every record:

- ``presence``: events with contacts and how many contacts, first and last appearance, the
  productions (evidence items) and scenes (tower-dump labels) it appears in, and the handsets
  of a number or the numbers of a handset;
- ``call_edges``: the contact graph around a set of numbers (``sabueso graph`` adds it to the
  case graph, so a chat account's phone leads to the people it calls).

Reading call records is a view of case data: callers record it in the ledger.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, select

from sabueso.cases.access import CaseRow
from sabueso.store.schema import items
from sabueso.store.schema_telephony import telephony_imports
from sabueso.telephony.result import imei15, iso
from sabueso.workspace import Workspace

__all__ = ["CallEdge", "CallPresence", "call_edges", "case_has_calls", "imei15",
           "presence"]

CALL_TYPES = ("phone", "imei")


@dataclass(slots=True)
class CallPresence:
    type: str  # "phone" or "imei"
    value: str
    # phone: calls and SMS with a counterpart, each once even when several productions hold
    # it (as `phone top` counts); IMEI: the records made in that handset, in every production
    events: int = 0
    contacts: int = 0  # distinct numbers exchanged with (phones)
    first: datetime | None = None
    last: datetime | None = None
    productions: list[int] = field(default_factory=list)  # evidence item numbers (E-n)
    labels: list[str] = field(default_factory=list)  # tower-dump scenes
    devices: list[str] = field(default_factory=list)  # a phone's IMEIs / an IMEI's numbers

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type, "value": self.value, "events": self.events,
                "contacts": self.contacts, "first": iso(self.first),
                "last": iso(self.last), "items": [f"E-{n}" for n in self.productions],
                "labels": self.labels, "devices": self.devices}


@dataclass(frozen=True, slots=True)
class CallEdge:
    a: str
    b: str
    events: int
    productions: tuple[int, ...]


def _aware(value: datetime | None) -> datetime | None:
    """The store keeps instants in UTC without a zone."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def case_has_calls(conn: Connection, case: CaseRow) -> bool:
    """Whether any call records (not only cell lists) were imported into the case."""
    count = conn.execute(select(func.count()).select_from(telephony_imports).where(
        telephony_imports.c.case_id == case.id, telephony_imports.c.kind == "cdr")).scalar()
    return bool(count)


def _item_numbers(ws: Workspace, con: Any) -> tuple[dict[int, int], dict[int, str]]:
    """Store import id -> evidence item number, and -> scene label."""
    rows = con.execute("SELECT import_id, item_id, label FROM imports").fetchall()
    ids = {int(r[1]) for r in rows if r[1] is not None}
    with ws.db.begin() as conn:
        nos = {int(r.id): int(r.no) for r in conn.execute(
            select(items.c.id, items.c.no).where(items.c.id.in_(ids)))} if ids else {}
    item_of = {int(r[0]): int(nos[int(r[1])]) for r in rows
               if r[1] is not None and int(r[1]) in nos}
    label_of = {int(r[0]): str(r[2]) for r in rows if r[2]}
    return item_of, label_of


def presence(ws: Workspace, case: CaseRow,
             wanted: list[tuple[str, str]]) -> list[CallPresence]:
    """Where each (type, value) of ``wanted`` (phones in E.164, IMEIs of 15 digits) appears in
    the case's call records; values that do not appear are left out."""
    from sabueso.telephony.importer import open_store

    phones = sorted({v for t, v in wanted if t == "phone"})
    imeis = sorted({v for t, v in wanted if t == "imei" and len(v) >= 14})
    if not (phones or imeis):
        return []
    with ws.db.begin() as conn:
        if not case_has_calls(conn, case):
            return []
    _case, con = open_store(ws, case.ref)
    try:
        item_of, label_of = _item_numbers(ws, con)
        found = [*_phones(con, phones, item_of, label_of),
                 *_imeis(con, imeis, item_of, label_of)]
    finally:
        con.close()
    return found


def _phones(con: Any, phones: list[str], item_of: dict[int, int],
            label_of: dict[int, str]) -> list[CallPresence]:
    if not phones:
        return []
    out: dict[str, CallPresence] = {}
    for v, first, last, imports in con.execute(
            "SELECT v, min(first), max(last), list(DISTINCT import_id ORDER BY import_id) "
            "FROM spans WHERE v IN (SELECT unnest($p)) GROUP BY v", {"p": phones}).fetchall():
        out[v] = CallPresence("phone", v, first=_aware(first), last=_aware(last),
                              productions=sorted({item_of[i] for i in imports if i in item_of}),
                              labels=sorted({label_of[i] for i in imports if i in label_of}))
    for (a, b), n in _pairs(con, sorted(out)).items():
        for v in (a, b):
            if v in out:
                out[v].events += n
                out[v].contacts += 1
    for line, imei14 in con.execute(
            "SELECT DISTINCT line, imei14 FROM identities WHERE line IN (SELECT unnest($p)) "
            "AND imei14 IS NOT NULL ORDER BY 1, 2", {"p": phones}).fetchall():
        if line in out:
            out[line].devices.append(str(imei15(imei14)))
    return [out[v] for v in phones if v in out]


def _imeis(con: Any, imeis: list[str], item_of: dict[int, int],
           label_of: dict[int, str]) -> list[CallPresence]:
    if not imeis:
        return []
    by14 = {v[:14]: v for v in imeis}
    out: dict[str, CallPresence] = {}
    rows = con.execute(
        "SELECT imei14, line, min(first), max(last), sum(events), "
        "list(DISTINCT import_id ORDER BY import_id) FROM identities "
        "WHERE imei14 IN (SELECT unnest($i)) GROUP BY imei14, line ORDER BY 1, 2",
        {"i": sorted(by14)}).fetchall()
    for imei14, line, first, last, events, imports in rows:
        value = by14[imei14]
        found = out.setdefault(value, CallPresence("imei", value))
        found.events += int(events)
        found.devices.append(str(line))
        first, last = _aware(first), _aware(last)
        if first is not None and (found.first is None or first < found.first):
            found.first = first
        if last is not None and (found.last is None or last > found.last):
            found.last = last
        found.productions = sorted({*found.productions,
                                    *(item_of[i] for i in imports if i in item_of)})
        found.labels = sorted({*found.labels, *(label_of[i] for i in imports if i in label_of)})
    return [out[v] for v in imeis if v in out]


# the records of the numbers (``events``, in order of line) and the records of others that
# name them (``peers``, in order of counterpart): with a short list of values the store's zone
# maps skip every row group but a few, as for ``sabueso phone top``
_PAIRS = """
SELECT least(caller, callee) AS a, greatest(caller, callee) AS b, count(*) AS n FROM (
    SELECT DISTINCT caller, callee, kind, ts FROM (
        SELECT CASE WHEN direction = 'in' THEN peer ELSE line END AS caller,
               CASE WHEN direction = 'in' THEN line ELSE peer END AS callee, kind, ts
        FROM events WHERE line IN ({wanted}) AND peer IS NOT NULL AND line <> peer
        AND kind <> 'data'
        UNION ALL
        SELECT CASE WHEN direction = 'in' THEN peer ELSE line END,
               CASE WHEN direction = 'in' THEN line ELSE peer END, kind, ts
        FROM peers WHERE peer IN ({wanted}) AND line <> peer AND kind <> 'data'))
GROUP BY 1, 2"""
_LISTED = 200  # up to this many numbers as a list of values, more as a join


def _pairs(con: Any, phones: list[str]) -> dict[tuple[str, str], int]:
    """Records between each number of ``phones`` and each of its contacts, by unordered pair,
    a call held by several productions counted once (as ``sabueso phone top`` counts)."""
    if len(phones) <= _LISTED:
        sql = _PAIRS.format(wanted=", ".join(f"${i + 1}" for i in range(len(phones))))
        rows = con.execute(sql, phones).fetchall()
    else:
        rows = con.execute(_PAIRS.format(wanted="SELECT unnest($p)"), {"p": phones}).fetchall()
    return {(str(a), str(b)): int(n) for a, b, n in rows}


def call_edges(ws: Workspace, case: CaseRow, phones: set[str],
               min_events: int = 1) -> list[CallEdge]:
    """Contacts in the call records of the numbers in ``phones``: one edge per pair (each pair
    once, whatever the direction), with the records between them (counted as ``sabueso phone
    top`` counts them) and the productions holding them, sorted."""
    from sabueso.telephony.importer import open_store

    if not phones:
        return []
    with ws.db.begin() as conn:
        if not case_has_calls(conn, case):
            return []
    _case, con = open_store(ws, case.ref)
    try:
        item_of, _labels = _item_numbers(ws, con)
        events = _pairs(con, sorted(phones))
        held: dict[tuple[str, str], set[int]] = defaultdict(set)
        for a, b, import_id in con.execute(
                "SELECT DISTINCT u, v, import_id FROM edges WHERE u < v "
                "AND (u IN (SELECT unnest($p)) OR v IN (SELECT unnest($p)))",
                {"p": sorted(phones)}
                ).fetchall():
            if int(import_id) in item_of:
                held[(a, b)].add(item_of[int(import_id)])
    finally:
        con.close()
    return [CallEdge(a, b, n, tuple(sorted(held[(a, b)])))
            for (a, b), n in sorted(events.items()) if n >= min_events]


def record_view(ws: Workspace, case: CaseRow, shown: list[CallPresence]) -> None:
    """Reading call records is a view of case data: recorded like every ``phone`` analysis."""
    from sabueso.custody import ledger

    with ws.db.begin() as conn:
        ledger.append(conn, chain=case.chain, actor=ws.actor, action="phone.presence",
                      subject=f"case:{case.ref}", case_id=case.id,
                      details={"values": [f"{c.type}:{c.value}" for c in shown]})
