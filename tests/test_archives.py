"""Archive expansion at intake: ZIP, tar (plain, gz, bz2, xz) and single compressed files become
child items; hostile or broken archives are refused whole, with an error that names the archive
and the offending member, and leave the case untouched.

Every archive is built here from synthetic data with zipfile/tarfile/gzip (or by editing the
bytes those produce, for attacks the libraries refuse to write).
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import lzma
import random
import stat
import struct
import tarfile
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import Env
from sabueso.core.errors import ArchiveError
from sabueso.ingest.archives import ArchiveLimits, Member, expand
from sabueso.store.vault import BlobInfo, Vault

MTIME = 1_700_000_000  # 2023-11-14T22:13:20Z
MTIME_ISO = "2023-11-14T22:13:20.000000Z"


# --- builders ---------------------------------------------------------------------------------

def zip_bytes(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def zip_with_modes(members: list[tuple[str, bytes, int]]) -> bytes:
    """A ZIP whose members carry the given Unix mode (``st_mode``) in ``external_attr``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data, mode in members:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 2, 3, 4, 6))
            info.external_attr = mode << 16
            zf.writestr(info, data)
    return buf.getvalue()


def tar_info(name: str, kind: bytes = tarfile.REGTYPE, data: bytes = b"",
             linkname: str = "") -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    info.mtime = MTIME
    info.linkname = linkname
    if kind in (tarfile.CHRTYPE, tarfile.BLKTYPE):
        info.devmajor, info.devminor = 1, 3
    return info, data


def tar_bytes(members: list[tuple[tarfile.TarInfo, bytes]] | dict[str, bytes],
              compression: str = "") -> bytes:
    if isinstance(members, dict):
        members = [tar_info(name, data=data) for name, data in members.items()]
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for info, data in members:
            tf.addfile(info, io.BytesIO(data) if info.isreg() else None)
    raw = buf.getvalue()
    compress: dict[str, Callable[[bytes], bytes]] = {
        "": lambda b: b, "gz": lambda b: gzip.compress(b, mtime=0),
        "bz2": bz2.compress, "xz": lzma.compress}
    return compress[compression](raw)


def overlapping_zip() -> bytes:
    """The 'better zip bomb' trick: two central-directory entries that point at the same local
    header. zipfile will not write that, so the second entry's offset is edited."""
    data = bytearray(zip_bytes({"a.txt": b"A" * 4000, "b.txt": b"B" * 4000}))
    cd = data.rfind(b"PK\x01\x02")  # central-directory entry of b.txt (the last one)
    assert data[cd + 46: cd + 51] == b"b.txt"
    data[cd + 42: cd + 46] = struct.pack("<I", 0)  # relative offset of local header -> a.txt
    return bytes(data)


def encrypted_zip() -> bytes:
    """Flag bit 0 (encrypted) set in both the local header and the central directory."""
    data = bytearray(zip_bytes({"secreto.txt": b"clave de la cuenta"}))
    assert data[:4] == b"PK\x03\x04"
    data[6] |= 0x1  # general-purpose flags of the local header
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 8] |= 0x1  # general-purpose flags of the central-directory entry
    return bytes(data)


def crc_broken_zip() -> bytes:
    """A stored member whose bytes are altered: the data reads, but its CRC-32 fails."""
    content = b"acta de allanamiento, folio 12\n" * 40
    data = bytearray(zip_bytes({"acta.txt": content}, zipfile.ZIP_STORED))
    at = data.find(content)
    data[at + 100] ^= 0x20
    data[at + 101] ^= 0x20
    return bytes(data)


def deflate_broken_zip() -> bytes:
    """Bytes flipped inside deflated data (zlib fails, or the CRC does)."""
    content = random.Random(7).randbytes(20_000)
    data = bytearray(zip_bytes({"fotos.bin": content}))
    start = 30 + len("fotos.bin")
    for i in range(start + 200, start + 260):
        data[i] ^= 0xA5
    return bytes(data)


def zip_with_version(needed: int) -> bytes:
    """'Version needed to extract' in the central directory set to ``needed`` (e.g. 84 = 8.4)."""
    data = bytearray(zip_bytes({"nuevo.txt": b"formato futuro"}))
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 6: cd + 8] = struct.pack("<H", needed)
    return bytes(data)


