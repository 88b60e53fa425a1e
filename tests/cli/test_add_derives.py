"""``sabueso add`` derives identifiers from the new evidence right after committing it."""

from __future__ import annotations

from pathlib import Path

from conftest import Env, write_files


def test_add_indexes_new_text_evidence(env: Env, tmp_path: Path) -> None:
    env.new_case("GT-1")
    folder = write_files(tmp_path / "in", {
        "chat.txt": "Pedidos al 5512-3456 o ventas[at]colibri.example.com\n",
        "foto.png": b"\x89PNG\r\n\x1a\n" + bytes(64),
    })
    added = env.ok("add", "GT-1", str(folder), "--json").json()
    derived = added["derived"]
    assert derived["items"] == 1 and derived["skipped"] >= 1 and derived["failed"] == []
    rows = env.ok("entities", "GT-1", "--json").json()
    entities = rows["entities"] if isinstance(rows, dict) else rows
    values = {(e["type"], e["value"]) for e in entities}
    assert ("phone", "+50255123456") in values
    assert ("email", "ventas@colibri.example.com") in values
    # A second add of the same folder adds nothing and derives nothing new.
    again = env.run("add", "GT-1", str(folder), "--json")
    assert again.code == 2
    assert env.run("verify", "GT-1").code == 0


def test_no_derive_leaves_items_pending_until_reindex_pending(env: Env, tmp_path: Path) -> None:
    env.new_case("GT-1")
    first = write_files(tmp_path / "a", {"uno.txt": "llamar al 5512-3456\n"})
    second = write_files(tmp_path / "b", {"dos.txt": "o al 4123-9876\n"})
    env.ok("add", "GT-1", str(first))  # derived at once
    added = env.ok("add", "GT-1", str(second), "--no-derive", "--json").json()
    assert added["derived"] is None and len(added["added"]) == 2  # folder and file
    doc = env.ok("entities", "GT-1", "--json").json()
    assert doc["index"]["pending_items"] == 1 and doc["index"]["current"] is False
    assert {e["value"] for e in doc["entities"]} == {"+50255123456"}
    shown = env.ok("entities", "GT-1")
    assert "--pending" in shown.err
    before = env.ok("log", "GT-1", "--json").jsonl()
    done = env.ok("reindex", "GT-1", "--pending", "--json").json()
    assert done["kind"] == "derive" and done["items"] == 1 and done["entities"] == 2
    after = env.ok("log", "GT-1", "--json").jsonl()
    actions = [e["action"] for e in after[len(before):]]
    assert "derive.reset" not in actions and actions.count("derive.item") == 1
    doc = env.ok("entities", "GT-1", "--json").json()
    assert doc["index"]["current"] is True
    assert {e["value"] for e in doc["entities"]} == {"+50255123456", "+50241239876"}
    # nothing left: a second run reads nothing
    assert env.ok("reindex", "GT-1", "--pending", "--json").json()["items"] == 0
