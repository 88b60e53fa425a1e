"""Racing case commands: two ``case new`` of the same reference, two ``case close`` of the
same case. The loser gets the same clean error as when it comes second, never a database
error, and the ledger holds one entry for what happened once.

Both racers are held at a barrier at the point where the race is decided (inside the
transaction on PostgreSQL; on SQLite, where transactions begin IMMEDIATE and queue, before it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text

from conftest import Env
from sabueso.cases import cases as cases_mod
from sabueso.core.errors import InputError

TIMEOUT = 30


def race(calls: list[Callable[[], Any]]) -> list[BaseException | None]:
    """Run ``calls`` in threads at once; what each raised (None when it returned)."""
    outcome: list[BaseException | None] = [None] * len(calls)

    def run(n: int) -> None:
        try:
            calls[n]()
        except BaseException as exc:  # reported to the test
            outcome[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
        assert not thread.is_alive()
    return outcome


def ledger_actions(env: Env, chain: str) -> list[str]:
    with env.engine().connect() as conn:
        return [str(a) for a in conn.execute(text(
            "SELECT action FROM ledger WHERE chain = :c ORDER BY seq"), {"c": chain}).scalars()]


def held(barrier: threading.Barrier, func: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = func(*args, **kwargs)
        barrier.wait(TIMEOUT)
        return result
    return wrapper


def test_two_case_new_of_one_reference(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    env.ok("init")
    db = env.workspace().db
    barrier = threading.Barrier(2)
    if env.backend == "postgresql":  # both inside their transactions, neither sees the other
        monkeypatch.setattr(cases_mod, "require_user_role",
                            held(barrier, cases_mod.require_user_role))

    def create() -> None:
        if env.backend != "postgresql":
            barrier.wait(TIMEOUT)
        cases_mod.create_case(db, env.user, "RACE-1", title="Carrera", country="GT")

    outcome = race([create, create])
    errors = [e for e in outcome if e is not None]
    assert len(errors) == 1, outcome
    [error] = errors
    assert isinstance(error, InputError) and error.key == "error.case_exists", repr(error)
    assert error.exit_code == 2
    assert ledger_actions(env, "case:RACE-1") == ["case.create", "case.grant"]
    assert env.run("verify", "--json").code == 0


@pytest.mark.parametrize("first, second", [("closed", "closed"), ("open", "open")])
def test_two_status_changes_at_once_make_one(env: Env, monkeypatch: pytest.MonkeyPatch,
                                              first: str, second: str) -> None:
    env.new_case("GT-1")
    if first == "open":
        env.ok("case", "close", "GT-1")
    db = env.workspace().db
    barrier = threading.Barrier(2)
    # both have read the case (and its status) before either changes it
    monkeypatch.setattr(cases_mod, "authorize", held(barrier, cases_mod.authorize))
    outcome = race([lambda: cases_mod.set_status(db, env.user, "GT-1", first),
                    lambda: cases_mod.set_status(db, env.user, "GT-1", second)])
    errors = [e for e in outcome if e is not None]
    assert len(errors) == 1, outcome
    assert isinstance(errors[0], InputError), repr(errors[0])
    assert errors[0].key == f"error.case_already_{first}"
    action = "case.close" if first == "closed" else "case.reopen"
    assert ledger_actions(env, "case:GT-1").count(action) == 1
    assert env.run("verify", "--json").code == 0
