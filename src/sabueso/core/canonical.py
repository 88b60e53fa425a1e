"""Canonical JSON: the exact byte form that ledger hashes and manifests are computed over.

Keys sorted, no insignificant white space, UTF-8, no NaN/Infinity. A third party can
reproduce it with ``json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(obj: Any) -> str:
    # custody/chain.py has its own copy of this one line: it must run with the stdlib alone.
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def canonical_bytes(obj: Any) -> bytes:
    return canonical_json(obj).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
