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


@lru_cache(maxsize=8192)
def _checked(candidate: str) -> Wallet | None:
    return validate(candidate)


class WalletFamily:
    """BTC, ETH (and every EVM chain), TRON, Litecoin, Dogecoin and Monero addresses."""

    name = "wallets"
    types = WALLET_TYPES

    def scan(self, text: Prepared, ctx: Context) -> Iterator[Hit]:
        s = text.clean
        n = len(s)
        candidates = list(_PATTERN.finditer(s))
        candidates += [m for m in _SHORT_SEGWIT.finditer(s) if m.end() - m.start() < 26]
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
