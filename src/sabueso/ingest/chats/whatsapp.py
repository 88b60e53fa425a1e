"""WhatsApp "Export chat" text (``.txt``, or the ``_chat.txt`` of a ``.zip`` with media).

Two streaming passes over the text, in blocks of about a megabyte cut at line ends, so memory
stays flat however long the export (a block, one message, the table of senders):

1. **Survey** (``whatsapp_headers``). Every line that looks like a message header is counted
   by its *shape* (brackets, date separator, four-digit field, comma, seconds, AM/PM,
   separator). The most frequent shape is the file's; a header-like line of another shape is
   text (a chat pasted into a message), never a new message. The day/month order is decided
   from all the file's dates at once: a field above 12 is the day. When no value decides, the
   locale hint does (``en-US`` month-first, others day-first), else day-first; the order and
   its basis are recorded on the ``Chat`` event. Two-digit years are 20yy.
   The chat's title comes from the file name (``WhatsApp Chat with X.txt``) or from an
   encryption notice that names it (``Group: Messages and calls are...``); its kind is
   "group" when a group-only system line is among the first 2,000 headers, else unknown.
2. **Messages.** Each header of the file's shape starts a message; the lines up to the next
   header are its continuation. Lines before the first header are ``Unparsed`` events
   (whitespace-only lines carry nothing and are skipped).

Local times are read in the zone given (the device's: WhatsApp writes none) and converted to
UTC (an ambiguous wall time at a DST change is read as the earlier instant, ``fold=0``);
``sent_text`` keeps the header's date and time exactly, invisible marks included. Senders shown
as phone numbers (``+502 5512 3456``, often wrapped in U+202A/U+202C) become
``wa:+50255123456`` accounts; names become ``wa:name:<name>``. Message text is kept as
exported; the words WhatsApp writes (system lines, media markers, deleted and edited notes) are
read by ``whatsapp_phrases``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import BinaryIO, TextIO
from zoneinfo import ZoneInfo

from sabueso.core.timeutil import get_zone
from sabueso.ingest.chats.model import Account, Chat, ChatEvent, Message, Unparsed
from sabueso.ingest.chats.registry import ChatFormat, ChatSource
from sabueso.ingest.chats.whatsapp_headers import (
    GENERIC,
    Shape,
    Survey,
    TextSource,
    blocks,
    blocks_at_headers,
    shape_of,
    survey,
)
from sabueso.ingest.chats.whatsapp_phrases import (
    DELETED,
    EDIT_MARKERS,
    SystemLine,
    attachment_of,
    colon_system_line,
    is_encryption_notice,
    strip_marks,
    system_line,
)
from sabueso.ingest.textbase import DecodedText, decode_bytes

__all__ = ["CHAT_KEY", "FORMATS", "VERSION", "chat_member", "match", "parse_binary",
           "parse_whatsapp"]

VERSION = "7"  # 2: "salió del grupo", "saiu do grupo", "Te uniste" read as such; a media
#                  line with trailing spaces or marks ("imagen omitida ") is one
#              3: iOS group lines under a later subject, or in words not in the tables,
#                 are system lines (were messages from an account named like the group)
#              4: the actor of "Cambió tu código de seguridad con X. Toca ..." is X (was "+"
#                 for a number), of "Beto activó los mensajes temporales" Beto (was none)
#              5: an attachment named with accents is linked to its file whatever the
#                 Unicode form of either name (NFC in the text, NFD in a zip made on a Mac)
#              6: a title taken from an NFD file name is composed (NFC)
#              7: an iOS ``_chat.txt`` is titled from its zip's or folder's name
CHAT_KEY = "wa:chat"

_PHONE = re.compile(r"\+\d[\d \-()\u00a0]{4,}\d")
_TITLE_NAME = re.compile(
    r"(?:WhatsApp Chat (?:with|-) |Chat de WhatsApp con |Conversa do WhatsApp com |"
    r"WhatsApp-Chat mit )(?P<title>.+?)(?: \(\d+\))?\.(?:txt|zip)", re.I)
_OMIT_ENDS = ("omitted", "omitida", "omitido", "ocultada", "ocultado")
# what may trail a media line without being part of it (spaces, direction marks)
_TRAIL = " \t\r\u00a0\u200e\u200f\u202c"
# "MMSS" (or "MM" without seconds) -> time into the hour
_IN_HOUR = {f"{m:02d}{sec:02d}": timedelta(minutes=m, seconds=sec)
            for m in range(60) for sec in range(60)}
_IN_HOUR.update({f"{m:02d}": timedelta(minutes=m) for m in range(60)})
_UNPARSED = "chat.unparsed.before_first_message"
_GROUP_NOTE = SystemLine("system", None, None)


# --------------------------------------------------------------------------- public API

def parse_whatsapp(stream: TextIO, *, zone: str, name: str | None = None,
                   members: Iterable[str] = (), locale: str | None = None
                   ) -> Iterator[ChatEvent]:
    """The events of one WhatsApp export, read twice from a seekable text stream.

    ``zone``: the zoneinfo name its local times are read in. ``name``: the file's name (may
    give the chat's title). ``members``: the other files of the export (zip member names), to
    link attachment lines to. ``locale``: a hint for a file whose day/month order no date
    decides (``es``, ``en-US``, ``pt-BR``)."""
    start = stream.tell()

    def reopen() -> TextSource:
        stream.seek(start)
        return stream

    return _parse(reopen, zone=zone, name=name, members=members, locale=locale)


def parse_binary(fh: BinaryIO, source: ChatSource) -> Iterator[ChatEvent]:
    """The registry's entry: a seekable binary stream, decoded by Sabueso's text rule
    (``textbase.DecodedText``: UTF-8 or UTF-16 by BOM, Windows-1252 fallback)."""
    start = fh.tell()

    def reopen() -> TextSource:
        fh.seek(start)
        return DecodedText(fh)

    return _parse(reopen, zone=source.zone, name=source.name, members=source.siblings,
                  locale=None, given=source.date_order, container=source.container)


def match(name: str, head_text: str) -> int:
    """How surely (0-100) a file with this name and first text is a WhatsApp export: mostly
    from how many of its first lines are message lines (a header, then ``Name: `` or a known
    system line) of one shape, a little from its name. Log lines (a date, a time, then text)
    are headers too, but carry neither."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    score = 25 if base == "_chat.txt" or _title_from_name(base) is not None else 0
    if not base.lower().endswith(".txt"):
        score -= 25
    lines = [ln for ln in head_text.split("\n")[:200] if ln.strip()]
    if len(lines) > 1 and not head_text.endswith(("\n", "\r")):
        lines.pop()  # the last line may be cut
    shapes: dict[Shape, int] = {}
    for line in lines:
        m = GENERIC.match(line)
        if m is None:
            continue
        shape = shape_of(m)
        rest = line[m.end():]
        if shape.year_pos != 99 and (": " in rest or rest.endswith(":")
                                     or system_line(rest) is not None):
            shapes[shape] = shapes.get(shape, 0) + 1
    if not shapes:
        return max(0, min(score, 30))
    best = max(shapes.values())
    score += 35 + int(30 * best / len(lines)) + min(best, 5)
    if GENERIC.match(lines[0]) is not None:
        score += 5
    return max(0, min(score, 100))


