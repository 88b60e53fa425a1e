"""Content-addressed, read-only blob store: ``<home>/vault/sha256/ab/cd/<sha256>``.

A blob is written to a temporary file in the vault, fsynced, made read-only and renamed into
place, so a reader never sees half a blob and a crash leaves at most an orphan temp file.
MD5, SHA-1 and SHA-256 are computed in the same single pass as the copy.
"""

from __future__ import annotations

import hashlib
import os
import stat
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from sabueso.ingest.mediatype import HEAD_SIZE, detect

CHUNK = 1 << 20
# Above this size MD5 (the slowest of the three) runs on a helper thread.
_PARALLEL_HASH_THRESHOLD = 8 << 20


@dataclass(frozen=True, slots=True)
class BlobInfo:
    """What the vault knows of stored content: its three digests, size and media type."""

    sha256: str
    sha1: str
    md5: str
    size: int
    media_type: str
    created: bool  # False when identical content was already in the vault


class Vault:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp = root / "tmp"

    def ensure(self) -> None:
        (self.root / "sha256").mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir(parents=True, exist_ok=True)

    def path_for(self, sha256: str) -> Path:
        return self.root / "sha256" / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        return self.path_for(sha256).open("rb")

    def store_file(self, path: Path, name: str | None = None) -> BlobInfo:
        with path.open("rb") as fh:
            return self.store_stream(fh, name or path.name, size_hint=os.fstat(fh.fileno()).st_size)

    def store_stream(self, stream: IO[bytes], name: str, *, size_hint: int = 0,
                     max_bytes: int | None = None) -> BlobInfo:
        """Copy ``stream`` into the vault. ``max_bytes`` aborts with OverflowError past a limit."""
        self.ensure()
        tmp_path = self.tmp / f"{uuid.uuid4().hex}.part"
        fd = os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            sha256, sha1, md5 = hashlib.sha256(), hashlib.sha1(), hashlib.md5()
            size = 0
            head = b""
            pool = ThreadPoolExecutor(1) if size_hint >= _PARALLEL_HASH_THRESHOLD else None
            try:
                for chunk in _chunks(stream):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise OverflowError(size)
                    if len(head) < HEAD_SIZE:
                        head += chunk[: HEAD_SIZE - len(head)]
                    side = pool.submit(md5.update, chunk) if pool else None
                    sha256.update(chunk)
                    sha1.update(chunk)
                    _write_all(fd, chunk)
                    if side is not None:
                        side.result()
                    else:
                        md5.update(chunk)
            finally:
                if pool:
                    pool.shutdown()
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            tmp_path.unlink(missing_ok=True)
            raise
        os.close(fd)
        digest = sha256.hexdigest()
        final = self.path_for(digest)
        created = False
        if final.is_file():
            tmp_path.unlink()
        else:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(tmp_path, stat.S_IRUSR | stat.S_IRGRP)
            os.replace(tmp_path, final)
            created = True
        return BlobInfo(digest, sha1.hexdigest(), md5.hexdigest(), size, detect(head, name),
                        created)

    def sync_dirs(self, digests: Iterable[str]) -> None:
        """fsync the folders that received new blobs, so their names survive a power cut."""
        for folder in {self.path_for(d).parent for d in digests}:
            dir_fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)

    def rehash(self, sha256: str) -> str | None:
        """SHA-256 of the blob as it is on disk now; None when it is missing."""
        path = self.path_for(sha256)
        try:
            with path.open("rb") as fh:
                return hashlib.file_digest(fh, "sha256").hexdigest()
        except FileNotFoundError:
            return None

    def clean_tmp(self) -> int:
        """Remove temp files left by interrupted writes. Returns how many were removed."""
        removed = 0
        if self.tmp.is_dir():
            for leftover in self.tmp.glob("*.part"):
                leftover.unlink(missing_ok=True)
                removed += 1
        return removed


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return
        yield chunk


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
