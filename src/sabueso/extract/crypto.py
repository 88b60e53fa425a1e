"""Cryptocurrency addresses: checksum validation and one canonical value per address.

``validate(text)`` returns a :class:`Wallet` or ``None``. It runs on every regex candidate
found in evidence, so it dispatches on the first character and the length before decoding,
and returns ``None`` (never raises) on the invalid path.

Covered (mainnet only; testnet and regtest forms are rejected):

- Bitcoin base58check P2PKH (version 0x00, ``1...``) and P2SH (0x05, ``3...``).
- Bitcoin segwit ``bc1``: witness v0 in Bech32 (BIP-173; 20- or 32-byte program, 42 or 62
  characters), v1+ in Bech32m (BIP-350). Upper or lower case, never mixed; canonical lower.
- Ethereum / EVM ``0x`` + 40 hex: EIP-55 checksum enforced when mixed case; all-lower and
  all-upper carry no checksum and are accepted. Canonical value is the EIP-55 form.
- TRON base58check version 0x41, 34 characters ``T...``.
- Litecoin base58check 0x30 ``L...`` and 0x32 ``M...``; segwit ``ltc1``. The legacy
  Litecoin P2SH version 0x05 (``3...``) is byte-identical to Bitcoin P2SH, so it is reported as
  ``btc``: only context can tell them apart.
- Dogecoin base58check 0x1E ``D...`` and 0x16 ``9...``/``A...``.
- Monero standard (network byte 18), subaddress (42) and integrated (19) addresses, in
  Monero's block base58 with a Keccak-256 checksum.

Sources: BIP-173, BIP-350, EIP-55 (ethereum/ERCs ``ERCS/erc-55.md``), tronprotocol/tronweb
``src/utils/constants.ts``, monero-ecosystem/monero-python ``monero/const.py``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from sabueso.extract.keccak import keccak256

__all__ = [
    "EXCLUDED",
    "Wallet",
    "base58_decode",
    "base58check_decode",
    "base58check_encode",
    "bech32_decode",
    "bech32_encode",
    "eip55_checksum",
    "monero_base58_decode",
    "monero_base58_encode",
    "segwit_decode",
    "segwit_encode",
    "validate",
]


@dataclass(frozen=True, slots=True)
class Wallet:
    """A cryptocurrency address whose checksum held.

    ``chain`` is the ticker-like chain name (``btc``, ``eth``, ``trx``, ``ltc``, ``doge``,
    ``xmr``), ``value`` the canonical text of the address (the same address always gives the
    same value), ``script_type`` what kind of address it is (``p2pkh``, ``p2sh``, ``p2wpkh``,
    ``p2wsh``, ``p2tr``, ``witness_v<N>``, ``account``, ``standard``, ``subaddress``,
    ``integrated``).
    """

    chain: str
    value: str
    script_type: str


# Strings that pass their checksum but are not wallets and must not become selectors.
EXCLUDED: frozenset[str] = frozenset(
    {
        # Tether USDT-TRC20 token contract on TRON: quoted in nearly every USDT payment
        # instruction, so matching it would link unrelated cases through a contract, not a
        # wallet (extraction.md section 2.1; checksum verified).
        "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
    }
)

# ---------------------------------------------------------------------------------------------
# Base58 / Base58Check (Bitcoin alphabet)

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX: dict[str, int] = {c: i for i, c in enumerate(_B58_ALPHABET)}


def base58_decode(text: str) -> bytes | None:
    """Decode Bitcoin-alphabet base58 (leading ``1`` = zero byte); ``None`` on a bad character."""
    index = _B58_INDEX
    num = 0
    for ch in text:
        digit = index.get(ch)
        if digit is None:
            return None
        num = num * 58 + digit
    zeros = len(text) - len(text.lstrip("1"))
    return b"\x00" * zeros + num.to_bytes((num.bit_length() + 7) // 8, "big")


def _base58_encode(data: bytes) -> str:
    num = int.from_bytes(data, "big")
    out: list[str] = []
    while num:
        num, rem = divmod(num, 58)
        out.append(_B58_ALPHABET[rem])
    zeros = len(data) - len(data.lstrip(b"\x00"))
    return "1" * zeros + "".join(reversed(out))


def _double_sha256(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def base58check_decode(text: str) -> bytes | None:
    """Return the payload (version byte included) when the 4-byte checksum holds."""
    raw = base58_decode(text)
    if raw is None or len(raw) < 5:
        return None
    payload, check = raw[:-4], raw[-4:]
    if _double_sha256(payload)[:4] != check:
        return None
    return payload


def base58check_encode(payload: bytes) -> str:
    """Encode ``payload`` (version byte included) with a double-SHA-256 checksum."""
    return _base58_encode(payload + _double_sha256(payload)[:4])


# version byte -> (chain, script_type) for 21-byte payloads (version + 20-byte hash)
_BASE58_VERSIONS: dict[int, tuple[str, str]] = {
    0x00: ("btc", "p2pkh"),
    0x05: ("btc", "p2sh"),  # also legacy Litecoin P2SH: same bytes, reported as btc
    0x30: ("ltc", "p2pkh"),
    0x32: ("ltc", "p2sh"),
    0x1E: ("doge", "p2pkh"),
    0x16: ("doge", "p2sh"),
    0x41: ("trx", "account"),
}


def _validate_base58(text: str) -> Wallet | None:
    n = len(text)
    if n < 26 or n > 35:
        return None
    payload = base58check_decode(text)
    if payload is None or len(payload) != 21:
        return None
    kind = _BASE58_VERSIONS.get(payload[0])
    if kind is None:
        return None
    chain, script_type = kind
    if chain == "trx" and n != 34:
        return None
    return Wallet(chain, text, script_type)


# ---------------------------------------------------------------------------------------------
# Bech32 / Bech32m (BIP-173, BIP-350), after sipa/bech32 ref/python/segwit_addr.py

_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX: dict[str, int] = {c: i for i, c in enumerate(_BECH32_CHARSET)}
_BECH32_CONST = 1
_BECH32M_CONST = 0x2BC830A3
_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _polymod(values: list[int]) -> int:
    chk = 1
    g0, g1, g2, g3, g4 = _GEN
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        if top & 1:
            chk ^= g0
        if top & 2:
            chk ^= g1
        if top & 4:
            chk ^= g2
        if top & 8:
            chk ^= g3
        if top & 16:
            chk ^= g4
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    codes = [ord(c) for c in hrp]
    return [c >> 5 for c in codes] + [0] + [c & 31 for c in codes]


def bech32_decode(text: str) -> tuple[str, list[int], int] | None:
    """Split and checksum a Bech32/Bech32m string.

    Returns ``(hrp, data, const)`` with the 5-bit data (checksum removed) and the checksum
    constant that matched (1 for Bech32, 0x2bc830a3 for Bech32m), or ``None``.
    """
    if len(text) > 90:
        return None
    lower = text.lower()
    if lower != text and text.upper() != text:
        return None  # mixed case
    pos = lower.rfind("1")
    if pos < 1 or pos + 7 > len(lower):
        return None
    hrp = lower[:pos]
    for ch in hrp:
        if not 33 <= ord(ch) <= 126:
            return None
    index = _BECH32_INDEX
    data: list[int] = []
    for ch in lower[pos + 1 :]:
        digit = index.get(ch)
        if digit is None:
            return None
        data.append(digit)
    const = _polymod(_hrp_expand(hrp) + data)
    if const != _BECH32_CONST and const != _BECH32M_CONST:
        return None
    return hrp, data[:-6], const


def bech32_encode(hrp: str, data: list[int], const: int) -> str:
    """Encode 5-bit ``data`` under ``hrp`` with the given checksum constant."""
    values = _hrp_expand(hrp) + data
    mod = _polymod([*values, 0, 0, 0, 0, 0, 0]) ^ const
    checksum = [(mod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32_CHARSET[d] for d in data + checksum)


def _convert_bits(data: list[int], frombits: int, tobits: int, pad: bool) -> list[int] | None:
    acc = 0
    bits = 0
    out: list[int] = []
    maxv = (1 << tobits) - 1
    max_acc = (1 << (frombits + tobits - 1)) - 1
    for value in data:
        if value < 0 or value >> frombits:
            return None
        acc = ((acc << frombits) | value) & max_acc
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (tobits - bits)) & maxv)
    elif bits >= frombits or ((acc << (tobits - bits)) & maxv):
        return None
    return out


def segwit_decode(hrp: str, address: str) -> tuple[int, bytes] | None:
    """Decode a segwit address for ``hrp`` into ``(witness version, program)`` (BIP-350 rules)."""
    decoded = bech32_decode(address)
    if decoded is None:
        return None
    got_hrp, data, const = decoded
    if got_hrp != hrp or not data:
        return None
    version = data[0]
    if version > 16:
        return None
    program = _convert_bits(data[1:], 5, 8, False)
    if program is None or not 2 <= len(program) <= 40:
        return None
    if version == 0 and len(program) not in (20, 32):
        return None
    if (version == 0) != (const == _BECH32_CONST):
        return None  # v0 must use Bech32, v1+ Bech32m
    return version, bytes(program)


def segwit_encode(hrp: str, version: int, program: bytes) -> str:
    """Encode a segwit address (Bech32 for v0, Bech32m for v1+)."""
    const = _BECH32_CONST if version == 0 else _BECH32M_CONST
    five = _convert_bits(list(program), 8, 5, True)
    assert five is not None  # 8-bit input always converts
    return bech32_encode(hrp, [version, *five], const)


def _validate_segwit(chain: str, hrp: str, text: str) -> Wallet | None:
    decoded = segwit_decode(hrp, text)
    if decoded is None:
        return None
    version, program = decoded
    if version == 0:
        script_type = "p2wpkh" if len(program) == 20 else "p2wsh"
    elif version == 1 and len(program) == 32:
        script_type = "p2tr"
    else:
        script_type = f"witness_v{version}"
    return Wallet(chain, text.lower(), script_type)


# ---------------------------------------------------------------------------------------------
# Ethereum EIP-55

_HEX = frozenset("0123456789abcdefABCDEF")


@lru_cache(maxsize=8192)
def eip55_checksum(hex40: str) -> str:
    """Return ``0x`` + the EIP-55 mixed-case form of 40 hex digits (any case)."""
    lower = hex40.lower()
    digest = keccak256(lower.encode("ascii")).hex()
    return "0x" + "".join(
        ch.upper() if ch > "9" and digest[i] > "7" else ch for i, ch in enumerate(lower)
    )


def _validate_eth(text: str) -> Wallet | None:
    body = text[2:]
    if not _HEX.issuperset(body):
        return None
    canonical = eip55_checksum(body)
    if body.islower() or body.isupper() or body.isdigit():
        return Wallet("eth", canonical, "account")
    if canonical[2:] != body:
        return None
    return Wallet("eth", canonical, "account")


# ---------------------------------------------------------------------------------------------
# Monero: base58 in 8-byte blocks (11 characters each), Keccak-256 checksum

_XMR_ENCODED_BLOCK_SIZES = (0, 2, 3, 5, 6, 7, 9, 10, 11)
_XMR_DECODED_SIZE: dict[int, int] = {n: i for i, n in enumerate(_XMR_ENCODED_BLOCK_SIZES)}
# network byte -> (script_type, total decoded length)
_XMR_NETBYTES: dict[int, tuple[str, int]] = {
    18: ("standard", 69),  # 1 + spend key 32 + view key 32 + checksum 4
    42: ("subaddress", 69),
    19: ("integrated", 77),  # ... + payment id 8
}


def monero_base58_decode(text: str) -> bytes | None:
    """Decode Monero block base58; ``None`` on a bad character, block length or overflow."""
    index = _B58_INDEX
    out = bytearray()
    for start in range(0, len(text), 11):
        block = text[start : start + 11]
        size = _XMR_DECODED_SIZE.get(len(block))
        if not size:
            return None
        num = 0
        for ch in block:
            digit = index.get(ch)
            if digit is None:
                return None
            num = num * 58 + digit
        if num >> (8 * size):
            return None
        out += num.to_bytes(size, "big")
    return bytes(out)


def monero_base58_encode(data: bytes) -> str:
    """Encode bytes in Monero block base58 (full 8-byte blocks pad to 11 characters)."""
    out: list[str] = []
    for start in range(0, len(data), 8):
        block = data[start : start + 8]
        num = int.from_bytes(block, "big")
        chars: list[str] = []
        for _ in range(_XMR_ENCODED_BLOCK_SIZES[len(block)]):
            num, rem = divmod(num, 58)
            chars.append(_B58_ALPHABET[rem])
        out.append("".join(reversed(chars)))
    return "".join(out)


def _validate_monero(text: str) -> Wallet | None:
    raw = monero_base58_decode(text)
    if raw is None:
        return None
    kind = _XMR_NETBYTES.get(raw[0])
    if kind is None or len(raw) != kind[1]:
        return None
    if keccak256(raw[:-4])[:4] != raw[-4:]:
        return None
    return Wallet("xmr", text, kind[0])


# ---------------------------------------------------------------------------------------------
# Dispatcher


def validate(text: str) -> Wallet | None:
    """Return the :class:`Wallet` for ``text`` when it is a valid address, else ``None``.

    ``text`` is one candidate (no surrounding white space). Cheap checks on the first
    characters and the length pick at most two decoders; nothing is raised.
    """
    n = len(text)
    if n < 14 or n > 106 or not text.isascii():
        return None
    if text in EXCLUDED:
        return None
    first = text[0]
    if first == "0":
        if n == 42 and text[1] == "x":
            return _validate_eth(text)
        return None
    if first in "bB" and text[:3].lower() == "bc1":
        return _validate_segwit("btc", "bc", text)
    if first in "lL" and text[:4].lower() == "ltc1":
        wallet = _validate_segwit("ltc", "ltc", text)
        if wallet is not None or first == "l":
            return wallet
        # "LTC1..." is also a possible base58 prefix: fall through.
    if first in "48" and (n == 95 or n == 106):
        return _validate_monero(text)
    if first in "13LMD9AT" and 26 <= n <= 35:
        return _validate_base58(text)
    return None
