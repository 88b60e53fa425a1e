"""Evidence intake through ``sabueso add``: files and folders become items with their hashes,
media type and provenance; the vault keeps one read-only copy per content; duplicates, bad
paths and closed cases add nothing.

Run on SQLite and, with SABUESO_TEST_DATABASE_URL set, on PostgreSQL (the ``env`` fixture).
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import stat
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest

from conftest import Env, write_files


def png_bytes(width: int, height: int) -> bytes:
    """A real, decodable RGB PNG (signature, IHDR, IDAT, IEND with their CRCs)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + bytes(v for x in range(width) for v in (x * 7 % 256, y * 9, 90))
                    for y in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.fixture
def case(env: Env) -> Env:
    env.new_case()  # country GT: time zone America/Guatemala (-06:00, no DST)
    return env


def listing(env: Env, ref: str = "GT-1") -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = env.ok("evidence", ref, "--json").json()
    return result


def by_path(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {i["original_path"]: i for i in items}


def ledger(env: Env, action: str) -> list[dict[str, Any]]:
    return [e for e in env.ok("log", "GT-1", "--json").jsonl() if e["action"] == action]


def blob_path(env: Env, sha256: str) -> Path:
    return env.home / "vault" / "sha256" / sha256[:2] / sha256[2:4] / sha256


def vault_files(env: Env) -> list[Path]:
    return sorted(p for p in (env.home / "vault" / "sha256").rglob("*") if p.is_file())


def squash(text: str) -> str:
    return "".join(text.split())


# --- files, folders and the tree --------------------------------------------------------------

def test_folder_becomes_a_tree_of_items(case: Env, tmp_path: Path) -> None:
    root = write_files(tmp_path / "allanamiento", {
        "acta.txt": "acta", "docs/informe.txt": "informe", "docs/fotos/f1.bin": b"\x01\x02",
        "docs/fotos/f2.bin": b"\x03"})
    (root / "vacia").mkdir()
    (root / "docs" / "sin_nada" / "tampoco").mkdir(parents=True)
    res = case.ok("add", "GT-1", str(root), "--json").json()
    assert res["failed"] == [] and res["skipped"] == [] and res["already"] == []
    items = listing(case)
    assert len(items) == len(res["added"]) == 10  # 6 folders, 4 files
    assert len({i["id"] for i in items}) == 10
    got = by_path(items)
    folders = {root, root / "docs", root / "docs/fotos", root / "vacia",
               root / "docs/sin_nada", root / "docs/sin_nada/tampoco"}
    files = {root / "acta.txt", root / "docs/informe.txt", root / "docs/fotos/f1.bin",
             root / "docs/fotos/f2.bin"}
    assert set(got) == {str(p) for p in folders | files}
    for path in folders | files:
        item = got[str(path)]
        assert Path(item["original_path"]).is_absolute()
        assert item["name"] == path.name
        assert item["kind"] == ("folder" if path in folders else "file")
        assert item["depth"] == len(path.relative_to(root).parts)
        if path == root:
            assert item["parent"] is None
        else:
            assert item["parent"] == got[str(path.parent)]["id"]
        if path in folders:
            assert (item["sha256"], item["size"], item["media_type"]) == (None, None, None)
    # tree order: every item comes after its parent
    position = {i["id"]: n for n, i in enumerate(items)}
    assert all(position[i["parent"]] < position[i["id"]] for i in items if i["parent"])
    assert case.run("verify", "GT-1").code == 0


def test_empty_folder_becomes_a_folder_item(case: Env, tmp_path: Path) -> None:
    (tmp_path / "vacia").mkdir()
    doc = case.ok("add", "GT-1", str(tmp_path / "vacia"), "--json").json()
    assert [(a["kind"], a["name"], a["original_path"]) for a in doc["added"]] == [
        ("folder", "vacia", str(tmp_path / "vacia"))]
    [item] = listing(case)
    assert item["kind"] == "folder" and item["sha256"] is None
    assert vault_files(case) == []
    assert case.run("verify", "GT-1").code == 0


def test_hashes_sizes_and_vault_copies(case: Env, tmp_path: Path) -> None:
    rng = random.Random(2026)
    contents = {
        "vacio.bin": b"",
        "uno.bin": b"\x00",
        "texto.txt": "ñandú, acentos y 🙂\n".encode(),
        "mediano.bin": rng.randbytes((1 << 20) + 1),  # crosses a copy-chunk boundary
        "grande.bin": rng.randbytes(9 << 20),  # large enough for MD5 on a helper thread
    }
    write_files(tmp_path / "in", dict(contents))
    paths = [str(tmp_path / "in" / n) for n in contents]
    case.ok("add", "GT-1", *paths)
    items = by_path(listing(case))
    logged = {e["details"]["original_path"]: e["details"] for e in ledger(case, "evidence.add")}
    for name, content in contents.items():
        item = items[str(tmp_path / "in" / name)]
        expected: dict[str, Any] = {"sha256": hashlib.sha256(content).hexdigest(),
                                    "sha1": hashlib.sha1(content).hexdigest(),
                                    "md5": hashlib.md5(content).hexdigest(),
                                    "size": len(content)}
        assert {k: item[k] for k in expected} == expected, name
        assert {k: logged[item["original_path"]][k] for k in expected} == expected, name
        blob = blob_path(case, expected["sha256"])
        assert blob.read_bytes() == content
        assert stat.S_IMODE(blob.stat().st_mode) & 0o222 == 0, oct(blob.stat().st_mode)
    assert len(vault_files(case)) == len(contents)
    assert list((case.home / "vault" / "tmp").glob("*")) == []  # no temp files left
    assert case.run("verify", "GT-1").code == 0


def test_media_types(case: Env, tmp_path: Path) -> None:
    contents: dict[str, bytes | str] = {
        "captura.png": png_bytes(16, 9),
        "denuncia.pdf": b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n",
        "chat.txt": "[12/01/26 10:01] Juan: ¿ya depositaste?\n",
        "llamadas.csv": "numero,fecha,duracion\n50255551234,2026-01-12,37\n",
        "sin_extension": "solo texto plano\n",
        "respaldo.zip": zip_bytes({"a.txt": b"a"}),
        "datos.bin": bytes(range(256)),
        "vacio.txt": b"",
    }
    write_files(tmp_path / "m", contents)
    case.ok("add", "GT-1", *[str(tmp_path / "m" / n) for n in contents])
    got = {i["name"]: i["media_type"] for i in listing(case) if i["kind"] == "file"}
    assert got == {
        "captura.png": "image/png", "denuncia.pdf": "application/pdf",
        "chat.txt": "text/plain", "llamadas.csv": "text/csv", "sin_extension": "text/plain",
        "respaldo.zip": "application/zip", "datos.bin": "application/octet-stream",
        "vacio.txt": "application/x-empty",
    }


def test_csv_type_comes_from_the_extension_and_content_still_decides(case: Env,
                                                                     tmp_path: Path) -> None:
    """A .csv that is really a PNG is a PNG; Latin-1 text in a .csv is still CSV."""
    write_files(tmp_path, {"trampa.csv": png_bytes(4, 4),
                           "latin1.csv": "año,ciudad\n2026,Quetzaltenango\n".encode("latin-1")})
    case.ok("add", "GT-1", str(tmp_path / "trampa.csv"), str(tmp_path / "latin1.csv"))
    got = {i["name"]: i["media_type"] for i in listing(case)}
    assert got == {"trampa.csv": "image/png", "latin1.csv": "text/csv"}


def test_short_signatures_do_not_turn_text_into_media(case: Env, tmp_path: Path) -> None:
    """'ID3' (MP3), 'OggS', 'fLaC' at the start of clean text named .csv/.txt are coincidence;
    with binary content after them the signature is believed, whatever the name."""
    mp3 = b"ID3\x03\x00\x00\x00\x00\x0f\x76" + bytes(range(256)) * 4
    write_files(tmp_path, {"lista.csv": "ID3,nombre,telefono\n1,Juan,5555\n",
                           "ogg.txt": "OggS es lo que dijo el testigo\n",
                           "audio.txt": mp3, "cancion.mp3": mp3 + b"\x01",
                           "PTT-0001": mp3 + b"\x02"})  # a voice note with no extension
    case.ok("add", "GT-1", *[str(tmp_path / n) for n in
                             ("lista.csv", "ogg.txt", "audio.txt", "cancion.mp3", "PTT-0001")])
    got = {i["name"]: i["media_type"] for i in listing(case)}
    assert got == {"lista.csv": "text/csv", "ogg.txt": "text/plain", "audio.txt": "audio/mpeg",
                   "cancion.mp3": "audio/mpeg", "PTT-0001": "audio/mpeg"}


def test_relative_path_is_recorded_absolute(case: Env, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    write_files(tmp_path / "trabajo", {"sub/nota.txt": "nota"})
    monkeypatch.chdir(tmp_path / "trabajo")
    case.ok("add", "GT-1", "sub/nota.txt", "./sub")
    paths = {i["original_path"] for i in listing(case)}
    assert paths == {str(tmp_path / "trabajo/sub/nota.txt"), str(tmp_path / "trabajo/sub")}


# --- provenance: source, note, acquisition time ---------------------------------------------

@pytest.mark.parametrize("given, stored", [
    ("2026-03-10T08:30", "2026-03-10T14:30:00.000000Z"),  # no offset: case zone, -06:00
    ("2026-03-10 08:30:15.5", "2026-03-10T14:30:15.500000Z"),
    ("2026-03-10", "2026-03-10T06:00:00.000000Z"),  # a date: midnight in Guatemala
    ("2026-03-10T08:30:00+02:00", "2026-03-10T06:30:00.000000Z"),
    ("2026-03-10T08:30:00-0500", "2026-03-10T13:30:00.000000Z"),
    ("2026-03-10T08:30:00Z", "2026-03-10T08:30:00.000000Z"),
    ("2026-12-31T23:30:00", "2027-01-01T05:30:00.000000Z"),  # crosses midnight and the year
])
def test_acquired_at_is_stored_in_utc(case: Env, tmp_path: Path, given: str,
                                      stored: str) -> None:
    write_files(tmp_path / "in", {"a.txt": "a", "b.txt": "b"})
    case.ok("add", "GT-1", str(tmp_path / "in"), "--acquired-at", given, "--source",
            "Teléfono Samsung IMEI 356938035643809", "--note", "Acta 14/2026, folio 3")
    items = listing(case)
    assert len(items) == 3
    for item in items:  # the folder and both files share the provenance
        assert item["acquired_at"] == stored
        assert item["source"] == "Teléfono Samsung IMEI 356938035643809"
        assert item["note"] == "Acta 14/2026, folio 3"
        assert item["added_by"] == "inv.admin"
    assert {e["details"]["acquired_at"] for e in ledger(case, "evidence.add")} == {stored}
    [start] = ledger(case, "intake.start")
    assert start["details"]["acquired_at"] == stored
    assert case.run("verify", "GT-1").code == 0


def test_acquired_at_defaults_to_now(case: Env, tmp_path: Path) -> None:
    write_files(tmp_path, {"a.txt": "a"})
    case.ok("add", "GT-1", str(tmp_path / "a.txt"))
    [item] = listing(case)
    assert item["acquired_at"] == item["added_at"]
    assert item["source"] is None and item["note"] is None


@pytest.mark.parametrize("bad", ["ayer", "2026-13-01T00:00", "10/03/2026", ""])
def test_bad_acquired_at_adds_nothing(case: Env, tmp_path: Path, bad: str) -> None:
    write_files(tmp_path, {"a.txt": "a"})
    res = case.run("add", "GT-1", str(tmp_path / "a.txt"), "--acquired-at", bad)
    if bad == "":  # an empty value is no value: the add goes ahead with "now"
        assert res.code == 0
        return
    assert res.code == 2 and "--acquired-at" in res.err
    assert listing(case) == [] and ledger(case, "intake.start") == []


def test_case_time_zone_applies_to_acquired_at(env: Env, tmp_path: Path) -> None:
    env.ok("case", "new", "ES-1", "--title", "Caso Madrid", "--country", "ES")  # Europe/Madrid
    write_files(tmp_path, {"a.txt": "a", "b.txt": "b"})
    env.ok("add", "ES-1", str(tmp_path / "a.txt"), "--acquired-at", "2026-01-15T10:00")
    env.ok("add", "ES-1", str(tmp_path / "b.txt"), "--acquired-at", "2026-07-15T10:00")
    got = {i["name"]: i["acquired_at"] for i in listing(env, "ES-1")}
    assert got == {"a.txt": "2026-01-15T09:00:00.000000Z",  # CET, +01:00
                   "b.txt": "2026-07-15T08:00:00.000000Z"}  # CEST, +02:00


# --- one blob per content ---------------------------------------------------------------------

def test_identical_content_at_two_paths_shares_one_blob(case: Env, tmp_path: Path) -> None:
    same = b"mismo contenido, dos rutas"
    write_files(tmp_path, {"usb/a.txt": same, "disco/copia/a.txt": same, "otro.txt": b"otro"})
    doc = case.ok("add", "GT-1", str(tmp_path / "usb/a.txt"),
                  str(tmp_path / "disco/copia/a.txt"), "--json").json()
    first, second = doc["added"]
    assert first["id"] != second["id"]
    assert first["sha256"] == second["sha256"] == hashlib.sha256(same).hexdigest()
    assert (first["same_content_as"], second["same_content_as"]) == (None, first["id"])
    assert vault_files(case) == [blob_path(case, first["sha256"])]
    # a third copy in a later add also points at the first item
    write_files(tmp_path, {"nube/a.txt": same})
    later = case.ok("add", "GT-1", str(tmp_path / "nube/a.txt"), "--json").json()
    assert later["added"][0]["same_content_as"] == first["id"]
    assert len(vault_files(case)) == 1
    assert len(listing(case)) == 3
    assert case.run("verify", "GT-1").code == 0


# --- duplicates ---------------------------------------------------------------------------------

def test_adding_the_same_file_again_is_refused(case: Env, tmp_path: Path) -> None:
    write_files(tmp_path, {"a.txt": "a", "b.txt": "b"})
    case.ok("add", "GT-1", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"))
    before = listing(case)
    res = case.run("add", "GT-1", str(tmp_path / "b.txt"))
    assert res.code == 2
    assert "E-2" in res.err and "E-1" not in res.err
    assert listing(case) == before
    res = case.run("add", "GT-1", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--json")
    assert res.code == 2 and "E-1" in res.err and "E-2" in res.err
    doc = res.json()
    assert doc["added"] == []
    assert doc["already"] == [{"path": str(tmp_path / "a.txt"), "id": "E-1"},
                              {"path": str(tmp_path / "b.txt"), "id": "E-2"}]
    assert listing(case) == before
    assert case.run("verify", "GT-1").code == 0


def test_adding_a_folder_again_adds_only_what_is_new(case: Env, tmp_path: Path) -> None:
    root = write_files(tmp_path / "usb", {"a.txt": "a", "sub/b.txt": "b"})
    case.ok("add", "GT-1", str(root))
    before = by_path(listing(case))
    assert len(before) == 4
    write_files(root, {"c.txt": "c", "sub/d.txt": "d", "nueva/e.txt": "e"})
    doc = case.ok("add", "GT-1", str(root), "--json").json()
    assert sorted(a["original_path"] for a in doc["added"]) == sorted(
        str(p) for p in (root / "c.txt", root / "sub/d.txt", root / "nueva",
                         root / "nueva/e.txt"))
    assert sorted((d["path"], d["id"]) for d in doc["already"]) == sorted(
        (str(p), before[str(p)]["id"]) for p in (root / "a.txt", root / "sub/b.txt"))
    after = by_path(listing(case))
    assert len(after) == 8
    for path, item in before.items():
        assert after[path] == item  # untouched
    # the new files hang from the folder items that already existed
    assert after[str(root / "c.txt")]["parent"] == before[str(root)]["id"]
    assert after[str(root / "sub/d.txt")]["parent"] == before[str(root / "sub")]["id"]
    assert after[str(root / "nueva/e.txt")]["parent"] == after[str(root / "nueva")]["id"]
    # a file whose content changed is new evidence, not a duplicate
    (root / "a.txt").write_text("a, modificado")
    doc = case.ok("add", "GT-1", str(root / "a.txt"), "--json").json()
    assert len(doc["added"]) == 1 and doc["added"][0]["id"] == "E-9"
    assert case.run("verify", "GT-1").code == 0


def test_the_same_file_under_two_folders_is_not_a_duplicate(case: Env, tmp_path: Path) -> None:
    write_files(tmp_path, {"a/x.txt": "x", "b/x.txt": "x"})
    case.ok("add", "GT-1", str(tmp_path / "a"))
    doc = case.ok("add", "GT-1", str(tmp_path / "b"), "--json").json()
    assert [a["name"] for a in doc["added"]] == ["b", "x.txt"] and doc["already"] == []


# --- paths that cannot be taken --------------------------------------------------------------

def test_missing_path_adds_nothing(case: Env, tmp_path: Path) -> None:
    write_files(tmp_path, {"ok.txt": "ok", "carpeta/b.txt": "b"})
    missing = tmp_path / "no-existe.txt"
    res = case.run("add", "GT-1", str(tmp_path / "ok.txt"), str(tmp_path / "carpeta"),
                   str(missing))
    assert res.code == 3
    assert str(missing) in squash(res.err)
    assert listing(case) == []
    assert ledger(case, "intake.start") == []  # the case was not touched at all
    assert vault_files(case) == []


def test_unreadable_file_inside_a_folder_adds_nothing(case: Env, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads files whatever their mode")
    root = write_files(tmp_path / "usb", {"a.txt": "a", "sub/secreto.txt": "s"})
    (root / "vacia").mkdir()
    (root / "sub" / "secreto.txt").chmod(0)
    try:
        res = case.run("add", "GT-1", str(root))
    finally:
        (root / "sub" / "secreto.txt").chmod(0o644)
    assert res.code == 2
    assert str(root / "sub" / "secreto.txt") in squash(res.err)
    assert listing(case) == [] and vault_files(case) == []


def test_unreadable_subfolder_adds_nothing(case: Env, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads folders whatever their mode")
    root = write_files(tmp_path / "usb", {"a.txt": "a", "cerrada/b.txt": "b"})
    (root / "cerrada").chmod(0)
    try:
        res = case.run("add", "GT-1", str(root))
    finally:
        (root / "cerrada").chmod(0o755)
    assert res.code == 2 and str(root / "cerrada") in squash(res.err)
    assert listing(case) == []


def test_file_that_fails_to_open_adds_nothing(case: Env, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The same as an unreadable file, also when the tests run as root: the operating system's
    refusal (EACCES on open) is simulated for one file."""
    root = write_files(tmp_path / "usb", {"a.txt": "a", "sub/secreto.txt": "s"})
    locked = root / "sub" / "secreto.txt"
    real_open = Path.open

    def guarded(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", guarded)
    res = case.run("add", "GT-1", str(root))
    monkeypatch.undo()
    assert res.code == 2
    assert str(locked) in squash(res.err) and "Permissiondenied" in squash(res.err)
    assert listing(case) == [] and ledger(case, "intake.start") == []


def test_links_and_special_files_inside_folders_are_skipped(case: Env, tmp_path: Path) -> None:
    outside = write_files(tmp_path / "fuera", {"privado.txt": "no es evidencia"})
    root = write_files(tmp_path / "usb", {"real.txt": "real"})
    os.symlink(outside / "privado.txt", root / "enlace.txt")
    os.symlink(outside, root / "enlace_carpeta")
    os.symlink(tmp_path / "no-existe", root / "roto")
    os.mkfifo(root / "tubo")
    doc = case.ok("add", "GT-1", str(root), "--json").json()
    assert sorted((s["path"], s["reason"]) for s in doc["skipped"]) == sorted([
        (str(root / "enlace.txt"), "link"), (str(root / "enlace_carpeta"), "link"),
        (str(root / "roto"), "link"), (str(root / "tubo"), "special")])
    assert {a["original_path"] for a in doc["added"]} == {str(root), str(root / "real.txt")}
    paths = {i["original_path"] for i in listing(case)}
    assert paths == {str(root), str(root / "real.txt")}
    assert not any("privado" in p for p in paths)
    assert case.run("verify", "GT-1").code == 0


def test_a_path_that_is_neither_file_nor_folder_is_refused(case: Env, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "tubo")
    res = case.run("add", "GT-1", str(tmp_path / "tubo"))
    assert res.code == 2 and str(tmp_path / "tubo") in squash(res.err)
    assert listing(case) == []


# --- the case must be open and known ----------------------------------------------------------

def test_closed_case_refuses_add(case: Env, tmp_path: Path) -> None:
    write_files(tmp_path, {"a.txt": "a", "b.txt": "b"})
    case.ok("add", "GT-1", str(tmp_path / "a.txt"))
    before = listing(case)
    case.ok("case", "close", "GT-1")
    res = case.run("add", "GT-1", str(tmp_path / "b.txt"))
    assert res.code == 2 and "GT-1" in res.err and "closed" in res.err
    assert listing(case) == before
    assert len(ledger(case, "intake.start")) == 1  # refused before an intake was opened
    case.ok("case", "reopen", "GT-1")
    case.ok("add", "GT-1", str(tmp_path / "b.txt"))
    assert len(listing(case)) == 2
    assert case.run("verify", "GT-1").code == 0


def test_unknown_case_is_not_found(case: Env, tmp_path: Path) -> None:
    write_files(tmp_path, {"a.txt": "a"})
    res = case.run("add", "NO-EXISTE", str(tmp_path / "a.txt"))
    assert res.code == 3 and "NO-EXISTE" in res.err
    assert listing(case) == [] and vault_files(case) == []


def test_non_member_cannot_add(case: Env, tmp_path: Path) -> None:
    case.ok("user", "add", "inv.otro", "--role", "investigator")
    write_files(tmp_path, {"a.txt": "a"})
    res = case.run("add", "GT-1", str(tmp_path / "a.txt"), user="inv.otro")
    assert res.code == 3
    assert listing(case) == [] and vault_files(case) == []


# --- housekeeping and output --------------------------------------------------------------------

def test_add_removes_orphan_temp_files_older_than_an_hour(case: Env, tmp_path: Path) -> None:
    """A killed add leaves temp files in the vault; the next add removes those older than an
    hour, and leaves younger ones alone (a concurrent add may be writing them)."""
    write_files(tmp_path, {"a.txt": "a", "b.txt": "b"})
    case.ok("add", "GT-1", str(tmp_path / "a.txt"))
    tmp = case.home / "vault" / "tmp"
    orphan, busy = tmp / f"{'0' * 32}.part", tmp / f"{'1' * 32}.part"
    orphan.write_bytes(b"left by kill -9")
    busy.write_bytes(b"being written")
    stale = orphan.stat().st_mtime - 2 * 3600
    os.utime(orphan, (stale, stale))
    case.ok("add", "GT-1", str(tmp_path / "b.txt"))
    assert sorted(tmp.iterdir()) == [busy]
    assert case.run("verify", "GT-1").code == 0


def test_unknown_case_is_exit_3_before_any_bad_option(case: Env, tmp_path: Path) -> None:
    write_files(tmp_path, {"a.txt": "a"})
    for bad in (["--acquired-at", "ayer"], ["--max-ratio", "0"]):
        res = case.run("add", "NO-EXISTE", str(tmp_path / "a.txt"), *bad)
        assert res.code == 3 and "NO-EXISTE" in res.err, (bad, res.err)
    case.ok("user", "add", "inv.otro", "--role", "investigator")
    res = case.run("add", "GT-1", str(tmp_path / "a.txt"), "--acquired-at", "ayer",
                   user="inv.otro")
    assert res.code == 3  # not a member: refused before the date is read
    res = case.run("add", "GT-1", str(tmp_path / "a.txt"), "--acquired-at", "ayer")
    assert res.code == 2 and "--acquired-at" in res.err
    assert listing(case) == []


@pytest.mark.parametrize("verbose", [False, True], ids=["summary", "verbose"])
def test_resumed_add_summarises_what_was_already_there(case: Env, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      verbose: bool) -> None:
    from sabueso.ingest import intake

    root = write_files(tmp_path / "usb", {f"f{n:02d}.txt": f"{n}" for n in range(12)})
    monkeypatch.setattr(intake, "BATCH_FILES", 5)
    real = intake._write_batch
    calls: list[int] = []

    def fail_on_second(*args: Any) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the power went out")
        real(*args)

    monkeypatch.setattr(intake, "_write_batch", fail_on_second)
    assert case.run("add", "GT-1", str(root)).code == 70
    monkeypatch.setattr(intake, "_write_batch", real)
    assert len(listing(case)) == 1 + 5  # the folder and the first batch

    res = case.run("add", "GT-1", str(root), *(["--verbose"] if verbose else []))
    assert res.code == 0, res.err
    shown = squash(res.err)
    if verbose:
        assert shown.count(squash("Already in the case, not added again")) == 5
        assert all(f"f{n:02d}.txt" in shown for n in range(5))
    else:
        assert shown.count(squash("not added again")) == 1
        assert squash("5 already in the case, not added again (--verbose lists them") in shown
        assert "f00.txt" not in shown
    res = case.run("add", "GT-1", str(root), "--json", "--note", "otra vez")
    assert res.code == 2  # all of it is there already
    assert len(res.json()["already"]) == 12  # the list is always in the JSON
