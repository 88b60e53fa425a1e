"""Instagram and Facebook Messenger "Download your information" message files (JSON).

Meta's export writes each conversation as ``messages/inbox/<thread>/message_1.json`` (and
``message_2.json``... past about 10,000 messages): ``participants[{name}]``, ``title``,
``thread_path`` and ``messages[{sender_name, timestamp_ms, content, photos|videos|
audio_files|gifs|files[{uri}], sticker{uri}, share{link, share_text}, call_duration,
is_unsent, reactions[{reaction, actor}]}]``, newest message first. Its strings are mojibake:
the UTF-8 bytes of each character written as ``\\u00XX`` escapes (``Peña`` arrives as
``PeÃ±a``); they are read back as UTF-8 (research note §4.3).

Each message is yielded in file order with its JSON path (``$.messages[3]``); instants are
exact (milliseconds since the epoch, UTC). What the export adds beside the text (a shared
link, a sticker, a call, reactions) is kept as lines of the text, as for Telegram, so the
identifiers in it are found. Media are linked to the export's files by the longest tail of
their ``uri`` that names one. A file of a few thousand messages is read whole (Meta splits
larger conversations into several files).

Instagram and Messenger write the same shape; a file is taken as Messenger's when its path
says so (``facebook``, ``messenger``) or its thread has Messenger's ``thread_type``.

Messenger's end-to-end encrypted chats (default since 2024) are exported in another shape,
with camelCase keys: ``participants`` as plain names, ``threadName``, and ``messages[
{senderName, timestamp (milliseconds), text, type (text|media|link|placeholder), media[{uri}],
reactions[{actor, reaction}], isUnsent}]``. It is read the same way (it is Messenger's unless
its path says Instagram); a ``placeholder`` (a message the export could not show) is kept as
a service line with its text.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, BinaryIO

import orjson

from sabueso.core.errors import InputError
from sabueso.ingest.chats.model import (
    Account,
    Attachment,
    Chat,
    ChatEvent,
    Message,
    Platform,
    Unparsed,
)
from sabueso.ingest.chats.registry import ChatFormat, ChatSource

__all__ = ["FORMATS", "VERSION", "fix_text", "match", "parse"]

VERSION = "2"
_MEDIA = (("photos", "photo"), ("videos", "video"), ("audio_files", "audio"), ("gifs", "gif"),
          ("files", "file"))
_PREFIX = {"instagram": "ig", "facebook": "fb"}
# the end-to-end encrypted shape says only "media": its kind from the file's extension
_KINDS = {**dict.fromkeys(("jpg", "jpeg", "png", "webp", "heic"), "photo"),
          **dict.fromkeys(("mp4", "mov", "3gp", "webm"), "video"),
          **dict.fromkeys(("m4a", "aac", "ogg", "opus", "mp3", "wav"), "audio"), "gif": "gif"}


def fix_text(text: str) -> str:
    """Meta's mojibake read back: the characters of ``text`` are the bytes of UTF-8. Text that
    is not such (it holds a character above U+00FF, or its bytes are not UTF-8) is kept."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _e2ee(head: bytes) -> bool:
    """The end-to-end encrypted chats' shape (camelCase keys)."""
    return b'"senderName"' in head and b'"timestamp"' in head


def _platform(name: str, head: bytes) -> Platform:
    low = name.replace("\\", "/").lower()
    if "facebook" in low or "messenger" in low or b'"thread_type"' in head:
        return "facebook"
    if _e2ee(head) and "instagram" not in low:
        return "facebook"
    return "instagram"


def _looks(head: bytes) -> bool:
    return head.lstrip()[:1] == b"{" and b'"messages"' in head and (
        (b'"sender_name"' in head and b'"timestamp_ms"' in head) or _e2ee(head))


def match(name: str, head: bytes) -> int:
    """Instagram's reading of a DYI message file (Messenger's scores higher on its own)."""
    if not _looks(head):
        return 0
    return 80 if _platform(name, head) == "instagram" else 60


