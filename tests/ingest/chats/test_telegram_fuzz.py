"""Fuzz: arbitrary and mangled JSON / HTML never crash or hang the Telegram parsers. The only
exception allowed is an InputError naming the file; whatever is yielded keeps the contract."""

from __future__ import annotations

import io
import json
import time
from datetime import UTC
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sabueso.core.errors import InputError
from sabueso.ingest.chats.model import Account, Chat, ChatEvent, Message, Unparsed
from sabueso.ingest.chats.telegram_html import parse as parse_html
from sabueso.ingest.chats.telegram_json import parse as parse_json

FUZZ = settings(max_examples=200, deadline=2000,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def check(events: list[ChatEvent]) -> None:
    ordinals = []
    chats: set[str] = set()
    for e in events:
        assert isinstance(e, Chat | Account | Message | Unparsed)
        if isinstance(e, Chat):
            assert e.key not in chats
            chats.add(e.key)
        if isinstance(e, Message):
            assert e.chat in chats and e.locator
            assert e.sent_at is None or e.sent_at.tzinfo is UTC
            assert isinstance(e.text, str) and isinstance(e.sent_text, str)
            ordinals.append(e.ordinal)
    assert ordinals == list(range(len(ordinals)))


def run_json(data: bytes) -> None:
    try:
        check(list(parse_json(io.BytesIO(data), "fuzz.json", "America/Guatemala")))
    except InputError as err:
        assert err.location == "fuzz.json"
        assert err.key in ("error.chat_json_invalid", "error.chat_json_shape")


def run_html(data: bytes) -> None:
    try:
        check(list(parse_html(io.BytesIO(data), "messages.html", "America/Guatemala")))
    except InputError as err:
        assert err.location == "messages.html"
        assert err.key == "error.chat_html_invalid"


KEYS = st.sampled_from(["id", "type", "date", "date_unixtime", "from", "from_id", "text",
                        "text_entities", "actor", "actor_id", "action", "photo", "file",
                        "media_type", "forwarded_from", "reply_to_message_id", "edited",
                        "edited_unixtime", "poll", "contact_information", "members",
                        "location_information", "name", "messages", "list", "chats", "x"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20),
                    st.sampled_from(["message", "service", "user1", "channel2", "1700000000",
                                     "2024-11-12T14:01:33", "99999999999999999999",
                                     "(File not included. Change data exporting settings "
                                     "to download.)"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=6)), max_leaves=25)
MESSAGE = st.dictionaries(KEYS, VALUES, max_size=10)


@FUZZ
@given(st.binary(max_size=3000))
def test_json_arbitrary_bytes(data: bytes) -> None:
    run_json(data)


@FUZZ
@given(messages=st.lists(st.one_of(MESSAGE, VALUES), max_size=8), account=st.booleans(),
       extra=st.dictionaries(KEYS, VALUES, max_size=3))
def test_json_telegram_shaped_values(messages: list[Any], account: bool,
                                     extra: dict[str, Any]) -> None:
    chat = {**extra, "messages": messages}
    doc = {"chats": {"list": [chat, extra]}, "left_chats": extra} if account else chat
    run_json(json.dumps(doc).encode())


VALID_JSON = json.dumps({
    "name": "Grupo", "type": "private_group", "id": 5, "messages": [
        {"id": 1, "type": "message", "date": "2024-11-12T14:01:33", "date_unixtime": "1731441693",
         "from": "Ana", "from_id": "user1", "text": ["hola ", {"type": "bold", "text": "Q50"}],
         "text_entities": [{"type": "plain", "text": "hola "}, {"type": "bold", "text": "Q50"}]},
        {"id": 2, "type": "service", "date_unixtime": "1731441700", "actor": "Ana",
         "actor_id": "user1", "action": "pin_message", "message_id": 1, "text": ""},
        {"id": 3, "type": "message", "date_unixtime": "1731441800", "from": "Beto",
         "from_id": "user2", "photo": "photos/p.jpg", "reply_to_message_id": 1,
         "contact_information": {"first_name": "X", "phone_number": "+50255551234"},
         "text": "ok"}]}, ensure_ascii=False, indent=1).encode()


@FUZZ
@given(cut=st.integers(0, len(VALID_JSON)),
       flips=st.lists(st.tuples(st.integers(0, len(VALID_JSON) - 1), st.integers(0, 255)),
                      max_size=6))
def test_json_truncated_and_mutated(cut: int, flips: list[tuple[int, int]]) -> None:
    data = bytearray(VALID_JSON)
    for pos, byte in flips:
        data[pos] = byte
    run_json(bytes(data[:cut]))
    run_json(bytes(data))


@FUZZ
@given(st.binary(max_size=3000))
def test_html_arbitrary_bytes(data: bytes) -> None:
    run_html(data)


FRAGMENTS = st.sampled_from([
    '<div class="message default clearfix" id="message1">',
    '<div class="message default clearfix joined" id="message2">',
    '<div class="message service" id="message-1">', '<div class="message service">',
    '<div class="body">', '<div class="body details">', '<div class="from_name">',
    '<div class="pull_right date details" title="12.11.2024 14:01:33 UTC-06:00">',
    '<div class="pull_right date details" title="31.02.2024 25:61:61 UTC+99:99">',
    '<div class="pull_right date details" title="12.11.2024 14:01:33">',
    '<div class="forwarded body">', '<div class="reply_to details">',
    '<a href="#go_to_message5" onclick="return GoToMessage(5)">', "</a>",
    '<div class="text">', '<div class="media_wrap clearfix">',
    '<div class="media clearfix pull_left media_contact">', '<div class="media_poll">',
    '<div class="answer">', '<div class="title bold">', '<div class="status details">',
    '<div class="description">', '<a class="photo_wrap clearfix pull_left" href="p.jpg">',
    '<div class="page_header">', '<div class="text bold">', "<br>", "</div>", "</div>",
    "<span>", "</span>", "<script>x()</script>", "&amp;", "&laquo;", "&#x0;", "&#xD800;",
    "Ana invited Beto", "Ana pinned ", "hola", "\n", " ", "<!-- c -->", "<![CDATA[x]]>",
    "<?php x ?>", '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', "&e;", "\x00",
])


@FUZZ
@given(st.lists(FRAGMENTS, max_size=60))
def test_html_telegram_shaped_fragments(parts: list[str]) -> None:
    run_html("".join(parts).encode("utf-8", "surrogatepass"))


VALID_HTML = (
    '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8"/>\n<title>Exported Data</title>\n'
    '</head>\n<body>\n<div class="page_wrap">\n<div class="page_header">\n<div class="content">'
    '\n<div class="text bold">\nChat\n</div>\n</div>\n</div>\n<div class="history">\n'
    '<div class="message default clearfix" id="message1">\n<div class="body">\n'
    '<div class="pull_right date details" title="12.11.2024 14:01:33 UTC-06:00">\n14:01\n'
    '</div>\n<div class="from_name">\nAna\n</div>\n<div class="text">\nhola<br>adiós\n</div>\n'
    '</div>\n</div>\n<div class="message service" id="message2">\n<div class="body details">\n'
    'Ana invited Beto\n</div>\n</div>\n</div>\n</div>\n</body>\n</html>\n').encode()


@FUZZ
@given(cut=st.integers(0, len(VALID_HTML)),
       flips=st.lists(st.tuples(st.integers(0, len(VALID_HTML) - 1), st.integers(0, 255)),
                      max_size=6))
def test_html_truncated_and_mutated(cut: int, flips: list[tuple[int, int]]) -> None:
    data = bytearray(VALID_HTML)
    for pos, byte in flips:
        data[pos] = byte
    run_html(bytes(data[:cut]))
    run_html(bytes(data))


@pytest.mark.parametrize("data", [
    b'{"messages": ' + b"[" * 200_000 + b"]" * 200_000 + b"}",
    b'{"messages": [' + b'{"a":' * 100_000 + b"1" + b"}" * 100_000 + b"]}",
    b'{"chats": {"list": [{"messages": [{"text": ' + b"[" * 100_000 + b"]" * 100_000
    + b"}]}]}}",
    b'{"other": ' + b"[" * 300_000 + b"]" * 300_000 + b', "messages": []}',
    b'{"messages": ["' + b"x" * 5_000_000 + b'"]}',
    b'{"messages": [' + b'{"id": 1},' * 50_000 + b'{"id": 2}]}',
])
def test_json_pathological_inputs_finish_quickly(data: bytes) -> None:
    start = time.monotonic()
    run_json(data)
    assert time.monotonic() - start < 20


@pytest.mark.parametrize("data", [
    b"<div>" * 300_000 + b'<div class="message default" id="message1">x</div>',
    b'<div class="message default clearfix" id="message1">' * 50_000,
    b'<div class="text">' + b"<br>" * 500_000 + b"</div>",
    b"<html>" + b"\x00" * 100_000 + b"</html>",
])
def test_html_pathological_inputs_finish_quickly(data: bytes) -> None:
    start = time.monotonic()
    run_html(data)
    assert time.monotonic() - start < 20
