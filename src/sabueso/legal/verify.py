"""``sabueso verify`` for requests: each request row against what its ledger entries say.

Replaying ``request.create`` (the request as validated), ``request.status`` (status, provider
reference, date sent) and ``request.attach`` (evidence linked) gives what every request of the
case must be. A row without its entries, entries without their row, or a field that differs
was changed behind Sabueso's back and is reported with the entry that contradicts it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, select

from sabueso.core.timeutil import iso_utc
from sabueso.custody.ledger import Entry
from sabueso.custody.records import Finding
from sabueso.legal.requests import record_of
from sabueso.store.schema import items
from sabueso.store.schema_requests import provider_request_items, provider_requests

R = provider_requests
COMPARED = ("provider", "provider_country", "service", "kind", "mla", "facts", "legal_basis",
            "nondisclosure_days", "emergency", "zone", "range_zone", "categories", "targets",
            "requester", "warnings", "range_from", "range_to", "related")


def read_requests(conn: Connection, case_id: int) -> list[dict[str, Any]]:
    """The case's request rows as ``record_of`` gives them, with status and links."""
    rows = conn.execute(select(R).where(R.c.case_id == case_id).order_by(R.c.no)).all()
    numbers = {r.id: r.number for r in rows}
    links: dict[int, list[str]] = {}
    for link in conn.execute(
            select(provider_request_items.c.request_id, items.c.no)
            .join(items, items.c.id == provider_request_items.c.item_id)
            .where(items.c.case_id == case_id).order_by(items.c.no)):
        links.setdefault(link.request_id, []).append(f"E-{link.no}")
    out = []
    for row in rows:
        values = dict(row._mapping)
        record = record_of(values, numbers.get(row.related_id) if row.related_id else None)
        record.update(status=row.status, provider_ref=row.provider_ref,
                      sent_at=iso_utc(row.sent_at) if row.sent_at else None,
                      items=sorted(links.get(row.id, [])))
        out.append(record)
    return out


def check_requests(chain: str, rows: Iterable[dict[str, Any]],
                   entries: Iterable[Entry]) -> list[Finding]:
    expected: dict[str, dict[str, Any]] = {}
    for entry in entries:
        details = entry.details if isinstance(entry.details, dict) else {}
        number = details.get("number")
        if not isinstance(number, str):
            continue
        if entry.action == "request.create":
            expected[number] = {**details, "status": "ready", "provider_ref": None,
                                "sent_at": None, "items": [], "_seq": entry.seq}
        elif entry.action == "request.status" and number in expected:
            want = expected[number]
            want["status"], want["_seq"] = details.get("status"), entry.seq
            if details.get("provider_ref"):
                want["provider_ref"] = details["provider_ref"]
            if details.get("status") == "sent":
                want["sent_at"] = details.get("at")
        elif entry.action == "request.attach" and number in expected:
            want = expected[number]
            want["items"] = sorted({*want["items"], *details.get("items", [])})
    findings: list[Finding] = []
    for row in rows:
        label = f"request:{row['number']}"
        if row["number"] not in expected:
            findings.append(Finding("request_unrecorded", chain, label))
            continue
        recorded = expected.pop(row["number"])
        for key in (*COMPARED, "status", "provider_ref", "sent_at", "items"):
            if _norm(row.get(key)) != _norm(recorded.get(key)):
                findings.append(Finding("request_mismatch", chain, label,
                                        {"field": key, "seq": recorded["_seq"]}))
    for number, left in sorted(expected.items()):
        findings.append(Finding("request_removed", chain, f"request:{number}",
                                {"seq": left["_seq"]}))
    return findings


def _norm(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


__all__ = ["check_requests", "read_requests"]
