"""Text out of evidence files: a registry of readers, each turning one format into text records.

A *reader* declares the media types and file extensions it reads and scores a file by them
(the best score wins, as in ingest-file's auction): a new format is one more ``Reader`` in
``REGISTRY``, no edits elsewhere. Readers never execute anything from the file (no scripts, no
macros, no external entities, no network) and never write anything.

A :class:`TextRecord` is "in evidence file F, at LOCATOR, reader R read TEXT". Locators:

- plain text (``.txt``, CSV/TSV, JSON, XML, ...): one record, locator ``None``, *streamed*:
  ``record.open()`` returns a text stream, so files of any size are read with flat memory;
- HTML: ``text`` (visible text: no script or style; image ``alt`` text inline) and ``links``
  (targets of ``href``/``src``/``action`` and ``og:``/``twitter:`` meta values, one a line);
- PDF: ``p. N``, one record per page;
- DOCX: ``document``, then ``header1``, ``footnotes``, ``comments`` ... and ``links``;
- XLSX: ``Sheet!R5``, one record per non-empty row, cells joined by tabs;
- e-mail (``.eml``): ``headers`` (From, To, Cc, Subject, Date, Received, ...) and ``part N``
  for each text part (HTML parts give ``part N`` and ``part N links``).

Plain text is decoded by the rule in ``textbase.py`` (BOM, UTF-16 NUL pattern, else UTF-8 with
Windows-1252 for bytes that are not UTF-8), recorded per file as the record's ``encoding``.
The structured formats are read in ``textformats.py``.
"""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import IO, BinaryIO

from sabueso.core.errors import InputError
from sabueso.ingest import textformats
from sabueso.ingest.mediatype import HEAD_SIZE, detect
from sabueso.ingest.textbase import (
    CHUNK,
    DecodedText,
    ReaderError,
    TextRecord,
    decode_bytes,
)

__all__ = [
    "READER_VERSIONS",
    "REGISTRY",
    "DecodedText",
    "Reader",
    "ReaderError",
    "TextRecord",
    "best_reader",
    "decode_bytes",
    "read_records",
    "reader_by_name",
    "reader_versions",
]

# Bump a reader's version whenever its text output can change for the same file: the case index
# records these and asks for a rebuild when they differ.
READER_VERSIONS: dict[str, str] = {
    "text": "1", "html": "1", "pdf": "1", "docx": "1", "xlsx": "1", "email": "1",
}
# Libraries whose version also shapes a reader's output.
_LIBRARIES = {"html": "lxml", "pdf": "pypdf", "docx": "lxml", "xlsx": "openpyxl"}
MiB = 1 << 20


def reader_versions() -> dict[str, str]:
    """Each reader's version with the version of the library it relies on (``1+pypdf 5.1``).

    Read once per process: looking a distribution's version up parses its metadata file."""
    return dict(_reader_versions())


@functools.cache
def _reader_versions() -> dict[str, str]:
    out: dict[str, str] = {}
    for name, version in READER_VERSIONS.items():
        lib = _LIBRARIES.get(name)
        if lib:
            try:
                version = f"{version}+{lib} {metadata.version(lib)}"
            except metadata.PackageNotFoundError:  # pragma: no cover - a broken install
                version = f"{version}+{lib} ?"
        out[name] = version
    return out


# --------------------------------------------------------------------------- registry

ReadFn = Callable[[IO[bytes], str], Iterator[TextRecord]]
_GENERIC_TYPES = frozenset({"", "application/octet-stream", "application/zip", "text/plain",
                            "application/x-empty"})


def _extension(name: str) -> str:
    lower = name.lower()
    dot = lower.rfind(".")
    return lower[dot:] if dot > 0 else ""


@dataclass(frozen=True, slots=True)
class Reader:
    """A format: the media types and extensions it reads, and how (``read``).

    ``match`` scores a file: 100 for a media type of its own, 50 for its extension when the
    content sniffed only as a generic type (a ``.xlsm`` is sniffed as ZIP, an ``.eml`` may be
    sniffed as ``text/plain``), 40 for a generic type of its own, 10 for the plain text reader
    on any other ``text/*`` type, 0 for no.
    """

    name: str
    media_types: frozenset[str]
    extensions: frozenset[str]
    read: ReadFn
    seekable: bool = True  # needs a seekable stream (ZIP-based and PDF formats)
    any_text: bool = False

    @property
    def version(self) -> str:
        return READER_VERSIONS[self.name]

    def match(self, media_type: str | None, name: str) -> int:
        mt = (media_type or "").split(";")[0].strip().lower()
        if mt in self.media_types:
            return 40 if mt in _GENERIC_TYPES else 100
        if mt in _GENERIC_TYPES and _extension(name) in self.extensions:
            return 50
        if self.any_text and mt.startswith("text/"):
            return 10
        return 0


