"""Reading a custody ledger (itself recorded as a view)."""

from __future__ import annotations

from sabueso.cases.access import Action, authorize, require_user_role
from sabueso.custody import ledger
from sabueso.custody.ledger import Entry
from sabueso.store.db import Database


def read_log(db: Database, actor_name: str, ref: str | None) -> tuple[str | None, list[Entry]]:
    """Entries of a case's chain, or of the workspace chain when ``ref`` is None.

    Returns the case's time zone (None for the workspace chain) and the entries as they were
    before this view was recorded.
    """
    if ref is None:
        with db.begin() as conn:
            actor = require_user_role(conn, actor_name, frozenset({"admin", "auditor"}),
                                      "log --system")
            found = list(ledger.entries(conn, ledger.SYSTEM_CHAIN))
            ledger.append(conn, chain=ledger.SYSTEM_CHAIN, actor=actor.name, action="log.view",
                          subject=ledger.SYSTEM_CHAIN, details={"entries": len(found)})
        return None, found
    actor, case = authorize(db, actor_name, ref, Action.LOG)
    with db.begin() as conn:
        found = list(ledger.entries(conn, case.chain))
        ledger.append(conn, chain=case.chain, actor=actor.name, action="log.view",
                      subject=f"case:{ref}", case_id=case.id, details={"entries": len(found)})
    return case.tz, found
