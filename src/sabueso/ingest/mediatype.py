"""Media type detection from the first bytes of content, with the name as a tie-breaker."""

from __future__ import annotations

import mimetypes

import puremagic

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


def detect(head: bytes, name: str) -> str:
    """Best media type for content starting with ``head`` (up to HEAD_SIZE bytes) named ``name``."""
    ext = _extension(name)
    if not head:
        return "application/x-empty"
    best = None
    try:
        matches = puremagic.magic_string(head, filename=name)
    except (puremagic.PureError, ValueError):
        matches = []
    # some signatures name no media type (an ID3v2.3 header also matches ".koz" with a longer
    # run, and no type): they must not hide the matches that do name one
    typed = [m for m in matches if m.mime_type]
    if typed:
        best = max(typed, key=lambda m: (m.confidence, len(m.byte_match or b"")))
    if best is not None and best.mime_type:
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