def chat_member(names: Iterable[str]) -> str | None:
    """The chat text among a zip's member names (``_chat.txt``, ``WhatsApp Chat with X.txt``)."""
    texts = sorted(n for n in names if n.lower().endswith(".txt"))
    for n in texts:
        base = n.rsplit("/", 1)[-1]
        if base == "_chat.txt" or _title_from_name(base) is not None:
            return n
    return texts[0] if len(texts) == 1 else None


def _match_bytes(name: str, head: bytes) -> int:
    return match(name, decode_bytes(head)[0].lstrip("\ufeff"))


FORMATS = [ChatFormat(name="whatsapp", version=VERSION, platform="whatsapp",
                      match=_match_bytes, parse=parse_binary)]


# --------------------------------------------------------------------------- reading

def _title_from_name(base: str, bare: bool = False) -> str | None:
    """The chat's name in the export's file name (``Chat de WhatsApp con Ana Peña.txt``), or
    with ``bare`` in a folder's name too (no extension), in composed form (a name zipped on a
    Mac is decomposed, NFD: the title must compare, and be searched, as typed)."""
    text = unicodedata.normalize("NFC", base)
    m = _TITLE_NAME.fullmatch(text)
    if m is None and bare:
        m = _TITLE_NAME.fullmatch(text + ".zip")
    return m.group("title") if m else None


