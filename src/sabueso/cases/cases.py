"""Cases and their membership (need-to-know)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import phonenumbers
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from sabueso.cases.access import (
    CASE_CREATORS,
    CASE_ROLES,
    Action,
    allowed,
    authorize,
    case_role,
    load_actor,
    require_user_role,
)
from sabueso.core.errors import InputError, NotFound
from sabueso.core.timeutil import default_zone_for_country, get_zone, utcnow
from sabueso.custody import ledger
from sabueso.store.db import Database, new_id
from sabueso.store.schema import cases, items, memberships, users

_REF_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True, slots=True)
class Case:
    ref: str
    title: str
    country: str
    tz: str
    prosecutor: str | None
    legal_basis: str | None
    status: str
    created_at: datetime
    created_by: str
    closed_at: datetime | None
    items: int = 0
    role: str | None = None  # the acting user's role in the case

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("created_at", "closed_at"):
            if data[key] is not None:
                data[key] = data[key].isoformat().replace("+00:00", "Z")
        return data


@dataclass(frozen=True, slots=True)
class Member:
    user: str
    role: str
    granted_at: datetime
    granted_by: str


def _case_from_row(row: Any, count: int = 0, role: str | None = None) -> Case:
    return Case(row.ref, row.title, row.country, row.tz, row.prosecutor, row.legal_basis,
                row.status, row.created_at, row.created_by, row.closed_at, count, role)


def validate_country(country: str) -> str:
    code = country.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise InputError("error.bad_country", country=country)
    return code


def create_case(db: Database, actor_name: str, ref: str, *, title: str, country: str,
                tz: str | None = None, prosecutor: str | None = None,
                legal_basis: str | None = None) -> Case:
    if not _REF_RE.match(ref):
        raise InputError("error.bad_case_ref", ref=ref)
    if not title.strip():
        raise InputError("error.empty_title")
    code = validate_country(country)
    zone = tz or default_zone_for_country(code)
    if zone is None:
        raise InputError("error.country_needs_tz", country=code)
    get_zone(zone)
    now = utcnow()
    try:
        return _insert_case(db, actor_name, ref, title=title.strip(), country=code, tz=zone,
                            prosecutor=prosecutor, legal_basis=legal_basis, now=now)
    except IntegrityError:
        # Another ``case new`` of the same reference committed between our check and our
        # insert (PostgreSQL: the insert waited for it, then hit the unique constraint).
        with db.begin() as conn:
            exists = conn.execute(select(cases.c.id).where(cases.c.ref == ref)).first()
        if exists:
            raise InputError("error.case_exists", ref=ref) from None
        raise


def _insert_case(db: Database, actor_name: str, ref: str, *, title: str, country: str,
                 tz: str, prosecutor: str | None, legal_basis: str | None,
                 now: datetime) -> Case:
    with db.begin() as conn:
        actor = require_user_role(conn, actor_name, CASE_CREATORS, "case new")
        if conn.execute(select(cases.c.id).where(cases.c.ref == ref)).first():
            raise InputError("error.case_exists", ref=ref)
        case_id = new_id(conn.execute(cases.insert().values(
            ref=ref, title=title, country=country, tz=tz, prosecutor=prosecutor,
            legal_basis=legal_basis, status="open", created_at=now, created_by=actor.name,
            next_item_no=1)))
        conn.execute(memberships.insert().values(case_id=case_id, user_id=actor.id, role="lead",
                                                 granted_at=now, granted_by=actor.name))
        chain = ledger.case_chain(ref)
        ledger.append_many(conn, chain=chain, actor=actor.name, case_id=case_id, entries=[
            ("case.create", f"case:{ref}", {"title": title, "country": country, "tz": tz,
                                             "prosecutor": prosecutor,
                                             "legal_basis": legal_basis}),
            ("case.grant", f"user:{actor.name}", {"role": "lead"}),
        ])
        row = conn.execute(select(cases).where(cases.c.id == case_id)).one()
    return _case_from_row(row, 0, "lead")


def list_cases(db: Database, actor_name: str) -> list[Case]:
    """The cases the acting user is a member of (all of them, for an administrator)."""
    with db.begin() as conn:
        actor = load_actor(conn, actor_name)
        counts = (select(items.c.case_id, func.count().label("n")).group_by(items.c.case_id)
                  .subquery())
        mine = (select(memberships.c.case_id, memberships.c.role)
                .where(memberships.c.user_id == actor.id).subquery())
        query = (select(cases, func.coalesce(counts.c.n, 0).label("n"), mine.c.role)
                 .outerjoin(counts, counts.c.case_id == cases.c.id)
                 .outerjoin(mine, mine.c.case_id == cases.c.id).order_by(cases.c.ref))
        if actor.role != "admin":
            query = query.where(mine.c.role.is_not(None))
        rows = conn.execute(query).all()
    return [_case_from_row(r, int(r.n), r.role) for r in rows]


def show_case(db: Database, actor_name: str, ref: str) -> tuple[Case, list[Member]]:
    actor, found = authorize(db, actor_name, ref, Action.READ)
    with db.begin() as conn:
        row = conn.execute(select(cases).where(cases.c.id == found.id)).one()
        count = conn.execute(select(func.count()).select_from(items)
                             .where(items.c.case_id == found.id)).scalar_one()
        members = _members(conn, found.id)
        role = case_role(conn, found.id, actor.id)
        ledger.append(conn, chain=found.chain, actor=actor.name, action="case.view",
                      subject=f"case:{ref}", case_id=found.id)
    return _case_from_row(row, int(count), role), members


def _members(conn: Any, case_id: int) -> list[Member]:
    rows = conn.execute(select(users.c.name, memberships.c.role, memberships.c.granted_at,
                               memberships.c.granted_by)
                        .join(users, users.c.id == memberships.c.user_id)
                        .where(memberships.c.case_id == case_id).order_by(users.c.name)).all()
    return [Member(r.name, r.role, r.granted_at, r.granted_by) for r in rows]


def members(db: Database, actor_name: str, ref: str) -> list[Member]:
    _actor, found = authorize(db, actor_name, ref, Action.LOG)
    with db.begin() as conn:
        return _members(conn, found.id)


def set_status(db: Database, actor_name: str, ref: str, status: str) -> None:
    actor, found = authorize(db, actor_name, ref, Action.MANAGE)
    with db.begin() as conn:
        # The status read by ``authorize`` may be stale: only an update that finds the case
        # in the other status changes it (on PostgreSQL a concurrent change holds the row,
        # and the condition is checked again on the row it committed).
        changed = conn.execute(update(cases).where(
            cases.c.id == found.id, cases.c.status != status).values(
            status=status, closed_at=utcnow() if status == "closed" else None)).rowcount
        if not changed:
            raise InputError("error.case_already_" + status, ref=ref)
        ledger.append(conn, chain=found.chain, actor=actor.name,
                      action="case.close" if status == "closed" else "case.reopen",
                      subject=f"case:{ref}", case_id=found.id)


def grant(db: Database, actor_name: str, ref: str, user: str, role: str) -> None:
    if role not in CASE_ROLES:
        raise InputError("error.bad_case_role", role=role, allowed=", ".join(CASE_ROLES))
    actor, found = authorize(db, actor_name, ref, Action.MANAGE)
    with db.begin() as conn:
        target = conn.execute(select(users.c.id, users.c.active).where(users.c.name == user)
                              ).first()
        if target is None:
            raise NotFound("error.user_not_found", user=user)
        previous = case_role(conn, found.id, target.id)
        if previous == role:
            raise InputError("error.already_member", user=user, ref=ref, role=role)
        if previous is None:
            conn.execute(memberships.insert().values(case_id=found.id, user_id=target.id,
                                                     role=role, granted_at=utcnow(),
                                                     granted_by=actor.name))
        else:
            conn.execute(update(memberships).where(memberships.c.case_id == found.id,
                                                   memberships.c.user_id == target.id)
                         .values(role=role, granted_at=utcnow(), granted_by=actor.name))
        ledger.append(conn, chain=found.chain, actor=actor.name, action="case.grant",
                      subject=f"user:{user}", case_id=found.id,
                      details={"role": role, "previous": previous})


def revoke(db: Database, actor_name: str, ref: str, user: str) -> None:
    actor, found = authorize(db, actor_name, ref, Action.MANAGE)
    with db.begin() as conn:
        target = conn.execute(select(users.c.id).where(users.c.name == user)).scalar()
        previous = case_role(conn, found.id, target) if target is not None else None
        if previous is None:
            raise NotFound("error.not_member", user=user, ref=ref)
        if previous == "lead":
            leads = conn.execute(select(func.count()).select_from(memberships).where(
                memberships.c.case_id == found.id, memberships.c.role == "lead")).scalar_one()
            if leads <= 1:
                raise InputError("error.last_lead", user=user, ref=ref)
        conn.execute(delete(memberships).where(memberships.c.case_id == found.id,
                                               memberships.c.user_id == target))
        ledger.append(conn, chain=found.chain, actor=actor.name, action="case.revoke",
                      subject=f"user:{user}", case_id=found.id, details={"previous": previous})


__all__ = ["Case", "Member", "allowed", "create_case", "grant", "list_cases", "members",
           "revoke", "set_status", "show_case"]
