"""Local users of the workspace. Only administrators manage them; every change is in the ledger."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from sabueso.cases.access import USER_ROLES, require_user_role
from sabueso.core.errors import InputError, NotFound
from sabueso.core.timeutil import utcnow
from sabueso.custody import ledger
from sabueso.store.db import Database
from sabueso.store.schema import users

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
ADMINS = frozenset({"admin"})


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: str
    active: bool
    created_at: datetime
    created_by: str


def _validate(name: str, role: str) -> None:
    if not _NAME_RE.match(name):
        raise InputError("error.bad_user_name", name=name)
    if role not in USER_ROLES:
        raise InputError("error.bad_role", role=role, allowed=", ".join(USER_ROLES))


def add_user(db: Database, actor: str, name: str, role: str) -> User:
    _validate(name, role)
    with db.begin() as conn:
        require_user_role(conn, actor, ADMINS, "user add")
        if conn.execute(select(users.c.id).where(users.c.name == name)).first():
            raise InputError("error.user_exists", user=name)
        now = utcnow()
        conn.execute(users.insert().values(name=name, role=role, active=True, created_at=now,
                                           created_by=actor))
        ledger.append(conn, chain=ledger.SYSTEM_CHAIN, actor=actor, action="user.add",
                      subject=f"user:{name}", details={"role": role})
    return User(name, role, True, now, actor)


def set_active(db: Database, actor: str, name: str, active: bool) -> None:
    with db.begin() as conn:
        require_user_role(conn, actor, ADMINS, "user disable" if not active else "user enable")
        found = conn.execute(update(users).where(users.c.name == name).values(active=active))
        if found.rowcount == 0:
            raise NotFound("error.user_not_found", user=name)
        ledger.append(conn, chain=ledger.SYSTEM_CHAIN, actor=actor,
                      action="user.enable" if active else "user.disable", subject=f"user:{name}")


def list_users(db: Database, actor: str) -> list[User]:
    with db.begin() as conn:
        require_user_role(conn, actor, frozenset(USER_ROLES), "user list")
        rows = conn.execute(select(users).order_by(users.c.name)).all()
    return [User(r.name, r.role, bool(r.active), r.created_at, r.created_by) for r in rows]
