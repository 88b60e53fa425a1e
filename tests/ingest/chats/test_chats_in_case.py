"""Real chat-export parsers in a case: `sabueso add` recognises the export, reads it into
chats, accounts and messages, and the messages' identifiers become the case's entities."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tg_writers import GenMessage, Peer, write_html

from conftest import Env, write_files

REF = "GT-1"

RESULT = {
    "name": "Ventas Zona 1 (ficticio)", "type": "private_group", "id": 4400123,
    "messages": [
        {"id": 1, "type": "service", "date": "2026-11-12T14:00:00", "date_unixtime": "1794513600",
         "actor": "Colibrí", "actor_id": "user777001", "action": "create_group",
         "title": "Ventas Zona 1 (ficticio)", "members": ["Cliente"], "text": "",
         "text_entities": []},
        {"id": 2, "type": "message", "date": "2026-11-12T14:01:00",
         "date_unixtime": "1794513660", "from": "Cliente", "from_id": "user777002",
         "text": "buenas, hay mota? mi número es 5512-3456",
         "text_entities": [{"type": "plain", "text": "buenas, hay mota? mi número es 5512-3456"}]},
        {"id": 3, "type": "message", "date": "2026-11-12T14:03:00",
         "date_unixtime": "1794513780", "from": "Colibrí", "from_id": "user777001",
         "reply_to_message_id": 2,
         "text": ["Sí, escribí a ", {"type": "link", "text": "wa.me/50255550183"},
                  " o pagá en USDT TRX"],
         "text_entities": [{"type": "plain", "text": "Sí, escribí a "},
                           {"type": "link", "text": "wa.me/50255550183"},
                           {"type": "plain", "text": " o pagá en USDT TRX"}]},
    ],
}


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out.getvalue()


def test_telegram_json_export_is_read_into_the_case(env: Env, tmp_path: Path) -> None:
    env.new_case(REF)
    body = json.dumps(RESULT, ensure_ascii=False, indent=1).encode()
    folder = write_files(tmp_path / "ev", {
        "telegram.zip": _zip({"ChatExport_2026-11-13/result.json": body}),
        "notas.txt": "nada que ver\n",
    })
    added = env.ok("add", REF, str(folder), "--json").json()
    assert added["derived"]["messages"] == 3 and added["derived"]["failed"] == []
    [chat] = env.ok("chats", REF, "--json").json()["chats"]
    assert chat["platform"] == "telegram" and chat["title"] == "Ventas Zona 1 (ficticio)"
    assert chat["messages"] == 3
    rows = env.ok("messages", REF, "--json").jsonl()
    assert [r["kind"] for r in rows] == ["service", "message", "message"]
    assert rows[1]["sender"] == "Cliente" and rows[1]["sent_at"].startswith(
        "2026-11-12T20:01:00")
    assert rows[2]["reply_to"] == "2" and rows[2]["locator"].startswith("$.messages[2]")
    assert "wa.me/50255550183" in rows[2]["text"]
    values = {(e["type"], e["value"]) for e in env.ok("entities", REF, "--json").json()[
        "entities"]}
    assert {("phone", "+50255123456"), ("phone", "+50255550183"),
            ("drug_term", "mota")} <= values
    hits = env.ok("search", REF, "pagá usdt", "--json").jsonl()
    assert len(hits) == 1 and hits[0]["sender"] == "Colibrí"
    assert env.run("verify", REF).code == 0


def _html_chat(n: int) -> list[GenMessage]:
    ana, beto = Peer("user1", "Ana Ruiz"), Peer("user2", "Beto Cruz")
    start = datetime(2026, 11, 12, 15, 0, tzinfo=UTC)
    return [GenMessage(i + 1, (ana, beto)[(i // 2) % 2], start + timedelta(minutes=7 * i),
                       [("plain", f"mensaje {i + 1}", None)]) for i in range(n)]


def test_a_paged_html_export_is_one_conversation(env: Env, tmp_path: Path) -> None:
    """Telegram writes 1,000 messages per page; each page is an item, the chat is one."""
    env.new_case(REF)
    export = tmp_path / "ev" / "ChatExport_2026-11-13"
    export.mkdir(parents=True)
    pages = write_html(export, "Ventas (ficticio)", _html_chat(7), per_page=3,
                       offset=timedelta(hours=-6))
    assert [p.name for p in pages] == ["messages.html", "messages2.html", "messages3.html"]
    other = tmp_path / "ev" / "otro"  # another export of a chat with the same title
    other.mkdir()
    write_html(other, "Ventas (ficticio)", _html_chat(2), per_page=3, offset=None)
    env.ok("add", REF, str(tmp_path / "ev"))
    listed = env.ok("chats", REF, "--json").json()["chats"]
    assert sorted((c["messages"], len(c["items"])) for c in listed) == [(2, 1), (7, 3)]
    paged = next(c for c in listed if c["messages"] == 7)
    assert paged["senders"] == 2 and paged["first"].startswith("2026-11-12T15:00:00")
    assert paged["last"].startswith("2026-11-12T15:42:00")
    rows = env.ok("messages", REF, "--chat", str(paged["chat"]), "--json").jsonl()
    assert [r["text"] for r in rows] == [f"mensaje {i}" for i in range(1, 8)]
    assert {r["chat"] for r in rows} == {paged["chat"]}
    assert [r["locator"].split("#")[0] for r in rows] == ["messages.html"] * 3 + [
        "messages2.html"] * 3 + ["messages3.html"]
    env.ok("graph", REF, "--format", "json", "--out", str(tmp_path / "g.json"))
    graph = json.loads((tmp_path / "g.json").read_text("utf-8"))
    chat_nodes = [n for n in graph["nodes"] if n["type"] == "chat"]
    assert len(chat_nodes) == 2
    sent = [e for e in graph["edges"] if e["kind"] == "sent"
            and e["target"] == f"chat:{paged['chat']}"]
    assert sorted(e["weight"] for e in sent) == [3, 4]


def test_lines_that_are_not_messages_are_reported_and_listed(env: Env, tmp_path: Path) -> None:
    env.new_case(REF)
    folder = write_files(tmp_path / "ev", {"Chat de WhatsApp con Juan.txt": (
        "copiado de otro lado\nsegunda línea suelta\n"
        "12/11/2026, 20:01 - Juan: hola\n12/11/2026, 20:02 - Ana: qué tal\n")})
    added = env.run("add", REF, str(folder))
    assert added.code == 0
    said = " ".join(added.err.split())
    assert "2 lines were not recognised as messages" in said and "--unparsed" in said
    [chat] = env.ok("chats", REF, "--json").json()["chats"]
    assert chat["messages"] == 2 and chat["unparsed"] == 2
    assert "sabueso chats GT-1 --unparsed" in " ".join(env.ok("chats", REF).out.split())
    pieces = env.ok("chats", REF, "--unparsed", "--json").jsonl()
    assert [(p["locator"], p["text"]) for p in pieces] == [
        ("line 1", "copiado de otro lado"), ("line 2", "segunda línea suelta")]
    assert {p["reason"] for p in pieces} == {"chat.unparsed.before_first_message"}
    assert "text before the export's first message" in env.ok("chats", REF, "--unparsed").out
    item = next(e for e in env.ok("log", REF, "--json").jsonl() if e["action"] == "derive.item")
    assert item["details"]["unparsed"] == 2 and item["details"]["messages"] == 2
    assert any(e["action"] == "chats.unparsed" for e in env.ok("log", REF, "--json").jsonl())


def test_lines_an_html_export_gives_no_time_stay_where_the_export_puts_them(
        env: Env, tmp_path: Path) -> None:
    # Telegram HTML writes no time on service lines: they were listed after every message of
    # the case, whatever chat or day they belong to
    env.new_case(REF)
    ana, beto = Peer("user1", "Ana Ruiz"), Peer("user2", "Beto Cruz")
    start = datetime(2026, 11, 12, 15, 0, tzinfo=UTC)
    msgs = [GenMessage(1, ana, start, [], service="create_group", title="Ventas"),
            GenMessage(2, ana, start + timedelta(minutes=1), [("plain", "uno", None)]),
            GenMessage(3, ana, start + timedelta(minutes=2), [], service="invite_members",
                       members=["Beto Cruz"]),
            GenMessage(4, beto, start + timedelta(minutes=30), [("plain", "dos", None)])]
    first = tmp_path / "ev" / "ChatExport_a"
    first.mkdir(parents=True)
    write_html(first, "Ventas", msgs, per_page=50, offset=timedelta(hours=-6))
    second = tmp_path / "ev" / "ChatExport_b"
    second.mkdir()
    write_html(second, "Otro", [GenMessage(1, beto, start + timedelta(minutes=10),
                                           [("plain", "otro chat", None)])],
               per_page=50, offset=timedelta(hours=-6))
    env.ok("add", REF, str(tmp_path / "ev"))
    rows = env.ok("messages", REF, "--json").jsonl()
    assert [(r["kind"], r["text"] if r["kind"] == "message" else r["service"]) for r in rows] == [
        ("service", "create_group"), ("message", "uno"), ("service", "invite_members"),
        ("message", "otro chat"), ("message", "dos")]
    assert rows[0]["sent_at"] is None and rows[2]["sent_at"] is None  # no time is made up
