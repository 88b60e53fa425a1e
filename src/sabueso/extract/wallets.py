"""Cryptocurrency wallets in text: cheap candidate patterns, then the checksum decides.

Candidates are runs of the right alphabet and length that stand alone (no letter or digit
glued on either side); :func:`sabueso.extract.crypto.validate` keeps only those whose checksum
holds, so an MD5 starting with ``1`` or a SHA-1 that looks like ``0x...`` never comes out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from sabueso.extract.base import WALLET_TYPES, Context, Hit, Prepared
from sabueso.extract.crypto import Wallet, validate

__all__ = ["FAMILY", "WalletFamily"]

# One cheap pattern for every chain: a run of letters and digits of wallet length starting with a
# character some address format starts with. ``validate`` dispatches on prefix and length and
# verifies the checksum; the pattern only has to be fast and miss nothing.
_PATTERN = re.compile(r"[013489ABDLMTblL][0-9A-Za-z]{25,105}")
# Segwit addresses shorter than that (future witness versions with short programs, valid under
# BIP-350 though unused today) are caught by a second, equally cheap pass.
_SHORT_SEGWIT = re.compile(r"[bBlL](?:[cC]|[tT][cC])1[0-9A-Za-z]{8,24}")
_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
# Both patterns start with a character class, which ``re`` tries at every position of the
# text. They are run only where they can match instead: ``_PATTERN`` inside runs of at least
# 26 ASCII letters and digits, found with ``bytes.find`` in a mask of ``Prepared.latin1``
# (letters and digits -> ``a``, anything else -> space); ``_SHORT_SEGWIT`` at each ``c1``.
# The mask is a superset (only U+212A KELVIN SIGN lower-cases to an ASCII letter) and the
# patterns are matched on the clean text, so the matches are those of a whole-text scan.
_MASK = bytes(0x61 if chr(i) in _ALNUM else 0x20 for i in range(256))
_RUN = b"a" * 26


@lru_cache(maxsize=8192)
def _checked(candidate: str) -> Wallet | None:
    return validate(candidate)


def _candidates(s: str, data: bytes) -> list[re.Match[str]]:
    """``_PATTERN``'s matches in ``s``, then ``_SHORT_SEGWIT``'s shorter than 26 characters,
    as whole-text scans would give them (``data`` is the Latin-1 lower case of ``s``)."""
    out: list[re.Match[str]] = []
    n = len(s)
    mask = data.translate(_MASK)
    at = mask.find(_RUN)
    while at >= 0:
        end = mask.find(b" ", at + 26)
        if end < 0:
            end = n
        out.extend(_PATTERN.finditer(s, at, end))
        at = mask.find(_RUN, end)
    after = 0
    at = data.find(b"c1")
    while at >= 0:
        # ``bc1``/``lc1`` start one character before the ``c1``, ``btc1``/``ltc1`` two;
        # matches do not overlap, as in ``finditer``.
        start = at - 2 if at >= 2 and data[at - 1] == 0x74 else at - 1
        if start >= after and (m := _SHORT_SEGWIT.match(s, start)) is not None:
            after = m.end()
            if after - start < 26:
                out.append(m)
        at = data.find(b"c1", at + 1)
    return out


class WalletFamily:
    """BTC, ETH (and every EVM chain), TRON, Litecoin, Dogecoin and Monero addresses."""

    name = "wallets"
    types = WALLET_TYPES

    def scan(self, text: Prepared, ctx: Context) -> Iterator[Hit]:
        s = text.clean
        n = len(s)
        candidates = _candidates(s, text.latin1)
        for m in candidates:
            start, end = m.span()
            if (start and s[start - 1] in _ALNUM) or (end < n and s[end] in _ALNUM):
                continue
            wallet = _checked(m.group())
            if wallet is None or wallet.chain not in ctx.types:
                continue
            yield Hit(wallet.chain, wallet.value, text.original[start:end], start, end,
                      {"chain": wallet.chain, "script_type": wallet.script_type})


FAMILY = WalletFamily()
