"""Media type detection from the first bytes of content, with the name as a tie-breaker.

The signatures are puremagic's, matched by ``_Signatures``: the same table and the same
confidence rules as ``puremagic.magic_string``, but looked up by (offset, length) in a dict
instead of by comparing every one of its ~1,400 header signatures in Python. That took about
0.3-0.6 ms of GIL time per blob, as much as hashing a small file; the lookup takes a few
microseconds. ``tests/ingest/test_mediatype.py`` checks that both give the same best match.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from typing import Any, NamedTuple

import puremagic
from puremagic import main as _pm

HEAD_SIZE = 8192

ZIP = "application/zip"
_ZIP_FAMILY_EXTENSIONS = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".epub": "application/epub+zip",
    ".jar": "application/java-archive",
    ".apk": "application/vnd.android.package-archive",
    ".kmz": "application/vnd.google-earth.kmz",
}
_TEXT_EXTENSIONS = {
    ".txt": "text/plain", ".csv": "text/csv", ".tsv": "text/tab-separated-values",
    ".json": "application/json", ".jsonl": "application/x-ndjson", ".html": "text/html",
    ".htm": "text/html", ".xml": "application/xml", ".md": "text/markdown", ".log": "text/plain",
    ".kml": "application/vnd.google-earth.kml+xml", ".eml": "message/rfc822",
    ".vcf": "text/vcard", ".yaml": "application/yaml", ".yml": "application/yaml",
}
# Signatures too weak to trust over a plain-text reading (short, common byte runs).
_WEAK = 0.3
# For clean text with a text extension, what a signature needs to win (5 bytes or more): a
# 3-4 byte run ("ID3", "OggS", "fLaC") at the start of a .csv or .txt is a coincidence.
_STRONG = 0.5


def _extension(name: str) -> str:
    lower = name.lower()
    dot = lower.rfind(".")
    return lower[dot:] if dot > 0 else ""


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 with BOM
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut at the end of the sample
            return True
    # Latin-1/Windows-1252 text: printable bytes and common controls only
    controls = sum(1 for b in head if b < 0x20 and b not in (9, 10, 12, 13))
    return controls == 0


class Match(NamedTuple):
    mime_type: str
    confidence: float
    byte_match: bytes


class _Signatures:
    """puremagic's signature table, indexed for lookup.

    ``best(head, name)`` is the match ``detect`` takes from ``puremagic.magic_string(head,
    filename=name)``: of the matches that name a media type, the one with the highest
    (confidence, length of the matched bytes), the first in puremagic's order on a tie.
    """

    def __init__(self) -> None:
        headers: list[Any] = list(_pm.magic_header_array)
        # (offset, length) -> {bytes: [(position in puremagic's table, row)]}
        index: dict[tuple[int, int], dict[bytes, list[tuple[int, Any]]]] = {}
        for pos, row in enumerate(headers):
            key = (row.offset, len(row.byte_match))
            index.setdefault(key, {}).setdefault(bytes(row.byte_match), []).append((pos, row))
        self.headers = sorted(index.items(), key=lambda kv: kv[0][0] + kv[0][1])
        self.footers: list[Any] = list(_pm.magic_footer_array)
        self.multi_part: dict[bytes, list[Any]] = dict(_pm.multi_part_dict)
        self.extension_only: list[Any] = list(_pm.extension_only_array)
        self.extensions = frozenset(x.extension for x in (*headers, *self.footers))
        self.max_head, self.max_foot = int(_pm.max_head), int(_pm.max_foot)

    def _ext(self, name: str) -> str:
        """puremagic's ``ext_from_filename``."""
        try:
            base, ext = name.lower().rsplit(".", 1)
        except ValueError:
            return ""
        ext = f".{ext}"
        if base[-4:].startswith(".") and base[-4:] + ext in self.extensions:
            return base[-4:] + ext
        return ext

    def _matches(self, header: bytes, footer: bytes) -> list[Any]:
        """puremagic's ``_identify_all`` before the confidence: the matching rows, in order."""
        size = len(header)
        found: list[tuple[int, Any]] = []
        for (offset, length), table in self.headers:
            if offset + length > size:
                break  # sorted by end: none of the rest fits either
            rows = table.get(header[offset:offset + length])
            if rows:
                found += rows
        found.sort(key=lambda pr: pr[0])
        matches = [row for _pos, row in found]
        for row in self.footers:
            start, end = row.offset, row.offset + len(row.byte_match)
            if (footer[start:end] if end != 0 else footer[start:]) == row.byte_match:
                matches.append(row)
        new = set()
        for matched in matches:
            for row in self.multi_part.get(matched.byte_match, ()):
                start, end = row.offset, row.offset + len(row.byte_match)
                if row.offset < 0:
                    if (footer[start:end] if end != 0 else footer[start:]) == row.byte_match:
                        new.add(_pm.PureMagic(matched.byte_match + row.byte_match, row.offset,
                                              row.extension, row.mime_type, row.name))
                elif end <= size and header[start:end] == row.byte_match:
                    new.add(_pm.PureMagic(header[matched.offset:end], row.offset,
                                          row.extension, row.mime_type, row.name))
        matches.extend(list(new))
        return matches

    def best(self, head: bytes, name: str) -> Match | None:
        ext = self._ext(name) if name else None
        matches: Iterable[Any] = self._matches(head[:self.max_head], head[-self.max_foot:])
        confidence: Any = _confidence
        if not matches and ext:
            matches = [row for row in self.extension_only if ext == row.extension]
            confidence = _extension_only_confidence
        best: Match | None = None
        for row in matches:
            if not row.mime_type:
                continue
            # some signatures name no media type (an ID3v2.3 header also matches ".koz" with a
            # longer run, and no type): they must not hide the matches that do name one
            candidate = Match(str(row.mime_type), confidence(row, ext), bytes(row.byte_match))
            if best is None or (candidate.confidence, len(candidate.byte_match)) > (
                    best.confidence, len(best.byte_match)):
                best = candidate
        return best


