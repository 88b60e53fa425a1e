"""The vault's copy loop and folder syncing (see sabueso.store.vault)."""

from __future__ import annotations

import ctypes
import errno
import hashlib
import io
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, cast

import pytest

from sabueso.store import vault as vault_mod
from sabueso.store.vault import Vault


def digests(data: bytes) -> tuple[str, str, str]:
    return (hashlib.sha256(data).hexdigest(), hashlib.sha1(data).hexdigest(),
            hashlib.md5(data).hexdigest())


class ReadOnlyStream(io.RawIOBase):
    """A stream without ``readinto`` on its public surface, handing out odd-sized pieces."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = min(size if size >= 0 else len(self.data), 777_777)
        piece = self.data[self.pos:self.pos + size]
        self.pos += len(piece)
        return piece

    def __getattribute__(self, name: str) -> object:
        if name == "readinto":
            raise AttributeError(name)
        return super().__getattribute__(name)


@pytest.mark.parametrize("size", [0, 1, 5000, (4 << 20) + 3, (9 << 20) + 11])
def test_store_file_hashes_every_byte(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    src = tmp_path / "in.bin"
    src.write_bytes(data)
    vault = Vault(tmp_path / "vault")
    info = vault.store_file(src)
    assert (info.sha256, info.sha1, info.md5) == digests(data)
    assert info.size == size and info.created
    stored = vault.path_for(info.sha256)
    assert stored.read_bytes() == data
    assert stat.S_IMODE(stored.stat().st_mode) == 0o440
    assert list(vault.tmp.iterdir()) == []
    again = vault.store_file(src)
    assert again.sha256 == info.sha256 and not again.created


def test_streams_without_readinto_and_limits(tmp_path: Path) -> None:
    vault = Vault(tmp_path / "vault")
    data = os.urandom(3 << 20)
    stream = cast(IO[bytes], ReadOnlyStream(data))
    info = vault.store_stream(stream, "x.bin", size_hint=16 << 20)
    assert (info.sha256, info.sha1, info.md5) == digests(data)
    with pytest.raises(OverflowError):
        vault.store_stream(io.BytesIO(data), "y.bin", max_bytes=1 << 20)
    assert list(vault.tmp.iterdir()) == []


def test_sync_dirs_covers_new_fan_out_folders(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[str] = []
    real = vault_mod._fsync_dir

    def spy(folder: str) -> None:
        synced.append(folder)
        real(folder)

    monkeypatch.setattr(vault_mod, "_fsync_dir", spy)
    vault = Vault(tmp_path / "vault")
    info = vault.store_stream(io.BytesIO(b"hola"), "a.txt")
    leaf = vault.path_for(info.sha256).parent
    assert synced == []  # folders are synced in batches, by sync_dirs
    vault.sync_dirs([info.sha256])
    # the blob's folder, and the folders that gained the new fan-out folders
    assert sorted(synced) == sorted([str(leaf), str(leaf.parent), str(leaf.parent.parent)])
    synced.clear()
    vault.sync_dirs([info.sha256])  # asked again: its folder again, nothing else
    assert synced == [str(leaf)]
    synced.clear()
    members = [vault.store_stream(io.BytesIO(b"m%d" % n), "m.txt") for n in range(6)]
    vault.sync_dirs([])  # placed by this vault (archive members): synced even when not named
    assert set(synced) >= {str(vault.path_for(m.sha256).parent) for m in members}


def test_fan_out_folder_removed_under_the_vault(tmp_path: Path) -> None:
    vault = Vault(tmp_path / "vault")
    first = vault.store_stream(io.BytesIO(b"uno"), "a.txt")
    shutil.rmtree(vault.root)
    second = vault.store_stream(io.BytesIO(b"uno"), "a.txt")
    assert second.created and vault.path_for(first.sha256).read_bytes() == b"uno"


def test_clean_tmp_removes_only_old_temp_files(tmp_path: Path) -> None:
    vault = Vault(tmp_path / "vault")
    vault.ensure()
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    dead = int(ended.stdout)
    host = vault_mod._HOST
    names = {
        "old": "0123abcd.part",  # any old temp file
        "young": "4567ef01.part",  # perhaps being written right now
        "other": "notes.txt",  # not a temp file
        "dead": f"{host}-{dead}-abc123-7.part",  # left by a process that has ended
        "alive": f"{host}-{os.getpid()}-abc123-8.part",  # a running add's copy, waiting
        "elsewhere": f"otra.maquina-{os.getpid()}-abc123-9.part",  # another machine's
    }
    for name in names.values():
        (vault.tmp / name).write_bytes(b"half a blob")
    two_hours_ago = time.time() - 7200
    for key in ("old", "dead", "alive", "elsewhere"):
        os.utime(vault.tmp / names[key], (two_hours_ago, two_hours_ago))
    (vault.tmp / names["old"]).chmod(0o400)  # as the vault leaves its temp files
    assert vault.clean_tmp(older_than=3600) == 3
    assert sorted(p.name for p in vault.tmp.iterdir()) == sorted(
        [names["young"], names["other"], names["alive"]])
    assert vault.clean_tmp() == 2  # no age given: every temp file (nothing else)
    assert [p.name for p in vault.tmp.iterdir()] == ["notes.txt"]
    shutil.rmtree(vault.tmp)
    assert vault.clean_tmp(older_than=3600) == 0


def test_temp_files_name_their_process(tmp_path: Path) -> None:
    vault = Vault(tmp_path / "vault")
    blob = vault.store_stream(io.BytesIO(b"espera"), "a.txt", defer=True)
    assert blob.pending is not None
    name = Path(blob.pending).name
    assert name.startswith(f"{vault_mod._HOST}-{os.getpid()}-") and name.endswith(".part")
    assert vault_mod._writer_running(name)
    os.utime(blob.pending, (time.time() - 7200,) * 2)
    assert vault.clean_tmp(older_than=3600) == 0  # waiting for its batch: kept
    vault.settle([blob])
    assert vault.path_for(blob.sha256).read_bytes() == b"espera"


@pytest.mark.parametrize("flush", ["syncfs", "fsync"])
def test_deferred_blobs_are_placed_by_settle(tmp_path: Path, flush: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """``defer``: the copy waits in the temp folder (readable through ``path_of``) until
    ``settle`` makes it durable and puts it in place; a second copy of the same content goes."""
    synced: list[str] = []
    real = vault_mod._fsync_dir
    monkeypatch.setattr(vault_mod, "_fsync_dir", lambda f: (synced.append(f), real(f)))
    vault = Vault(tmp_path / "vault")
    if flush == "fsync":
        vault._syncfs_fn = None
    big = os.urandom((1 << 20) + 5)
    first = vault.store_stream(io.BytesIO(big), "a.bin", defer=True)
    again = vault.store_stream(io.BytesIO(big), "b.bin", defer=True)
    small = vault.store_stream(io.BytesIO(b"hola"), "c.txt", defer=True)
    for blob in (first, again, small):
        assert blob.created and blob.pending is not None
        assert Path(blob.pending).parent == vault.tmp
        assert not vault.path_for(blob.sha256).exists()
        assert stat.S_IMODE(Path(blob.pending).stat().st_mode) == 0o440
    assert first.pending != again.pending and first.sha256 == again.sha256
    assert vault.path_of(first).read_bytes() == big
    vault.settle([first, again, small])
    assert list(vault.tmp.iterdir()) == []
    assert vault.path_for(first.sha256).read_bytes() == big
    assert vault.path_for(small.sha256).read_bytes() == b"hola"
    if flush == "fsync":  # each placed blob's folder, and the folders above new ones
        assert str(vault.path_for(small.sha256).parent) in synced
    else:
        assert synced == []  # two syncfs calls instead
    vault.settle([first, small])  # settled twice: nothing to do, no error
    already = vault.store_stream(io.BytesIO(b"hola"), "d.txt", defer=True)
    assert not already.created and already.pending is None
    assert list(vault.tmp.iterdir()) == []


def test_settle_falls_back_to_fsync_when_syncfs_is_refused(tmp_path: Path) -> None:
    vault = Vault(tmp_path / "vault")
    calls: list[int] = []

    def refused(fd: int) -> int:
        calls.append(fd)
        ctypes.set_errno(errno.ENOSYS)
        return -1

    vault._syncfs_fn = refused
    blob = vault.store_stream(io.BytesIO(b"uno"), "a.txt", defer=True)
    vault.settle([blob])
    assert len(calls) == 1 and vault._syncfs_fn is None
    assert vault.path_for(blob.sha256).read_bytes() == b"uno"

    def failing(fd: int) -> int:
        ctypes.set_errno(errno.EIO)
        return -1

    vault._syncfs_fn = failing
    other = vault.store_stream(io.BytesIO(b"dos"), "b.txt", defer=True)
    with pytest.raises(OSError) as caught:
        vault.settle([other])
    assert caught.value.errno == errno.EIO
    assert not vault.path_for(other.sha256).exists()  # not placed: its content is not durable


def test_discard_removes_pending_copies(tmp_path: Path) -> None:
    vault = Vault(tmp_path / "vault")
    blob = vault.store_stream(io.BytesIO(b"no va"), "x.txt", defer=True)
    placed = vault.store_stream(io.BytesIO(b"ya estaba"), "y.txt")
    vault.discard([blob, placed, blob])
    assert list(vault.tmp.iterdir()) == []
    assert vault.path_for(placed.sha256).read_bytes() == b"ya estaba"
