"""Cases: creation, country and time zone, listing, closing, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Env, write_files


def test_first_user_becomes_admin_and_init_is_idempotent(env: Env) -> None:
    first = env.ok("init", "--json").json()
    again = env.ok("init", "--json").json()
    assert first["role"] == again["role"] == "admin" and first["user"] == "inv.admin"
    users = env.ok("user", "list", "--json").json()
    assert [u["name"] for u in users] == ["inv.admin"]


def test_country_gives_the_time_zone(env: Env) -> None:
    for ref, country, tz in (("G", "GT", "America/Guatemala"), ("S", "sv", "America/El_Salvador"),
                             ("H", "HN", "America/Tegucigalpa"), ("C", "CR", "America/Costa_Rica"),
                             ("P", "PA", "America/Panama"), ("D", "DO", "America/Santo_Domingo")):
        doc = env.ok("case", "new", ref, "--title", "t", "--country", country, "--json").json()
        assert (doc["country"], doc["tz"]) == (country.upper(), tz)


def test_case_fields_and_show(env: Env) -> None:
    env.ok("case", "new", "GT-2026-0001", "--title", "Operación Colibrí", "--country", "GT",
           "--prosecutor", "Fiscalía X", "--legal-basis", "Orden 1")
    doc = env.ok("case", "show", "GT-2026-0001", "--json").json()
    assert doc["title"] == "Operación Colibrí" and doc["prosecutor"] == "Fiscalía X"
    assert doc["legal_basis"] == "Orden 1" and doc["status"] == "open" and doc["role"] == "lead"
    assert doc["members"][0]["role"] == "lead"
    human = env.ok("case", "show", "GT-2026-0001")
    assert "Operación Colibrí" in human.out and "America/Guatemala" in human.out


@pytest.mark.parametrize("args, fragment", [
    (["case", "new", "bad ref", "--title", "t", "--country", "GT"], "bad ref"),
    (["case", "new", "A1", "--title", "t", "--country", "XX"], "XX"),
    (["case", "new", "A1", "--title", "t", "--country", "US"], "--tz"),
    (["case", "new", "A1", "--title", "t", "--country", "GT", "--tz", "Mars/Base"], "Mars/Base"),
    (["case", "new", "A1", "--title", "  ", "--country", "GT"], "title"),
    (["user", "add", "x", "--role", "boss"], "boss"),
    (["case", "new", "A1", "--title", "t"], "--country"),
])
def test_bad_input_is_exit_2_with_a_clear_message(env: Env, args: list[str],
                                                  fragment: str) -> None:
    res = env.run(*args)
    assert res.code == 2, res.out + res.err
    assert fragment in res.err
    assert "Traceback" not in res.err


def test_duplicate_case_and_missing_case(env: Env) -> None:
    env.new_case("A1")
    assert env.run("case", "new", "A1", "--title", "t", "--country", "GT").code == 2
    assert env.run("case", "show", "B2").code == 3


def test_us_case_with_explicit_zone(env: Env) -> None:
    doc = env.ok("case", "new", "US-1", "--title", "t", "--country", "US", "--tz",
                 "America/Chicago", "--json").json()
    assert doc["tz"] == "America/Chicago"


def test_closed_case_takes_no_evidence_and_can_reopen(env: Env, tmp_path: Path) -> None:
    env.new_case()
    f = write_files(tmp_path, {"a.txt": "a"}) / "a.txt"
    env.ok("case", "close", "GT-1")
    assert env.ok("case", "show", "GT-1", "--json").json()["status"] == "closed"
    res = env.run("add", "GT-1", str(f))
    assert res.code == 2 and "GT-1" in res.err
    assert env.run("case", "close", "GT-1").code == 2
    env.ok("case", "reopen", "GT-1")
    env.ok("add", "GT-1", str(f))
    actions = [e["action"] for e in env.ok("log", "GT-1", "--json").jsonl()]
    assert actions.index("case.close") < actions.index("case.reopen")


def test_spanish_is_the_default_language(env: Env) -> None:
    res = env.run("case", "show", "NOPE", lang="es")
    assert res.code == 3 and "no existe" in res.err
    res = env.run("case", "show", "NOPE", lang="en")
    assert "does not exist" in res.err


def test_json_listing_has_stable_fields(env: Env, tmp_path: Path) -> None:
    env.new_case()
    env.ok("add", "GT-1", str(write_files(tmp_path, {"a.txt": "a"}) / "a.txt"))
    case = env.ok("case", "list", "--json").json()[0]
    assert set(case) == {"ref", "title", "country", "tz", "prosecutor", "legal_basis", "status",
                         "created_at", "created_by", "closed_at", "items", "role"}
    item = env.ok("evidence", "GT-1", "--json").json()[0]
    assert set(item) == {"id", "no", "parent", "kind", "name", "original_path", "size",
                         "media_type", "sha256", "sha1", "md5", "source", "note", "acquired_at",
                         "added_at", "added_by", "modified_at", "depth"}
    assert item["acquired_at"].endswith("Z")
    entry = env.ok("log", "GT-1", "--json").jsonl()[0]
    assert set(entry) == {"chain", "seq", "ts", "actor", "action", "subject", "details",
                          "prev_hash", "hash"}
