"""The fast path of the Telegram ``result.json`` reader, for a single-chat export laid out as
Telegram Desktop writes it.

tdesktop writes a chat as ``{"name": ..., "type": ..., "id": ..., "messages": [`` then one
object per message, each opened and closed on lines of their own at the same indentation
(``\\n  {`` ... ``\\n  },``). A raw line end can only stand between JSON tokens (a string
cannot hold one), so the bytes from a message's ``{`` to the first line end followed by that
indentation and ``}`` are the message, if they parse on their own as one complete object:
JSON values are read the same wherever they stand. Each such slice is parsed by orjson (C),
and the message is then read by the same ``_Reader._message`` as the event walker uses.

Anything this path does not expect (a byte-order mark, a container before ``messages``, keys
after it, a message that is not an object, other indentation, a slice orjson refuses, more
than 64 brackets in one message, which the walker's depth cap would look at) raises
``Fallback``: the caller then reads the file again with the event walker (ijson) and skips
the events this path already gave, which are the walker's own first events. So the result,
errors included, is the walker's in every case; this path only makes the common case fast.
Memory stays bounded: a window of a few MiB of the file and one message (a message longer
than 16 MiB, which tdesktop never writes, also falls back: the walker reads it in bounded
memory).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

import ijson
import orjson

from sabueso.ingest.chats.model import ChatEvent

if TYPE_CHECKING:
    from sabueso.ingest.chats.telegram_json import _Reader

__all__ = ["Fallback", "events"]

READ = 1 << 22  # bytes read at a time
_HEAD = 1 << 20  # the chat's header must end (at "messages": [) within this many bytes
_TAIL = 1 << 16  # what may follow the messages array (its "]", the root's "}")
_MESSAGE = 1 << 24  # a message's bytes (tdesktop's are a few KiB): past this, fall back
_MAX_BRACKETS = 64  # the walker's depth cap (telegram_json._MAX_DEPTH): past it, fall back
_WS = b" \t\n\r"
_OPEN = re.compile(rb'"messages"[ \t\n\r]*:[ \t\n\r]*\[(\n[ \t]*)\{')
_SCALARS = frozenset({"string", "number", "boolean", "null"})
# orjson reads integers past 64 bits (as floats) that yajl refuses: a slice with a run of 19
# digits (inside a string or not) is read by ijson, the walker's own parser
_LONG_DIGITS = b"9" * 19
# for one look at a slice: every digit as 9, every "[" as "{"
_MARKS = bytes.maketrans(b"0123456789[", b"9999999999{")


class Fallback(Exception):
    """The file is not laid out as this path expects: read it with the event walker."""


def _head(prefix: bytes) -> dict[str, object]:
    """The chat's name/type/id from the bytes before ``"messages"``, read by ijson as the
    walker reads them (scalars only: a container there means another shape)."""
    head: dict[str, object] = {}
    events = ijson.basic_parse(prefix + b'"messages": []}', use_float=True)
    try:
        if next(events) != ("start_map", None):
            raise Fallback
        key = ""
        for event, value in events:
            if event == "map_key":
                key = value
                if key == "messages":
                    break
            elif event in _SCALARS:
                if key in ("name", "type", "id"):
                    head[key] = value
            else:
                raise Fallback
        else:
            raise Fallback
        if [e for e, _ in events] != ["start_array", "end_array", "end_map"]:
            raise Fallback
    except (ijson.JSONError, UnicodeError, StopIteration):
        raise Fallback from None
    return head


def _orjson(piece: bytes) -> object:
    try:
        return orjson.loads(piece)
    except orjson.JSONDecodeError:
        # orjson refuses a few things yajl reads (an escaped lone surrogate): ask yajl
        return _yajl(piece)


def _yajl(piece: bytes) -> object:
    try:
        values = list(ijson.items(io.BytesIO(piece), "", use_float=True))
    except (ijson.JSONError, UnicodeError):
        raise Fallback from None
    if len(values) != 1:
        raise Fallback
    return values[0]


def events(fh: IO[bytes], reader: _Reader) -> Iterator[ChatEvent]:
    """The walker's events for a tdesktop single-chat export, or ``Fallback`` (possibly
    after some events: they are the walker's first ones)."""
    buf = fh.read(_HEAD)
    if buf.startswith(b"\xef\xbb\xbf"):
        raise Fallback
    m = _OPEN.search(buf)
    if m is None:
        raise Fallback
    head = _head(buf[:m.start()])
    indent = m.group(1)
    close = indent + b"}"  # a message's last line
    step = b"," + indent + b"{"  # between two messages
    yield reader._chat(head, "$")
    chat = reader._current_chat
    message = reader._message
    pos = m.end() - 1  # at the first message's "{"
    eof = False
    index = 0
    long_at = -1  # where the next run of 19 digits starts in buf (len(buf): none)
    marks: bytes | None = None  # buf.translate(_MARKS)
    while True:
        end = buf.find(close, pos)
        while end < 0:
            if eof or len(buf) - pos > _MESSAGE:  # no such closing line: not this layout
                raise Fallback
            more = fh.read(READ)
            eof = not more
            look = max(len(buf) - pos - len(close), 0)
            buf = buf[pos:] + more
            pos, long_at, marks = 0, -1, None
            end = buf.find(close, look)
        end += len(close)
        if marks is None:
            marks = buf.translate(_MARKS)
        if marks.count(b"{", pos, end) > _MAX_BRACKETS:
            raise Fallback
        if long_at < pos:
            long_at = marks.find(_LONG_DIGITS, pos)
            if long_at < 0:
                long_at = len(buf)
        msg = _yajl(buf[pos:end]) if long_at < end else _orjson(buf[pos:end])
        where = f"$.messages[{index}]"
        reader.where = where
        yield from message(msg, chat, where)
        index += 1
        if buf.startswith(step, end):
            pos = end + len(step) - 1
            continue
        if len(buf) - end < len(step) and not eof:
            more = fh.read(READ)
            eof = not more
            buf, pos, long_at, marks = buf[end:] + more, 0, -1, None
            if buf.startswith(step):
                pos = len(step) - 1
                continue
            end = 0
        rest = buf[end:] + (b"" if eof else fh.read(_TAIL + 1))
        if len(rest) > _TAIL or fh.read(1):
            raise Fallback
        rest = rest.strip(_WS)
        if rest[:1] != b"]" or rest[1:].lstrip(_WS) != b"}":
            raise Fallback
        return
