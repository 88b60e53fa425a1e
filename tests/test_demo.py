"""The bundled demo case builds, verifies and exports a valid package (what `make run` shows)."""

from __future__ import annotations

from conftest import Env


def test_demo_builds_a_verifiable_case(env: Env) -> None:
    summary = env.ok("demo", "--json").json()
    assert summary["case"] == "DEMO-COLIBRI" and summary["built"] is True
    assert summary["items"] >= 13
    items = env.ok("evidence", "DEMO-COLIBRI", "--json").json()
    kinds = {i["kind"] for i in items}
    assert kinds == {"folder", "file", "member"}
    assert any(i["depth"] == 2 and i["media_type"] == "image/png" for i in items)  # zip in zip
    chats = env.ok("chats", "DEMO-COLIBRI", "--json").json()["chats"]
    assert {c["platform"] for c in chats} >= {"telegram"}
    photo = [m for m in env.ok("messages", "DEMO-COLIBRI", "--json").jsonl()
             if m["attachments"]]
    assert photo and all(a["item"] for m in photo for a in m["attachments"]
                         if not a["omitted"] and m["chat_title"].startswith("Colibrí Pedidos"))
    assert env.run("verify", "DEMO-COLIBRI").code == 0
    # every readable item is indexed (a capture's PDF print is skipped on purpose, not pending)
    assert env.ok("entities", "DEMO-COLIBRI", "--json").json()["index"]["current"] is True
    assert env.ok("verify-package", summary["package"], "--json").json()["ok"]
    again = env.ok("demo", "--json").json()
    assert again["built"] is False and again["items"] == summary["items"]


def test_demo_show_prints_case_evidence_log_and_verification(env: Env) -> None:
    res = env.run("demo", "--show", lang="es")
    assert res.code == 0, res.err
    for text in ("DEMO-COLIBRI", "Operación Colibrí", "E-1", "íntegro", "extraccion_telefono",
                 "Entidades", "+50255550183", "ventas.colibri@example.com",
                 "Chats de DEMO-COLIBRI", "Colibrí Pedidos GT (ficticio)", "Mensajes de",
                 "$.messages[2]", "[create_channel]", "Cliente Demo",
                 "Registros de llamadas del teléfono +50255550147", "cambio de SIM o línea",
                 "relevo de línea"):
        assert text in res.out, text


def test_views_of_requests_and_captures_are_recorded(env: Env) -> None:
    """Need-to-know includes knowing who looked: listings and a request's detail are in the
    case's ledger like every other view."""
    env.ok("demo", "--json")
    before = len(env.ok("log", "DEMO-COLIBRI", "--json").jsonl())
    env.ok("request", "list", "DEMO-COLIBRI", "--json")
    env.ok("request", "show", "SOL-2026-0001", "--json")
    env.ok("request", "due", "--within", "400d", "--json")
    env.ok("captures", "DEMO-COLIBRI", "--json")
    log = env.ok("log", "DEMO-COLIBRI", "--json").jsonl()[before:]
    assert [(e["action"], e["subject"]) for e in log][:4] == [
        ("log.view", "case:DEMO-COLIBRI"), ("requests.list", "case:DEMO-COLIBRI"),
        ("request.view", "request:SOL-2026-0001"), ("requests.due", "case:DEMO-COLIBRI")]
    assert log[4]["action"] == "captures.list" and log[4]["details"]["captures"] >= 1


