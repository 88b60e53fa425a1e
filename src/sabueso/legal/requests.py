"""Requests to providers: create (validated first), mark, list, show (answers: answers.py).

Permissions: making and marking a request is sending something out of the case, so it needs
the ``export`` permission (lead, investigator, prosecutor); attaching the answer adds
evidence (``add``); reading needs ``read``.

Every change is a row here and an entry in the case's custody ledger, in one transaction:
``request.create`` (the whole request as validated), ``request.status`` (each mark, with the
date given and the provider's reference); ``answers.py`` writes ``request.attach`` and
``render.py`` ``request.render``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from sabueso.cases.access import Action, CaseRow, authorize
from sabueso.core.canonical import canonical_json
from sabueso.core.errors import InputError, NotFound
from sabueso.core.timeutil import get_zone, iso_utc, parse_instant, utcnow
from sabueso.custody import ledger
from sabueso.legal.deadlines import ACTIVE, Preservation, Tracked, answer_due, local_date
from sabueso.legal.directory import Directory, Provider
from sabueso.legal.model import DEFAULT_CATEGORIES, NEXT, Draft, Target
from sabueso.legal.office import load_office
from sabueso.legal.targets import read_target
from sabueso.legal.validate import Context, Existing, Issue, Related, check
from sabueso.store.db import new_id
from sabueso.store.schema import cases, items
from sabueso.store.schema_requests import (
    provider_request_events,
    provider_request_items,
    provider_requests,
)
from sabueso.workspace import Workspace

R = provider_requests


class RequestRefused(InputError):
    """The request failed validation: every error (and warning) found, each with its field."""

    def __init__(self, issues: list[Issue]) -> None:
        errors = [i for i in issues if i.severity == "error"]
        super().__init__("error.requests_refused", count=len(errors))
        self.issues = issues

    def message(self) -> str:
        head = super().message()
        lines = [f"  ✗ [{i.rule}] {i.message()}" for i in self.issues if i.severity == "error"]
        lines += [f"  ! [{i.rule}] {i.message()}" for i in self.issues
                  if i.severity == "warning"]
        return "\n".join([head, *lines])


@dataclass(slots=True)
class RequestView:
    """One request as stored, with what the tracker computes for it."""

    id: int
    case: str
    number: str
    provider: str
    provider_country: str | None
    service: str | None
    kind: str
    mla: bool
    categories: list[str]
    targets: list[dict[str, Any]]
    range_from: datetime | None
    range_to: datetime | None
    range_zone: str | None
    facts: str | None
    legal_basis: str | None
    nondisclosure_days: int | None
    emergency: str | None
    related: str | None
    status: str
    provider_ref: str | None
    requester: dict[str, Any]
    warnings: list[dict[str, Any]]
    zone: str
    created_at: datetime
    created_by: str
    sent_at: datetime | None
    due_on: date | None
    events: list[dict[str, Any]] = field(default_factory=list)
    items: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = {k: getattr(self, k) for k in self.__slots__}
        for key in ("range_from", "range_to", "created_at", "sent_at"):
            data[key] = iso_utc(data[key]) if data[key] is not None else None
        data["due_on"] = self.due_on.isoformat() if self.due_on else None
        data["type"] = data.pop("kind")
        return data


def _view(row: Any, case_ref: str, related: str | None) -> RequestView:
    return RequestView(
        row.id, case_ref, row.number, row.provider, row.provider_country, row.service,
        row.kind, bool(row.mla), json.loads(row.categories), json.loads(row.targets),
        row.range_from, row.range_to, row.range_zone, row.facts, row.legal_basis,
        row.nondisclosure_days, row.emergency, related, row.status, row.provider_ref,
        json.loads(row.requester), json.loads(row.warnings), row.zone, row.created_at,
        row.created_by, row.sent_at, row.due_on)


def _numbers(conn: Connection, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {r.id: r.number for r in conn.execute(
        select(R.c.id, R.c.number).where(R.c.id.in_(ids)))}


def _clock(conn: Connection, row: Any, provider: Provider | None) -> Preservation | None:
    if row.kind != "preservation" or row.sent_at is None:
        return None
    extensions = conn.execute(select(func.count()).select_from(R).where(
        R.c.related_id == row.id, R.c.kind == "extension",
        R.c.status.in_(ACTIVE))).scalar_one()
    get = provider.preservation if provider else (lambda _k: None)
    return Preservation(local_date(row.sent_at, row.zone), get("initial_days"),
                        get("extension_days"), get("max_extensions"), int(extensions),
                        get("min_lead_days"))


def _find(conn: Connection, number: str, case_ref: str | None) -> tuple[Any, str]:
    query = select(R, cases.c.ref).join(cases, cases.c.id == R.c.case_id).where(
        R.c.number == number.strip().upper())
    if case_ref:
        query = query.where(cases.c.ref == case_ref)
    rows = conn.execute(query).all()
    if not rows:
        raise NotFound("error.requests_not_found", number=number)
    if len(rows) > 1:
        raise InputError("error.requests_ambiguous", number=number,
                         cases=", ".join(r.ref for r in rows))
    return rows[0], rows[0].ref


def locate(ws: Workspace, number: str, case_ref: str | None, action: Action
           ) -> tuple[CaseRow, Any]:
    """The request ``number`` (of ``case_ref`` when several cases use it), authorised."""
    with ws.db.begin() as conn:
        _row, ref = _find(conn, number, case_ref)
    _actor, case = authorize(ws.db, ws.actor, ref, action)
    with ws.db.begin() as conn:
        row, _ref = _find(conn, number, case.ref)
    return case, row


# --- new --------------------------------------------------------------------------------------

@dataclass(slots=True)
class NewRequest:
    """What ``sabueso request new`` was given."""

    provider: str
    kind: str
    targets: list[str]
    service: str | None = None
    categories: list[str] = field(default_factory=list)
    range_from: str | None = None
    range_to: str | None = None
    zone: str | None = None
    facts: str | None = None
    legal_basis: str | None = None
    nondisclosure_days: int | None = None
    related: str | None = None
    emergency: str | None = None
    mla: bool = False


def _related(conn: Connection, case_id: int, number: str | None,
             directory: Directory) -> tuple[Related | None, Any]:
    if number is None:
        return None, None
    row = conn.execute(select(R).where(R.c.case_id == case_id,
                                       R.c.number == number.strip().upper())).first()
    if row is None:
        return None, None
    provider = directory.providers.get(row.provider)
    rel = Related(row.number, row.kind, row.status, row.provider, row.provider_ref,
                  row.sent_at, row.zone, _clock(conn, row, provider))
    return rel, row


def _stored_target(data: dict[str, Any]) -> Target:
    in_use = data.get("in_use")
    return Target(data["kind"], data["value"], data["original"],
                  datetime.fromisoformat(in_use.replace("Z", "+00:00")) if in_use else None,
                  data.get("in_use_text"), data.get("port"))


def _existing(conn: Connection, case_id: int) -> list[Existing]:
    rows = conn.execute(select(R).where(R.c.case_id == case_id,
                                        R.c.status.in_(("ready", *ACTIVE)))).all()
    return [Existing(r.number, r.provider, r.kind,
                     frozenset((t["kind"], t["value"]) for t in json.loads(r.targets)),
                     r.range_from, r.range_to) for r in rows]


def build_context(ws: Workspace, case: CaseRow, conn: Connection, given: NewRequest,
                  directory: Directory, office: dict[str, Any],
                  now: datetime) -> tuple[Context, int | None]:
    """Read what the user gave into a draft and the context the rules check it in."""
    case_row = conn.execute(select(cases.c.legal_basis).where(cases.c.id == case.id)).one()
    provider_name, _sep, country = given.provider.partition(":")
    provider = directory.provider(provider_name)
    name = provider_name.strip().lower()
    if provider.id != name and given.service is None and provider.service(name) is not None:
        given.service = name  # "instagram" names Meta's service
    region = (country.strip().upper() or None) if country else None
    try:
        zone = get_zone(given.zone) if given.zone else None
    except InputError:
        zone = None  # R16 names the zone; identifiers with dates then need offsets
    targets = [read_target(text, region or case.country, zone) for text in given.targets]
    draft = Draft(case.ref, case.country, case_row.legal_basis, provider.id, given.kind,
                  targets, service=given.service, provider_country=region,
                  categories=list(given.categories), range_from_text=given.range_from,
                  range_to_text=given.range_to, zone=given.zone, facts=given.facts,
                  legal_basis=given.legal_basis, nondisclosure_days=given.nondisclosure_days,
                  related=given.related, emergency=given.emergency, mla=given.mla, now=now)
    related, related_row = _related(conn, case.id, given.related, directory)
    if given.kind == "extension" and related_row is not None:
        # an extension repeats what it extends unless told otherwise
        if not targets:
            draft.targets = [_stored_target(x) for x in json.loads(related_row.targets)]
        draft.legal_basis = draft.legal_basis or related_row.legal_basis
        draft.facts = draft.facts or related_row.facts
        draft.range_from, draft.range_to = related_row.range_from, related_row.range_to
        draft.zone = draft.zone or related_row.range_zone
        if draft.service is None:
            draft.service = given.service = related_row.service
    ctx = Context(draft, directory, office, now, provider=provider, related=related,
                  existing=_existing(conn, case.id))
    ctx.service = provider.service(given.service)
    if given.categories:
        ctx.categories = list(dict.fromkeys(given.categories))
    elif given.kind == "extension":
        ctx.categories = json.loads(related_row.categories) if related_row is not None else []
    else:
        ctx.categories = list(DEFAULT_CATEGORIES[given.kind])
    return ctx, int(related_row.id) if related_row is not None else None


def new_request(ws: Workspace, ref: str, given: NewRequest,
                now: datetime | None = None) -> tuple[RequestView, list[Issue]]:
    """Validate, then create the request (status ``ready``); refused with every error."""
    _actor, case = authorize(ws.db, ws.actor, ref, Action.EXPORT)
    directory = Directory(ws.settings.home)
    office = load_office(ws.settings.home)
    now = now or utcnow()
    for attempt in range(3):
        try:
            with ws.db.begin() as conn:
                # the case row locked (PostgreSQL): requests of one case are numbered in turn
                status = conn.execute(select(cases.c.status).where(
                    cases.c.id == case.id).with_for_update()).scalar_one()
                if status != "open":
                    raise InputError("error.case_closed", ref=case.ref)
                ctx, related_id = build_context(ws, case, conn, given, directory, office, now)
                issues = check(ctx)
                if any(i.severity == "error" for i in issues):
                    raise RequestRefused(issues)
                view = _insert(conn, ws, case, ctx, related_id, issues, now)
            return view, issues
        except IntegrityError:
            # another request of the case took the same number meanwhile (PostgreSQL: the
            # unique constraint); the next attempt reads the new highest number
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _insert(conn: Connection, ws: Workspace, case: CaseRow, ctx: Context,
            related_id: int | None, issues: list[Issue], now: datetime) -> RequestView:
    d = ctx.draft
    assert ctx.provider is not None
    zone = str(ctx.office["timezone"])
    no = int(conn.execute(select(func.coalesce(func.max(R.c.no), 0)).where(
        R.c.case_id == case.id)).scalar_one()) + 1
    number = f"SOL-{now.astimezone(ZoneInfo(zone)).year}-{no:04d}"
    warnings = [{"rule": i.rule, "key": i.key, "field": i.where, "params": i.params}
                for i in issues if i.severity == "warning"]
    warnings = json.loads(canonical_json(warnings))
    requester = {k: ctx.office[k] for k in sorted(ctx.office)}
    values: dict[str, Any] = {
        "case_id": case.id, "no": no, "number": number, "provider": ctx.provider.id,
        "provider_country": (d.provider_country or case.country)
        if ctx.provider.kind == "telco" else None,
        "service": ctx.service["id"] if ctx.service else None, "kind": d.kind, "mla": d.mla,
        "categories": canonical_json(ctx.categories),
        "targets": canonical_json([tg.as_dict() for tg in d.targets]),
        "range_from": d.range_from, "range_to": d.range_to, "range_zone": d.zone,
        "facts": d.facts, "legal_basis": d.legal_basis or ctx.draft.case_legal_basis,
        "nondisclosure_days": d.nondisclosure_days, "emergency": d.emergency,
        "related_id": related_id, "status": "ready", "provider_ref": None,
        "requester": canonical_json(requester), "warnings": canonical_json(warnings),
        "zone": zone, "created_at": now, "created_by": ws.actor}
    request_id = new_id(conn.execute(insert(R).values(**values)))
    conn.execute(insert(provider_request_events).values(
        request_id=request_id, status="ready", at=now, recorded_at=now, actor=ws.actor))
    ledger.append(conn, chain=case.chain, actor=ws.actor, action="request.create",
                  subject=f"request:{number}", case_id=case.id,
                  details=record_of(values, d.related, d.range_from_text, d.range_to_text))
    row = conn.execute(select(R).where(R.c.id == request_id)).one()
    return _view(row, case.ref, d.related)


def record_of(values: dict[str, Any], related: str | None, from_text: str | None = None,
              to_text: str | None = None) -> dict[str, Any]:
    """The ledger's account of a request: what ``verify`` compares the row with."""
    out = {k: values[k] for k in ("number", "provider", "provider_country", "service", "kind",
                                  "mla", "facts", "legal_basis", "nondisclosure_days",
                                  "emergency", "zone", "range_zone")}
    for key in ("categories", "targets", "requester", "warnings"):
        out[key] = json.loads(values[key])
    for key in ("range_from", "range_to"):
        out[key] = iso_utc(values[key]) if values[key] is not None else None
    out["range_text"] = [from_text, to_text] if from_text or to_text else None
    out["related"] = related.strip().upper() if related else None
    return out


