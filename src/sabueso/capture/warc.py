"""Writing a capture's exchanges as a WARC 1.1 file (gzip per record), with ``warcio``.

Each exchange becomes a ``request`` and a ``response`` record holding the bytes exactly as
they crossed the socket (headers, chunked framing and content encoding included), with
``WARC-IP-Address`` naming the address connected to. The file opens with a ``warcinfo``
record naming the tool and browser, and closes with a ``metadata`` record listing the
requests the address policy or the limits refused.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

from sabueso.capture.http import Exchange
from sabueso.core.canonical import canonical_json


def _warc_date(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class WarcSink:
    """An open WARC file that exchanges are appended to, from any thread."""

    def __init__(self, path: Path, info: dict[str, Any]) -> None:
        self.path = path
        self._file: BinaryIO = path.open("wb")
        self._writer = WARCWriter(self._file, gzip=True, warc_version="1.1")
        self._lock = threading.Lock()
        self.records = 0
        record = self._writer.create_warcinfo_record(path.name, info)
        self._write(record)

    def _write(self, record: Any) -> None:
        self._writer.write_record(record)
        self.records += 1

    def add(self, exchange: Exchange) -> None:
        common = {"WARC-IP-Address": exchange.address,
                  "WARC-Date": _warc_date(exchange.started_at)}
        request = self._writer.create_warc_record(
            exchange.url, "request", payload=io.BytesIO(exchange.request_raw),
            length=len(exchange.request_raw), warc_headers_dict=dict(common))
        response = self._writer.create_warc_record(
            exchange.url, "response", payload=io.BytesIO(exchange.response_raw),
            length=len(exchange.response_raw), warc_headers_dict=dict(common))
        with self._lock:
            self._writer.write_request_response_pair(request, response)
            self.records += 2

    def add_metadata(self, uri: str, doc: dict[str, Any]) -> None:
        data = canonical_json(doc).encode()
        record = self._writer.create_warc_record(
            uri, "metadata", payload=io.BytesIO(data), length=len(data),
            warc_content_type="application/json")
        with self._lock:
            self._write(record)

    def close(self) -> None:
        with self._lock:
            if not self._file.closed:
                self._file.flush()
                self._file.close()

    def __enter__(self) -> WarcSink:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def read_records(stream: BinaryIO) -> Iterator[dict[str, Any]]:
    """The records of a WARC as plain values (type, URI, status, payload digest), with
    ``warcio``'s own reader: what ``sabueso replay`` lists and the tests check."""
    for record in ArchiveIterator(stream):
        http_headers = record.http_headers
        yield {
            "type": record.rec_type,
            "uri": record.rec_headers.get_header("WARC-Target-URI"),
            "date": record.rec_headers.get_header("WARC-Date"),
            "ip": record.rec_headers.get_header("WARC-IP-Address"),
            "status": http_headers.get_statuscode() if http_headers and
            record.rec_type == "response" else None,
            "content_type": http_headers.get_header("Content-Type") if http_headers else None,
            "payload_digest": record.rec_headers.get_header("WARC-Payload-Digest"),
            "payload": record.content_stream().read(),
        }
