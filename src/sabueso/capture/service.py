"""Capturing URLs into a case: bundles in, evidence items out, every step in the ledger.

For each URL (``capture_urls``):

1. a ``captures`` row is opened (status ``started``) with a ``capture.start`` ledger entry, in
   one transaction;
2. the bundle is made in a work folder under the workspace (``bundle.make_bundle``);
3. its files go into the vault as evidence items through ``ingest.intake.add_paths`` (one
   intake per capture; source = the URL, acquired at = the capture's start, in UTC);
4. one transaction ties the items to the capture (``capture_items``), closes the row
   (``complete``) and writes ``capture.complete`` with every file's item number and SHA-256.

A failure at 2 or 3 closes the row as ``failed`` with a ``capture.failed`` entry naming the
reason, and the batch goes on. A URL already captured in the case (complete) is skipped
unless ``again``. A process killed between 3 and 4 leaves the items in the case (evidence is
never deleted) and the row ``started``: the next run captures that URL again.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from sabueso.capture.browser import BrowserSession
from sabueso.capture.bundle import DOCUMENT, ROLES, Bundle, make_bundle, stamp
from sabueso.capture.errors import CaptureFailed
from sabueso.capture.guard import AddressPolicy, normalize_url, split_url
from sabueso.capture.http import Limits
from sabueso.cases.access import Action, CaseRow, authorize
from sabueso.core.errors import InputError, SabuesoError
from sabueso.core.timeutil import utcnow
from sabueso.custody import ledger
from sabueso.ingest.intake import IntakeOptions, add_paths
from sabueso.store.db import new_id
from sabueso.store.schema import items
from sabueso.store.schema_capture import capture_items, captures
from sabueso.workspace import Workspace

Progress = Callable[[int, int, str], None]  # (done, total, url)


@dataclass(frozen=True, slots=True)
class CaptureOptions:
    policy: AddressPolicy = field(default_factory=AddressPolicy)
    limits: Limits = field(default_factory=Limits)
    browser: bool = True
    note: str | None = None
    again: bool = False


@dataclass(slots=True)
class Outcome:
    url: str
    status: str  # complete, failed, skipped
    capture_id: int | None = None
    final_url: str | None = None
    http_status: int | None = None
    items: dict[str, int] = field(default_factory=dict)  # role -> item number
    folder_item: int | None = None
    error: SabuesoError | None = None
    refused: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"url": self.url, "status": self.status, "capture": self.capture_id,
                "final_url": self.final_url, "http_status": self.http_status,
                "folder": f"E-{self.folder_item}" if self.folder_item else None,
                "items": {r: f"E-{n}" for r, n in sorted(self.items.items())},
                "refused_requests": self.refused,
                "error": self.error.key if self.error else None,
                "message": self.error.message() if self.error else None}


@dataclass(slots=True)
class BatchReport:
    case: str
    mode: str
    outcomes: list[Outcome] = field(default_factory=list)

    def by_status(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def added_items(self) -> list[int]:
        return [n for o in self.outcomes for n in o.items.values()]


def url_key(url: str) -> str:
    return hashlib.sha256(normalize_url(url).encode()).hexdigest()


def _unique(urls: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for url in urls:
        url = url.strip()
        split_url(url)  # a bad URL is an error before anything is captured
        key = url_key(url)
        if key not in seen:
            seen.add(key)
            out.append(url)
    return out


def _already(ws: Workspace, case: CaseRow, urls: list[str]) -> dict[str, int]:
    keys = {url_key(u): u for u in urls}
    found: dict[str, int] = {}
    with ws.db.begin() as conn:
        for row in conn.execute(select(captures.c.url_key, captures.c.id).where(
                captures.c.case_id == case.id, captures.c.status == "complete",
                captures.c.url_key.in_(list(keys)))):
            found.setdefault(keys[row.url_key], int(row.id))
    return found


def _start(ws: Workspace, case: CaseRow, url: str, options: CaptureOptions) -> int:
    mode = "browser" if options.browser else "http"
    with ws.db.begin() as conn:
        capture_id = new_id(conn.execute(insert(captures).values(
            case_id=case.id, url=url, url_key=url_key(url), mode=mode, status="started",
            started_at=utcnow(), actor=ws.actor, note=options.note,
            allow_private=options.policy.allow_private,
            allowed_networks=" ".join(str(n) for n in options.policy.allowed) or None)))
        ledger.append(conn, chain=case.chain, actor=ws.actor, action="capture.start",
                      subject=f"capture:{capture_id}", case_id=case.id,
                      details={"url": url, "mode": mode, "note": options.note,
                               "address_policy": options.policy.describe()})
    return capture_id


def _fail(ws: Workspace, case: CaseRow, capture_id: int, url: str, error: SabuesoError,
          intake_id: int | None = None) -> None:
    with ws.db.begin() as conn:
        conn.execute(update(captures).where(captures.c.id == capture_id).values(
            status="failed", finished_at=utcnow(), error_key=error.key,
            error=error.message()[:2000], intake_id=intake_id))
        ledger.append(conn, chain=case.chain, actor=ws.actor, action="capture.failed",
                      subject=f"capture:{capture_id}", case_id=case.id,
                      details={"url": url, "error": error.key, "message": error.message()})


def _complete(ws: Workspace, case: CaseRow, capture_id: int, bundle: Bundle,
              intake_id: int, added: dict[str, tuple[int, str]]) -> Outcome:
    """Tie the bundle's items to the capture and close it, in one transaction."""
    outcome = Outcome(bundle.url, "complete", capture_id, bundle.final_url, bundle.status)
    with ws.db.begin() as conn:
        rows = conn.execute(select(items.c.id, items.c.no, items.c.original_path).where(
            items.c.case_id == case.id, items.c.intake_id == intake_id)).all()
        by_path = {str(r.original_path): (int(r.id), int(r.no)) for r in rows}
        folder = by_path.get(str(bundle.folder))
        files: dict[str, Any] = {}
        names = dict(ROLES)
        names.update({p.name: "document" for p in bundle.files()
                      if p.name.startswith(DOCUMENT + ".")})
        for name, role in names.items():
            found = by_path.get(str(bundle.folder / name))
            if found is None:
                continue
            conn.execute(insert(capture_items).values(capture_id=capture_id, role=role,
                                                      item_id=found[0]))
            outcome.items[role] = found[1]
            files[role] = {"item": f"E-{found[1]}", "name": name,
                           "sha256": added.get(name, (0, ""))[1]}
        if "warc" not in outcome.items or "record" not in outcome.items:
            raise CaptureFailed("error.capture_items_missing", url=bundle.url)
        outcome.folder_item = folder[1] if folder else None
        outcome.refused = len(bundle.record.get("refused", []))
        conn.execute(update(captures).where(captures.c.id == capture_id).values(
            status="complete", finished_at=utcnow(), final_url=bundle.final_url,
            http_status=bundle.status, intake_id=intake_id,
            folder_item_id=folder[0] if folder else None))
        ledger.append(conn, chain=case.chain, actor=ws.actor, action="capture.complete",
                      subject=f"capture:{capture_id}", case_id=case.id, details={
                          "url": bundle.url, "final_url": bundle.final_url,
                          "http_status": bundle.status, "mode": bundle.mode,
                          "address": bundle.record.get("address"),
                          "redirects": len(bundle.record.get("redirects", [])),
                          "refused_requests": outcome.refused, "intake": intake_id,
                          "folder": f"E-{outcome.folder_item}" if outcome.folder_item else None,
                          "files": files})
    return outcome


