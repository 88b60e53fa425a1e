"""Reading one evidence item for the case index: its text records (or, for a chat export, its
chats, accounts and messages) and the selectors in each, into a spool ready to be written.

Runs outside any transaction, in the command's process or in a worker process (small items):
nothing here touches the database. A reader's or parser's failure comes back as
``Extracted.error`` rather than raised, so a run goes on with the next item.

Spool entries, in order (``sabueso.extract.itemwrite`` writes them):

- ``("r", ordinal, locator, text, chars, encoding, note)``: a record (``text`` None when the
  record was streamed: it is read again from the evidence when shown);
- ``("h", ordinal, rows)``: the hits of record ``ordinal``;
- ``("s", ordinal, start, folded)``: a piece of record ``ordinal``'s text folded for search
  (``sabueso.extract.fold``), ``start`` its offset in the record;
- ``("c", key, platform, title, kind, platform_id, date_order, date_order_basis)``: a chat;
- ``("a", key, platform, display_name, phone, platform_id)``: an account of an export;
- ``("m", ordinal, message_ordinal, chat, sender, sent_at, sent_text, zone, kind, service,
  msg_id, reply_to, forwarded_from, edited_at, edited, deleted, attachments_json)``: record
  ``ordinal`` is a message (``message_ordinal`` its place among the export's messages).
"""

from __future__ import annotations

import json
import pickle
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any, BinaryIO, TextIO, cast

from sabueso.core.canonical import canonical_json
from sabueso.core.errors import SabuesoError
from sabueso.extract import engine
from sabueso.extract.base import Context, Hit
from sabueso.extract.fold import CHUNK_CHARS, chunks
from sabueso.ingest.chats.model import Account, Chat, Message, Note, Unparsed
from sabueso.ingest.chats.registry import ChatSource, format_by_name
from sabueso.ingest.text import read_records, reader_by_name

__all__ = [
    "CHAT_ACCOUNT_NOTE",
    "UNPARSED_NOTE",
    "Candidate",
    "Extracted",
    "ListSpool",
    "Spool",
    "db_text",
    "extract_item",
]

# Tables of the other files of chat exports (see ``Candidate.siblings``), filled by the case
# index before it forks its worker processes, which inherit them.
SIBLINGS: dict[str, dict[str, int]] = {}
_NAMES: dict[str, frozenset[str]] = {}  # the same, as the name sets parsers are given
STREAM_WORKERS_ABOVE = 16 << 20  # plain-text items larger than this are scanned in processes
CHAT_ACCOUNT_NOTE = "chat.account"  # note of the record holding an account's phone as shown
SPOOL_CHUNK = 512  # spool entries pickled together
ACCOUNT_DATA_NOTE = "account data: "  # note of a record holding a session of the account
UNPARSED_NOTE = "unparsed: "  # note of a record holding a piece of an export that is no message


def clear_names() -> None:
    _NAMES.clear()


def db_text(text: str) -> str:
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


@dataclass(frozen=True, slots=True)
class Candidate:
    """An evidence item to derive. ``chat``: read with the chat format ``reader``;
    ``siblings``: for a chat export, the key in ``SIBLINGS`` of the other files of the export
    (relative name -> E-no)."""

    id: int
    no: int
    name: str
    media_type: str | None
    sha256: str
    size: int
    reader: str = ""
    chat: bool = False
    zone: str = "UTC"
    siblings: str = ""  # key of its table in SIBLINGS
    date_order: str | None = None  # "dmy" | "mdy": how its dates are read (``sabueso reread``)
    container: str | None = None  # the name of the archive or folder it is in


class Spool:
    """What one item yielded, kept on disk past a few MiB until it is written. Entries are
    pickled :data:`SPOOL_CHUNK` at a time (one pickle per entry cost a third of a chat's write
    time in unpickling calls)."""

    def __init__(self) -> None:
        self.file = tempfile.SpooledTemporaryFile(max_size=16 << 20)  # noqa: SIM115
        self.pending: list[tuple[Any, ...]] = []

    def put(self, entry: tuple[Any, ...]) -> None:
        self.pending.append(entry)
        if len(self.pending) >= SPOOL_CHUNK:
            self._dump()

    def _dump(self) -> None:
        pickle.dump(self.pending, self.file, protocol=pickle.HIGHEST_PROTOCOL)
        self.pending = []

    def entries(self) -> Iterator[tuple[Any, ...]]:
        if self.pending:
            self._dump()
        self.file.seek(0)
        while True:
            try:
                chunk = pickle.load(self.file)  # our own data, written just before
            except EOFError:
                return
            yield from chunk

    def close(self) -> None:
        self.pending = []
        self.file.close()


