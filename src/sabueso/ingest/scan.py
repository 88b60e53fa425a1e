"""Walk the paths given to ``sabueso add`` before anything is written.

Every problem that can be seen up front (a path that does not exist or cannot be read) stops
the add before the case is touched. Links and special files inside folders are not followed;
they are listed as skipped so the investigator knows they were not taken.

A path given on the command line is taken as given: a link there is the investigator's
choice, so it is followed for the content, but the item keeps the given name and path and
records where the link led (``link_target``). Paths are compared resolved: a path given twice
(``repeated``), or a file or folder inside a folder also given (``covered``), is taken once,
and the redundant argument is listed as skipped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sabueso.core.errors import InputError, NotFound


@dataclass(slots=True)
class FolderNode:
    path: Path
    parent: FolderNode | None
    link_target: Path | None = None  # given on the command line, read from elsewhere


@dataclass(frozen=True, slots=True)
class FileEntry:
    path: Path
    size: int
    modified_at: datetime
    folder: FolderNode | None
    link_target: Path | None = None  # given on the command line, read from elsewhere


@dataclass(slots=True)
class Scan:
    files: list[FileEntry] = field(default_factory=list)
    folders: list[FolderNode] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)


def _readable_file(path: Path) -> os.stat_result:
    try:
        st = path.stat()
        with path.open("rb") as fh:
            fh.read(1)
    except PermissionError as exc:
        raise InputError("error.path_unreadable", location=str(path), reason=exc.strerror or "")\
            from None
    except OSError as exc:
        raise InputError("error.path_unreadable", location=str(path), reason=exc.strerror or "")\
            from None
    return st


def _mtime(st: os.stat_result) -> datetime:
    return datetime.fromtimestamp(st.st_mtime, UTC)


def scan(paths: list[Path]) -> Scan:
    result = Scan()
    given: list[tuple[Path, Path, bool]] = []  # (absolute as given, resolved, is a folder)
    for arg in paths:
        path = Path(os.path.abspath(arg))
        if not path.exists():
            raise NotFound("error.path_missing", location=str(arg))
        real = path.resolve()
        if real.is_dir():
            given.append((path, real, True))
        elif real.is_file():
            given.append((path, real, False))
        else:
            raise InputError("error.path_special", location=str(arg))
    # A walk reaches every file and folder whose resolved path lies under its resolved root
    # (resolved paths hold no links), so those given on their own too would be taken twice.
    folders = {real for _path, real, is_dir in given if is_dir}
    seen: set[Path] = set()
    for path, real, is_dir in given:
        if real in seen:
            result.skipped.append((path, "repeated"))
            continue
        seen.add(real)
        if not folders.isdisjoint(real.parents):
            result.skipped.append((path, "covered"))
            continue
        link = real if real != path else None
        if is_dir:
            _walk(path, result, link)
        else:
            st = _readable_file(path)
            result.files.append(FileEntry(path, st.st_size, _mtime(st), None, link))
    return result


def _walk(root: Path, result: Scan, link_target: Path | None) -> None:
    if not os.access(root, os.R_OK | os.X_OK):
        raise InputError("error.path_unreadable", location=str(root), reason="permission denied")
    top = FolderNode(root, None, link_target)
    result.folders.append(top)
    nodes = {root: top}

    def on_error(exc: OSError) -> None:
        raise InputError("error.path_unreadable", location=str(exc.filename),
                         reason=exc.strerror or "")

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error, followlinks=False):
        here = Path(dirpath)
        node = nodes[here]
        dirnames.sort()
        for name in list(dirnames):
            sub = here / name
            if sub.is_symlink():
                result.skipped.append((sub, "link"))
                dirnames.remove(name)
                continue
            if not os.access(sub, os.R_OK | os.X_OK):
                raise InputError("error.path_unreadable", location=str(sub),
                                 reason="permission denied")
            child = FolderNode(sub, node)
            nodes[sub] = child
            result.folders.append(child)
        for name in sorted(filenames):
            file_path = here / name
            if file_path.is_symlink():
                result.skipped.append((file_path, "link"))
                continue
            st = os.lstat(file_path)
            if not _is_regular(st):
                result.skipped.append((file_path, "special"))
                continue
            _readable_file(file_path)
            result.files.append(FileEntry(file_path, st.st_size, _mtime(st), node))


def _is_regular(st: os.stat_result) -> bool:
    import stat

    return stat.S_ISREG(st.st_mode)