def _parse(reopen: Callable[[], TextSource], *, zone: str, name: str | None,
           members: Iterable[str], locale: str | None, given: str | None = None,
           container: str | None = None) -> Iterator[ChatEvent]:
    zi = get_zone(zone)  # an unknown zone fails here, before anything is read
    names = list(members)
    member_map = {n: n for n in names}
    for n in names:
        member_map.setdefault(n.rsplit("/", 1)[-1], n)
    for shown, n in list(member_map.items()):
        if not shown.isascii():  # "Peña.vcf" zipped on a Mac is decomposed (NFD)
            member_map.setdefault(unicodedata.normalize("NFC", shown), n)
    return _events(reopen, zi, name, member_map, locale, given, container)


def _events(reopen: Callable[[], TextSource], zi: ZoneInfo, name: str | None,
            members: dict[str, str], locale: str | None,
            given: str | None, container: str | None) -> Iterator[ChatEvent]:
    found = survey(reopen(), locale, given)
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    # the chat's name: in the file's name (Android), else in its zip's or folder's (iOS
    # writes ``_chat.txt`` inside ``WhatsApp Chat - Ana.zip``), else in a notice
    title = _title_from_name(base) or _title_from_name(container or "", bare=True)
    yield Chat(key=CHAT_KEY, platform="whatsapp", title=title or found.title,
               kind="group" if found.group else None, date_order=found.order,
               date_order_basis=found.basis)
    yield from _Reader(found, zi, members).read(reopen())


