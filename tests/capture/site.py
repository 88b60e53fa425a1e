"""The local web site the capture tests run against (started per test module)."""

from __future__ import annotations

import gzip
import socket
import struct
import time
from http.server import BaseHTTPRequestHandler

from sabueso.capture.localsite import LocalSite, Page

HOME = """<!doctype html><html><head><title>Tienda Colibrí (ficticia)</title>
<link rel="stylesheet" href="/style.css"></head>
<body><h1>Ventas por mensaje</h1>
<p>Pedidos al WhatsApp +502 5555-0183 o a ventas@colibri-express-demo.com.gt</p>
<img src="/logo.png" alt="logo"><img src="/moved.png" alt="movido">
<script src="/app.js"></script></body></html>"""
APP_JS = ("document.body.insertAdjacentHTML('beforeend', "
          "'<p id=\"dyn\">Texto escrito por el script: cuenta @colibri_express</p>');")
PNG = (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 2,
                                                                                 0, 0, 0)
       + b"\x90wS\xde" + b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00"
       + b"\xc9\xfe\x92\xef" + b"\x00\x00\x00\x00IEND\xaeB`\x82")


def _slow(handler: BaseHTTPRequestHandler) -> None:
    time.sleep(3)
    handler.send_response(200)
    handler.send_header("Content-Length", "2")
    handler.end_headers()
    handler.wfile.write(b"ok")


def _reset(handler: BaseHTTPRequestHandler) -> None:
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.connection.close()  # RST instead of an answer


def _huge(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/octet-stream")
    handler.send_header("Content-Length", str(8 << 20))
    handler.end_headers()
    block = b"\0" * (1 << 16)
    try:
        for _ in range(128):
            handler.wfile.write(block)
    except OSError:
        pass


def _chunked_gzip(handler: BaseHTTPRequestHandler) -> None:
    body = gzip.compress(b"<html><body><p>Comprimido y por trozos: pago "
                         b"0x52908400098527886E0F7030069857D2E4169EE7</p></body></html>")
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Encoding", "gzip")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    for start in range(0, len(body), 40):
        part = body[start:start + 40]
        handler.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
    handler.wfile.write(b"0\r\n\r\n")


def _drip(handler: BaseHTTPRequestHandler) -> None:
    """Bytes a little at a time, for longer than any page may take (the page time limit)."""
    handler.send_response(200)
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    try:
        for _ in range(1000):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.05)
    except OSError:
        pass


def redirect(location: str, status: int = 302) -> Page:
    return Page(b"", "text/plain", status, (("Location", location),))


def make_site() -> LocalSite:
    return LocalSite({
        "/": Page(HOME.encode()),
        "/style.css": Page(b"body{font-family:sans-serif}", "text/css"),
        "/app.js": Page(APP_JS.encode(), "application/javascript"),
        "/logo.png": Page(PNG, "image/png"),
        "/moved.png": redirect("/logo.png", 301),
        "/go": redirect("/step"),
        "/step": redirect("/"),
        "/loop": redirect("/loop"),
        "/to-private": redirect("http://127.0.0.2:9/admin"),
        "/to-metadata": redirect("http://169.254.169.254/latest/meta-data/"),
        "/private-img": Page(b'<html><body><p>imagen</p><img src="http://10.9.8.7/x.png">'
                             b'<img src="http://127.0.0.3/y.png"></body></html>'),
        "/error": Page(b"<html><body>Error interno</body></html>", status=500),
        "/slow": _slow,
        "/reset": _reset,
        "/huge": _huge,
        "/chunked": _chunked_gzip,
        "/drip": _drip,
        "/data.json": Page(b'{"vendedor": "colibri", "telefono": "+502 5555-0177"}',
                           "application/json"),
        "/plain.txt": Page(b"Aviso: contacto +502 5555-0199", "text/plain; charset=utf-8"),
    })
