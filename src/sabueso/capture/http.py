"""HTTP exchanges made by Sabueso itself, to the address the policy checked, recorded raw.

Every request of a capture (the page, each redirect, and, in browser mode, every subresource
the page asks for) is made here: the host is resolved and every address checked by the
``AddressPolicy``, the connection goes to the checked address (the name is never resolved
again, so DNS rebinding cannot swap it), and the bytes sent and received are kept exactly as
they crossed the socket for the WARC. Time and size limits apply to every response and to the
whole bundle.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from sabueso.capture.errors import CaptureFailed
from sabueso.capture.guard import AddressPolicy, Target
from sabueso.core.timeutil import utcnow

REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Not forwarded from the browser's request: the connection is ours (one per request).
_HOP_BY_HOP = frozenset({"host", "connection", "keep-alive", "proxy-connection",
                         "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
                         "accept-encoding", "content-length"})
_READ = 64 << 10
_PATH_SAFE = "/?&=%:@!$'()*+,;~#[]-._"


@dataclass(frozen=True, slots=True)
class Limits:
    """Time and size limits of one capture (one URL)."""

    page_seconds: float = 60.0  # the whole capture of one URL, subresources included
    io_seconds: float = 20.0  # connecting, or waiting for the next bytes of a response
    response_bytes: int = 50 << 20  # one response body (decoded)
    bundle_bytes: int = 250 << 20  # all responses of one capture (as received)
    redirects: int = 10


class Budget:
    """Bytes and time left to one capture; shared by the threads fetching its subresources."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.page_seconds
        self.used = 0
        self._lock = threading.Lock()

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def take(self, size: int, url: str) -> None:
        with self._lock:
            self.used += size
            if self.used > self.limits.bundle_bytes:
                raise CaptureFailed("error.capture_bundle_too_large", url=url,
                                    limit=self.limits.bundle_bytes >> 20)


@dataclass(slots=True)
class Exchange:
    """One request and its response, as they crossed the socket (``*_raw``), plus the parsed
    status and headers and the body with transfer and content encodings undone."""

    url: str
    method: str
    address: str
    port: int
    started_at: datetime
    request_raw: bytes
    response_raw: bytes
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    tls: dict[str, Any] | None = None
    undecoded: str | None = None  # a content encoding left as received (unknown to us)
    elapsed: float = 0.0
    resolved: tuple[str, ...] = ()  # every address the host resolved to (all were checked)

    def header(self, name: str) -> str | None:
        low = name.lower()
        return next((v for k, v in self.headers if k.lower() == low), None)

    @property
    def redirect_to(self) -> str | None:
        location = self.header("location")
        if self.status in REDIRECTS and location:
            return urljoin(self.url, location.strip())
        return None

    @property
    def media_type(self) -> str:
        return (self.header("content-type") or "").split(";", 1)[0].strip().lower()

    def summary(self) -> dict[str, Any]:
        return {"url": self.url, "method": self.method, "status": self.status,
                "address": self.address, "size": len(self.body),
                "sha256": hashlib.sha256(self.body).hexdigest(),
                "media_type": self.media_type or None}


class _TeeReader:
    """The response's socket file, copying every byte read into ``sink``."""

    def __init__(self, fp: Any, sink: io.BytesIO) -> None:
        self.fp, self.sink = fp, sink

    def _keep(self, data: bytes) -> bytes:
        self.sink.write(data)
        return data

    def read(self, amt: int | None = None) -> bytes:
        return self._keep(self.fp.read(amt))

    def read1(self, amt: int = -1) -> bytes:
        return self._keep(self.fp.read1(amt))

    def readline(self, limit: int = -1) -> bytes:
        return self._keep(self.fp.readline(limit))

    def readinto(self, buf: Any) -> int:
        n: int = self.fp.readinto(buf)
        self.sink.write(memoryview(buf)[:n])
        return n

    def peek(self, n: int = 0) -> bytes:
        data: bytes = self.fp.peek(n)
        return data

    def flush(self) -> None:
        self.fp.flush()

    def close(self) -> None:
        self.fp.close()