class ListSpool:
    """The same for a small item read in a worker process: a list sent back whole."""

    def __init__(self) -> None:
        self.items: list[tuple[Any, ...]] = []

    def put(self, entry: tuple[Any, ...]) -> None:
        self.items.append(entry)

    def entries(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.items)

    def close(self) -> None:
        self.items = []


@dataclass(slots=True)
class Extracted:
    """What reading one item gave, ready to be written (or the error that stopped it)."""

    cand: Candidate
    reader: str
    spool: Spool | ListSpool
    found: dict[tuple[str, str], str] = field(default_factory=dict)  # (type, value) -> attrs
    finals: dict[int, tuple[int, str | None]] = field(default_factory=dict)  # streamed records
    records: int = 0
    mentions: int = 0
    messages: int = 0
    unparsed: int = 0  # pieces of a chat export that are not messages (kept as records)
    encoding: str | None = None
    error: tuple[str, str] | None = None  # (message key, message)
    size: int = 0  # characters held for writing: bounds a batch


class UnexpectedError(SabuesoError):
    """A reader or extractor failed in a way nobody planned for (a bug, or a library's)."""


_UNEXPECTED = (OSError, RecursionError, MemoryError, ValueError, LookupError, TypeError,
               AttributeError, ArithmeticError, AssertionError)


class _Sink:
    def __init__(self, out: Extracted, ctx: Context) -> None:
        self.out = out
        self.ctx = ctx

    def keep(self, ordinal: int, hits: list[Hit]) -> None:
        if not hits:
            return
        out = self.out
        rows = []
        for hit in hits:
            value = db_text(hit.value)
            if (hit.type, value) not in out.found:
                out.found[(hit.type, value)] = canonical_json(dict(hit.attrs))
            rows.append((hit.type, value, db_text(hit.raw), hit.start, hit.end, hit.derived))
        out.mentions += len(rows)
        out.size += 64 * len(rows)
        out.spool.put(("h", ordinal, rows))

    def record(self, ordinal: int, locator: str | None, text: str, note: str | None) -> None:
        text = db_text(text)
        self.out.records += 1
        self.out.size += 2 * len(text)
        self.out.spool.put(("r", ordinal, locator, text, len(text), None, note))
        self.searchable(ordinal, text, 0)
        self.keep(ordinal, engine.extract_text(text, self.ctx))

    def searchable(self, ordinal: int, text: str, start: int) -> None:
        for offset, folded in chunks(text, start):
            self.out.spool.put(("s", ordinal, offset, folded))


class _SearchTee:
    """A streamed record's text on its way to the engine, also cut into search pieces (at a
    space, so no word is split between two pieces)."""

    def __init__(self, stream: IO[str], sink: _Sink, ordinal: int) -> None:
        self.stream = stream
        self.sink = sink
        self.ordinal = ordinal
        self.buf = ""
        self.base = 0

    def read(self, size: int = -1) -> str:
        data = self.stream.read(size)
        if data:
            self.buf += data
            if len(self.buf) >= 4 * CHUNK_CHARS:
                cut = max(self.buf.rfind(" "), self.buf.rfind("\n"), self.buf.rfind("\t"))
                cut = cut if cut > 0 else len(self.buf)
                self.sink.searchable(self.ordinal, self.buf[:cut], self.base)
                self.base += cut
                self.buf = self.buf[cut:]
        elif self.buf:
            self.sink.searchable(self.ordinal, self.buf, self.base)
            self.base += len(self.buf)
            self.buf = ""
        return data


