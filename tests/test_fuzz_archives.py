"""Property and fuzz tests for safe archive expansion (``sabueso.ingest.archives``).

Whatever bytes an archive holds, ``expand`` either returns members whose blobs are really in
the vault under their own SHA-256, or raises ``ArchiveError``; never any other exception.
"""

from __future__ import annotations

import bz2
import dataclasses
import gzip
import hashlib
import io
import lzma
import re
import stat
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sabueso.core.errors import ArchiveError
from sabueso.ingest import archives
from sabueso.ingest.archives import ArchiveLimits, Member, safe_member_path
from sabueso.store.vault import Vault

# Small limits: a mutated header may declare huge sizes; the fuzz must stay fast.
LIMITS = ArchiveLimits(max_members=64, max_total_bytes=4 << 20, max_ratio=200.0, max_depth=3,
                       ratio_floor=1 << 20)
FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

ARCHIVE_TYPES = ["application/zip", "application/x-tar", "application/gzip",
                 "application/x-gzip", "application/x-bzip2", "application/x-xz"]


# --- seed archives ---------------------------------------------------------------------------

def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _tar(members: dict[str, bytes], compression: str = "") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1_700_000_000
            tf.addfile(info, io.BytesIO(data))
    raw = buf.getvalue()
    if compression == "gz":
        return gzip.compress(raw, mtime=0)  # reproducible bytes (no time in the header)
    if compression == "bz2":
        return bz2.compress(raw)
    if compression == "xz":
        return lzma.compress(raw)
    return raw


TEXT = b"".join(b"registro %05d: llamada saliente 502-5555-%04d\n" % (i, i) for i in range(60))
BINARY = bytes(range(256)) * 6
SEEDS: list[tuple[str, str, bytes]] = [
    ("seed.zip", "application/zip",
     _zip({"chat/uno.txt": TEXT, "dos.bin": BINARY,
           "inner.zip": _zip({"tres.txt": TEXT[:300]}, zipfile.ZIP_STORED)})),
    ("stored.zip", "application/zip",
     _zip({"a.txt": TEXT, "b/c.bin": BINARY}, zipfile.ZIP_STORED)),
    ("seed.tar.gz", "application/x-gzip", _tar({"x/a.txt": TEXT, "b.bin": BINARY}, "gz")),
    ("seed.tar", "application/x-tar", _tar({"x/a.txt": TEXT, "b.bin": BINARY})),
    ("seed.tar.bz2", "application/x-bzip2", _tar({"a.txt": TEXT}, "bz2")),
    ("seed.txt.gz", "application/x-gzip", gzip.compress(TEXT, mtime=0)),
    ("seed.txt.bz2", "application/x-bzip2", bz2.compress(TEXT)),
]


@pytest.fixture(scope="module")
def vault() -> Iterator[Vault]:
    """One vault for all examples: it is content-addressed, so sharing it is harmless."""
    with tempfile.TemporaryDirectory(prefix="sabueso-fuzz-") as tmp:
        yield Vault(Path(tmp) / "vault")


def _walk(members: list[Member]) -> Iterator[Member]:
    for member in members:
        yield member
        yield from _walk(member.children)


def _assert_safe_path(path: str) -> None:
    parts = path.split("/")
    assert path and not path.startswith("/") and "\\" not in path, path
    assert "" not in parts and "." not in parts and ".." not in parts, path
    assert not re.match(r"^[A-Za-z]:", path), path


def _expand_checked(vault: Vault, data: bytes, name: str,
                    media_type: str | None = None) -> list[Member] | None:
    """Expand ``data`` as ``media_type``; None when refused with ArchiveError. Any other
    exception fails the test. Returned members are checked against the vault."""
    blob = vault.store_stream(io.BytesIO(data), name)
    assert blob.sha256 == hashlib.sha256(data).hexdigest()
    if media_type is not None:
        blob = dataclasses.replace(blob, media_type=media_type)
    try:
        members = archives.expand(vault, blob, name, f"/evidencia/{name}", LIMITS)
    except ArchiveError as exc:
        assert exc.key.startswith("error.archive_"), exc.key
        assert exc.location and exc.location.startswith(f"/evidencia/{name}")
        exc.message()  # the message renders (no missing placeholder)
        return None
    everything = list(_walk(members))
    assert len(everything) <= LIMITS.max_members
    assert sum(m.blob.size for m in everything) <= LIMITS.max_total_bytes
    for member in everything:
        _assert_safe_path(member.path)
        stored = vault.path_for(member.blob.sha256)
        assert stored.is_file(), member.path
        content = stored.read_bytes()
        assert hashlib.sha256(content).hexdigest() == member.blob.sha256
        assert hashlib.sha1(content).hexdigest() == member.blob.sha1
        assert hashlib.md5(content).hexdigest() == member.blob.md5
        assert len(content) == member.blob.size
    return members


