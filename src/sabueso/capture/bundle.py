"""Making one capture bundle in a work folder: the files that become evidence items.

``capture.warc.gz``  every HTTP exchange (request and response, as on the wire)
``screenshot.png``   full-page screenshot (browser mode)
``print.pdf``        the page printed to PDF (browser mode)
``dom.html``         the DOM as rendered, scripts run (browser mode)
``page.html``        the document as the server sent it (``--no-browser`` mode, HTML only)
``document.EXT``     what the URL served when it is not a web page (PDF, image, JSON...)
``text.txt``         the visible text (it flows into extraction, entities and search)
``capture.json``     the record: URLs, redirects, status, headers, addresses, TLS, time,
                     user agent, tool and browser versions, policy, limits, file hashes
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import platform
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sabueso import __version__
from sabueso.capture.browser import VIEWPORT, BrowserSession
from sabueso.capture.errors import CaptureFailed
from sabueso.capture.guard import AddressPolicy
from sabueso.capture.http import Budget, Exchange, Limits, fetch_page
from sabueso.capture.warc import WarcSink
from sabueso.core.canonical import canonical_json
from sabueso.core.timeutil import iso_utc, utcnow

# role of each file in the bundle (``capture_items.role``)
ROLES = {"capture.warc.gz": "warc", "screenshot.png": "screenshot", "print.pdf": "pdf",
         "dom.html": "dom", "page.html": "page", "text.txt": "text", "capture.json": "record"}
DOCUMENT = "document"  # + the served type's extension: a URL that is not a web page
_HTML = ("text/html", "application/xhtml+xml")
RECORD_FORMAT = "sabueso-capture/1"
TOOL = f"Sabueso/{__version__}"
HTTP_USER_AGENT = f"Mozilla/5.0 (compatible; {TOOL}; evidence capture)"


@dataclass(slots=True)
class Bundle:
    """The outcome of one capture, its files written in ``folder``."""

    folder: Path
    url: str
    final_url: str
    status: int | None
    mode: str
    started_at: datetime
    record: dict[str, Any] = field(default_factory=dict)

    def files(self) -> list[Path]:
        return sorted(p for p in self.folder.iterdir() if p.is_file())


def _hashes(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return {"sha256": digest.hexdigest(), "size": size}


def _warcinfo(mode: str, browser: str | None, policy: AddressPolicy) -> dict[str, Any]:
    return {"software": TOOL, "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
                          "warc-format/warc-1.1/",
            "x-capture-mode": mode, "x-browser": browser or "none",
            "x-python": platform.python_version(),
            "x-address-policy": canonical_json(policy.describe())}


def make_bundle(folder: Path, url: str, policy: AddressPolicy, limits: Limits,
                session: BrowserSession | None, note: str | None = None) -> Bundle:
    """Capture ``url`` into ``folder`` (which must exist and be empty)."""
    started = utcnow()
    budget = Budget(limits)
    mode = "browser" if session is not None else "http"
    browser_version: str | None = None
    if session is not None:
        session.start()
        browser_version = f"Chromium {session.version}"
    exchanges: list[Exchange] = []
    chain: list[Exchange] = []  # the page's own documents: each redirect, then the page
    refused: list[dict[str, str]] = []
    title = ""
    full_page: bool | None = None
    with WarcSink(folder / "capture.warc.gz", _warcinfo(mode, browser_version, policy)) as sink:
        def on_exchange(exchange: Exchange) -> None:
            sink.add(exchange)

        if session is not None:
            rendered = session.render(url, policy, budget, folder, on_exchange)
            exchanges, refused = rendered.exchanges, rendered.refused
            chain = rendered.documents
            final_url, user_agent, title = rendered.final_url, rendered.user_agent, rendered.title
            full_page = rendered.full_page
        else:
            page = fetch_page(policy, url, budget, HTTP_USER_AGENT, on_exchange)
            exchanges = chain = page.chain
            final_url, user_agent = page.final.url, HTTP_USER_AGENT
            _write_http_files(folder, page.final)
        if refused:
            sink.add_metadata(url, {"refused": refused})
    if not chain:
        raise CaptureFailed("error.capture_network", url=url, reason="no response recorded")
    final = chain[-1]
    if final.media_type and final.media_type not in _HTML and final.body:
        # a PDF, an image, JSON...: the file itself, so that it is read like any evidence
        extension = mimetypes.guess_extension(final.media_type) or ".bin"
        (folder / (DOCUMENT + extension)).write_bytes(final.body)
    record: dict[str, Any] = {
        "format": RECORD_FORMAT,
        "requested_url": url, "final_url": final_url, "title": title or None,
        "redirects": [{"url": e.url, "status": e.status, "location": e.redirect_to}
                      for e in chain[:-1]],
        "status": final.status, "reason": final.reason,
        "headers": [[k, v] for k, v in final.headers],
        "address": final.address, "port": final.port, "tls": final.tls,
        "resolved_addresses": list(final.resolved),
        "content_encoding_kept": final.undecoded,
        "started_at": iso_utc(started), "finished_at": iso_utc(utcnow()),
        "user_agent": user_agent, "mode": mode,
        "tool": {"name": "Sabueso", "version": __version__,
                 "python": platform.python_version()},
        "browser": {"name": "Chromium", "version": session.version,
                    "executable": session.executable, "sandbox": session.sandbox,
                    "viewport": dict(VIEWPORT), "full_page_screenshot": full_page}
        if session is not None else None,
        "address_policy": policy.describe(),
        # in MiB: a byte count like 52428800 reads as a phone number to the extractors
        "limits": {"page_seconds": limits.page_seconds, "io_seconds": limits.io_seconds,
                   "response_mib": round(limits.response_bytes / (1 << 20), 3),
                   "bundle_mib": round(limits.bundle_bytes / (1 << 20), 3),
                   "redirects": limits.redirects},
        "note": note,
        "exchanges": [e.summary() for e in exchanges],
        "refused": refused,
    }
    record["files"] = {p.name: _hashes(p) for p in sorted(folder.iterdir()) if p.is_file()}
    (folder / "capture.json").write_text(
        json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
        encoding="utf-8")
    return Bundle(folder, url, final_url, final.status, mode, started, record)


def _write_http_files(folder: Path, final: Exchange) -> None:
    """``--no-browser``: the document as sent, and its text when it is HTML or text."""
    from sabueso.ingest.textbase import decode_bytes
    from sabueso.ingest.textformats import html_text

    kind = final.media_type
    if kind in ("text/html", "application/xhtml+xml") or (
            not kind and final.body.lstrip()[:15].lower().startswith((b"<!doctype", b"<html"))):
        (folder / "page.html").write_bytes(final.body)
        text = html_text(final.body, final.url)[0]
    elif kind.startswith("text/") or kind in ("application/json", "application/xml"):
        text = decode_bytes(final.body)[0]
    else:
        text = ""
    (folder / "text.txt").write_text(text, encoding="utf-8")


def stamp(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%SZ")