def _confidence(row: Any, ext: str | None) -> float:
    """puremagic's rough confidence: the length of the matched bytes, or 0.9 when the name's
    extension is the signature's."""
    length = len(row.byte_match)
    con = 0.8 if length >= 9 else float(f"0.{length}")
    if con >= 0.1 and ext and ext == row.extension:
        con = 0.9
    return con


def _extension_only_confidence(_row: Any, _ext: str | None) -> float:
    return 0.1


_SIGNATURES = _Signatures()


def puremagic_best(head: bytes, name: str) -> Match | None:
    """The same as ``_SIGNATURES.best`` the slow way, through ``puremagic.magic_string`` (kept
    for the tests that hold the two to the same answers)."""
    try:
        matches = puremagic.magic_string(head, filename=name)
    except (puremagic.PureError, ValueError):
        return None
    typed = [m for m in matches if m.mime_type]
    if not typed:
        return None
    best = max(typed, key=lambda m: (m.confidence, len(m.byte_match or b"")))
    return Match(str(best.mime_type), float(best.confidence), bytes(best.byte_match or b""))


def detect(head: bytes, name: str) -> str:
    """Best media type for content starting with ``head`` (up to HEAD_SIZE bytes) named ``name``."""
    ext = _extension(name)
    if not head:
        return "application/x-empty"
    best = _SIGNATURES.best(head, name)
    if best is not None:
        if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
            return _ZIP_FAMILY_EXTENSIONS.get(ext, ZIP)
        looks_text = _looks_like_text(head)
        needed = _STRONG if looks_text and ext in _TEXT_EXTENSIONS else _WEAK
        if best.confidence >= needed or not looks_text:
            return str(best.mime_type)
    if _looks_like_text(head):
        lowered = head[:512].lstrip().lower()
        if ext in _TEXT_EXTENSIONS:
            return _TEXT_EXTENSIONS[ext]
        if lowered.startswith((b"<!doctype html", b"<html")):
            return "text/html"
        return "text/plain"
    guessed, _ = mimetypes.guess_type(name, strict=False)
    return guessed or "application/octet-stream"


ARCHIVE_TYPES = frozenset({
    ZIP, "application/x-zip-compressed", "application/x-tar", "application/gzip",
    "application/x-gzip", "application/x-bzip2", "application/x-xz", "application/x-compressed-tar",
})