# --- the seeds themselves ---------------------------------------------------------------------

@pytest.mark.parametrize("name, media_type, data", SEEDS, ids=[s[0] for s in SEEDS])
def test_seeds_expand_cleanly(vault: Vault, name: str, media_type: str, data: bytes) -> None:
    blob = vault.store_stream(io.BytesIO(data), name)
    assert blob.media_type == media_type
    members = _expand_checked(vault, data, name)
    assert members, name
    contents = {vault.path_for(m.blob.sha256).read_bytes() for m in _walk(members)}
    assert TEXT in contents or TEXT[:300] in contents


# --- random bytes and mutations ---------------------------------------------------------------

@FUZZ
@given(body=st.binary(max_size=3000),
       prefix=st.sampled_from([b"", b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b\x08\x00",
                               b"BZh91AY&SY", b"\xfd7zXZ\x00\x00", b"ustar"]),
       media_type=st.sampled_from(ARCHIVE_TYPES))
def test_random_bytes_expand_or_raise_archive_error(vault: Vault, body: bytes, prefix: bytes,
                                                    media_type: str) -> None:
    _expand_checked(vault, prefix + body, "random.bin", media_type)


@FUZZ
@given(seed=st.sampled_from(SEEDS),
       flips=st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(1, 255)), max_size=8),
       cut=st.one_of(st.none(), st.integers(0, 1 << 20)),
       insert=st.one_of(st.none(), st.tuples(st.integers(0, 1 << 20), st.binary(max_size=40))))
def test_mutated_archives_expand_or_raise_archive_error(
        vault: Vault, seed: tuple[str, str, bytes], flips: list[tuple[int, int]],
        cut: int | None, insert: tuple[int, bytes] | None) -> None:
    name, media_type, original = seed
    data = bytearray(original)
    for position, mask in flips:
        data[position % len(data)] ^= mask
    if insert is not None:
        at = insert[0] % (len(data) + 1)
        data[at:at] = insert[1]
    if cut is not None:
        del data[cut % (len(data) + 1):]
    _expand_checked(vault, bytes(data), name, media_type)


