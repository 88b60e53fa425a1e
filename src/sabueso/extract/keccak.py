"""Keccak-256 as Ethereum and Monero use it (original Keccak padding ``0x01``).

This is *not* ``hashlib.sha3_256``: FIPS 202 SHA3 pads with ``0x06`` and gives different
digests. Pure Python keccak-f[1600] so the project needs no native dependency; fast enough
for address checksums (one or two permutations per address).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

_MASK = (1 << 64) - 1

_ROUND_CONSTANTS = (
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
)  # fmt: skip

_RATE = 136  # bytes, for a 256-bit capacity of 512 bits


# keccak-f[1600] with the 25 lanes in local variables (lane index x + 5*y). Unrolled because
# CPython list indexing dominated the looped version (~4x slower). Per round: theta (c, d),
# rho and pi fused (B[y, 2x+3y] = rot(A[x, y] ^ D[x], r[x][y])), chi, iota.
def _keccak_f(s: list[int]) -> None:
    """Permute the 25-lane state in place (24 rounds, unrolled per round)."""
    m = _MASK
    (
        a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12,
        a13, a14, a15, a16, a17, a18, a19, a20, a21, a22, a23, a24,
    ) = s
    for rc in _ROUND_CONSTANTS:
        c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20
        c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21
        c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22
        c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23
        c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24
        d0 = c4 ^ (((c1 << 1) | (c1 >> 63)) & m)
        d1 = c0 ^ (((c2 << 1) | (c2 >> 63)) & m)
        d2 = c1 ^ (((c3 << 1) | (c3 >> 63)) & m)
        d3 = c2 ^ (((c4 << 1) | (c4 >> 63)) & m)
        d4 = c3 ^ (((c0 << 1) | (c0 >> 63)) & m)
        b0 = a0 ^ d0
        v = a5 ^ d0
        b16 = ((v << 36) | (v >> 28)) & m
        v = a10 ^ d0
        b7 = ((v << 3) | (v >> 61)) & m
        v = a15 ^ d0
        b23 = ((v << 41) | (v >> 23)) & m
        v = a20 ^ d0
        b14 = ((v << 18) | (v >> 46)) & m
        v = a1 ^ d1
        b10 = ((v << 1) | (v >> 63)) & m
        v = a6 ^ d1
        b1 = ((v << 44) | (v >> 20)) & m
        v = a11 ^ d1
        b17 = ((v << 10) | (v >> 54)) & m
        v = a16 ^ d1
        b8 = ((v << 45) | (v >> 19)) & m
        v = a21 ^ d1
        b24 = ((v << 2) | (v >> 62)) & m
        v = a2 ^ d2
        b20 = ((v << 62) | (v >> 2)) & m
        v = a7 ^ d2
        b11 = ((v << 6) | (v >> 58)) & m
        v = a12 ^ d2
        b2 = ((v << 43) | (v >> 21)) & m
        v = a17 ^ d2
        b18 = ((v << 15) | (v >> 49)) & m
        v = a22 ^ d2
        b9 = ((v << 61) | (v >> 3)) & m
        v = a3 ^ d3
        b5 = ((v << 28) | (v >> 36)) & m
        v = a8 ^ d3
        b21 = ((v << 55) | (v >> 9)) & m
        v = a13 ^ d3
        b12 = ((v << 25) | (v >> 39)) & m
        v = a18 ^ d3
        b3 = ((v << 21) | (v >> 43)) & m
        v = a23 ^ d3
        b19 = ((v << 56) | (v >> 8)) & m
        v = a4 ^ d4
        b15 = ((v << 27) | (v >> 37)) & m
        v = a9 ^ d4
        b6 = ((v << 20) | (v >> 44)) & m
        v = a14 ^ d4
        b22 = ((v << 39) | (v >> 25)) & m
        v = a19 ^ d4
        b13 = ((v << 8) | (v >> 56)) & m
        v = a24 ^ d4
        b4 = ((v << 14) | (v >> 50)) & m
        a0 = b0 ^ (~b1 & b2)
        a1 = b1 ^ (~b2 & b3)
        a2 = b2 ^ (~b3 & b4)
        a3 = b3 ^ (~b4 & b0)
        a4 = b4 ^ (~b0 & b1)
        a5 = b5 ^ (~b6 & b7)
        a6 = b6 ^ (~b7 & b8)
        a7 = b7 ^ (~b8 & b9)
        a8 = b8 ^ (~b9 & b5)
        a9 = b9 ^ (~b5 & b6)
        a10 = b10 ^ (~b11 & b12)
        a11 = b11 ^ (~b12 & b13)
        a12 = b12 ^ (~b13 & b14)
        a13 = b13 ^ (~b14 & b10)
        a14 = b14 ^ (~b10 & b11)
        a15 = b15 ^ (~b16 & b17)
        a16 = b16 ^ (~b17 & b18)
        a17 = b17 ^ (~b18 & b19)
        a18 = b18 ^ (~b19 & b15)
        a19 = b19 ^ (~b15 & b16)
        a20 = b20 ^ (~b21 & b22)
        a21 = b21 ^ (~b22 & b23)
        a22 = b22 ^ (~b23 & b24)
        a23 = b23 ^ (~b24 & b20)
        a24 = b24 ^ (~b20 & b21)
        a0 ^= rc
    s[:] = [
        a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12,
        a13, a14, a15, a16, a17, a18, a19, a20, a21, a22, a23, a24,
    ]



def keccak256_pure(data: bytes) -> bytes:
    """Return the 32-byte Keccak-256 digest of ``data`` (pure Python)."""
    padded = bytearray(data)
    pad_len = _RATE - (len(padded) % _RATE)
    padded += b"\x00" * pad_len
    padded[len(data)] ^= 0x01
    padded[-1] ^= 0x80
    state = [0] * 25
    from_bytes = int.from_bytes
    for off in range(0, len(padded), _RATE):
        for i in range(_RATE // 8):
            state[i] ^= from_bytes(padded[off + 8 * i : off + 8 * i + 8], "little")
        _keccak_f(state)
    return b"".join(lane.to_bytes(8, "little") for lane in state[:4])


def _openssl_keccak256() -> Callable[[bytes], bytes] | None:
    """OpenSSL 3.2+ exposes ``KECCAK-256`` through hashlib; use it when present (~50x faster)."""
    try:
        probe = hashlib.new("KECCAK-256", b"").hexdigest()
    except ValueError:
        return None
    if probe != "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470":
        return None

    def digest(data: bytes) -> bytes:
        return hashlib.new("KECCAK-256", data).digest()

    return digest


keccak256: Callable[[bytes], bytes] = _openssl_keccak256() or keccak256_pure
"""Keccak-256 digest of ``data``: OpenSSL's when available, else :func:`keccak256_pure`."""