def work_root(ws: Workspace) -> Path:
    return ws.settings.home / "capture-work"


def _clean_work(ws: Workspace, older_than: float = 3600.0) -> None:
    """Work folders left by a killed capture (younger ones may belong to a running batch)."""
    root = work_root(ws)
    if not root.is_dir():
        return
    limit = time.time() - older_than
    for folder in root.iterdir():
        with contextlib.suppress(OSError):
            if folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)


def capture_one(ws: Workspace, case: CaseRow, url: str, options: CaptureOptions,
                session: BrowserSession | None) -> Outcome:
    capture_id = _start(ws, case, url, options)
    host = (split_url(url).hostname or "host").replace(":", "_")[:60]
    folder = work_root(ws) / f"{case.ref}-{capture_id:06d}-{stamp(utcnow())}-{host}"
    folder.mkdir(parents=True)
    intake_id: int | None = None
    try:
        bundle = make_bundle(folder, url, options.policy, options.limits, session,
                             options.note)
        report = add_paths(ws, case.ref, [folder], IntakeOptions(
            source=url, note=options.note, expand=False, acquired_at=bundle.started_at))
        intake_id = report.intake_id
        if report.failed:
            raise report.failed[0][1]
        added = {Path(i.original_path).name: (i.no, i.sha256 or "") for i in report.added}
        return _complete(ws, case, capture_id, bundle, report.intake_id, added)
    except SabuesoError as exc:
        _fail(ws, case, capture_id, url, exc, intake_id)
        return Outcome(url, "failed", capture_id, error=exc)
    except Exception as exc:  # the browser or a library failing: this URL fails, not the batch
        error = CaptureFailed("error.capture_unexpected", url=url,
                              reason=f"{type(exc).__name__}: {exc}".splitlines()[0][:300])
        _fail(ws, case, capture_id, url, error, intake_id)
        return Outcome(url, "failed", capture_id, error=error)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def capture_urls(ws: Workspace, ref: str, urls: Iterable[str], options: CaptureOptions,
                 progress: Progress | None = None,
                 session: BrowserSession | None = None) -> BatchReport:
    """Capture each URL into case ``ref``; one failure does not stop the others."""
    _actor, case = authorize(ws.db, ws.actor, ref, Action.ADD)
    if case.status != "open":
        raise InputError("error.case_closed", ref=case.ref)
    wanted = _unique(urls)
    if not wanted:
        raise InputError("error.capture_no_urls")
    report = BatchReport(case.ref, "browser" if options.browser else "http")
    _clean_work(ws)
    skip = {} if options.again else _already(ws, case, wanted)
    own = session is None and options.browser
    if own:
        session = BrowserSession()
    try:
        for done, url in enumerate(wanted):
            if progress:
                progress(done, len(wanted), url)
            if url in skip:
                report.outcomes.append(Outcome(url, "skipped", skip[url]))
                continue
            report.outcomes.append(capture_one(ws, case, url, options,
                                               session if options.browser else None))
        if progress:
            progress(len(wanted), len(wanted), "")
    finally:
        if own and session is not None:
            session.close()
    return report


