"""The address policy: what a capture may connect to."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sabueso.capture.errors import CaptureRefused
from sabueso.capture.guard import AddressPolicy, normalize_url, read_url_list, refusal_reason
from sabueso.core.errors import InputError


@pytest.mark.parametrize(("address", "reason"), [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"),
    ("10.0.0.1", "private"), ("172.16.5.4", "private"), ("192.168.1.1", "private"),
    ("fc00::1", "private"), ("169.254.169.254", "metadata"), ("169.254.1.1", "link-local"),
    ("fe80::1", "link-local"), ("100.64.0.1", "cgnat"), ("100.127.255.254", "cgnat"),
    ("224.0.0.1", "multicast"), ("ff02::1", "multicast"), ("0.0.0.0", "unspecified"),
    ("::", "unspecified"), ("240.0.0.1", "private"), ("::ffff:10.0.0.1", "private"),
    ("::ffff:127.0.0.1", "loopback"), ("2002:0a00:0001::1", "private"),
    ("fd00:ec2::254", "metadata"), ("198.18.0.1", "private"), ("192.0.2.1", "private"),
])
def test_non_public_addresses_are_refused(address: str, reason: str) -> None:
    assert refusal_reason(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize("address", ["8.8.8.8", "200.6.128.1", "190.104.0.1",
                                     "2800:3f0:4005::200e", "100.128.0.1", "1.1.1.1"])
def test_public_addresses_pass(address: str) -> None:
    assert refusal_reason(ipaddress.ip_address(address)) is None


def test_metadata_addresses_refused_even_in_an_allowed_network_unless_lifted() -> None:
    policy = AddressPolicy.build(allowed=["10.0.0.0/8"])
    assert policy.address_ok("10.1.2.3") is None
    assert policy.address_ok("169.254.169.254") == "metadata"
    assert AddressPolicy.build(allow_private=True).address_ok("169.254.169.254") is None


def test_every_resolved_address_is_checked() -> None:
    calls: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return {"public.test": ["8.8.8.8"], "mixed.test": ["8.8.4.4", "10.0.0.7"],
                "v6.test": ["2001:4860:4860::8888", "::1"]}[host]

    policy = AddressPolicy.build(resolver=resolver)
    target = policy.check("https://public.test/a?b=1")
    assert (target.address, target.port, target.host) == ("8.8.8.8", 443, "public.test")
    with pytest.raises(CaptureRefused) as refused:
        policy.check("http://mixed.test/")
    assert refused.value.params["address"] == "10.0.0.7"
    assert refused.value.params["kind"] == "private"
    with pytest.raises(CaptureRefused) as refused6:
        policy.check("http://v6.test:8080/")
    assert refused6.value.params["address"] == "::1"
    assert calls == ["public.test", "mixed.test", "v6.test"]


def test_ip_literals_are_not_resolved_and_are_checked() -> None:
    def resolver(host: str, port: int) -> list[str]:
        raise AssertionError("an IP literal must not be resolved")

    policy = AddressPolicy.build(resolver=resolver)
    for url in ("http://127.0.0.1/", "http://[::1]:8080/", "http://10.0.0.1/",
                "http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/",
                "http://[::ffff:192.168.0.1]/"):
        with pytest.raises(CaptureRefused):
            policy.check(url)
    assert policy.check("http://8.8.8.8/").address == "8.8.8.8"


@pytest.mark.parametrize("url", ["ftp://example.com/", "file:///etc/passwd", "javascript:1",
                                 "gopher://x/", "data:text/html,hi", "example.com/page",
                                 "http:///nohost", "http://user:pw@example.com/",
                                 "http://example.com:99999/"])
def test_bad_urls_and_schemes_are_refused(url: str) -> None:
    with pytest.raises(CaptureRefused):
        AddressPolicy.build(allow_private=True).check(url)


def test_allow_address_needs_networks() -> None:
    with pytest.raises(InputError) as bad:
        AddressPolicy.build(allowed=["not-a-network"])
    assert bad.value.key == "error.capture_bad_network"


def test_url_list_skips_comments_and_names_the_bad_line() -> None:
    lines = ["# perfiles a preservar", "", "https://example.com/a#frag  # comentario",
             "  http://example.org/b  ", "ftp://example.net/c"]
    with pytest.raises(InputError) as bad:
        read_url_list(lines, "lista.txt")
    assert bad.value.location == "lista.txt:5"
    assert read_url_list(lines[:4], "lista.txt") == ["https://example.com/a#frag",
                                                     "http://example.org/b"]


def test_normalize_url() -> None:
    assert normalize_url("HTTP://Example.COM:80") == "http://example.com/"
    assert normalize_url("https://example.com:443/a?b#c") == "https://example.com/a?b"
    assert normalize_url("https://example.com:8443/a") == "https://example.com:8443/a"


@given(st.text(max_size=200))
def test_url_list_parser_never_fails_unexpectedly(text: str) -> None:
    try:
        urls = read_url_list(text.splitlines(), "f.txt")
    except InputError as exc:
        assert exc.location is not None and exc.location.startswith("f.txt:")
        return
    for url in urls:
        assert url.lower().startswith(("http://", "https://"))
        assert normalize_url(normalize_url(url)) == normalize_url(url)


@given(st.ip_addresses())
def test_every_address_is_either_public_or_has_a_reason(addr: ipaddress.IPv4Address
                                                        | ipaddress.IPv6Address) -> None:
    reason = refusal_reason(addr)
    if reason is None:
        assert addr.is_global or addr.is_global is None
    assert AddressPolicy.build(allow_private=True).address_ok(str(addr)) is None


@given(st.one_of(st.text(max_size=80),
                 st.builds(lambda host, path: f"http://{host}/{path}",
                           st.text(max_size=30), st.text(max_size=30))))
def test_any_text_is_a_target_or_a_refusal(text: str) -> None:
    policy = AddressPolicy.build(resolver=lambda host, port: ["93.184.216.34"])
    try:
        target = policy.check(text)
    except CaptureRefused:
        return
    assert target.host.isascii() and target.scheme in ("http", "https")
    assert target.address == "93.184.216.34" or target.host == target.address
