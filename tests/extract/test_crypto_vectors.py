"""Cryptocurrency address validation against official test vectors.

The bundled handful (``vectors.py``) always runs; the full sets are read from
``../shared/corpora`` (beside the repository) and skipped with a reason when it is absent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sabueso.extract.crypto import (
    EXCLUDED,
    Wallet,
    base58_decode,
    base58check_decode,
    bech32_decode,
    eip55_checksum,
    segwit_decode,
    validate,
)
from sabueso.extract.keccak import keccak256, keccak256_pure

from .vectors import INVALID, VALID

CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"
BECH32 = 1
BECH32M = 0x2BC830A3


def _load(relative: str) -> Any:
    path = CORPORA / relative
    if not path.is_file():
        pytest.skip(f"official vectors not found at {path} (shared/ belongs beside the repo)")
    return json.loads(path.read_text(encoding="utf-8"))


# --- bundled vectors -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "chain", "value", "script_type"), VALID)
def test_bundled_valid(text: str, chain: str, value: str, script_type: str) -> None:
    assert validate(text) == Wallet(chain, value, script_type)


@pytest.mark.parametrize(("text", "reason"), INVALID)
def test_bundled_invalid(text: str, reason: str) -> None:
    assert validate(text) is None, reason


def test_keccak256_known_digests() -> None:
    vectors = {
        b"": "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
        b"abc": "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45",
        b"The quick brown fox jumps over the lazy dog": (
            "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15"
        ),
    }
    for data, digest in vectors.items():
        assert keccak256_pure(data).hex() == digest
        assert keccak256(data).hex() == digest


def test_keccak256_block_boundaries_are_consistent() -> None:
    # Rate is 136 bytes: exercise the padding edge cases and multi-block absorption.
    for n in (134, 135, 136, 137, 271, 272, 273, 1000):
        data = bytes(range(256)) * 4
        assert keccak256_pure(data[:n]) == keccak256(data[:n])
        assert len(keccak256_pure(data[:n])) == 32
    assert keccak256_pure(b"\x00" * 135) != keccak256_pure(b"\x00" * 136)


def test_monero_integrated_address_carries_keys_and_payment_id() -> None:
    # monero-ecosystem/monero-python tests/address.py: psk, pvk and pid of the same wallet.
    from sabueso.extract.crypto import monero_base58_decode

    raw = monero_base58_decode(
        "4DHKLPmWW8aBoEbSyzKVbbDRmc8nsnpZLUpQBYvhUxs3KVrodnaFaBEQMDp69u4VaiEG3LSQXA6M61mXPrztCLuh"
        "AR6GpL18QNwE8h3TuF"
    )
    assert raw is not None
    assert raw[1:33].hex() == "33a7ceb933b793408d49e82c0a34664a4be7117243cb77a64ef280b866d8aa6e"
    assert raw[33:65].hex() == "96f70d63d9d3558b97a5dd200a170b4f45b3177a274aa90496ea683896ff6438"
    assert raw[65:73].hex() == "4a6f686e47616c74"


def test_usdt_trc20_contract_is_checksum_valid_but_excluded() -> None:
    contract = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
    assert contract in EXCLUDED
    payload = base58check_decode(contract)
    assert payload is not None and payload[0] == 0x41
    assert validate(contract) is None


# --- BIP-173 / BIP-350 ----------------------------------------------------------------------


def _hrp(address: str) -> str:
    return address.lower()[: address.lower().rfind("1")]


def _script_pubkey(version: int, program: bytes) -> str:
    op = 0 if version == 0 else 0x50 + version
    return bytes([op, len(program)]).hex() + program.hex()


def test_bip_bech32_checksum_vectors() -> None:
    sets = _load("btc-bech32/bip173_bip350_vectors.json")["sets"]
    for entry in sets["bip173_bech32_valid"]:
        decoded = bech32_decode(entry["string"])
        assert decoded is not None and decoded[2] == BECH32, entry
    for entry in sets["bip350_bech32m_valid"]:
        decoded = bech32_decode(entry["string"])
        assert decoded is not None and decoded[2] == BECH32M, entry
    for entry in sets["bip173_bech32_invalid"]:
        decoded = bech32_decode(entry["string"])
        assert decoded is None or decoded[2] != BECH32, entry
    for entry in sets["bip350_bech32m_invalid"]:
        decoded = bech32_decode(entry["string"])
        assert decoded is None or decoded[2] != BECH32M, entry


def test_bip350_segwit_addresses() -> None:
    sets = _load("btc-bech32/bip173_bip350_vectors.json")["sets"]
    for entry in sets["bip350_segwit_valid"]:
        address = entry["string"]
        hrp = _hrp(address)
        decoded = segwit_decode(hrp, address)
        assert decoded is not None, entry
        assert _script_pubkey(*decoded) == entry["scriptPubKey"]
        wallet = validate(address)
        if hrp == "bc":
            assert wallet is not None and wallet.chain == "btc"
            assert wallet.value == address.lower()
        else:  # testnet: a valid address, but not a mainnet wallet
            assert wallet is None
    for entry in sets["bip350_segwit_invalid"]:
        address = entry["string"]
        assert segwit_decode("bc", address) is None, entry
        assert segwit_decode("tb", address) is None, entry
        assert validate(address) is None, entry


def test_bip173_segwit_vectors_as_amended_by_bip350() -> None:
    data = _load("btc-bech32/bip173_bip350_vectors.json")
    for entry in data["sets"]["bip173_segwit_valid_as_of_bip173"]:
        address = entry["string"]
        decoded = segwit_decode(_hrp(address), address)
        if entry["scriptPubKey"].startswith("00"):  # v0: still valid
            assert decoded is not None and _script_pubkey(*decoded) == entry["scriptPubKey"]
        else:  # v1+ with a Bech32 checksum: invalid since BIP-350 (the corpus caveat)
            assert decoded is None, entry
            assert validate(address) is None
    for entry in data["sets"]["bip173_segwit_invalid_as_of_bip173"]:
        assert validate(entry["string"]) is None, entry
        # as in sipa/bech32 ref tests: invalid for both the mainnet and the testnet HRP
        assert segwit_decode("bc", entry["string"]) is None, entry
        assert segwit_decode("tb", entry["string"]) is None, entry


def test_bitcoinjs_bech32_fixtures() -> None:
    data = _load("btc-bech32/bitcoinjs-bech32_fixtures.json")
    for kind, const in (("bech32", BECH32), ("bech32m", BECH32M)):
        for entry in data[kind]["valid"]:
            decoded = bech32_decode(entry["string"])
            if len(entry["string"]) > 90:
                # bitcoinjs lets callers raise the limit; BIP-173 caps strings at 90.
                assert decoded is None
                continue
            assert decoded is not None and decoded[2] == const, entry
            assert decoded[0] == entry["prefix"].lower()
        for entry in data[kind]["invalid"]:
            if "string" in entry:
                text = entry["string"]
            elif "stringHex" in entry:
                text = bytes.fromhex(entry["stringHex"]).decode("latin-1")
            else:
                continue  # encoder-side cases (prefix / words only)
            decoded = bech32_decode(text)
            assert decoded is None or decoded[2] != const, entry


# --- Base58Check (Bitcoin Core, bitcoinjs, bs58check) --------------------------------------


def test_core_base58_keys_valid() -> None:
    for text, payload_hex, meta in _load("btc-base58/core_base58_keys_valid.json"):
        payload = base58check_decode(text)
        # compressed WIF keys carry a trailing 0x01 flag after the key
        assert payload is not None and payload[1:].hex().startswith(payload_hex), text
        wallet = validate(text)
        if meta["isPrivkey"] or meta["isTestnet"]:
            assert wallet is None, text  # keys and testnet strings are not wallets
            continue
        expected = "p2pkh" if meta["addrType"] == "pubkey" else "p2sh"
        assert wallet == Wallet("btc", text, expected)


def test_core_base58_keys_invalid() -> None:
    for (text,) in _load("btc-base58/core_base58_keys_invalid.json"):
        assert validate(text) is None, text


def test_core_base58_encode_decode() -> None:
    for payload_hex, text in _load("btc-base58/core_base58_encode_decode.json"):
        decoded = base58_decode(text)
        assert decoded is not None and decoded.hex() == payload_hex, text


def test_bs58check_fixtures() -> None:
    data = _load("btc-base58/bs58check_fixtures.json")
    for entry in data["valid"]:
        payload = base58check_decode(entry["string"])
        assert payload is not None and payload.hex() == entry["payload"]
    for entry in data["invalid"]:
        assert base58check_decode(entry["string"]) is None, entry
        assert validate(entry["string"]) is None, entry


def test_bitcoinjs_address_fixtures() -> None:
    data = _load("btc-base58/bitcoinjs-lib_address.json")
    chains = {"bitcoin": "btc", "litecoin": "ltc"}
    for entry in data["standard"]:
        text = entry.get("base58check") or entry["bech32"]
        wallet = validate(text)
        if entry["network"] not in chains:
            assert wallet is None, entry  # testnet / regtest
            continue
        assert wallet is not None and wallet.chain == chains[entry["network"]], entry
        if "base58check" in entry:
            payload = base58check_decode(text)
            assert payload is not None
            assert payload[0] == entry["version"] and payload[1:].hex() == entry["hash"]
        else:
            decoded = segwit_decode("bc", text)
            assert decoded == (entry["version"], bytes.fromhex(entry["data"]))
    for entry in data["bech32"]:
        decoded = segwit_decode(entry["prefix"], entry["address"])
        assert decoded == (entry["version"], bytes.fromhex(entry["data"]))
    for entry in data["invalid"]["bech32"] + data["invalid"]["fromBase58Check"]:
        assert validate(entry["address"]) is None, entry
    for entry in data["invalid"]["toOutputScript"]:
        if "network" in entry:
            continue  # invalid only for a custom network ("foo") or testnet: not our case
        if "paymentException" in entry:
            # bitcoinjs rejects a Taproot key that is not on secp256k1; BIP-350 does not
            # look at the program, and neither do we: the address is well formed.
            assert validate(entry["address"]) is not None
            continue
        assert validate(entry["address"]) is None, entry


# --- EIP-55 -----------------------------------------------------------------------------------


def test_eip55_vectors() -> None:
    data = _load("eth-eip55/eip55_vectors.json")
    mixed = data["valid_mixed_checksum"] + data["valid_mixed_checksum_extra"]["addresses"]
    for address in mixed:
        assert validate(address) == Wallet("eth", address, "account")
        # the same address with no checksum (one case) normalises to the checksummed form
        assert validate(address.lower()) == Wallet("eth", address, "account")
        assert validate("0x" + address[2:].upper()) == Wallet("eth", address, "account")
    for address in data["valid_all_caps"] + data["valid_all_lower"]:
        wallet = validate(address)
        assert wallet is not None and wallet.value == eip55_checksum(address[2:])
        assert wallet.value.lower() == address.lower()
    for entry in data["invalid_checksum_derived"]:
        assert validate(entry["string"]) is None, entry
        assert validate(entry["derived_from"]) is not None


# --- TRON -------------------------------------------------------------------------------------


def test_tron_vectors() -> None:
    data = _load("tron/tron_addresses.json")
    for address in data["valid_tron_base58"]:
        assert validate(address) == Wallet("trx", address, "account")
    for entry in data["invalid_tron_derived"]:
        text = entry["string"] if isinstance(entry, dict) else entry
        assert validate(text) is None, entry
    for address in data["evm_hex_senders_eip55"]:
        assert validate(address) == Wallet("eth", address, "account")


# --- iocsearcher multi-chain list ------------------------------------------------------------

IOCSEARCHER_CHAINS = {
    "bitcoin": "btc",
    "litecoin": "ltc",
    "dogecoin": "doge",
    "ethereum": "eth",
    "monero": "xmr",
    "tron": "trx",
}


def test_iocsearcher_multichain_valid() -> None:
    path = CORPORA / "multichain-addresses" / "iocsearcher_blockchain_valid.ioc"
    if not path.is_file():
        pytest.skip(f"official vectors not found at {path} (shared/ belongs beside the repo)")
    seen: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) != 2:
            continue
        label, address = parts
        wallet = validate(address)
        if label in IOCSEARCHER_CHAINS:
            assert wallet is not None and wallet.chain == IOCSEARCHER_CHAINS[label], line
            seen.add(label)
        else:
            # chains we do not cover must not be mistaken for one we do
            assert wallet is None, line
    assert seen == set(IOCSEARCHER_CHAINS)
