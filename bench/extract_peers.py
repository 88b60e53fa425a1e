"""The peers of the extraction benchmark, each behind one small adapter.

A *finder* takes the lines of one file and its region and returns ``(line number, type,
value)`` triples in Sabueso's types; peers' own type names and values are mapped to ours
(ioc-finder's host names to registrable domains). A peer that is not installed gives ``None``.
"""

from __future__ import annotations

from collections.abc import Callable

try:
    from bench import extract_score as sc
except ImportError:  # run from bench/ as a script
    import extract_score as sc  # type: ignore[no-redef]

IOCF_OURS = ["urls", "domains", "email_addresses", "ipv4s", "ipv6s", "bitcoin_addresses",
             "monero_addresses"]
IOCF_MAP = {"urls": "url", "domains": "domain", "email_addresses": "email", "ipv4s": "ipv4",
            "ipv6s": "ipv6", "bitcoin_addresses": "btc", "monero_addresses": "xmr"}
PEER_TYPES = {
    "ioc-finder": frozenset({"url", "domain", "email", "ipv4", "ipv6", "btc", "xmr"}),
    "iocextract": frozenset({"url", "email", "ipv4", "ipv6"}),
    "phonenumbers": frozenset({"phone"}),
}


Finder = Callable[[list[str], str], list[tuple[int, str, str]]]


def iocf_finder(types: list[str] | None) -> Finder | None:
    try:
        from ioc_finder import find_iocs
    except ImportError:
        return None
    psl = sc.psl()

    def run(lines: list[str], region: str) -> list[tuple[int, str, str]]:
        out = []
        for i, line in enumerate(lines):
            found = find_iocs(line, included_ioc_types=types) if types else find_iocs(line)
            for key, ours in IOCF_MAP.items():
                for v in found.get(key, ()):
                    out.append((i, ours, psl.registrable(v) if ours == "domain" else v))
        return out

    return run


def iocextract_finder() -> Finder | None:
    try:
        import iocextract
    except ImportError:
        return None

    def run(lines: list[str], region: str) -> list[tuple[int, str, str]]:
        out = []
        for i, line in enumerate(lines):
            out += [(i, "url", v) for v in iocextract.extract_urls(line, refang=True)]
            out += [(i, "email", v) for v in iocextract.extract_emails(line, refang=True)]
            out += [(i, "ipv4", v) for v in iocextract.extract_ipv4s(line, refang=True)]
            out += [(i, "ipv6", v) for v in iocextract.extract_ipv6s(line)]
        return out

    return run


def phonenumbers_finder() -> Finder | None:
    import phonenumbers

    def run(lines: list[str], region: str) -> list[tuple[int, str, str]]:
        e164 = phonenumbers.PhoneNumberFormat.E164
        return [(i, "phone", phonenumbers.format_number(m.number, e164))
                for i, line in enumerate(lines) for m in phonenumbers.PhoneNumberMatcher(line,
                                                                                         region)]

    return run


def iocf_whole(types: list[str] | None) -> Callable[[str], object] | None:
    try:
        from ioc_finder import find_iocs
    except ImportError:
        return None
    return (lambda text: find_iocs(text, included_ioc_types=types)) if types else find_iocs


def dist_version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"
