"""Safe expansion of ZIP and tar archives (and single gzip/bzip2/xz files) into the vault.

Nothing is ever extracted to the file system: each member is streamed straight into the
content-addressed vault. Even so, hostile archives are refused with a clear error naming the
archive and member: absolute or ``..`` paths (zip-slip), links and device files, overlapping
ZIP entries, members or archives that expand past the ratio, size, count or depth limits, and
corrupt data (bad CRC, truncated streams). Limits are counted on the bytes actually produced,
not on the sizes an archive declares.
"""

from __future__ import annotations

import bz2
import gzip
import itertools
import lzma
import re
import stat
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Self

from sabueso.core.errors import ArchiveError
from sabueso.ingest.mediatype import ZIP
from sabueso.store.vault import BlobInfo, Vault

MiB = 1 << 20
GiB = 1 << 30
TAR_TYPES = frozenset({"application/x-tar"})
COMPRESSED_TYPES: dict[str, Callable[..., Any]] = {
    "application/gzip": gzip.open, "application/x-gzip": gzip.open,
    "application/x-bzip2": bz2.open, "application/x-xz": lzma.open,
}
_SUFFIXES = (".tgz", ".tbz2", ".txz", ".gz", ".bz2", ".xz")


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """Bounds on what one archive (with everything nested in it) may expand to."""

    max_members: int = 100_000
    max_total_bytes: int = 20 * GiB
    max_ratio: float = 200.0
    max_depth: int = 5
    # Ratios are only judged above this size: a small run of zeros compresses 1000:1 honestly.
    ratio_floor: int = 16 * MiB


@dataclass(slots=True)
class Member:
    """A file read out of an archive and stored in the vault."""

    path: str
    blob: BlobInfo
    modified_at: datetime | None = None
    children: list[Member] = field(default_factory=list)
    remark: str | None = None


@dataclass(slots=True)
class _Budget:
    limits: ArchiveLimits
    members: int = 0
    total: int = 0
    defer: bool = False  # members left pending in the vault, for the caller to ``settle``
    stored: list[BlobInfo] = field(default_factory=list)

    def remaining(self) -> int:
        return self.limits.max_total_bytes - self.total


def is_expandable(media_type: str) -> bool:
    return media_type == ZIP or media_type in TAR_TYPES or media_type in COMPRESSED_TYPES


def safe_member_path(name: str, where: str) -> str:
    """The member's path normalised to ``a/b/c``, or ArchiveError for an escaping path."""
    text = name.replace("\\", "/")
    if "\x00" in text or text.startswith("/") or re.match(r"^[A-Za-z]:", text):
        raise ArchiveError("error.archive_traversal", location=where, member=name)
    parts = [p for p in text.split("/") if p not in ("", ".")]
    # the drive test again on the first real part: "./C:/x" must not become "C:/x"
    if ".." in parts or not parts or re.match(r"^[A-Za-z]:", parts[0]):
        raise ArchiveError("error.archive_traversal", location=where, member=name)
    return "/".join(parts)


def expand(vault: Vault, blob: BlobInfo, name: str, where: str, limits: ArchiveLimits,
           on_bytes: Callable[[int], None] | None = None, *, defer: bool = False) -> list[Member]:
    """Expand the archive ``blob`` (named ``name``) from the vault. ``where`` names it in errors.

    ``defer``: the members are stored pending (see ``Vault.store_stream``); the caller settles
    them. When the expansion fails, those stored so far are discarded."""
    budget = _Budget(limits, defer=defer)
    try:
        return _expand(vault, blob, name, where, 1, budget, on_bytes)
    except BaseException:
        vault.discard(budget.stored)
        raise


def _expand(vault: Vault, blob: BlobInfo, name: str, where: str, depth: int, budget: _Budget,
            on_bytes: Callable[[int], None] | None) -> list[Member]:
    path = vault.path_of(blob)
    if depth > budget.limits.max_depth:
        raise ArchiveError("error.archive_too_deep", location=where,
                           limit=budget.limits.max_depth)
    if blob.media_type == ZIP:
        members = _expand_zip(vault, path, blob, name, where, budget)
    else:
        members = _expand_tar_or_stream(vault, path, blob, name, where, budget)
    for member in members:
        if on_bytes:
            on_bytes(member.blob.size)
        if is_expandable(member.blob.media_type):
            inner = f"{where} → {member.path}"
            member.children = _expand(vault, member.blob, member.path.rsplit("/", 1)[-1], inner,
                                      depth + 1, budget, on_bytes)
    return members


def _check_count(budget: _Budget, where: str, member: str) -> None:
    """Count ``member`` against the budget; ArchiveError naming it when it is one too many."""
    budget.members += 1
    if budget.members > budget.limits.max_members:
        raise ArchiveError("error.archive_too_many", location=where, member=member,
                           limit=budget.limits.max_members)


