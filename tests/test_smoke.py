from pathlib import Path

from conftest import Env, write_files


def test_add_and_verify_roundtrip(env: Env, tmp_path: Path) -> None:
    env.ok("init")
    env.new_case()
    src = write_files(tmp_path / "src", {"a.txt": "hola", "sub/b.bin": b"\x00\x01\x02"})
    res = env.ok("add", "GT-1", str(src), "--json")
    doc = res.json()
    assert [i["kind"] for i in doc["added"]] == ["folder", "folder", "file", "file"]
    items = env.ok("evidence", "GT-1", "--json").json()
    assert len(items) == 4
    assert env.run("verify", "GT-1").code == 0
