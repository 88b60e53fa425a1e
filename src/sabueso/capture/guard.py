"""The address policy of web capture: which hosts Sabueso may connect to.

A capture must not become a way into the unit's own network (server-side request forgery):
a page, a redirect or a subresource pointing at ``127.0.0.1``, a router at ``192.168.1.1`` or a
cloud metadata service at ``169.254.169.254`` is refused unless the investigator lifts the
guard (``--allow-private``, or ``--allow-address`` for named networks only).

Every check resolves the host and tests EVERY address it resolves to; the caller then connects
to the address that was checked (``Target.address``), never resolving the name again, so a DNS
answer that changes between the check and the connection (rebinding) cannot swap it.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import SplitResult, urlsplit

from sabueso.capture.errors import CaptureRefused
from sabueso.core.errors import InputError
from sabueso.core.i18n import t

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]

SCHEMES = {"http": 80, "https": 443}
_COMMENT = re.compile(r"(?:^|\s)#")

# Networks refused on top of what ``ipaddress`` calls private, loopback, link-local, multicast,
# reserved or unspecified, with the reason given: cloud metadata services first (they are also
# link-local or private, but the precise reason helps), carrier-grade NAT, translation prefixes.
_EXTRA_REFUSED: tuple[tuple[IPNetwork, str], ...] = tuple(
    (ipaddress.ip_network(n), why) for n, why in (
        ("169.254.169.254/32", "metadata"),  # AWS, GCP, Azure, OpenStack
        ("fd00:ec2::254/128", "metadata"),  # AWS over IPv6
        ("100.64.0.0/10", "cgnat"),  # RFC 6598
        ("64:ff9b::/96", "reserved"), ("64:ff9b:1::/48", "reserved"),  # NAT64
        ("2002::/16", "reserved"),  # 6to4 (a public one is unwrapped and checked first)
        ("0.0.0.0/8", "reserved"), ("192.0.0.0/24", "reserved"), ("198.18.0.0/15", "reserved"),
    ))


def _unwrap(addr: IPAddress) -> IPAddress:
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped is not None:
            return addr.ipv4_mapped
        if addr.sixtofour is not None:
            return addr.sixtofour
    return addr


def refusal_reason(addr: IPAddress) -> str | None:
    """Why ``addr`` is not a public address (``None`` when it is). An IPv4 address wrapped in
    IPv6 (mapped, 6to4) is judged as the IPv4 address it wraps."""
    inner = _unwrap(addr)
    for candidate in dict.fromkeys((inner, addr)):
        for net, why in _EXTRA_REFUSED:
            if why == "metadata" and candidate.version == net.version and candidate in net:
                return why
        if candidate.is_loopback:
            return "loopback"
        if candidate.is_link_local:
            return "link-local"
        if candidate.is_multicast:
            return "multicast"
        if candidate.is_unspecified:
            return "unspecified"
        if candidate.is_private:
            return "private"
        if candidate.is_reserved:
            return "reserved"
        if candidate is inner and candidate is not addr:
            continue  # a public IPv4 inside: still check the wrapper's own prefix below
        for net, why in _EXTRA_REFUSED:
            if candidate.version == net.version and candidate in net:
                return why
    return None


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host`` (IPv4 and IPv6)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise CaptureRefused("error.capture_dns", host=host, reason=str(exc)) from None
    seen: list[str] = []
    for _family, _type, _proto, _name, sockaddr in found:
        text = str(sockaddr[0]).split("%", 1)[0]
        if text not in seen:
            seen.append(text)
    return seen


@dataclass(frozen=True, slots=True)
class Target:
    """A URL that passed the policy, with the address to connect to (already checked)."""

    url: str
    scheme: str
    host: str
    port: int
    address: str
    addresses: tuple[str, ...]

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == SCHEMES[self.scheme] else f"{host}:{self.port}"


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """What may be connected to. ``allow_private`` lifts the guard entirely; ``allowed``
    lifts it for those networks only (a unit's test lab, the demo's local server)."""

    allow_private: bool = False
    allowed: tuple[IPNetwork, ...] = ()
    resolver: Resolver = field(default=system_resolver, compare=False)

    @classmethod
    def build(cls, allow_private: bool = False, allowed: Iterable[str] = (),
              resolver: Resolver | None = None) -> AddressPolicy:
        nets: list[IPNetwork] = []
        for text in allowed:
            try:
                nets.append(ipaddress.ip_network(text.strip(), strict=False))
            except ValueError:
                raise InputError("error.capture_bad_network", value=text) from None
        return cls(allow_private, tuple(nets), resolver or system_resolver)

    def describe(self) -> dict[str, Any]:
        """What the ledger records about the policy a capture ran under."""
        return {"allow_private": self.allow_private,
                "allowed_networks": [str(n) for n in self.allowed]}

    def address_ok(self, text: str) -> str | None:
        """``None`` if ``text`` may be connected to, else why not."""
        addr = ipaddress.ip_address(text)
        if self.allow_private:
            return None
        if any(addr in net for net in self.allowed if net.version == addr.version):
            return None
        return refusal_reason(addr)

    def check(self, url: str) -> Target:
        """Parse ``url``, resolve its host and check every address, or raise
        ``CaptureRefused`` naming the URL and the reason."""
        parts = split_url(url)
        port = parts.port or SCHEMES[parts.scheme]
        try:
            literal: IPAddress | None = ipaddress.ip_address(parts.hostname or "")
        except ValueError:
            literal = None
        host = str(literal) if literal is not None else ascii_host(parts.hostname or "", url)
        addresses = [str(literal)] if literal is not None else self.resolver(host, port)
        if not addresses:
            raise CaptureRefused("error.capture_dns", host=host, reason="no address")
        for address in addresses:
            why = self.address_ok(address)
            if why is not None:
                raise CaptureRefused("error.capture_refused_address", url=url, host=host,
                                     address=address, kind=why,
                                     reason=t("capture.reason." + why))
        return Target(url, parts.scheme, host, port, addresses[0], tuple(addresses))


def ascii_host(host: str, url: str) -> str:
    """The host as it goes on the wire and to DNS: an internationalised name in IDNA form
    (``señal.gt`` -> ``xn--seal-hqa.gt``)."""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise CaptureRefused("error.capture_bad_url", url=url, reason=str(exc)) from None


def split_url(url: str) -> SplitResult:
    """The URL's parts, refusing anything that is not an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise CaptureRefused("error.capture_bad_url", url=url, reason=str(exc)) from None
    if parts.scheme.lower() not in SCHEMES:
        raise CaptureRefused("error.capture_scheme", url=url, scheme=parts.scheme or "-")
    if not parts.hostname:
        raise CaptureRefused("error.capture_bad_url", url=url, reason="no host")
    if parts.username or parts.password:
        raise CaptureRefused("error.capture_bad_url", url=url, reason="credentials in URL")
    return parts._replace(scheme=parts.scheme.lower())


def normalize_url(url: str) -> str:
    """The form a URL is compared in (to skip what a case already holds): scheme and host in
    lower case, default port and fragment dropped, an empty path made ``/``."""
    parts = split_url(url)
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    netloc = host if port in (None, SCHEMES[parts.scheme]) else f"{host}:{port}"
    return parts._replace(netloc=netloc, path=parts.path or "/", fragment="").geturl()


def read_url_list(lines: Sequence[str], source: str) -> list[str]:
    """URLs of a ``--from-file`` list: one a line; blank lines and ``#`` comments skipped.
    A line that is not an http(s) URL is an error naming the file and line."""
    urls: list[str] = []
    for number, raw in enumerate(lines, 1):
        text = _COMMENT.split(raw, 1)[0].strip()
        if not text:
            continue
        try:
            split_url(text)
        except CaptureRefused as exc:
            raise InputError(exc.key, location=f"{source}:{number}", **exc.params) from None
        urls.append(text)
    return urls
