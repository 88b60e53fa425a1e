"""Every WhatsApp sample in ../shared/corpora/whatsapp-exports parses to what its source
project expects (where it says: chat-miner's target.json, Chatistics' test_whatsapp.py ground
truth, Pustur's header variants), and to what the file plainly holds where no expectation is
given (whatstk's samples). The samples are read in place; none is copied into the repository.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sabueso.ingest.chats.model import Account, Chat, ChatEvent, Message, Unparsed
from sabueso.ingest.chats.whatsapp import parse_whatsapp

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpora" / "whatsapp-exports"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")


def parse(path: Path, locale: str | None = None, **kw: object) -> list[ChatEvent]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(parse_whatsapp(fh, zone="UTC", name=path.name, locale=locale, **kw))  # type: ignore[arg-type]


def messages(events: list[ChatEvent]) -> list[Message]:
    return [e for e in events if isinstance(e, Message)]


def user_messages(events: list[ChatEvent]) -> list[Message]:
    return [e for e in messages(events) if e.kind == "message"]


def names(events: list[ChatEvent]) -> dict[str, str]:
    return {e.key: (e.display_name or e.phone or "") for e in events if isinstance(e, Account)}


def chat(events: list[ChatEvent]) -> Chat:
    assert isinstance(events[0], Chat)
    return events[0]


def naive(dt: datetime | None) -> datetime:
    assert dt is not None and dt.tzinfo is UTC
    return dt.replace(tzinfo=None)


# --------------------------------------------------------------------------- chat-miner

CHAT_MINER = ["test_[mmddyy]_24hrs.txt", "test_ddmmyy_24hrs.txt", "test_mmddyy_24hrs.txt",
              "test_mmddyyyy_12hrs.txt", "test_yyyymmdd_24hrs.txt"]


@pytest.mark.parametrize("name", CHAT_MINER)
def test_chat_miner_target(name: str) -> None:
    """target.json lists the messages newest first and drops system lines and the ':.' line
    (which we keep as an unrecognised system line: it has no 'Name: '); it joins continuation
    lines with a space where we keep the newline."""
    target = json.loads((CORPUS / "chat-miner" / "target.json").read_text("utf-8"))
    events = parse(CORPUS / "chat-miner" / name)
    who = names(events)
    got = [(naive(m.sent_at).isoformat(), who[m.sender or ""], m.text.replace("\n", " "))
           for m in user_messages(events)]
    want = [(t["timestamp"], t["author"], t["message"]) for t in reversed(target)]
    assert got == want
    services = [(m.service, m.text) for m in messages(events) if m.kind == "service"]
    assert services == [("system", "John Doe:."),
                        ("create_group", '+12 345 578 created group "Groupname"'),
                        ("invite_members", "You were added")]
    assert chat(events).kind == "group"
    assert chat(events).date_order_basis == "values"
    assert chat(events).date_order == {"test_ddmmyy_24hrs.txt": "dmy",
                                       "test_yyyymmdd_24hrs.txt": "ymd"}.get(name, "mdy")
    created = next(m for m in messages(events) if m.service == "create_group")
    assert created.sender == "wa:+12345578"


# --------------------------------------------------------------------------- Chatistics
# Ground truth from MasterScrat/Chatistics tests/test_whatsapp.py (MIT), which drops system
# lines; its chat 3 is read month-first ("us_datetime"), which we reach with the hint en-US.

CHAT1_SENDERS = (["Alice Placeholder"] * 2 + ["John Doe"] * 2 + ["Alice Placeholder"]
                 + ["John Doe"] * 3 + ["Alice Placeholder", "John Doe"]
                 + ["Alice Placeholder"] * 5 + ["John Doe"] * 4 + ["Alice Placeholder"])


def test_chatistics_chat1() -> None:
    events = parse(CORPUS / "chatistics" / "_chat.txt")
    who = names(events)
    got = user_messages(events)
    assert [who[m.sender or ""] for m in got] == CHAT1_SENDERS
    assert got[0].text == "This is a test message"
    # a header of another shape (4-digit year) inside the file is text, not a message
    assert got[16].text.endswith("\n[1.2.2019, 00:00:00] John Doe: this line is not a"
                                 " message on its own")
    assert got[18].text == ("What is that?\n2/11/19, 14:48 Alice Placeholder: this is a"
                            " message from another chat!")
    assert got[-1].text == "This is the last message of this test file."
    info = [m for m in messages(events) if m.kind == "service"]
    assert [(m.text, m.sender) for m in info] == [("This is an info entry", None)]
    assert naive(got[12].sent_at) == datetime(2018, 10, 12, 10, 14, 42)


def test_chatistics_chat2_dotted_dates() -> None:
    got = user_messages(parse(CORPUS / "chatistics" / "_chat 2.txt"))
    assert [naive(m.sent_at) for m in got] == [
        datetime(2019, 9, 17, 16, 37, 47), datetime(2019, 9, 17, 16, 38, 6),
        datetime(2019, 9, 17, 16, 38, 59), datetime(2019, 9, 17, 16, 39, 52)]
    assert got[0].locator == "lines 1-2"


CHAT3 = [datetime(2019, 2, 11, 14, 18), datetime(2019, 2, 11, 14, 21),
         datetime(2019, 2, 11, 14, 21), datetime(2019, 2, 11, 14, 21),
         datetime(2019, 2, 11, 14, 22), datetime(2019, 10, 11, 14, 25),
         datetime(2019, 2, 11, 14, 33), datetime(2019, 2, 11, 14, 48),
         datetime(2019, 2, 11, 14, 51)]


def test_chatistics_chat3_ambiguous_dates_follow_the_hint() -> None:
    events = parse(CORPUS / "chatistics" / "_chat 3.txt", locale="en-US")
    assert (chat(events).date_order, chat(events).date_order_basis) == ("mdy", "locale")
    got = user_messages(events)
    assert [naive(m.sent_at) for m in got] == CHAT3
    assert got[2].sender == "wa:name:Even longer username with emoticons! 🙈 🙈"
    assert got[7].text.startswith("\n\n\n\n\n👍") and got[7].locator == "lines 10-15"
    notices = [m for m in messages(events) if m.service == "encryption_notice"]
    assert len(notices) == 2 and all(m.sender is None for m in notices)
    # without a hint nothing decides: day-first, and said so
    plain = parse(CORPUS / "chatistics" / "_chat 3.txt")
    assert (chat(plain).date_order, chat(plain).date_order_basis) == ("dmy", "default")
    assert naive(user_messages(plain)[0].sent_at) == datetime(2019, 11, 2, 14, 18)


def test_chatistics_chat4_us_12h_en_dash() -> None:
    got = user_messages(parse(CORPUS / "chatistics" / "_chat 4.txt"))
    assert [(naive(m.sent_at), m.text, m.sender) for m in got] == [
        (datetime(2019, 9, 17, 8, 30, 52), "US datetime format", "wa:name:John Doe"),
        (datetime(2019, 9, 17, 16, 30, 10), "US datetime format", "wa:name:John Doe"),
        (datetime(2019, 9, 18, 16, 50, 32), "US datetime format", "wa:name:John Doe")]


# --------------------------------------------------------------------------- whatstk

def test_whatstk_pokemon() -> None:
    events = parse(CORPUS / "whatstk" / "pokemon.txt")
    assert chat(events).title == "Pokemon Chat"  # the name in front of the notice
    assert chat(events).kind == "group"
    got = user_messages(events)
    assert len(got) == 18
    assert {names(events)[m.sender or ""] for m in got} == {
        "Ash Ketchum", "Brock", "Misty", "Prof. Oak", "Jessie & James", "Raichu", "Meowth",
        "Wobbuffet"}
    assert [m.service for m in messages(events)[:2]] == ["encryption_notice"] * 2
    assert naive(got[-1].sent_at) == datetime(2016, 10, 31, 12, 23)


def test_whatstk_lorem_phone_author() -> None:
    path = CORPUS / "whatstk" / "lorem.txt"
    events = parse(path)
    headers = sum(1 for line in path.read_text("utf-8").splitlines() if line.startswith("["))
    got = user_messages(events)
    assert len(got) == headers == len(messages(events))
    assert set(names(events).values()) == {"Mary", "John", "Giuseppe", "+1 123 456 789"}
    assert "wa:+1123456789" in names(events)
    assert not any(isinstance(e, Unparsed) for e in events)


# --------------------------------------------------------------------------- Pustur

VARIANTS = json.loads((CORPUS / "pustur_header_variants.json").read_text("utf-8")) \
    if CORPUS.is_dir() else {"header_variants": [], "attachment_lines": []}


@pytest.mark.parametrize("variant", VARIANTS["header_variants"], ids=lambda v: v["id"])
def test_pustur_header_variant(variant: dict[str, str]) -> None:
    events = list(parse_whatsapp(io.StringIO(variant["line"]), zone="UTC"))
    got = messages(events)
    assert len(got) == 1
    assert got[0].text == variant["message"]
    assert names(events)[got[0].sender or ""] == variant["author"]
    want = datetime.fromisoformat(variant["expected_utc_iso"].replace("Z", "+00:00"))
    assert got[0].sent_at == want


def test_pustur_attachment_lines() -> None:
    members = ["00000042-PHOTO-2020-06-07-15-13-20.jpg", "media/IMG-20210428-WA0001.jpg"]
    found = []
    for line in VARIANTS["attachment_lines"]:
        (msg,) = messages(list(parse_whatsapp(io.StringIO(line), zone="UTC", members=members)))
        (att,) = msg.attachments
        found.append((att.name, att.kind))
    assert found == [("00000042-PHOTO-2020-06-07-15-13-20.jpg", "photo"),
                     ("media/IMG-20210428-WA0001.jpg", "image"),
                     ("2015-08-04-PHOTO-00004762.jpg", "photo"),
                     ("4f2680f1db95a8454775cc2eefc95bfc.jpg", None)]
