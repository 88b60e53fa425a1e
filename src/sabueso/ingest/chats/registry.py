"""The chat-export formats Sabueso reads, chosen by best score (DESIGN.md §2).

Each format declares how well it recognises a file from its name and first bytes
(``match``: 0 no, 100 certain) and how to read it (``parse``: a stream of
``sabueso.ingest.chats.model`` events). The case index asks ``best_format`` for every text-like
evidence item before the plain text readers: an export is read as chats, accounts and messages,
not as one block of text. ``sabueso add --as`` forces a format by name.

Formats are modules listed in ``_FORMAT_MODULES``, each exposing ``FORMATS`` (a list of
``ChatFormat``); a new export dialect is one new module and one line here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from sabueso.core.errors import InputError
from sabueso.ingest.chats.model import ChatEvent

__all__ = [
    "MATCH_THRESHOLD",
    "ChatFormat",
    "ChatSource",
    "best_format",
    "check_name",
    "forced_format",
    "format_by_name",
    "format_versions",
    "formats",
    "known_names",
]

# A file is read as a chat export from this score on.
MATCH_THRESHOLD = 50
# Bytes of a file its format is recognised from.
HEAD_BYTES = 64 << 10

_FORMAT_MODULES: tuple[str, ...] = (
    "sabueso.ingest.chats.whatsapp",
    "sabueso.ingest.chats.telegram_json",
    "sabueso.ingest.chats.telegram_html",
    "sabueso.ingest.chats.meta_json",
)


@dataclass(frozen=True, slots=True)
class ChatSource:
    """What a parser knows of the file besides its bytes.

    ``zone``: the time zone local times are read in (``--tz`` or the case's); ``siblings``:
    the names (paths relative to the export's folder, ``/``-separated) of the other files of
    the same export, to link attachment lines to them; ``date_order``: "dmy" or "mdy" when the
    user said how a text export writes its dates (``sabueso reread --date-order``);
    ``container``: the name of the archive or folder the file is in (an iOS WhatsApp export is
    ``_chat.txt`` inside ``WhatsApp Chat - Ana.zip``)."""

    name: str
    zone: str
    siblings: frozenset[str] = field(default_factory=frozenset)
    date_order: str | None = None
    container: str | None = None


@dataclass(frozen=True, slots=True)
class ChatFormat:
    name: str  # "whatsapp", "telegram-json", "telegram-html"
    version: str  # bump when its output can change for the same file
    platform: str
    match: Callable[[str, bytes], int]
    parse: Callable[[BinaryIO, ChatSource], Iterator[ChatEvent]]


_loaded: list[ChatFormat] | None = None


def formats() -> list[ChatFormat]:
    global _loaded
    if _loaded is None:
        found: list[ChatFormat] = []
        for module in _FORMAT_MODULES:
            found.extend(importlib.import_module(module).FORMATS)
        _loaded = found
    return _loaded


def format_by_name(name: str) -> ChatFormat:
    for fmt in formats():
        if fmt.name == name or fmt.platform == name:
            return fmt
    raise InputError("error.chat_format_unknown", name=name,
                     known=", ".join(sorted({f.name for f in formats()})) or "-")


def _best(candidates: list[ChatFormat], name: str, head: bytes,
          threshold: int) -> ChatFormat | None:
    """The format among ``candidates`` that scores highest on this file, from ``threshold``
    on (the first one on a tie); a format whose ``match`` fails counts as no."""
    best: tuple[int, ChatFormat] | None = None
    for fmt in candidates:
        try:
            score = fmt.match(name, head)
        except (ValueError, LookupError, UnicodeError):
            continue
        if score >= threshold and (best is None or score > best[0]):
            best = (score, fmt)
    return best[1] if best else None


def best_format(name: str, head: bytes) -> ChatFormat | None:
    """The format that recognises this file best, or None when none reaches the threshold."""
    return _best(formats(), name, head, MATCH_THRESHOLD)


def known_names() -> list[str]:
    """What ``--as`` takes: platforms and format names."""
    return sorted({f.platform for f in formats()} | {f.name for f in formats()})


def check_name(name: str) -> str:
    """``name`` when it names a platform or a format (``--as``), else a clear error."""
    if name not in known_names():
        raise InputError("error.chat_format_unknown", name=name,
                         known=", ".join(known_names()) or "-")
    return name


def forced_format(wanted: str, name: str, head: bytes) -> ChatFormat | None:
    """With ``--as wanted`` (a platform or a format): the format of that kind that recognises
    the file best, even below the usual threshold; None when none recognises it at all (the
    file is then read as plain text: an export's folder also holds notes and media lists)."""
    return _best([f for f in formats() if wanted in (f.name, f.platform)], name, head, 1)


def format_versions() -> dict[str, str]:
    return {fmt.name: fmt.version for fmt in formats()}
