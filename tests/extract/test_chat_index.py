"""Chat exports in the case index: a registered chat format turns an evidence item into chats,
accounts and messages (each message a record, so its identifiers are entities), with
attachments linked to the other files of the export. Uses a small fake format so the wiring is
tested apart from the real parsers (tests/ingest/chats)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import pytest
from sqlalchemy import func, select

from conftest import Env, write_files
from sabueso.extract.index import derive_items, rebuild_case
from sabueso.ingest.chats import registry
from sabueso.ingest.chats.model import Account, Attachment, Chat, ChatEvent, Message, Unparsed
from sabueso.ingest.chats.registry import ChatFormat, ChatSource
from sabueso.ingest.intake import IntakeOptions, add_paths
from sabueso.store.schema import accounts, chats, messages, records

REF = "GT-1"
EXPORT = ("FAKECHAT\n"
          "basura antes del primer mensaje\n"
          "+502 5512 3456|2026-11-12T20:01:00|Hola, hay mota? pagá a ventas@colibri.com|\n"
          "Colibrí|2026-11-12T20:03:00|Foto del menú|IMG-001.jpg\n"
          "Colibrí|2026-11-12T20:04:00|audio|PTT-002.opus\n")


def _parse(stream: BinaryIO, source: ChatSource) -> Iterator[ChatEvent]:
    lines = stream.read().decode("utf-8").splitlines()
    yield Chat("fake:chat", "whatsapp", "Ventas", "personal")
    seen: set[str] = set()
    ordinal = 0
    for no, line in enumerate(lines[1:], start=2):
        parts = line.split("|")
        if len(parts) != 4:
            yield Unparsed(f"line {no}", line, "chat.unparsed.before_first_message")
            continue
        sender, when, text, attached = parts
        key = f"wa:{sender}" if sender.startswith("+") else f"wa:name:{sender}"
        if key not in seen:
            seen.add(key)
            yield Account(key, "whatsapp", sender, sender if sender.startswith("+") else None)
        atts = [Attachment(attached)] if attached else []
        yield Message("fake:chat", ordinal, f"line {no}", key,
                      datetime.fromisoformat(when).replace(tzinfo=UTC), when, source.zone,
                      text, attachments=atts)
        ordinal += 1


FAKE = ChatFormat("fakechat", "1", "whatsapp",
                  lambda name, head: 90 if head.startswith(b"FAKECHAT") else 0, _parse)


@pytest.fixture
def fake_format(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_loaded", [FAKE])


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out.getvalue()


def test_a_chat_export_becomes_chats_accounts_and_messages(env: Env, tmp_path: Path,
                                                           fake_format: None) -> None:
    env.new_case(REF)
    folder = write_files(tmp_path / "ev", {
        "export.zip": _zip({"chat.txt": EXPORT.encode(),
                            "IMG-001.jpg": b"\xff\xd8\xff" + bytes(40)}),
        "notas.txt": "otra nota: 4123-9876\n",
    })
    add_paths(env.workspace(), REF, [folder], IntakeOptions())
    summary = derive_items(env.workspace(), REF)
    assert summary.messages == 3 and not summary.failed
    evidence = {i["name"]: i["no"] for i in env.ok("evidence", REF, "--json").json()}
    with env.engine().connect() as conn:
        [chat] = conn.execute(select(chats)).all()
        assert (chat.platform, chat.title, chat.key) == ("whatsapp", "Ventas", "fake:chat")
        people = {r.key: r for r in conn.execute(select(accounts))}
        assert set(people) == {"wa:+502 5512 3456", "wa:name:Colibrí"}
        rows = conn.execute(select(messages, records.c.text, records.c.locator)
                            .join(records, records.c.id == messages.c.record_id)
                            .order_by(messages.c.ordinal)).all()
        assert [r.text for r in rows] == ["Hola, hay mota? pagá a ventas@colibri.com",
                                          "Foto del menú", "audio"]
        assert rows[0].sender_id == people["wa:+502 5512 3456"].id
        assert rows[0].sent_at == datetime(2026, 11, 12, 20, 1, tzinfo=UTC)
        assert rows[0].zone == "America/Guatemala" and rows[0].locator == "line 3"
        assert json.loads(rows[1].attachments) == [
            {"name": "IMG-001.jpg", "kind": None, "omitted": False,
             "item": f"E-{evidence['IMG-001.jpg']}", "missing": False}]
        # named by the export, not in it: flagged, not silently linked to nothing
        assert json.loads(rows[2].attachments) == [
            {"name": "PTT-002.opus", "kind": None, "omitted": False, "item": None,
             "missing": True}]
        unparsed = conn.execute(select(records.c.text, records.c.note)
                                .where(records.c.note.like("unparsed%"))).all()
        assert [u.text for u in unparsed] == ["basura antes del primer mensaje"]
    shown = " ".join(env.ok("messages", REF).out.split())
    assert "PTT-002.opus" in shown and ("(no incluido en la exportación)" in shown
                                        or "(not in the export)" in shown)
    doc = env.ok("entities", REF, "--json").json()
    ents = {(e["type"], e["value"]) for e in doc["entities"]}
    # the sender's number (as the account shows it), the text's e-mail, the plain text file
    assert {("phone", "+50255123456"), ("email", "ventas@colibri.com"),
            ("phone", "+50241239876"), ("drug_term", "mota")} <= ents
    log = env.ok("log", REF, "--json").jsonl()
    item = next(e for e in log if e["action"] == "derive.item"
                and e["subject"] == f"item:E-{evidence['chat.txt']}")
    assert item["details"]["reader"] == "fakechat" and item["details"]["messages"] == 3
    doc = env.ok("entities", REF, "--json").json()
    assert doc["index"]["current"] is True
    # a rebuild gives the same rows and keeps the evidence and the chain intact
    rebuild_case(env.workspace(), REF)
    with env.engine().connect() as conn:
        assert conn.execute(select(func.count()).select_from(messages)).scalar() == 3
        assert conn.execute(select(func.count()).select_from(accounts)).scalar() == 2
        assert conn.execute(select(func.count()).select_from(chats)).scalar() == 1
    assert env.run("verify", REF).code == 0


def test_chats_and_messages_commands(env: Env, tmp_path: Path, fake_format: None) -> None:
    env.new_case(REF)
    folder = write_files(tmp_path / "ev", {"chat.txt": EXPORT})
    env.ok("add", REF, str(folder / "chat.txt"))  # derives at once, with the fake format
    [chat] = env.ok("chats", REF, "--json").json()["chats"]
    assert chat["messages"] == 3 and chat["senders"] == 2 and chat["platform"] == "whatsapp"
    assert chat["first"].startswith("2026-11-12T20:01:00") and chat["last"].startswith(
        "2026-11-12T20:04:00")
    rows = env.ok("messages", REF, "--json").jsonl()
    assert [r["text"] for r in rows] == ["Hola, hay mota? pagá a ventas@colibri.com",
                                         "Foto del menú", "audio"]
    assert rows[0]["sender"] == "+502 5512 3456" and rows[0]["sender_phone"] == "+502 5512 3456"
    assert rows[1]["sender"] == "Colibrí" and rows[1]["locator"] == "line 4"
    # filters: sender, time window in the case's zone (UTC-6), chat, limit
    assert [r["ordinal"] for r in env.ok("messages", REF, "--sender", "colib",
                                         "--json").jsonl()] == [1, 2]
    window = env.ok("messages", REF, "--from", "2026-11-12T14:02", "--to", "2026-11-12T14:04",
                    "--json").jsonl()
    assert [r["text"] for r in window] == ["Foto del menú"]
    assert len(env.ok("messages", REF, "--chat", str(chat["chat"]), "--limit", "1",
                      "--json").jsonl()) == 1
    assert env.ok("messages", REF, "--chat", "999", "--json").out == ""
    table = env.ok("messages", REF).out
    assert "Colibrí" in table and "IMG-001.jpg" in table and "2026-11-12 14:01:00" in table
    # bad input and need-to-know
    assert env.run("messages", REF, "--from", "ayer").code == 2
    assert env.run("messages", "NO-EXISTE").code == 3
    env.ok("user", "add", "beto", "--role", "analyst")
    assert env.run("messages", REF, user="beto").code == 3
    log = env.ok("log", REF, "--json").jsonl()
    views = [e for e in log if e["action"] in ("chats.list", "messages.list")]
    assert views[0]["action"] == "chats.list"
    assert {"sender": "colib", "chat": None, "from": None, "to": None,
            "limit": None} in [v["details"] for v in views]


def test_add_as_and_tz_decide_how_an_export_is_read(env: Env, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # A format that only reads files it is forced on (it never claims one on its own).
    shy = ChatFormat("shychat", "1", "whatsapp",
                     lambda name, head: 10 if head.startswith(b"FAKECHAT") else 0, _parse)
    monkeypatch.setattr(registry, "_loaded", [shy])
    env.new_case(REF)
    folder = write_files(tmp_path / "ev", {"chat.txt": EXPORT})
    other = write_files(tmp_path / "ev2", {"chat.txt": EXPORT + "\n"})
    env.ok("add", REF, str(folder / "chat.txt"))  # recognised by nobody: plain text
    assert env.ok("chats", REF, "--json").json()["chats"] == []
    assert env.run("add", REF, str(other / "chat.txt"), "--as", "signal").code == 2
    assert env.run("add", REF, str(other / "chat.txt"), "--tz", "Mars/Base").code == 2
    added = env.ok("add", REF, str(other / "chat.txt"), "--as", "WhatsApp", "--tz",
                   "America/Tegucigalpa", "--json").json()
    assert added["derived"]["messages"] == 3
    [chat] = env.ok("chats", REF, "--json").json()["chats"]
    assert chat["item"] == added["added"][0]["id"]
    rows = env.ok("messages", REF, "--json").jsonl()
    assert {r["zone"] for r in rows} == {"America/Tegucigalpa"}
    log = env.ok("log", REF, "--json").jsonl()
    start = [e for e in log if e["action"] == "intake.start"][-1]
    assert start["details"]["as"] == "whatsapp" and start["details"]["tz"] == \
        "America/Tegucigalpa"
    env.ok("reindex", REF)  # the intake's choice holds on a rebuild
    assert len(env.ok("chats", REF, "--json").json()["chats"]) == 1


def test_a_lone_chat_file_names_its_media_without_calling_them_missing(
        env: Env, tmp_path: Path, fake_format: None) -> None:
    # a .txt exported "without media" names files it never came with: they are not reported
    # as missing from the export (the chat file itself is no company)
    env.new_case(REF)
    folder = write_files(tmp_path / "ev", {"chat.txt": EXPORT})
    env.ok("add", REF, str(folder / "chat.txt"))
    rows = env.ok("messages", REF, "--json").jsonl()
    assert [(a["name"], a["missing"]) for r in rows for a in r["attachments"]] == [
        ("IMG-001.jpg", False), ("PTT-002.opus", False)]
