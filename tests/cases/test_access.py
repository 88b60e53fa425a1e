"""Need-to-know: non-members cannot list, read, add to or export a case; refusals are recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Env, write_files


@pytest.fixture
def team(env: Env, tmp_path: Path) -> Env:
    env.ok("init")  # inv.admin becomes administrator
    for name, role in (("ana", "investigator"), ("beto", "investigator"), ("fiscal", "prosecutor"),
                       ("audi", "auditor"), ("ana2", "analyst")):
        env.ok("user", "add", name, "--role", role)
    env.ok("case", "new", "GT-9", "--title", "Caso de Ana", "--country", "GT", user="ana")
    src = write_files(tmp_path / "ev", {"a.txt": "evidencia"})
    env.ok("add", "GT-9", str(src / "a.txt"), user="ana")
    return env


def refusals(env: Env) -> list[dict[str, object]]:
    return [e for e in env.ok("log", "GT-9", "--json", user="ana").jsonl()
            if e["action"] == "access.denied"]


@pytest.mark.parametrize("command", [
    ["case", "show", "GT-9"], ["evidence", "GT-9"], ["log", "GT-9"],
    ["add", "GT-9", "{file}"], ["export", "GT-9", "--out", "{out}"], ["verify", "GT-9"],
    ["case", "grant", "GT-9", "beto", "--role", "lead"], ["case", "close", "GT-9"],
])
def test_non_member_is_refused_and_recorded(team: Env, tmp_path: Path,
                                            command: list[str]) -> None:
    extra = write_files(tmp_path / "more", {"b.txt": "b"}) / "b.txt"
    args = [a.format(file=extra, out=tmp_path / "x.zip") for a in command]
    before = len(refusals(team))
    res = team.run(*args, user="beto")
    assert res.code == 3, res.out + res.err
    assert "beto" in res.err and "GT-9" in res.err
    after = refusals(team)
    assert len(after) == before + 1
    assert after[-1]["actor"] == "beto"
    assert not (tmp_path / "x.zip").exists()
    assert len(team.ok("evidence", "GT-9", "--json", user="ana").json()) == 1


def test_non_member_does_not_see_the_case_in_lists(team: Env) -> None:
    assert team.ok("case", "list", "--json", user="beto").json() == []
    assert [c["ref"] for c in team.ok("case", "list", "--json", user="ana").json()] == ["GT-9"]


def test_roles_in_a_case(team: Env, tmp_path: Path) -> None:
    team.ok("case", "grant", "GT-9", "fiscal", "--role", "prosecutor", user="ana")
    team.ok("case", "grant", "GT-9", "audi", "--role", "auditor", user="ana")
    team.ok("case", "grant", "GT-9", "ana2", "--role", "analyst", user="ana")
    new = write_files(tmp_path / "n", {"c.txt": "c"}) / "c.txt"
    # prosecutor: reads and exports, cannot add
    team.ok("evidence", "GT-9", user="fiscal")
    team.ok("export", "GT-9", "--out", str(tmp_path / "f.zip"), user="fiscal")
    assert team.run("add", "GT-9", str(new), user="fiscal").code == 3
    # auditor: ledger and verification only, no evidence content
    team.ok("log", "GT-9", user="audi")
    team.ok("verify", "GT-9", user="audi")
    assert team.run("evidence", "GT-9", user="audi").code == 3
    assert team.run("export", "GT-9", "--out", str(tmp_path / "a.zip"), user="audi").code == 3
    # analyst: adds, cannot export or manage
    team.ok("add", "GT-9", str(new), user="ana2")
    assert team.run("export", "GT-9", "--out", str(tmp_path / "b.zip"), user="ana2").code == 3
    assert team.run("case", "grant", "GT-9", "beto", "--role", "analyst", user="ana2").code == 3


def test_revoke_takes_access_away(team: Env) -> None:
    team.ok("case", "grant", "GT-9", "beto", "--role", "investigator", user="ana")
    team.ok("evidence", "GT-9", user="beto")
    team.ok("case", "revoke", "GT-9", "beto", user="ana")
    assert team.run("evidence", "GT-9", user="beto").code == 3
    log = team.ok("log", "GT-9", "--json", user="ana").jsonl()
    assert [e["action"] for e in log if e["subject"] == "user:beto"] == ["case.grant",
                                                                         "case.revoke"]


def test_the_last_lead_cannot_be_removed(team: Env) -> None:
    res = team.run("case", "revoke", "GT-9", "ana", user="ana")
    assert res.code == 2 and "ana" in res.err


def test_admin_manages_membership_but_does_not_read(team: Env) -> None:
    assert team.run("evidence", "GT-9").code == 3  # inv.admin is not a member
    team.ok("case", "grant", "GT-9", "beto", "--role", "analyst")
    team.ok("evidence", "GT-9", user="beto")


def test_unknown_and_disabled_users(team: Env) -> None:
    res = team.run("case", "list", user="nadie")
    assert res.code == 3 and "nadie" in res.err
    team.ok("user", "disable", "ana")
    assert team.run("evidence", "GT-9", user="ana").code == 3
    team.ok("user", "enable", "ana")
    team.ok("evidence", "GT-9", user="ana")
    system = team.ok("log", "--system", "--json").jsonl()
    assert any(e["action"] == "access.denied" and e["actor"] == "nadie" for e in system)


def test_only_admins_manage_users_and_only_investigators_open_cases(team: Env) -> None:
    assert team.run("user", "add", "x", "--role", "admin", user="ana").code == 3
    assert team.run("case", "new", "GT-10", "--title", "t", "--country", "GT",
                    user="fiscal").code == 3
    assert team.run("log", "--system", user="ana").code == 3


def test_unknown_case_is_not_found_and_recorded(team: Env) -> None:
    res = team.run("evidence", "NOPE-1", user="ana")
    assert res.code == 3 and "NOPE-1" in res.err
    system = team.ok("log", "--system", "--json").jsonl()
    assert any(e["action"] == "access.denied" and e["subject"] == "case:NOPE-1" for e in system)