class _RecordingResponse(http.client.HTTPResponse):
    def __init__(self, sock: socket.socket, sink: io.BytesIO, *args: Any, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        self.fp = _TeeReader(self.fp, sink)  # type: ignore[assignment]


class _PinnedConnection(http.client.HTTPConnection):
    """A connection to ``target.address`` (checked), speaking to ``target.host``."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.address, target.port, timeout=timeout)
        self.target = target
        self.sent = io.BytesIO()
        self.received = io.BytesIO()
        self.tls: dict[str, Any] | None = None
        self.response_class = partial(_RecordingResponse, sink=self.received)  # type: ignore[assignment]

    def connect(self) -> None:
        self.sock = socket.create_connection((self.target.address, self.target.port),
                                             self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.target.scheme == "https":
            tls = tls_context().wrap_socket(self.sock, server_hostname=self.target.host)
            self.sock = tls
            self.tls = certificate_summary(tls)

    def send(self, data: Any) -> None:
        if isinstance(data, bytes | bytearray | memoryview):
            self.sent.write(data)
        super().send(data)


def tls_context() -> ssl.SSLContext:
    """Certificates verified against the system's trust store; HTTP/1.1 only."""
    context = ssl.create_default_context()
    context.set_alpn_protocols(["http/1.1"])
    return context


def _name(parts: Iterable[Any]) -> str:
    return ", ".join(f"{k}={v}" for rdn in parts for k, v in rdn)


def certificate_summary(sock: ssl.SSLSocket) -> dict[str, Any]:
    """What a court may ask about the server's certificate and the TLS session."""
    cert: dict[str, Any] = dict(sock.getpeercert() or {})
    der = sock.getpeercert(binary_form=True) or b""
    cipher = sock.cipher()
    return {
        "subject": _name(cert.get("subject", ())), "issuer": _name(cert.get("issuer", ())),
        "serial": cert.get("serialNumber"), "not_before": cert.get("notBefore"),
        "not_after": cert.get("notAfter"),
        "subject_alt_names": [v for _k, v in cert.get("subjectAltName", ())],
        "sha256": hashlib.sha256(der).hexdigest() if der else None,
        "tls_version": sock.version(), "cipher": cipher[0] if cipher else None,
    }


def _decode(body: bytes, encoding: str, url: str, limit: int) -> tuple[bytes, str | None]:
    enc = encoding.strip().lower()
    if enc in ("", "identity", "none"):
        return body, None
    if enc not in ("gzip", "x-gzip", "deflate"):
        return body, enc
    attempts = (47,) if enc != "deflate" else (15, -15)  # deflate: zlib-wrapped, or raw
    for wbits in attempts:
        try:
            out = zlib.decompressobj(wbits).decompress(body, limit + 1)
        except zlib.error:
            continue
        if len(out) > limit:
            raise CaptureFailed("error.capture_too_large", url=url, limit=limit >> 20)
        return out, None
    return body, enc


def fetch(policy: AddressPolicy, url: str, budget: Budget, *, method: str = "GET",
          headers: Iterable[tuple[str, str]] = (), body: bytes | None = None,
          user_agent: str | None = None) -> Exchange:
    """Make one request (no redirect followed), checked by ``policy``, within ``budget``."""
    target = policy.check(url)
    limits = budget.limits
    remaining = budget.remaining()
    if remaining <= 0:
        raise CaptureFailed("error.capture_timeout", url=url, seconds=limits.page_seconds)
    parts = urlsplit(url)
    # what goes on the request line: ASCII, anything else percent-encoded (UTF-8), as a
    # browser sends it; what is already encoded stays as it is
    path = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
                 safe=_PATH_SAFE)
    wire_url = f"{target.scheme}://{target.host_header}{path}"  # the URL as sent
    conn = _PinnedConnection(target, min(limits.io_seconds, remaining))
    started, clock = utcnow(), time.monotonic()
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", target.host_header)
        given = [(k, v) for k, v in headers if k.lower() not in _HOP_BY_HOP]
        if user_agent and not any(k.lower() == "user-agent" for k, _v in given):
            given.insert(0, ("User-Agent", user_agent))
        for key, value in given:
            conn.putheader(key, value)
        conn.putheader("Accept-Encoding", "gzip, deflate")
        conn.putheader("Connection", "close")
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        chunks: list[bytes] = []
        size = 0
        while True:
            if time.monotonic() > budget.deadline:
                raise CaptureFailed("error.capture_timeout", url=url,
                                    seconds=limits.page_seconds)
            data = response.read1(_READ)
            if not data:
                break
            size += len(data)
            if size > limits.response_bytes:
                raise CaptureFailed("error.capture_too_large", url=url,
                                    limit=limits.response_bytes >> 20)
            chunks.append(data)
        raw = b"".join(chunks)
        budget.take(len(raw), url)
        decoded, undecoded = _decode(raw, response.getheader("Content-Encoding") or "", url,
                                     limits.response_bytes)
        return Exchange(wire_url, method, target.address, target.port, started,
                        conn.sent.getvalue(), conn.received.getvalue(), response.status,
                        response.reason, list(response.msg.items()), decoded, conn.tls,
                        undecoded, time.monotonic() - clock, target.addresses)
    except CaptureFailed:
        raise
    except TimeoutError:
        raise CaptureFailed("error.capture_timeout", url=url,
                            seconds=round(min(limits.io_seconds, remaining), 1)) from None
    except ssl.SSLCertVerificationError as exc:
        raise CaptureFailed("error.capture_tls", url=url, reason=exc.verify_message
                            or str(exc)) from None
    except (OSError, http.client.HTTPException) as exc:
        reason = f"{type(exc).__name__}: {exc}".rstrip(": ")
        raise CaptureFailed("error.capture_network", url=url, reason=reason[:300]) from None
    finally:
        conn.close()


@dataclass(slots=True)
class PageFetch:
    """A page fetched without a browser: the chain of exchanges, redirects first."""

    chain: list[Exchange] = field(default_factory=list)

    @property
    def final(self) -> Exchange:
        return self.chain[-1]


def fetch_page(policy: AddressPolicy, url: str, budget: Budget, user_agent: str,
               on_exchange: Callable[[Exchange], None] | None = None) -> PageFetch:
    """GET ``url`` following redirects (each one checked by the policy)."""
    page = PageFetch()
    current = url
    for _hop in range(budget.limits.redirects + 1):
        exchange = fetch(policy, current, budget, user_agent=user_agent, headers=[
            ("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"),
            ("Accept-Language", "es,en;q=0.8")])
        page.chain.append(exchange)
        if on_exchange:
            on_exchange(exchange)
        nxt = exchange.redirect_to
        if nxt is None:
            return page
        current = nxt
    raise CaptureFailed("error.capture_redirects", url=url, count=budget.limits.redirects)
