"""`sabueso verify` replays each request from the ledger: a row changed, added or removed
behind Sabueso's back is reported with the field and the entry (SQLite, PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from conftest import Env
from sabueso.legal.office import update_office

from .helpers import OFFICE, day

REF = "GT-1"


@pytest.fixture
def case(env: Env) -> Env:
    env.new_case(REF)
    update_office(env.home, dict(OFFICE))
    env.ok("request", "new", REF, "--provider", "instagram", "--type", "preservation",
           "--target", f"username:colibri_ventas@{day(-9)}T10:00", "--tz",
           "America/Guatemala", "--from", day(-40), "--to", day(-5), "--facts",
           "Venta de drogas (ficticio)", "--legal-basis", "Código Penal, art. 274")
    env.ok("request", "mark", "SOL-2026-0001", "sent", "--provider-ref", "LE-1")
    assert env.run("verify", REF).code == 0
    return env


def _findings(env: Env) -> list[dict[str, Any]]:
    res = env.run("verify", REF, "--json")
    assert res.code == 1, res.out + res.err
    return [f for c in res.json()["chains"] for f in c["findings"]]


def _sql(env: Env, statement: str) -> None:
    with env.engine().begin() as conn:
        conn.execute(text(statement))


@pytest.mark.parametrize(("statement", "field"), [
    ("UPDATE provider_requests SET status = 'withdrawn'", "status"),
    ("UPDATE provider_requests SET provider_ref = 'LE-2'", "provider_ref"),
    ("UPDATE provider_requests SET facts = 'otros hechos'", "facts"),
    ("UPDATE provider_requests SET targets = '[]'", "targets"),
    ("UPDATE provider_requests SET range_to = range_from", "range_to"),
])
def test_a_changed_request_is_reported_with_its_field(case: Env, statement: str,
                                                      field: str) -> None:
    _sql(case, statement)
    found = [f for f in _findings(case) if f["kind"] == "request_mismatch"]
    assert [f["params"]["field"] for f in found] == [field]
    assert found[0]["subject"] == "request:SOL-2026-0001"
    assert "SOL-2026-0001" in found[0]["message"] and field in found[0]["message"]


def test_a_removed_request_and_an_unrecorded_one(case: Env) -> None:
    _sql(case, "DELETE FROM provider_request_events")
    _sql(case, "UPDATE provider_requests SET number = 'SOL-2026-0099'")
    kinds = sorted((f["kind"], f["subject"]) for f in _findings(case))
    assert kinds == [("request_removed", "request:SOL-2026-0001"),
                     ("request_unrecorded", "request:SOL-2026-0099")]
