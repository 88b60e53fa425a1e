"""The base of text reading: the decoding rule for text of unknown encoding, the text record,
and the error a reader raises.

Text is decoded by one deterministic rule, decided per file and recorded: a BOM names UTF-8 or
UTF-16; a NUL pattern in the first 4 KiB means UTF-16 without BOM; anything else is UTF-8, where
bytes that are not valid UTF-8 are read as Windows-1252 (so a legacy Windows-1252/Latin-1 file,
or a mixed one, reads correctly) and the encoding is then recorded as ``utf-8+cp1252``.
Statistical detection (charset-normalizer, chardet) is not used: its verdicts on short Spanish
texts vary between versions and cannot be explained to a court; this rule can. Line ends are
kept as they are, so offsets count every character of the decoded file.
"""

from __future__ import annotations

import codecs
import io
import threading
from typing import IO, TextIO, cast

from sabueso.core.errors import InputError
from sabueso.ingest.mediatype import HEAD_SIZE

__all__ = [
    "CHUNK",
    "DecodedText",
    "ReaderError",
    "TextRecord",
    "corrupt",
    "decode_bytes",
    "read_capped",
]

CHUNK = 1 << 20


class ReaderError(InputError):
    """An evidence file could not be read as text: damaged, encrypted or not what it claims."""


# --------------------------------------------------------------------------- decoding

_CP1252 = [bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256)]
_fallbacks = threading.local()


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _fallbacks.count = getattr(_fallbacks, "count", 0) + 1
    bad = exc.object[exc.start:exc.end]
    return "".join(_CP1252[b] for b in bad), exc.end


FALLBACK = "sabueso-cp1252"
codecs.register_error(FALLBACK, _cp1252_fallback)


def _fallback_count() -> int:
    return int(getattr(_fallbacks, "count", 0))


def _sniff(head: bytes) -> tuple[str, int]:
    """(codec, BOM length) for content starting with ``head``."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    sample = head[:4096]
    pairs = len(sample) // 2
    if pairs >= 4:
        even_zeros = sample[0::2][:pairs].count(0)
        odd_zeros = sample[1::2][:pairs].count(0)
        if odd_zeros >= 0.4 * pairs and even_zeros <= 0.05 * pairs:
            return "utf-16-le", 0
        if even_zeros >= 0.4 * pairs and odd_zeros <= 0.05 * pairs:
            return "utf-16-be", 0
    return "utf-8", 0


class DecodedText(io.TextIOBase):
    """A binary stream read as text by the module's rule; ``encoding_used`` says how.

    Reads in chunks: memory stays flat however large the stream is.
    """

    def __init__(self, raw: IO[bytes], head: bytes | None = None) -> None:
        super().__init__()
        if head is None:
            head = raw.read(HEAD_SIZE)
        self._raw = raw
        codec, bom = _sniff(head)
        self._codec = codec
        self._bom = bom > 0
        self._pending = head[bom:]
        errors = FALLBACK if codec == "utf-8" else "replace"
        self._decoder = codecs.getincrementaldecoder(codec)(errors=errors)
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._fallback = False
        self.chars = 0  # characters returned so far

    @property
    def encoding_used(self) -> str:
        name = "utf-8-sig" if self._codec == "utf-8" and self._bom else self._codec
        if self._codec.startswith("utf-16") and self._bom:
            name += " (BOM)"
        return name + ("+cp1252" if self._fallback else "")

    def readable(self) -> bool:
        return True

    def _fill(self, size: int) -> None:
        # ``_buf[_pos:]`` is what has been decoded and not yet returned.
        while not self._eof and (size < 0 or len(self._buf) - self._pos < size):
            data = self._pending or self._raw.read(CHUNK)
            self._pending = b""
            before = _fallback_count()
            text = self._decoder.decode(data, not data)
            if self._pos:
                self._buf, self._pos = self._buf[self._pos:], 0
            self._buf = self._buf + text if self._buf else text
            if _fallback_count() != before:
                self._fallback = True
            if not data:
                self._eof = True

    def read(self, size: int | None = -1) -> str:
        size = -1 if size is None else size
        self._fill(size)
        pos = self._pos
        if size < 0 or size >= len(self._buf) - pos:
            out = self._buf[pos:] if pos else self._buf
            self._buf, self._pos = "", 0
        else:
            # a slice, not a copy of the rest: reading a large buffer in small pieces
            # stays linear
            out = self._buf[pos:pos + size]
            self._pos = pos + size
        self.chars += len(out)
        return out


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding used) for a whole byte string, by the same rule as ``DecodedText``."""
    stream = DecodedText(io.BytesIO(data))
    text = stream.read()
    return text, stream.encoding_used


# --------------------------------------------------------------------------- records

def _clean(text: str) -> str:
    # PostgreSQL text cannot hold NUL; one character for one keeps every offset.
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


class TextRecord:
    """In an evidence file, at ``locator``, a reader read this text.

    A streamed record (a whole plain-text file) holds no text in memory: ``open()`` returns its
    stream, which can be read once, before the next record is asked for; ``encoding`` and
    ``chars`` are final once it has been read to the end. Other records hold ``text``.
    """

    __slots__ = ("_stream", "_text", "locator", "note")

    def __init__(self, locator: str | None, text: str | None = None, *,
                 stream: DecodedText | None = None, note: str | None = None) -> None:
        self.locator = _clean(locator) if locator is not None else None
        self._text = _clean(text) if text is not None else None
        self._stream = stream
        self.note = note

    @property
    def streamed(self) -> bool:
        return self._stream is not None

    @property
    def text(self) -> str | None:
        """The text, or None for a streamed record."""
        return self._text

    @property
    def encoding(self) -> str | None:
        return self._stream.encoding_used if self._stream is not None else None

    @property
    def chars(self) -> int:
        if self._stream is not None:
            return self._stream.chars
        return len(self._text or "")

    def open(self) -> TextIO:
        if self._stream is not None:
            return cast(TextIO, self._stream)
        return io.StringIO(self._text or "", newline="")

    def __repr__(self) -> str:
        return f"TextRecord({self.locator!r}, chars={self.chars})"


def read_capped(stream: IO[bytes], limit: int, name: str, what: str) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ReaderError("error.reader_too_large", location=name, format=what,
                          limit=f"{limit >> 20} MiB")
    return data


def corrupt(name: str, what: str, exc: BaseException) -> ReaderError:
    reason = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    return ReaderError("error.reader_corrupt", location=name, format=what, reason=reason[:300])
