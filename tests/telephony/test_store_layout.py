"""The store's layout (version 6): records in order of line, ``peers`` in order of peer, the
problems of each row marked for the rejects report; older stores are read again from the
vault; both ways of counting a contact's degree agree."""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from conftest import Env
from sabueso.telephony import contacts, store


def _numbers(rng: random.Random, n: int) -> list[str]:
    return [str(30000000 + rng.randrange(20000000)) for _ in range(n)]


def _file(tmp_path: Path, rows: int = 400, seed: int = 3) -> Path:
    """Calls among 30 lines, one row in twenty with a problem of some kind."""
    rng = random.Random(seed)
    lines = _numbers(rng, 30)
    out = ["Numero A;Numero B;Fecha;Hora;Duracion;Tipo;IMEI"]
    for k in range(rows):
        a, b = rng.sample(lines, 2)
        day, dur, imei = f"{1 + k % 28:02d}/10/2026", str(rng.randrange(600)), \
            "35693803564380" + str(k % 10)
        if k % 20 == 3:
            day = "31/11/2026"
        elif k % 20 == 7:
            dur = "n/a"
        elif k % 20 == 11:
            imei = "3.56938E+14"
        elif k % 20 == 15:
            a = b = ""
        out.append(f"{a};{b};{day};{k % 24:02d}:{k % 60:02d}:00;{dur};VOZ SALIENTE;{imei}")
    path = tmp_path / "sabana.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def _store(env: Env, ref: str = "GT-1") -> Path:
    return env.home / "derived" / ref / "telephony.duckdb"


def test_records_in_line_order_and_peers_in_peer_order(sqlite_env: Env, tmp_path: Path) -> None:
    env = sqlite_env
    env.new_case("GT-1")
    imp = env.ok("cdr", "import", "GT-1", str(_file(tmp_path)), "--json").json()["imports"][0]
    assert (imp["rows_read"], imp["rows_kept"], imp["rows_rejected"]) == (400, 360, 40)
    con = duckdb.connect(str(_store(env)), read_only=True)
    try:
        lines = [r[0] for r in con.execute("SELECT line FROM events ORDER BY rowid").fetchall()]
        peers = [r[0] for r in con.execute("SELECT peer FROM peers ORDER BY rowid").fetchall()]
        assert lines == sorted(lines) and peers == sorted(peers) and len(peers) == 360
        same = con.execute("""SELECT count(*) FROM (
            SELECT import_id, peer, line, direction, kind, ts, duration FROM events
            WHERE peer IS NOT NULL EXCEPT ALL SELECT * FROM peers)""").fetchone()
        assert same == (0,)
        marks = dict(con.execute("SELECT problems, count(*) FROM events GROUP BY ALL").fetchall())
        assert marks == {0: 320, 4: 20, 8: 20}  # warnings kept; rows without instant dropped
    finally:
        con.close()
    reasons = {(r["reason"], r["line"] % 20) for r in imp["rejects"]}
    assert {("unreadable_instant", 5), ("no_number", 17)} <= reasons  # header is line 1


def test_an_older_store_is_read_again_from_the_vault(sqlite_env: Env, tmp_path: Path) -> None:
    env = sqlite_env
    env.new_case("GT-1")
    env.ok("cdr", "import", "GT-1", str(_file(tmp_path)))
    number = next(iter(_numbers(random.Random(3), 30)))
    before = env.ok("phone", "top", "GT-1", number, "--json").json()["rows"]
    assert before
    con = duckdb.connect(str(_store(env)))
    con.execute("DROP TABLE peers")  # the version 5 layout
    con.execute("ALTER TABLE events DROP COLUMN problems")
    con.execute("UPDATE meta SET version = 5")
    con.close()
    assert env.ok("phone", "top", "GT-1", number, "--json").json()["rows"] == before
    con = duckdb.connect(str(_store(env)), read_only=True)
    try:
        assert con.execute("SELECT max(version) FROM meta").fetchone() == (store.STORE_VERSION,)
        assert con.execute("SELECT count(*) FROM peers").fetchone() == (360,)
    finally:
        con.close()


def test_degrees_by_lookups_and_from_the_graph_agree(sqlite_env: Env, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    env = sqlite_env
    env.new_case("GT-1")
    env.ok("cdr", "import", "GT-1", str(_file(tmp_path, 2000, 9)))
    targets = _numbers(random.Random(9), 30)[:4]
    by_lookup = env.ok("phone", "common", "GT-1", *targets, "--json").json()["rows"]
    assert by_lookup and all(r["degree"] > 0 for r in by_lookup)
    monkeypatch.setattr(contacts, "_DEGREE_LOOKUPS", 0)
    assert env.ok("phone", "common", "GT-1", *targets, "--json").json()["rows"] == by_lookup


def test_rejects_of_a_sheet_are_not_reported_on_another(sqlite_env: Env,
                                                        tmp_path: Path) -> None:
    env = sqlite_env
    env.new_case("GT-1")
    book = Workbook()
    first = book.active
    first.title = "Uno"
    first.append(["Número A", "Número B", "Fecha y hora"])
    first.append(["55550147", "55550183", "2026-10-02 19:58:12"])
    first.append(["55550147", "55550183", "2026-10-02 20:00:00"])
    second = book.create_sheet("Dos")
    second.append(["Número A", "Número B", "Fecha y hora"])
    second.append(["55550183", "55550147", "2026-10-03 08:00:00"])
    second.append(["55550183", "55550147", "2026-13-45 99:00:00"])
    path = tmp_path / "hojas.xlsx"
    book.save(path)
    imp = env.ok("cdr", "import", "GT-1", str(path), "--json").json()["imports"][0]
    assert (imp["rows_read"], imp["rows_kept"], imp["rows_rejected"]) == (4, 3, 1)
    assert [(r["sheet"], r["line"], r["reason"]) for r in imp["rejects"]] == [
        ("Dos", 3, "unreadable_instant")]
