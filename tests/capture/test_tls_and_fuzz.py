"""HTTPS (certificate verified, summarised in the record) and arbitrary server answers."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sabueso.capture import http as capture_http
from sabueso.capture.errors import CaptureFailed
from sabueso.capture.guard import AddressPolicy
from sabueso.capture.http import Budget, Limits, fetch
from sabueso.capture.localsite import LocalSite, Page

from .conftest import SITE_POLICY


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed: the HTTPS test makes its own certificate with it")
    folder = tmp_path_factory.mktemp("tls")
    key, crt = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(key), "-out", str(crt), "-subj",
                    "/CN=tienda.test/O=Sabueso pruebas", "-addext",
                    "subjectAltName=DNS:tienda.test,IP:127.0.0.1"],
                   check=True, capture_output=True)
    return key, crt


@pytest.fixture(scope="module")
def tls_site(cert: tuple[Path, Path]) -> Iterator[LocalSite]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert[1]), str(cert[0]))
    with LocalSite({"/": Page(b"<html><body>seguro</body></html>")}, tls=context) as site:
        yield site


def test_untrusted_certificate_fails_with_the_reason(tls_site: LocalSite) -> None:
    with pytest.raises(CaptureFailed) as failed:
        fetch(SITE_POLICY, tls_site.url("/"), Budget(Limits()))
    assert failed.value.key == "error.capture_tls"
    assert "certificate" in failed.value.message()


def test_trusted_certificate_is_summarised(tls_site: LocalSite, cert: tuple[Path, Path],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    def trusting() -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=str(cert[1]))
        context.set_alpn_protocols(["http/1.1"])
        return context

    monkeypatch.setattr(capture_http, "tls_context", trusting)
    policy = AddressPolicy.build(allowed=["127.0.0.1/32"],
                                 resolver=lambda host, port: ["127.0.0.1"])
    exchange = fetch(policy, f"https://tienda.test:{tls_site.port}/", Budget(Limits()))
    assert exchange.body == b"<html><body>seguro</body></html>"
    tls = exchange.tls
    assert tls is not None
    assert "commonName=tienda.test" in tls["subject"] and tls["subject"] == tls["issuer"]
    assert tls["subject_alt_names"] == ["tienda.test", "127.0.0.1"]
    assert tls["tls_version"] in ("TLSv1.2", "TLSv1.3") and len(tls["sha256"]) == 64
    assert exchange.resolved == ("127.0.0.1",)


class _RawServer:
    """Answers every connection with the bytes it is given, then closes."""

    def __init__(self) -> None:
        self.answer = b""
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(65536)
                    conn.sendall(self.answer)
                except OSError:
                    pass


@pytest.fixture(scope="module")
def raw() -> Iterator[_RawServer]:
    server = _RawServer()
    yield server
    server.sock.close()


_STATUS = st.sampled_from([b"HTTP/1.1 200 OK\r\n", b"HTTP/1.0 302 Found\r\n", b"HTTP/1.1 \r\n",
                           b"HTTP/9 999 X\r\n", b"", b"garbage\r\n"])
_HEADERS = st.lists(st.sampled_from([
    b"Content-Length: 5\r\n", b"Content-Length: -1\r\n", b"Content-Length: 99999999\r\n",
    b"Transfer-Encoding: chunked\r\n", b"Content-Encoding: gzip\r\n",
    b"Content-Encoding: deflate\r\n", b"Content-Encoding: br\r\n", b"Location: /x\r\n",
    b"Location: http://10.0.0.1/\r\n", b"X: \xff\xfe\r\n", b"no colon\r\n"]), max_size=5)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(status=_STATUS, headers=_HEADERS, body=st.binary(max_size=300))
def test_any_server_answer_is_an_exchange_or_a_capture_error(
        raw: _RawServer, status: bytes, headers: list[bytes], body: bytes) -> None:
    raw.answer = status + b"".join(headers) + b"\r\n" + body
    policy = AddressPolicy.build(allowed=["127.0.0.1/32"])
    try:
        exchange = fetch(policy, f"http://127.0.0.1:{raw.port}/", Budget(
            Limits(page_seconds=5, io_seconds=2, response_bytes=1 << 16)))
    except CaptureFailed:
        return
    assert exchange.response_raw.startswith(status[:4] if status else b"")
    assert len(exchange.body) <= 1 << 16
