"""Operator productions the importer had not seen (robustness probe): encodings Excel and
operators' systems write, header names of Central American, Dominican, Mexican, Spanish and US
productions, date and time forms of switches and databases, Excel-damaged numbers, footers.
Each test asserts what a careful analyst expects of the records, read as ``cdr import`` reads
them (reader, then normalisation), or through the real command line."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import Env
from sabueso.telephony.normalise import Outcome, normalise
from sabueso.telephony.reader import load
from sabueso.telephony.store import DDL


def _read(path: Path, region: str = "GT", tz: str = "America/Guatemala",
          label: str | None = None) -> tuple[Outcome, dict[str, Any], list[tuple[Any, ...]],
                                             list[tuple[Any, ...]]]:
    """(outcome, layout, events, rejects) of one production, as ``cdr import`` reads it."""
    con = duckdb.connect()
    con.execute(DDL)
    layout = load(con, path, None, "stage").as_dict()
    out = normalise(con, "stage", region=region, tz=tz, date_order=None, where=str(path),
                    import_id=1, label=label)
    events = con.execute("SELECT line_no, line, peer, direction, kind, ts, duration, imei, "
                         "imei_flag, cell FROM events ORDER BY part, line_no").fetchall()
    rejects = con.execute("SELECT line_no, severity, column_name, raw, reason FROM rejects "
                          "ORDER BY line_no, column_name").fetchall()
    con.close()
    return out, layout, events, rejects


# --- encodings -----------------------------------------------------------------------------

def test_windows_1252_dash_and_quotes_are_read_not_a_crash(tmp_path: Path) -> None:
    # Excel on Windows saves "CSV" in Windows-1252: the en dash and curly quote are bytes
    # 0x96 and 0x92, which DuckDB's Latin-1 refused (internal error, exit 70)
    path = tmp_path / "tigo.csv"
    path.write_bytes(("Número Origen;Número Destino;Fecha y hora de inicio;Duración (seg);"
                      "Radio base\n"
                      "55550147;55550183;13/11/2026 19:58:12;95;Mixco – Peñón\n"
                      "55550147;55550921;14/11/2026 07:00:00;62;Zona 18 ’Sector 2’\n"
                      ).encode("cp1252"))
    out, layout, events, rejects = _read(path)
    assert layout["encoding"] == "cp1252"
    assert (out.rows_read, out.rows_kept) == (2, 2) and rejects == []
    assert [e[9] for e in events] == ["MIXCO – PEÑÓN", "ZONA 18 ’SECTOR 2’"]
    assert events[0][5] == datetime(2026, 11, 14, 1, 58, 12)


def test_a_latin_1_byte_past_the_sniffed_sample_is_read(tmp_path: Path) -> None:
    # the encoding is decided on the first 256 KiB; a "ñ" written in Latin-1 after that made
    # DuckDB stop the whole import ("not utf-8 encoded", exit 70)
    body = "".join(f"55550147;55550183;13/11/2026;{h:02d}:{m:02d}:00;Zona 1\n"
                   for h in range(24) for m in range(60)) * 6
    path = tmp_path / "late.csv"
    path.write_bytes(("Numero A;Numero B;Fecha;Hora;Celda\n" + body).encode("utf-8")
                     + "55550147;55550183;14/11/2026;10:00:00;Peñón\n".encode("cp1252"))
    assert path.stat().st_size > 256 * 1024
    out, layout, events, _ = _read(path)
    assert layout["encoding"] == "utf-8+cp1252"
    assert out.rows_kept == 24 * 60 * 6 + 1
    assert events[-1][9] == "PEÑÓN" and events[-1][0] == 24 * 60 * 6 + 2


def test_utf_16_big_endian_is_read_not_zero_rows(tmp_path: Path) -> None:
    # DuckDB's UTF-16 is little-endian: a big-endian file was "imported" with 0 rows, exit 0
    text = "Numero A,Numero B,Fecha,Hora\n70123456,76543210,13/11/2026,19:58:12\n" \
           "76543210,70123456,14/11/2026,20:00:00\n"
    for name, data in (("bom.csv", ("\ufeff" + text).encode("utf-16-be")),
                       ("nobom.csv", text.encode("utf-16-be"))):
        path = tmp_path / name
        path.write_bytes(data)
        out, layout, events, _ = _read(path, region="SV", tz="America/El_Salvador")
        assert layout["encoding"] == "utf-16-be"
        assert out.rows_kept == 2
        assert [e[0] for e in events] == [2, 3]
        assert {e[1] for e in events} | {e[2] for e in events} == {"+50370123456",
                                                                   "+50376543210"}


def test_cp1252_file_through_the_command_line(sqlite_env: Env, tmp_path: Path) -> None:
    env = sqlite_env
    env.new_case("GT-1")
    path = tmp_path / "sabana.csv"
    path.write_bytes(("Numero A;Numero B;Fecha;Hora;Celda\n"
                      "55550147;55550183;13/11/2026;19:58:12;Mixco – Peñón\n").encode("cp1252"))
    imp = env.ok("cdr", "import", "GT-1", str(path), "--json").json()["imports"][0]
    assert (imp["rows_read"], imp["rows_kept"]) == (1, 1)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_NAME = st.text(alphabet="abcñÑáéíóú –—‘’“”…€0123456789-", min_size=1, max_size=12).filter(
    lambda s: s.strip() == s and s.strip() != "" and s.strip("-") == s)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(_NAME, min_size=1, max_size=8),
       encoding=st.sampled_from(["cp1252", "utf-16-be", "utf-8", "mixed"]),
       delim=st.sampled_from([";", ",", "\t", "|"]))
def test_any_encoding_reads_back_the_cell_names(tmp_path: Path, names: list[str],
                                                encoding: str, delim: str) -> None:
    rows = [delim.join(["Numero A", "Numero B", "Fecha", "Hora", "Celda"])]
    rows += [delim.join(["55550147", "55550183", "13/11/2026", f"10:{i:02d}:00", f'"{n}"'])
             for i, n in enumerate(names)]
    if encoding == "mixed":  # a file appended to by two programs: UTF-8, then Windows-1252
        data = "\n".join(rows[:1]).encode("utf-8") + b"\n" + \
            "\n".join(rows[1:]).encode("cp1252") + b"\n"
    else:
        data = ("\n".join(rows) + "\n").encode(encoding)
    if encoding in ("cp1252", "mixed"):
        # bytes that are valid UTF-8 as a whole ("Ñ–" is D1 96, Cyrillic "і") are UTF-8
        assume(not _is_utf8(data))
    path = tmp_path / "p.csv"
    path.write_bytes(data)
    out, _layout, events, rejects = _read(path)
    assert out.rows_kept == len(names) and rejects == []
    assert [e[9] for e in events] == [n.upper() for n in names]
    assert [e[0] for e in events] == list(range(2, len(names) + 2))


# --- header names ---------------------------------------------------------------------------

def test_header_variants_of_the_region_name_their_fields() -> None:
    from sabueso.telephony.columns import match_headers

    seen = {"NUM. DESTINO": "b", "Num Destino": "b", "Número de destino": "b",
            "Numero de origen": "a", "Número llamante": "a", "Número llamado": "b",
            "Originating Number": "a", "Terminating Number": "b",
            "Número de teléfono": "line", "Número consultado": "line",
            "LAC-CI": "cell", "LAC/CI": "cell", "Cell Site": "cell", "Site ID": "cell",
            "ECGI": "cell", "BTS origen": "cell", "Tiempo (seg)": "duration",
            "Call Duration (sec)": "duration", "Seconds": "duration", "Tiempo aire": "duration",
            "Event Date": "date", "Seizure Time": "datetime", "Tipo de tráfico": "direction",
            "Entrante/Saliente": "direction", "E/S": "direction", "In/Out": "direction"}
    for header, want in seen.items():
        assert list(match_headers([header], None)) == [want], header


def test_salvadoran_num_origen_num_destino_keep_the_counterpart(tmp_path: Path) -> None:
    # "NUM. DESTINO" was not recognised: the called number was dropped without a word
    path = tmp_path / "claro_sv.csv"
    path.write_text("\ufeffMSISDN,NUM. ORIGEN,NUM. DESTINO,FECHA_HORA,DURACION,SENTIDO,CGI\n"
                    "70123456,70123456,76543210,2026-11-13 19:58:12,95,S,706-01-1234-56789\n"
                    "70123456,76543210,70123456,2026-11-13 20:00:00,12,E,706-01-1234-56789\n",
                    encoding="utf-8")
    _out, layout, events, _ = _read(path, region="SV", tz="America/El_Salvador")
    assert layout["parts"][0]["columns"]["b"] == "NUM. DESTINO"
    assert [(e[1], e[2], e[3]) for e in events] == [
        ("+50370123456", "+50376543210", "out"), ("+50370123456", "+50376543210", "in")]


def test_spanish_us_and_honduran_headers_import(tmp_path: Path) -> None:
    # each of these stopped with "required columns missing (a|line)"
    files = {
        "es.csv": ("ES", "Europe/Madrid",
                   "Número llamante;Número llamado;Fecha inicio;Hora inicio;Duración;"
                   "Tipo de llamada\n612345678;698765432;13/11/2026;19:58:12;95;Saliente\n"),
        "us.csv": ("US", "America/New_York",
                   "Originating Number,Terminating Number,Date,Time,Duration (min:sec),"
                   "Call Direction,Cell Site\n"
                   "(202) 555-0147,(202) 555-0183,11/13/2026,7:58 PM,1:35,MO,123\n"),
        "hn.csv": ("HN", "America/Tegucigalpa",
                   "Número de teléfono;Número destino;Fecha de inicio;Hora de inicio;"
                   "Duración en segundos;Tipo de servicio;Tipo de tráfico;LAC-CI\n"
                   "99887766;33445566;13/11/2026;19:58:12;95;SMS;Entrante;1234-5678\n"),
    }
    got = {}
    for name, (region, tz, text) in files.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        out, _layout, events, _ = _read(path, region=region, tz=tz)
        assert out.rows_kept == 1, name
        got[name] = events[0][1:8]
    assert got["es.csv"] == ("+34612345678", "+34698765432", "out", "voice",
                             datetime(2026, 11, 13, 18, 58, 12), 95, None)
    assert got["us.csv"] == ("+12025550147", "+12025550183", "out", "voice",
                             datetime(2026, 11, 14, 0, 58), 95, None)
    assert got["hn.csv"] == ("+50499887766", "+50433445566", "in", "sms",
                             datetime(2026, 11, 14, 1, 58, 12), 95, None)
    with_cell = _read(tmp_path / "hn.csv", region="HN", tz="America/Tegucigalpa")[2]
    assert with_cell[0][9] == "1234-5678"


def test_end_date_column_is_not_the_date_of_the_record(tmp_path: Path) -> None:
    # "Fecha fin" was taken as the date by its prefix and joined to "Hora inicio": a call
    # that crossed midnight was put a day late
    path = tmp_path / "fin.csv"
    path.write_text("Numero A;Numero B;Fecha inicio;Hora inicio;Fecha fin;Hora fin\n"
                    "55550147;55550183;13/11/2026;23:59:00;14/11/2026;00:01:00\n",
                    encoding="utf-8")
    _out, layout, events, _ = _read(path)
    assert "Fecha fin" not in layout["parts"][0]["columns"].values()
    assert events[0][5] == datetime(2026, 11, 14, 5, 59)  # 23:59 in Guatemala (UTC-6)


@settings(max_examples=60, deadline=None)
@given(start_date=st.sampled_from(["Fecha inicio", "Fecha", "START_DATE", "Fecha de inicio",
                                   "Date"]),
       start_time=st.sampled_from(["Hora inicio", "Hora", "START_TIME", "Hora de inicio",
                                   "Time", "Inicio"]),
       end=st.lists(st.sampled_from(["Fecha fin", "Hora fin", "Fecha final", "Hora final",
                                     "Fecha de finalización", "Hora de fin", "END_DATE",
                                     "END_TIME", "Date End", "Time End", "Fecha cierre"]),
                    max_size=4, unique=True),
       seed=st.randoms(use_true_random=False))
def test_start_columns_are_the_instant_whatever_the_end_columns(
        start_date: str, start_time: str, end: list[str], seed: Any) -> None:
    from sabueso.telephony.columns import match_headers

    headers = ["Numero A", start_date, start_time, *end]
    seed.shuffle(headers)
    found = {k: headers[i] for k, i in match_headers(headers, None).items()}
    assert found.get("date", found.get("datetime")) == start_date
    assert found.get("time") == start_time
    assert not set(end) & set(found.values())


# --- dates and times ------------------------------------------------------------------------

_ES = ["ENE", "FEB", "MAR", "ABR", "MAY", "JUN", "JUL", "AGO", "SEP", "OCT", "NOV", "DIC"]
_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_ES_LONG = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
            "septiembre", "octubre", "noviembre", "diciembre"]


def _forms(t: datetime) -> dict[str, tuple[str, str]]:
    """(header line, value) of one local instant in the forms switches and databases write."""
    h12 = (t.hour % 12) or 12
    ap = "PM" if t.hour >= 12 else "AM"
    mon = _ES[t.month - 1] if t.month % 2 else _EN[t.month - 1].upper()
    return {
        "compact": ("FECHA_HORA", t.strftime("%Y%m%d%H%M%S")),
        "compact_t": ("FECHA_HORA", t.strftime("%Y%m%dT%H%M%S")),
        "compact_split": ("START_DATE;START_TIME", t.strftime("%Y%m%d;%H%M%S")),
        "oracle": ("FECHA_HORA", f"{t.day:02d}-{mon}-{t.year % 100:02d} {h12:02d}."
                                 f"{t.minute:02d}.{t.second:02d}.000000 {ap}"),
        "spanish_words": ("Fecha y hora", f"{t.day} de {_ES_LONG[t.month - 1]} de {t.year} "
                                          f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}"),
        "english_mdy": ("Date/Time", f"{_EN[t.month - 1]} {t.day}, {t.year} {h12}:{t.minute:02d}"
                                     f":{t.second:02d} {ap}"),
        "mon_split": ("Fecha;Hora", f"{t.day:02d}-{_EN[t.month - 1].lower()}-{t.year};"
                                    f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}"),
    }


def test_switch_and_database_date_forms_are_read(tmp_path: Path) -> None:
    # compact YYYYMMDDHHMMSS, Oracle's 13-NOV-26 07.58.12.000000 PM and months by name were
    # all "unreadable date or time": nothing imported
    local = datetime(2026, 11, 13, 19, 58, 12)
    for name, (header, value) in _forms(local).items():
        path = tmp_path / f"{name}.csv"
        path.write_text(f"Numero A;Numero B;{header}\n55550147;55550183;{value}\n",
                        encoding="utf-8")
        out, _layout, events, rejects = _read(path)
        assert rejects == [] and out.rows_kept == 1, (name, value, rejects)
        assert events[0][5] == datetime(2026, 11, 14, 1, 58, 12), (name, value)
        # how the dates were read is said as written (these were all reported "year first")
        assert out.date_order_basis == BASIS[name], (name, out.date_order_basis)


BASIS = {"compact": "compact", "compact_t": "compact", "compact_split": "compact",
         "oracle": "names", "spanish_words": "names", "english_mdy": "names",
         "mon_split": "names"}


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(local=st.datetimes(datetime(2000, 1, 1), datetime(2037, 12, 31)).map(
    lambda d: d.replace(microsecond=0)), form=st.sampled_from(sorted(_forms(datetime.now()))))
def test_any_instant_in_those_forms_reads_back(tmp_path: Path, local: datetime,
                                               form: str) -> None:
    header, value = _forms(local)[form]
    path = tmp_path / "p.csv"
    path.write_text(f"Numero A;Numero B;{header}\n55550147;55550183;{value}\n",
                    encoding="utf-8")
    _out, _layout, events, rejects = _read(path, tz="UTC")
    assert rejects == [] and events[0][5] == local, (value, rejects)


# --- a zone the header declares -------------------------------------------------------------

def test_a_header_that_says_utc_is_not_read_in_the_case_zone(tmp_path: Path) -> None:
    # "Start Time (UTC)" values were read as local time in --tz: 5 hours off in New York
    path = tmp_path / "us.csv"
    path.write_text("Calling Number,Called Number,Start Time (UTC),Duration (sec)\n"
                    "2025550147,2025550183,11/14/2026 00:58:12,108\n"
                    "2025550147,2025550183,2026-11-13T19:58:12-05:00,108\n", encoding="utf-8")
    _out, layout, events, _ = _read(path, region="US", tz="America/New_York")
    assert layout["parts"][0]["declared_zone"] == "UTC"
    assert [e[5] for e in events] == [datetime(2026, 11, 14, 0, 58, 12)] * 2
    split = tmp_path / "gt.csv"
    split.write_text("Numero A;Numero B;Fecha;Hora (GMT-6)\n"
                     "55550147;55550183;13/11/2026;19:58:12\n", encoding="utf-8")
    assert _read(split, tz="UTC")[2][0][5] == datetime(2026, 11, 14, 1, 58, 12)
    local = tmp_path / "local.csv"
    local.write_text("Numero A;Numero B;Fecha;Hora local\n"
                     "55550147;55550183;13/11/2026;19:58:12\n", encoding="utf-8")
    _out, layout, events, _ = _read(local)
    assert "declared_zone" not in layout["parts"][0]
    assert events[0][5] == datetime(2026, 11, 14, 1, 58, 12)


def test_a_sheet_whose_header_says_gmt_minus_6(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Numero A", "Numero B", "Fecha/Hora (GMT-6)"])
    sheet.append(["55550147", "55550183", datetime(2026, 11, 13, 19, 58, 12)])
    sheet.append(["55550147", "55550183", "2026-11-13T19:58:12Z"])
    path = tmp_path / "p.xlsx"
    book.save(path)
    _out, layout, events, _ = _read(path, tz="America/New_York")
    assert layout["parts"][0]["declared_zone"] == "-06:00"
    assert [e[5] for e in events] == [datetime(2026, 11, 14, 1, 58, 12),
                                      datetime(2026, 11, 13, 19, 58, 12)]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(local=st.datetimes(datetime(2000, 1, 1), datetime(2037, 12, 31)).map(
    lambda d: d.replace(microsecond=0)), hours=st.integers(-12, 14),
    minutes=st.sampled_from([0, 30, 45]), word=st.sampled_from(["UTC", "GMT", "utc"]),
    tz=st.sampled_from(["America/Guatemala", "America/Santo_Domingo", "Europe/Madrid"]))
def test_any_declared_offset_reads_back(tmp_path: Path, local: datetime, hours: int,
                                        minutes: int, word: str, tz: str) -> None:
    from datetime import timedelta

    sign = "-" if hours < 0 else "+"
    header = f"Fecha y hora ({word}{sign}{abs(hours)}:{minutes:02d})" if hours or minutes \
        else f"Fecha y hora ({word})"
    path = tmp_path / "p.csv"
    path.write_text(f"Numero A;Numero B;{header}\n"
                    f"55550147;55550183;{local:%d/%m/%Y %H:%M:%S}\n", encoding="utf-8")
    _out, _layout, events, rejects = _read(path, tz=tz)
    offset = timedelta(hours=abs(hours), minutes=minutes) * (-1 if hours < 0 else 1)
    assert rejects == [] and events[0][5] == local - offset


# --- Excel-damaged numbers, footers, direction words (lead, after the probe) ---------------

def test_a_number_in_scientific_notation_is_no_counterpart_and_is_flagged(
        tmp_path: Path) -> None:
    # Excel shows 50255550183 as 5.02556E+10 and saves it so: digits are lost. It was kept as
    # the made-up counterpart "502556+10"; now the record has no counterpart and a warning
    path = tmp_path / "excel.csv"
    path.write_text("Numero A;Numero B;Fecha;Hora;Tipo\n"
                    "55550147;5.02556E+10;13/11/2026;19:58:12;VOZ SALIENTE\n"
                    "55550147;55550183;13/11/2026;20:00:00;Llamada originada\n"
                    "55550921;55550147;13/11/2026;21:00:00;Llamada terminada\n",
                    encoding="utf-8")
    out, _layout, events, rejects = _read(path)
    assert (out.rows_read, out.rows_kept, out.warnings) == (3, 3, 1)
    assert [(e[0], e[1], e[2], e[3]) for e in events] == [
        (2, "+50255550147", None, "out"), (3, "+50255550147", "+50255550183", "out"),
        (4, "+50255550147", "+50255550921", "in")]
    assert rejects == [(2, "warning", "b", "5.02556E+10", "number_scientific")]


@given(st.integers(1, 9), st.integers(0, 10**6), st.sampled_from(["E+", "e+", "E", "e"]),
       st.integers(1, 12), st.sampled_from(["", "+"]))
def test_scientific_notation_is_never_a_number(lead: int, frac: int, mark: str, exp: int,
                                               plus: str) -> None:
    from sabueso.telephony.phones import canonical, scientific, to_e164

    text = f"{plus}{lead}.{frac}{mark}{exp}"
    assert scientific(text)
    assert canonical(text, "GT") == ""
    assert to_e164(text, "GT") is None


def test_a_footer_line_is_rejected_with_its_text(tmp_path: Path) -> None:
    # "Total de registros" under the records: rejected (not a record), with its text and a
    # reason that says what it likely is, not an empty "unreadable date"
    path = tmp_path / "footer.csv"
    path.write_text("Numero A;Numero B;Fecha;Hora\n"
                    "55550147;55550183;13/11/2026;19:58:12\n"
                    "Total de registros: 1;;;\n", encoding="utf-8")
    out, _layout, events, rejects = _read(path)
    assert (out.rows_kept, out.rows_rejected) == (1, 1) and len(events) == 1
    assert rejects == [(3, "error", "datetime", "Total de registros: 1", "no_instant")]


# --- one cell written in several forms (lead, after the probe) ------------------------------

def test_a_cell_list_with_the_area_in_its_own_column_names_cells_lac_ci(
        tmp_path: Path) -> None:
    from sabueso.telephony.cells import normalise_cells
    from sabueso.telephony.columns import CELL_ALIASES

    path = tmp_path / "celdas.csv"
    path.write_text("MCC;MNC;LAC;CI;Latitud;Longitud\n"
                    "704;01;01234;5678;14.6;-90.5\n"
                    "704;01;;9999;14.7;-90.6\n", encoding="utf-8")
    con = duckdb.connect()
    con.execute(DDL)
    load(con, path, None, "stage", CELL_ALIASES, "cells")
    assert normalise_cells(con, "stage", 1) == (2, 2, 0)
    assert con.execute("SELECT cell FROM cells ORDER BY line_no").fetchall() == [
        ("01234-5678",), ("9999",)]


def _cells_case() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(DDL)
    con.execute("INSERT INTO imports VALUES (1, 1, 'k', 'cdr', NULL, 7, 4)")
    for line, cell, minute in (("+50255550147", "704-01-01234-05678", 0),  # a CGI
                               ("+50255550183", "1234/5678", 5),  # the same cell, LAC-CI
                               ("+50255550921", "704-02-1234-5678", 6),  # another network
                               ("+50255550147", "704-01-2222-3333", 30)):
        con.execute("INSERT INTO events (import_id, line_no, line, kind, ts, cell) VALUES "
                    "(1, ?, ?, 'voice', ?, ?)",
                    [minute, line, datetime(2026, 11, 13, 20, minute), cell])
    # the cell list writes LAC-CI; 2222-3333 is listed by two networks: no place is guessed
    for k, (cell, lat) in enumerate((("1234-5678", 14.6), ("704-01-2222-3333", 14.7),
                                     ("704-02-2222-3333", 14.8))):
        con.execute("INSERT INTO cells VALUES (2, ?, ?, ?, -90.5, NULL, NULL, ?)",
                    [k, cell, lat, f"Sitio {k}"])
    return con


def test_a_cgi_and_a_lac_ci_are_one_cell_for_colocation_and_timeline() -> None:
    from sabueso.telephony import places

    con = _cells_case()
    met = places.colocation(con, "X", "+50255550147", "+50255550183", 900).records()
    assert [(m["cell"], m["seconds_apart"], m["lat"]) for m in met] == [
        ("704-01-01234-05678", 300, 14.6)]
    # the same LAC-CI in another network's CGI is another cell
    assert places.colocation(con, "X", "+50255550147", "+50255550921", 900).rows == []
    line = places.timeline(con, "X", "+50255550147").records()
    assert [(r["cell"], r["lat"]) for r in line] == [("704-01-01234-05678", 14.6),
                                                      ("704-01-2222-3333", 14.7)]


@given(st.integers(0, 999), st.integers(0, 99), st.integers(1, 65535), st.integers(1, 65535),
       st.sampled_from(["-", "/", "_", " ", ".", ":"]), st.integers(0, 2))
def test_cell_forms_of_a_cgi_end_in_its_lac_ci(mcc: int, mnc: int, lac: int, ci: int,
                                                sep: str, pad: int) -> None:
    from sabueso.telephony.cells import cell_forms

    cgi = sep.join([f"{mcc:03d}", f"{mnc:02d}", "0" * pad + str(lac), "0" * pad + str(ci)])
    short = f"{lac}-{ci}"
    con = duckdb.connect()
    got = con.execute(f"SELECT {cell_forms('$c')}, {cell_forms('$s')}",
                      {"c": cgi, "s": short}).fetchone()
    assert got is not None
    assert got[0] == {"n": f"{mcc}-{mnc}-{lac}-{ci}", "k": short, "g": 4}
    assert got[1] == {"n": short, "k": short, "g": 2}


def test_one_site_written_in_two_coordinate_forms_is_one_cell(tmp_path: Path) -> None:
    # Mexican sabanas write the serving site on each record; one production in degrees-
    # minutes-seconds, another in decimals with a comma: the same cell (and two sectors of
    # the site, by their azimuth, two cells)
    from sabueso.telephony import places

    con = duckdb.connect()
    con.execute(DDL)
    con.execute("INSERT INTO imports VALUES (1, 1, 'k', 'cdr', NULL, 7, 2)")
    files = {
        "a.csv": "Numero A,Numero B,Fecha,Hora,Latitud,Longitud,Azimuth\n"
                 "5512345678,5587654321,21/10/2026,08:15:00,19°25'42.5\"N,99°7'39.4\"O,120\n"
                 "5512345678,5587654321,21/10/2026,09:15:00,19°25'42.5\"N,99°7'39.4\"O,240\n",
        "b.csv": "Numero A,Numero B,Fecha,Hora,Latitud,Longitud,Azimuth\n"
                 "5511112222,5533334444,21/10/2026,08:20:00,\"19,4284722\",\"-99,1276111\","
                 "120\n"}
    for k, (name, text) in enumerate(files.items(), start=1):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        load(con, path, None, "stage")
        normalise(con, "stage", region="MX", tz="America/Mexico_City", date_order=None,
                  where=name, import_id=k)
    cells = sorted(r[0] for r in con.execute("SELECT DISTINCT cell FROM events").fetchall())
    assert cells == ["LL 19.42847 -99.12761 A120", "LL 19.42847 -99.12761 A240"]
    met = places.colocation(con, "X", "+525512345678", "+525511112222", 900).records()
    assert [(m["cell"], m["seconds_apart"]) for m in met] == [
        ("LL 19.42847 -99.12761 A120", 300)]


@given(st.from_regex(r"[2-9][0-9]{9}", fullmatch=True), st.sampled_from(["044", "045", "01"]))
def test_mexican_numbers_as_dialled_before_2019_are_the_same_number(national: str,
                                                                    prefix: str) -> None:
    # older sábanas write mobiles 044/045 + 10 digits and long distance 01 + 10 digits;
    # since August 2019 every number is its 10 digits: one number, one entity
    from sabueso.telephony.phones import to_e164

    now = to_e164(national, "MX")
    assert to_e164(prefix + national, "MX") == now
    assert to_e164(f"{prefix} {national[:2]} {national[2:6]} {national[6:]}", "MX") == now
    if now is not None:
        assert to_e164(prefix + national, "GT") != now  # only where the case is Mexican