# --- mark --------------------------------------------------------------------------------------

def _effective(text: str | None, zone: str, now: datetime) -> datetime:
    """``--date``: a date (noon in the office's zone) or an instant; never in the future."""
    if not text:
        return now
    raw = text.strip()
    try:
        day = date.fromisoformat(raw)
        when = datetime.combine(day, time(12), tzinfo=ZoneInfo(zone))
    except ValueError:
        when = parse_instant(raw, default_tz=ZoneInfo(zone), field="--date")
    if when.date() > now.astimezone(ZoneInfo(zone)).date():
        raise InputError("error.requests_date_future", date=text)
    return when


def due_on(conn: Connection, row: Any, directory: Directory, office: dict[str, Any]
           ) -> date | None:
    """The date the tracker watches: a preservation's expiry, an answer's due date."""
    if row.sent_at is None or row.status not in ACTIVE:
        return None
    provider = directory.providers.get(row.provider)
    if row.kind == "preservation":
        clock = _clock(conn, row, provider)
        return clock.expires_on() if clock else None
    if row.kind == "extension":
        return None
    days = provider.fact("answer_days") if provider else None
    return answer_due(local_date(row.sent_at, row.zone), row.kind,
                      days if isinstance(days, int) else None,
                      office.get("answer_days") if isinstance(office.get("answer_days"), int)
                      else None)