def match_messenger(name: str, head: bytes) -> int:
    if not _looks(head):
        return 0
    return 80 if _platform(name, head) == "facebook" else 60


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _instant(stamp: Any) -> datetime | None:
    """Milliseconds since the epoch as a UTC instant; None when it is not one (a damaged
    value stays in the message's ``sent_text``)."""
    if not isinstance(stamp, int | float) or isinstance(stamp, bool):
        return None
    try:
        return datetime.fromtimestamp(stamp / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _linked(uri: str, siblings: frozenset[str]) -> str:
    """The export's file a media ``uri`` (a path from the export's root) names: the longest
    tail of it among the files beside the message file; the uri itself when none."""
    parts = uri.replace("\\", "/").split("/")
    for i in range(len(parts)):
        tail = "/".join(parts[i:])
        if tail in siblings:
            return tail
    return uri


def _text(msg: dict[str, Any]) -> str:
    """The message's text, then what the export adds beside it, one line each."""
    body = msg.get("content", msg.get("text"))
    lines = [fix_text(body)] if isinstance(body, str) else []
    share = msg.get("share")
    if isinstance(share, dict):
        if isinstance(share.get("link"), str):
            lines.append(f"[link] {fix_text(share['link'])}")
        if isinstance(share.get("share_text"), str) and share["share_text"]:
            lines.append(f"[share] {fix_text(share['share_text'])}")
    if isinstance(msg.get("call_duration"), int):
        lines.append(f"[call] {msg['call_duration']} s")
    for reaction in _list(msg.get("reactions")):
        if isinstance(reaction, dict):
            lines.append(f"[reaction] {fix_text(str(reaction.get('reaction', '')))} "
                         f"{fix_text(str(reaction.get('actor', '')))}".rstrip())
    return "\n".join(lines)


def _attachments(msg: dict[str, Any], siblings: frozenset[str]) -> list[Attachment]:
    found: list[Attachment] = []
    for key, kind in _MEDIA:
        for media in _list(msg.get(key)):
            if isinstance(media, dict) and isinstance(media.get("uri"), str):
                found.append(Attachment(_linked(fix_text(media["uri"]), siblings), kind))
    for media in _list(msg.get("media")):  # the end-to-end encrypted chats' shape
        if isinstance(media, dict) and isinstance(media.get("uri"), str):
            uri = fix_text(media["uri"])
            found.append(Attachment(_linked(uri, siblings), _KINDS.get(
                uri.rsplit(".", 1)[-1].lower() if "." in uri else "", "file")))
    sticker = msg.get("sticker")
    if isinstance(sticker, dict) and isinstance(sticker.get("uri"), str):
        found.append(Attachment(_linked(fix_text(sticker["uri"]), siblings), "sticker"))
    return found


def parse(stream: BinaryIO, source: ChatSource, platform: Platform | None = None
          ) -> Iterator[ChatEvent]:
    """The events of one message file; ``platform`` as the format chosen says (the registry
    picks Instagram's or Messenger's reading by their scores), else from the file."""
    data = stream.read()
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InputError("error.chat_json_invalid", location=source.name, path="$",
                         detail=str(exc)[:200]) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("messages"), list):
        raise InputError("error.chat_json_invalid", location=source.name, path="$.messages",
                         detail="not a list of messages")
    platform = platform or _platform(source.name, data[:1 << 16])
    prefix = _PREFIX[platform]
    people = [fix_text(p["name"] if isinstance(p, dict) else p)
              for p in _list(doc.get("participants"))
              if isinstance(p, str) or (isinstance(p, dict) and isinstance(p.get("name"), str))]
    named = doc.get("title", doc.get("threadName"))
    title = fix_text(named) if isinstance(named, str) else None
    kind = "group" if len(people) > 2 else ("personal" if people else None)
    # the thread's folder name (``inbox/ana_123...``: the conversation's id in the export)
    # (the end-to-end encrypted shape has no path: its ``threadName``, ``Ana_40``, names it)
    thread = doc["thread_path"].rsplit("/", 1)[-1][:64] \
        if isinstance(doc.get("thread_path"), str) else (
            doc["threadName"][:64] if isinstance(doc.get("threadName"), str) else None)
    # one key for every file of the thread (``message_1.json``, ``message_2.json``... in one
    # folder): the case's views show them as one conversation (``chatlookup.PAGED_KEYS``)
    chat = f"{prefix}:chat:{thread or ''}"
    yield Chat(chat, platform, title or (", ".join(people) or None), kind, platform_id=thread)
    seen: set[str] = set()
    ordinal = 0
    for i, msg in enumerate(doc["messages"]):
        if not isinstance(msg, dict):  # kept and reported, never dropped
            yield Unparsed(f"$.messages[{i}]", orjson.dumps(msg).decode(),
                           "chat.unparsed.not_a_message")
            continue
        sender = None
        shown = msg.get("sender_name", msg.get("senderName"))
        if isinstance(shown, str):
            name = fix_text(shown)
            sender = f"{prefix}:name:{name}"
            if sender not in seen:
                seen.add(sender)
                yield Account(sender, platform, name)
        stamp = msg.get("timestamp_ms", msg.get("timestamp"))
        sent_at = _instant(stamp)
        placeholder = msg.get("type") == "placeholder"
        yield Message(chat, ordinal, f"$.messages[{i}]", sender, sent_at,
                      str(stamp) if stamp is not None else "", None, _text(msg),
                      "service" if placeholder else "message",
                      "placeholder" if placeholder else None,
                      deleted=bool(msg.get("is_unsent") or msg.get("isUnsent")),
                      attachments=_attachments(msg, source.siblings))
        ordinal += 1


def _parse_instagram(stream: BinaryIO, source: ChatSource) -> Iterator[ChatEvent]:
    return parse(stream, source, "instagram")


def _parse_messenger(stream: BinaryIO, source: ChatSource) -> Iterator[ChatEvent]:
    return parse(stream, source, "facebook")


FORMATS = [ChatFormat("instagram-json", VERSION, "instagram", match, _parse_instagram),
           ChatFormat("messenger-json", VERSION, "facebook", match_messenger, _parse_messenger)]