class _Reader:
    """Second pass: messages, their senders' accounts and unparsed lines, in file order."""

    def __init__(self, found: Survey, zi: ZoneInfo, members: dict[str, str]) -> None:
        self.found = found
        self.zi = zi
        self.zone = zi.key
        self.members = members
        self.accounts: dict[str, str] = {}  # sender as shown -> account key
        self.emitted: set[str] = set()
        self.new: list[Account] = []
        order = found.order or "dmy"
        self.di, self.mi, self.yi = order.index("d"), order.index("m"), order.index("y")
        self.offsets: dict[tuple[int, int, int, int], timedelta | None] = {}
        self.last_hour: tuple[int, int, int, int] | None = None  # when the offset changes
        # The names the group's own lines are written under (iOS: "Group: \u200eAna left"):
        # the title, then each new subject, which later lines carry.
        self.group_names: set[str] = {found.title} if found.title else set()

    def read(self, text: TextSource) -> Iterator[ChatEvent]:
        shape = self.found.shape
        if shape is None:
            line = 1
            for block in blocks(text):
                yield from _unparsed(block, line)
                line += block.count("\n")
            return
        head = shape.pattern()
        split = shape.split_pattern().split
        accounts = self.accounts
        members = self.members
        zone = self.zone
        new = self.new
        hour_start = self._hour_start
        line = 1
        started = False
        last_a = last_b = last_c = last_h = last_ap = ""  # the hour of ``base``
        in_hour = _IN_HOUR.get
        base: datetime | None = None
        ordinal = -1
        for block in blocks_at_headers(text, head):
            start = 0
            if not started:  # lines before the first header
                first = head.search(block)
                start = first.start() if first is not None else len(block)
                if start:
                    yield from _unparsed(block[:start], line)
                    line += block.count("\n", 0, start)
                started = first is not None
                if not started:
                    continue
            # One C call cuts the block at every header: "", then per message the header's
            # groups (dt a b c H M S ap) and its text up to the next header.
            parts = split("\n" + block[start:] if start else "\n" + block)
            if parts[-1][-1:] == "\n":  # the block's newline, not the text's
                parts[-1] = parts[-1][:-1]
            cr = "\r" in block
            it = iter(parts)
            next(it)
            rows = zip(*[it] * 9, strict=True)
            for dt, a, b, c, hh, mm, ss, ap, body in rows:
                if "\n" in body:
                    nl = body.count("\n")
                    locator = f"lines {line}-{line + nl}"
                    if cr:
                        body = body.replace("\r\n", "\n").removesuffix("\r")
                    end = body.find("\n")
                    line += nl + 1
                else:
                    nl = 0
                    locator = f"line {line}"
                    if cr and body[-1:] == "\r":
                        body = body[:-1]
                    end = len(body)
                    line += 1
                if hh != last_h or a != last_a or b != last_b or c != last_c or ap != last_ap:
                    last_a, last_b, last_c, last_h, last_ap = a, b, c, hh, ap
                    base = hour_start(a, b, c, hh, ap)
                step = in_hour(mm + ss if ss else mm)
                if base is not None and step is not None:
                    sent_at: datetime | None = base + step
                else:
                    sent_at = self._exact(mm, ss)
                ordinal += 1
                i = body.find(": ", 0, end)
                sender = accounts.get(body[:i]) if i > 0 else None
                if not sender:  # a new or special sender, a system line
                    yield from self._other(body, end, i, locator, ordinal, sent_at, dt)
                    continue
                text_ = body[i + 2:]
                msg = Message(CHAT_KEY, ordinal, locator, sender, sent_at, dt, zone, text_)
                if len(text_) < 48 and text_ in DELETED:
                    msg.deleted = True
                elif text_[-1:] == ">" and text_.endswith(EDIT_MARKERS):
                    msg.edited = True
                head_ = text_ if not nl else body[i + 2:end]
                if "<" in head_ or "(" in head_ or head_.endswith(_OMIT_ENDS) or (
                        head_[-1:] in _TRAIL and head_.rstrip(_TRAIL).endswith(_OMIT_ENDS)):
                    att = attachment_of(head_, members)
                    if att is not None:
                        msg.attachments.append(att)
                yield msg
        if new:
            yield from new
            new.clear()

    def _other(self, body: str, end: int, i: int, locator: str, ordinal: int,
               sent_at: datetime | None, dt: str) -> Iterator[ChatEvent]:
        """A message whose sender is new or needs a look (a name with quotes, the chat's own
        name), or a line without ``Name: ``."""
        first = body[:end]
        if i < 0 and first.endswith(":"):
            i = len(first) - 1  # "Name:" alone on its line: the text starts on the next
            raw, text = first[:-1], body[len(first):]
        elif i > 0:
            raw, text = first[:i], body[i + 2:]
        else:
            raw = text = ""
        sl = None
        if raw:
            shown = strip_marks(raw).strip()
            special = ("\"" in raw or "“" in raw or "«" in raw or shown == self.found.title
                       or shown in self.group_names)
            if special:
                if "\"" in raw or "“" in raw or "«" in raw:
                    sl = colon_system_line(raw, body)
                elif is_encryption_notice(first):
                    yield Message(CHAT_KEY, ordinal, locator, None, sent_at, dt, self.zone,
                                  body, "service", "encryption_notice")
                    return
                elif text[:1] == "\u200e":
                    sl = system_line(text)  # iOS: the group's own lines carry its name
                    if sl is None and self.found.group and self._group_note(text):
                        sl = _GROUP_NOTE  # a line of the group's in words not known yet
            elif text[:1] == "\u200e" and self.found.group:
                # iOS: a group line under a name not known as the group's (no notice gave
                # the title); a person's line never starts with a mark and a system phrase
                sl = system_line(text)
                if sl is not None and sl.service != "encryption_notice":
                    self.group_names.add(shown)
            if sl is None:
                key = self._account(raw)
                if special:
                    self.accounts[raw] = ""  # look again next time
                yield from self.new
                self.new.clear()
                msg = Message(CHAT_KEY, ordinal, locator, key, sent_at, dt, self.zone, text)
                if text in DELETED:
                    msg.deleted = True
                elif text.endswith(EDIT_MARKERS):
                    msg.edited = True
                head = first[i + 1:].removeprefix(" ")
                if "<" in head or "(" in head or head.endswith(_OMIT_ENDS) or (
                        head[-1:] in _TRAIL and head.rstrip(_TRAIL).endswith(_OMIT_ENDS)):
                    att = attachment_of(head, self.members)
                    if att is not None:
                        msg.attachments.append(att)
                yield msg
                return
        else:
            sl = system_line(body)
        actor = None  # a system line's actor, when it names one, is its sender
        if sl is not None and sl.service == "subject_changed" and sl.arg:
            self.group_names.add(strip_marks(sl.arg).strip())
        if sl is not None and sl.actor is not None:
            actor = self.accounts.get(sl.actor) or self._account(sl.actor)
            yield from self.new
            self.new.clear()
        yield Message(CHAT_KEY, ordinal, locator, actor, sent_at, dt, self.zone, body,
                      "service", sl.service if sl is not None else "system")

    @staticmethod
    def _group_note(text: str) -> bool:
        """Whether a marked line under the group's name is the group's own (a settings
        change, a notice) rather than a member named like the group sending media or a
        deleted message."""
        clean = strip_marks(text).strip()
        return (bool(clean) and text not in DELETED and not text.endswith(EDIT_MARKERS)
                and attachment_of(text, {}) is None)

    def _account(self, raw: str) -> str:
        shown = strip_marks(raw).strip()
        if _PHONE.fullmatch(shown):
            key = "wa:+" + "".join(ch for ch in shown if ch.isdigit())
            account = Account(key=key, platform="whatsapp", display_name=None, phone=shown)
        else:
            key = "wa:name:" + shown
            account = Account(key=key, platform="whatsapp", display_name=shown)
        self.accounts.setdefault(raw, key)
        if key not in self.emitted:
            self.emitted.add(key)
            self.new.append(account)
        return key

    def _exact(self, mm: str, ss: str) -> datetime | None:
        """The instant when the fast path cannot give it: an invalid time, or an hour in
        which the zone's offset changes (``last_hour``)."""
        minute = int(mm)
        second = int(ss) if ss else 0
        if minute > 59 or second > 59 or self.last_hour is None:
            return None
        y, mo, d, h = self.last_hour
        return datetime(y, mo, d, h, minute, second, tzinfo=self.zi).astimezone(UTC)

    def _hour_start(self, a: str, b: str, c: str, hh: str, ap: str) -> datetime | None:
        """The UTC instant of the local hour's start, or None (invalid, or the zone's offset
        changes within the hour; then ``last_hour`` says which)."""
        self.last_hour = None
        vals = (a, b, c)
        year = int(vals[self.yi])
        if year < 100:
            year += 2000
        month, day, hour = int(vals[self.mi]), int(vals[self.di]), int(hh)
        if ap:
            if hour > 12:
                return None
            if hour == 12:
                hour = 0 if ap[0] in "aA" else 12
            elif ap[0] in "pP":
                hour += 12
        try:
            start = datetime(year, month, day, hour, tzinfo=UTC)
        except ValueError:
            return None
        if self.zone == "UTC":
            return start
        hkey = (year, month, day, hour)
        off = self.offsets.get(hkey, timedelta.max)
        if off == timedelta.max:
            first = datetime(year, month, day, hour, 0, 0, tzinfo=self.zi).utcoffset()
            last = datetime(year, month, day, hour, 59, 59, tzinfo=self.zi).utcoffset()
            off = first if first == last else None
            if len(self.offsets) >= 1024:
                self.offsets.clear()
            self.offsets[hkey] = off
        if off is None:
            self.last_hour = hkey
            return None
        return start - off


def _unparsed(text: str, first_line: int) -> Iterator[Unparsed]:
    for i, line in enumerate(text.split("\n")):
        if line.strip():
            yield Unparsed(locator=f"line {first_line + i}", text=line.removesuffix("\r"),
                           reason=_UNPARSED)
