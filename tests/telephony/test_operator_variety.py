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
