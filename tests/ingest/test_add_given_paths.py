"""`sabueso add`: how the paths given on the command line are taken.

* a link given explicitly is followed for its content, but the item keeps the name and path
  as given, and the evidence entry in the ledger records where the link led;
* a path given twice, a file or folder inside a folder also given, is added once and the
  redundant argument is reported as skipped (not an error);
* an unexpected failure reading one file fails that file only;
* names that are not valid UTF-8 are added and listed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

from conftest import Env, write_files
from sabueso.ingest.intake import IntakeOptions, add_paths
from sabueso.store.vault import Vault


@pytest.fixture
def case(env: Env) -> Env:
    env.new_case()
    return env


def listing(env: Env) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = env.ok("evidence", "GT-1", "--json").json()
    return result


def added_entries(env: Env) -> list[dict[str, Any]]:
    return [e for e in env.ok("log", "GT-1", "--json").jsonl() if e["action"] == "evidence.add"]


# --- 1. a link given explicitly ----------------------------------------------------------------

def test_explicit_link_keeps_the_given_name_and_records_its_target(case: Env,
                                                                   tmp_path: Path) -> None:
    real = write_files(tmp_path / "x", {"real.txt": "contenido real"}) / "real.txt"
    (tmp_path / "w").mkdir()
    link = tmp_path / "w" / "link.txt"
    os.symlink(real, link)
    doc = case.ok("add", "GT-1", str(link), "--json").json()
    assert [(a["name"], a["original_path"]) for a in doc["added"]] == [("link.txt", str(link))]
    assert doc["added"][0]["link_target"] == str(real)
    [item] = listing(case)
    assert (item["name"], item["original_path"]) == ("link.txt", str(link))
    assert item["sha256"] == hashlib.sha256(b"contenido real").hexdigest()
    [entry] = added_entries(case)
    assert entry["details"]["original_path"] == str(link)
    assert entry["details"]["link_target"] == str(real)
    assert case.run("verify", "GT-1").code == 0


def test_explicit_link_to_a_folder_walks_it_under_the_given_name(case: Env,
                                                                 tmp_path: Path) -> None:
    target = write_files(tmp_path / "real_dir", {"a.txt": "a", "sub/b.txt": "b"})
    link = tmp_path / "usb"
    os.symlink(target, link)
    case.ok("add", "GT-1", str(link))
    paths = {i["original_path"] for i in listing(case)}
    assert paths == {str(link), str(link / "a.txt"), str(link / "sub"), str(link / "sub/b.txt")}
    entries = {e["details"]["original_path"]: e["details"] for e in added_entries(case)}
    assert entries[str(link)]["link_target"] == str(target)
    assert "link_target" not in entries[str(link / "a.txt")]


def test_plain_paths_record_no_link_target(case: Env, tmp_path: Path) -> None:
    f = write_files(tmp_path, {"a.txt": "a"}) / "a.txt"
    doc = case.ok("add", "GT-1", str(f), "--json").json()
    assert doc["added"][0]["link_target"] is None
    assert "link_target" not in added_entries(case)[0]["details"]


def test_links_inside_a_folder_are_still_skipped(case: Env, tmp_path: Path) -> None:
    real = write_files(tmp_path / "x", {"real.txt": "r"}) / "real.txt"
    root = write_files(tmp_path / "usb", {"a.txt": "a"})
    os.symlink(real, root / "link.txt")
    doc = case.ok("add", "GT-1", str(root), "--json").json()
    assert doc["skipped"] == [{"path": str(root / "link.txt"), "reason": "link"}]
    assert {i["name"] for i in listing(case)} == {"usb", "a.txt"}


# --- 2. the same file reached twice ------------------------------------------------------------

def test_file_and_its_folder_add_the_file_once(case: Env, tmp_path: Path) -> None:
    root = write_files(tmp_path / "dir", {"a.txt": "a", "b.txt": "b"})
    res = case.ok("add", "GT-1", str(root), str(root / "a.txt"), "--json")
    doc = res.json()
    assert sorted(a["original_path"] for a in doc["added"]) == sorted(
        [str(root), str(root / "a.txt"), str(root / "b.txt")])
    assert doc["skipped"] == [{"path": str(root / "a.txt"), "reason": "covered"}]
    items = listing(case)
    assert len(items) == 3
    a = next(i for i in items if i["name"] == "a.txt")
    assert a["parent"] == next(i["id"] for i in items if i["name"] == "dir")


def test_file_before_its_folder_is_also_added_once(case: Env, tmp_path: Path) -> None:
    root = write_files(tmp_path / "dir", {"a.txt": "a"})
    res = case.ok("add", "GT-1", str(root / "a.txt"), str(root))
    assert len(listing(case)) == 2
    err = "".join(res.err.split())
    assert str(root / "a.txt") in err and "insideafolderalsogiven" in err  # reported


def test_subfolder_and_folder_add_each_file_once(case: Env, tmp_path: Path) -> None:
    root = write_files(tmp_path / "dir", {"sub/a.txt": "a", "b.txt": "b"})
    doc = case.ok("add", "GT-1", str(root / "sub"), str(root), "--json").json()
    assert doc["skipped"] == [{"path": str(root / "sub"), "reason": "covered"}]
    assert sorted(i["original_path"] for i in listing(case)) == sorted(
        [str(root), str(root / "sub"), str(root / "sub/a.txt"), str(root / "b.txt")])


def test_same_path_twice_is_added_once_and_reported(case: Env, tmp_path: Path) -> None:
    f = write_files(tmp_path, {"a.txt": "a"}) / "a.txt"
    doc = case.ok("add", "GT-1", str(f), str(f), "--json").json()
    assert len(doc["added"]) == 1
    assert doc["skipped"] == [{"path": str(f), "reason": "repeated"}]


def test_link_and_its_target_are_one_file_kept_under_the_first_name(case: Env,
                                                                    tmp_path: Path) -> None:
    real = write_files(tmp_path / "x", {"real.txt": "r"}) / "real.txt"
    link = tmp_path / "link.txt"
    os.symlink(real, link)
    doc = case.ok("add", "GT-1", str(link), str(real), "--json").json()
    assert [a["original_path"] for a in doc["added"]] == [str(link)]
    assert doc["skipped"] == [{"path": str(real), "reason": "repeated"}]


def test_link_into_a_folder_given_too_is_covered(case: Env, tmp_path: Path) -> None:
    root = write_files(tmp_path / "dir", {"a.txt": "a"})
    link = tmp_path / "alias.txt"
    os.symlink(root / "a.txt", link)
    doc = case.ok("add", "GT-1", str(root), str(link), "--json").json()
    assert doc["skipped"] == [{"path": str(link), "reason": "covered"}]
    assert len(listing(case)) == 2


# --- 4. an unexpected failure on one file ------------------------------------------------------

def _failing_store(monkeypatch: pytest.MonkeyPatch, victim: Path, exc: BaseException) -> None:
    real_store = Vault.store_file

    def store_file(self: Vault, path: Path, *args: Any, **kwargs: Any) -> Any:
        if Path(path) == victim:
            raise exc
        return real_store(self, path, *args, **kwargs)

    monkeypatch.setattr(Vault, "store_file", store_file)


@pytest.mark.parametrize("exc", [ValueError("bad value"), UnicodeDecodeError(
    "utf-8", b"\xff", 0, 1, "invalid start byte"), RuntimeError("library broke")])
def test_unexpected_error_on_one_file_fails_that_file_only(case: Env, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           exc: Exception) -> None:
    root = write_files(tmp_path / "usb", {"a.txt": "a", "b.txt": "b", "c.txt": "c"})
    _failing_store(monkeypatch, root / "b.txt", exc)
    res = case.run("add", "GT-1", str(root), "--json")
    assert res.code == 2, res.err
    doc = res.json()
    assert [(f["path"], f["error"]) for f in doc["failed"]] == [
        (str(root / "b.txt"), "error.intake_unexpected")]
    assert type(exc).__name__ in doc["failed"][0]["message"]
    assert str(root / "b.txt") in doc["failed"][0]["message"]
    assert {i["name"] for i in listing(case)} == {"usb", "a.txt", "c.txt"}
    human = case.run("add", "GT-1", str(root))
    assert human.code == 2 and "b.txt" in human.err and type(exc).__name__ in human.err
    monkeypatch.undo()
    case.ok("add", "GT-1", str(root))  # the same add, once the file reads, completes
    assert {i["name"] for i in listing(case)} == {"usb", "a.txt", "b.txt", "c.txt"}


@pytest.mark.parametrize("exc", [KeyboardInterrupt(), MemoryError(), SystemExit(9)])
def test_interrupts_and_memory_errors_still_propagate(case: Env, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      exc: BaseException) -> None:
    root = write_files(tmp_path / "usb", {"a.txt": "a", "b.txt": "b"})
    _failing_store(monkeypatch, root / "b.txt", exc)
    with pytest.raises(type(exc)):
        add_paths(case.workspace(), "GT-1", [root], IntakeOptions())


# --- names that are not UTF-8 --------------------------------------------------------------------

def test_non_utf8_names_are_added_and_listed(case: Env, tmp_path: Path) -> None:
    base = os.fsencode(tmp_path / "usb")
    os.makedirs(base + b"/carpeta\xf1")
    for name in (b"/a\xe9.txt", b"/carpeta\xf1/b\xff\xfe.txt"):
        with open(base + name, "wb") as fh:
            fh.write(b"contenido " + name)
    single = os.fsdecode(base + b"/a\xe9.txt")
    case.ok("add", "GT-1", os.fsdecode(base), single)  # the file also given: covered
    items = listing(case)
    names = sorted(i["name"] for i in items)
    assert names == ["a\\xe9.txt", "b\\xff\\xfe.txt", "carpeta\\xf1", "usb"]
    human = case.ok("evidence", "GT-1")
    assert "carpeta" in human.out
    assert case.run("verify", "GT-1").code == 0
