"""The demo case carries a preservation to Meta and a subscriber request to a Guatemalan
operator, both sent, with their due dates."""

from __future__ import annotations

from conftest import Env


def test_demo_requests(sqlite_env: Env) -> None:
    sqlite_env.ok("demo")
    listed = sqlite_env.ok("request", "list", "DEMO-COLIBRI", "--json").json()
    assert [(r["provider"], r["type"], r["status"]) for r in listed] == [
        ("meta", "preservation", "sent"), ("tigo", "subscriber", "sent")]
    assert all(r["due_on"] for r in listed)
    assert listed[0]["service"] == "instagram"
    assert listed[0]["targets"][0]["value"] == "colibri_express_gt"
    assert listed[1]["targets"][0]["value"] == "+50255550147"
    due = sqlite_env.ok("request", "due", "DEMO-COLIBRI", "--within", "400d", "--json").json()
    assert {d["request"] for d in due["due"]} == {r["number"] for r in listed}
    sqlite_env.ok("verify", "DEMO-COLIBRI")
