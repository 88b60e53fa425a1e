"""The demo case's part for web captures of open sources (issue 7).

``add_to_demo`` runs while the demo case is built (inside its temporary folder, before the
case's records are derived); ``show`` prints this part for ``sabueso demo --show``.

The demo serves invented pages (``data/capture/``: a seller's profile whose script adds posts
after loading, and one post) from a local web server on 127.0.0.1 that it starts itself, and
captures them with Chromium when ``/usr/bin/chromium`` is there, HTTP only otherwise: the demo
works offline and without a browser. The private-address guard is lifted for that server's
address alone (``127.0.0.1/32``), and the ledger's ``capture.start`` entries say so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sabueso.capture.browser import find_chromium
from sabueso.capture.guard import AddressPolicy
from sabueso.capture.http import Limits
from sabueso.capture.localsite import LocalSite, Page
from sabueso.capture.service import CaptureOptions, capture_urls
from sabueso.workspace import Workspace

PAGES = ("/vendedor/colibri-express", "/publicacion/881")
NOTE = "Demo: perfil público del vendedor y una publicación (páginas inventadas, servidor local)"


def _site(data: Path) -> LocalSite:
    from sabueso.demo.build import png

    folder = data / "capture"
    html = "text/html; charset=utf-8"
    return LocalSite({
        PAGES[0]: Page((folder / "perfil_vendedor.html").read_bytes(), html),
        PAGES[1]: Page((folder / "publicacion_881.html").read_bytes(), html),
        "/perfil.js": Page((folder / "perfil.js").read_bytes(), "application/javascript"),
        "/estilo.css": Page((folder / "estilo.css").read_bytes(), "text/css"),
        "/logo.png": Page(png(48, 48, 7), "image/png"),
        "/foto_881.png": Page(png(96, 64, 8), "image/png"),
    })


def add_to_demo(ws: Workspace, case_ref: str, work: Path, data: Path) -> dict[str, Any]:
    """Add this capability's part of the demo case; returns figures for the demo summary."""
    browser = find_chromium() is not None
    options = CaptureOptions(policy=AddressPolicy.build(allowed=["127.0.0.1/32"]),
                             limits=Limits(page_seconds=30), browser=browser, note=NOTE)
    with _site(data) as site:
        report = capture_urls(ws, case_ref, [site.url(p) for p in PAGES], options)
    return {"captures": len(report.by_status("complete")),
            "capture_failures": len(report.by_status("failed")),
            "capture_mode": report.mode}


def show(ws: Workspace, case_ref: str) -> None:
    """Print this capability's part of the demo case."""
    from sabueso.cli.capture_cmd import print_captures

    print_captures(ws, case_ref)
