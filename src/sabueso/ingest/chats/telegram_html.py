"""Telegram Desktop HTML export (``messages.html``, ``messages2.html``, ...) read as events.

The HTML export is what most people produce. Its markup (tdesktop ``export_output_html.cpp``):
``div.message.default`` for a message, ``div.message.service`` for a service line (and for the
day dividers, whose ids are negative and which are skipped), ``id="message123"`` carrying the
message id; ``joined`` messages are continuations by the previous sender and have no
``from_name`` (the sender is carried over, across pages too when the pages are read together);
``div.date`` has the full time in its title, ``DD.MM.YYYY HH:MM:SS UTC-03:00`` (the offset
gives the exact instant; exports before 2022 have no offset and are read in the zone given);
a forwarded message nests ``div.forwarded.body`` with the original author's ``from_name``;
``div.reply_to`` links ``GoToMessage(123)`` / ``messages2.html#go_to_message123``; media
blocks name the file (``href``) or say it was not included.

Text is the displayed text: ``<br>`` is a line break, the newline and indentation the writer
puts around a block are not part of it. Shared contacts, places and polls are appended as in
the JSON parser (``[contact] Name +502...``), and so are the targets of links whose text hides
them (``[link] https://...``) and the bot a message came through (``[via] @bot``). Service
lines are written in English by Telegram Desktop whatever the app's language; the common
ones are mapped to the JSON action names and their actor (``Ana invited Beto`` ->
``invite_members`` by ``Ana``), the rest are ``unknown``. Accounts are known by display name
only (``tg:name:<name>``).

The parser never fetches or runs anything: lxml's HTML parser with network access off,
comments and processing instructions dropped, one page read element by element (iterparse) and
each message cleared once read. ``parse`` reads one page; ``parse_pages`` reads the pages of one
chat in order as one chat.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import IO, Any, BinaryIO

from lxml import etree

from sabueso.core.errors import InputError
from sabueso.ingest.chats.model import Attachment, Chat, ChatEvent, Message, Unparsed
from sabueso.ingest.chats.registry import ChatFormat, ChatSource
from sabueso.ingest.chats.telegram_common import OMITTED_HTML, PLATFORM, Accounts, local_to_utc

__all__ = ["NAME", "VERSION", "HtmlReader", "match", "page_number", "parse", "parse_pages"]

NAME = "telegram-html"
VERSION = "2"  # 2: the bot a message came through kept as "[via] @bot" (was dropped)

_PAGE_RE = re.compile(r"^messages(\d*)\.html?$", re.IGNORECASE)
_DATE_RE = re.compile(r"^\s*(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2}):(\d{2})"
                      r"(?: UTC([+-])(\d{2}):(\d{2}))?")
_ID_RE = re.compile(r"^message(-?\d+)$")
_GOTO_RE = re.compile(r"go_to_message(-?\d+)|GoToMessage\((-?\d+)\)")
_VIA_RE = re.compile(r"\s+via @\S+$")
_TRAILING_RE = re.compile(r"\n[ \t]*\Z")

# Service lines tdesktop writes (always in English), first match wins.
_SERVICES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (action, re.compile(pattern, re.DOTALL)) for action, pattern in (
        ("create_group", r"^(?P<actor>.+?) created group «"),
        ("create_channel", r"^Channel «.*» created$"),
        ("edit_group_title", r"^(?P<actor>.+?) changed group title to «"),
        ("edit_group_title", r"^Channel title changed to «"),
        ("edit_group_photo", r"^(?P<actor>.+?) changed group photo$"),
        ("edit_group_photo", r"^Channel photo changed$"),
        ("delete_group_photo", r"^(?P<actor>.+?) removed group photo$"),
        ("delete_group_photo", r"^Channel photo removed$"),
        ("invite_to_group_call", r"^(?P<actor>.+?) invited .+ to the voice chat$"),
        ("invite_members", r"^(?P<actor>.+?) invited "),
        ("remove_members", r"^(?P<actor>.+?) removed "),
        ("join_group_by_link", r"^(?P<actor>.+?) joined group by link from "),
        ("migrate_to_supergroup", r"^(?P<actor>.+?) converted this group to a supergroup$"),
        ("migrate_from_group", r"^(?P<actor>.+?) converted a basic group to this supergroup"),
        ("pin_message", r"^(?P<actor>.+?) pinned "),
        ("clear_history", r"^History cleared$"),
        ("score_in_game", r"^(?P<actor>.+?) scored \d+ in "),
        ("send_payment", r"^You have successfully transferred "),
        ("take_screenshot", r"^(?P<actor>.+?) took a screenshot$"),
        ("joined_telegram", r"^(?P<actor>.+?) joined Telegram$"),
        ("requested_phone_number", r"^(?P<actor>.+?) requested your phone number$"),
        ("group_call", r"^Group call"),
    ))

_MEDIA_KINDS = {
    "photo_wrap": "photo", "sticker_wrap": "sticker", "animated_wrap": "animation",
    "video_file_wrap": "video_file", "media_voice_message": "voice_message",
    "media_audio_file": "audio_file", "media_file": "file", "media_photo": "photo",
}
_MEDIA_TITLES = {"Video message": "video_message", "Animation": "animation",
                 "Video file": "video_file", "Sticker": "sticker",
                 "Self-destructing video": "video_file"}


def match(name: str, head: bytes) -> int:
    """How surely this is a page of a Telegram Desktop HTML export (0-100)."""
    if b"<" not in head:
        return 0
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    score = 30 if _PAGE_RE.match(base) else 5 if base.lower().endswith((".html", ".htm")) else 0
    if b'class="page_wrap"' in head:
        score += 15
    if b"<title>Exported Data</title>" in head:
        score += 15
    if b'class="message default' in head or b'class="message service' in head:
        score += 35
    if b'class="history"' in head or b"GoToMessage(" in head:
        score += 10
    return min(score, 100)


def page_number(name: str) -> int:
    """1 for ``messages.html``, N for ``messagesN.html`` (0 for other names)."""
    found = _PAGE_RE.match(name.replace("\\", "/").rsplit("/", 1)[-1])
    if not found:
        return 0
    return int(found.group(1)) if found.group(1) else 1


def parse(fh: IO[bytes], name: str = "messages.html", zone: str | None = None,
          chat_key: str | None = None) -> Iterator[ChatEvent]:
    """The events of one page read from ``fh``."""
    reader = HtmlReader(zone, chat_key)
    yield from reader.page(fh, name)
    yield from reader.finish()


def parse_pages(paths: Iterable[str], zone: str | None = None,
                chat_key: str | None = None) -> Iterator[ChatEvent]:
    """The pages of one chat (``messages.html``, ``messages2.html``, ...), in page order, as
    one chat: joined messages at the top of a page keep the previous page's sender."""
    reader = HtmlReader(zone, chat_key)
    for path in sorted(paths, key=lambda p: (page_number(p), p)):
        with open(path, "rb") as fh:
            yield from reader.page(fh, path)
    yield from reader.finish()


