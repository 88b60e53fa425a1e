"""What a chat-export parser yields: the contract between parsers and the case's records.

A parser reads one export (a WhatsApp ``.txt``, the members of a WhatsApp ``.zip``, a
Telegram Desktop ``result.json`` or ``messages*.html``) and yields, in file order, a stream of
events: ``Chat`` (before the messages of that chat), ``Account`` (before the first message that
names it), ``Message`` and ``Unparsed``. It never holds the whole export in memory: a
1,000,000-message export parses in memory bounded by a constant (one message, plus the small
per-export tables of accounts and, for WhatsApp, the header shape decided in a first pass).

Everything points back to where it was read: ``locator`` is ``line 12`` / ``lines 12-14`` for
text exports and a JSON path (``$.messages[3]``, ``$.chats.list[2].messages[7]``) or
``messages2.html#message1234`` for Telegram. Text is kept exactly as exported, invisible
marks included (the extractor copes with them); only the header fields are normalised.

Times: ``sent_at`` is UTC. WhatsApp exports carry no zone (the device's local time): the parser
is given one (``--tz`` or the case's) and records it in ``zone``; ``sent_text`` keeps the
original header text. Telegram JSON carries ``date_unixtime`` (UTC, exact); its HTML export
carries local time with a ``UTC-03:00`` offset in the title attribute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

__all__ = [
    "Account",
    "Attachment",
    "Chat",
    "ChatEvent",
    "Message",
    "MessageKind",
    "Note",
    "Platform",
    "Unparsed",
]

MessageKind = Literal["message", "service"]
Platform = Literal["whatsapp", "telegram", "instagram", "facebook"]


@dataclass(frozen=True, slots=True)
class Chat:
    """A conversation: ``key`` is unique within the export (``wa:chat`` for a WhatsApp file,
    ``tg:chat:<id>`` for Telegram)."""

    key: str
    platform: Platform
    title: str | None
    kind: str | None  # "personal", "group", "channel", ... as the export says; None if unknown
    platform_id: str | None = None  # Telegram's chat id
    # How a text export's dates were read (WhatsApp): the fields' order as written ("dmy",
    # "mdy", "ymd") and what decided it: "given" (``sabueso reread --date-order``), "values"
    # (a day above 12), "locale" (the hint given),
    # "default" (nothing decided: day-first), "conflict" (both fields above 12 somewhere).
    date_order: str | None = None
    date_order_basis: str | None = None


@dataclass(frozen=True, slots=True)
class Account:
    """Someone who writes or is named as a sender.

    ``key`` is unique within the export and stable across parses: ``tg:user123456`` (Telegram
    ``from_id``), ``wa:+50255123456`` when a WhatsApp sender is shown as a phone number (then
    ``phone`` is that number exactly as shown), ``wa:name:<display name>`` otherwise.
    """

    key: str
    platform: Platform
    display_name: str | None
    phone: str | None = None  # as shown in the export, not normalised
    platform_id: str | None = None  # Telegram ``user123456`` / ``channel789``


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file a message carries or names.

    ``name`` is the path inside the export (``IMG-20241112-WA0003.jpg``,
    ``photos/photo_1@12-11-2024_20-01-33.jpg``) or None when the export names none;
    ``omitted`` is true when the export says the media was left out (``<Media omitted>``,
    ``<Multimedia omitido>``, Telegram's "File not included"); ``kind`` is the export's own word
    when it gives one (``photo``, ``video_file``, ``voice_message``, ``sticker``, ``document``)."""

    name: str | None
    kind: str | None = None
    omitted: bool = False


@dataclass(slots=True)
class Message:
    """One message or service/system line, in export order.

    ``ordinal`` counts the messages of the export from 0 (service messages included).
    ``msg_id`` is the export's own id when it has one (Telegram), ``reply_to`` the id replied
    to. ``sender`` is an ``Account.key`` (None for WhatsApp system lines such as the encryption
    notice). ``service`` names the action of a service message (``create_group``,
    ``invite_members``, ``pin_message``, ``encryption_notice``, ``subject_changed``,
    ``joined``, ``left``, ``deleted``...) and is None for ordinary messages; a deleted message
    ("This message was deleted", "Se eliminó este mensaje") is kind "message" with
    ``deleted=True``.
    """

    chat: str  # Chat.key
    ordinal: int
    locator: str
    sender: str | None
    sent_at: datetime | None  # UTC, timezone-aware
    sent_text: str  # the date/time exactly as the export wrote it
    zone: str | None  # the zone assumed to read sent_text (None when the export gave UTC)
    text: str
    kind: MessageKind = "message"
    service: str | None = None
    msg_id: str | None = None
    reply_to: str | None = None
    forwarded_from: str | None = None
    edited_at: datetime | None = None
    edited: bool = False  # the export marks it edited (WhatsApp: "<This message was edited>")
    deleted: bool = False
    attachments: list[Attachment] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Unparsed:
    """A piece of an export that does not read as a message and could not be attached to the
    previous one as continuation text (for instance lines before the first header). Never
    dropped: reported (``line``, ``text``) and kept as a record of its own."""

    locator: str
    text: str
    reason: str  # a message key, e.g. "chat.unparsed.before_first_message"


@dataclass(frozen=True, slots=True)
class Note:
    """What an export says about the account itself rather than in a chat: a login session
    (Telegram ``sessions``/``web_sessions``: application, device, IP address, place, when it
    was created and last active). Kept as a record of its own, so its IP addresses and
    domains are entities like any other."""

    locator: str
    text: str
    kind: str  # "session", "web_session"


ChatEvent = Chat | Account | Message | Unparsed | Note
