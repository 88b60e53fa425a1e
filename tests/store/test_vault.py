"""The vault's copy loop and folder syncing (see sabueso.store.vault)."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import stat
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
    assert synced == [str(leaf)]  # the blob's folder, before store_stream returned
    vault.sync_dirs([info.sha256])
    assert set(synced[1:]) == {str(leaf.parent), str(leaf.parent.parent)}
    synced.clear()
    vault.sync_dirs([info.sha256])  # no longer vouched for: synced again, nothing else
    assert synced == [str(leaf)]


def test_fan_out_folder_removed_under_the_vault(tmp_path: Path) -> None:
    vault = Vault(tmp_path / "vault")
    first = vault.store_stream(io.BytesIO(b"uno"), "a.txt")
    shutil.rmtree(vault.root)
    second = vault.store_stream(io.BytesIO(b"uno"), "a.txt")
    assert second.created and vault.path_for(first.sha256).read_bytes() == b"uno"
