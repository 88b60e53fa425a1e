"""Property-based checks for cryptocurrency address validation (DESIGN.md §6)."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from sabueso.extract.crypto import (
    Wallet,
    base58check_encode,
    eip55_checksum,
    monero_base58_decode,
    monero_base58_encode,
    segwit_encode,
    validate,
)
from sabueso.extract.keccak import keccak256

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

BASE58_VERSIONS = {
    0x00: ("btc", "p2pkh"),
    0x05: ("btc", "p2sh"),
    0x30: ("ltc", "p2pkh"),
    0x32: ("ltc", "p2sh"),
    0x1E: ("doge", "p2pkh"),
    0x16: ("doge", "p2sh"),
    0x41: ("trx", "account"),
}

hash20 = st.binary(min_size=20, max_size=20)
hash32 = st.binary(min_size=32, max_size=32)


@st.composite
def base58_addresses(draw: st.DrawFn) -> tuple[str, Wallet]:
    version = draw(st.sampled_from(sorted(BASE58_VERSIONS)))
    text = base58check_encode(bytes([version]) + draw(hash20))
    chain, script_type = BASE58_VERSIONS[version]
    return text, Wallet(chain, text, script_type)


@st.composite
def segwit_addresses(draw: st.DrawFn) -> tuple[str, Wallet]:
    chain, hrp = draw(st.sampled_from([("btc", "bc"), ("ltc", "ltc")]))
    kind = draw(st.sampled_from(["p2wpkh", "p2wsh", "p2tr", "future"]))
    if kind == "future":
        version = draw(st.integers(1, 16))
        program = draw(st.binary(min_size=2, max_size=40))
        assume(not (version == 1 and len(program) == 32))
        script_type = f"witness_v{version}"
    else:
        version = 0 if kind != "p2tr" else 1
        program = draw(hash20 if kind == "p2wpkh" else hash32)
        script_type = kind
    text = segwit_encode(hrp, version, program)
    return text, Wallet(chain, text, script_type)



@st.composite
def eth_addresses(draw: st.DrawFn) -> tuple[str, Wallet]:
    text = eip55_checksum(draw(hash20).hex())
    return text, Wallet("eth", text, "account")


@st.composite
def monero_addresses(draw: st.DrawFn) -> tuple[str, Wallet]:
    netbyte, script_type, extra = draw(
        st.sampled_from([(18, "standard", 0), (42, "subaddress", 0), (19, "integrated", 8)])
    )
    body = bytes([netbyte]) + draw(st.binary(min_size=64 + extra, max_size=64 + extra))
    text = monero_base58_encode(body + keccak256(body)[:4])
    return text, Wallet("xmr", text, script_type)


any_address = st.one_of(
    base58_addresses(), segwit_addresses(), eth_addresses(), monero_addresses()
)


@given(base58_addresses())
def test_base58check_round_trip(case: tuple[str, Wallet]) -> None:
    text, wallet = case
    assert validate(text) == wallet


@given(segwit_addresses())
def test_segwit_round_trip_any_case(case: tuple[str, Wallet]) -> None:
    text, wallet = case
    assert validate(text) == wallet
    assert validate(text.upper()) == wallet  # canonical value is lower case


@given(eth_addresses())
def test_eip55_round_trip(case: tuple[str, Wallet]) -> None:
    text, wallet = case
    assert validate(text) == wallet
    assert validate(text.lower()) == wallet
    assert validate("0x" + text[2:].upper()) == wallet


@given(monero_addresses())
def test_monero_round_trip(case: tuple[str, Wallet]) -> None:
    text, wallet = case
    assert validate(text) == wallet
    assert monero_base58_decode(text) is not None


def _alphabet_for(text: str) -> str:
    if text.startswith("0x"):
        return "0123456789abcdefABCDEF"
    if text[:3] == "bc1" or text[:4] == "ltc1":
        return BECH32_CHARSET
    return B58


@given(any_address, st.data())
def test_single_substitution_rejected(case: tuple[str, Wallet], data: st.DataObject) -> None:
    text, wallet = case
    assume(wallet.value not in ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",))
    start = 2 if text.startswith("0x") else 0
    pos = data.draw(st.integers(start, len(text) - 1), label="position")
    char = data.draw(st.sampled_from(_alphabet_for(text)), label="replacement")
    assume(char != text[pos])
    mutated = text[:pos] + char + text[pos + 1 :]
    result = validate(mutated)
    if wallet.chain != "eth":
        assert result is None
        return
    body = mutated[2:]
    if char.lower() == text[pos].lower():
        # a case flip: only a single-case string (no checksum to break) may pass, and then
        # it must be the same address
        if body.islower() or body.isupper():
            assert result == wallet
        else:
            assert result is None
    else:
        # EIP-55 protects only the letters' case: a new digit is a different address, which
        # may carry a valid checksum by chance, but is never taken for the original.
        assert result is None or result.value.lower() != wallet.value.lower()


@given(st.text(max_size=120))
def test_arbitrary_text_never_raises(text: str) -> None:
    result = validate(text)
    assert result is None or isinstance(result, Wallet)


@given(
    st.sampled_from(["", "0x", "1", "3", "bc1", "BC1", "ltc1", "LTC1", "L", "M", "D", "9", "A",
                     "T", "4", "8"]),
    st.text(alphabet=B58 + BECH32_CHARSET + "0OIl1xX \u00ff", max_size=110),
)
def test_prefixed_noise_never_raises(prefix: str, rest: str) -> None:
    result = validate(prefix + rest)
    assert result is None or isinstance(result, Wallet)
