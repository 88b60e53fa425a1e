"""The workspace: settings, database and vault, opened (and initialised) on first use."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, text

from sabueso.core.config import Settings
from sabueso.core.errors import PermissionDenied
from sabueso.core.timeutil import utcnow
from sabueso.custody import ledger
from sabueso.store.db import Database
from sabueso.store.schema import users
from sabueso.store.vault import Vault

_OPEN: list[Workspace] = []


def close_all() -> None:
    """Dispose of every engine opened by ``Workspace.open`` (end of a command or test)."""
    while _OPEN:
        _OPEN.pop().close()


@dataclass
class Workspace:
    settings: Settings
    db: Database
    vault: Vault

    @property
    def actor(self) -> str:
        return self.settings.user

    @classmethod
    def open(cls, settings: Settings | None = None) -> Workspace:
        """Open the workspace, creating folders and running migrations when needed."""
        settings = settings or Settings.from_env()
        settings.home.mkdir(parents=True, exist_ok=True)
        db = Database(settings.database_url)
        db.migrate()
        vault = Vault(settings.vault_dir)
        vault.ensure()
        ws = cls(settings, db, vault)
        _OPEN.append(ws)
        ws.bootstrap()
        ws.identify()
        return ws

    def bootstrap(self) -> bool:
        """A workspace with no users makes its first acting user the administrator."""
        with self.db.begin() as conn:
            if conn.execute(select(func.count()).select_from(users)).scalar_one():
                return False
            if conn.dialect.name == "postgresql":
                # Two first commands at once would both see no users and both make their user
                # the administrator. This lock (taken only while there are no users) queues
                # them; the count is read again once the first one has committed. SQLite's
                # BEGIN IMMEDIATE already does this.
                conn.execute(text("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE"))
                if conn.execute(select(func.count()).select_from(users)).scalar_one():
                    return False
            conn.execute(users.insert().values(name=self.actor, role="admin", active=True,
                                               created_at=utcnow(), created_by=self.actor))
            ledger.append(conn, chain=ledger.SYSTEM_CHAIN, actor=self.actor,
                          action="user.bootstrap", subject=f"user:{self.actor}",
                          details={"role": "admin"})
        return True

    def identify(self) -> None:
        """Refuse (and record) an acting user who is unknown or disabled."""
        from sabueso.cases.access import load_actor

        refusal: PermissionDenied | None = None
        with self.db.begin() as conn:
            try:
                load_actor(conn, self.actor)
            except PermissionDenied as exc:
                ledger.append(conn, chain=ledger.SYSTEM_CHAIN, actor=self.actor,
                              action="access.denied", subject=f"user:{self.actor}",
                              details={"reason": exc.key})
                refusal = exc
        if refusal is not None:
            raise refusal

    def close(self) -> None:
        self.db.dispose()
