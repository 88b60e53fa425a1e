"""A small local web site served from memory, for the demo, the benchmark and the tests.

``LocalSite`` runs a threading ``http.server`` on 127.0.0.1 (a free port) and answers each
path from a table: a fixed ``Page`` or a function writing the response itself (slow, broken
or huge answers in the tests). It never serves files from disk.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()


Handler = Callable[[BaseHTTPRequestHandler], None]


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up early (a test, an aborted request) is not worth a trace."""


@dataclass
class LocalSite:
    routes: dict[str, Page | Handler] = field(default_factory=dict)
    host: str = "127.0.0.1"
    hits: list[str] = field(default_factory=list)
    tls: ssl.SSLContext | None = None  # serve HTTPS with this (server-side) context

    def __post_init__(self) -> None:
        site = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "LocalSite/1"

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                site.hits.append(path)
                route = site.routes.get(path)
                if route is None:
                    self._send(Page(b"not found", "text/plain", 404))
                elif isinstance(route, Page):
                    self._send(route)
                else:
                    route(self)

            def _send(self, page: Page) -> None:
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                self.send_header("Content-Length", str(len(page.body)))
                for key, value in page.headers:
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(page.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = _QuietServer((self.host, 0), _Handler)
        self._server.daemon_threads = True
        if self.tls is not None:
            self._server.socket = self.tls.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="localsite")

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def url(self, path: str = "/") -> str:
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://{self.host}:{self.port}{path}"

    def start(self) -> LocalSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LocalSite:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