# --- plain text

def _read_plain(stream: IO[bytes], name: str) -> Iterator[TextRecord]:
    yield TextRecord(None, stream=DecodedText(stream))


PLAIN_TYPES = frozenset({
    "text/plain", "text/csv", "text/tab-separated-values", "text/markdown", "text/vcard",
    "text/x-vcard", "text/calendar", "text/xml", "application/json", "application/x-ndjson",
    "application/xml", "application/yaml", "application/vnd.google-earth.kml+xml",
    "application/x-subrip", "application/x-empty",
})

REGISTRY: list[Reader] = [
    Reader("html", frozenset({"text/html", "application/xhtml+xml"}),
           frozenset({".html", ".htm", ".xhtml", ".mhtml"}), textformats.read_html,
           seekable=False),
    Reader("pdf", frozenset({"application/pdf"}), frozenset({".pdf"}), textformats.read_pdf),
    Reader("docx", frozenset({
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-word.document.macroenabled.12"}),
        frozenset({".docx", ".docm"}), textformats.read_docx),
    Reader("xlsx", frozenset({
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-excel.sheet.macroenabled.12"}),
        frozenset({".xlsx", ".xlsm"}), textformats.read_xlsx),
    Reader("email", frozenset({"message/rfc822"}), frozenset({".eml"}), textformats.read_email,
           seekable=False),
    Reader("text", PLAIN_TYPES, frozenset({
        ".txt", ".csv", ".tsv", ".json", ".jsonl", ".ndjson", ".xml", ".md", ".log", ".vcf",
        ".yaml", ".yml", ".kml", ".srt", ".ics"}), _read_plain, seekable=False, any_text=True),
]


def reader_by_name(name: str) -> Reader:
    """The registered reader called ``name`` (KeyError when there is none)."""
    for reader in REGISTRY:
        if reader.name == name:
            return reader
    raise KeyError(name)


def best_reader(media_type: str | None, name: str) -> Reader | None:
    """The registered reader with the best score for this file, or None when none reads it."""
    scored = [(reader.match(media_type, name), -i, reader) for i, reader in enumerate(REGISTRY)]
    score, _order, reader = max(scored, key=lambda s: (s[0], s[1]))
    return reader if score > 0 else None


def _seekable(stream: IO[bytes]) -> IO[bytes]:
    try:
        if stream.seekable():
            return stream
    except (AttributeError, OSError, ValueError):
        pass
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=64 * MiB)  # noqa: SIM115
    while chunk := stream.read(CHUNK):
        spool.write(chunk)
    spool.seek(0)
    return spool


def read_records(source: Path | str | IO[bytes] | BinaryIO, name: str | None = None,
                 media_type: str | None = None) -> Iterator[TextRecord]:
    """The text records of one file (a path or an open binary stream) named ``name``.

    ``media_type`` is the sniffed type when known (evidence items carry it); otherwise it is
    sniffed here from the first bytes. Raises ``ReaderError`` (naming the file) when no reader
    reads this type or the file is damaged or encrypted. A streamed record must be read before
    the next record is asked for.
    """
    if isinstance(source, str | Path):
        path = Path(source)
        label = name or str(path)
        try:
            fh = path.open("rb")
        except OSError as exc:
            raise InputError("error.file_unreadable", location=label,
                             reason=exc.strerror or str(exc)) from exc
        with fh:
            yield from read_records(fh, label, media_type)
        return
    label = name or "-"
    stream: IO[bytes] = source
    if media_type is None:
        if hasattr(stream, "peek"):
            head = stream.peek(HEAD_SIZE)[:HEAD_SIZE]
        else:
            stream = _seekable(stream)
            head = stream.read(HEAD_SIZE)
            stream.seek(0)
        media_type = detect(head, label)
    reader = best_reader(media_type, label)
    if reader is None:
        raise ReaderError("error.reader_none", location=label, media_type=media_type)
    if reader.seekable:
        stream = _seekable(stream)
    yield from reader.read(stream, label)
