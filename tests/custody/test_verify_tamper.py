"""`sabueso verify` catches each kind of tampering and names it precisely (SQLite, PostgreSQL)."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from conftest import Env, write_files


@pytest.fixture
def case(env: Env, tmp_path: Path) -> Env:
    env.new_case()
    # a PNG signature and NULs: random bytes alone are sometimes read as Windows-1252 text
    photo = b"\x89PNG\r\n\x1a\n" + bytes(16) + os.urandom(5000)
    src = write_files(tmp_path / "src", {"chat.txt": "hola mundo", "foto.bin": photo,
                                         "notas/nota.txt": "nota secreta"})
    env.ok("add", "GT-1", str(src))
    assert env.run("verify", "GT-1").code == 0
    return env


def items(env: Env) -> dict[str, dict[str, Any]]:
    return {i["name"]: i for i in env.ok("evidence", "GT-1", "--json").json()}


def findings(env: Env) -> list[dict[str, Any]]:
    res = env.run("verify", "GT-1", "--json")
    assert res.code == 1, res.out + res.err
    doc = res.json()
    assert doc["ok"] is False
    return [f for c in doc["chains"] for f in c["findings"]]


def blob_path(env: Env, sha256: str) -> Path:
    return env.home / "vault" / "sha256" / sha256[:2] / sha256[2:4] / sha256


def unguard(env: Env) -> None:
    """What an attacker with database access does first: drop the append-only guard."""
    with env.engine().begin() as conn:
        if env.backend == "sqlite":
            conn.execute(text("DROP TRIGGER ledger_no_update"))
            conn.execute(text("DROP TRIGGER ledger_no_delete"))
        else:
            conn.execute(text("ALTER TABLE ledger DISABLE TRIGGER ledger_append_only"))


def sql(env: Env, statement: str, **params: Any) -> Any:
    with env.engine().begin() as conn:
        return conn.execute(text(statement), params)


def ledger_seq(env: Env, action: str, subject: str) -> int:
    with env.engine().connect() as conn:
        return int(conn.execute(text(
            "SELECT seq FROM ledger WHERE chain='case:GT-1' AND action=:a AND subject=:s"),
            {"a": action, "s": subject}).scalar_one())


def test_ledger_refuses_update_and_delete(case: Env) -> None:
    for statement in ("UPDATE ledger SET actor='x'", "DELETE FROM ledger"):
        with pytest.raises(DBAPIError, match="append-only"):
            sql(case, statement)


def test_modified_blob_is_named(case: Env) -> None:
    item = items(case)["chat.txt"]
    blob = blob_path(case, item["sha256"])
    assert not os.access(blob, os.W_OK) or os.geteuid() == 0
    assert stat.S_IMODE(blob.stat().st_mode) & 0o222 == 0  # stored read-only
    blob.chmod(0o644)
    blob.write_bytes(b"hola mundo!")
    found = findings(case)
    assert [(f["kind"], f["subject"]) for f in found] == [("blob_modified", item["id"])]
    assert item["sha256"] in found[0]["message"] and item["id"] in found[0]["message"]
    human = case.run("verify", "GT-1")
    assert human.code == 1 and item["id"] in human.out and "modified" in human.out


def test_missing_blob_is_named(case: Env) -> None:
    item = items(case)["foto.bin"]
    blob = blob_path(case, item["sha256"])
    blob.unlink()
    assert [(f["kind"], f["subject"]) for f in findings(case)] == [("blob_missing", item["id"])]


def test_edited_ledger_row_is_named(case: Env) -> None:
    item = items(case)["chat.txt"]
    seq = ledger_seq(case, "evidence.add", f"item:{item['id']}")
    unguard(case)
    sql(case, "UPDATE ledger SET actor='someone.else' WHERE chain='case:GT-1' AND seq=:s", s=seq)
    found = findings(case)
    assert [(f["kind"], f["params"]["seq"]) for f in found] == [
        ("ledger_altered", seq), ("item_mismatch", seq)]  # the entry, and the item it vouches for
    assert f"#{seq}" in found[0]["message"]
    assert found[1]["params"]["field"] == "added_by"


def test_deleted_ledger_row_is_named(case: Env) -> None:
    item = items(case)["notas"]
    seq = ledger_seq(case, "evidence.add", f"item:{item['id']}")
    unguard(case)
    sql(case, "DELETE FROM ledger WHERE chain='case:GT-1' AND seq=:s", s=seq)
    found = findings(case)
    kinds = {(f["kind"], f["params"].get("seq")) for f in found}
    assert ("ledger_missing", seq) in kinds
    # the item whose intake record vanished is named too
    assert ("item_unrecorded", None) in {(f["kind"], f["params"].get("seq")) for f in found}
    assert item["id"] in {f["subject"] for f in found if f["kind"] == "item_unrecorded"}


def test_swapped_ledger_rows_are_named(case: Env) -> None:
    a = ledger_seq(case, "evidence.add", f"item:{items(case)['chat.txt']['id']}")
    b = ledger_seq(case, "evidence.add", f"item:{items(case)['foto.bin']['id']}")
    unguard(case)
    sql(case, "UPDATE ledger SET seq=-1 WHERE chain='case:GT-1' AND seq=:a", a=a)
    sql(case, "UPDATE ledger SET seq=:a WHERE chain='case:GT-1' AND seq=:b", a=a, b=b)
    sql(case, "UPDATE ledger SET seq=:b WHERE chain='case:GT-1' AND seq=-1", b=b)
    found = findings(case)
    moved = {(f["params"]["seq"], f["params"]["belongs_at"]) for f in found
             if f["kind"] == "ledger_reordered"}
    assert moved == {(a, b), (b, a)}


def test_removed_last_entries_are_named(case: Env) -> None:
    with case.engine().connect() as conn:
        last = int(conn.execute(text("SELECT max(seq) FROM ledger WHERE chain='case:GT-1'"))
                   .scalar_one())
    unguard(case)
    sql(case, "DELETE FROM ledger WHERE chain='case:GT-1' AND seq >= :s", s=last - 1)
    found = findings(case)
    assert ("ledger_truncated", last) in {(f["kind"], f["params"]["seq"]) for f in found}


def test_rewritten_database_record_is_caught_against_the_ledger(case: Env) -> None:
    """An attacker replaces a blob and updates the items/blobs rows to match: the ledger's
    intake record still holds the original hashes."""
    import hashlib

    item = items(case)["chat.txt"]
    forged = b"texto cambiado"
    digest = hashlib.sha256(forged).hexdigest()
    target = case.home / "vault" / "sha256" / digest[:2] / digest[2:4] / digest
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(forged)
    sql(case, "INSERT INTO blobs (sha256, sha1, md5, size, media_type, stored_at) "
              "SELECT :d, sha1, md5, size, media_type, stored_at FROM blobs WHERE sha256=:o",
        d=digest, o=item["sha256"])
    sql(case, "UPDATE items SET blob_sha256=:d WHERE no=:n", d=digest, n=item["no"])
    found = findings(case)
    assert ("item_mismatch", item["id"], "sha256") in {
        (f["kind"], f["subject"], f["params"].get("field")) for f in found}


def test_item_row_deleted_or_inserted_outside_sabueso(case: Env) -> None:
    item = items(case)["foto.bin"]
    # Derived rows point at the item: a tamperer removes them first.
    for table in ("search_chunks", "mentions", "records", "item_derivations"):
        sql(case, f"DELETE FROM {table} WHERE item_id IN "
                  "(SELECT id FROM items WHERE no=:n)", n=item["no"])
    sql(case, "DELETE FROM items WHERE no=:n", n=item["no"])
    sql(case, "INSERT INTO items (case_id, no, kind, name, original_path, acquired_at, "
              "added_at, added_by, identity) SELECT case_id, 99, 'folder', 'planted', '/x', "
              "acquired_at, added_at, added_by, 'f' FROM items LIMIT 1")
    found = {(f["kind"], f["subject"]) for f in findings(case)}
    assert ("item_removed", item["id"]) in found
    assert ("item_unrecorded", "E-99") in found


def test_verify_without_ref_covers_every_accessible_case_and_records_itself(case: Env) -> None:
    res = case.ok("verify", "--json")
    chains = {c["chain"] for c in res.json()["chains"]}
    assert chains == {"case:GT-1", "system"}  # the acting user is the administrator
    log = case.ok("log", "GT-1", "--json").jsonl()
    assert any(e["action"] == "verify" and e["details"]["ok"] for e in log)


def test_case_fields_and_membership_changed_in_the_database(case: Env) -> None:
    case.ok("user", "add", "intruso", "--role", "analyst")
    sql(case, "UPDATE cases SET title='otro', tz='UTC' WHERE ref='GT-1'")
    sql(case, "INSERT INTO memberships (case_id, user_id, role, granted_at, granted_by) "
              "SELECT c.id, u.id, 'lead', c.created_at, 'x' FROM cases c, users u "
              "WHERE c.ref='GT-1' AND u.name='intruso'")
    found = {(f["kind"], f["subject"], f["params"].get("field")) for f in findings(case)}
    assert ("case_mismatch", "case:GT-1", "title") in found
    assert ("case_mismatch", "case:GT-1", "tz") in found
    assert ("member_unrecorded", "user:intruso", None) in found


def test_user_role_escalated_in_the_database(case: Env) -> None:
    case.ok("user", "add", "agente", "--role", "analyst")
    sql(case, "UPDATE users SET role='admin' WHERE name='agente'")
    res = case.run("verify", "--json")
    assert res.code == 1
    found = {(f["kind"], f["subject"], f["params"].get("field"))
             for c in res.json()["chains"] for f in c["findings"]}
    assert found == {("user_mismatch", "user:agente", "role")}


def test_item_metadata_changed_in_the_database(case: Env) -> None:
    item = items(case)["chat.txt"]
    sql(case, "UPDATE items SET source='otra fuente', original_path='/otro' WHERE no=:n",
        n=item["no"])
    found = {(f["kind"], f["subject"], f["params"].get("field")) for f in findings(case)}
    assert found == {("item_mismatch", item["id"], "source"),
                     ("item_mismatch", item["id"], "original_path")}