def mark(ws: Workspace, number: str, status: str, *, case_ref: str | None = None,
         when: str | None = None, provider_ref: str | None = None,
         note: str | None = None) -> RequestView:
    case, row = locate(ws, number, case_ref, Action.EXPORT)
    now = utcnow()
    at = _effective(when, row.zone, now)
    if status not in NEXT.get(row.status, frozenset()):
        raise InputError("error.requests_bad_transition", number=row.number,
                         current=row.status, wanted=status,
                         allowed=", ".join(sorted(NEXT[row.status])) or "—")
    directory = Directory(ws.settings.home)
    office = load_office(ws.settings.home)
    with ws.db.begin() as conn:
        changes: dict[str, Any] = {"status": status}
        if status == "sent":
            changes["sent_at"] = at
        if provider_ref:
            changes["provider_ref"] = provider_ref.strip()
        done = conn.execute(update(R).where(R.c.id == row.id, R.c.status == row.status)
                            .values(**changes)).rowcount
        if not done:  # changed meanwhile by someone else
            raise InputError("error.requests_changed", number=row.number)
        conn.execute(insert(provider_request_events).values(
            request_id=row.id, status=status, at=at, recorded_at=now, actor=ws.actor,
            provider_ref=provider_ref, note=note))
        _refresh_due(conn, row.id, directory, office)
        if row.related_id is not None:  # an extension moves its preservation's expiry
            _refresh_due(conn, row.related_id, directory, office)
        ledger.append(conn, chain=case.chain, actor=ws.actor, action="request.status",
                      subject=f"request:{row.number}", case_id=case.id,
                      details={"number": row.number, "from": row.status, "status": status,
                               "at": iso_utc(at), "provider_ref": changes.get("provider_ref"),
                               "note": note})
        fresh = conn.execute(select(R).where(R.c.id == row.id)).one()
        related = _numbers(conn, {fresh.related_id} if fresh.related_id else set())
    return _view(fresh, case.ref, related.get(fresh.related_id))


