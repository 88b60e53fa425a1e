"""Rendering a page in headless Chromium (Debian's ``chromium``, driven by Playwright).

Chromium never reaches the network itself: every request the page makes (the document, each
redirect, every image, script, style, XHR and fetch) is intercepted (``context.route``) and
made by ``capture.http.fetch``, which checks the address policy, connects to the checked
address, records the exchange in the WARC and hands the response back to the browser
(``route.fulfill``). Requests the policy or the limits refuse are aborted and listed.
Defences in depth: web sockets are closed, service workers blocked, background networking,
DNS prefetch and non-proxied WebRTC switched off. (Chromium's own resolver is left alone: a
``--host-resolver-rules=MAP * ~NOTFOUND`` rule also breaks intercepted pages addressed by IP,
because Chromium consults those rules before the request reaches interception.)
Each capture gets a fresh browser context (no cookies or storage shared between URLs); the
browser is started once per batch with a fresh, empty profile (Playwright's temp folder).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sabueso.capture.errors import CaptureFailed, CaptureRefused
from sabueso.capture.guard import AddressPolicy
from sabueso.capture.http import Budget, Exchange, fetch
from sabueso.core.errors import SabuesoError

CHROMIUM = "/usr/bin/chromium"
_FLAGS = [
    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps",
    "--disable-domain-reliability", "--disable-breakpad", "--metrics-recording-only",
    "--dns-prefetch-disable",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
]
# not handed back to Chromium: the body given to it is already decoded and complete
_DROP = frozenset({"content-encoding", "content-length", "transfer-encoding", "connection",
                   "keep-alive"})
VIEWPORT = {"width": 1366, "height": 900}
QUIET = 0.3  # seconds without requests after "load" before the page is taken
IDLE_MAX = 5.0


def find_chromium() -> str | None:
    """Debian's Chromium (or ``chromium`` on the PATH); ``SABUESO_CHROMIUM`` names another one,
    or, set to a path that is not there (``none``), says there is none. ``None``: no browser."""
    given = os.environ.get("SABUESO_CHROMIUM")
    if given is not None:
        return given if os.path.isfile(given) and os.access(given, os.X_OK) else None
    if os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium")


@dataclass(slots=True)
class Rendered:
    """What the browser saw of one page (the files are written by ``render``)."""

    final_url: str
    title: str
    user_agent: str
    navigation_status: int | None
    exchanges: list[Exchange] = field(default_factory=list)
    refused: list[dict[str, str]] = field(default_factory=list)  # requests not made, and why
    full_page: bool = True  # False: the page was too tall, the screenshot shows the viewport
    documents: list[Exchange] = field(default_factory=list)  # main frame: redirects, page


def _fulfil_headers(exchange: Exchange) -> dict[str, str]:
    merged: dict[str, str] = {}
    for key, value in exchange.headers:
        low = key.lower()
        if low in _DROP:
            continue
        if low in merged:
            merged[low] += ("\n" if low == "set-cookie" else ", ") + value
        else:
            merged[low] = value
    return merged


class BrowserSession:
    """One Chromium for a batch of captures (started lazily, closed by ``close``)."""

    def __init__(self, executable: str | None = None) -> None:
        self.executable = executable or find_chromium()
        if self.executable is None:
            raise CaptureFailed("error.capture_no_browser", path=CHROMIUM)
        self._loop = asyncio.new_event_loop()
        self._pw: Any = None
        self._browser: Any = None
        self.version = ""
        self.sandbox = False

    def _run(self, coro: Any) -> Any:
        return self._loop.run_until_complete(coro)

    async def _start(self) -> None:
        from playwright.async_api import async_playwright

        self._pw = await async_playwright().start()
        # Chromium's sandbox: on, except as root (Chromium refuses it there) or where the
        # system gives it no user namespaces (some containers): then it is started without,
        # and the capture record says so (``browser.sandbox``).
        self.sandbox = os.geteuid() != 0
        try:
            self._browser = await self._pw.chromium.launch(
                executable_path=self.executable, headless=True, args=_FLAGS,
                chromium_sandbox=self.sandbox)
        except Exception as exc:
            if not self.sandbox or "sandbox" not in str(exc).lower():
                raise
            self.sandbox = False
            self._browser = await self._pw.chromium.launch(
                executable_path=self.executable, headless=True, args=_FLAGS,
                chromium_sandbox=False)
        self.version = str(self._browser.version)

    def start(self) -> BrowserSession:
        if self._browser is None:
            try:
                self._run(self._start())
            except Exception as exc:
                raise CaptureFailed("error.capture_browser_start", path=str(self.executable),
                                    reason=str(exc).splitlines()[0][:300]) from None
        return self

    def render(self, url: str, policy: AddressPolicy, budget: Budget, out: Path,
               on_exchange: Callable[[Exchange], None]) -> Rendered:
        """Load ``url`` and write ``screenshot.png``, ``print.pdf``, ``dom.html`` and
        ``text.txt`` into ``out``."""
        self.start()
        result: Rendered = self._run(self._render(url, policy, budget, out, on_exchange))
        return result

    async def _render(self, url: str, policy: AddressPolicy, budget: Budget, out: Path,
                      on_exchange: Callable[[Exchange], None]) -> Rendered:
        context = await self._browser.new_context(
            viewport=VIEWPORT, service_workers="block", accept_downloads=False)
        exchanges: list[Exchange] = []
        documents: list[Exchange] = []  # the main frame's documents: redirects, then the page
        refused: list[dict[str, str]] = []
        nav: dict[str, Any] = {}  # the main frame's document: a redirect to follow, or an error
        page: Any = None
        loop = asyncio.get_running_loop()
        activity = {"inflight": 0, "last": loop.time()}

        def record(exchange: Exchange) -> None:
            exchanges.append(exchange)
            on_exchange(exchange)

        def fetch_all(target: str, method: str, headers: list[tuple[str, str]],
                      body: bytes | None, follow: bool) -> Exchange:
            exchange = fetch(policy, target, budget, method=method, headers=headers, body=body)
            record(exchange)
            hops = 0
            while follow and exchange.redirect_to is not None:
                hops += 1
                if hops > budget.limits.redirects:
                    raise CaptureFailed("error.capture_redirects", url=target,
                                        count=budget.limits.redirects)
                exchange = fetch(policy, exchange.redirect_to, budget, headers=headers)
                record(exchange)
            return exchange

        async def handle(route: Any) -> None:
            activity["inflight"] += 1
            try:
                await answer(route)
            finally:
                activity["inflight"] -= 1
                activity["last"] = loop.time()

        async def answer(route: Any) -> None:
            request = route.request
            target = request.url
            if not target.startswith(("http://", "https://")):
                await route.continue_()  # data: and blob: URLs never reach the network
                return
            main = request.is_navigation_request() and request.frame == page.main_frame
            try:
                headers = [(k, v) for k, v in (await request.all_headers()).items()
                           if not k.startswith(":")]
                # Chromium does not let us intercept a redirect it follows itself: a
                # subresource's redirects are followed here, the page's by ``goto`` again
                exchange = await asyncio.to_thread(
                    fetch_all, target, request.method, headers, request.post_data_buffer,
                    not main)
            except SabuesoError as exc:
                if main:
                    nav["error"] = exc
                refused.append({"url": target, "error": exc.key, "message": exc.message(),
                                "kind": "refused" if isinstance(exc, CaptureRefused)
                                else "failed"})
                await route.abort("blockedbyclient")
                return
            if main:
                documents.append(exchange)
            if main and exchange.redirect_to is not None:
                nav["redirect"] = exchange.redirect_to
                await route.abort("aborted")
                return
            await route.fulfill(status=exchange.status, headers=_fulfil_headers(exchange),
                                body=exchange.body)

        async def no_socket(ws: Any) -> None:
            refused.append({"url": ws.url, "error": "websocket", "kind": "refused",
                            "message": "web socket not captured"})
            await ws.close()

        await context.route("**/*", handle)
        await context.route_web_socket("**/*", no_socket)
        page = await context.new_page()
        try:
            status: int | None = None
            current = url
            for _hop in range(budget.limits.redirects + 2):
                nav.clear()
                try:
                    response = await page.goto(current, wait_until="domcontentloaded",
                                               timeout=max(budget.remaining(), 1) * 1000)
                    status = response.status if response is not None else None
                    break
                except Exception as exc:
                    if "redirect" in nav:
                        current = nav["redirect"]
                        continue
                    if "error" in nav:  # the document (or a redirect) refused or failed
                        raise nav["error"] from None
                    raise CaptureFailed("error.capture_browser", url=current,
                                        reason=str(exc).splitlines()[0][:300]) from None
            else:
                raise CaptureFailed("error.capture_redirects", url=url,
                                    count=budget.limits.redirects)
            # a subresource that never ends must not cost the page: take it as it is when the
            # time is up (the request is listed as failed)
            with contextlib.suppress(Exception):
                await page.wait_for_load_state("load", timeout=max(budget.remaining(), 0.1)
                                               * 1000)
            # after "load", what scripts fetch next: wait for the network to be quiet for
            # QUIET seconds (at most IDLE_MAX; a page that keeps polling is taken as it is)
            until = loop.time() + max(min(IDLE_MAX, budget.remaining()), 0.0)
            while loop.time() < until and (activity["inflight"] > 0
                                           or loop.time() - activity["last"] < QUIET):
                await asyncio.sleep(0.05)
            user_agent = str(await page.evaluate("navigator.userAgent"))
            title = str(await page.title())
            (out / "dom.html").write_text(await page.content(), encoding="utf-8")
            text = await page.evaluate("document.body ? document.body.innerText : ''")
            (out / "text.txt").write_text(str(text), encoding="utf-8")
            wait = max(budget.remaining(), 5.0) * 1000
            full_page = True
            try:
                await page.screenshot(path=str(out / "screenshot.png"), full_page=True,
                                      timeout=wait)
            except Exception:  # a page too tall for one image: the part on screen
                await page.screenshot(path=str(out / "screenshot.png"), timeout=wait)
                full_page = False
            await page.pdf(path=str(out / "print.pdf"), print_background=True)
            return Rendered(page.url, title, user_agent, status, exchanges, refused, full_page,
                            documents)
        finally:
            await context.close()

    async def _stop(self) -> None:
        if self._browser is not None:
            await self._browser.close()
        if self._pw is not None:
            await self._pw.stop()

    def close(self) -> None:
        try:
            self._run(self._stop())
        finally:
            self._browser = self._pw = None
            self._loop.close()
