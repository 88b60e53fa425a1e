"""``sabueso reread``: a chat export already in the case read again with the zone of the phone
that exported it, or with its dates month-first; recorded in the ledger, kept by ``reindex``,
and the evidence untouched. Everything here is invented."""

from __future__ import annotations

from pathlib import Path

from conftest import Env

REF = "GT-1"
# every day is 12 or less: nothing in the file says which field is the day
AMBIGUOUS = ("1/5/24, 9:05 PM - Ana: ¿Hay del verde?\n"
             "1/6/24, 10:15 AM - Beto: Sí, al +502 5555-0147\n")


def _added(env: Env, tmp_path: Path) -> str:
    env.new_case(REF)
    path = tmp_path / "Chat de WhatsApp con Ana.txt"
    path.write_text(AMBIGUOUS, encoding="utf-8")
    env.ok("add", REF, str(path), "--tz", "America/Guatemala")
    return "E-1"


def test_a_us_phone_export_read_month_first_and_in_its_zone(env: Env, tmp_path: Path) -> None:
    item = _added(env, tmp_path)
    rows = env.ok("messages", REF, "--json").jsonl()
    assert [r["sent_at"][:16] for r in rows] == ["2024-05-02T03:05", "2024-06-01T16:15"]
    [chat] = env.ok("chats", REF, "--json").json()["chats"]
    assert (chat["date_order"], chat["date_order_basis"]) == ("dmy", "default")
    before = env.ok("verify", REF, "--json").json()

    done = env.ok("reread", REF, item, "--date-order", "mdy", "--tz", "America/New_York",
                  "--json").json()
    assert done["hints"] == {"as": None, "tz": "America/New_York", "date_order": "mdy"}
    assert done["previous"] == {"as": None, "tz": None, "date_order": None}
    rows = env.ok("messages", REF, "--json").jsonl()
    # 5 January 21:05 and 6 January 10:15 in New York (UTC-5 in winter)
    assert [(r["sent_at"][:16], r["zone"]) for r in rows] == [
        ("2024-01-06T02:05", "America/New_York"), ("2024-01-06T15:15", "America/New_York")]
    [chat] = env.ok("chats", REF, "--json").json()["chats"]
    assert (chat["date_order"], chat["date_order_basis"]) == ("mdy", "given")
    # recorded; the evidence untouched; the reading kept by a later reindex
    log = env.ok("log", REF, "--json").jsonl()
    entry = next(e for e in log if e["action"] == "chat.reread")
    assert entry["subject"] == "item:E-1" and entry["details"]["date_order"] == "mdy"
    after = env.ok("verify", REF, "--json").json()
    assert after["ok"] and before["chains"][0]["bytes_checked"] == \
        after["chains"][0]["bytes_checked"]
    env.ok("reindex", REF)
    assert [r["sent_at"][:16] for r in env.ok("messages", REF, "--json").jsonl()] == [
        "2024-01-06T02:05", "2024-01-06T15:15"]
    # a later reread changes only what it names
    again = env.ok("reread", REF, item, "--tz", "UTC", "--json").json()
    assert again["hints"] == {"as": None, "tz": "UTC", "date_order": "mdy"}
    assert again["previous"] == done["hints"]


def test_reread_refuses_what_it_cannot_do(env: Env, tmp_path: Path) -> None:
    item = _added(env, tmp_path)
    assert env.run("reread", REF, item).code == 2  # nothing to change
    res = env.run("reread", REF, item, "--date-order", "ymd")
    assert res.code == 2 and "ymd" in res.err
    assert env.run("reread", REF, item, "--tz", "Mars/Olympus").code == 2
    assert env.run("reread", REF, "E-9", "--tz", "UTC").code == 3
    assert env.run("reread", REF, "x9", "--tz", "UTC").code == 2
    assert env.run("reread", REF, "E-1,E-2", "--tz", "UTC").code == 2
    assert not [e for e in env.ok("log", REF, "--json").jsonl() if e["action"] == "chat.reread"]
