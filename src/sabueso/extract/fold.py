"""Text folded for full-text search: the same tokens on SQLite FTS5 and PostgreSQL.

``fold`` maps every character to one character (so offsets in the folded text are offsets in
the original): letters and digits to their lower-case base form without accents
(``Canción`` -> ``cancion``, ``ÑANDÚ`` -> ``nandu``), everything else to a space. Both
databases then index the folded text with their simplest tokenizer (FTS5 ``unicode61``,
PostgreSQL's ``simple`` configuration), which on text made only of word characters and spaces
split it the same way: so a search gives the same results on both, accent- and
case-insensitive, and no stemming that one has and the other lacks.

Tokens longer than ``MAX_TOKEN`` characters (base64, hex dumps) are blanked: PostgreSQL does
not index words past 2,047 characters, and nobody searches for them by hand.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

__all__ = ["CHUNK_CHARS", "MAX_TOKEN", "chunks", "fold"]

CHUNK_CHARS = 1 << 16  # text indexed per row, at most (about: cut at a space when near)
MAX_TOKEN = 255

_NON_WORD = re.compile(r"[\W_]", re.UNICODE)
_LONG = re.compile(rf"\w{{{MAX_TOKEN + 1},}}")


@functools.cache
def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x3000):
        char = chr(code)
        if not (char.isalnum()):
            table[code] = " "
            continue
        base = unicodedata.normalize("NFD", char)[0].lower()
        if len(base) == 1 and base.isalnum():
            table[code] = base
        else:
            low = char.lower()
            table[code] = low if len(low) == 1 else char
    return table


def fold(text: str) -> str:
    """``text`` folded for search, exactly as long as ``text``."""
    folded = _NON_WORD.sub(" ", text.translate(_table()))
    if len(folded) > MAX_TOKEN and _LONG.search(folded):
        folded = _LONG.sub(lambda m: " " * len(m.group()), folded)
    return folded


def chunks(text: str, start: int = 0) -> Iterator[tuple[int, str]]:
    """(offset, folded piece) of ``text`` in pieces of about ``CHUNK_CHARS``, cut at a space so
    no word is split; ``start`` is the offset of ``text`` in its record. Pieces with no word
    are left out."""
    folded = fold(text)
    pos = 0
    while pos < len(folded):
        end = min(len(folded), pos + CHUNK_CHARS)
        if end < len(folded):
            cut = folded.rfind(" ", pos + CHUNK_CHARS // 2, end)
            end = cut if cut > pos else end
        piece = folded[pos:end]
        if piece.strip():
            yield start + pos, piece
        pos = end
