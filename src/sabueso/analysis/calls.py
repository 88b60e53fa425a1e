"""Call records beside the case's entities.

A phone number found in a chat, a page or a document and the same number in an operator's
call records are one value (both E.164, made by the same functions), and so is an IMEI (the
entity index keeps 15 digits; the call records compare handsets on their first 14, the TAC and
serial, because operators often write the last digit as 0). This module answers, for such
values, where they appear in the case's call records: the counts of calls from the records
sorted by line and by counterpart (``events``, ``peers``: zone maps leave out all but a few row
groups), the rest from the per-import summaries (``identities``, ``spans``, ``edges``):

- ``presence``: events with contacts and how many contacts, first and last appearance, the
  productions (evidence items) and scenes (tower-dump labels) it appears in, and the handsets
  of a number or the numbers of a handset;
- ``call_edges``: the contact graph around a set of numbers (``sabueso graph`` adds it to the
  case graph, so a chat account's phone leads to the people it calls).

Reading call records is a view of case data: callers record it in the ledger.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from sabueso.cases.access import CaseRow
from sabueso.store.schema import items
from sabueso.store.schema_telephony import telephony_imports
from sabueso.telephony.contacts import calls_sql
from sabueso.telephony.result import aware, imei15, iso
from sabueso.workspace import Workspace

__all__ = ["CallEdge", "CallPresence", "call_edges", "case_has_calls", "presence",
           "record_view"]

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


def case_has_calls(conn: Connection, case: CaseRow) -> bool:
    """Whether any call records (not only cell lists) were imported into the case."""
    count = conn.execute(select(func.count()).select_from(telephony_imports).where(
        telephony_imports.c.case_id == case.id, telephony_imports.c.kind == "cdr")).scalar()
    return bool(count)


@contextmanager
def _store(ws: Workspace, case: CaseRow) -> Iterator[Any]:
    """The case's telephony store, or None when no call records were imported (no store is
    made for a case without them)."""
    from sabueso.telephony.importer import open_store

    with ws.db.begin() as conn:
        if not case_has_calls(conn, case):
            yield None
            return
    _case, con = open_store(ws, case.ref)
    try:
        yield con
    finally:
        con.close()


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
    phones = sorted({v for t, v in wanted if t == "phone"})
    imeis = sorted({v for t, v in wanted if t == "imei" and len(v) >= 14})
    if not (phones or imeis):
        return []
    with _store(ws, case) as con:
        if con is None:
            return []
        item_of, label_of = _item_numbers(ws, con)
        return [*_phones(con, phones, item_of, label_of),
                *_imeis(con, imeis, item_of, label_of)]


def _phones(con: Any, phones: list[str], item_of: dict[int, int],
            label_of: dict[int, str]) -> list[CallPresence]:
    if not phones:
        return []
    out: dict[str, CallPresence] = {}
    for v, first, last, imports in con.execute(
            "SELECT v, min(first), max(last), list(DISTINCT import_id ORDER BY import_id) "
            "FROM spans WHERE v IN (SELECT unnest($p)) GROUP BY v", {"p": phones}).fetchall():
        out[v] = CallPresence("phone", v, first=aware(first), last=aware(last),
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
        first, last = aware(first), aware(last)
        if first is not None and (found.first is None or first < found.first):
            found.first = first
        if last is not None and (found.last is None or last > found.last):
            found.last = last
        found.productions = sorted({*found.productions,
                                    *(item_of[i] for i in imports if i in item_of)})
        found.labels = sorted({*found.labels, *(label_of[i] for i in imports if i in label_of)})
    return [out[v] for v in imeis if v in out]


# counted as ``sabueso phone top`` counts (telephony.contacts.calls_sql), by unordered pair
_PAIRS = """
SELECT least(caller, callee) AS a, greatest(caller, callee) AS b, count(*) AS n FROM (
    SELECT DISTINCT caller, callee, kind, ts FROM ({calls}))
WHERE caller <> callee
GROUP BY 1, 2"""
_LISTED = 200  # up to this many numbers as a list of values, more as a join


def _pairs(con: Any, phones: list[str]) -> dict[tuple[str, str], int]:
    """Records between each number of ``phones`` and each of its contacts, by unordered pair,
    a call held by several productions counted once (as ``sabueso phone top`` counts)."""
    if len(phones) <= _LISTED:
        listed = "(" + ", ".join(f"${i + 1}" for i in range(len(phones))) + ")"
        sql = _PAIRS.format(calls=calls_sql(f"IN {listed}", f"NOT IN {listed}"))
        rows = con.execute(sql, phones).fetchall()
    else:
        joined = "IN (SELECT unnest($p))"
        sql = _PAIRS.format(calls=calls_sql(joined, "NOT " + joined))
        rows = con.execute(sql, {"p": phones}).fetchall()
    return {(str(a), str(b)): int(n) for a, b, n in rows}


def call_edges(ws: Workspace, case: CaseRow, phones: set[str],
               min_events: int = 1) -> list[CallEdge]:
    """Contacts in the call records of the numbers in ``phones``: one edge per pair (each pair
    once, whatever the direction), with the records between them (counted as ``sabueso phone
    top`` counts them) and the productions holding them, sorted."""
    if not phones:
        return []
    with _store(ws, case) as con:
        if con is None:
            return []
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
    return [CallEdge(a, b, n, tuple(sorted(held[(a, b)])))
            for (a, b), n in sorted(events.items()) if n >= min_events]


def record_view(ws: Workspace, case: CaseRow, shown: list[CallPresence]) -> None:
    """Reading call records is a view of case data: recorded like every ``phone`` analysis."""
    from sabueso.custody import ledger

    with ws.db.begin() as conn:
        ledger.append(conn, chain=case.chain, actor=ws.actor, action="phone.presence",
                      subject=f"case:{case.ref}", case_id=case.id,
                      details={"values": [f"{c.type}:{c.value}" for c in shown]})
