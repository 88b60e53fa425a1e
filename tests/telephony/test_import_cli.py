"""``sabueso cdr import`` / ``cells import`` / ``cdr rebuild`` through the real command line:
evidence first, ledger, reruns, errors that name the file, rejects, XLSX, derived store."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import Env
from sabueso.telephony import importer

CSV = ("REPORTE DE LLAMADAS - OPERADOR FICTICIO\n"
       "Numero A;Numero B;Fecha;Hora;Duracion;Tipo;IMEI;Celda\n"
       "55550147;55550183;13/11/2026;19:58:12;00:01:35;VOZ SALIENTE;356938035643809;C1\n"
       "55550183;55550147;14/11/2026;20:12:40;0;SMS ENTRANTE;3.56938E+14;C1\n"
       "55550147;55550999;31/11/2026;17:45:03;12;VOZ SALIENTE;356938035643809;C2\n"
       "55550147;55550921;15/11/2026;07:00:00;1:02;VOZ SALIENTE;356938035643809;C2\n")


def _case(env: Env, tmp_path: Path) -> Path:
    env.new_case("GT-1")
    path = tmp_path / "sabana.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_import_records_evidence_ledger_rejects_and_reruns(env: Env, tmp_path: Path) -> None:
    path = _case(env, tmp_path)
    doc = env.ok("cdr", "import", "GT-1", str(path), "--operator", "Tigo", "--json").json()
    imp = doc["imports"][0]
    assert (imp["rows_read"], imp["rows_kept"], imp["rows_rejected"]) == (4, 3, 1)
    assert imp["date_order"] == "dmy" and imp["date_order_basis"] == "data"
    reasons = {(r["line"], r["column"], r["reason"]) for r in imp["rejects"]}
    assert reasons == {(5, "datetime", "unreadable_instant"),  # 31 November
                       (4, "imei", "excel_scientific")}
    evidence = env.ok("evidence", "GT-1", "--json").json()
    assert "sabana.csv" in json.dumps(evidence)
    log = env.ok("log", "GT-1", "--json").out
    assert "telephony.import" in log and '"rows_rejected": 1' in log.replace('":1', '": 1')
    again = env.ok("cdr", "import", "GT-1", str(path), "--operator", "Tigo", "--json").json()
    assert again["imports"][0]["already"] is True
    assert env.ok("log", "GT-1", "--json").out.count("telephony.import") == 1
    top = env.ok("phone", "top", "GT-1", "5555-0147", "--json").json()["rows"]
    assert {r["contact"]: r["events"] for r in top} == {"+50255550183": 2,
                                                       "+50255550921": 1}
    assert {r["contact"]: r["talk_seconds"] for r in top}["+50255550921"] == 62
    human = env.ok("phone", "top", "GT-1", "55550147").out
    assert "+50255550183" in human and "talk seconds" in human


def test_unknown_columns_name_the_file_and_leave_the_case_as_it_was(sqlite_env: Env,
                                                                    tmp_path: Path) -> None:
    env = sqlite_env
    env.new_case("GT-1")
    bad = tmp_path / "raro.csv"
    bad.write_text("Origen;Cosa;Otra\n1;2;3\n", encoding="utf-8")
    res = env.run("cdr", "import", "GT-1", str(bad))
    assert res.code == 2
    assert "raro.csv" in res.err and "datetime|date" in res.err and "Cosa" in res.err
    assert "raro.csv" not in env.ok("evidence", "GT-1", "--json").out
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  a: Origen\n  b: Cosa\n  datetime: Otra\n", encoding="utf-8")
    mixed = tmp_path / "mixto.csv"
    mixed.write_text("Origen;Cosa;Otra\n55550147;55550183;13/01/2026 10:00\n"
                     "55550147;55550183;01/13/2026 10:00\n", encoding="utf-8")
    res = env.run("cdr", "import", "GT-1", str(mixed), "--mapping", str(mapping))
    assert res.code == 2 and "mixto.csv" in res.err and "--date-order" in res.err
    ok = env.ok("cdr", "import", "GT-1", str(mixed), "--mapping", str(mapping),
                "--date-order", "dmy", "--json").json()["imports"][0]
    assert (ok["rows_kept"], ok["rows_rejected"]) == (1, 1)


def test_xlsx_header_below_a_preamble_and_several_sheets(sqlite_env: Env,
                                                         tmp_path: Path) -> None:
    env = sqlite_env
    env.new_case("GT-1")
    book = Workbook()
    first = book.active
    first.title = "Octubre"
    first.append(["Operador ficticio"])
    first.append([])
    first.append(["Número A", "Número B", "Fecha y hora", "Duración", "Tipo", "IMEI"])
    first.append(["55550147", "55550183", "2026-10-02 19:58:12-06:00", 30, "VOZ SALIENTE",
                  356938035643809])
    second = book.create_sheet("Noviembre")
    second.append(["calling_number", "called_number", "start_time", "duration"])
    second.append([55550183, 55550147, "2026-11-02T01:00:00Z", 5])
    book.create_sheet("Notas").append(["nada que ver"])
    path = tmp_path / "sabana.xlsx"
    book.save(path)
    imp = env.ok("cdr", "import", "GT-1", str(path), "--json").json()["imports"][0]
    assert (imp["rows_read"], imp["rows_kept"]) == (2, 2)
    assert [p["part"] for p in imp["layout"]["parts"]] == ["Octubre", "Noviembre"]
    rows = env.ok("phone", "top", "GT-1", "55550147", "--json").json()["rows"]
    assert rows[0]["first"].startswith("2026-10-03T01:58:12")  # -06:00 as written
    assert rows[0]["last"].startswith("2026-11-02T01:00:00")  # Z as written
    dev = env.ok("phone", "devices", "GT-1", "--json").json()["rows"]
    assert dev[0]["imei"] == "356938035643809"  # an IMEI the sheet held as a number


def test_store_is_derived_rebuild_and_resync(env: Env, tmp_path: Path) -> None:
    path = _case(env, tmp_path)
    env.ok("cdr", "import", "GT-1", str(path))
    before = env.ok("phone", "top", "GT-1", "55550147", "--json").json()["rows"]
    shutil.rmtree(env.home / "derived")
    assert env.ok("phone", "top", "GT-1", "55550147", "--json").json()["rows"] == before
    assert env.ok("cdr", "rebuild", "GT-1", "--json").json()["imports"] == 1
    assert env.ok("phone", "top", "GT-1", "55550147", "--json").json()["rows"] == before
    assert "telephony.rebuild" in env.ok("log", "GT-1", "--json").out
    listed = env.ok("cdr", "list", "GT-1", "--json").json()["imports"]
    assert [(r["kind"], r["rows_kept"]) for r in listed] == [("cdr", 3)]


def test_cells_import_and_need_to_know(sqlite_env: Env, tmp_path: Path) -> None:
    env = sqlite_env
    path = _case(env, tmp_path)
    cells = tmp_path / "celdas.csv"
    cells.write_text("ID Celda;Latitud;Longitud;Azimut;Dirección\n"
                     "C1;14°37'12\"N;90°30'0\"O;120;Zona 1\nC2;14,6;-90,5;400;Zona 4\n"
                     "C3;0;0;0;sin datos\n", encoding="latin-1")
    imp = env.ok("cells", "import", "GT-1", str(cells), "--json").json()["imports"][0]
    assert (imp["rows_read"], imp["rows_kept"], imp["rows_rejected"]) == (3, 2, 1)
    env.ok("cdr", "import", "GT-1", str(path))
    tl = env.ok("phone", "timeline", "GT-1", "55550147", "--json").json()["rows"]
    assert [(r["cell"], r["lat"]) for r in tl][:1] == [("C1", 14.62)]
    geo = json.loads(env.ok("phone", "timeline", "GT-1", "55550147", "--format",
                            "geojson").out)
    assert geo["features"][0]["geometry"]["coordinates"] == [-90.5, 14.62]
    env.ok("user", "add", "carla", "--role", "auditor")
    env.ok("case", "grant", "GT-1", "carla", "--role", "auditor")
    denied = env.run("phone", "top", "GT-1", "55550147", user="carla")
    assert denied.code == 3
    denied = env.run("cdr", "import", "GT-1", str(path), user="carla")
    assert denied.code == 3


def test_direction_letters_target_column_and_blank_lines(sqlite_env: Env,
                                                         tmp_path: Path) -> None:
    env = sqlite_env
    env.new_case("GT-1")
    path = tmp_path / "letras.csv"
    path.write_text("Telefono|Origen|Destino|Fecha Hora|Sentido|Servicio\n"
                    "55550147|55550147|55550183|2026-11-03 10:00:00|S|\n\n"
                    "55550147|55550921|55550147|2026-11-03 11:00:00|E|SMS\n\n",
                    encoding="utf-8")
    imp = env.ok("cdr", "import", "GT-1", str(path), "--json").json()["imports"][0]
    assert (imp["rows_read"], imp["rows_kept"], imp["rows_rejected"]) == (2, 2, 0)
    top = env.ok("phone", "top", "GT-1", "55550147", "--json").json()["rows"]
    assert {(r["contact"], r["outgoing"], r["incoming"], r["sms"]) for r in top} == {
        ("+50255550183", 1, 0, 0), ("+50255550921", 0, 1, 1)}


def test_mexican_sabana_with_coordinates_on_each_record(sqlite_env: Env,
                                                         tmp_path: Path) -> None:
    env = sqlite_env
    env.new_case("MX-1", country="MX")
    path = tmp_path / "sabana_telcel_ficticia.csv"
    path.write_text(
        "Telefono,Tipo,Numero A,Numero B,Fecha,Hora,Durac. Seg.,IMEI,Latitud,Longitud,Azimuth\n"
        "5512345678,VOZ SALIENTE,5512345678,5587654321,21/10/2026,08:15:00,65,"
        "356938035643809,19°25'42.5\"N,99°7'39.4\"O,120\n"
        "5512345678,MENSAJE 2 VIAS ENT,5587654321,5512345678,21/10/2026,08:40:00,0,"
        "356938035643809,\"19,4285\",\"-99,1276\",240\n", encoding="utf-8")
    imp = env.ok("cdr", "import", "MX-1", str(path), "--json").json()["imports"][0]
    assert (imp["rows_kept"], imp["rows_rejected"]) == (2, 0)
    tl = env.ok("phone", "timeline", "MX-1", "55 1234 5678", "--json").json()["rows"]
    assert [(r["peer"], r["direction"]) for r in tl] == [("+525587654321", "out"),
                                                        ("+525587654321", "in")]
    assert tl[0]["lat"] == 19.4284722 and tl[1]["lon"] == -99.1276
    assert [r["azimuth"] for r in tl] == [120.0, 240.0]  # the sector, written on each record
    assert tl[0]["time"].startswith("2026-10-21T14:15:00")  # Mexico City, UTC-6


def test_a_store_in_step_is_opened_read_only_by_several_readers(sqlite_env: Env,
                                                                tmp_path: Path) -> None:
    import duckdb
    import pytest

    from sabueso.telephony.importer import open_store

    env = sqlite_env
    path = _case(env, tmp_path)
    env.ok("cdr", "import", "GT-1", str(path))
    ws = env.workspace()
    _case1, first = open_store(ws, "GT-1")
    _case2, second = open_store(ws, "GT-1")
    try:
        assert first.execute("SELECT count(*) FROM events").fetchone() == (3,)
        assert second.execute("SELECT count(*) FROM events").fetchone() == (3,)
        with pytest.raises(duckdb.Error):
            first.execute("DELETE FROM events")
    finally:
        first.close()
        second.close()


def test_two_digit_years_and_am_pm(sqlite_env: Env, tmp_path: Path) -> None:
    env = sqlite_env
    env.new_case("GT-1")
    path = tmp_path / "corto.csv"
    path.write_text("Numero A,Numero B,Fecha,Hora,Tipo\n"
                    "55550147,55550183,03/11/26,19:58:12,VOZ SALIENTE\n"
                    "55550147,55550183,04/11/26,07:05:03 p. m.,VOZ SALIENTE\n"
                    "55550147,55550183,13/11/26,7:05:03 AM,VOZ SALIENTE\n", encoding="utf-8")
    env.ok("cdr", "import", "GT-1", str(path))
    rows = env.ok("phone", "timeline", "GT-1", "55550147", "--json").json()["rows"]
    assert [r["time"][:19] for r in rows] == ["2026-11-04T01:58:12", "2026-11-05T01:05:03",
                                              "2026-11-13T13:05:03"]


def test_date_column_named_like_a_datetime_with_a_time_column(sqlite_env: Env,
                                                              tmp_path: Path) -> None:
    env = sqlite_env
    env.new_case("GT-1")
    path = tmp_path / "inicio.csv"
    path.write_text("Número A (origen);Número B (destino);Fecha inicio;Hora inicio;"
                    "Duración (s)\n55550147;55550183;13/11/2026;08:30:00;42\n",
                    encoding="utf-8")
    env.ok("cdr", "import", "GT-1", str(path))
    rows = env.ok("phone", "top", "GT-1", "55550147", "--json").json()["rows"]
    assert rows[0]["first"].startswith("2026-11-13T14:30:00") and rows[0]["talk_seconds"] == 42


def test_sim_swap_fraud_shows_the_switch_and_the_return(sqlite_env: Env, tmp_path: Path) -> None:
    env = sqlite_env
    env.new_case("GT-1")
    victim, attacker = "356938035643809", "352099001761481"
    rows = [("01/11/2026 10:00:00", victim, "VOZ SALIENTE", "55550183"),
            ("14/11/2026 09:00:00", attacker, "SMS ENTRANTE", "55550999"),
            ("14/11/2026 09:05:00", attacker, "SMS ENTRANTE", "55550999"),
            ("14/11/2026 15:30:00", victim, "VOZ SALIENTE", "55550183")]
    path = tmp_path / "victima.csv"
    path.write_text("Telefono;Numero B;Fecha y hora;Tipo;IMEI\n" + "".join(
        f"55550147;{b};{ts};{typ};{imei}\n" for ts, imei, typ, b in rows), encoding="utf-8")
    env.ok("cdr", "import", "GT-1", str(path))
    swaps = env.ok("phone", "swaps", "GT-1", "--json").json()["rows"]
    changes = [(r["old"], r["new"], r["at"][:16]) for r in swaps
               if r["kind"] == "handset_change"]
    # compared on 14 digits, shown with the check digit (as written here, valid IMEIs)
    assert changes == [(victim, attacker, "2026-11-14T15:00"),
                       (attacker, victim, "2026-11-14T21:30")]


def test_a_file_with_no_readable_row_is_refused(sqlite_env: Env, tmp_path: Path) -> None:
    env = sqlite_env
    env.new_case("GT-1")
    path = tmp_path / "ilegible.csv"
    path.write_text("Numero A;Numero B;Fecha;Hora\n55550147;55550183;31/11/2026;10:00:00\n",
                    encoding="utf-8")
    res = env.run("cdr", "import", "GT-1", str(path))
    assert res.code == 2 and "ilegible.csv" in res.err and "line 2" in res.err
    assert "ilegible.csv" not in env.ok("evidence", "GT-1", "--json").out
    assert env.ok("cdr", "list", "GT-1", "--json").json()["imports"] == []


def test_intersect_ranks_a_phone_seen_elsewhere_below(sqlite_env: Env, tmp_path: Path) -> None:
    env = sqlite_env
    env.new_case("GT-1")
    head = "Numero A;Numero B;Fecha;Hora;Tipo;Celda\n"
    for k, cell in ((1, "S1"), (2, "S2")):
        dump = tmp_path / f"escena{k}.csv"
        dump.write_text(head + f"55550921;55550001;1{k}/11/2026;10:00:00;VOZ SALIENTE;{cell}\n"
                        f"55550333;55550002;1{k}/11/2026;10:05:00;VOZ SALIENTE;{cell}\n",
                        encoding="utf-8")
        env.ok("cdr", "import", "GT-1", str(dump), "--label", f"escena-{k}")
    courier = tmp_path / "mensajero.csv"  # the courier's own records: on five other cells
    courier.write_text(head + "".join(f"55550921;55550003;2{k}/11/2026;1{k}:00:00;VOZ SALIENTE;"
                                      f"C{k}\n" for k in range(5)), encoding="utf-8")
    env.ok("cdr", "import", "GT-1", str(courier))
    rows = env.ok("phone", "intersect", "GT-1", "--label", "escena-1", "--label", "escena-2",
                  "--json").json()["rows"]
    assert [(r["identifier"], r["other_cells"]) for r in rows] == [("+50255550333", 0),
                                                                   ("+50255550921", 5)]


def test_calling_and_called_columns_give_the_direction(sqlite_env: Env, tmp_path: Path) -> None:
    """No target line (two numbers as often) and no direction word: the A party (calling
    number) is the caller, so each record is outgoing from its line."""
    env = sqlite_env
    env.new_case("DO-1", country="DO")
    path = tmp_path / "cdr_en.csv"
    path.write_text(
        "calling_number,called_number,start_time,duration,call_type\n"
        "+18095550147,+18295550199,2026-11-13T19:58:12-04:00,95,voice\n"
        "+18295550199,+18095550147,2026-11-13T20:12:40-04:00,0,sms\n", encoding="utf-8")
    env.ok("cdr", "import", "DO-1", str(path))
    tl = env.ok("phone", "timeline", "DO-1", "809-555-0147", "--json").json()["rows"]
    assert [(r["peer"], r["direction"]) for r in tl] == [("+18295550199", "out")]
    top = env.ok("phone", "top", "DO-1", "8095550147", "--json").json()["rows"]
    assert [(r["outgoing"], r["incoming"]) for r in top] == [(1, 1)]


def test_a_file_read_by_an_earlier_importer_is_not_imported_twice(
        env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # after an upgrade, importing the same file with the same options again would have made a
    # second production of the same calls (the importer's version is part of an import's key)
    path = _case(env, tmp_path)
    with monkeypatch.context() as patch:
        patch.setattr(importer, "IMPORTER_VERSION", "1")
        first = env.ok("cdr", "import", "GT-1", str(path), "--json").json()["imports"][0]
    assert first["already"] is False
    again = env.ok("cdr", "import", "GT-1", str(path), "--json").json()["imports"][0]
    assert (again["already"], again["import"], again["importer_version"]) == (
        True, first["import"], "1")
    human = env.ok("cdr", "import", "GT-1", str(path)).out
    assert "read by importer version 1" in human and "sabueso cdr rebuild" in human
    listed = env.ok("cdr", "list", "GT-1", "--json").json()
    assert len(listed["imports"]) == 1
    # other options are another import, as before
    other = env.ok("cdr", "import", "GT-1", str(path), "--label", "escena-1", "--json").json()
    assert other["imports"][0]["already"] is False
