"""The demo's captures: with Chromium when there is one, HTTP only without (``make run``
must work on a machine without a browser and offline)."""

from __future__ import annotations

import pytest

from conftest import Env

from .conftest import needs_chromium


def _captures(env: Env) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = env.ok("captures", "DEMO-COLIBRI", "--json").json()
    return rows


def test_demo_captures_without_a_browser(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SABUESO_CHROMIUM", "none")
    env.ok("demo")
    rows = _captures(env)
    assert [r["status"] for r in rows] == ["complete", "complete"]
    assert {r["mode"] for r in rows} == {"http"}
    assert all(r["allowed_networks"] == ["127.0.0.1/32"] and not r["allow_private"]
               for r in rows)
    shown = env.run("demo", "--show")
    assert "private-address guard lifted for 127.0.0.1/32" in shown.out
    values = {e["value"] for e in env.ok("entities", "DEMO-COLIBRI", "--json").json()["entities"]}
    assert "+50255550183" in values


@needs_chromium
def test_demo_captures_with_the_browser_keep_what_the_script_added(env: Env) -> None:
    env.ok("demo")
    rows = _captures(env)
    assert {r["mode"] for r in rows} == {"browser"}
    items = rows[0]["items"]
    assert isinstance(items, dict) and set(items) >= {"screenshot", "pdf", "dom"}
    hits = env.ok("search", "DEMO-COLIBRI", "efectivo contra entrega", "--json").jsonl()
    assert items["text"] in {h["item"] for h in hits}