@FUZZ
@given(seed=st.sampled_from(SEEDS), keep=st.integers(1, 99))
def test_truncated_archives_never_yield_wrong_content(vault: Vault, seed: tuple[str, str, bytes],
                                                      keep: int) -> None:
    """A truncated archive may be refused, but what it yields must be real content."""
    name, media_type, original = seed
    data = original[: max(1, len(original) * keep // 100)]
    members = _expand_checked(vault, data, name, media_type)
    if members is None:
        return
    full = _expand_checked(vault, original, name, media_type)
    assert full is not None
    good = {(m.path, m.blob.sha256) for m in _walk(full)}
    for member in _walk(members):
        assert (member.path, member.blob.sha256) in good, member.path


@FUZZ
@given(seed=st.sampled_from([s for s in SEEDS if s[0] in ("seed.tar.gz", "seed.txt.gz")]),
       position=st.integers(0, 1 << 20), mask=st.integers(1, 255))
def test_flipped_gzip_never_yields_wrong_content(vault: Vault, seed: tuple[str, str, bytes],
                                                 position: int, mask: int) -> None:
    """gzip carries a CRC-32 of its content: a corrupted stream must never expand into content
    that differs from the original (it must be refused instead)."""
    name, media_type, original = seed
    data = bytearray(original)
    at = 10 + position % (len(data) - 10)  # past the gzip header (mtime, flags: not content)
    data[at] ^= mask
    members = _expand_checked(vault, bytes(data), name, media_type)
    if members is None:
        return
    full = _expand_checked(vault, original, name, media_type)
    assert full is not None
    good = {(m.path, m.blob.sha256) for m in _walk(full)}
    assert {(m.path, m.blob.sha256) for m in _walk(members)} <= good


# --- round trip of generated archives ---------------------------------------------------------

_SEGMENT = st.text(alphabet=st.sampled_from("abcdefghijklmnñopqrstuvwxyzABC0123456789_-. áé"),
                   min_size=1, max_size=12).filter(lambda s: s.strip(".") != "" and
                                                   s == s.strip())
_NAMES = st.lists(st.lists(_SEGMENT, min_size=1, max_size=3).map("/".join), min_size=1,
                  max_size=8, unique=True)
_CONTENT = st.binary(max_size=3000).map(lambda b: b"DATA" + b)  # never an archive signature


def _no_prefix_clash(names: list[str]) -> bool:
    """No name is a folder of another (a tar cannot hold both ``a`` and ``a/b`` as files)."""
    return not any(other.startswith(name + "/") for name in names for other in names)


@FUZZ
@given(names=_NAMES, data=st.data(),
       kind=st.sampled_from(["zip", "zip-stored", "tar", "tar.gz", "tar.bz2", "tar.xz"]))
def test_generated_archives_round_trip(vault: Vault, names: list[str], data: st.DataObject,
                                       kind: str) -> None:
    assume(_no_prefix_clash(names))
    members = {n: data.draw(_CONTENT) for n in names}
    if kind.startswith("zip"):
        raw = _zip(members, zipfile.ZIP_STORED if kind == "zip-stored" else zipfile.ZIP_DEFLATED)
    else:
        raw = _tar(members, kind.partition(".")[2])
    got = _expand_checked(vault, raw, f"gen.{kind}")
    assert got is not None
    assert {m.path: m.blob.sha256 for m in got} == {
        n: hashlib.sha256(c).hexdigest() for n, c in members.items()}
    assert all(not m.children for m in got)


# --- safe_member_path -------------------------------------------------------------------------

_HOSTILE_CHARS = st.sampled_from(["/", "\\", ".", "..", ":", "C:", "c:", "a", "Z", "\x00", " ",
                                  "~", "é", "\\\\", "//", "./", ".\\"])
_HOSTILE_NAMES = st.one_of(st.text(max_size=60), st.lists(_HOSTILE_CHARS, max_size=12).map("".join))


@settings(max_examples=500, deadline=None)
@given(name=_HOSTILE_NAMES)
def test_safe_member_path_never_escapes(name: str) -> None:
    try:
        safe = safe_member_path(name, "x.zip")
    except ArchiveError as exc:
        assert exc.key == "error.archive_traversal"
        assert exc.params["member"] == name and exc.location == "x.zip"
        return
    _assert_safe_path(safe)
    assert "\x00" not in safe
    assert safe_member_path(safe, "x.zip") == safe  # normalised form is stable


@given(parts=st.lists(_SEGMENT.filter(lambda s: not re.match(r"^[A-Za-z]:", s)), min_size=1,
                      max_size=5),
       sep=st.sampled_from(["/", "\\", "/./", "//"]))
def test_safe_member_path_keeps_honest_names(parts: list[str], sep: str) -> None:
    assume(".." not in parts)
    assert safe_member_path(sep.join(parts), "x.zip") == "/".join(parts)


@pytest.mark.parametrize("name", [
    "../x", "a/../../x", "/etc/passwd", "\\\\server\\share\\x", "C:\\x", "c:x", "C:/x",
    "..\\..\\x", "./C:/x", ".\\C:\\Windows\\x", "a/\x00/b", "", ".", "./", "a/..", "//",
])
def test_safe_member_path_refuses(name: str) -> None:
    with pytest.raises(ArchiveError) as caught:
        safe_member_path(name, "evidencia.zip")
    assert caught.value.key == "error.archive_traversal"
    assert caught.value.params["member"] == name


@pytest.mark.parametrize("name, expected", [
    ("a/b.txt", "a/b.txt"), ("./a//b.txt", "a/b.txt"), ("a\\b\\c.txt", "a/b/c.txt"),
    ("dir/", "dir"), ("notas:2024.txt", "notas:2024.txt"), ("a/C:/x", "a/C:/x"),
    ("..a/b..", "..a/b.."), ("...", "..."),
])
def test_safe_member_path_normalises(name: str, expected: str) -> None:
    assert safe_member_path(name, "evidencia.zip") == expected



# --- generated hostile members: the refusals are exact ----------------------------------------

_TAR_TYPES = st.sampled_from([tarfile.REGTYPE, tarfile.AREGTYPE, tarfile.DIRTYPE,
                              tarfile.SYMTYPE, tarfile.LNKTYPE, tarfile.FIFOTYPE,
                              tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.CONTTYPE])
# written as a PAX header, so any text a hostile archive could carry
_MTIMES = st.one_of(st.integers(-(2**40), 2**40).map(str),
                    st.floats(min_value=-1e18, max_value=1e18).map(repr),
                    st.sampled_from(["nan", "inf", "-inf", "1e300"]))
_ANY_NAME = st.one_of(_SEGMENT, st.lists(_HOSTILE_CHARS, min_size=1, max_size=8).map("".join))


@FUZZ
@given(entries=st.lists(st.tuples(_ANY_NAME, _TAR_TYPES, _MTIMES, _CONTENT), min_size=1,
                        max_size=5))
def test_generated_tar_members_are_refused_exactly(
        vault: Vault, entries: list[tuple[str, bytes, str, bytes]]) -> None:
    """A tar expands if and only if every member is a regular file or folder with a safe
    name; each refusal names the member that caused it."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for name, kind, mtime, content in entries:
            info = tarfile.TarInfo(name.replace("\x00", "_"))
            info.type = kind
            info.pax_headers = {"mtime": mtime}  # also huge, negative, nan or inf
            if kind in (tarfile.SYMTYPE, tarfile.LNKTYPE):
                info.linkname = "/etc/shadow"
            # (a V7 "regular file" whose name ends in / is read back as a folder: no data)
            regular = kind in (tarfile.REGTYPE, tarfile.AREGTYPE, tarfile.CONTTYPE) and not (
                info.name.endswith("/"))
            info.size = len(content) if regular else 0
            tf.addfile(info, io.BytesIO(content) if regular else None)
    raw = buf.getvalue()
    with tarfile.open(fileobj=io.BytesIO(raw)) as check:  # what a reader sees
        seen = check.getmembers()
    blob = vault.store_stream(io.BytesIO(raw), "gen.tar")
    try:
        members = archives.expand(vault, blob, "gen.tar", "gen.tar", LIMITS)
    except ArchiveError as exc:
        assert exc.key != "error.archive_corrupt", exc.params  # the tar is well formed
        named = [i for i in seen if i.name == exc.params.get("member")]
        assert named, (exc.key, exc.params)
        if exc.key == "error.archive_link":
            assert any(i.issym() or i.islnk() for i in named)
        elif exc.key == "error.archive_special":
            assert any(not (i.isfile() or i.isdir() or i.issym() or i.islnk()) for i in named)
        else:
            assert exc.key == "error.archive_traversal", exc.key
            with pytest.raises(ArchiveError):
                safe_member_path(named[0].name, "gen.tar")
        return
    for info in seen:
        assert info.isfile() or info.isdir(), info.name
        safe_member_path(info.name, "gen.tar")  # every name was safe
    assert [m.path for m in members] == [safe_member_path(i.name, "t") for i in seen
                                         if i.isfile()]
    for member, info in zip(members, [i for i in seen if i.isfile()], strict=True):
        assert member.blob.size == info.size
        if member.modified_at is not None:
            assert abs(member.modified_at.timestamp() - info.mtime) < 1
        else:  # only left out when it cannot be a date
            assert not info.mtime or not -1e11 < info.mtime < 1e11, info.mtime


@FUZZ
@given(entries=st.lists(st.tuples(_ANY_NAME, st.integers(0, 0xFFFF), st.booleans(), _CONTENT),
                       min_size=1, max_size=5, unique_by=lambda e: e[0].replace("\x00", "_")))
def test_generated_zip_members_are_refused_exactly(
        vault: Vault, entries: list[tuple[str, int, bool, bytes]]) -> None:
    """Unix modes in ``external_attr`` and the encryption flag, chosen at random."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, mode, encrypted, content in entries:
            info = zipfile.ZipInfo(name.replace("\x00", "_"))
            info.external_attr = mode << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, content)
            if encrypted:
                info.flag_bits |= 0x1  # written into the central directory on close
    raw = buf.getvalue()
    blob = vault.store_stream(io.BytesIO(raw), "gen.zip")
    infos = zipfile.ZipFile(io.BytesIO(raw)).infolist()
    try:
        members = archives.expand(vault, blob, "gen.zip", "gen.zip", LIMITS)
    except ArchiveError as exc:
        culprit = next(i for i in infos if i.filename == exc.params.get("member"))
        mode = culprit.external_attr >> 16
        if exc.key == "error.archive_traversal":
            with pytest.raises(ArchiveError):
                safe_member_path(culprit.filename, "gen.zip")
            return
        expected = {
            "error.archive_link": stat.S_ISLNK(mode),
            "error.archive_special": bool(mode) and not stat.S_ISREG(mode)
            and stat.S_IFMT(mode) != 0,
            "error.archive_encrypted": bool(culprit.flag_bits & 0x1),
        }
        assert expected.get(exc.key), (exc.key, culprit.filename, oct(mode))
        return
    files = [i for i in infos if not i.is_dir()]
    for info in files:
        mode = info.external_attr >> 16
        assert not info.flag_bits & 0x1 and not stat.S_ISLNK(mode), info.filename
        assert stat.S_IFMT(mode) in (0, stat.S_IFREG), info.filename
    assert [m.path for m in members] == [safe_member_path(i.filename, "z") for i in files]
