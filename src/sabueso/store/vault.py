"""Content-addressed, read-only blob store: ``<home>/vault/sha256/ab/cd/<sha256>``.

A blob is written to a read-only temporary file in the vault, made durable, and only then
renamed into place, so a blob in its place is always whole, a reader never sees half a blob,
and a crash leaves at most orphan temp files (the next ``sabueso add`` removes those an hour
old). MD5, SHA-1 and SHA-256 are computed in the same single pass as the copy.

Two ways to make blobs durable:

* one at a time (``store_stream``/``store_file``): the blob is fsynced and placed before the
  call returns; ``sync_dirs`` later fsyncs the folders that gained names;
* a batch at a time (``defer=True``, then ``settle``), as ``sabueso add`` does: the copies stay
  pending in the temp folder (``path_of`` reads them, to expand archives) until ``settle``,
  just before the database records the batch, flushes the vault's file system (``syncfs``),
  places them all and flushes again. Two flushes per batch instead of two fsyncs per blob: on
  a journalled file system each fsync is a journal commit, and on the benchmark machine the
  per-blob fsyncs (about 0.3 ms each, and their hand-overs between threads) were most of the
  time a small file took. Where ``syncfs`` is missing or refused, ``settle`` fsyncs each blob
  and folder instead, several at once.

Throughput (see ``docs/benchmarks.md``): each thread reads into one reusable buffer, hashlib
releases the GIL on those chunks, and for large blobs MD5 (the slowest of the three) runs on a
helper thread while this one does SHA-1, SHA-256 and the write.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import itertools
import os
import re
import socket
import stat
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, BinaryIO, Protocol, TypeVar, cast

from sabueso.ingest.mediatype import ARCHIVE_TYPES, HEAD_SIZE, detect

# Large chunks: fewer GIL hand-overs per byte when the database thread is busy.
CHUNK = 4 << 20
# Above this size MD5 (the slowest of the three) runs on a helper thread.
_PARALLEL_HASH_THRESHOLD = 8 << 20
# Folder fsyncs issued at once by ``sync_dirs``.
_SYNC_THREADS = 8
_READ_ONLY = stat.S_IRUSR | stat.S_IRGRP
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL
# Blobs from this size on get a read-ahead hint, and leave the page cache once written.
_LARGE = 1 << 20
# Temp file names: ``<host>-<pid>-<random>-<counter>.part`` (no system call per name), so that
# ``clean_tmp`` can tell the files of a process still running on this machine.
_HOST = re.sub(r"[^A-Za-z0-9.]", "_", socket.gethostname()) or "host"
_tmp_numbers = itertools.count()
_tmp_prefix: tuple[int, str] = (0, "")

_local = threading.local()
_T = TypeVar("_T")


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
    # Written with ``defer``: the temp file that holds it until ``settle`` places it.
    pending: str | None = None


def _placed_meanwhile(blob: BlobInfo, final: Path) -> bool:
    """Whether another batch or process placed this content already; its pending copy, no
    longer needed, is then removed."""
    if not final.is_file():
        return False
    assert blob.pending is not None
    with contextlib.suppress(FileNotFoundError):
        os.unlink(blob.pending)
    return True


class Vault:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp = root / "tmp"
        self._lock = threading.Lock()
        self._ready = False
        self._known_dirs: set[str] = set()  # fan-out folders known to exist
        self._unsynced: set[str] = set()  # folders holding names not yet fsynced
        self._syncfs_fn = _SYNCFS

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

    def path_of(self, blob: BlobInfo) -> Path:
        """Where the blob's content can be read now: its place, or its temp file while pending."""
        return Path(blob.pending) if blob.pending else self.path_for(blob.sha256)

    def store_file(self, path: Path, name: str | None = None, size: int | None = None, *,
                   defer: bool = False) -> BlobInfo:
        """Copy the file at ``path`` into the vault (see ``store_stream``). ``size``, when the
        caller knows it, saves a system call (it only sizes buffers and hints: every byte is
        read whatever it says)."""
        with open(path, "rb", buffering=0) as fh:  # unbuffered: readinto goes straight in
            fd = fh.fileno()
            if size is None:
                size = os.fstat(fd).st_size
            if size >= _LARGE and hasattr(os, "posix_fadvise"):
                with contextlib.suppress(OSError):  # a larger read-ahead, for cold disks
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_SEQUENTIAL)
            return self.store_stream(fh, name or path.name, size_hint=size, defer=defer)

    def store_stream(self, stream: IO[bytes], name: str, *, size_hint: int = 0,
                     max_bytes: int | None = None, defer: bool = False) -> BlobInfo:
        """Copy ``stream`` into the vault. ``max_bytes`` aborts with OverflowError past a limit.

        ``defer``: leave the copy in its temp file (``BlobInfo.pending``), to be made durable and
        placed by ``settle`` together with the rest of its batch; until then ``path_of`` reads
        it. Without it the blob is fsynced and placed before this returns (its folder still
        waits for ``sync_dirs``)."""
        if not self._ready:
            self.ensure()
        tmp_path, fd = self._new_temp()
        buffers: list[bytearray] = _local.__dict__.setdefault("buffers", [])
        buf = buffers.pop() if buffers else bytearray(CHUNK)
        try:
            sha256, sha1, md5 = hashlib.sha256(), hashlib.sha1(), hashlib.md5()
            size, head = _copy(stream, fd, buf, (sha256, sha1, md5), max_bytes,
                               parallel=size_hint >= _PARALLEL_HASH_THRESHOLD)
            info = BlobInfo(sha256.hexdigest(), sha1.hexdigest(), md5.hexdigest(), size,
                            detect(head, name), True, tmp_path)
            final = self.path_for(info.sha256)
            if final.is_file():  # already in the vault: no second durable copy is needed
                info = replace(info, created=False, pending=None)
            elif not defer:  # (an archive is read back at once, to be expanded)
                self._make_durable(fd, info, keep_cached=info.media_type in ARCHIVE_TYPES)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_path)
            raise
        finally:
            buffers.append(buf)
        os.close(fd)
        if info.pending is None:
            os.unlink(tmp_path)
        elif not defer:
            self._place(tmp_path, final)
            info = replace(info, pending=None)
        return info

    def settle(self, blobs: Iterable[BlobInfo]) -> None:
        """Make a batch of blobs durable before the database records them: the content of those
        still pending, then their names in the vault, and the names of the others (an add
        killed after placing a blob may not have synced its folder).

        On Linux this is one ``syncfs`` of the vault's file system before the pending blobs are
        placed and one after: two flushes for the whole batch, instead of an fsync for each
        blob and for each folder it lands in (on a journalled file system each of those is a
        journal commit). Elsewhere, or where ``syncfs`` is refused, each blob and folder is
        fsynced, several at once."""
        blobs = list(blobs)
        first: dict[str, BlobInfo] = {}
        for blob in blobs:
            if blob.pending is not None:
                first.setdefault(blob.sha256, blob)
        for blob in blobs:  # the same content written twice: the second copy is not needed
            if blob.pending is not None and first[blob.sha256] is not blob:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(blob.pending)
        pending = list(first.values())
        if self._syncfs_fn is not None and (not pending or self._syncfs()):
            self._place_all(pending)
            if self._syncfs():
                return
        _in_parallel(self._settle_some, pending)
        self.sync_dirs(b.sha256 for b in blobs)

    def _syncfs(self) -> bool:
        """Flush everything written to the vault's file system. False when this system has no
        ``syncfs`` (or refuses it); an OSError when the flush fails."""
        with self._lock:
            unsynced, self._unsynced = self._unsynced, set()
        if self._syncfs_fn is not None:
            fd = os.open(self.root, os.O_RDONLY)
            try:
                if self._syncfs_fn(fd) == 0:
                    return True
                err = ctypes.get_errno()
            finally:
                os.close(fd)
            if err not in (errno.ENOSYS, errno.EPERM, errno.EOPNOTSUPP):
                with self._lock:
                    self._unsynced |= unsynced
                raise OSError(err, os.strerror(err), str(self.root))
            self._syncfs_fn = None  # unavailable here: fsync each blob and folder instead
        with self._lock:
            self._unsynced |= unsynced
        return False

    def _place_all(self, pending: list[BlobInfo]) -> None:
        """Place pending blobs whose content is already durable."""
        for blob in pending:
            assert blob.pending is not None
            final = self.path_for(blob.sha256)
            if _placed_meanwhile(blob, final):
                continue
            if blob.size >= _LARGE:
                with contextlib.suppress(FileNotFoundError):
                    fd = os.open(blob.pending, os.O_RDONLY)
                    _drop_cache(fd)
                    os.close(fd)
            try:
                self._place(blob.pending, final)
            except FileNotFoundError:
                if not final.is_file():
                    raise  # (otherwise: settled twice, placed the first time)

    def _settle_some(self, blobs: list[BlobInfo]) -> None:
        for blob in blobs:
            assert blob.pending is not None
            final = self.path_for(blob.sha256)
            if _placed_meanwhile(blob, final):
                continue
            try:
                fd = os.open(blob.pending, os.O_RDONLY)
            except FileNotFoundError:
                if final.is_file():  # settled twice: placed the first time
                    continue
                raise
            try:
                self._make_durable(fd, blob)
            finally:
                os.close(fd)
            self._place(blob.pending, final)

    def discard(self, blobs: Iterable[BlobInfo]) -> None:
        """Remove the temp files of pending blobs that will not be recorded."""
        for blob in blobs:
            if blob.pending is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(blob.pending)

    @staticmethod
    def _make_durable(fd: int, blob: BlobInfo, *, keep_cached: bool = False) -> None:
        os.fsync(fd)
        if blob.size >= _LARGE and not keep_cached:
            _drop_cache(fd)

    def _new_temp(self) -> tuple[str, int]:
        """A new temp file, created read-only (the descriptor that creates it may still write
        it; nothing else can), and its descriptor."""
        while True:
            tmp_path = os.path.join(self.tmp, f"{_temp_prefix()}-{next(_tmp_numbers)}.part")
            try:
                return tmp_path, os.open(tmp_path, _CREATE, _READ_ONLY)
            except FileExistsError:  # (not expected: the prefix is random) the next number
                continue
            except FileNotFoundError:  # the vault folders were removed under us
                self.ensure()
                return tmp_path, os.open(tmp_path, _CREATE, _READ_ONLY)

    def _place(self, tmp_path: str, final: Path) -> None:
        """Rename the finished temp file into its fan-out folder (made if needed). The folders
        that gained a name are left to ``sync_dirs``, which syncs each once per batch."""
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
        with self._lock:
            self._unsynced.update(made)
            self._unsynced.add(folder)

    def _make_dirs(self, folder: str) -> list[str]:
        """Make ``folder`` and its parent if missing; the folders that gained an entry."""
        top = os.path.dirname(folder)
        made: list[str] = []
        for path in (top, folder):
            if path in self._known_dirs:
                continue
            try:
                os.mkdir(path)
            except FileExistsError:
                pass
            else:
                made.insert(0, os.path.dirname(path))
            self._known_dirs.add(path)
        return made

    def sync_dirs(self, digests: Iterable[str]) -> None:
        """Make sure the names of these blobs survive a power cut, before they are recorded.

        Syncs the folder of each (also of blobs that were already in the vault: an add killed
        after placing them may not have synced their folders yet), and every folder that
        gained a name in this process since the last call (new fan-out folders, members of
        archives), several at once."""
        folders = {os.path.dirname(self.path_for(d)) for d in digests}
        with self._lock:
            folders |= self._unsynced
            self._unsynced = set()
        try:
            _in_parallel(_fsync_dirs, sorted(folders))
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

    def clean_tmp(self, older_than: float | None = None) -> int:
        """Remove temp files left by interrupted writes (a kill, a power cut). Returns how many
        were removed.

        ``older_than`` (seconds): only files not written to for that long, and never those of a
        process still running on this machine. Another add may be using the same vault right
        now: its copies in progress, and those waiting (untouched, perhaps for long) for their
        batch to be recorded, must be left alone."""
        removed = 0
        if not self.tmp.is_dir():
            return 0
        limit = time.time() - older_than if older_than is not None else None
        for leftover in self.tmp.glob("*.part"):
            try:
                if limit is not None and (leftover.stat().st_mtime > limit
                                          or _writer_running(leftover.name)):
                    continue
                leftover.unlink()
            except FileNotFoundError:  # placed or removed by its writer meanwhile
                continue
            removed += 1
        return removed