def _classes(el: Any) -> set[str]:
    return set((el.get("class") or "").split())


def _children(el: Any, *wanted: str) -> Iterator[Any]:
    for child in el:
        if isinstance(child.tag, str) and _classes(child).issuperset(wanted):
            yield child


def _first(el: Any, *wanted: str) -> Any:
    return next(_children(el, *wanted), None)


_PART_CLASSES = ("date", "from_name", "reply_to", "text", "media_wrap")


def _parts(body: Any) -> dict[str, Any]:
    """The first direct child of a message body of each kind that matters, in one pass:
    ``date``, ``from_name``, ``reply_to``, ``text``, ``media_wrap`` and ``forwarded`` (the
    ``forwarded body`` block, not the ``forwarded userpic_wrap`` beside it)."""
    found: dict[str, Any] = {}
    for child in body:
        cls = child.get("class") if isinstance(child.tag, str) else None
        if not cls:
            continue
        tokens = cls.split()
        for name in _PART_CLASSES:
            if name in tokens and name not in found:
                found[name] = child
        if "forwarded" in tokens and "body" in tokens and "forwarded" not in found:
            found["forwarded"] = child
    return found


def _either(first: Any, second: Any) -> Any:
    """``first or second`` for elements (whose truth is their number of children)."""
    return first if first is not None else second


def _find(el: Any, *wanted: str) -> Any:
    for child in el.iter("div", "a"):
        if child is not el and _classes(child).issuperset(wanted):
            return child
    return None


def _block_text(el: Any) -> str:
    """The displayed text of a block: ``<br>`` is a newline; the newline and indentation the
    exporter writes after the opening and before the closing tag are dropped."""
    for br in el.iter("br"):
        br.tail = "\n" + (br.tail or "")
    raw = "".join(el.itertext())
    if raw.startswith("\n"):
        raw = raw[1:]
    return _TRAILING_RE.sub("", raw, count=1)


def _hidden_links(text_el: Any) -> list[str]:
    """``[link] <href>`` for each link whose text hides its target (a ``text_link``): not a
    plain URL, mention, phone, e-mail or the ``onclick`` ones (hashtags, commands)."""
    lines: list[str] = []
    for link in text_el.iter("a"):
        href = link.get("href") or ""
        shown = "".join(link.itertext())
        if (not href or href == shown or href.startswith(("tel:", "mailto:"))
                or (shown.startswith("@") and href == "https://t.me/" + shown[1:])):
            continue
        lines.append(f"[link] {href}")
    return lines


