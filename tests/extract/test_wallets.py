"""Wallets found in running text: official vectors and generated addresses embedded in noise."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sabueso.extract.base import Context, prepare
from sabueso.extract.crypto import Wallet
from sabueso.extract.wallets import FAMILY

from .test_crypto_properties import any_address
from .vectors import INVALID, VALID


def scan(text: str, types: frozenset[str] | None = None) -> list[tuple[str, str, int, int]]:
    ctx = Context(types=types) if types is not None else Context()
    return sorted((h.type, h.value, h.start, h.end) for h in FAMILY.scan(prepare(text), ctx))


@pytest.mark.parametrize(("written", "chain", "value", "script_type"), VALID)
def test_official_vectors_in_a_sentence(written: str, chain: str, value: str,
                                        script_type: str) -> None:
    text = f"Pago por la mercancía a la dirección {written}, confirmar por WhatsApp."
    start = text.index(written)
    hits = list(FAMILY.scan(prepare(text), Context()))
    assert [(h.type, h.value, h.raw, h.start, h.end) for h in hits] == [
        (chain, value, written, start, start + len(written))]
    assert dict(hits[0].attrs) == {"chain": chain, "script_type": script_type}


@pytest.mark.parametrize(("written", "why"), INVALID)
def test_official_invalid_vectors_are_not_reported(written: str, why: str) -> None:
    assert scan(f"wallet: {written} ok") == [], why


@pytest.mark.parametrize("junk", [
    # MD5 starting with 1 and a SHA-1: peers report these as a Bitcoin address and a wallet.
    "1a79a4d60de6718e8e5b326e338ae533",
    "0x7c4a8d09ca3762af61e59520943dc26494f8941b",  # lower-case 40 hex is a valid ETH form...
])
def test_hash_look_alikes(junk: str) -> None:
    hits = scan(f"hash {junk} fin")
    if junk.startswith("0x"):
        # ...all-lower-case hex carries no checksum: it is accepted as an address, as EIP-55
        # says; only context could say it is a hash.
        assert [h[0] for h in hits] == ["eth"]
    else:
        assert hits == []


def test_glued_and_contract_addresses_are_not_wallets() -> None:
    addr = "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"
    assert scan(f"x{addr}") == []
    assert scan(f"{addr}9 y") == []
    assert scan(f"({addr})")[0][1] == addr
    assert scan("USDT TRC20 contrato TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t") == []


def test_types_filter() -> None:
    text = "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    assert [h[0] for h in scan(text, frozenset({"eth"}))] == ["eth"]


@settings(max_examples=200, deadline=None)
@given(address=any_address, before=st.text(max_size=40), after=st.text(max_size=40),
       sep=st.sampled_from([" ", "\n", ": ", "(", "\u200e", " -> ", "“"]))
def test_generated_addresses_in_noise_round_trip(address: tuple[str, Wallet], before: str,
                                                 after: str, sep: str) -> None:
    text_addr, wallet = address
    text = f"{before}{sep}{text_addr} {after}"
    start = len(before) + len(sep)
    found = [(h.value, h.start, h.end) for h in FAMILY.scan(prepare(text), Context())
             if h.start == start]
    glued = before[-1:].isascii() and before[-1:].isalnum() and sep == ""
    if not glued:
        assert found == [(wallet.value, start, start + len(text_addr))]


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=3000))
def test_binary_junk_never_raises(data: bytes) -> None:
    list(FAMILY.scan(prepare(data.decode("latin-1")), Context()))


def test_huge_base58_line_is_linear() -> None:
    line = "1" + "A" * 2_000_000
    started = time.perf_counter()
    assert scan(line) == []
    assert time.perf_counter() - started < 5