def _refresh_due(conn: Connection, request_id: int, directory: Directory,
                 office: dict[str, Any]) -> None:
    row = conn.execute(select(R).where(R.c.id == request_id)).one()
    conn.execute(update(R).where(R.c.id == request_id).values(
        due_on=due_on(conn, row, directory, office)))


# --- read ---------------------------------------------------------------------------------------

def list_requests(ws: Workspace, ref: str) -> list[RequestView]:
    """The case's requests; the view is recorded (``requests.list``) like every other."""
    actor, case = authorize(ws.db, ws.actor, ref, Action.READ)
    with ws.db.begin() as conn:
        rows = conn.execute(select(R).where(R.c.case_id == case.id).order_by(R.c.no)).all()
        related = _numbers(conn, {r.related_id for r in rows if r.related_id})
        ledger.append(conn, chain=case.chain, actor=actor.name, action="requests.list",
                      subject=f"case:{case.ref}", case_id=case.id,
                      details={"requests": len(rows)})
    return [_view(r, case.ref, related.get(r.related_id)) for r in rows]


def show_request(ws: Workspace, number: str, case_ref: str | None = None) -> RequestView:
    case, row = locate(ws, number, case_ref, Action.READ)
    with ws.db.begin() as conn:
        ledger.append(conn, chain=case.chain, actor=ws.actor, action="request.view",
                      subject=f"request:{row.number}", case_id=case.id, details={})
        related = _numbers(conn, {row.related_id} if row.related_id else set())
        view = _view(row, case.ref, related.get(row.related_id))
        view.events = [{"status": e.status, "at": iso_utc(e.at), "actor": e.actor,
                        "provider_ref": e.provider_ref, "note": e.note}
                       for e in conn.execute(select(provider_request_events).where(
                           provider_request_events.c.request_id == row.id)
                           .order_by(provider_request_events.c.id))]
        view.items = [f"E-{n}" for n in conn.execute(
            select(items.c.no).join(provider_request_items,
                                    provider_request_items.c.item_id == items.c.id)
            .where(provider_request_items.c.request_id == row.id).order_by(items.c.no)
        ).scalars()]
    return view


