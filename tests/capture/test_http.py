"""HTTP capture without a browser, against the local site: exchanges, limits, the WARC."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from sabueso.capture.errors import CaptureFailed, CaptureRefused
from sabueso.capture.guard import AddressPolicy
from sabueso.capture.http import Budget, Limits, fetch, fetch_page
from sabueso.capture.localsite import LocalSite
from sabueso.capture.warc import WarcSink, read_records

from .conftest import SITE_POLICY

UA = "SabuesoTest/1"


def test_redirect_chain_is_followed_and_recorded(site: LocalSite) -> None:
    page = fetch_page(SITE_POLICY, site.url("/go"), Budget(Limits()), UA)
    assert [e.url for e in page.chain] == [site.url("/go"), site.url("/step"), site.url("/")]
    assert [e.status for e in page.chain] == [302, 302, 200]
    assert b"Ventas por mensaje" in page.final.body
    assert page.final.address == "127.0.0.1"
    first = page.chain[0]
    assert first.request_raw.startswith(b"GET /go HTTP/1.1\r\n")
    assert f"Host: 127.0.0.1:{site.port}".encode() in first.request_raw
    assert b"User-Agent: SabuesoTest/1" in first.request_raw
    assert first.response_raw.startswith(b"HTTP/1.1 302 ")
    assert first.header("location") == "/step"


def test_redirect_to_a_private_address_is_refused_although_the_first_host_was_allowed(
        site: LocalSite) -> None:
    hits = len(site.hits)
    with pytest.raises(CaptureRefused) as refused:
        fetch_page(SITE_POLICY, site.url("/to-private"), Budget(Limits()), UA)
    assert refused.value.params["address"] == "127.0.0.2"
    assert refused.value.params["kind"] == "loopback"
    assert site.hits[hits:] == ["/to-private"]  # the first hop was made, nothing after
    with pytest.raises(CaptureRefused) as meta:
        fetch_page(SITE_POLICY, site.url("/to-metadata"), Budget(Limits()), UA)
    assert meta.value.params["kind"] == "metadata"


def test_loopback_refused_without_the_allow_list(site: LocalSite) -> None:
    hits = len(site.hits)
    with pytest.raises(CaptureRefused):
        fetch(AddressPolicy(), site.url("/"), Budget(Limits()))
    assert len(site.hits) == hits  # never connected
    assert fetch(AddressPolicy(allow_private=True), site.url("/"), Budget(Limits())).status \
        == 200


def test_connection_goes_to_the_checked_address_resolved_once(site: LocalSite) -> None:
    answers = iter([["127.0.0.1"], ["10.0.0.9"]])  # a rebinding DNS: second answer private
    calls: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return next(answers)

    policy = AddressPolicy.build(allowed=["127.0.0.1/32"], resolver=resolver)
    exchange = fetch(policy, f"http://tienda.test:{site.port}/", Budget(Limits()))
    assert exchange.status == 200 and exchange.address == "127.0.0.1"
    assert b"Host: tienda.test:" in exchange.request_raw
    assert calls == ["tienda.test"]
    with pytest.raises(CaptureRefused):  # the next request resolves again, and is checked
        fetch(policy, f"http://tienda.test:{site.port}/", Budget(Limits()))


def test_server_error_is_captured_not_a_failure(site: LocalSite) -> None:
    page = fetch_page(SITE_POLICY, site.url("/error"), Budget(Limits()), UA)
    assert page.final.status == 500 and b"Error interno" in page.final.body


def test_slow_response_times_out(site: LocalSite) -> None:
    with pytest.raises(CaptureFailed) as failed:
        fetch(SITE_POLICY, site.url("/slow"), Budget(Limits(page_seconds=10, io_seconds=0.5)))
    assert failed.value.key == "error.capture_timeout"


def test_dripping_response_hits_the_page_time_limit(site: LocalSite) -> None:
    with pytest.raises(CaptureFailed) as failed:
        fetch(SITE_POLICY, site.url("/drip"), Budget(Limits(page_seconds=1, io_seconds=5)))
    assert failed.value.key == "error.capture_timeout"


def test_connection_reset_is_a_network_error(site: LocalSite) -> None:
    with pytest.raises(CaptureFailed) as failed:
        fetch(SITE_POLICY, site.url("/reset"), Budget(Limits()))
    assert failed.value.key == "error.capture_network"
    assert site.url("/reset") in failed.value.message()


def test_huge_response_is_cut_at_the_limit(site: LocalSite) -> None:
    with pytest.raises(CaptureFailed) as failed:
        fetch(SITE_POLICY, site.url("/huge"), Budget(Limits(response_bytes=1 << 20)))
    assert failed.value.key == "error.capture_too_large"
    budget = Budget(Limits(bundle_bytes=600))
    fetch(SITE_POLICY, site.url("/"), budget)
    with pytest.raises(CaptureFailed) as bundle:
        fetch(SITE_POLICY, site.url("/"), budget)
    assert bundle.value.key == "error.capture_bundle_too_large"


def test_too_many_redirects(site: LocalSite) -> None:
    with pytest.raises(CaptureFailed) as failed:
        fetch_page(SITE_POLICY, site.url("/loop"), Budget(Limits(redirects=3)), UA)
    assert failed.value.key == "error.capture_redirects"


def test_refused_before_connecting_to_a_closed_port() -> None:
    with pytest.raises(CaptureFailed) as failed:
        fetch(AddressPolicy(allow_private=True), "http://127.0.0.1:9/", Budget(Limits()))
    assert failed.value.key == "error.capture_network"


def test_chunked_gzip_kept_raw_in_the_warc_and_decoded_for_reading(site: LocalSite,
                                                                  tmp_path: Path) -> None:
    path = tmp_path / "c.warc.gz"
    with WarcSink(path, {"software": "test"}) as sink:
        page = fetch_page(SITE_POLICY, site.url("/chunked"), Budget(Limits()), UA, sink.add)
    assert b"Comprimido y por trozos" in page.final.body
    assert b"Transfer-Encoding: chunked" in page.final.response_raw
    assert b"Comprimido" not in page.final.response_raw  # on the wire it was gzip
    with path.open("rb") as fh:
        records = list(read_records(fh))
    assert [r["type"] for r in records] == ["warcinfo", "response", "request"]
    response = records[1]
    assert response["uri"] == site.url("/chunked") and response["status"] == "200"
    assert response["ip"] == "127.0.0.1"
    # warcio's reader undoes the chunking and the gzip, as a replay tool does
    assert response["payload"] == page.final.body


def test_warc_read_back_with_warcio(site: LocalSite, tmp_path: Path) -> None:
    path = tmp_path / "p.warc.gz"
    with WarcSink(path, {"software": "test", "x-browser": "none"}) as sink:
        fetch_page(SITE_POLICY, site.url("/go"), Budget(Limits()), UA, sink.add)
    with path.open("rb") as fh:
        kinds = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"),
                  r.rec_headers.get_header("WARC-Concurrent-To") is not None)
                 for r in ArchiveIterator(fh)]
    assert kinds[0][0] == "warcinfo"
    assert [k[:2] for k in kinds[1:]] == [
        (t, site.url(p)) for p in ("/go", "/step", "/") for t in ("response", "request")]
    assert all(k[2] for k in kinds[1:] if k[0] == "request")
    warcio = shutil.which("warcio") or str(Path(sys.executable).with_name("warcio"))
    if Path(warcio).exists():
        check = subprocess.run([warcio, "check", "-v", str(path)], capture_output=True,
                               text=True, check=False)
        assert check.returncode == 0, check.stdout + check.stderr
        index = subprocess.run([warcio, "index", str(path)], capture_output=True, text=True,
                               check=True)
        assert index.stdout.count('"warc-type": "response"') == 3


def test_international_names_and_paths_go_on_the_wire_encoded(site: LocalSite) -> None:
    asked: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    policy = AddressPolicy.build(allowed=["127.0.0.1/32"], resolver=resolver)
    exchange = fetch(policy, f"http://señal.gt:{site.port}/perfil/año?q=niño&x=%20",
                     Budget(Limits()))
    assert asked == ["xn--seal-hqa.gt"]
    assert exchange.request_raw.startswith(
        b"GET /perfil/a%C3%B1o?q=ni%C3%B1o&x=%20 HTTP/1.1\r\n")
    assert f"Host: xn--seal-hqa.gt:{site.port}".encode() in exchange.request_raw
    assert exchange.status == 404  # the site has no such page: still an exchange


def test_the_warc_names_the_url_as_sent(site: LocalSite, tmp_path: Path) -> None:
    policy = AddressPolicy.build(allowed=["127.0.0.1/32"], resolver=lambda h, p: ["127.0.0.1"])
    path = tmp_path / "idn.warc.gz"
    with WarcSink(path, {"software": "test"}) as sink:
        page = fetch_page(policy, f"http://señal.gt:{site.port}/año", Budget(Limits()), UA,
                          sink.add)
    assert page.final.url == f"http://xn--seal-hqa.gt:{site.port}/a%C3%B1o"
    with path.open("rb") as fh:
        assert [r["uri"] for r in read_records(fh) if r["type"] == "response"] == [
            page.final.url]