def _temp_prefix() -> str:
    """``<host>-<pid>-<random>`` for this process (made again in a forked child)."""
    global _tmp_prefix
    pid = os.getpid()
    if _tmp_prefix[0] != pid:
        _tmp_prefix = (pid, f"{_HOST}-{pid}-{uuid.uuid4().hex[:12]}")
    return _tmp_prefix[1]


def _writer_running(name: str) -> bool:
    """Whether the temp file ``name`` was made by a process still running on this machine."""
    parts = name.removesuffix(".part").rsplit("-", 3)
    if len(parts) != 4 or parts[0] != _HOST or not parts[1].isdigit():
        return False
    try:
        os.kill(int(parts[1]), 0)
    except PermissionError:
        return True  # another user's process: running
    except (ProcessLookupError, OverflowError, ValueError):
        return False
    return True


def _drop_cache(fd: int) -> None:
    """Let the kernel drop a blob's pages from the page cache once they are on disk.

    Evidence is written once and seldom read again soon: kept in the cache, an intake of a
    large device would push out everything else (the investigator's work, the evidence being
    read), and every new blob would need fresh memory. Dropped, the pages are reused for the
    next blob. (On the benchmark's virtual machine, fresh memory is costly to touch the first
    time: this took 1-2 s of system time off a 1 GiB intake.)"""
    if hasattr(os, "posix_fadvise"):
        with contextlib.suppress(OSError):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)


def _load_syncfs() -> Callable[[int], int] | None:
    """libc's ``syncfs(fd)`` (Linux), or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = ctypes.c_int
    return cast(Callable[[int], int], function)


_SYNCFS = _load_syncfs()


def _in_parallel(work: Callable[[list[_T]], None], items: list[_T]) -> None:
    """``work`` over ``items`` split among up to ``_SYNC_THREADS`` threads: fsync is latency,
    and several in flight at once overlap it. One task per thread, not per item (each task is a
    hand-over between threads, which costs more than a small fsync)."""
    if len(items) < 4:
        if items:
            work(items)
        return
    threads = min(_SYNC_THREADS, len(items))
    with ThreadPoolExecutor(threads, thread_name_prefix="vault-sync") as pool:
        list(pool.map(work, [items[n::threads] for n in range(threads)]))


def _fsync_dirs(folders: list[str]) -> None:
    for folder in folders:
        _fsync_dir(folder)


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
