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