def _read_text(fh: IO[bytes], cand: Candidate, sink: _Sink, in_memory: bool) -> None:
    out = sink.out
    for ordinal, record in enumerate(read_records(fh, cand.name, cand.media_type)):
        if record.streamed:
            out.records += 1
            out.spool.put(("r", ordinal, record.locator, None, 0, None, record.note))
            workers = (engine.default_workers()
                       if cand.size > STREAM_WORKERS_ABOVE and not in_memory else 1)
            tee = cast(TextIO, _SearchTee(record.open(), sink, ordinal))
            for block in engine.extract_blocks(tee, sink.ctx, workers=workers):
                sink.keep(ordinal, block)
            out.encoding = record.encoding
            out.finals[ordinal] = (record.chars, record.encoding)
        else:
            sink.record(ordinal, record.locator, record.text or "", record.note)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _read_chat(fh: IO[bytes], cand: Candidate, sink: _Sink) -> None:
    """A chat export: a record per message (its text), per unparsed piece, and per account
    shown with a phone number (so the number is an entity like any other phone)."""
    fmt = format_by_name(cand.reader)
    siblings = SIBLINGS.get(cand.siblings, {})
    names = _NAMES.get(cand.siblings)
    if names is None:
        names = _NAMES[cand.siblings] = frozenset(siblings)
    source = ChatSource(cand.name, cand.zone, names, cand.date_order, cand.container)
    # the export's own file is one of the files beside it: alone, it came with nothing else
    own = cand.name.replace("\\", "/").rsplit("/", 1)[-1]
    with_files = any(name != own for name in siblings)
    out = sink.out
    ordinal = 0
    for event in fmt.parse(cast(BinaryIO, fh), source):
        if isinstance(event, Message):
            sink.record(ordinal, event.locator, event.text, None)
            # "missing": the export names a file it does not contain (only said when the
            # export came with other files: a lone .txt shows no media at all)
            attachments = [{"name": a.name, "kind": a.kind, "omitted": a.omitted,
                            "item": f"E-{siblings[a.name]}" if a.name in siblings else None,
                            "missing": with_files and a.name is not None
                            and not a.omitted and a.name not in siblings}
                           for a in event.attachments]
            out.spool.put(("m", ordinal, event.ordinal, event.chat, event.sender,
                           _iso(event.sent_at), db_text(event.sent_text), event.zone,
                           event.kind, event.service, event.msg_id, event.reply_to,
                           db_text(event.forwarded_from) if event.forwarded_from else None,
                           _iso(event.edited_at), event.edited or event.edited_at is not None,
                           event.deleted,
                           json.dumps(attachments, ensure_ascii=False) if attachments
                           else None))
            out.messages += 1
            ordinal += 1
        elif isinstance(event, Unparsed):
            sink.record(ordinal, event.locator, event.text, f"{UNPARSED_NOTE}{event.reason}")
            out.unparsed += 1
            ordinal += 1
        elif isinstance(event, Note):
            sink.record(ordinal, event.locator, event.text, f"{ACCOUNT_DATA_NOTE}{event.kind}")
            ordinal += 1
        elif isinstance(event, Account):
            out.spool.put(("a", event.key, event.platform,
                           db_text(event.display_name) if event.display_name else None,
                           event.phone, event.platform_id))
            if event.phone:
                sink.record(ordinal, f"account {event.key}", event.phone, CHAT_ACCOUNT_NOTE)
                ordinal += 1
        elif isinstance(event, Chat):
            out.spool.put(("c", event.key, event.platform,
                           db_text(event.title) if event.title else None, event.kind,
                           event.platform_id, event.date_order, event.date_order_basis))


def extract_item(blob: str, cand: Candidate, ctx: Context, *,
                 in_memory: bool = False) -> Extracted:
    """Read the item whose content is the file ``blob`` with ``cand.reader`` and run the
    engine on each record."""
    out = Extracted(cand, cand.reader, ListSpool() if in_memory else Spool())
    sink = _Sink(out, ctx)
    try:
        with open(blob, "rb") as fh:
            if cand.chat:
                _read_chat(fh, cand, sink)
            else:
                reader_by_name(cand.reader)  # an unknown reader is a bug: fail loudly
                _read_text(fh, cand, sink, in_memory)
    except BaseException as exc:
        out.spool.close()
        if isinstance(exc, SabuesoError):
            error: SabuesoError = exc
        elif isinstance(exc, _UNEXPECTED):
            error = UnexpectedError("error.reader_unexpected", location=cand.name,
                                    reason=f"{type(exc).__name__}: {exc}"[:300])
        else:
            raise
        return Extracted(cand, cand.reader, ListSpool(), error=(error.key, error.message()))
    return out
