"""``sabueso verify``: recompute every blob hash and the whole ledger chain, and cross-check
the evidence tables against the ledger's intake records.

Each break is a ``Finding`` with a stable ``kind`` (for scripts) and a translated message.

Everything one chain's checks read from the database is read in one transaction that sees one
snapshot (``_snapshot``), so an ``add`` that commits while ``verify`` runs is seen either whole
or not at all: never as ledger entries without their item rows (a false ``item_removed``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from sabueso.cases.access import Action, CaseRow, authorize, load_actor
from sabueso.core.i18n import t
from sabueso.custody import ledger
from sabueso.custody.chain import ChainFinding, check_chain
from sabueso.custody.records import Finding, check_case, check_items, check_users
from sabueso.store.schema import blobs, cases, intakes, items, ledger_heads, memberships, users
from sabueso.workspace import Workspace


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


@contextmanager
def _snapshot(ws: Workspace) -> Iterator[Connection]:
    """A transaction whose reads all see the database as it was at its first read.

    PostgreSQL: REPEATABLE READ, read only (READ COMMITTED, the default, takes a new snapshot
    for every statement). SQLite: any transaction reads one snapshot (WAL), and ours begin
    IMMEDIATE, which also holds writers off until it ends."""
    if ws.db.dialect == "postgresql":
        with ws.db.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ",
                                          postgresql_readonly=True)
            with conn.begin():
                yield conn
    else:
        with ws.db.begin() as conn:
            yield conn


def _read_chain(conn: Connection, chain: str) -> tuple[ChainReport, list[ledger.Entry]]:
    """The chain's entries, and a report of the chain's own checks over them."""
    entries = list(ledger.entries(conn, chain))
    head = ledger.head(conn, chain)
    report = ChainReport(chain, len(entries), head[0] if head else None,
                         head[1] if head else None)
    report.findings = _chain_findings(chain, check_chain([e.as_dict() for e in entries],
                                                         chain=chain, head=head))
    return report, entries


def verify_chain_only(ws: Workspace, chain: str) -> ChainReport:
    with _snapshot(ws) as conn:
        return _read_chain(conn, chain)[0]


def verify_case(ws: Workspace, case: CaseRow,
                progress: Callable[[int, int], None] | None = None) -> ChainReport:
    with _snapshot(ws) as conn:
        # the item rows first, the ledger after them: without one snapshot, an add committed
        # in between would show as entries whose items are missing
        parent = items.alias("parent")
        item_rows = [dict(r._mapping) for r in conn.execute(
            select(items, parent.c.no.label("parent_no"), blobs.c.sha1, blobs.c.md5,
                   blobs.c.size.label("blob_size"))
            .outerjoin(parent, parent.c.id == items.c.parent_id)
            .outerjoin(blobs, blobs.c.sha256 == items.c.blob_sha256)
            .where(items.c.case_id == case.id).order_by(items.c.no))]
        case_row = dict(conn.execute(select(cases).where(cases.c.id == case.id)).one()._mapping)
        members = {r.name: r.role for r in conn.execute(
            select(users.c.name, memberships.c.role)
            .join(users, users.c.id == memberships.c.user_id)
            .where(memberships.c.case_id == case.id))}
        open_intakes = conn.execute(select(intakes.c.id).where(
            intakes.c.case_id == case.id, intakes.c.completed_at.is_(None))).scalars().all()
        from sabueso.legal.verify import check_requests, read_requests

        request_rows = read_requests(conn, case.id)  # requests to providers (issue 6)
        report, entries = _read_chain(conn, case.chain)
    report.items = len(item_rows)
    for intake_id in open_intakes:
        report.notes.append(t("verify.note_open_intake", intake=intake_id))
    report.findings += check_items(case.chain, item_rows, entries)
    report.findings += check_case(case.chain, case_row, members, entries)
    report.findings += check_requests(case.chain, request_rows, entries)
    # blobs: each distinct content once, named by the items that hold it
    holders: dict[str, list[str]] = defaultdict(list)
    sizes: dict[str, int] = {}
    for row in item_rows:
        if row["blob_sha256"]:
            holders[row["blob_sha256"]].append(f"E-{row['no']}")
            sizes[row["blob_sha256"]] = int(row["blob_size"] or 0)
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


def verify_system(ws: Workspace, case_refs: set[str]) -> ChainReport:
    """The workspace chain, its users, and chains whose case row has disappeared."""
    with _snapshot(ws) as conn:
        user_rows = {r.name: (r.role, bool(r.active)) for r in conn.execute(
            select(users.c.name, users.c.role, users.c.active))}
        chains = conn.execute(select(ledger_heads.c.chain)).scalars().all()
        report, entries = _read_chain(conn, ledger.SYSTEM_CHAIN)
    report.findings += check_users(ledger.SYSTEM_CHAIN, user_rows, entries)
    for chain in sorted(chains):
        if chain.startswith("case:") and chain[5:] not in case_refs:
            report.findings.append(Finding("case_removed", chain, chain))
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
            reports.append(verify_system(ws, set(refs)))
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
