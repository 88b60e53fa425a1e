"""Network family, property-based: generated valid values embedded in noise are found whole
with exact offsets; arbitrary and pathological input never crashes and finishes quickly."""

from __future__ import annotations

import ipaddress
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sabueso.extract.base import Context, Hit, prepare
from sabueso.extract.engine import resolve
from sabueso.extract.network import FAMILY, TYPES

SETTINGS = settings(max_examples=150, deadline=2000,
                    suppress_health_check=[HealthCheck.too_slow])

SUFFIXES = ["com", "net", "org", "info", "io", "xyz", "online", "co", "mx", "hn", "gt",
            "com.gt", "gob.gt", "com.do", "gob.do", "com.sv", "co.cr", "com.pa", "com.ni",
            "com.mx", "com.co", "org.gt"]
WRAPS = [(" ", " "), ("(", ")"), ("<", ">"), ("«", "»"), ("“", "”"), ('"', '"'), (" ", "."),
         (" ", ","), (" ", "!"), ("¿", "?"), (" ", "\n"), ("\t", " 👍"), (": ", "; ")]

label = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,12}[a-z0-9])?", fullmatch=True)
noise = st.text(max_size=40)
wrap = st.sampled_from(WRAPS)


@st.composite
def hosts(draw: st.DrawFn) -> str:
    first = draw(st.from_regex(r"[a-z][a-z0-9-]{0,12}[a-z0-9]", fullmatch=True))
    more = draw(st.lists(label, max_size=2))
    return ".".join([*more, first, draw(st.sampled_from(SUFFIXES))])


@st.composite
def emails(draw: st.DrawFn) -> str:
    local = draw(st.from_regex(r"[a-z0-9](?:[a-z0-9_+-]|\.(?!\.)){0,15}[a-z0-9]",
                               fullmatch=True))
    return f"{local}@{draw(hosts())}"


@st.composite
def urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http://", "https://", "HTTPS://", "ftp://"]))
    port = draw(st.sampled_from(["", ":8080", ":443"]))
    path = draw(st.from_regex(r"(?:/[A-Za-z0-9_~-]{1,12}){0,4}/?(?:\?[a-z]{1,5}=[A-Za-z0-9]{1,8})?",
                              fullmatch=True))
    return f"{scheme}{draw(hosts())}{port}{path}"


def scan(text: str) -> list[Hit]:
    hits = resolve(FAMILY.scan(prepare(text), Context()), TYPES)
    for hit in hits:
        assert text[hit.start:hit.end] == hit.raw
    return hits


def embedded(before: str, written: str, after: str, around: tuple[str, str]) -> tuple[str, int]:
    left, right = around
    text = f"{before} {left}{written}{right} {after}"
    return text, len(before) + 1 + len(left)


@SETTINGS
@given(noise, emails(), noise, wrap)
def test_emails_in_noise(before: str, email: str, after: str, around: tuple[str, str]) -> None:
    text, start = embedded(before, email, after, around)
    found = {(h.type, h.value, h.start, h.end) for h in scan(text)}
    assert ("email", email.lower(), start, start + len(email)) in found


@SETTINGS
@given(noise, urls(), noise, wrap)
def test_urls_in_noise(before: str, url: str, after: str, around: tuple[str, str]) -> None:
    text, start = embedded(before, url, after, around)
    scheme, rest = url.split("://", 1)
    host = rest.split("/", 1)[0].split("?", 1)[0].split(":", 1)[0]
    found = {(h.type, h.value, h.start, h.end) for h in scan(text)}
    assert ("url", url, start, start + len(url)) in found
    domain_start = start + len(scheme) + 3
    assert any(t == "domain" and s == domain_start and e == domain_start + len(host)
               for t, _, s, e in found)


@SETTINGS
@given(noise, st.tuples(*[st.integers(0, 255)] * 4).filter(lambda o: o[2:] != (0, 0)), noise,
       wrap)
def test_ipv4_in_noise(before: str, octets: tuple[int, ...], after: str,
                       around: tuple[str, str]) -> None:
    written = ".".join(map(str, octets))
    text, start = embedded(before + ",", written, "," + after, around)
    found = {(h.type, h.value, h.start, h.end) for h in scan(text)}
    assert ("ipv4", written, start, start + len(written)) in found


@SETTINGS
@given(noise, st.integers(2**100, 2**128 - 1).filter(
    lambda n: sum(1 for g in ipaddress.IPv6Address(n).compressed.split(":") if g) >= 3),
    st.booleans(), noise, wrap)
def test_ipv6_in_noise(before: str, number: int, exploded: bool, after: str,
                       around: tuple[str, str]) -> None:
    address = ipaddress.IPv6Address(number)
    written = address.exploded if exploded else address.compressed
    text, start = embedded(before, written, after, around)
    found = {(h.type, h.value, h.start, h.end) for h in scan(text)}
    assert ("ipv6", address.compressed, start, start + len(written)) in found


@SETTINGS
@given(st.text(max_size=2000))
def test_arbitrary_unicode_never_crashes(text: str) -> None:
    for hit in scan(text):
        assert hit.type in TYPES and hit.value


@SETTINGS
@given(st.binary(max_size=3000))
def test_binary_junk_never_crashes(blob: bytes) -> None:
    scan(blob.decode("latin-1"))
    scan(blob.decode("utf-8", errors="replace"))


@SETTINGS
@given(st.lists(st.sampled_from(
    ["a", ".", "@", ":", "/", "[", "]", "(", ")", "1", "f", "-", "_", " ", "www", "com",
     "http", "at", "dot", "arroba", "x", "gt", "::", "[.]", "ñ", "é", "\u200e", "\uff20"]),
    max_size=400))
def test_token_soup_never_crashes(tokens: list[str]) -> None:
    scan("".join(tokens))


@pytest.mark.parametrize("unit", [
    "a.", "@", "a@", ":", "1.", "[.]", "a[.]", "http://", "//", "x", "::", "a:", "1.1.1.1.",
    "www.", "a-", "@a.", "(at)", " arroba ", "f:", "a.com", "a@b.", "https://a.com/(",
    "0:", "1.2.3.4:", "a.b.c.", "[dot]", "ab.co.", "-.", "é.", "@gmail.com ",
])
def test_huge_pathological_lines_finish_quickly(unit: str) -> None:
    text = unit * (300_000 // len(unit))
    start = time.process_time()
    scan(text)
    assert time.process_time() - start < 20
