"""Real chat-export parsers in a case: `sabueso add` recognises the export, reads it into
chats, accounts and messages, and the messages' identifiers become the case's entities."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

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