def tracked(ws: Workspace, refs: list[str]) -> list[Tracked]:
    """The requests of ``refs`` as the deadline tracker needs them."""
    directory = Directory(ws.settings.home)
    office = load_office(ws.settings.home)
    out: list[Tracked] = []
    for ref in refs:
        actor, case = authorize(ws.db, ws.actor, ref, Action.READ)
        with ws.db.begin() as conn:
            rows = conn.execute(select(R).where(R.c.case_id == case.id).order_by(R.c.no)).all()
            ledger.append(conn, chain=case.chain, actor=actor.name, action="requests.due",
                          subject=f"case:{case.ref}", case_id=case.id,
                          details={"requests": len(rows)})
            followed = {r.related_id for r in rows if r.related_id and r.kind != "extension"
                        and r.status == "fulfilled"}
            for row in rows:
                provider = directory.providers.get(row.provider)
                days = provider.fact("answer_days") if provider else None
                out.append(Tracked(
                    row.number, row.kind, row.status, row.provider, row.zone, row.sent_at,
                    clock=_clock(conn, row, provider),
                    answer_days=days if isinstance(days, int) else None,
                    office_answer_days=office.get("answer_days")
                    if isinstance(office.get("answer_days"), int) else None,
                    followed=row.id in followed, extra={"case": case.ref}))
    return out


__all__ = ["NewRequest", "RequestRefused", "RequestView", "list_requests", "locate", "mark",
           "new_request", "record_of", "show_request", "tracked"]
