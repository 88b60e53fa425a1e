"""Instagram and Facebook Messenger "Download your information" message files: the shared
corpus sample read as its expected parse says, Meta's mojibake read back, media linked to the
export's files, and the whole path through ``sabueso add``. Everything but the corpus sample is
invented."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Env
from sabueso.core.errors import InputError
from sabueso.ingest.chats.meta_json import fix_text, match, match_messenger, parse
from sabueso.ingest.chats.model import Account, Chat, ChatEvent, Message, Unparsed
from sabueso.ingest.chats.registry import ChatSource, best_format, format_by_name
from sabueso.ingest.chats.whatsapp import parse_whatsapp

OTHER = Path(__file__).resolve().parents[3].parent / "shared" / "corpora" / "other-chat-exports"


def _mojibake(text: str) -> str:
    """What Meta writes for ``text``: its UTF-8 bytes, each as a character."""
    return text.encode("utf-8").decode("latin-1")


def _read(doc: dict[str, object], name: str = "message_1.json",
          siblings: frozenset[str] = frozenset()) -> list[ChatEvent]:
    data = json.dumps(doc).encode()
    return list(parse(io.BytesIO(data), ChatSource(name, "America/Guatemala", siblings)))


@pytest.mark.skipif(not OTHER.is_dir(), reason="shared corpora not present")
def test_the_corpus_instagram_sample_reads_as_its_expected_parse() -> None:
    path = OTHER / "chat-miner_instagram_test_export.json"
    head = path.read_bytes()[:65536]
    fmt = best_format(path.name, head)
    assert fmt is not None and fmt.name == "instagram-json"
    with path.open("rb") as fh:
        events = list(fmt.parse(fh, ChatSource(path.name, "UTC")))
    names = {e.key: e.display_name for e in events if isinstance(e, Account)}
    got = [(m.sent_at, names[m.sender or ""], m.text) for m in events
           if isinstance(m, Message)]
    want = json.loads((OTHER / "chat-miner_instagram_target.json").read_text("utf-8"))
    assert got == [(datetime.fromisoformat(w["timestamp"]).replace(tzinfo=UTC), w["author"],
                    w["message"]) for w in want]


@pytest.mark.skipif(not OTHER.is_dir(), reason="shared corpora not present")
def test_the_corpus_signal_sample_reads_as_its_expected_parse() -> None:
    # "[2019-12-24, 12:23] Name: text": the bracketed header layout the text reader knows; the
    # expected parse joins a message's lines with a space, the reader keeps the line break
    text = (OTHER / "chat-miner_signal_test_export.txt").read_text("utf-8")
    events = list(parse_whatsapp(io.StringIO(text), zone="UTC"))
    names = {e.key: e.display_name for e in events if isinstance(e, Account)}
    got = sorted((m.sent_at, names[m.sender or ""], " ".join(m.text.split()))
                 for m in events if isinstance(m, Message))
    want = json.loads((OTHER / "chat-miner_signal_target.json").read_text("utf-8"))
    assert got == sorted((datetime.fromisoformat(w["timestamp"]).replace(tzinfo=UTC),
                          w["author"], w["message"]) for w in want)


THREAD = {
    "participants": [{"name": _mojibake("Colibrí Peña")}, {"name": "Cliente Demo"}],
    "title": _mojibake("Colibrí Peña"),
    "thread_path": "inbox/colibripena_1234567890",
    "messages": [
        {"sender_name": _mojibake("Colibrí Peña"), "timestamp_ms": 1763085600000,
         "content": _mojibake("Pedidos al +502 5555-0147, envío a zona 18 🍃"),
         "reactions": [{"reaction": _mojibake("❤"), "actor": "Cliente Demo"}]},
        {"sender_name": "Cliente Demo", "timestamp_ms": 1763085000000,
         "photos": [{"uri": "your_instagram_activity/messages/inbox/colibripena_1234567890/"
                            "photos/123456.jpg", "creation_timestamp": 1763085000},
                    {"uri": _mojibake("your_instagram_activity/messages/inbox/"
                                      "colibripena_1234567890/photos/menú.jpg")}]},
        {"sender_name": _mojibake("Colibrí Peña"), "timestamp_ms": 1763084400000,
         "share": {"link": "https://www.instagram.com/p/Cabc123/",
                   "share_text": "menu"}, "is_unsent": True},
        {"sender_name": "Cliente Demo", "timestamp_ms": 1763084000000, "call_duration": 65},
    ],
}


def test_a_thread_in_file_order_with_its_text_media_and_additions() -> None:
    events = _read(THREAD, siblings=frozenset({"photos/123456.jpg", "photos/menú.jpg",
                                               "message_1.json"}))
    [chat] = [e for e in events if isinstance(e, Chat)]
    assert (chat.platform, chat.title, chat.kind, chat.platform_id) == (
        "instagram", "Colibrí Peña", "personal", "colibripena_1234567890")
    people = [e for e in events if isinstance(e, Account)]
    assert [(a.key, a.display_name) for a in people] == [
        ("ig:name:Colibrí Peña", "Colibrí Peña"), ("ig:name:Cliente Demo", "Cliente Demo")]
    got = [e for e in events if isinstance(e, Message)]
    assert [m.locator for m in got] == [f"$.messages[{i}]" for i in range(4)]
    assert got[0].text == "Pedidos al +502 5555-0147, envío a zona 18 🍃\n[reaction] ❤ Cliente Demo"
    assert got[0].sent_at == datetime(2025, 11, 14, 2, 0, tzinfo=UTC) and got[0].zone is None
    assert [(a.name, a.kind) for a in got[1].attachments] == [("photos/123456.jpg", "photo"),
                                                               ("photos/menú.jpg", "photo")]
    assert got[2].text == "[link] https://www.instagram.com/p/Cabc123/\n[share] menu"
    assert got[2].deleted and not got[1].deleted
    assert got[3].text == "[call] 65 s"


def test_messenger_is_told_apart_by_its_path_or_thread_type() -> None:
    head = json.dumps(THREAD).encode()
    assert (match("message_1.json", head), match_messenger("message_1.json", head)) == (80, 60)
    both = json.dumps({**THREAD, "thread_type": "Regular"}).encode()
    assert match_messenger("message_1.json", both) == 80 > match("message_1.json", both)
    events = _read(THREAD, name="facebook-ana/messages/inbox/x/message_1.json")
    assert {e.platform for e in events if isinstance(e, Chat | Account)} == {"facebook"}
    # "--as facebook" on a file with no sign of Messenger: read as Messenger's
    forced = format_by_name("facebook")
    events = list(forced.parse(io.BytesIO(head), ChatSource("message_1.json", "UTC")))
    assert {e.platform for e in events if isinstance(e, Chat | Account)} == {"facebook"}
    assert match("notes.json", b'{"messages": []}') == 0


def test_a_broken_file_is_an_error_naming_it() -> None:
    data = b'{"messages": [{"sender_name": "a", "timestamp_ms": 1, '
    with pytest.raises(InputError) as caught:
        list(parse(io.BytesIO(data), ChatSource("message_1.json", "UTC")))
    assert caught.value.location == "message_1.json"


@given(st.text(max_size=40))
def test_mojibake_is_read_back_and_plain_text_is_kept(text: str) -> None:
    assert fix_text(_mojibake(text)) == text
    if any(ord(c) > 0xFF for c in text):
        assert fix_text(text) == text


def test_a_dyi_folder_added_to_a_case(env: Env, tmp_path: Path) -> None:
    thread = tmp_path / "instagram-colibri" / "your_instagram_activity" / "messages" / \
        "inbox" / "colibripena_1234567890"
    (thread / "photos").mkdir(parents=True)
    (thread / "message_1.json").write_text(json.dumps(THREAD), encoding="utf-8")
    (thread / "photos" / "123456.jpg").write_bytes(b"\xff\xd8\xff\xe0fake")
    (thread / "photos" / "menú.jpg").write_bytes(b"\xff\xd8\xff\xe0other")
    env.new_case("GT-1")
    env.ok("add", "GT-1", str(tmp_path / "instagram-colibri"))
    [chat] = env.ok("chats", "GT-1", "--json").json()["chats"]
    assert (chat["platform"], chat["messages"], chat["senders"]) == ("instagram", 4, 2)
    rows = env.ok("messages", "GT-1", "--json").jsonl()
    photo = [a for r in rows for a in r["attachments"]]
    assert [(a["name"], a["missing"], a["item"] is not None) for a in photo] == [
        ("photos/123456.jpg", False, True), ("photos/menú.jpg", False, True)]
    ents = {(e["type"], e["value"]) for e in env.ok("entities", "GT-1", "--json").json()
            ["entities"]}
    assert {("phone", "+50255550147"), ("url", "https://www.instagram.com/p/Cabc123/")} <= ents


_VALUE = st.recursive(st.none() | st.booleans() | st.integers()
                      | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12),
                      lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.sampled_from(
                          ["sender_name", "timestamp_ms", "content", "photos", "uri", "share",
                           "link", "share_text", "call_duration", "reactions", "reaction",
                           "actor", "is_unsent", "sticker", "files", "senderName",
                           "timestamp", "text", "media", "type", "isUnsent"]), inner,
                          max_size=4),
                      max_leaves=12)


@given(st.lists(_VALUE, max_size=6), st.binary(max_size=40))
def test_any_message_list_or_bytes_read_or_fail_cleanly(items: list[object],
                                                        junk: bytes) -> None:
    # whatever the messages hold, each is a Message (nothing dropped), or the file is refused
    # with an error that names it; truncated or junk bytes likewise
    events = _read({"participants": [], "messages": items})
    assert [e.locator for e in events if isinstance(e, Message | Unparsed)] == [
        f"$.messages[{i}]" for i in range(len(items))]
    try:
        list(parse(io.BytesIO(b'{"messages": [' + junk), ChatSource("m.json", "UTC")))
    except InputError as exc:
        assert exc.location == "m.json"


def test_the_files_of_one_long_thread_are_one_conversation(env: Env, tmp_path: Path) -> None:
    # Meta splits a long thread into message_1.json, message_2.json...: one chat in the case
    thread = tmp_path / "ig" / "messages" / "inbox" / "colibripena_1234567890"
    thread.mkdir(parents=True)
    newer = {**THREAD, "messages": THREAD["messages"][:2]}  # type: ignore[index]
    older = {**THREAD, "messages": THREAD["messages"][2:]}  # type: ignore[index]
    (thread / "message_1.json").write_text(json.dumps(newer), encoding="utf-8")
    (thread / "message_2.json").write_text(json.dumps(older), encoding="utf-8")
    env.new_case("GT-1")
    env.ok("add", "GT-1", str(tmp_path / "ig"))
    [chat] = env.ok("chats", "GT-1", "--json").json()["chats"]
    assert (chat["messages"], len(chat["items"])) == (4, 2)
    rows = env.ok("messages", "GT-1", "--chat", str(chat["chat"]), "--json").jsonl()
    assert len(rows) == 4


# Messenger's end-to-end encrypted chats (default since 2024): camelCase keys, names as plain
# strings, milliseconds in ``timestamp``, media under ``media``, text in UTF-8
E2EE = {
    "participants": ["Colibrí Peña", "Cliente Demo"],
    "threadName": "Colibrí Peña_40",
    "messages": [
        {"isUnsent": False, "media": [], "reactions": [{"actor": "Cliente Demo",
                                                        "reaction": "👍"}],
         "senderName": "Colibrí Peña", "text": "Pedidos al +502 5555-0147 🍃",
         "timestamp": 1763085600000, "type": "text"},
        {"isUnsent": False, "media": [{"uri": "./media/3f2a.jpeg"}, {"uri": "./media/9c.mp4"}],
         "reactions": [], "senderName": "Cliente Demo", "text": "",
         "timestamp": 1763085660000, "type": "media"},
        {"isUnsent": True, "media": [], "reactions": [], "senderName": "Colibrí Peña",
         "text": "", "timestamp": 1763085720000, "type": "text"},
        {"isUnsent": False, "media": [], "reactions": [], "senderName": "Cliente Demo",
         "text": "https://wa.me/50255550147", "timestamp": 1763085780000, "type": "link"},
        {"isUnsent": False, "media": [], "reactions": [], "senderName": "Colibrí Peña",
         "text": "No puedes ver este mensaje.", "timestamp": 1763085840000,
         "type": "placeholder"},
    ],
}


def test_messenger_end_to_end_encrypted_export() -> None:
    head = json.dumps(E2EE).encode()
    assert match_messenger("Colibrí Peña_40.json", head) == 80 > match("x.json", head)
    fmt = best_format("Colibrí Peña_40.json", head)
    assert fmt is not None and fmt.name == "messenger-json"
    events = _read(E2EE, name="Colibrí Peña_40.json",
                   siblings=frozenset({"media/3f2a.jpeg", "media/9c.mp4"}))
    [chat] = [e for e in events if isinstance(e, Chat)]
    assert (chat.platform, chat.title, chat.kind, chat.key) == (
        "facebook", "Colibrí Peña_40", "personal", "fb:chat:Colibrí Peña_40")
    assert [(a.key, a.display_name) for a in events if isinstance(a, Account)] == [
        ("fb:name:Colibrí Peña", "Colibrí Peña"), ("fb:name:Cliente Demo", "Cliente Demo")]
    got = [e for e in events if isinstance(e, Message)]
    assert [m.locator for m in got] == [f"$.messages[{i}]" for i in range(5)]
    assert got[0].text == "Pedidos al +502 5555-0147 🍃\n[reaction] 👍 Cliente Demo"
    assert got[0].sent_at == datetime(2025, 11, 14, 2, 0, tzinfo=UTC)
    assert [(a.name, a.kind) for a in got[1].attachments] == [("media/3f2a.jpeg", "photo"),
                                                               ("media/9c.mp4", "video")]
    assert got[2].deleted and not got[0].deleted
    assert got[3].text == "https://wa.me/50255550147" and got[3].kind == "message"
    assert (got[4].kind, got[4].service, got[4].text) == (
        "service", "placeholder", "No puedes ver este mensaje.")
    # the same shape under an Instagram download's path is Instagram's
    ig = _read(E2EE, name="instagram-ana/messages/e2ee/x.json")
    assert {e.platform for e in ig if isinstance(e, Chat | Account)} == {"instagram"}


def test_an_end_to_end_encrypted_chat_added_to_a_case(env: Env, tmp_path: Path) -> None:
    folder = tmp_path / "messenger"
    (folder / "media").mkdir(parents=True)
    (folder / "Colibrí Peña_40.json").write_text(json.dumps(E2EE), encoding="utf-8")
    (folder / "media" / "3f2a.jpeg").write_bytes(b"\xff\xd8\xff\xe0fake")
    env.new_case("GT-1")
    env.ok("add", "GT-1", str(folder))
    [chat] = env.ok("chats", "GT-1", "--json").json()["chats"]
    assert (chat["platform"], chat["messages"], chat["senders"]) == ("facebook", 5, 2)
    ents = {(e["type"], e["value"]) for e in env.ok("entities", "GT-1", "--json").json()
            ["entities"]}
    assert ("phone", "+50255550147") in ents
