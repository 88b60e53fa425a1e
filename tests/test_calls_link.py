"""A phone or IMEI found in a chat and the same value in the case's call records are one entity:
``sabueso entity`` shows both, ``sabueso graph`` ties the chat's phone to its call contacts,
counted exactly as ``sabueso phone top`` counts, and reading them is recorded."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from conftest import Env
from sabueso.extract.mobileid import luhn_valid
from sabueso.telephony.result import imei15

REF = "GT-1"
CHAT = ("13/11/26, 19:50 - Beto: el jefe dice que le marques al 5555-0147\n"
        "13/11/26, 19:51 - Beto: o al teléfono del equipo 356938035643809\n")
# the same call (147 -> 183 at 19:58:12) is in the operator's CDR and in the tower dump
CDR = ("Numero A;Numero B;Fecha;Hora;Duracion;Tipo;IMEI;Celda\n"
       "55550147;55550183;13/11/2026;19:58:12;00:01:35;VOZ SALIENTE;356938035643809;C1\n"
       "55550183;55550147;14/11/2026;20:12:40;0;SMS ENTRANTE;356938035643809;C1\n"
       "55550147;55550999;15/11/2026;17:45:03;12;VOZ SALIENTE;356938035643809;C2\n"
       "55550147;55550999;15/11/2026;18:45:03;30;VOZ SALIENTE;356938035643809;C2\n"
       "55550147;55550921;15/11/2026;07:00:00;1:02;VOZ SALIENTE;356938035643800;C2\n")
DUMP = ("Numero A;Numero B;Fecha;Hora;Duracion;Tipo;IMEI;Celda\n"
        "55550147;55550183;13/11/2026;19:58:12;00:01:35;VOZ SALIENTE;356938035643809;C1\n"
        "55550444;55550555;13/11/2026;19:59:00;00:00:20;VOZ SALIENTE;352099001761481;C1\n")


def _case(env: Env, tmp_path: Path) -> None:
    env.new_case(REF)
    chat = tmp_path / "WhatsApp Chat with Beto.txt"
    chat.write_text(CHAT, encoding="utf-8")
    env.ok("add", REF, str(chat))
    cdr, dump = tmp_path / "sabana.csv", tmp_path / "vaciado.csv"
    cdr.write_text(CDR, encoding="utf-8")
    dump.write_text(DUMP, encoding="utf-8")
    env.ok("cdr", "import", REF, str(cdr), "--tz", "America/Guatemala")
    env.ok("cdr", "import", REF, str(dump), "--label", "zona-1", "--tz", "America/Guatemala")


def test_entity_shows_call_records_counted_as_phone_top(env: Env, tmp_path: Path) -> None:
    _case(env, tmp_path)
    doc = env.ok("entity", REF, "+502 5555 0147", "--json").json()
    assert [e["value"] for e in doc["entities"]] == ["+50255550147"]  # from the chat
    (calls,) = doc["calls"]
    top = env.ok("phone", "top", REF, "55550147", "--json").json()["rows"]
    assert calls["events"] == sum(r["events"] for r in top) == 5  # the shared call once
    assert calls["contacts"] == len(top) == 3
    assert calls["first"] == "2026-11-14T01:58:12Z" and calls["last"] == "2026-11-16T00:45:03Z"
    assert calls["labels"] == ["zona-1"] and len(calls["items"]) == 2
    # ...809 and ...800 are one handset (operators often zero the check digit): shown valid
    assert calls["devices"] == ["356938035643809"]
    human = env.run("entity", REF, "55550147", lang="es").out
    assert "Registros de llamadas del teléfono +50255550147: 5 eventos" in human
    assert "zona-1" in human and "sabueso phone top GT-1 +50255550147" in human


def test_entity_finds_a_number_only_in_call_records(env: Env, tmp_path: Path) -> None:
    _case(env, tmp_path)
    doc = env.ok("entity", REF, "5555-0999", "--json").json()
    assert doc["entities"] == []  # the CDR file is not read as text until reindexed
    assert doc["calls"][0]["value"] == "+50255550999" and doc["calls"][0]["events"] == 2
    nowhere = env.run("entity", REF, "5555-0888")
    assert nowhere.code != 0 and "5555-0888" in nowhere.err


def test_imei_entity_shows_the_lines_of_that_handset(env: Env, tmp_path: Path) -> None:
    _case(env, tmp_path)
    doc = env.ok("entity", REF, "356938035643809", "--json").json()
    assert [e["type"] for e in doc["entities"]] == ["imei"]
    (calls,) = doc["calls"]
    assert calls["type"] == "imei" and calls["devices"] == ["+50255550147"]
    # every record with that handset (14 digits compared) in both productions, not deduplicated
    assert calls["events"] == 6


def test_reading_call_records_is_recorded(env: Env, tmp_path: Path) -> None:
    _case(env, tmp_path)
    before = len(env.ok("log", REF, "--json").jsonl())
    env.ok("entity", REF, "55550147", "--json")
    log = env.ok("log", REF, "--json").jsonl()[before + 1:]
    assert [e["action"] for e in log] == ["entities.view", "phone.presence"]
    assert log[1]["details"] == {"values": ["phone:+50255550147"]}


def test_graph_ties_the_chat_phone_to_its_call_contacts(env: Env, tmp_path: Path) -> None:
    _case(env, tmp_path)
    out = tmp_path / "g.json"
    done = env.ok("graph", REF, "--format", "json", "--out", str(out), "--json").json()
    graph = json.loads(out.read_text(encoding="utf-8"))
    label = {n["id"]: n["label"] for n in graph["nodes"]}
    calls = {frozenset((label[e["source"]], label[e["target"]])): e for e in graph["edges"]
             if e["kind"] == "calls"}
    assert done["call_edges"] == len(calls) == 3
    assert {k: e["weight"] for k, e in calls.items()} == {
        frozenset(("+50255550147", "+50255550183")): 2,
        frozenset(("+50255550147", "+50255550999")): 2,
        frozenset(("+50255550147", "+50255550921")): 1}
    # the shared call rests on both productions
    assert len(calls[frozenset(("+50255550147", "+50255550183"))]["items"]) == 2
    chat_phone = next(n for n in graph["nodes"] if n["label"] == "+50255550147")
    assert chat_phone["id"].startswith("entity:")  # the same node as the chat's mention
    contacts = [n for n in graph["nodes"] if n["attrs"].get("kind") == "call_records"]
    assert sorted(n["label"] for n in contacts) == ["+50255550183", "+50255550921",
                                                    "+50255550999"]
    strong = tmp_path / "g2.json"
    env.ok("graph", REF, "--format", "json", "--out", str(strong), "--min-calls", "2")
    kept = [e for e in json.loads(strong.read_text())["edges"] if e["kind"] == "calls"]
    assert len(kept) == 2
    none = tmp_path / "g3.graphml"
    env.ok("graph", REF, "--format", "graphml", "--out", str(none), "--no-calls")
    assert "call_records" not in none.read_text(encoding="utf-8")


@given(st.text(alphabet="0123456789", min_size=14, max_size=14))
def test_imei15_appends_the_luhn_check_digit(body: str) -> None:
    full = imei15(body)
    assert full[:14] == body and len(full) == 15 and luhn_valid(full)
    assert all(not luhn_valid(body + d) for d in "0123456789" if d != full[14])


def test_pairs_agree_with_a_list_of_values_and_with_a_join() -> None:
    """Short lists of numbers are given as values (zone maps), long ones as a join: same
    counts."""
    import duckdb
    import pytest

    from sabueso.analysis import calls
    from sabueso.telephony.store import DDL

    con = duckdb.connect()
    con.execute(DDL)
    rows = [("+1", "+2", "out", "voice", 1), ("+2", "+1", "in", "voice", 1),
            ("+1", "+3", "in", "sms", 2), ("+3", "+4", "out", "voice", 3),
            ("+1", "+1", "out", "voice", 4), ("+4", None, "out", "data", 5)]
    for line, peer, direction, kind, minute in rows:
        ts = f"2026-11-13 10:0{minute}:00"
        con.execute("INSERT INTO events (import_id, line, peer, direction, kind, ts) "
                    "VALUES (1, ?, ?, ?, ?, ?)", [line, peer, direction, kind, ts])
        if peer is not None:
            con.execute("INSERT INTO peers (import_id, peer, line, direction, kind, ts) "
                        "VALUES (1, ?, ?, ?, ?, ?)", [peer, line, direction, kind, ts])
    listed = calls._pairs(con, ["+1", "+4"])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(calls, "_LISTED", 0)
        joined = calls._pairs(con, ["+1", "+4"])
    assert listed == joined == {("+1", "+2"): 1, ("+1", "+3"): 1, ("+3", "+4"): 1}
