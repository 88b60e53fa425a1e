"""``sabueso verify``: recompute every blob hash and the whole ledger chain, and cross-check
the evidence tables against the ledger's intake records.

Each break is a ``Finding`` with a stable ``kind`` (for scripts) and a translated message.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from sabueso.cases.access import Action, CaseRow, authorize, load_actor
from sabueso.core.i18n import t
from sabueso.custody import ledger
from sabueso.custody.chain import ChainFinding, check_chain
from sabueso.store.schema import blobs, cases, intakes, items
from sabueso.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    chain: str
    subject: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self) -> str:
        return t("verify." + self.kind, subject=self.subject, **self.params)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "chain": self.chain, "subject": self.subject,
                "params": self.params, "message": self.message()}


@dataclass(slots=True)
class ChainReport:
    chain: str
    entries: int
    head_seq: int | None
    head_hash: str | None
    items: int = 0
    blobs_checked: int = 0
    bytes_checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def _chain_findings(chain: str, raw: list[ChainFinding]) -> list[Finding]:
    out = []
    for f in raw:
        params = {"seq": f.seq, **f.params}
        out.append(Finding(f.kind, chain, f"#{f.seq}", params))
    return out


def verify_chain_only(ws: Workspace, chain: str) -> ChainReport:
    with ws.db.begin() as conn:
        rows = [e.as_dict() for e in ledger.entries(conn, chain)]
        head = ledger.head(conn, chain)
    report = ChainReport(chain, len(rows), head[0] if head else None, head[1] if head else None)
    report.findings = _chain_findings(chain, check_chain(rows, chain=chain, head=head))
    return report


def verify_case(ws: Workspace, case: CaseRow,
                progress: Callable[[int, int], None] | None = None) -> ChainReport:
    report = verify_chain_only(ws, case.chain)
    with ws.db.begin() as conn:
        item_rows = conn.execute(
            select(items.c.no, items.c.kind, items.c.identity, items.c.blob_sha256,
                   items.c.name, items.c.original_path, items.c.size,
                   blobs.c.sha1, blobs.c.md5, blobs.c.size.label("blob_size"))
            .outerjoin(blobs, blobs.c.sha256 == items.c.blob_sha256)
            .where(items.c.case_id == case.id).order_by(items.c.no)).all()
        recorded: dict[int, dict[str, Any]] = {}
        for entry in ledger.entries(conn, case.chain):
            if entry.action == "evidence.add" and isinstance(entry.details, dict):
                no = entry.details.get("no")
                if isinstance(no, int):
                    recorded[no] = {**entry.details, "_seq": entry.seq}
        open_intakes = conn.execute(select(intakes.c.id).where(
            intakes.c.case_id == case.id, intakes.c.completed_at.is_(None))).scalars().all()
    report.items = len(item_rows)
    for intake_id in open_intakes:
        report.notes.append(t("verify.note_open_intake", intake=intake_id))
    compared = ("identity", "original_path", "name", "kind")
    for row in item_rows:
        label = f"E-{row.no}"
        intake_record = recorded.pop(row.no, None)
        if intake_record is None:
            report.findings.append(Finding("item_unrecorded", case.chain, label))
            continue
        for key in compared:
            if intake_record.get(key) != getattr(row, key):
                report.findings.append(Finding("item_mismatch", case.chain, label,
                                               {"field": key, "seq": intake_record["_seq"]}))
        if row.blob_sha256 is not None or intake_record.get("sha256") is not None:
            for key, value in (("sha256", row.blob_sha256), ("sha1", row.sha1),
                               ("md5", row.md5), ("size", row.blob_size)):
                if intake_record.get(key) != value:
                    report.findings.append(Finding("item_mismatch", case.chain, label,
                                                   {"field": key, "seq": intake_record["_seq"]}))
    for no, lost in sorted(recorded.items()):
        report.findings.append(Finding("item_removed", case.chain, f"E-{no}",
                                       {"seq": lost["_seq"]}))
    # blobs: each distinct content once, named by the items that hold it
    holders: dict[str, list[str]] = defaultdict(list)
    sizes: dict[str, int] = {}
    for row in item_rows:
        if row.blob_sha256:
            holders[row.blob_sha256].append(f"E-{row.no}")
            sizes[row.blob_sha256] = int(row.blob_size or 0)
    total = sum(sizes.values())
    done = 0
    with ThreadPoolExecutor(2) as pool:
        for digest, actual in zip(holders, pool.map(ws.vault.rehash, holders), strict=True):
            done += sizes[digest]
            if progress:
                progress(done, total)
            names = ", ".join(holders[digest])
            if actual is None:
                report.findings.append(Finding("blob_missing", case.chain, names,
                                               {"sha256": digest}))
            elif actual != digest:
                report.findings.append(Finding("blob_modified", case.chain, names,
                                               {"sha256": digest, "actual": actual}))
    report.blobs_checked = len(holders)
    report.bytes_checked = total
    return report


def verify(ws: Workspace, ref: str | None,
           progress: Callable[[int, int], None] | None = None) -> list[ChainReport]:
    """Verify one case, or (no ``ref``) every case the acting user may verify, plus the
    workspace chain for administrators and auditors."""
    if ref is not None:
        _actor, case = authorize(ws.db, ws.actor, ref, Action.VERIFY)
        reports = [verify_case(ws, case, progress)]
    else:
        with ws.db.begin() as conn:
            actor = load_actor(conn, ws.actor)
            refs = conn.execute(select(cases.c.ref).order_by(cases.c.ref)).scalars().all()
        from sabueso.cases.cases import list_cases

        mine = {c.ref for c in list_cases(ws.db, ws.actor)}
        reports = []
        for case_ref in refs:
            if case_ref in mine or actor.role in ("admin", "auditor"):
                _a, case = authorize(ws.db, ws.actor, case_ref, Action.VERIFY)
                reports.append(verify_case(ws, case, progress))
        if actor.role in ("admin", "auditor"):
            reports.append(verify_chain_only(ws, ledger.SYSTEM_CHAIN))
    for report in reports:
        _record(ws, report)
    return reports


def _record(ws: Workspace, report: ChainReport) -> None:
    """The verification itself goes on record in the chain it checked."""
    with ws.db.begin() as conn:
        case_id = None
        if report.chain.startswith("case:"):
            case_id = conn.execute(select(cases.c.id).where(
                cases.c.ref == report.chain[5:])).scalar()
        ledger.append(conn, chain=report.chain, actor=ws.actor, action="verify",
                      subject=report.chain, case_id=case_id,
                      details={"ok": report.ok, "findings": len(report.findings),
                               "entries": report.entries, "items": report.items,
                               "blobs": report.blobs_checked,
                               "kinds": sorted({f.kind for f in report.findings})})
