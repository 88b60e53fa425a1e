"""Telegram Desktop result.json: the public samples, the shapes, the fields, the errors."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sabueso.core.errors import InputError
from sabueso.ingest.chats.model import Account, Attachment, Chat, ChatEvent, Message, Unparsed
from sabueso.ingest.chats.telegram_json import match, parse, parse_path

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpora" / "telegram-exports"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpora not present")


def events(doc: Any, zone: str | None = "America/Guatemala") -> list[ChatEvent]:
    data = doc if isinstance(doc, bytes) else json.dumps(doc, ensure_ascii=False).encode()
    return list(parse(io.BytesIO(data), "result.json", zone))


def messages(evs: list[ChatEvent]) -> list[Message]:
    return [e for e in evs if isinstance(e, Message)]


def accounts(evs: list[ChatEvent]) -> dict[str, Account]:
    return {e.key: e for e in evs if isinstance(e, Account)}


# -- the public samples ------------------------------------------------------------------------


@needs_corpus
@pytest.mark.parametrize("name", ["test_single_export.json", "test_batch_export.json"])
def test_chat_miner_samples_parse_as_their_expected_output(name: str) -> None:
    target = json.loads((CORPUS / "chat-miner" / "target.json").read_text("utf-8"))
    evs = list(parse_path(str(CORPUS / "chat-miner" / name)))
    msgs = messages(evs)
    names = accounts(evs)
    assert len(msgs) == len(target)
    for msg, want in zip(msgs, target, strict=True):
        assert msg.sent_at == datetime.fromisoformat(want["timestamp"]).replace(tzinfo=UTC)
        assert msg.sender is not None
        assert names[msg.sender].display_name == want["author"]
        # chat-miner joins entity parts with a space; the displayed text has none.
        assert msg.text == want["message"].replace("Link: ", "Link:")
    assert sum(isinstance(e, Chat) for e in evs) == 1


@needs_corpus
@pytest.mark.parametrize("name,count,senders", [
    ("bot.json", 2, {"Bot User", "Real User"}),
    ("personal.json", 0, set()),
    ("private_channel.json", 7, {"test"}),
    ("private_group.json", 2, {"Ben"}),
    ("public_channel.json", 7, {"test"}),
    ("public_supergroup.json", 4, {"Ben"}),
    ("saved.json", 21, {"Ben", "test"}),
    ("users_test.json", 9, {"User1", "User2", "User3", "User4"}),
    ("error-unexpected.json", 16, {"Ben"}),
])
def test_telegram_chat_parser_samples(name: str, count: int, senders: set[str]) -> None:
    """The counts are the messages[] lengths in each file (the repository's tests check ids,
    not a parse); every message is kept, malformed ones included."""
    evs = list(parse_path(str(CORPUS / "telegram-chat-parser" / name), "Europe/London"))
    raw = json.loads((CORPUS / "telegram-chat-parser" / name).read_text("utf-8"))
    msgs = messages(evs)
    assert len(msgs) == count == len(raw["messages"])
    names = accounts(evs)
    assert {names[m.sender].display_name for m in msgs if m.sender} == senders
    assert [m.msg_id for m in msgs] == [str(r["id"]) if "id" in r else None
                                        for r in raw["messages"]]
    chat = next(e for e in evs if isinstance(e, Chat))
    assert chat.platform_id == str(raw["id"]) and chat.kind == raw["type"]
    for m, r in zip(msgs, raw["messages"], strict=True):
        local = datetime.fromisoformat(r["date"])
        assert m.sent_text == r["date"] and m.zone == "Europe/London"
        assert m.sent_at is not None and m.sent_at.tzinfo is UTC
        assert abs((m.sent_at.replace(tzinfo=None) - local).total_seconds()) <= 3600


@needs_corpus
def test_saved_sample_details() -> None:
    evs = list(parse_path(str(CORPUS / "telegram-chat-parser" / "saved.json"), "UTC"))
    by_id = {m.msg_id: m for m in messages(evs)}
    assert by_id["173429"].attachments == [
        Attachment("photos/photo_1@01-08-2020_22-01-49.jpg", "photo")]
    assert by_id["173430"].text == ("bold italic strikethrough underline @person "
                                    "http://google.com monospace http://mystery.knightlab.com/"
                                    "\n[link] http://google.com/")
    assert by_id["318170"].attachments == [Attachment(None, "video_file", omitted=True)]
    assert by_id["318170"].forwarded_from == "Other Person"
    assert by_id["7"].reply_to == "6"
    assert by_id["5"].text == "[poll] Poll question\n- option 1\n- option 2"
    assert by_id["4"].kind == "service" and by_id["4"].service == "pin_message"
    assert by_id["4"].sender == "tg:10036995664"


@needs_corpus
def test_sample_with_broken_json_is_a_clear_error() -> None:
    path = CORPUS / "telegram-chat-parser" / "error.json"
    with pytest.raises(InputError) as err:
        list(parse_path(str(path)))
    assert err.value.key == "error.chat_json_invalid"
    assert err.value.location == str(path)


@needs_corpus
def test_sample_with_unexpected_values_keeps_going() -> None:
    evs = list(parse_path(str(CORPUS / "telegram-chat-parser" / "error-unexpected.json"), "UTC"))
    bad = [e for e in evs if isinstance(e, Unparsed)]
    assert [(u.locator, u.reason) for u in bad] == [("$.messages[2].text",
                                                     "chat.unparsed.bad_text")]
    assert "text is object" in bad[0].text


# -- shapes ------------------------------------------------------------------------------------


def _msg(i: int, **extra: Any) -> dict[str, Any]:
    base = {"id": i, "type": "message", "date": "2024-11-12T14:01:33",
            "date_unixtime": str(1731441693 + i), "from": "Ana", "from_id": "user5021001",
            "text": f"m{i}", "text_entities": [{"type": "plain", "text": f"m{i}"}]}
    base.update(extra)
    return base


def test_whole_account_export_with_contacts_chats_and_left_chats() -> None:
    doc = {
        "about": "x",
        "personal_information": {"user_id": 5021001, "first_name": "Ana", "last_name": "López",
                                 "phone_number": "+502 5555 0101", "bio": ""},
        "contacts": {"about": "c", "list": [
            {"user_id": 77, "first_name": "Beto", "last_name": "", "phone_number": "+50244440000",
             "date": "2023-01-01T00:00:00"},
            {"user_id": 0, "first_name": "", "last_name": "", "phone_number": "55551234"},
            {"user_id": 0, "first_name": "Otro", "phone_number": "55559999"}]},
        "frequent_contacts": {"list": [{"id": 1, "name": "x", "rating": 0.5}]},
        "chats": {"about": "c", "list": [
            {"name": "Uno", "type": "private_group", "id": 11, "messages": [_msg(1), _msg(2)]},
            {"name": "Dos", "type": "personal_chat", "id": 12, "messages": [_msg(3)]},
            {"name": "Vacío", "type": "personal_chat", "id": 13, "messages": []},
        ]},
        "left_chats": {"about": "l", "list": [
            {"name": "Se fue", "type": "private_supergroup", "id": 14, "messages": [_msg(4)]}]},
    }
    evs = events(doc)
    chats = [e for e in evs if isinstance(e, Chat)]
    assert [(c.key, c.title) for c in chats] == [
        ("tg:chat:11", "Uno"), ("tg:chat:12", "Dos"), ("tg:chat:13", "Vacío"),
        ("tg:chat:14", "Se fue")]
    msgs = messages(evs)
    assert [(m.chat, m.locator, m.ordinal) for m in msgs] == [
        ("tg:chat:11", "$.chats.list[0].messages[0]", 0),
        ("tg:chat:11", "$.chats.list[0].messages[1]", 1),
        ("tg:chat:12", "$.chats.list[1].messages[0]", 2),
        ("tg:chat:14", "$.left_chats.list[0].messages[0]", 3)]
    accs = accounts(evs)
    assert accs["tg:user5021001"].phone == "+502 5555 0101"
    assert accs["tg:user5021001"].display_name == "Ana López"
    assert accs["tg:user77"].phone == "+50244440000"
    assert accs["tg:phone:55551234"].platform_id is None
    assert accs["tg:phone:55559999"].display_name == "Otro"
    assert all(m.sender == "tg:user5021001" for m in msgs)
    # Each account once, before the first message naming it.
    assert Counter(e.key for e in evs if isinstance(e, Account))["tg:user5021001"] == 1
    # every event of a chat comes after its Chat event
    seen: set[str] = set()
    for e in evs:
        if isinstance(e, Chat):
            seen.add(e.key)
        elif isinstance(e, Message):
            assert e.chat in seen


def test_chat_fields_after_messages_and_chat_without_id() -> None:
    doc = {"chats": {"list": [{"messages": [_msg(1)], "name": "late"}, {"messages": [_msg(2)]}]}}
    evs = events(doc)
    chats = [e for e in evs if isinstance(e, Chat)]
    assert [c.key for c in chats] == ["tg:chat:$.chats.list[0]", "tg:chat:$.chats.list[1]"]


def test_single_export_on_a_stream_that_cannot_seek() -> None:
    class NoSeek(io.BytesIO):
        def seekable(self) -> bool:
            return False

    data = json.dumps({"name": "x", "id": 5, "messages": [_msg(1), _msg(2)]}).encode()
    evs = list(parse(NoSeek(data), "r.json"))
    assert [m.text for m in messages(evs)] == ["m1", "m2"]
    assert [m.locator for m in messages(evs)] == ["$.messages[0]", "$.messages[1]"]


def test_messages_after_other_root_keys_are_still_one_chat() -> None:
    doc = {"name": "x", "extra": {"a": [1, 2]}, "id": 9, "messages": [_msg(1)]}
    evs = events(doc)
    assert [e.key for e in evs if isinstance(e, Chat)] == ["tg:chat:9"]
    assert messages(evs)[0].chat == "tg:chat:9"


# -- fields ------------------------------------------------------------------------------------


def test_text_as_entity_list_is_the_displayed_text() -> None:
    parts = ["Precio ", {"type": "bold", "text": "Q150"}, " llamá al ",
             {"type": "phone", "text": "+502 5555-1234"}, " o ",
             {"type": "text_link", "text": "aquí", "href": "https://x.example/p"}, ""]
    evs = events({"messages": [_msg(1, text=parts, text_entities=[])]})
    # The target of a link whose text hides it follows on a line of its own.
    assert messages(evs)[0].text == ("Precio Q150 llamá al +502 5555-1234 o aquí\n"
                                     "[link] https://x.example/p")


def test_text_entities_used_when_text_is_unusable() -> None:
    evs = events({"messages": [_msg(1, text=5, text_entities=[
        {"type": "plain", "text": "a "}, {"type": "email", "text": "x@y.gt"}])]})
    assert messages(evs)[0].text == "a x@y.gt"
    assert not [e for e in evs if isinstance(e, Unparsed)]


def test_users_and_channels_as_senders() -> None:
    evs = events({"messages": [
        _msg(1, **{"from": "Canal", "from_id": "channel456"}),
        _msg(2, **{"from": None, "from_id": "user9"}),
        _msg(3, **{"from": "Solo nombre", "from_id": None}),
        {"id": 4, "type": "message", "date_unixtime": "1", "text": "nadie"},
    ]})
    accs = accounts(evs)
    assert accs["tg:channel456"].platform_id == "channel456"
    assert accs["tg:user9"].display_name is None
    assert accs["tg:name:Solo nombre"].platform_id is None
    assert [m.sender for m in messages(evs)] == [
        "tg:channel456", "tg:user9", "tg:name:Solo nombre", None]


def test_service_messages_take_the_actor() -> None:
    evs = events({"messages": [
        {"id": 1, "type": "service", "date_unixtime": "1700000000", "actor": "Ana",
         "actor_id": "user1", "action": "invite_members", "members": ["Beto", "Carla"],
         "text": ""},
        {"id": 2, "type": "service", "date_unixtime": "1700000001", "actor": "Ana",
         "actor_id": "user1", "action": "phone_call", "duration_seconds": 65,
         "discard_reason": "hangup", "text": ""},
        {"id": 3, "type": "service", "date_unixtime": "1700000002", "text": ""},
    ]})
    one, two, three = messages(evs)
    assert (one.kind, one.service, one.sender) == ("service", "invite_members", "tg:user1")
    assert one.text == "[members] Beto, Carla"
    assert two.service == "phone_call" and "[duration_seconds] 65" in two.text
    assert three.service == "unknown" and three.sender is None


def test_dates_prefer_unixtime_and_read_local_dates_in_the_zone_given() -> None:
    evs = events({"messages": [
        _msg(1, date="2024-11-12T14:01:33", date_unixtime="1731441693",
             edited="2024-11-12T14:05:00", edited_unixtime="1731441900"),
        {"id": 2, "type": "message", "date": "2024-11-12T14:01:33", "text": "x"},
        {"id": 3, "type": "message", "date": "not a date", "text": "y"},
        {"id": 4, "type": "message", "date_unixtime": "99999999999999999", "text": "z"},
    ]}, zone="America/Guatemala")
    a, b, c, d = messages(evs)
    assert a.sent_at == datetime(2024, 11, 12, 20, 1, 33, tzinfo=UTC)
    assert (a.sent_text, a.zone) == ("1731441693", None)
    assert a.edited_at == datetime(2024, 11, 12, 20, 5, tzinfo=UTC) and a.edited
    assert not b.edited
    assert b.sent_at == datetime(2024, 11, 12, 20, 1, 33, tzinfo=UTC)
    assert (b.sent_text, b.zone) == ("2024-11-12T14:01:33", "America/Guatemala")
    assert (c.sent_at, c.sent_text) == (None, "not a date")
    assert d.sent_at is None
    no_zone = messages(events({"messages": [{"id": 1, "date": "2024-11-12T14:01:33"}]},
                              zone=None))[0]
    assert (no_zone.sent_at, no_zone.zone, no_zone.sent_text) == (
        None, None, "2024-11-12T14:01:33")


def test_media_contacts_locations_and_replies() -> None:
    omitted = "(File not included. Change data exporting settings to download.)"
    evs = events({"messages": [
        _msg(1, photo=omitted, text=""),
        _msg(2, file="files/lista.pdf", mime_type="application/pdf"),
        _msg(3, file=omitted, media_type="voice_message"),
        _msg(4, text="", contact_information={"first_name": "Don", "last_name": "Óscar",
                                              "phone_number": "+50255551234"},
             contact_vcard="contacts/contact_1.vcard"),
        _msg(5, text="aquí", location_information={"latitude": 14.6, "longitude": -90.5}),
        _msg(6, place_name="Parque Central", address="Zona 1", text="",
             location_information={"latitude": 14.6, "longitude": -90.5}),
        _msg(7, reply_to_message_id=3, forwarded_from="Otro Canal"),
    ]})
    m = messages(evs)
    assert m[0].attachments == [Attachment(None, "photo", omitted=True)]
    assert m[1].attachments == [Attachment("files/lista.pdf", "file")]
    assert m[2].attachments == [Attachment(None, "voice_message", omitted=True)]
    assert m[3].text == "[contact] Don Óscar +50255551234"
    assert m[3].attachments == [Attachment("contacts/contact_1.vcard", "contact_vcard")]
    assert m[4].text == "aquí\n[location] 14.6, -90.5"
    assert m[5].text == "[venue] Parque Central, Zona 1\n[location] 14.6, -90.5"
    assert (m[6].reply_to, m[6].forwarded_from) == ("3", "Otro Canal")


def test_entries_that_are_not_messages_are_reported_not_dropped() -> None:
    evs = events({"chats": {"list": [{"id": 1, "messages": ["texto suelto", 5, _msg(1)]}]}})
    bad = [e for e in evs if isinstance(e, Unparsed)]
    assert [(u.locator, u.text) for u in bad] == [
        ("$.chats.list[0].messages[0]", "texto suelto"), ("$.chats.list[0].messages[1]", "5")]
    assert messages(evs)[0].locator == "$.chats.list[0].messages[2]"
    evs = events({"messages": ["texto suelto", _msg(1)]})
    assert [e.locator for e in evs if isinstance(e, Unparsed)] == ["$.messages[0]"]


@pytest.mark.parametrize("data", [b"[]", b'"x"', b"{}", b'{"a": 1}', b"", b"   "])
def test_not_an_export(data: bytes) -> None:
    with pytest.raises(InputError) as err:
        events(data)
    assert err.value.key in ("error.chat_json_shape", "error.chat_json_invalid")
    assert err.value.location == "result.json"


def test_truncated_file_names_the_path_reached() -> None:
    data = json.dumps({"name": "x", "messages": [_msg(i) for i in range(5)]}).encode()
    with pytest.raises(InputError) as err:
        events(data[: len(data) - 40])
    assert err.value.params["path"] == "$.messages[4]"


# -- detection ---------------------------------------------------------------------------------


def test_match_scores() -> None:
    real = json.dumps({"name": "x", "type": "personal_chat", "id": 1,
                       "messages": [_msg(1)]}, indent=1).encode()
    assert match("result.json", real) >= 90
    assert match("chat/export.json", real) >= 70
    assert match("result.json", b'{"a": 1}') < 50
    assert match("data.json", b'{"messages": []}') < 50
    assert match("result.json", b"<html>") == 0
    assert match("notes.txt", b"hello") == 0
    account = json.dumps({"about": "x", "personal_information": {}, "chats": {"list": []},
                          "left_chats": {"list": []}}).encode()
    assert match("result.json", account) >= 80


def test_a_reply_to_a_message_of_another_chat_keeps_that_chat() -> None:
    # Telegram's "reply in another chat": message 45 of channel 777, not message 45 of this
    # chat (which was read as the one replied to)
    doc = {"name": "Grupo", "type": "private_supergroup", "id": 5, "messages": [
        _msg(1, reply_to_message_id=45, reply_to_peer_id="channel777"),
        _msg(2, reply_to_message_id=1),
        _msg(3, reply_to_message_id=7, reply_to_peer_id=None)]}
    got = {m.msg_id: m.reply_to for m in messages(events(doc))}
    assert got == {"1": "channel777:45", "2": "1", "3": "7"}
