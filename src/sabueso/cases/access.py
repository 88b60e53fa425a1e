"""Need-to-know: who may do what in which case. Refusals are written to the ledger.

Case roles (granted per case): lead, investigator, analyst, prosecutor, auditor.
Workspace roles (per user): admin, investigator, analyst, prosecutor, auditor.
Being an admin gives no access to a case's content: admins manage users and memberships, and
every membership change is written into that case's ledger where its members can see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Connection, select

from sabueso.core.errors import NotFound, PermissionDenied
from sabueso.custody import ledger
from sabueso.store.db import Database
from sabueso.store.schema import cases, memberships, users


class Action(StrEnum):
    READ = "read"  # see the case, its evidence and their metadata
    LOG = "log"  # read the custody ledger
    VERIFY = "verify"  # check integrity
    ADD = "add"  # add evidence
    EXPORT = "export"  # produce an evidence package
    MANAGE = "manage"  # grant, revoke, close, reopen


USER_ROLES = ("admin", "investigator", "analyst", "prosecutor", "auditor")
CASE_ROLES = ("lead", "investigator", "analyst", "prosecutor", "auditor")
CASE_CREATORS = frozenset({"admin", "investigator"})

_ALL = frozenset(Action)
CASE_ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    "lead": _ALL,
    "investigator": frozenset({Action.READ, Action.LOG, Action.VERIFY, Action.ADD,
                               Action.EXPORT}),
    "analyst": frozenset({Action.READ, Action.LOG, Action.VERIFY, Action.ADD}),
    "prosecutor": frozenset({Action.READ, Action.LOG, Action.VERIFY, Action.EXPORT}),
    "auditor": frozenset({Action.LOG, Action.VERIFY}),
}
USER_ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    "admin": frozenset({Action.MANAGE, Action.LOG, Action.VERIFY}),
    "auditor": frozenset({Action.LOG, Action.VERIFY}),
}


@dataclass(frozen=True, slots=True)
class Actor:
    id: int
    name: str
    role: str


@dataclass(frozen=True, slots=True)
class CaseRow:
    id: int
    ref: str
    title: str
    country: str
    tz: str
    status: str

    @property
    def chain(self) -> str:
        return ledger.case_chain(self.ref)


def load_actor(conn: Connection, name: str) -> Actor:
    row = conn.execute(select(users.c.id, users.c.name, users.c.role, users.c.active)
                       .where(users.c.name == name)).first()
    if row is None:
        raise PermissionDenied("error.user_unknown", user=name)
    if not row.active:
        raise PermissionDenied("error.user_disabled", user=name)
    return Actor(row.id, row.name, row.role)


def find_case(conn: Connection, ref: str) -> CaseRow | None:
    row = conn.execute(select(cases.c.id, cases.c.ref, cases.c.title, cases.c.country,
                              cases.c.tz, cases.c.status).where(cases.c.ref == ref)).first()
    return CaseRow(row.id, row.ref, row.title, row.country, row.tz, row.status) if row else None


def case_role(conn: Connection, case_id: int, user_id: int) -> str | None:
    return conn.execute(select(memberships.c.role).where(memberships.c.case_id == case_id,
                                                         memberships.c.user_id == user_id)
                        ).scalar_one_or_none()


def allowed(actor: Actor, role_in_case: str | None, action: Action) -> bool:
    if role_in_case and action in CASE_ROLE_ACTIONS.get(role_in_case, frozenset()):
        return True
    return action in USER_ROLE_ACTIONS.get(actor.role, frozenset())


class Refusal(Exception):
    """Internal: carries a refusal out of the transaction that recorded it."""

    def __init__(self, error: PermissionDenied | NotFound) -> None:
        self.error = error


def check(conn: Connection, actor_name: str, ref: str, action: Action) -> tuple[Actor, CaseRow]:
    """Authorise ``action`` on case ``ref``, or record the refusal and raise ``Refusal``.

    The caller must commit the transaction before re-raising ``Refusal.error`` so that the
    refusal entry is kept (see ``Workspace``-level helper ``authorize``).
    """
    try:
        actor = load_actor(conn, actor_name)
    except PermissionDenied as exc:
        case = find_case(conn, ref)
        chain = case.chain if case else ledger.SYSTEM_CHAIN
        ledger.append(conn, chain=chain, actor=actor_name, action="access.denied",
                      subject=f"case:{ref}", details={"want": action.value, "reason": exc.key},
                      case_id=case.id if case else None)
        raise Refusal(exc) from None
    case = find_case(conn, ref)
    if case is None:
        ledger.append(conn, chain=ledger.SYSTEM_CHAIN, actor=actor.name, action="access.denied",
                      subject=f"case:{ref}",
                      details={"want": action.value, "reason": "error.case_not_found"})
        raise Refusal(NotFound("error.case_not_found", ref=ref))
    role = case_role(conn, case.id, actor.id)
    if not allowed(actor, role, action):
        ledger.append(conn, chain=case.chain, actor=actor.name, action="access.denied",
                      subject=f"case:{ref}", case_id=case.id,
                      details={"want": action.value, "role": role, "user_role": actor.role})
        key = "error.not_a_member" if role is None else "error.role_forbids"
        raise Refusal(PermissionDenied(key, ref=ref, user=actor.name, role=role or "",
                                       action=action.value))
    return actor, case


def authorize(db: Database, actor_name: str, ref: str, action: Action) -> tuple[Actor, CaseRow]:
    """``check`` in a transaction of its own, so that a refusal is committed before it is raised."""
    refusal: PermissionDenied | NotFound | None = None
    with db.begin() as conn:
        try:
            return check(conn, actor_name, ref, action)
        except Refusal as exc:
            refusal = exc.error
    raise refusal


def require_user_role(conn: Connection, actor_name: str, roles: frozenset[str],
                      what: str) -> Actor:
    actor = load_actor(conn, actor_name)
    if actor.role not in roles:
        raise PermissionDenied("error.user_role_forbids", user=actor.name, role=actor.role,
                               action=what)
    return actor
