"""Telegram Desktop ``result.json``: one chat, or a whole account, read as a stream of events.

Shapes (tdesktop ``export_output_json.cpp``): a single-chat export is the chat object itself
(``name``, ``type``, ``id``, ``messages[]``); a whole-account export has ``chats.list[]`` and
``left_chats.list[]`` of such objects, plus ``personal_information`` and ``contacts.list[]``
(read as ``Account`` events carrying the phone numbers).

Memory is bounded by one message. A single-chat export laid out as tdesktop writes it takes the
fast path (``telegram_fast``: orjson over each message's bytes, the same events); anything
else is walked event by event with ijson (the yajl2 C backend when the wheel has it), each
message built alone. Locators are JSON paths: ``$.messages[3]``,
``$.chats.list[2].messages[7]``, ``$.left_chats.list[0].messages[1]``, ``$.contacts.list[4]``.

Reading a message: ``text`` as a string or as a list of strings and entity objects, joined to
the displayed text exactly (``text_entities`` when ``text`` is unusable); the sender from
``from``/``from_id`` (``actor``/``actor_id`` for service messages, whose ``action`` becomes
``Message.service``); ``date_unixtime`` (exact UTC) over ``date`` (local time, read in the zone
given; without one the instant is left unknown rather than guessed; ``sent_text`` is the text
the instant was read from, ``zone`` the zone assumed or None); ``edited_unixtime`` over
``edited``; ``forwarded_from``; ``reply_to_message_id`` (with ``reply_to_peer_id``, a reply to
a message of another chat, ``channel123:45``: never taken for message 45 of this one);
``photo``/``file``/``contact_vcard``
as attachments ("(File not included...)" = omitted). Shared contacts, locations, venues and
polls are appended to the text on lines of their own (``[contact] Ana López +502 5555 0101``),
so the extractor finds their numbers; so are the targets of links whose text hides them
(``text_link``: ``[link] https://...``), the bot a message came through (``[via] @bot``), a
channel post's signature (``[author] ...``), the chat a saved message came from
(``[saved_from] ...``), link buttons (``[button] Pagar https://...``) and service details
(``[members] ...``).

Broken JSON is an ``InputError`` naming the file and the last JSON path reached; a message
that is not an object, or whose text cannot be read, becomes an ``Unparsed`` event
(``chat.unparsed.not_a_message``, ``chat.unparsed.bad_text``) and parsing goes on.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any, BinaryIO

import ijson

from sabueso.core.errors import InputError
from sabueso.ingest.chats import telegram_fast
from sabueso.ingest.chats.model import (
    Account,
    Chat,
    ChatEvent,
    Message,
    Unparsed,
)
from sabueso.ingest.chats.registry import ChatFormat, ChatSource
from sabueso.ingest.chats.telegram_common import (
    PLATFORM,
    Accounts,
    local_to_utc,
    unix_to_utc,
)
from sabueso.ingest.chats.telegram_fields import (
    MEDIA_KEYS,
    REDUCED_KEYS,
    attachments,
    dump,
    full_name,
    hidden_links,
    id_text,
    joined,
    local_instant,
    reductions,
    service_lines,
    session_note,
)

__all__ = ["NAME", "VERSION", "match", "parse", "parse_path"]

NAME = "telegram-json"
# 2: via_bot, author, saved_from and link buttons read (were dropped); 3: account sessions,
# frequent contacts, reactions; 4: a reply to another chat keeps that chat (reply_to_peer_id)
VERSION = "4"

_CHAT_TYPES = (b'"personal_chat"', b'"bot_chat"', b'"private_group"', b'"private_supergroup"',
               b'"public_supergroup"', b'"private_channel"', b'"public_channel"',
               b'"saved_messages"', b'"replies"')
_TG_KEYS = (b'"date_unixtime"', b'"from_id"', b'"text_entities"', b'"personal_information"',
            b'"actor_id"', b'"left_chats"', b'"forwarded_from"', b'"reply_to_message_id"')
_LIST_ROOTS = {"chats": "chats.list", "left_chats": "left_chats.list"}
_SCALAR_EVENTS = frozenset({"string", "number", "boolean", "null"})
# a whole-account export's lists about the account itself, each entry a note: its login
# sessions (apps, and sites logged in through Telegram) and the peers it writes most
_SESSION_ROOTS = ("sessions", "web_sessions", "frequent_contacts")
_MAX_DEPTH = 64  # levels inside one message (tdesktop writes at most about 5)


def match(name: str, head: bytes) -> int:
    """How surely this is a Telegram Desktop JSON export (0-100), from its name and first
    bytes: a JSON object, the result.json name, the chat types and keys tdesktop writes."""
    body = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not body.startswith(b"{"):
        return 0
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    score = 30 if base == "result.json" else 10 if base.endswith(".json") else 0
    compact = re.sub(rb"\s+", b"", head[:65536])
    if b'"messages":[' in compact or b'"chats":{' in compact:
        score += 25
    hits = sum(key in head for key in _TG_KEYS)
    hits += any(re.sub(rb"\s+", b"", b'"type": ' + t) in compact for t in _CHAT_TYPES)
    score += min(hits, 3) * 15
    return min(score, 100)


def parse_path(path: str, zone: str | None = None) -> Iterator[ChatEvent]:
    """The events of the export at ``path`` (see ``parse``)."""
    with open(path, "rb") as fh:
        yield from parse(fh, path, zone)


def parse(fh: IO[bytes], name: str = "result.json", zone: str | None = None
          ) -> Iterator[ChatEvent]:
    """The events of one ``result.json`` read from ``fh`` (binary). ``name`` labels errors;
    ``zone`` (IANA) reads ``date`` when a message lacks ``date_unixtime``.

    A seekable single-chat export as tdesktop lays it out is read by ``telegram_fast``;
    anything else, or anything that path does not expect, by the event walker, which skips
    the events the fast path gave before it stopped (they are the same)."""
    if fh.seekable():
        start = fh.tell()
        given = 0
        try:
            for event in telegram_fast.events(fh, _Reader(name, zone)):
                given += 1
                yield event
            return
        except telegram_fast.Fallback:
            fh.seek(start)
        yield from itertools.islice(_walk(fh, name, zone), given, None)
    else:
        yield from _walk(fh, name, zone)


def _walk(fh: IO[bytes], name: str, zone: str | None) -> Iterator[ChatEvent]:
    reader = _Reader(name, zone)
    try:
        yield from reader.run(fh)
    except ijson.JSONError as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError("error.chat_json_invalid", location=name, path=reader.where,
                         detail=detail[:200]) from None
    except UnicodeError as exc:
        raise InputError("error.chat_json_invalid", location=name, path=reader.where,
                         detail=str(exc)[:200]) from None


class _Reader:
    """One pass over one export; ``where`` is the last JSON path reached (for errors)."""

    def __init__(self, name: str, zone: str | None) -> None:
        self.name = name
        self.zone = zone
        self.where = "$"
        self.ordinal = 0
        self.accounts = Accounts()
        self.chat_keys: set[str] = set()

    # -- shape ---------------------------------------------------------------------------

    def run(self, fh: IO[bytes]) -> Iterator[ChatEvent]:
        """One pass over ijson's ``basic_parse`` events (no prefixes are built, so a hostile
        nesting depth costs nothing until a message is built, and that is capped)."""
        events = ijson.basic_parse(fh, use_float=True)
        first = next(events, None)
        if first is None or first[0] != "start_map":
            raise InputError("error.chat_json_shape", location=self.name)
        # Frames of the containers above the current event: [role, key, path].
        stack: list[list[Any]] = [["root", "", "$"]]
        head: dict[str, Any] = {}  # name/type/id of the chat being read
        found = False  # messages, chats or contacts seen
        chat_open = False  # the current chat's Chat event was yielded
        index = {"chats": -1, "left_chats": -1, "contacts": -1, "messages": 0}
        skip = 0  # depth inside a subtree that is not read
        build: list[Any] | None = None  # containers of the value being built
        build_key = ""
        result: Any = None
        top: Any = None  # the innermost container being built
        top_is_map = False
        kind = ""
        for event, value in events:
            if build is not None:
                if event == "map_key":
                    build_key = value
                elif event in _SCALAR_EVENTS:
                    if top_is_map:
                        top[build_key] = value
                    else:
                        top.append(value)
                elif event == "start_map" or event == "start_array":
                    if len(build) >= _MAX_DEPTH:
                        raise InputError("error.chat_json_invalid", location=self.name,
                                         path=self.where,
                                         detail=f"nested deeper than {_MAX_DEPTH} levels")
                    new: Any = {} if event == "start_map" else []
                    if top_is_map:
                        top[build_key] = new
                    else:
                        top.append(new)
                    build.append(new)
                    top, top_is_map = new, event == "start_map"
                else:  # end_map / end_array
                    build.pop()
                    if build:
                        top = build[-1]
                        top_is_map = type(top) is dict
                        continue
                    build = None
                    if kind == "message":
                        yield from self._message(result, self._current_chat, self.where)
                        index["messages"] += 1
                    elif kind in _SESSION_ROOTS:
                        yield session_note(result, self.where, kind)
                    else:
                        yield from self._contact(result, self.where, kind == "personal")
                continue
            if skip:
                if event == "start_map" or event == "start_array":
                    skip += 1
                elif event == "end_map" or event == "end_array":
                    skip -= 1
                continue
            frame = stack[-1]
            if event == "map_key":
                frame[1] = value
                continue
            if event == "end_map" or event == "end_array":
                stack.pop()
                if frame[0] == "chat" and not chat_open:
                    yield self._chat(head, frame[2])
                continue
            starts = event == "start_map" or event == "start_array"
            role, key, path = frame
            child = ""
            if role == "messages":
                self.where = f"{path}[{index['messages']}]"
                if starts:
                    result = {} if event == "start_map" else []
                    build, kind = [result], "message"
                    top, top_is_map = result, event == "start_map"
                else:
                    yield Unparsed(self.where, dump(value), "chat.unparsed.not_a_message")
                    index["messages"] += 1
                continue
            if role in ("root", "chat"):
                if key in ("name", "type", "id") and not starts:
                    head[key] = value
                elif key == "messages" and event == "start_array":
                    found = True
                    if not chat_open:
                        yield self._chat(head, path)
                        chat_open = True
                    index["messages"] = 0
                    child = "messages"
                    path = f"{path}.messages" if path != "$" else "$.messages"
                elif role == "root" and key in _LIST_ROOTS and event == "start_map":
                    found, child, path = True, "lists", f"$.{key}"
                elif role == "root" and key == "contacts" and event == "start_map":
                    found, child, path = True, "contacts", "$.contacts"
                elif role == "root" and key in _SESSION_ROOTS and event == "start_map":
                    found, child, path = True, "sessions", f"$.{key}"
                elif role == "root" and key == "personal_information" and event == "start_map":
                    found = True
                    self.where = "$.personal_information"
                    result = top = {}
                    build, kind, top_is_map = [result], "personal", True
                    continue
            elif role == "lists" and key == "list" and event == "start_array":
                child, path = "chatlist", f"{path}.list"
            elif role == "chatlist" and event == "start_map":
                root = path.split(".")[1]
                index[root] += 1
                path = f"{path}[{index[root]}]"
                self.where = path
                head, chat_open, child = {}, False, "chat"
            elif role == "contacts" and key == "list" and event == "start_array":
                child, path = "contactlist", f"{path}.list"
            elif role == "sessions" and key == "list" and event == "start_array":
                child, path = "sessionlist", f"{path}.list"
            elif role == "sessionlist" and event == "start_map":
                index[path] = index.get(path, -1) + 1
                self.where = f"{path}[{index[path]}]"
                result = top = {}
                build, kind, top_is_map = [result], path.split(".")[1], True
                continue
            elif role == "contactlist" and event == "start_map":
                index["contacts"] += 1
                self.where = f"{path}[{index['contacts']}]"
                result = top = {}
                build, kind, top_is_map = [result], "contact", True
                continue
            if starts:
                if child:
                    stack.append([child, "", path])
                else:
                    skip = 1
        if not found:
            if not head:
                raise InputError("error.chat_json_shape", location=self.name)
            yield self._chat(head, "$")

    # -- records -------------------------------------------------------------------------

    def _chat(self, head: dict[str, Any], path: str) -> Chat:
        platform_id = id_text(head.get("id"))
        key = f"tg:chat:{platform_id}" if platform_id else f"tg:chat:{path}"
        if key in self.chat_keys:
            key = f"tg:chat:{path}"
        self.chat_keys.add(key)
        title, kind = head.get("name"), head.get("type")
        chat = Chat(key=key, platform=PLATFORM, title=title if isinstance(title, str) else None,
                    kind=kind if isinstance(kind, str) else None, platform_id=platform_id)
        self._current_chat = chat.key
        return chat

    _current_chat = "tg:chat:$"

    def _contact(self, obj: Any, where: str, personal: bool) -> Iterator[Account]:
        if not isinstance(obj, dict):
            return
        phone = obj.get("phone_number")
        phone = phone if isinstance(phone, str) and phone else None
        user_id = id_text(obj.get("user_id"))
        if user_id in ("0", "user0"):
            user_id = None  # a saved contact who is not on Telegram: known by the number
        display = full_name(obj.get("first_name"), obj.get("last_name")) or None
        if user_id is not None:
            pid = user_id if user_id.startswith("user") else f"user{user_id}"
            key = f"tg:{pid}"
        elif phone is not None:
            pid, key = None, f"tg:phone:{phone}"
        else:
            return
        yield from self.accounts.add(Account(key=key, platform=PLATFORM, display_name=display,
                                             phone=phone, platform_id=pid))

    def _message(self, msg: Any, chat: str, where: str) -> list[ChatEvent]:
        """The events of one message: its sender's ``Account`` when new, an ``Unparsed`` for
        unreadable text, the ``Message`` (a list: cheaper than a generator per message)."""
        if not isinstance(msg, dict):
            return [Unparsed(where, dump(msg), "chat.unparsed.not_a_message")]
        out: list[ChatEvent] = []
        get = msg.get
        service = get("type") == "service"
        if service and ("actor_id" in msg or "actor" in msg):
            sender, account = self.accounts.by_id(get("actor_id"), get("actor"))
        else:
            sender, account = self.accounts.by_id(get("from_id"), get("from"))
        if account is not None:
            out.append(account)
        raw = get("text", "")
        text = raw if type(raw) is str else joined(raw) if raw is not None else ""
        if text is None:
            text = joined(get("text_entities"))
            if text is None:
                text = ""
                out.append(Unparsed(where + ".text", dump(raw), "chat.unparsed.bad_text"))
        if service:
            extra = service_lines(msg)
        else:
            extra = [] if REDUCED_KEYS.isdisjoint(msg) else reductions(msg)
            if type(raw) is list:
                extra[:0] = hidden_links(raw)
        if extra:
            text = "\n".join([text, *extra]) if text else "\n".join(extra)
        sent_at, sent_text, zone = self._when(get("date_unixtime"), get("date"))
        if "edited_unixtime" in msg or "edited" in msg:
            edited_at = self._when(get("edited_unixtime"), get("edited"))[0]
            edited = edited_at is not None or "edited" in msg
        else:
            edited_at, edited = None, False
        forwarded = get("forwarded_from")
        action = get("action")
        msg_id = get("id")
        reply_to = get("reply_to_message_id")
        if reply_to is not None and "reply_to_peer_id" in msg:
            peer, rid = id_text(get("reply_to_peer_id")), id_text(reply_to)
            if peer and rid:
                reply_to = f"{peer}:{rid}"
        self.ordinal += 1
        out.append(Message(
            chat, self.ordinal - 1, where, sender, sent_at, sent_text, zone, text,
            "service" if service else "message",
            (action if isinstance(action, str) else "unknown") if service else None,
            str(msg_id) if type(msg_id) is int else id_text(msg_id),
            None if reply_to is None else id_text(reply_to),
            forwarded if isinstance(forwarded, str) else None,
            edited_at, edited, False,
            [] if MEDIA_KEYS.isdisjoint(msg) else attachments(msg),
        ))
        return out

    def _when(self, unix: Any, local: Any) -> tuple[datetime | None, str, str | None]:
        """(instant, the text it was read from, the zone assumed or None for UTC)."""
        if unix is not None:
            instant = unix_to_utc(unix)
            if instant is not None:
                return instant, str(unix), None
        moment = local_instant(local)
        text = local if isinstance(local, str) else "" if local is None else dump(local)
        if moment is None:
            return None, text, None
        instant = local_to_utc(moment, self.zone)
        zone = None if moment.tzinfo is not None or instant is None else self.zone
        return instant, text, zone


def _parse_source(fh: BinaryIO, source: ChatSource) -> Iterator[ChatEvent]:
    return parse(fh, source.name, source.zone)


FORMATS = [ChatFormat(NAME, VERSION, "telegram", match, _parse_source)]
