"""File names as text. POSIX names are bytes: names that are not valid UTF-8 (a seized
Latin-1 USB stick, say) are kept faithfully as ``\\xNN`` escapes instead of failing."""

from __future__ import annotations

import os
from pathlib import PurePath


def path_text(path: str | PurePath) -> str:
    raw = os.fsencode(path) if isinstance(path, PurePath) else path.encode(
        "utf-8", "surrogateescape")
    return raw.decode("utf-8", "backslashreplace")