def _store(vault: Vault, stream: IO[bytes], name: str, budget: _Budget, where: str,
           size_hint: int, compressed_size: int) -> BlobInfo:
    limits = budget.limits
    cap = budget.remaining()
    ratio_cap = max(int(max(compressed_size, 1) * limits.max_ratio), limits.ratio_floor)
    bomb_by_ratio = ratio_cap < cap
    if bomb_by_ratio:
        cap = ratio_cap
    try:
        stored = vault.store_stream(stream, name, size_hint=size_hint, max_bytes=cap,
                                    defer=budget.defer)
    except OverflowError:
        if bomb_by_ratio:
            raise ArchiveError("error.archive_ratio", location=where, member=name,
                               limit=limits.max_ratio) from None
        raise ArchiveError("error.archive_too_big", location=where, member=name,
                           limit=limits.max_total_bytes) from None
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, lzma.LZMAError,
            zlib.error, ValueError) as exc:
        raise ArchiveError("error.archive_corrupt", location=where, member=name,
                           reason=str(exc) or type(exc).__name__) from None
    budget.total += stored.size
    budget.stored.append(stored)
    return stored


def _zip_mtime(info: zipfile.ZipInfo) -> datetime | None:
    """UTC modification time from the extended-timestamp field (0x5455), when present.

    The plain DOS date of a ZIP entry is local time in an unknown zone; it is not turned into
    an instant (see ``remark``) rather than guessed.
    """
    extra = info.extra
    pos = 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4: pos + 4 + size]
        if tag == 0x5455 and len(body) >= 5 and body[0] & 1:
            return datetime.fromtimestamp(struct.unpack_from("<i", body, 1)[0], UTC)
        pos += 4 + size
    return None


def _expand_zip(vault: Vault, path: Path, blob: BlobInfo, name: str, where: str,
                budget: _Budget) -> list[Member]:
    limits = budget.limits
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError,
            NotImplementedError) as exc:  # e.g. "zip file version 8.4" in the directory
        raise ArchiveError("error.archive_corrupt", location=where, member=name,
                           reason=str(exc) or type(exc).__name__) from None
    with archive:
        infos = archive.infolist()
        if len(infos) + budget.members > limits.max_members:
            # named: the first entry past the limit (the directory's own count, not expanded)
            over = infos[max(limits.max_members - budget.members, 0)].filename
            raise ArchiveError("error.archive_too_many", location=where, member=over,
                               limit=limits.max_members)
        ordered = sorted(infos, key=lambda i: i.header_offset)
        for current, following in itertools.pairwise(ordered):
            if following.header_offset < current.header_offset + 30 + current.compress_size:
                raise ArchiveError("error.archive_overlap", location=where,
                                   member=following.filename)
        declared = sum(i.file_size for i in infos)
        # the member named in a refusal: the one declaring the most
        largest = max(infos, key=lambda i: i.file_size).filename if infos else name
        if declared > budget.remaining():
            raise ArchiveError("error.archive_too_big", location=where, member=largest,
                               limit=limits.max_total_bytes)
        if declared >= limits.ratio_floor and declared > blob.size * limits.max_ratio:
            raise ArchiveError("error.archive_ratio", location=where, member=largest,
                               limit=limits.max_ratio)
        members: list[Member] = []
        for info in infos:
            mode = info.external_attr >> 16
            if info.is_dir():
                safe_member_path(info.filename, where)
                continue
            member_path = safe_member_path(info.filename, where)
            if stat.S_ISLNK(mode):
                raise ArchiveError("error.archive_link", location=where, member=info.filename)
            if mode and not (stat.S_ISREG(mode) or stat.S_IFMT(mode) == 0):
                raise ArchiveError("error.archive_special", location=where, member=info.filename)
            _check_count(budget, where, info.filename)
            if info.flag_bits & 0x1:
                raise ArchiveError("error.archive_encrypted", location=where,
                                   member=info.filename)
            try:
                with archive.open(info) as stream:
                    stored = _store(vault, stream, member_path.rsplit("/", 1)[-1], budget, where,
                                    info.file_size, info.compress_size)
            except NotImplementedError as exc:  # unsupported compression method
                raise ArchiveError("error.archive_corrupt", location=where,
                                   member=info.filename, reason=str(exc)) from None
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
                raise ArchiveError("error.archive_corrupt", location=where,
                                   member=info.filename, reason=str(exc)) from None
            members.append(Member(member_path, stored, _zip_mtime(info)))
    return members


def _looks_like_tar(path: Path, opener: Callable[..., Any]) -> bool:
    """Whether the decompressed stream starts with a valid tar header block."""
    try:
        with opener(path, "rb") as stream:
            block = stream.read(tarfile.BLOCKSIZE)
        tarfile.TarInfo.frombuf(block, "utf-8", "surrogateescape")
    except (tarfile.TarError, EOFError, OSError, lzma.LZMAError, zlib.error, ValueError):
        return False
    return True


