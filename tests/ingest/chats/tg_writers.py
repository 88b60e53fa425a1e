"""Synthetic Telegram Desktop exports for the tests: a small chat model written as result.json
(single chat or whole account) and as HTML pages the way tdesktop's exporter writes them
(``export_output_html.cpp``: block tags on their own lines with one-space indentation per
depth, text at column 0, ``<br>`` for line breaks, ``joined`` continuations, offsets in the
date titles; a new page forgets the previous message, as tdesktop's ``writeDialogSlice`` does
when it switches files, so a page never starts with a ``joined`` message). Everything here is
invented."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Peer:
    peer_id: str  # "user123" / "channel456"
    name: str


@dataclass
class GenMessage:
    msg_id: int
    sender: Peer
    instant: datetime  # UTC, whole seconds
    parts: list[tuple[str, str, str | None]]  # (entity type, text, href)
    service: str | None = None  # action, for service messages
    title: str = ""
    members: list[str] = field(default_factory=list)
    pinned: int | None = None
    forwarded_from: str | None = None
    reply_to: int | None = None
    edited: datetime | None = None

    @property
    def text(self) -> str:
        return "".join(p[1] for p in self.parts)

    @property
    def parsed_text(self) -> str:
        """What the parsers give: the displayed text, then a ``[link] <href>`` line for each
        link whose text hides its target."""
        links = [f"[link] {h}" for k, t, h in self.parts if k == "text_link" and h and h != t]
        return "\n".join([self.text, *links]) if self.text else "\n".join(links)


def _entity(kind: str, text: str, href: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": kind, "text": text}
    if href is not None:
        out["href"] = href
    return out


def json_message(m: GenMessage, offset: timedelta) -> dict[str, Any]:
    local = (m.instant + offset).replace(tzinfo=None).isoformat()
    base: dict[str, Any] = {"id": m.msg_id, "type": "service" if m.service else "message",
                            "date": local, "date_unixtime": str(int(m.instant.timestamp()))}
    if m.service:
        base.update({"actor": m.sender.name, "actor_id": m.sender.peer_id,
                     "action": m.service})
        if m.service == "create_group":
            base.update({"title": m.title, "members": m.members})
        elif m.service == "invite_members":
            base["members"] = m.members
        elif m.service == "pin_message":
            base["message_id"] = m.pinned
        base["text"] = ""
        base["text_entities"] = []
        return base
    base.update({"from": m.sender.name, "from_id": m.sender.peer_id})
    if m.forwarded_from is not None:
        base["forwarded_from"] = m.forwarded_from
    if m.reply_to is not None:
        base["reply_to_message_id"] = m.reply_to
    if m.edited is not None:
        base["edited"] = (m.edited + offset).replace(tzinfo=None).isoformat()
        base["edited_unixtime"] = str(int(m.edited.timestamp()))
    entities = [_entity(k, t, h) for k, t, h in m.parts]
    if len(m.parts) == 1 and m.parts[0][0] == "plain":
        base["text"] = m.parts[0][1]
    elif not m.parts:
        base["text"] = ""
    else:
        base["text"] = [t if k == "plain" else _entity(k, t, h) for k, t, h in m.parts]
    base["text_entities"] = entities
    return base


def write_json(path: Path, chats: list[tuple[str, int, list[GenMessage]]], *, account: bool,
               offset: timedelta = timedelta(hours=-6)) -> None:
    """chats: (name, id, messages). ``account``: a whole-account export (last chat in
    ``left_chats``), else the single chat ``chats[0]``."""
    def chat_obj(name: str, chat_id: int, msgs: list[GenMessage]) -> dict[str, Any]:
        return {"name": name, "type": "private_supergroup", "id": chat_id,
                "messages": [json_message(m, offset) for m in msgs]}

    if account:
        listed = [chat_obj(*c) for c in chats]
        doc: dict[str, Any] = {
            "about": "x", "personal_information": {"user_id": 0, "first_name": "Yo",
                                                   "phone_number": "+50200000000"},
            "chats": {"about": "", "list": listed[:-1] if len(listed) > 1 else listed},
            "left_chats": {"about": "", "list": listed[-1:] if len(listed) > 1 else []}}
    else:
        doc = chat_obj(*chats[0])
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), "utf-8")


# -- HTML ----------------------------------------------------------------------------------------


def serialize(text: str) -> str:
    """tdesktop ``SerializeString``."""
    out = []
    for ch in text:
        if ch == "\n":
            out.append("<br>")
        elif ch == '"':
            out.append("&quot;")
        elif ch == "&":
            out.append("&amp;")
        elif ch == "'":
            out.append("&apos;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ord(ch) < 32:
            out.append(f"&#x{ord(ch):02X};")
        else:
            out.append(ch)
    return "".join(out)


def _format_part(kind: str, text: str, href: str | None) -> str:
    s = serialize(text)
    if kind == "bold":
        return f"<strong>{s}</strong>"
    if kind == "italic":
        return f"<em>{s}</em>"
    if kind == "code":
        return f"<code>{s}</code>"
    if kind == "link":
        return f'<a href="{s}">{s}</a>'
    if kind == "phone":
        return f'<a href="tel:{s}">{s}</a>'
    if kind == "mention":
        return f'<a href="https://t.me/{s[1:]}">{s}</a>'
    if kind == "text_link":
        return f'<a href="{serialize(href or "")}">{s}</a>'
    return s


class _Html:
    def __init__(self) -> None:
        self.depth = 0
        self.out: list[str] = []

    def push(self, tag: str, **attrs: str) -> None:
        inner = "".join(f' {k.rstrip("_")}="{serialize(v)}"' for k, v in sorted(attrs.items()))
        self.out.append("\n" + " " * self.depth + f"<{tag}{inner}>\n")
        self.depth += 1

    def pop(self, tag: str = "div") -> None:
        self.depth -= 1
        self.out.append("\n" + " " * self.depth + f"</{tag}>\n")

    def raw(self, text: str) -> None:
        self.out.append(text)


def _date_title(instant: datetime, offset: timedelta | None, zone_offset: timedelta) -> str:
    local = instant + (offset if offset is not None else zone_offset)
    text = local.strftime("%d.%m.%Y %H:%M:%S")
    if offset is None:
        return text
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{text} UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _names(names: list[str]) -> str:
    escaped = [serialize(n) for n in names]
    if len(escaped) <= 1:
        return "".join(escaped)
    return ", ".join(escaped[:-1]) + " and " + escaped[-1]


def write_html(folder: Path, title: str, msgs: list[GenMessage], *, per_page: int,
               offset: timedelta | None, zone_offset: timedelta = timedelta(hours=-6)
               ) -> list[Path]:
    """Pages of at most ``per_page`` messages. ``offset``: the UTC offset written in the date
    titles (None: an old export without it, local times at ``zone_offset``)."""
    pages: list[Path] = []
    previous: GenMessage | None = None
    divider = 0
    for start in range(0, max(len(msgs), 1), per_page):
        previous = None  # tdesktop starts every page afresh: a date line, no joined message
        h = _Html()
        h.raw("<!DOCTYPE html>")
        h.push("html")
        h.push("head")
        h.raw('<meta charset="utf-8"/>\n<title>Exported Data</title>\n')
        h.raw('<link href="css/style.css" rel="stylesheet"/>\n'
              '<script src="js/script.js" type="text/javascript"></script>\n')
        h.pop("head")
        h.push("body", onload="CheckLocation();")
        h.push("div", class_="page_wrap")
        h.push("div", class_="page_header")
        h.push("div", class_="content")
        h.push("div", class_="text bold")
        h.raw(serialize(title))
        h.pop()
        h.pop()
        h.pop()
        h.push("div", class_="page_body chat_page")
        h.push("div", class_="history")
        for m in msgs[start:start + per_page]:
            local_day = (m.instant + (offset or zone_offset)).date()
            if previous is None or (previous.instant + (offset or zone_offset)).date() != local_day:
                divider -= 1
                h.push("div", class_="message service", id=f"message{divider}")
                h.push("div", class_="body details")
                h.raw(f"{local_day.day} {local_day.strftime('%B %Y')}")
                h.pop()
                h.pop()
            if m.service:
                h.push("div", class_="message service", id=f"message{m.msg_id}")
                h.push("div", class_="body details")
                actor = serialize(m.sender.name)
                if m.service == "create_group":
                    h.raw(f"{actor} created group &laquo;{serialize(m.title)}&raquo;"
                          + (f" with members {_names(m.members)}" if m.members else ""))
                elif m.service == "invite_members":
                    h.raw(f"{actor} invited {_names(m.members)}")
                else:
                    h.raw(f'{actor} pinned <a href="#go_to_message{m.pinned}" onclick='
                          f'"return GoToMessage({m.pinned})">this message</a>')
                h.pop()
                h.pop()
                previous = m
                continue
            joined = (previous is not None and previous.service is None
                      and previous.sender == m.sender
                      and (previous.instant + (offset or zone_offset)).date() == local_day
                      and previous.forwarded_from == m.forwarded_from
                      and abs((m.instant - previous.instant).total_seconds())
                      <= (1 if m.forwarded_from else 900))
            h.push("div", class_="message default clearfix" + (" joined" if joined else ""),
                   id=f"message{m.msg_id}")
            if not joined:
                h.push("div", class_="pull_left userpic_wrap")
                h.push("div", class_="userpic userpic2", style="width: 42px; height: 42px")
                h.push("div", class_="initials", style="line-height: 42px")
                h.raw(serialize(m.sender.name[:1]))
                h.pop()
                h.pop()
                h.pop()
            h.push("div", class_="body")
            h.push("div", class_="pull_right date details",
                   title=_date_title(m.instant, offset, zone_offset))
            h.raw((m.instant + (offset or zone_offset)).strftime("%H:%M"))
            h.pop()
            if not joined:
                h.push("div", class_="from_name")
                h.raw(serialize(m.sender.name) + " ")
                h.pop()
            if m.forwarded_from is not None:
                h.push("div", class_="pull_left forwarded userpic_wrap")
                h.pop()
                h.push("div", class_="forwarded body")
                h.push("div", class_="from_name")
                h.raw(serialize(m.forwarded_from) + ' <span class="date details" title="'
                      + _date_title(m.instant, offset, zone_offset) + '"> '
                      + (m.instant + (offset or zone_offset)).strftime("%d.%m.%Y %H:%M:%S")
                      + "</span>")
                h.pop()
            if m.reply_to is not None:
                h.push("div", class_="reply_to details")
                h.raw(f'In reply to <a href="#go_to_message{m.reply_to}" onclick="return '
                      f'GoToMessage({m.reply_to})">this message</a>')
                h.pop()
            if m.parts and m.text:
                h.push("div", class_="text")
                h.raw("".join(_format_part(*p) for p in m.parts))
                h.pop()
            if m.forwarded_from is not None:
                h.pop()
            h.pop()
            h.pop()
            previous = m
        h.pop()
        h.pop()
        h.pop()
        h.pop("body")
        h.pop("html")
        number = start // per_page + 1
        page = folder / ("messages.html" if number == 1 else f"messages{number}.html")
        page.write_text("".join(h.out), "utf-8")
        pages.append(page)
    return pages


def utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