def test_analyses_of_call_records_are_recorded_as_views(env: Env) -> None:
    env.ok("demo", "--json")
    before = len(env.ok("log", "DEMO-COLIBRI", "--json").jsonl())
    env.ok("phone", "top", "DEMO-COLIBRI", "5555-0147", "--json")
    env.ok("phone", "common", "DEMO-COLIBRI", "55550147", "55550183", "--min", "2", "--json")
    env.ok("phone", "profile", "DEMO-COLIBRI", "55550147", "--json")
    env.ok("phone", "devices", "DEMO-COLIBRI", "--json")
    env.ok("phone", "intersect", "DEMO-COLIBRI", "--label", "zona-18", "--label", "zona-12",
           "--json")
    log = env.ok("log", "DEMO-COLIBRI", "--json").jsonl()[before + 1:]
    assert [e["action"] for e in log] == ["phone.top", "phone.common", "phone.profile",
                                          "phone.devices", "phone.intersect"]
    assert log[0]["details"]["numbers"] == ["+50255550147"]
    assert log[1]["details"] == {"numbers": ["+50255550147", "+50255550183"], "min": 2}
    assert log[4]["details"]["args"][0] == ["zona-18", "zona-12"]


def test_demo_call_records_show_the_handset_taken_by_a_new_line(env: Env) -> None:
    """The seller's handset takes a new line, which calls the seller's contacts once the
    seller's line falls silent: ``phone swaps`` finds both, exactly."""
    env.ok("demo", "--json")
    rows = env.ok("phone", "swaps", "DEMO-COLIBRI", "--json").json()["rows"]
    assert [(r["kind"], r["subject"], r["old"], r["new"], r["at"], r["detail"]) for r in rows] == [
        ("sim_change", "356938035643809", "+50255550147 / 704010000001470",
         "+50255550388 / 704010000003880", "2026-11-08T16:02:11.000000Z", None),
        ("takeover", "+50255550147", "+50255550147", "+50255550388",
         "2026-11-08T16:02:11.000000Z", "2/3")]


def test_demo_instagram_messages_read_back_and_tie_to_the_seller(env: Env) -> None:
    """Meta's export writes its text as mojibake; the demo's Instagram conversation reads back
    in Spanish, its photo is linked, and the seller's profile and number in it are the same
    entities as elsewhere in the case."""
    env.ok("demo", "--json")
    chats = env.ok("chats", "DEMO-COLIBRI", "--json").json()["chats"]
    [insta] = [c for c in chats if c["platform"] == "instagram"]
    assert (insta["title"], insta["messages"], insta["senders"]) == (
        "Colibrí Express (ficticio)", 4, 2)
    rows = [m for m in env.ok("messages", "DEMO-COLIBRI", "--json").jsonl()
            if m["chat_title"] == "Colibrí Express (ficticio)"]
    assert "¿todavía tienen del verde?" in rows[0]["text"]
    assert [a["item"] is not None for m in rows for a in m["attachments"]] == [True]
    for value in ("instagram:colibri_express_gt", "+50255550147"):
        [entity] = env.ok("entity", "DEMO-COLIBRI", value, "--json").json()["entities"]
        named = {m["name"] for m in entity["mentions"]}
        assert "message_1.json" in named and len(named) >= 2, (value, named)


def test_demo_messenger_encrypted_chat_ties_to_the_seller(env: Env) -> None:
    """The buyer's Messenger download (end-to-end encrypted chats' JSON) reads as a Messenger
    conversation whose wallet and number are the seller's of the other evidence."""
    env.ok("demo", "--json")
    chats = env.ok("chats", "DEMO-COLIBRI", "--json").json()["chats"]
    [fb] = [c for c in chats if c["platform"] == "facebook"]
    assert (fb["title"], fb["messages"], fb["senders"]) == (
        "Colibrí Express (ficticio)_7", 4, 2)
    rows = [m for m in env.ok("messages", "DEMO-COLIBRI", "--json").jsonl()
            if m["chat"] == fb["chat"]]
    assert [m["deleted"] for m in rows] == [False, False, False, True]
    assert [a["item"] is not None for m in rows for a in m["attachments"]] == [True]
    for value in ("TEpbQhdWEMbNHAqBVQswt5UUWVaESyzFu8", "+50255550147"):
        [entity] = env.ok("entity", "DEMO-COLIBRI", value, "--json").json()["entities"]
        named = {m["name"] for m in entity["mentions"]}
        assert "Colibri_Express_7.json" in named and len(named) >= 2, (value, named)
