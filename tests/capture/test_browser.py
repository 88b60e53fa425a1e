"""Browser capture in Debian's Chromium against the local site (skipped without Chromium)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sabueso.capture.browser import BrowserSession
from sabueso.capture.bundle import make_bundle
from sabueso.capture.errors import CaptureRefused
from sabueso.capture.guard import AddressPolicy
from sabueso.capture.http import Limits
from sabueso.capture.localsite import LocalSite, Page
from sabueso.capture.warc import read_records

from .conftest import SITE_POLICY, needs_chromium
from .site import _slow

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[BrowserSession]:
    session = BrowserSession().start()
    yield session
    session.close()


def test_bundle_shows_what_the_script_did_and_records_every_exchange(
        site: LocalSite, browser: BrowserSession, tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path, site.url("/go"), SITE_POLICY, Limits(), browser, "nota")
    names = sorted(p.name for p in bundle.files())
    assert names == ["capture.json", "capture.warc.gz", "dom.html", "print.pdf",
                     "screenshot.png", "text.txt"]
    dom = (tmp_path / "dom.html").read_text()
    assert 'id="dyn"' in dom and "@colibri_express" in dom  # written by /app.js
    text = (tmp_path / "text.txt").read_text()
    assert "Texto escrito por el script" in text and "+502 5555-0183" in text
    assert (tmp_path / "screenshot.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert (tmp_path / "print.pdf").read_bytes().startswith(b"%PDF-")
    record = bundle.record
    assert record["final_url"] == site.url("/") and record["status"] == 200
    assert [r["url"] for r in record["redirects"]] == [site.url("/go"), site.url("/step")]
    assert record["browser"]["version"] == browser.version
    assert "HeadlessChrome" in record["user_agent"]
    assert record["note"] == "nota" and record["address"] == "127.0.0.1"
    files = record["files"]
    assert set(files) == set(names) - {"capture.json"}
    with (tmp_path / "capture.warc.gz").open("rb") as fh:
        records = list(read_records(fh))
    responses = {r["uri"]: r for r in records if r["type"] == "response"}
    # the document, its redirects, the style, the script, the image and the redirected image
    for path in ("/go", "/step", "/", "/style.css", "/app.js", "/logo.png", "/moved.png"):
        assert site.url(path) in responses, path
    assert responses[site.url("/app.js")]["payload"].startswith(b"document.body")
    kinds = [r["type"] for r in records]
    assert kinds.count("request") == kinds.count("response") == len(record["exchanges"]) == 8
    assert records[0]["type"] == "warcinfo"
    assert f"Chromium {browser.version}".encode() in records[0]["payload"]


def test_subresources_on_private_addresses_are_refused_and_listed(
        site: LocalSite, browser: BrowserSession, tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path, site.url("/private-img"), SITE_POLICY, Limits(), browser)
    refused = {r["url"]: r for r in bundle.record["refused"]}
    assert set(refused) == {"http://10.9.8.7/x.png", "http://127.0.0.3/y.png"}
    assert all(r["kind"] == "refused" for r in refused.values())
    with (tmp_path / "capture.warc.gz").open("rb") as fh:
        records = list(read_records(fh))
    assert [r["type"] for r in records].count("metadata") == 1
    assert not any(r["uri"] in refused for r in records if r["type"] == "response")


def test_redirect_of_the_page_to_a_private_address_is_refused(
        site: LocalSite, browser: BrowserSession, tmp_path: Path) -> None:
    hits = len(site.hits)
    with pytest.raises(CaptureRefused) as refused:
        make_bundle(tmp_path, site.url("/to-private"), SITE_POLICY, Limits(), browser)
    assert refused.value.params["address"] == "127.0.0.2"
    assert site.hits[hits:] == ["/to-private"]


def test_the_browser_never_connects_by_itself(site: LocalSite, browser: BrowserSession,
                                              tmp_path: Path) -> None:
    """Every request the site saw was one Sabueso made and recorded."""
    start = len(site.hits)
    bundle = make_bundle(tmp_path, site.url("/"), SITE_POLICY, Limits(), browser)
    recorded = sorted(e["url"].rsplit(str(site.port), 1)[1] for e in bundle.record["exchanges"])
    assert sorted(site.hits[start:]) == recorded


def test_a_url_that_is_not_a_page_keeps_the_served_file(
        site: LocalSite, browser: BrowserSession, tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path, site.url("/data.json"), SITE_POLICY, Limits(), browser)
    assert (tmp_path / "document.json").read_bytes().startswith(b'{"vendedor"')
    assert "document.json" in bundle.record["files"]
    assert "+502 5555-0177" in (tmp_path / "text.txt").read_text()


def test_preconnect_hints_open_no_connection(browser: BrowserSession, tmp_path: Path) -> None:
    accepted: list[object] = []
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, peer = listener.accept()
                accepted.append(peer)
                conn.close()

    threading.Thread(target=accept, daemon=True).start()
    hints = "".join(f'<link rel="{rel}" href="http://{host}:{port}/">'
                    for rel in ("preconnect", "dns-prefetch", "prefetch")
                    for host in ("localhost", "127.0.0.1"))
    page = f"<html><head>{hints}</head><body><a href='http://localhost:{port}/'>x</a></body>"
    policy = AddressPolicy.build(allowed=["127.0.0.1/32"], resolver=lambda h, p: ["127.0.0.1"])
    with LocalSite({"/": Page(page.encode())}) as site:
        bundle = make_bundle(tmp_path, f"http://tienda.test:{site.port}/", policy, Limits(),
                             browser)
    time.sleep(0.5)
    listener.close()
    # a prefetch is a real request: intercepted and made by Sabueso (the listener hangs up,
    # so it is listed as failed); preconnect and dns-prefetch make no connection at all
    made = [e["url"] for e in bundle.record["exchanges"] + bundle.record["refused"]
            if f":{port}/" in e["url"]]
    assert sorted(made) == sorted({f"http://{h}:{port}/" for h in ("localhost", "127.0.0.1")})
    assert len(accepted) == len(made)


def test_a_hanging_subresource_does_not_cost_the_page(browser: BrowserSession,
                                                      tmp_path: Path) -> None:
    page = b"<html><body><p>visible</p><img src='/slow'></body></html>"
    with LocalSite({"/": Page(page), "/slow": _slow}) as site:
        bundle = make_bundle(tmp_path, site.url("/"), SITE_POLICY,
                             Limits(page_seconds=6, io_seconds=1), browser)
    assert bundle.status == 200 and "visible" in (tmp_path / "text.txt").read_text()
    [failed] = bundle.record["refused"]
    assert failed["url"].endswith("/slow") and failed["error"] == "error.capture_timeout"
    assert (tmp_path / "screenshot.png").exists()


def test_the_url_as_typed_need_not_be_the_browsers_form(
        site: LocalSite, browser: BrowserSession, tmp_path: Path) -> None:
    typed = f"HTTP://127.0.0.1:{site.port}"  # no path, upper-case scheme
    bundle = make_bundle(tmp_path, typed, SITE_POLICY, Limits(), browser)
    assert bundle.record["requested_url"] == typed
    assert bundle.record["final_url"] == site.url("/") and bundle.status == 200
