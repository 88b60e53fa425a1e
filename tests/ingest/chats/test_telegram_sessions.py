"""A Telegram Desktop whole-account export's login sessions (``sessions``, ``web_sessions``):
each one a record whose IP addresses and domains are entities, located by its JSON path.
The shape is tdesktop's ``export_output_json.cpp``; the values are invented."""

from __future__ import annotations

import io
import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from conftest import Env
from sabueso.ingest.chats.model import Message, Note
from sabueso.ingest.chats.telegram_fields import session_note
from sabueso.ingest.chats.telegram_json import parse

ACCOUNT = {
    "about": "Here is the data you requested.",
    "personal_information": {"user_id": 5551234, "first_name": "Colibrí",
                             "last_name": "Express", "phone_number": "+502 5555 0147"},
    "chats": {"about": "", "list": [{"name": "Cliente", "type": "personal_chat",
                                     "id": 77, "messages": [
        {"id": 1, "type": "message", "date": "2026-11-06T12:50:00",
         "date_unixtime": "1793991000", "from": "Cliente", "from_id": "user77",
         "text": "hola", "reactions": [
             {"type": "emoji", "count": 2, "emoji": "👍", "recent": [
                 {"from": "Ana", "from_id": "user5", "date": "2026-11-06T12:51:00"},
                 {"from": "Beto", "from_id": "user6", "date": "2026-11-06T12:52:00"}]},
             {"type": "paid", "count": 1}]}]}]},
    "frequent_contacts": {"about": "", "list": [
        {"id": 77, "category": "people", "type": "user", "name": "Cliente", "rating": 0.87},
        {"id": 99, "category": "inline_bots", "type": "user", "name": None, "rating": 0.1}]},
    "sessions": {"about": "", "list": [
        {"last_active": "2026-11-06T12:59:00", "last_active_unixtime": "1793991540",
         "last_ip": "203.0.113.45", "last_country": "Guatemala", "last_region": "Guatemala",
         "application_name": "Telegram Desktop", "application_version": "5.8.3",
         "device_model": "Desktop", "platform": "Windows", "system_version": "Windows 10",
         "created": "2026-10-01T00:00:00", "created_unixtime": "1790834400"},
        {"last_active": "2026-11-05T20:00:00", "last_ip": "198.51.100.7",
         "application_name": None, "application_version": "", "device_model": "SM-A145M",
         "platform": "Android", "system_version": "SDK 34"}]},
    "web_sessions": {"about": "", "list": [
        {"last_active": "2026-11-04T04:00:00", "last_active_unixtime": "1793786400",
         "last_ip": "203.0.113.80", "last_region": "Guatemala",
         "bot_username": "PagosDemoBot", "domain_name": "pagos.example.com",
         "browser": "Chrome 130", "platform": "Windows", "created": "2026-11-04T03:58:00",
         "created_unixtime": "1793786280"}]},
}


def test_sessions_are_notes_with_their_paths() -> None:
    events = list(parse(io.BytesIO(json.dumps(ACCOUNT).encode()), "result.json"))
    notes = [e for e in events if isinstance(e, Note)]
    assert [(n.locator, n.kind) for n in notes] == [
        ("$.frequent_contacts.list[0]", "frequent_contact"),
        ("$.frequent_contacts.list[1]", "frequent_contact"),
        ("$.sessions.list[0]", "session"), ("$.sessions.list[1]", "session"),
        ("$.web_sessions.list[0]", "web_session")]
    assert [n.text for n in notes[:2]] == [
        "[frequent_contact] people · Cliente (user 77) · rating 0.87",
        "[frequent_contact] inline_bots · user 99 · rating 0.1"]
    notes = notes[2:]
    assert notes[0].text == (
        "[session] Telegram Desktop 5.8.3 · Desktop · Windows Windows 10 · IP 203.0.113.45 · "
        "Guatemala, Guatemala · last active 2026-11-06T18:59:00Z · "
        "created 2026-10-01T06:00:00Z")
    # exact instants in UTC from the *_unixtime fields; without them the local text as written
    assert notes[1].text == ("[session] SM-A145M · Android SDK 34 · IP 198.51.100.7 · "
                             "last active 2026-11-05T20:00:00")
    assert notes[2].text == (
        "[web_session] pagos.example.com · bot @PagosDemoBot · Chrome 130 · Windows · "
        "IP 203.0.113.80 · Guatemala · last active 2026-11-04T10:00:00Z · "
        "created 2026-11-04T09:58:00Z")
    # who reacted to a message, as lines of its text
    assert [m.text for m in events if isinstance(m, Message)] == [
        "hola\n[reaction] 👍 2: Ana, Beto\n[reaction] paid 1"]


@given(st.one_of(st.none(), st.integers(), st.text(max_size=8),
                 st.dictionaries(st.sampled_from(
                     ["last_ip", "last_active", "last_active_unixtime", "created",
                      "domain_name", "bot_username", "application_name", "platform"]),
                     st.one_of(st.none(), st.integers(), st.booleans(), st.text(max_size=8)),
                     max_size=6)),
       st.sampled_from(["sessions", "web_sessions"]))
def test_any_session_entry_is_a_note(entry: object, root: str) -> None:
    note = session_note(entry, "$.x", root)
    assert note.locator == "$.x" and note.text.startswith(f"[{note.kind}]")


def test_session_addresses_are_entities_of_the_case(env: Env, tmp_path: Path) -> None:
    folder = tmp_path / "DataExport_2026-11-07"
    folder.mkdir()
    (folder / "result.json").write_text(json.dumps(ACCOUNT), encoding="utf-8")
    env.new_case("GT-1")
    env.ok("add", "GT-1", str(folder))
    ents = {(e["type"], e["value"]) for e in env.ok("entities", "GT-1", "--json").json()
            ["entities"]}
    assert {("ipv4", "203.0.113.45"), ("ipv4", "198.51.100.7"), ("ipv4", "203.0.113.80"),
            ("domain", "example.com")} <= ents
    [entity] = env.ok("entity", "GT-1", "203.0.113.45", "--json").json()["entities"]
    assert [m["locator"] for m in entity["mentions"]] == ["$.sessions.list[0]"]
    # sessions are not messages and not unparsed lines
    [chat] = env.ok("chats", "GT-1", "--json").json()["chats"]
    assert (chat["messages"], chat["unparsed"]) == (1, 0)