def _plain(el: Any) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _name_of(from_name: Any) -> str | None:
    """A ``from_name`` block without its date span and ``via @bot``."""
    if from_name is None:
        return None
    name = _VIA_RE.sub("", (from_name.text or "").strip())
    return name or None


def _via_of(from_name: Any) -> str | None:
    """The ``@bot`` of a ``from_name`` block that ends ``via @bot`` (the JSON's ``via_bot``)."""
    if from_name is None:
        return None
    hit = _VIA_RE.search((from_name.text or "").strip())
    return hit.group(0).split()[-1] if hit else None


class HtmlReader:
    """Reads the pages of one chat; keeps the sender of the last message for ``joined``."""

    def __init__(self, zone: str | None, chat_key: str | None = None) -> None:
        self.zone = zone
        self.chat_key = chat_key
        self.chat: Chat | None = None
        self.title: str | None = None
        self.accounts = Accounts()
        self.ordinal = 0
        self.last_sender: str | None = None
        self.last_forwarded: str | None = None

    def page(self, fh: IO[bytes], name: str) -> Iterator[ChatEvent]:
        base = name.replace("\\", "/").rsplit("/", 1)[-1]
        context = etree.iterparse(fh, events=("end",), tag="div", html=True, no_network=True,
                                  remove_comments=True, remove_pis=True, encoding="utf-8",
                                  huge_tree=False)
        blocks = 0
        try:
            for _event, el in context:
                cls = el.get("class")
                if not cls or ("message" not in cls and "page_header" not in cls):
                    continue
                classes = set(cls.split())
                if "page_header" in classes and self.title is None:
                    title = _find(el, "text", "bold")
                    self.title = _plain(title) or None if title is not None else None
                    continue
                if "message" not in classes:
                    continue
                blocks += 1
                yield from self._chat()
                try:
                    yield from self._message(el, classes, base, blocks)
                except (ValueError, TypeError, AttributeError) as exc:  # pragma: no cover
                    yield Unparsed(f"{base}#{el.get('id') or blocks}", _plain(el)[:2000]
                                   + f" ({type(exc).__name__})", "chat.unparsed.html_message")
                el.clear(keep_tail=False)
                parent = el.getparent()
                if parent is not None:
                    while el.getprevious() is not None:
                        del parent[0]
        except etree.LxmlError as exc:
            raise InputError("error.chat_html_invalid", location=name,
                             detail=str(exc)[:200] or type(exc).__name__) from None

    def finish(self) -> Iterator[ChatEvent]:
        """The chat itself when no page had a message."""
        yield from self._chat()

    def _chat(self) -> Iterator[Chat]:
        if self.chat is None:
            key = self.chat_key or f"tg:chat:html:{self.title or ''}"
            self.chat = Chat(key=key, platform=PLATFORM, title=self.title, kind=None)
            yield self.chat

    def _message(self, el: Any, classes: set[str], page: str, n: int) -> Iterator[ChatEvent]:
        found = _ID_RE.match(el.get("id") or "")
        msg_id = found.group(1) if found else None
        if msg_id is not None and msg_id.startswith("-") and "service" in classes:
            return  # a day divider, not a message
        locator = f"{page}#message{msg_id}" if msg_id is not None else f"{page}#block{n}"
        assert self.chat is not None
        if "service" in classes:
            yield from self._service(el, msg_id, locator)
            return
        body = _either(_first(el, "body"), el)
        parts = _parts(body)
        date = _either(parts.get("date"), _find(body, "date", "details"))
        sent_text = (date.get("title") or "").strip() if date is not None else ""
        sent_at, zone = self._instant(sent_text)
        name = _name_of(parts.get("from_name"))
        if name is not None:
            sender, account = self.accounts.by_name(name)
            if account is not None:
                yield account
        elif "joined" in classes:
            sender = self.last_sender
        else:
            sender = None
        self.last_sender = sender
        content, inner = body, parts
        forwarded_from = None
        fwd = parts.get("forwarded")
        if fwd is not None:
            content, inner = fwd, _parts(fwd)
            forwarded_from = _name_of(inner.get("from_name"))
            if forwarded_from is None and "joined" in classes:
                forwarded_from = self.last_forwarded  # same original author, not repeated
        self.last_forwarded = forwarded_from
        reply_to = None
        reply = _either(parts.get("reply_to"), inner.get("reply_to"))
        if reply is not None:
            for link in reply.iter("a"):
                hit = _GOTO_RE.search((link.get("href") or "") + " " + (link.get("onclick") or ""))
                if hit:
                    reply_to = hit.group(1) or hit.group(2)
                    break
        text_el = inner.get("text")
        text = _block_text(text_el) if text_el is not None else ""
        attachments, extra, call = (self._media(content) if "media_wrap" in inner
                                    else ([], [], False))
        if text_el is not None:
            extra[:0] = _hidden_links(text_el)
        via = _via_of(parts.get("from_name"))
        if via is not None:
            extra.append(f"[via] {via}")
        if extra:
            text = "\n".join([text, *extra]) if text else "\n".join(extra)
        yield Message(
            chat=self.chat.key, ordinal=self.ordinal, locator=locator, sender=sender,
            sent_at=sent_at, sent_text=sent_text, zone=zone, text=text,
            kind="service" if call else "message", service="phone_call" if call else None,
            msg_id=msg_id, reply_to=reply_to, forwarded_from=forwarded_from,
            attachments=attachments)
        self.ordinal += 1

    def _service(self, el: Any, msg_id: str | None, locator: str) -> Iterator[ChatEvent]:
        assert self.chat is not None
        body = _either(_first(el, "body"), el)
        text = _block_text(body)
        action, actor = "unknown", None
        flat = " ".join(text.split())
        for name, pattern in _SERVICES:
            hit = pattern.match(flat)
            if hit:
                action = name
                actor = hit.groupdict().get("actor")
                break
        sender, account = self.accounts.by_name(actor)
        if account is not None:
            yield account
        self.last_sender = None  # a service line ends a run of joined messages
        yield Message(chat=self.chat.key, ordinal=self.ordinal, locator=locator, sender=sender,
                      sent_at=None, sent_text="", zone=None, text=text, kind="service",
                      service=action, msg_id=msg_id)
        self.ordinal += 1

    def _instant(self, title: str) -> tuple[datetime | None, str | None]:
        found = _DATE_RE.match(title)
        if not found:
            return None, None
        day, month, year, hour, minute, second = (int(g) for g in found.groups()[:6])
        try:
            local = datetime(year, month, day, hour, minute, second)
        except ValueError:
            return None, None
        if found.group(7):
            offset = timedelta(hours=int(found.group(8)), minutes=int(found.group(9)))
            if found.group(7) == "-":
                offset = -offset
            try:
                return (local - offset).replace(tzinfo=UTC), None
            except OverflowError:
                return None, None
        instant = local_to_utc(local, self.zone)
        return instant, self.zone if instant is not None else None

    def _media(self, content: Any) -> tuple[list[Attachment], list[str], bool]:
        """(attachments, lines of text for contacts/places/polls, is a phone call)."""
        attachments: list[Attachment] = []
        lines: list[str] = []
        call = False
        for wrap in _children(content, "media_wrap"):
            for block in wrap:
                if not isinstance(block.tag, str):
                    continue
                classes = _classes(block)
                href = block.get("href") if block.tag == "a" else None
                inner = _first(block, "body")
                title = _plain(_first(inner, "title")) if inner is not None else ""
                status = _plain(_first(inner, "status")) if inner is not None else ""
                description = _plain(_first(inner, "description")) if inner is not None else ""
                omitted = description in OMITTED_HTML
                if "media_poll" in classes:
                    lines.append("[poll] " + _plain(_first(block, "question")))
                    for answer in _children(block, "answer"):
                        for span in answer.iter("span"):
                            span.text = ""
                        lines.append("- " + _plain(answer).removeprefix("- ").strip())
                elif "media_contact" in classes:
                    phone = status.removesuffix(" - vCard")
                    lines.append(" ".join(p for p in ("[contact]", title, phone) if p))
                    if href:
                        attachments.append(Attachment(href, "contact_vcard"))
                elif "media_location" in classes or "media_live_location" in classes:
                    lines.append(f"[location] {status}" if status else "[location]")
                elif "media_venue" in classes:
                    lines.append("[venue] " + ", ".join(p for p in (title, description) if p))
                elif "media_call" in classes:
                    call = True
                    lines.append(" ".join(p for p in (title, status) if p))
                else:
                    kind = next((k for c, k in _MEDIA_KINDS.items() if c in classes), None)
                    if "media_video" in classes:
                        kind = _MEDIA_TITLES.get(title, "video_file")
                    elif kind == "photo" and title == "Sticker":
                        kind = "sticker"
                    if kind is None:
                        continue
                    attachments.append(Attachment(None if omitted else href, kind,
                                                  omitted=omitted))
        return attachments, lines, call


def _parse_source(fh: BinaryIO, source: ChatSource) -> Iterator[ChatEvent]:
    return parse(fh, source.name, source.zone)


FORMATS = [ChatFormat(NAME, VERSION, "telegram", match, _parse_source)]
