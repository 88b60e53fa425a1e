"""Content-addressed, read-only blob store: ``<home>/vault/sha256/ab/cd/<sha256>``.

A blob is written to a temporary file in the vault, made read-only, fsynced and renamed into
place, and its folder fsynced, so a reader never sees half a blob and a crash leaves at most an
orphan temp file. MD5, SHA-1 and SHA-256 are computed in the same single pass as the copy.
``sync_dirs`` (called before the database records the blobs) syncs the rest: folders in which
new fan-out folders were made.

Throughput (see ``docs/benchmarks.md``): each thread reads into one reusable buffer, hashlib
releases the GIL on those chunks, and for large blobs MD5 (the slowest of the three) runs on a
helper thread while this one does SHA-1, SHA-256 and the write. A folder fsync is a synchronous
write whose cost is latency, so it is done on the intake worker threads, where it overlaps with
other work, rather than serially on the thread that writes the database.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import threading
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, Protocol, cast

from sabueso.ingest.mediatype import HEAD_SIZE, detect

# Large chunks: fewer GIL hand-overs per byte when the database thread is busy.
CHUNK = 4 << 20
# Above this size MD5 (the slowest of the three) runs on a helper thread.
_PARALLEL_HASH_THRESHOLD = 8 << 20
# Folder fsyncs issued at once by ``sync_dirs``.
_SYNC_THREADS = 8
# Bound on the digests remembered as already durable (a miss only costs a redundant fsync).
_DURABLE_CACHE = 1 << 16
_READ_ONLY = stat.S_IRUSR | stat.S_IRGRP

_local = threading.local()


class _Hash(Protocol):
    def update(self, data: memoryview, /) -> None: ...

    def hexdigest(self) -> str: ...


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
        self._lock = threading.Lock()
        self._ready = False
        self._known_dirs: set[str] = set()  # fan-out folders known to exist
        self._unsynced: set[str] = set()  # folders holding names not yet fsynced
        self._durable: set[str] = set()  # blobs placed and synced since sync_dirs saw them

    def ensure(self) -> None:
        (self.root / "sha256").mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir(parents=True, exist_ok=True)
        self._ready = True

    def path_for(self, sha256: str) -> Path:
        return self.root / "sha256" / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        return self.path_for(sha256).open("rb")

    def store_file(self, path: Path, name: str | None = None) -> BlobInfo:
        with open(path, "rb", buffering=0) as fh:  # unbuffered: readinto goes straight in
            fd = fh.fileno()
            size = os.fstat(fd).st_size
            if hasattr(os, "posix_fadvise"):
                with contextlib.suppress(OSError):  # a larger read-ahead, for cold disks
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_SEQUENTIAL)
            return self.store_stream(fh, name or path.name, size_hint=size)

    def store_stream(self, stream: IO[bytes], name: str, *, size_hint: int = 0,
                     max_bytes: int | None = None) -> BlobInfo:
        """Copy ``stream`` into the vault. ``max_bytes`` aborts with OverflowError past a limit."""
        if not self._ready:
            self.ensure()
        tmp_path = os.path.join(self.tmp, f"{uuid.uuid4().hex}.part")
        try:
            fd = os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileNotFoundError:  # the vault folders were removed under us
            self.ensure()
            fd = os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        buffers: list[bytearray] = _local.__dict__.setdefault("buffers", [])
        buf = buffers.pop() if buffers else bytearray(CHUNK)
        try:
            sha256, sha1, md5 = hashlib.sha256(), hashlib.sha1(), hashlib.md5()
            size, head = _copy(stream, fd, buf, (sha256, sha1, md5), max_bytes,
                               parallel=size_hint >= _PARALLEL_HASH_THRESHOLD)
            os.fchmod(fd, _READ_ONLY)
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_path)
            raise
        finally:
            buffers.append(buf)
        os.close(fd)
        digest = sha256.hexdigest()
        final = self.path_for(digest)
        created = False
        if final.is_file():
            os.unlink(tmp_path)
        else:
            self._place(tmp_path, final, digest)
            created = True
        return BlobInfo(digest, sha1.hexdigest(), md5.hexdigest(), size, detect(head, name),
                        created)

    def _place(self, tmp_path: str, final: Path, digest: str) -> None:
        """Rename the finished temp file into its fan-out folder (made if needed) and fsync that
        folder. The parents of new folders are left to ``sync_dirs``, which syncs each once."""
        folder = os.path.dirname(final)
        made: list[str] = []
        try:
            if folder not in self._known_dirs:
                made += self._make_dirs(folder)
            os.replace(tmp_path, final)
        except FileNotFoundError:  # vault folders were removed under us
            self._known_dirs.clear()
            self.ensure()
            made += self._make_dirs(folder)
            os.replace(tmp_path, final)
        if made:  # new fan-out folders: their names are synced, once each, by sync_dirs
            with self._lock:
                self._unsynced.update(made)
        try:
            _fsync_dir(folder)
        except BaseException:
            with self._lock:  # retried by sync_dirs
                self._unsynced.add(folder)
            raise
        with self._lock:
            if len(self._durable) >= _DURABLE_CACHE:
                self._durable.clear()
            self._durable.add(digest)

    def _make_dirs(self, folder: str) -> list[str]:
        """Make ``folder`` and its parent if missing; the folders that gained an entry."""
        top = os.path.dirname(folder)
        made: list[str] = []
        for path in (top, folder):
            try:
                os.mkdir(path)
            except FileExistsError:
                continue
            made.insert(0, os.path.dirname(path))
        self._known_dirs.add(folder)
        return made

    def sync_dirs(self, digests: Iterable[str]) -> None:
        """Make sure the names of these blobs survive a power cut.

        ``store_file``/``store_stream`` already fsync the folder of each new blob before they
        return (on the worker threads, off the caller's critical path), so this syncs what is
        left: the folders in which fan-out folders were made since the last call, folders of
        blobs this vault did not place itself, and any whose earlier fsync failed."""
        wanted = set(digests)
        with self._lock:
            folders = {os.path.dirname(self.path_for(d)) for d in wanted - self._durable}
            self._durable -= wanted
            folders |= self._unsynced
            self._unsynced = set()
        try:
            if len(folders) < 4:
                for folder in folders:
                    _fsync_dir(folder)
            else:
                with ThreadPoolExecutor(min(_SYNC_THREADS, len(folders)),
                                        thread_name_prefix="vault-sync") as pool:
                    list(pool.map(_fsync_dir, folders))
        except BaseException:
            with self._lock:  # nothing is known synced: try them all again next time
                self._unsynced |= folders
            raise

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


def _fsync_dir(folder: str) -> None:
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _copy(stream: IO[bytes], fd: int, buf: bytearray, hashes: tuple[_Hash, _Hash, _Hash],
          max_bytes: int | None, *, parallel: bool) -> tuple[int, bytes]:
    """Copy ``stream`` to ``fd`` through ``buf``, updating the three hashes (the third on a
    helper thread when ``parallel``). Returns the size and the first HEAD_SIZE bytes."""
    first, second, third = hashes
    readinto = cast(Callable[[bytearray], int | None] | None, getattr(stream, "readinto", None))
    view = memoryview(buf)
    pool = ThreadPoolExecutor(1, thread_name_prefix="vault-md5") if parallel else None
    size = 0
    head = b""
    try:
        while True:
            if readinto is not None:
                n = readinto(buf)
                if not n:
                    break
                chunk = view[:n]
            else:
                data = stream.read(CHUNK)
                if not data:
                    break
                n, chunk = len(data), memoryview(data)
            size += n
            if max_bytes is not None and size > max_bytes:
                raise OverflowError(size)
            if len(head) < HEAD_SIZE:
                head += chunk[: HEAD_SIZE - len(head)]
            side: Future[None] | None = pool.submit(third.update, chunk) if pool else None
            try:
                first.update(chunk)
                second.update(chunk)
                _write_all(fd, chunk)
            finally:  # the buffer is reused: the helper must be done with it either way
                if side is not None:
                    side.result()
            if side is None:
                third.update(chunk)
            chunk.release()
    finally:
        if pool:
            pool.shutdown()
        view.release()
    return size, head


def _write_all(fd: int, data: memoryview) -> None:
    while data:
        written = os.write(fd, data)
        data = data[written:]