def _strict_tarinfo(bad: list[tuple[str, str]]) -> type[tarfile.TarInfo]:
    """A TarInfo class that records a broken header in ``bad`` as (name, reason).

    Past the first member, tarfile ends the archive silently at a header it cannot read (bad
    checksum, cut short): members after it would be dropped without a word.
    """

    class _Strict(tarfile.TarInfo):
        @classmethod
        def frombuf(cls, buf: bytes | bytearray, encoding: str, errors: str) -> Self:
            try:
                return super().frombuf(buf, encoding, errors)
            except tarfile.HeaderError as exc:
                # an empty read (end of stream) or a zero block (end of archive) is an end
                if buf and buf.count(0) != len(buf):
                    member = bytes(buf[:100]).split(b"\0", 1)[0]
                    bad.append((member.decode("utf-8", "backslashreplace"), str(exc)))
                raise

    return _Strict


def _expand_tar_or_stream(vault: Vault, path: Path, blob: BlobInfo, name: str, where: str,
                          budget: _Budget) -> list[Member]:
    opener = COMPRESSED_TYPES.get(blob.media_type)
    if opener is not None and not _looks_like_tar(path, opener):
        return _expand_single(vault, path, blob, name, where, budget)
    bad: list[tuple[str, str]] = []
    try:
        # Decompressed by the gzip/bz2/xz modules, not by tarfile's own stream reader: they
        # check the CRC at the end of the stream and notice when it is cut short.
        with opener(path, "rb") if opener else path.open("rb") as stream:
            with tarfile.open(fileobj=stream, mode="r|", tarinfo=_strict_tarinfo(bad)) as tar:
                members = _expand_tar(vault, tar, blob, where, budget)
            if bad:
                raise ArchiveError("error.archive_corrupt", location=where, member=bad[0][0],
                                   reason=bad[0][1])
            if opener is not None:
                _drain(stream, blob, name, where, budget)
        return members
    except ArchiveError:
        raise
    except (tarfile.TarError, EOFError, OSError, lzma.LZMAError, zlib.error) as exc:
        member, reason = bad[0] if bad else (name, str(exc) or type(exc).__name__)
        raise ArchiveError("error.archive_corrupt", location=where, member=member,
                           reason=reason) from None


def _drain(stream: IO[bytes], blob: BlobInfo, name: str, where: str, budget: _Budget) -> None:
    """Read a compressed tar to its end (past the end-of-archive blocks), so that its CRC is
    checked. What lies there is bounded like any expansion."""
    limits = budget.limits
    left = max(int(blob.size * limits.max_ratio), limits.ratio_floor)
    while chunk := stream.read(MiB):
        left -= len(chunk)
        if left < 0:
            raise ArchiveError("error.archive_ratio", location=where, member=name,
                               limit=limits.max_ratio)


def _tar_mtime(info: tarfile.TarInfo) -> datetime | None:
    """UTC modification time of a tar member; None when absent or out of range."""
    try:
        return datetime.fromtimestamp(info.mtime, UTC) if info.mtime else None
    except (OverflowError, OSError, ValueError):  # e.g. a pax mtime of 1e15 or nan
        return None


def _expand_tar(vault: Vault, archive: tarfile.TarFile, blob: BlobInfo, where: str,
                budget: _Budget) -> list[Member]:
    members: list[Member] = []
    for info in archive:
        member_path = safe_member_path(info.name, where)
        if info.isdir():
            continue
        if info.issym() or info.islnk():
            raise ArchiveError("error.archive_link", location=where, member=info.name)
        if not info.isfile():
            raise ArchiveError("error.archive_special", location=where, member=info.name)
        _check_count(budget, where, info.name)
        stream = archive.extractfile(info)
        if stream is None:
            raise ArchiveError("error.archive_special", location=where, member=info.name)
        stored = _store(vault, stream, member_path.rsplit("/", 1)[-1], budget, where,
                        info.size, blob.size)
        if stored.size != info.size:
            raise ArchiveError("error.archive_corrupt", location=where, member=info.name,
                               reason="truncated")
        members.append(Member(member_path, stored, _tar_mtime(info)))
        if budget.total >= budget.limits.ratio_floor and (
                budget.total > blob.size * budget.limits.max_ratio):
            raise ArchiveError("error.archive_ratio", location=where, member=info.name,
                               limit=budget.limits.max_ratio)
    return members


def _expand_single(vault: Vault, path: Path, blob: BlobInfo, name: str, where: str,
                   budget: _Budget) -> list[Member]:
    """A compressed file that is not a tar: one member, the decompressed content."""
    inner = name
    for suffix in _SUFFIXES:
        if name.lower().endswith(suffix):
            inner = name[: -len(suffix)] + (".tar" if suffix.startswith(".t") else "")
            break
    else:
        inner = name + ".out"
    name = inner if inner.strip(".") else name + ".out"
    _check_count(budget, where, name)
    opener = COMPRESSED_TYPES[blob.media_type]
    with opener(path, "rb") as stream:
        stored = _store(vault, stream, name, budget, where, 0, blob.size)
    return [Member(name, stored, None)]
