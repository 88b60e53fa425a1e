"""A provider's answer: files added as evidence of the case, linked to the request.

The files go through the normal intake (vault, hashes, ``evidence.add`` entries) with the
request as their source; the links are rows of ``provider_request_items`` and one
``request.attach`` entry. Rerunning after an interruption links what is missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from sabueso.cases.access import Action, CaseRow
from sabueso.custody import ledger
from sabueso.legal.requests import locate
from sabueso.store.schema import items
from sabueso.store.schema_requests import provider_request_items
from sabueso.workspace import Workspace


def link_items(ws: Workspace, case: CaseRow, row: Any, numbers: list[int]) -> list[str]:
    """Link evidence items (by number) to the request as its answer; already linked ones are
    left as they are (a rerun after an interruption links what is missing)."""
    labels: list[str] = []
    with ws.db.begin() as conn:
        found = {int(r.no): int(r.id) for r in conn.execute(select(items.c.no, items.c.id).where(
            items.c.case_id == case.id, items.c.no.in_(numbers)))}
        linked = set(conn.execute(select(provider_request_items.c.item_id).where(
            provider_request_items.c.request_id == row.id)).scalars())
        new = [(no, found[no]) for no in sorted(found) if found[no] not in linked]
        if not new:
            return []
        conn.execute(insert(provider_request_items),
                     [{"request_id": row.id, "item_id": item_id} for _no, item_id in new])
        labels = [f"E-{no}" for no, _id in new]
        ledger.append(conn, chain=case.chain, actor=ws.actor, action="request.attach",
                      subject=f"request:{row.number}", case_id=case.id,
                      details={"number": row.number, "items": labels})
    return labels


def attach(ws: Workspace, number: str, paths: list[Path], case_ref: str | None = None,
           note: str | None = None) -> tuple[Any, list[str]]:
    """Add the provider's answer as evidence (source: the request) and link it."""
    from sabueso.ingest.intake import IntakeOptions, add_paths

    case, row = locate(ws, number, case_ref, Action.ADD)
    ref_text = f" ({row.provider_ref})" if row.provider_ref else ""
    source = f"request:{row.number} {row.provider}{ref_text}"
    report = add_paths(ws, case.ref, paths, IntakeOptions(source=source, note=note))
    numbers = [i.no for i in report.added] + [no for _p, no in report.already]
    return report, link_items(ws, case, row, numbers)


__all__ = ["attach", "link_items"]
