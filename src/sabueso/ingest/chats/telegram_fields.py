"""What one Telegram Desktop JSON message holds besides its text and sender, as Sabueso keeps
it: shared contacts, places, polls, the bot it came through, a post's signature, where a saved
message came from and link buttons as lines of text (``[contact] Ana +502 ...``), the targets
of links whose text hides them (``[link] https://...``), a service message's details
(``[members] ...``) and its media as attachments. Used by the JSON reader (``telegram_json``)
and, through it, its fast path (``telegram_fast``)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sabueso.ingest.chats.model import Attachment, Note
from sabueso.ingest.chats.telegram_common import is_omitted, unix_to_utc

__all__ = ["MEDIA_KEYS", "REDUCED_KEYS", "SERVICE_FIELDS", "attachments", "dump", "full_name",
           "hidden_links", "id_text", "joined", "local_instant", "reductions", "service_lines",
           "session_note"]

REDUCED_KEYS = frozenset({"contact_information", "place_name", "address",
                           "location_information", "poll", "via_bot", "author", "saved_from",
                           "inline_bot_buttons", "reactions"})
MEDIA_KEYS = frozenset({"photo", "file", "contact_vcard"})
SERVICE_FIELDS = ("title", "members", "inviter", "message_id", "duration_seconds",
                   "discard_reason")


def dump(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (RecursionError, ValueError, TypeError):
        return repr(type(value))


def joined(value: Any) -> str | None:
    """A ``text`` / ``text_entities`` value as displayed, or None when it is not one."""
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        return None
    parts: list[str] = []
    for part in value:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict) and isinstance(part.get("text"), str):
            parts.append(part["text"])
        else:
            return None
    return "".join(parts)


def id_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value:
        return value
    return None


def local_instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def full_name(first: Any, last: Any) -> str:
    return " ".join(p for p in (first, last) if isinstance(p, str) and p)


def reductions(msg: dict[str, Any]) -> list[str]:
    """Shared contacts, places and polls as lines of text; so are the bot a message was sent
    through (``[via] @bot``), a channel post's signature (``[author]``), where a saved message
    came from (``[saved_from]``), the links of its buttons (``[button] Pagar https://...``) and
    its reactions with who made them (``[reaction] 👍 2: Ana, Beto``)."""
    lines: list[str] = []
    contact = msg.get("contact_information")
    if isinstance(contact, dict):
        phone = contact.get("phone_number")
        who = full_name(contact.get("first_name"), contact.get("last_name"))
        lines.append(" ".join(p for p in ("[contact]", who, phone if isinstance(phone, str)
                                          else "") if p))
    place = msg.get("place_name")
    address = msg.get("address")
    if isinstance(place, str) or isinstance(address, str):
        lines.append("[venue] " + ", ".join(p for p in (place, address)
                                            if isinstance(p, str) and p))
    loc = msg.get("location_information")
    if isinstance(loc, dict) and "latitude" in loc and "longitude" in loc:
        lines.append(f"[location] {loc['latitude']}, {loc['longitude']}")
    poll = msg.get("poll")
    if isinstance(poll, dict):
        question = poll.get("question")
        lines.append("[poll] " + (joined(question) or ""))
        answers = poll.get("answers")
        for answer in answers if isinstance(answers, list) else ():
            text = joined(answer.get("text")) if isinstance(answer, dict) else None
            if text is not None:
                lines.append("- " + text)
    for key in ("via_bot", "author", "saved_from"):
        value = msg.get(key)
        if isinstance(value, str) and value:
            lines.append(f"[{key.removesuffix('_bot')}] {value}")
    buttons = msg.get("inline_bot_buttons")
    for row in buttons if isinstance(buttons, list) else ():
        for button in row if isinstance(row, list) else ():
            target = button.get("data") if isinstance(button, dict) else None
            if isinstance(target, str) and "://" in target:  # a link (not callback data)
                label = button.get("text")
                lines.append(" ".join(p for p in ("[button]", label if isinstance(label, str)
                                                  else "", target) if p))
    reactions = msg.get("reactions")
    for reaction in reactions if isinstance(reactions, list) else ():
        if isinstance(reaction, dict):
            lines.append(_reaction(reaction))
    return lines


def _reaction(reaction: dict[str, Any]) -> str:
    """``[reaction] 👍 3: Ana, Beto``: the emoji (or its kind), how many, and who reacted
    lately (tdesktop lists the recent ones with their names)."""
    emoji = reaction.get("emoji")
    shown = emoji if isinstance(emoji, str) and emoji else str(reaction.get("type", ""))
    count = reaction.get("count")
    head = " ".join(p for p in ("[reaction]", shown, str(count) if isinstance(count, int)
                                and not isinstance(count, bool) else "") if p)
    recent = reaction.get("recent")
    names = [r["from"] for r in (recent if isinstance(recent, list) else ())
             if isinstance(r, dict) and isinstance(r.get("from"), str) and r["from"]]
    return f"{head}: {', '.join(names)}" if names else head


def hidden_links(parts: list[Any]) -> list[str]:
    """``[link] <target>`` for each link whose text hides its target (``text_link``)."""
    lines: list[str] = []
    for part in parts:
        if type(part) is dict and part.get("type") == "text_link":
            href = part.get("href")
            if isinstance(href, str) and href and href != part.get("text"):
                lines.append(f"[link] {href}")
    return lines


def service_lines(msg: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for key in SERVICE_FIELDS:
        value = msg.get(key)
        if isinstance(value, list):
            value = ", ".join(v for v in value if isinstance(v, str))
        if isinstance(value, str | int) and not isinstance(value, bool) and value != "":
            lines.append(f"[{key}] {value}")
    return lines


def attachments(msg: dict[str, Any]) -> list[Attachment]:
    found: list[Attachment] = []
    media_type = msg.get("media_type")
    for key in ("photo", "file", "contact_vcard"):
        value = msg.get(key)
        if not isinstance(value, str) or not value:
            continue
        if key == "photo":
            kind: str | None = "photo"
        elif key == "file":
            kind = media_type if isinstance(media_type, str) else "file"
        else:
            kind = "contact_vcard"
        omitted = is_omitted(value)
        found.append(Attachment(name=None if omitted else value, kind=kind, omitted=omitted))
    return found


def _when(session: dict[str, Any], key: str) -> str:
    """A session's instant: exact UTC from ``<key>_unixtime``, else the local text."""
    exact = unix_to_utc(session.get(f"{key}_unixtime"))
    if exact is not None:
        return exact.isoformat().replace("+00:00", "Z")
    local = session.get(key)
    return local if isinstance(local, str) else ""


def _frequent(peer: dict[str, Any], where: str) -> Note:
    """An entry of ``frequent_contacts.list``: the peers the account writes, calls or uses as
    inline bots most, with Telegram's rating."""
    def text(key: str) -> str:
        value = peer.get(key)
        return str(value) if isinstance(value, str | int | float) and \
            not isinstance(value, bool) and value != "" else ""

    who = text("name")
    ident = " ".join(p for p in (text("type"), text("id")) if p)
    parts = [text("category"), f"{who} ({ident})" if who and ident else who or ident,
             f"rating {text('rating')}" if text("rating") else ""]
    return Note(where, "[frequent_contact] " + " · ".join(p for p in parts if p),
                "frequent_contact")


def session_note(session: Any, where: str, root: str) -> Note:
    """One entry of ``sessions.list`` (an app logged in to the account: application, device,
    system, IP address, country and region) or of ``web_sessions.list`` (a site logged in
    through Telegram: domain, bot, browser), with when it was created and last active, as one
    line of text (``[session] Telegram Desktop 4.8.4 · ... · IP 203.0.113.5 · ...``)."""
    web = root == "web_sessions"
    kind = {"web_sessions": "web_session", "frequent_contacts": "frequent_contact"}.get(
        root, "session")
    if not isinstance(session, dict):
        return Note(where, f"[{kind}] {dump(session)}", kind)
    if root == "frequent_contacts":
        return _frequent(session, where)

    def text(*keys: str) -> str:
        return " ".join(v for k in keys if isinstance(v := session.get(k), str) and v)

    bot = text("bot_username")
    parts = ([text("domain_name"), f"bot @{bot}" if bot else "", text("browser"),
              text("platform")] if web else
             [text("application_name", "application_version"), text("device_model"),
              text("platform", "system_version")])
    ip = text("last_ip")
    place = ", ".join(v for k in ("last_country", "last_region")
                      if isinstance(v := session.get(k), str) and v)
    parts += [f"IP {ip}" if ip else "", place]
    for label, key in (("last active", "last_active"), ("created", "created")):
        moment = _when(session, key)
        if moment:
            parts.append(f"{label} {moment}")
    return Note(where, f"[{kind}] " + " · ".join(p for p in parts if p), kind)
