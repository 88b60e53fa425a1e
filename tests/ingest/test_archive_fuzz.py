"""Fuzzing the archive reader: any bytes either expand or raise ArchiveError, nothing else."""

from __future__ import annotations

import hashlib
import io
import re
import tarfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sabueso.core.errors import ArchiveError
from sabueso.ingest import archives
from sabueso.store.vault import Vault


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a/uno.txt", b"uno " * 300)
        zf.writestr("dos.bin", bytes(range(256)) * 4)
        inner = io.BytesIO()
        with zipfile.ZipFile(inner, "w") as iz:
            iz.writestr("tres.txt", "tres")
        zf.writestr("inner.zip", inner.getvalue())
    return buf.getvalue()


def _tgz() -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in (("x/a.txt", b"a" * 700), ("b.txt", b"b" * 90)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


SEEDS = [_zip(), _tgz()]
FIXTURE_OK = [HealthCheck.function_scoped_fixture]
LIMITS = archives.ArchiveLimits(max_members=50, max_total_bytes=8 << 20, ratio_floor=1 << 20)


def _expand(tmp: Path, data: bytes) -> None:
    vault = Vault(tmp / "vault")
    blob = vault.store_stream(io.BytesIO(data), "fuzz.zip" if data[:2] == b"PK" else "f.tgz")
    if not archives.is_expandable(blob.media_type):
        return
    try:
        members = archives.expand(vault, blob, "fuzz", "fuzz", LIMITS)
    except ArchiveError:
        return
    stack = list(members)
    while stack:
        member = stack.pop()
        assert ".." not in member.path.split("/") and not member.path.startswith("/")
        stored = vault.path_for(member.blob.sha256).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == member.blob.sha256
        stack.extend(member.children)


@settings(max_examples=150, deadline=None, suppress_health_check=FIXTURE_OK)
@given(seed=st.sampled_from(SEEDS), flips=st.lists(st.tuples(st.integers(0, 10**6),
                                                              st.integers(1, 255)), max_size=6),
       cut=st.one_of(st.none(), st.integers(0, 10**6)))
def test_mutated_archives_expand_or_raise_archive_error(tmp_path: Path, seed: bytes,
                                                        flips: list[tuple[int, int]],
                                                        cut: int | None) -> None:
    data = bytearray(seed)
    for position, mask in flips:
        data[position % len(data)] ^= mask
    if cut is not None:
        data = data[: cut % (len(data) + 1)]
    _expand(tmp_path, bytes(data))


@settings(max_examples=100, deadline=None, suppress_health_check=FIXTURE_OK)
@given(body=st.binary(max_size=4096), prefix=st.sampled_from([b"PK\x03\x04", b"\x1f\x8b\x08",
                                                              b"BZh9", b"\xfd7zXZ\x00", b""]))
def test_random_bytes_expand_or_raise_archive_error(tmp_path: Path, body: bytes,
                                                    prefix: bytes) -> None:
    _expand(tmp_path, prefix + body)


@given(st.text(max_size=80))
def test_member_paths_never_escape(name: str) -> None:
    try:
        safe = archives.safe_member_path(name, "x.zip")
    except ArchiveError:
        return
    parts = safe.split("/")
    assert ".." not in parts and "" not in parts and not safe.startswith("/")
    # no Windows drive ("C:"); a name such as "0:" or "é:" is no drive and escapes nothing
    assert not re.match(r"[A-Za-z]:", parts[0])