@dataclass(frozen=True, slots=True)
class CaptureRow:
    id: int
    url: str
    final_url: str | None
    mode: str
    status: str
    http_status: int | None
    started_at: Any
    actor: str
    note: str | None
    allow_private: bool
    allowed_networks: str | None
    error: str | None
    folder_item: int | None
    items: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "url": self.url, "final_url": self.final_url,
                "mode": self.mode, "status": self.status, "http_status": self.http_status,
                "started_at": self.started_at, "actor": self.actor, "note": self.note,
                "allow_private": self.allow_private,
                "allowed_networks": self.allowed_networks.split() if self.allowed_networks
                else [], "error": self.error,
                "folder": f"E-{self.folder_item}" if self.folder_item else None,
                "items": {r: f"E-{n}" for r, n in sorted(self.items.items())}}


def list_captures(ws: Workspace, ref: str) -> tuple[CaseRow, list[CaptureRow]]:
    """Every capture attempt in case ``ref`` (complete and failed), oldest first."""
    actor, case = authorize(ws.db, ws.actor, ref, Action.READ)
    folder = items.alias("folder")
    with ws.db.begin() as conn:
        roles: dict[int, dict[str, int]] = {}
        for row in conn.execute(
                select(capture_items.c.capture_id, capture_items.c.role, items.c.no)
                .join(items, items.c.id == capture_items.c.item_id)
                .where(items.c.case_id == case.id)):
            roles.setdefault(int(row.capture_id), {})[str(row.role)] = int(row.no)
        rows = conn.execute(
            select(captures, folder.c.no.label("folder_no"))
            .outerjoin(folder, folder.c.id == captures.c.folder_item_id)
            .where(captures.c.case_id == case.id).order_by(captures.c.id)).all()
        ledger.append(conn, chain=case.chain, actor=actor.name, action="captures.list",
                      subject=f"case:{case.ref}", case_id=case.id,
                      details={"captures": len(rows)})
    return case, [CaptureRow(int(r.id), r.url, r.final_url, r.mode, r.status, r.http_status,
                             r.started_at, r.actor, r.note, bool(r.allow_private),
                             r.allowed_networks, r.error,
                             r.folder_no, roles.get(int(r.id), {})) for r in rows]
