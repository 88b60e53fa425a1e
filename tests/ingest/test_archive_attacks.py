"""Archives: expanded into child items; hostile or broken ones refused whole with a clear error."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import random
import stat
import struct
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import Env


def zip_bytes(members: dict[str, bytes], *, compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def tar_bytes(members: list[tarfile.TarInfo | tuple[str, bytes]], mode: str = "w") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as tf:  # type: ignore[call-overload]
        for member in members:
            if isinstance(member, tarfile.TarInfo):
                tf.addfile(member)
            else:
                info = tarfile.TarInfo(member[0])
                info.size = len(member[1])
                info.mtime = 1_700_000_000
                tf.addfile(info, io.BytesIO(member[1]))
    return buf.getvalue()


@pytest.fixture
def case(env: Env) -> Env:
    env.new_case()
    return env


def add(env: Env, tmp_path: Path, name: str, data: bytes, *extra: str) -> tuple[int, str]:
    path = tmp_path / name
    path.write_bytes(data)
    res = env.run("add", "GT-1", str(path), *extra)
    return res.code, res.out + res.err


def listing(env: Env) -> list[dict[str, object]]:
    return env.ok("evidence", "GT-1", "--json").json()  # type: ignore[no-any-return]


def test_nested_zip_becomes_a_tree(case: Env, tmp_path: Path) -> None:
    inner = zip_bytes({"DCIM/a.txt": b"foto a", "DCIM/b.txt": b"foto b"})
    code, _ = add(case, tmp_path, "tel.zip", zip_bytes({"chat.txt": b"hola", "fotos.zip": inner}))
    assert code == 0
    items = {i["name"]: i for i in listing(case)}
    assert items["tel.zip"]["kind"] == "file"
    assert items["tel.zip"]["media_type"] == "application/zip"
    assert items["chat.txt"]["parent"] == items["tel.zip"]["id"]
    assert items["fotos.zip"]["kind"] == "member" and items["a.txt"]["depth"] == 2
    assert items["a.txt"]["parent"] == items["fotos.zip"]["id"]
    assert items["a.txt"]["original_path"] == "DCIM/a.txt"
    assert case.run("verify", "GT-1").code == 0


@pytest.mark.parametrize("name, data", [
    ("x.tar", tar_bytes([("a/b.txt", b"uno"), ("c.txt", b"dos")])),
    ("x.tar.gz", tar_bytes([("a/b.txt", b"uno"), ("c.txt", b"dos")], "w:gz")),
    ("x.tar.bz2", tar_bytes([("a/b.txt", b"uno"), ("c.txt", b"dos")], "w:bz2")),
    ("x.tar.xz", tar_bytes([("a/b.txt", b"uno"), ("c.txt", b"dos")], "w:xz")),
])
def test_tar_families_expand(case: Env, tmp_path: Path, name: str, data: bytes) -> None:
    code, out = add(case, tmp_path, name, data)
    assert code == 0, out
    members = {i["original_path"]: i for i in listing(case) if i["kind"] == "member"}
    assert set(members) == {"a/b.txt", "c.txt"}
    assert members["c.txt"]["modified_at"] == "2023-11-14T22:13:20.000000Z"


@pytest.mark.parametrize("name, opener", [("log.txt.gz", gzip.compress),
                                          ("log.txt.bz2", bz2.compress),
                                          ("log.txt.xz", lzma.compress)])
def test_single_compressed_file_yields_one_member(case: Env, tmp_path: Path, name: str,
                                                  opener: object) -> None:
    code, out = add(case, tmp_path, name, opener(b"linea 1\nlinea 2\n"))  # type: ignore[operator]
    assert code == 0, out
    members = [i for i in listing(case) if i["kind"] == "member"]
    assert [m["name"] for m in members] == ["log.txt"]


def symlink_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("link")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    return buf.getvalue()


def overlapping_zip() -> bytes:
    """Two central-directory entries pointing at the same local file (a 'better zip bomb')."""
    data = zip_bytes({"a.txt": b"A" * 1000, "b.txt": b"B" * 1000})
    cd_start = data.rfind(b"PK\x01\x02")  # the second central-directory entry (b.txt)
    offset_field = cd_start + 42
    return data[:offset_field] + struct.pack("<I", 0) + data[offset_field + 4:]


def corrupt_zip() -> bytes:
    data = bytearray(zip_bytes({"doc.txt": b"contenido importante " * 200}))
    start = 30 + len("doc.txt") + 5
    data[start] ^= 0xFF
    data[start + 1] ^= 0xFF
    return bytes(data)


def encrypted_zip() -> bytes:
    data = bytearray(zip_bytes({"secreto.txt": b"clave"}))
    data[6] |= 1  # local header flag bits
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 8] |= 1  # central directory flag bits
    return bytes(data)


def special_tar(kind: bytes) -> bytes:
    info = tarfile.TarInfo("dev/thing")
    info.type = kind
    info.linkname = "/etc/shadow"
    return tar_bytes([info])


def nested(depth: int) -> bytes:
    data = zip_bytes({"fondo.txt": b"fondo"})
    for level in range(depth):
        data = zip_bytes({f"nivel{level}.zip": data})
    return data


ATTACKS = [
    ("slip.zip", lambda: zip_bytes({"../../etc/passwd": b"x"}), [], "../../etc/passwd"),
    ("abs.zip", lambda: zip_bytes({"/etc/passwd": b"x"}), [], "/etc/passwd"),
    ("win.zip", lambda: zip_bytes({"C:\\Windows\\x.dll": b"x"}), [], "C:\\\\Windows"),
    ("winslip.zip", lambda: zip_bytes({"..\\..\\x.txt": b"x"}), [], "..\\\\..\\\\x.txt"),
    ("link.zip", symlink_zip, [], "link"),
    ("link.tar", lambda: special_tar(tarfile.SYMTYPE), [], "dev/thing"),
    ("hard.tar", lambda: special_tar(tarfile.LNKTYPE), [], "dev/thing"),
    ("fifo.tar", lambda: special_tar(tarfile.FIFOTYPE), [], "dev/thing"),
    ("chr.tar", lambda: special_tar(tarfile.CHRTYPE), [], "dev/thing"),
    ("slip.tar", lambda: tar_bytes([("../fuera.txt", b"x")]), [], "../fuera.txt"),
    ("bomb.zip", lambda: zip_bytes({"ceros.bin": bytes(64 << 20)}), [], "200"),
    ("bomb.tar.gz", lambda: tar_bytes([("ceros.bin", bytes(64 << 20))], "w:gz"), [], "200"),
    ("bomb.gz", lambda: gzip.compress(bytes(64 << 20)), [], "200"),
    ("overlap.zip", overlapping_zip, [], "b.txt"),
    ("many.zip", lambda: zip_bytes({f"f{n}.txt": b"x" for n in range(10)}),
     ["--max-members", "5"], "5"),
    ("deep.zip", lambda: nested(3), ["--max-depth", "2"], "2"),
    ("corrupt.zip", corrupt_zip, [], "doc.txt"),
    ("cut.tar.gz", lambda: tar_bytes([("a.bin", random.randbytes(50000))], "w:gz")[:-200], [],
     "cut.tar.gz"),
    ("locked.zip", encrypted_zip, [], "secreto.txt"),
]


@pytest.mark.parametrize("name, build, extra, fragment", ATTACKS,
                         ids=[a[0] for a in ATTACKS])
def test_hostile_or_broken_archive_is_refused_whole(case: Env, tmp_path: Path, name: str,
                                                    build: object, extra: list[str],
                                                    fragment: str) -> None:
    data = build()  # type: ignore[operator]
    before = listing(case)
    code, out = add(case, tmp_path, name, data, *extra)
    assert code == 2, out
    assert name in out and fragment in out, out
    assert "Traceback" not in out
    assert listing(case) == before
    assert case.run("verify", "GT-1").code == 0
    # kept as one opaque item when the investigator asks for it
    code, out = add(case, tmp_path, name, data, "--no-expand")
    assert code == 0, out
    after = listing(case)
    assert len(after) == len(before) + 1 and after[-1]["name"] == name


def test_one_bad_archive_does_not_stop_the_others(case: Env, tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    (folder / "bueno.txt").write_text("bien")
    (folder / "malo.zip").write_bytes(zip_bytes({"../x": b"x"}))
    res = case.run("add", "GT-1", str(folder), "--json")
    assert res.code == 2
    doc = res.json()
    assert [f["error"] for f in doc["failed"]] == ["error.archive_traversal"]
    assert {i["name"] for i in doc["added"]} == {"usb", "bueno.txt"}
