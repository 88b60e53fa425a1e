"""Walk the paths given to ``sabueso add`` before anything is written.

Every problem that can be seen up front (a path that does not exist or cannot be read) stops
the add before the case is touched. Links and special files inside folders are not followed;
they are listed as skipped so the investigator knows they were not taken.
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


@dataclass(frozen=True, slots=True)
class FileEntry:
    path: Path
    size: int
    modified_at: datetime
    folder: FolderNode | None


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
    seen: set[Path] = set()
    for given in paths:
        path = Path(os.path.abspath(given))
        if not path.exists():
            raise NotFound("error.path_missing", location=str(given))
        real = path.resolve()
        if real in seen:
            continue
        seen.add(real)
        if real.is_dir():
            _walk(real, result)
        elif real.is_file():
            st = _readable_file(real)
            result.files.append(FileEntry(real, st.st_size, _mtime(st), None))
        else:
            raise InputError("error.path_special", location=str(given))
    return result


def _walk(root: Path, result: Scan) -> None:
    if not os.access(root, os.R_OK | os.X_OK):
        raise InputError("error.path_unreadable", location=str(root), reason="permission denied")
    top = FolderNode(root, None)
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
