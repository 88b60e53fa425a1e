"""`sabueso add`: hashes, provenance, folders, duplicates, bad paths."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from conftest import Env, write_files
from sabueso.demo.build import png


@pytest.fixture
def case(env: Env) -> Env:
    env.new_case()
    return env


def test_hashes_types_and_vault(case: Env, tmp_path: Path) -> None:
    files = {"foto.png": png(20, 10, 1), "doc.pdf": b"%PDF-1.4\n%...\n", "notas.txt": "hola",
             "datos.csv": "a;b\n1;2\n", "vacio.bin": b""}
    src = write_files(tmp_path / "s", files)
    case.ok("add", "GT-1", *[str(src / n) for n in files])
    items = {i["name"]: i for i in case.ok("evidence", "GT-1", "--json").json()}
    for name, content in files.items():
        raw = content.encode() if isinstance(content, str) else content
        item = items[name]
        assert item["sha256"] == hashlib.sha256(raw).hexdigest()
        assert item["sha1"] == hashlib.sha1(raw).hexdigest()
        assert item["md5"] == hashlib.md5(raw).hexdigest()
        assert item["size"] == len(raw) and item["original_path"] == str(src / name)
        digest = item["sha256"]
        blob = case.home / "vault/sha256" / digest[:2] / digest[2:4] / digest
        assert blob.read_bytes() == raw
        assert stat.S_IMODE(blob.stat().st_mode) & 0o222 == 0
    assert items["foto.png"]["media_type"] == "image/png"
    assert items["doc.pdf"]["media_type"] == "application/pdf"
    assert items["notas.txt"]["media_type"] == "text/plain"
    assert items["datos.csv"]["media_type"] == "text/csv"


def test_acquisition_time_source_and_note(case: Env, tmp_path: Path) -> None:
    a = write_files(tmp_path, {"a.txt": "a", "b.txt": "b"})
    case.ok("add", "GT-1", str(a / "a.txt"), "--acquired-at", "2026-11-02T09:15",
            "--source", "USB", "--note", "acta 4")
    case.ok("add", "GT-1", str(a / "b.txt"), "--acquired-at", "2026-11-02T09:15:00+00:00")
    items = {i["name"]: i for i in case.ok("evidence", "GT-1", "--json").json()}
    assert items["a.txt"]["acquired_at"] == "2026-11-02T15:15:00.000000Z"  # Guatemala is -06:00
    assert items["b.txt"]["acquired_at"] == "2026-11-02T09:15:00.000000Z"
    assert (items["a.txt"]["source"], items["a.txt"]["note"]) == ("USB", "acta 4")
    assert items["a.txt"]["added_by"] == "inv.admin"
    res = case.run("add", "GT-1", str(a / "a.txt"), "--acquired-at", "ayer")
    assert res.code == 2 and "--acquired-at" in res.err


def test_folders_become_a_tree_and_empty_folders_count(case: Env, tmp_path: Path) -> None:
    src = write_files(tmp_path / "usb", {"a/b/c.txt": "c", "d.txt": "d"})
    (src / "vacia").mkdir()
    case.ok("add", "GT-1", str(src))
    items = {i["name"]: i for i in case.ok("evidence", "GT-1", "--json").json()}
    assert items["usb"]["kind"] == "folder" and items["usb"]["parent"] is None
    assert items["c.txt"]["parent"] == items["b"]["id"] and items["c.txt"]["depth"] == 3
    assert items["vacia"]["kind"] == "folder" and items["vacia"]["parent"] == items["usb"]["id"]


def test_same_content_twice_shares_one_blob(case: Env, tmp_path: Path) -> None:
    src = write_files(tmp_path, {"x/a.txt": "igual", "y/b.txt": "igual"})
    doc = case.ok("add", "GT-1", str(src / "x/a.txt"), str(src / "y/b.txt"), "--json").json()
    first, second = doc["added"]
    assert first["sha256"] == second["sha256"] and second["same_content_as"] == first["id"]
    blobs = list((case.home / "vault/sha256").rglob("*"))
    assert len([b for b in blobs if b.is_file()]) == 1


def test_duplicate_add_is_refused_and_partial_duplicates_are_listed(case: Env,
                                                                     tmp_path: Path) -> None:
    src = write_files(tmp_path / "f", {"a.txt": "a"})
    case.ok("add", "GT-1", str(src / "a.txt"))
    res = case.run("add", "GT-1", str(src / "a.txt"))
    assert res.code == 2 and "E-1" in res.err
    case.ok("add", "GT-1", str(src))
    (src / "b.txt").write_text("b")
    doc = case.ok("add", "GT-1", str(src), "--json").json()
    assert [i["name"] for i in doc["added"]] == ["b.txt"]
    assert [d["path"] for d in doc["already"]] == [str(src / "a.txt")]
    assert len(case.ok("evidence", "GT-1", "--json").json()) == 4  # a, folder, a again, b


def test_missing_and_unreadable_paths_add_nothing(case: Env, tmp_path: Path) -> None:
    ok = write_files(tmp_path, {"ok.txt": "ok"}) / "ok.txt"
    res = case.run("add", "GT-1", str(ok), str(tmp_path / "no-existe.txt"))
    assert res.code == 3 and "no-existe.txt" in res.err
    assert case.ok("evidence", "GT-1", "--json").json() == []
    if os.geteuid() != 0:  # root reads anything
        locked = write_files(tmp_path / "d", {"secret.txt": "s"}) / "secret.txt"
        locked.chmod(0)
        res = case.run("add", "GT-1", str(tmp_path / "d"))
        assert res.code == 2 and "secret.txt" in res.err
        assert case.ok("evidence", "GT-1", "--json").json() == []


def test_links_inside_folders_are_skipped_and_reported(case: Env, tmp_path: Path) -> None:
    src = write_files(tmp_path / "s", {"real.txt": "r"})
    os.symlink("/etc/passwd", src / "enlace")
    doc = case.ok("add", "GT-1", str(src), "--json").json()
    assert doc["skipped"] == [{"path": str(src / "enlace"), "reason": "link"}]
    assert {i["name"] for i in doc["added"]} == {"s", "real.txt"}


def test_unknown_case_and_nothing_to_add(case: Env, tmp_path: Path) -> None:
    f = write_files(tmp_path, {"a.txt": "a"}) / "a.txt"
    assert case.run("add", "NOPE", str(f)).code == 3
    assert case.run("add", "GT-1").code == 2