def truncated_tgz() -> bytes:
    """A tar.gz cut in the middle of its (incompressible) member's data."""
    data = tar_bytes({"volcado.bin": random.Random(3).randbytes(60_000)}, "gz")
    return data[: len(data) * 6 // 10]


def crc_broken_tgz() -> bytes:
    """A tar.gz whose deflate stream still decodes after the edit, but to other bytes: only the
    gzip CRC-32 can tell. (Level 0 deflate stores the bytes, so an edit changes one byte.)"""
    content = b"".join(b"cuenta 1002-%04d saldo 100.00\n" % i for i in range(300))
    raw = tar_bytes({"saldos.txt": content})
    data = bytearray(gzip.compress(raw, compresslevel=0, mtime=0))
    at = data.find(b"cuenta 1002-0150 saldo 100.00")
    data[at + len("cuenta 1002-0150 saldo ")] = ord("9")  # 100.00 -> 900.00
    return bytes(data)


def tar_with_bad_second_header() -> bytes:
    """Two members; the checksum of the second header is broken. tarfile on its own would stop
    silently after the first member and report a one-member archive."""
    data = bytearray(tar_bytes({"uno.txt": b"1" * 100, "dos.txt": b"2" * 100}))
    second = 512 + 512  # header, one data block, then the second header
    assert data[second: second + 7] == b"dos.txt"
    data[second + 148: second + 156] = b"0000000\0"  # checksum field
    return bytes(data)


def nested_zip(depth: int) -> bytes:
    data = zip_bytes({"fondo.txt": b"fondo"})
    for level in range(depth):
        data = zip_bytes({f"nivel{level}.zip": data})
    return data


# --- helpers ----------------------------------------------------------------------------------

@pytest.fixture
def case(env: Env) -> Env:
    env.new_case()
    return env


def listing(env: Env) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = env.ok("evidence", "GT-1", "--json").json()
    return result


def by_path(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {i["original_path"]: i for i in items}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_text(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def squash(text: str) -> str:
    """Rich wraps long lines on screen; compare messages without whitespace."""
    return "".join(text.split())


# --- expansion through `sabueso add` ----------------------------------------------------------

def test_zip_with_nested_zip_becomes_children_and_grandchildren(case: Env,
                                                                 tmp_path: Path) -> None:
    photo = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    inner = zip_bytes({"DCIM/img_001.png": photo, "DCIM/notas.txt": b"nota interna"})
    outer = zip_bytes({"chat/whatsapp.txt": b"[10:01] hola", "respaldo.zip": inner})
    path = tmp_path / "telefono.zip"
    path.write_bytes(outer)
    doc = case.ok("add", "GT-1", str(path), "--json").json()
    assert [(a["kind"], a["original_path"]) for a in doc["added"]] == [
        ("file", str(path)), ("member", "chat/whatsapp.txt"), ("member", "respaldo.zip"),
        ("member", "DCIM/img_001.png"), ("member", "DCIM/notas.txt")]
    items = by_path(listing(case))
    top, chat, inner_item = items[str(path)], items["chat/whatsapp.txt"], items["respaldo.zip"]
    assert (top["kind"], top["parent"], top["depth"], top["media_type"]) == (
        "file", None, 0, "application/zip")
    assert top["sha256"] == sha(outer)
    assert (chat["kind"], chat["parent"], chat["depth"]) == ("member", top["id"], 1)
    assert chat["sha256"] == sha(b"[10:01] hola") and chat["name"] == "whatsapp.txt"
    assert (inner_item["parent"], inner_item["media_type"]) == (top["id"], "application/zip")
    assert inner_item["sha256"] == sha(inner)
    for grandchild, content in (("DCIM/img_001.png", photo), ("DCIM/notas.txt", b"nota interna")):
        item = items[grandchild]
        assert (item["kind"], item["parent"], item["depth"]) == ("member", inner_item["id"], 2)
        assert (item["sha256"], item["size"]) == (sha(content), len(content))
        assert item["md5"] == hashlib.md5(content).hexdigest()
        assert item["sha1"] == hashlib.sha1(content).hexdigest()
    assert items["DCIM/img_001.png"]["media_type"] == "image/png"
    # the zip's own date is a DOS local time in an unknown zone: not turned into an instant
    assert chat["modified_at"] is None
    assert case.run("verify", "GT-1").code == 0


def test_zip_extended_timestamp_becomes_modified_at(case: Env, tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("registro.txt", date_time=(2023, 11, 14, 16, 13, 20))
        info.extra = struct.pack("<HHBi", 0x5455, 5, 1, MTIME)  # UT: mtime, UTC seconds
        zf.writestr(info, b"registro")
    (tmp_path / "ut.zip").write_bytes(buf.getvalue())
    case.ok("add", "GT-1", str(tmp_path / "ut.zip"))
    assert by_path(listing(case))["registro.txt"]["modified_at"] == MTIME_ISO


@pytest.mark.parametrize("compression, name, media_type", [
    ("", "x.tar", "application/x-tar"), ("gz", "x.tar.gz", "application/x-gzip"),
    ("bz2", "x.tar.bz2", "application/x-bzip2"), ("xz", "x.tar.xz", "application/x-xz")])
def test_tar_families_expand(case: Env, tmp_path: Path, compression: str, name: str,
                             media_type: str) -> None:
    contents = {"carpeta/a.txt": b"uno", "carpeta/sub/b.csv": b"x;y\n1;2\n", "c.bin": bytes(300)}
    members = [tar_info("carpeta", tarfile.DIRTYPE)] + [
        tar_info(n, data=d) for n, d in contents.items()]
    data = tar_bytes(members, compression)
    (tmp_path / name).write_bytes(data)
    case.ok("add", "GT-1", str(tmp_path / name))
    items = listing(case)
    top = items[0]
    assert (top["name"], top["kind"], top["media_type"], top["sha256"]) == (
        name, "file", media_type, sha(data))
    got = {i["original_path"]: i for i in items[1:]}
    assert set(got) == set(contents)  # folders inside a tar are not items
    for path, content in contents.items():
        assert got[path]["kind"] == "member" and got[path]["parent"] == top["id"]
        assert got[path]["sha256"] == sha(content) and got[path]["size"] == len(content)
        assert got[path]["modified_at"] == MTIME_ISO
    assert got["carpeta/sub/b.csv"]["media_type"] == "text/csv"
    assert case.run("verify", "GT-1").code == 0


@pytest.mark.parametrize("suffix, compress", [(".gz", gzip.compress), (".bz2", bz2.compress),
                                               (".xz", lzma.compress)])
def test_single_compressed_text_yields_one_member(case: Env, tmp_path: Path, suffix: str,
                                                  compress: Callable[[bytes], bytes]) -> None:
    text = "".join(f"2026-01-{d:02d} transferencia recibida\n" for d in range(1, 29)).encode()
    path = tmp_path / f"movimientos.txt{suffix}"
    path.write_bytes(compress(text))
    case.ok("add", "GT-1", str(path))
    items = listing(case)
    assert len(items) == 2
    top, member = items
    assert member["kind"] == "member" and member["parent"] == top["id"]
    assert member["name"] == member["original_path"] == "movimientos.txt"
    assert (member["sha256"], member["size"]) == (sha(text), len(text))
    assert member["media_type"] == "text/plain"
    assert case.run("verify", "GT-1").code == 0


def test_gzip_of_content_starting_with_zero_blocks_is_not_mistaken_for_an_empty_tar(
        case: Env, tmp_path: Path) -> None:
    """A disk or partition image often starts with zeroed sectors; a tar reader takes two zero
    blocks for the end of an (empty) archive. The image must still come out as one member."""
    image = bytes(4096) + b"\x53\xef" + random.Random(1).randbytes(3000)
    (tmp_path / "particion.img.gz").write_bytes(gzip.compress(image, mtime=0))
    case.ok("add", "GT-1", str(tmp_path / "particion.img.gz"))
    members = [i for i in listing(case) if i["kind"] == "member"]
    assert [(m["name"], m["sha256"]) for m in members] == [("particion.img", sha(image))]


def test_tar_gz_inside_zip_expands_three_levels(case: Env, tmp_path: Path) -> None:
    tgz = tar_bytes({"logs/acceso.log": b"GET /login 200\n"}, "gz")
    (tmp_path / "servidor.zip").write_bytes(zip_bytes({"backup.tar.gz": tgz}))
    case.ok("add", "GT-1", str(tmp_path / "servidor.zip"))
    items = by_path(listing(case))
    assert items["logs/acceso.log"]["parent"] == items["backup.tar.gz"]["id"]
    assert items["logs/acceso.log"]["depth"] == 2
    assert items["logs/acceso.log"]["sha256"] == sha(b"GET /login 200\n")


def test_no_expand_keeps_an_archive_as_one_item(case: Env, tmp_path: Path) -> None:
    data = zip_bytes({"a.txt": b"a", "b.txt": b"b"})
    (tmp_path / "x.zip").write_bytes(data)
    doc = case.ok("add", "GT-1", str(tmp_path / "x.zip"), "--no-expand", "--json").json()
    assert [(a["kind"], a["sha256"]) for a in doc["added"]] == [("file", sha(data))]
    items = listing(case)
    assert len(items) == 1 and items[0]["media_type"] == "application/zip"
    assert case.run("verify", "GT-1").code == 0


def test_office_documents_are_zips_but_not_expanded(case: Env, tmp_path: Path) -> None:
    (tmp_path / "informe.docx").write_bytes(zip_bytes({"word/document.xml": b"<w:document/>"}))
    case.ok("add", "GT-1", str(tmp_path / "informe.docx"))
    items = listing(case)
    assert len(items) == 1
    assert items[0]["media_type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def test_same_archive_at_two_paths_shares_blobs(case: Env, tmp_path: Path) -> None:
    data = zip_bytes({"a.txt": b"misma"})
    for folder in ("usb1", "usb2"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "copia.zip").write_bytes(data)
    doc = case.ok("add", "GT-1", str(tmp_path / "usb1/copia.zip"),
                  str(tmp_path / "usb2/copia.zip"), "--json").json()
    assert [a["kind"] for a in doc["added"]] == ["file", "member", "file", "member"]
    first, second = doc["added"][0], doc["added"][2]
    assert second["same_content_as"] == first["id"]
    assert doc["added"][3]["same_content_as"] == doc["added"][1]["id"]
    blobs = [p for p in (case.home / "vault/sha256").rglob("*") if p.is_file()]
    assert sorted(p.name for p in blobs) == sorted({sha(data), sha(b"misma")})


# --- hostile and broken archives through `sabueso add` ----------------------------------------

S_LINK = stat.S_IFLNK | 0o777
S_FIFO = stat.S_IFIFO | 0o644
Attack = tuple[str, Callable[[], bytes], list[str], str, list[str]]
# (file name, builder, extra options, error key, what the message must name besides the file)
ATTACKS: list[Attack] = [
    ("slip.zip", lambda: zip_bytes({"ok.txt": b"ok", "../../etc/passwd": b"root::0:0"}), [],
     "error.archive_traversal", ["'../../etc/passwd'"]),
    ("absolute.zip", lambda: zip_bytes({"/etc/passwd": b"root::0:0"}), [],
     "error.archive_traversal", ["'/etc/passwd'"]),
    ("windows-drive.zip", lambda: zip_bytes({"C:\\x": b"x"}), [],
     "error.archive_traversal", [repr("C:\\x")]),
    ("windows-slip.zip", lambda: zip_bytes({"..\\..\\x": b"x"}), [],
     "error.archive_traversal", [repr("..\\..\\x")]),
    ("dot-drive.zip", lambda: zip_bytes({"./C:/Windows/system.ini": b"x"}), [],
     "error.archive_traversal", ["'./C:/Windows/system.ini'"]),
    ("slip.tar", lambda: tar_bytes({"ok.txt": b"ok", "../fuera.txt": b"x"}), [],
     "error.archive_traversal", ["'../fuera.txt'"]),
    ("symlink.zip", lambda: zip_with_modes([("enlace", b"/etc/passwd", S_LINK)]), [],
     "error.archive_link", ["'enlace'"]),
    ("fifo.zip", lambda: zip_with_modes([("tubo", b"", S_FIFO)]), [],
     "error.archive_special", ["'tubo'"]),
    ("symlink.tar", lambda: tar_bytes([tar_info("enlace", tarfile.SYMTYPE,
                                                linkname="/etc/shadow")]), [],
     "error.archive_link", ["'enlace'"]),
    ("hardlink.tar", lambda: tar_bytes([tar_info("a.txt", data=b"a"),
                                        tar_info("duro", tarfile.LNKTYPE, linkname="a.txt")]),
     [], "error.archive_link", ["'duro'"]),
    ("fifo.tar", lambda: tar_bytes([tar_info("tubo", tarfile.FIFOTYPE)]), [],
     "error.archive_special", ["'tubo'"]),
    ("device.tar", lambda: tar_bytes([tar_info("dev/null", tarfile.CHRTYPE)]), [],
     "error.archive_special", ["'dev/null'"]),
    ("blockdev.tar.gz", lambda: tar_bytes([tar_info("dev/sda", tarfile.BLKTYPE)], "gz"), [],
     "error.archive_special", ["'dev/sda'"]),
    ("bomb.zip", lambda: zip_bytes({"leeme.txt": b"hola", "ceros.bin": bytes(64 << 20)}), [],
     "error.archive_ratio", ["'ceros.bin'", "200"]),
    ("bomb.tar.gz", lambda: tar_bytes({"ceros.bin": bytes(64 << 20)}, "gz"), [],
     "error.archive_ratio", ["'ceros.bin'", "200"]),
    ("bomb.bin.gz", lambda: gzip.compress(bytes(64 << 20), mtime=0), [],
     "error.archive_ratio", ["'bomb.bin'", "200"]),
    ("overlap.zip", overlapping_zip, [], "error.archive_overlap", ["'b.txt'"]),
    ("many.zip", lambda: zip_bytes({f"f{n}.txt": b"%d" % n for n in range(6)}),
     ["--max-members", "5"], "error.archive_too_many", ["'f5.txt'", "5"]),
    ("many.tar", lambda: tar_bytes({f"f{n}.txt": b"%d" % n for n in range(6)}),
     ["--max-members", "5"], "error.archive_too_many", ["'f5.txt'", "5"]),
    ("deep.zip", lambda: nested_zip(1), ["--max-depth", "1"], "error.archive_too_deep",
     ["deep.zip → nivel0.zip", "1"]),
    ("crc.zip", crc_broken_zip, [], "error.archive_corrupt", ["'acta.txt'", "CRC"]),
    ("deflate.zip", deflate_broken_zip, [], "error.archive_corrupt", ["'fotos.bin'"]),
    ("cut.tar.gz", truncated_tgz, [], "error.archive_corrupt", ["'volcado.bin'"]),
    ("crc.tar.gz", crc_broken_tgz, [], "error.archive_corrupt", ["CRC"]),
    ("badheader.tar", tar_with_bad_second_header, [], "error.archive_corrupt",
     ["'dos.txt'", "checksum"]),
    ("locked.zip", encrypted_zip, [], "error.archive_encrypted", ["'secreto.txt'"]),
    ("future.zip", lambda: zip_with_version(84), [], "error.archive_corrupt", ["8.4"]),
]


@pytest.mark.parametrize("name, build, extra, key, named", ATTACKS, ids=[a[0] for a in ATTACKS])
def test_hostile_archive_is_refused_whole(case: Env, tmp_path: Path, name: str,
                                          build: Callable[[], bytes], extra: list[str], key: str,
                                          named: list[str]) -> None:
    data = build()
    path = tmp_path / "incautado" / name
    path.parent.mkdir()
    path.write_bytes(data)
    case.ok("add", "GT-1", str(write_text(tmp_path / "antes.txt", "ya estaba")))
    before = listing(case)

    res = case.run("add", "GT-1", str(path), *extra)  # as a person sees it
    assert res.code == 2, res.out + res.err
    assert "Traceback" not in res.err
    shown = squash(res.err)
    for fragment in [str(path), *named]:
        assert squash(fragment) in shown, (fragment, res.err)
    assert listing(case) == before

    res = case.run("add", "GT-1", str(path), *extra, "--json")  # as a script sees it
    assert res.code == 2, res.out + res.err
    doc = res.json()
    assert doc["added"] == []
    [failure] = doc["failed"]
    assert (failure["path"], failure["error"]) == (str(path), key)
    assert failure["message"].startswith(str(path))
    for fragment in named:
        assert fragment in failure["message"], (fragment, failure["message"])
    assert listing(case) == before
    # nothing was written outside the vault: the zip-slip target is not there
    assert not (tmp_path / "etc").exists() and not (tmp_path / "fuera.txt").exists()
    # and nothing of the refused archive waits in the vault's temp folder
    assert list((case.home / "vault" / "tmp").iterdir()) == []
    assert case.run("verify", "GT-1").code == 0

    # the investigator can still keep the file as it is, as one opaque item
    doc = case.ok("add", "GT-1", str(path), *extra, "--no-expand", "--json").json()
    assert [(a["kind"], a["sha256"], a["parent"]) for a in doc["added"]] == [
        ("file", sha(data), None)]
    after = listing(case)
    assert after[: len(before)] == before and len(after) == len(before) + 1
    assert (after[-1]["original_path"], after[-1]["kind"]) == (str(path), "file")
    assert case.run("verify", "GT-1").code == 0


def test_hostile_archive_in_a_folder_fails_alone(case: Env, tmp_path: Path) -> None:
    """Per item all-or-nothing: the hostile archive adds nothing (not even part of itself)
    while the good files beside it are added; the exit code still says something failed."""
    folder = tmp_path / "usb"
    folder.mkdir()
    (folder / "bueno.txt").write_text("bien")
    (folder / "malo.zip").write_bytes(zip_bytes({"a.txt": b"a", "../../x": b"x"}))
    res = case.run("add", "GT-1", str(folder), "--json")
    assert res.code == 2
    doc = res.json()
    assert [(f["path"], f["error"]) for f in doc["failed"]] == [
        (str(folder / "malo.zip"), "error.archive_traversal")]
    assert {i["original_path"] for i in listing(case)} == {str(folder), str(folder / "bueno.txt")}


def test_ratio_limit_can_be_raised_for_a_legitimate_archive(case: Env, tmp_path: Path) -> None:
    """The ratio defence refuses 64 MiB of zeros; with --max-ratio high enough it is kept."""
    zeros = bytes(64 << 20)
    (tmp_path / "imagen.zip").write_bytes(zip_bytes({"ceros.bin": zeros}))
    assert case.run("add", "GT-1", str(tmp_path / "imagen.zip")).code == 2
    case.ok("add", "GT-1", str(tmp_path / "imagen.zip"), "--max-ratio", "5000")
    items = by_path(listing(case))
    assert items["ceros.bin"]["sha256"] == sha(zeros)


def test_zero_or_negative_limits_are_refused(case: Env, tmp_path: Path) -> None:
    (tmp_path / "x.zip").write_bytes(zip_bytes({"a.txt": b"a"}))
    for option, value in (("--max-members", "0"), ("--max-depth", "0"), ("--max-ratio", "1"),
                          ("--max-size-mb", "-1")):
        res = case.run("add", "GT-1", str(tmp_path / "x.zip"), option, value)
        assert res.code == 2, (option, res.err)
    assert listing(case) == []


# --- archives.expand directly -----------------------------------------------------------------

@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    return Vault(tmp_path / "vault")


def put(vault: Vault, data: bytes, name: str) -> BlobInfo:
    return vault.store_stream(io.BytesIO(data), name)


def run(vault: Vault, data: bytes, name: str, **limits: Any) -> list[Member]:
    return expand(vault, put(vault, data, name), name, f"/incautado/{name}",
                  ArchiveLimits(**limits))


def refused(vault: Vault, data: bytes, name: str, **limits: Any) -> ArchiveError:
    with pytest.raises(ArchiveError) as caught:
        run(vault, data, name, **limits)
    return caught.value


def test_expand_stores_every_member_in_the_vault(vault: Vault) -> None:
    contents = {"a/uno.txt": b"uno" * 100, "dos.bin": bytes(range(256)), "vacio.txt": b""}
    members = run(vault, zip_bytes(contents), "x.zip")
    assert [m.path for m in members] == list(contents)
    for member in members:
        content = contents[member.path]
        assert vault.path_for(member.blob.sha256).read_bytes() == content
        assert (member.blob.sha256, member.blob.size) == (sha(content), len(content))
        assert stat.S_IMODE(vault.path_for(member.blob.sha256).stat().st_mode) & 0o222 == 0


def test_expand_reports_progress_in_bytes(vault: Vault) -> None:
    seen: list[int] = []
    data = zip_bytes({"a.txt": b"a" * 10, "b.txt": b"b" * 20})
    expand(vault, put(vault, data, "p.zip"), "p.zip", "p.zip", ArchiveLimits(), seen.append)
    assert seen == [10, 20]


def test_members_across_nesting_count_against_one_budget(vault: Vault) -> None:
    inner = zip_bytes({f"i{n}.txt": b"%d" % n for n in range(3)})
    outer = zip_bytes({"a.txt": b"a", "b.txt": b"b", "inner.zip": inner})
    assert len(run(vault, outer, "ok.zip", max_members=6)) == 3
    err = refused(vault, outer, "x.zip", max_members=5)
    assert err.key == "error.archive_too_many" and err.params["limit"] == 5
    assert err.params["member"] == "i2.txt"  # the inner archive's third member is the sixth
    many = tar_bytes({f"t{n}.txt": b"%d" % n for n in range(4)})
    err = refused(vault, many, "x.tar", max_members=3)
    assert (err.key, err.params["member"]) == ("error.archive_too_many", "t3.txt")
    assert "'t3.txt'" in err.message()


def test_total_size_limit(vault: Vault) -> None:
    data = tar_bytes({"a.bin": random.Random(5).randbytes(3000)})
    err = refused(vault, data, "x.tar", max_total_bytes=2000)
    assert err.key == "error.archive_too_big" and err.params["member"] == "a.bin"
    err = refused(vault, zip_bytes({"a.bin": bytes(3000)}), "x.zip", max_total_bytes=2000)
    assert err.key == "error.archive_too_big" and err.params["member"] == "a.bin"


def test_depth_limit_names_the_nested_archive(vault: Vault) -> None:
    data = nested_zip(2)  # nivel1.zip > nivel0.zip > fondo.txt
    assert run(vault, data, "d.zip", max_depth=3)[0].children[0].children[0].path == "fondo.txt"
    err = refused(vault, data, "d.zip", max_depth=2)
    assert err.key == "error.archive_too_deep"
    assert err.location == "/incautado/d.zip → nivel1.zip → nivel0.zip"


def test_overlap_inside_data_is_refused(vault: Vault) -> None:
    """A central-directory entry whose local header lies inside the previous member's data."""
    data = bytearray(zip_bytes({"a.txt": b"A" * 4000, "b.txt": b"B" * 4000},
                               zipfile.ZIP_STORED))
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 42: cd + 46] = struct.pack("<I", 1000)
    err = refused(vault, bytes(data), "o.zip")
    assert (err.key, err.params["member"]) == ("error.archive_overlap", "b.txt")


def test_ratio_below_the_floor_is_allowed(vault: Vault) -> None:
    """A small run of zeros compresses 1000:1 honestly: below the floor it is not a bomb."""
    members = run(vault, zip_bytes({"ceros.bin": bytes(4 << 20)}), "z.zip")
    assert members[0].blob.size == 4 << 20
    err = refused(vault, zip_bytes({"ceros.bin": bytes(4 << 20)}), "z.zip", ratio_floor=1 << 20)
    assert (err.key, err.params["member"]) == ("error.archive_ratio", "ceros.bin")


def test_tar_bomb_padding_after_the_end_is_bounded(vault: Vault) -> None:
    """Zeros after the end-of-archive blocks are read to check the gzip CRC, within bounds."""
    raw = tar_bytes({"a.txt": b"a"}) + bytes(64 << 20)
    err = refused(vault, gzip.compress(raw, mtime=0), "pad.tar.gz")
    assert err.key == "error.archive_ratio" and err.params["member"] == "pad.tar.gz"


def test_gzip_crc_is_checked_for_tar_members(vault: Vault) -> None:
    err = refused(vault, crc_broken_tgz(), "saldos.tar.gz")
    assert err.key == "error.archive_corrupt" and "CRC" in err.params["reason"]
    assert list((vault.root / "tmp").glob("*.part")) == []  # no half-written blob left behind


def test_tar_cut_inside_a_header_is_refused(vault: Vault) -> None:
    data = tar_bytes({"uno.txt": b"1" * 100, "dos.txt": b"2" * 100})
    err = refused(vault, data[: 1024 + 300], "cut.tar")  # 300 bytes into the second header
    assert (err.key, err.params["member"]) == ("error.archive_corrupt", "dos.txt")


def test_tar_cut_at_a_member_boundary_keeps_what_is_complete(vault: Vault) -> None:
    """Without end-of-archive blocks a cut at a boundary cannot be told from a short tar: the
    complete members are expanded (the archive itself is kept whole as its own item)."""
    data = tar_bytes({"uno.txt": b"1" * 100, "dos.txt": b"2" * 100})
    assert [m.path for m in run(vault, data[:1024], "cut.tar")] == ["uno.txt"]


@pytest.mark.parametrize("mtime", ["1e15", "-1e15", "nan", "inf"])
def test_tar_member_with_absurd_mtime_still_expands(vault: Vault, mtime: str) -> None:
    info, data = tar_info("a.txt", data=b"a")
    info.pax_headers = {"mtime": mtime}
    [member] = run(vault, tar_bytes([(info, data)]), "t.tar")
    assert member.modified_at is None and member.blob.sha256 == sha(b"a")


def test_tar_member_mtime_is_utc(vault: Vault) -> None:
    [member] = run(vault, tar_bytes({"a.txt": b"a"}), "t.tar")
    assert member.modified_at == datetime.fromtimestamp(MTIME, UTC)


def test_gz_named_only_by_its_suffix_gets_a_member_name(vault: Vault) -> None:
    [member] = run(vault, gzip.compress(b"texto", mtime=0), ".gz")
    assert member.path and member.path.strip(".")
    assert vault.path_for(member.blob.sha256).read_bytes() == b"texto"


@pytest.mark.parametrize("name, expected", [("a.tgz", "a.tar"), ("a.TAR.GZ", "a.TAR"),
                                            ("notas.txt.bz2", "notas.txt"), ("raro.gz", "raro")])
def test_single_member_names(vault: Vault, name: str, expected: str) -> None:
    [member] = run(vault, gzip.compress(b"no es un tar " * 50, mtime=0), name)
    assert member.path == expected


def test_empty_archives_have_no_members(vault: Vault) -> None:
    assert run(vault, zip_bytes({}), "vacio.zip") == []
    assert run(vault, tar_bytes({}), "vacio.tar") == []


def test_directory_entries_are_not_members_but_are_checked(vault: Vault) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("carpeta/", b"")
        zf.writestr("carpeta/a.txt", b"a")
    assert [m.path for m in run(vault, buf.getvalue(), "d.zip")] == ["carpeta/a.txt"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("../fuera/", b"")
    err = refused(vault, buf.getvalue(), "d.zip")
    assert (err.key, err.params["member"]) == ("error.archive_traversal", "../fuera/")


def test_unsupported_compression_is_refused_as_corrupt(vault: Vault) -> None:
    data = bytearray(zip_bytes({"a.txt": b"hola"}, zipfile.ZIP_STORED))
    data[8:10] = struct.pack("<H", 99)  # local header: AES (method 99)
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 10: cd + 12] = struct.pack("<H", 99)
    err = refused(vault, bytes(data), "aes.zip")
    assert (err.key, err.params["member"]) == ("error.archive_corrupt", "a.txt")


def test_not_an_archive_at_all(vault: Vault) -> None:
    blob = put(vault, b"solo texto, no es un archivo comprimido", "x.txt")
    forced = BlobInfo(blob.sha256, blob.sha1, blob.md5, blob.size, "application/zip", False)
    with pytest.raises(ArchiveError) as caught:
        expand(vault, forced, "x.zip", "x.zip", ArchiveLimits())
    assert caught.value.key == "error.archive_corrupt"
    assert caught.value.params["member"] == "x.zip"


def test_deferred_expansion_reads_pending_copies_and_discards_on_refusal(vault: Vault) -> None:
    """As ``sabueso add`` does it: the archive and its members stay pending in the vault's temp
    folder until settled; a refused archive leaves none of its members behind."""
    inner = zip_bytes({"tres.txt": b"tres"})
    data = zip_bytes({"uno.txt": b"uno", "dentro.zip": inner})
    blob = vault.store_stream(io.BytesIO(data), "x.zip", defer=True)
    assert blob.pending is not None
    members = expand(vault, blob, "x.zip", "x.zip", ArchiveLimits(), defer=True)
    nested = [m for m in members if m.children]
    assert len(members) == 2 and len(nested) == 1
    every = [blob, *(m.blob for m in members), nested[0].children[0].blob]
    assert all(b.pending is not None for b in every)
    assert vault.path_of(nested[0].children[0].blob).read_bytes() == b"tres"
    vault.settle(every)
    assert list(vault.tmp.iterdir()) == []
    assert vault.path_for(nested[0].children[0].blob.sha256).read_bytes() == b"tres"

    many = vault.store_stream(io.BytesIO(tar_bytes({f"t{n}.txt": b"%d" % n for n in range(4)})),
                              "m.tar", defer=True)
    with pytest.raises(ArchiveError):
        expand(vault, many, "m.tar", "m.tar", ArchiveLimits(max_members=3), defer=True)
    assert [p.name for p in vault.tmp.iterdir()] == [Path(str(many.pending)).name]
