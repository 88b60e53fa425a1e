"""Operator files into a DuckDB staging table of text: one column per canonical field found,
plus ``line_no`` (the line in the CSV, or the row in the sheet) and ``part`` (the sheet).

CSV: the encoding (BOM, then UTF-8, else Windows-1252), the header line (the first of the first
40 lines with the most known header names) and the delimiter (``;``, ``,``, tab or ``|``, the one
that splits the header line into most cells) are decided here, then DuckDB reads the rest with
every column as text, so identifiers never become numbers. What DuckDB cannot decode (UTF-16
big-endian, Windows-1252's ``–``/``’``/``€``, a non-UTF-8 byte past the sample the encoding was
decided on) is first written out as UTF-8, line by line (each line UTF-8 if it is, else
Windows-1252), to a temporary file that DuckDB reads instead. XLSX: python-calamine reads each
sheet; the header row is found the same way on every sheet and sheets without one are left.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import duckdb

from sabueso.core.errors import InputError
from sabueso.telephony.columns import (
    CDR_ALIASES,
    Mapping,
    header_score,
    match_headers,
    missing_required,
)

SCAN_LINES = 40
DELIMITERS = (";", ",", "\t", "|")
XLSX_MAGIC = b"PK\x03\x04"  # XLSX and ODS (ZIP containers)
XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (OLE compound file)


@dataclass(slots=True)
class Layout:
    """What was decided about a file: recorded with the import so a court can see it."""

    format: str
    encoding: str | None = None
    delimiter: str | None = None
    parts: list[dict[str, Any]] = field(default_factory=list)  # per sheet: name, header, cols

    def as_dict(self) -> dict[str, Any]:
        return {"format": self.format, "encoding": self.encoding, "delimiter": self.delimiter,
                "parts": self.parts}


def _encoding(head: bytes) -> str:
    if head.startswith(b"\xff\xfe"):
        return "utf-16"
    if head.startswith(b"\xfe\xff"):
        return "utf-16-be"
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    if len(head) > 4 and head[1:4:2] == b"\x00\x00" and head[0] and head[2]:
        return "utf-16"  # UTF-16LE without a BOM
    if len(head) > 4 and head[0:3:2] == b"\x00\x00" and head[1] and head[3]:
        return "utf-16-be"  # without a BOM
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            return "cp1252"
    return "utf-8"


# Windows-1252 (what Excel on Windows writes as "CSV"): Latin-1 with printable characters
# (``€ ‚ „ … – — ‘ ’ “ ”``...) in 0x80-0x9F; its five undefined bytes stay Latin-1
_CP1252 = {b: bytes([b]).decode("cp1252") for b in range(0x80, 0xA0)
           if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
_FROM_LATIN1 = str.maketrans({chr(b): c for b, c in _CP1252.items()})


def _cp1252(data: bytes) -> str:
    return data.decode("latin-1").translate(_FROM_LATIN1)


def _decode(head: bytes, encoding: str) -> str:
    if encoding == "utf-16":
        if not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return head[: len(head) // 2 * 2].decode("utf-16-le", errors="ignore")
        return head[: len(head) // 2 * 2].decode("utf-16", errors="ignore")
    if encoding == "utf-16-be":
        return head[: len(head) // 2 * 2].decode("utf-16-be", errors="ignore").lstrip("\ufeff")
    if encoding == "cp1252":
        return _cp1252(head)
    return head.decode(encoding, errors="ignore").lstrip("\ufeff")


def _transcode(path: Path, encoding: str, out: Path) -> None:
    """``path`` as UTF-8 in ``out``: UTF-16 big-endian or Windows-1252 decoded; a file taken
    for UTF-8 line by line, each line as UTF-8 when it is, else as Windows-1252 (a file saved
    by several programs may mix them). The lines stay where they are, so line numbers still
    point into the original."""
    with open(path, "rb") as src, open(out, "wb") as dst:
        if encoding == "utf-16-be":
            decoder = codecs.getincrementaldecoder("utf-16-be")(errors="replace")
            first = True
            for block in iter(lambda: src.read(1 << 20), b""):
                text = decoder.decode(block)
                dst.write((text.lstrip("\ufeff") if first else text).encode("utf-8"))
                first = False
            dst.write(decoder.decode(b"", final=True).encode("utf-8"))
            return
        for line in src:
            if encoding == "cp1252":
                line = _cp1252(line).encode("utf-8")
            else:
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError:
                    line = _cp1252(line).encode("utf-8")
            dst.write(line)


def _split(line: str, delim: str) -> list[str]:
    return next(csv.reader([line], delimiter=delim), [])


def sniff_csv(path: Path, mapping: Mapping | None,
              aliases: dict[str, tuple[str, ...]] = CDR_ALIASES) -> tuple[str, str, int, list[str]]:
    """(encoding, delimiter, header line index from 0, headers) of a delimited text file."""
    with open(path, "rb") as fh:
        head = fh.read(256 * 1024)
    encoding = _encoding(head)
    lines = _decode(head, encoding).splitlines()[:SCAN_LINES]
    best: tuple[int, int, str, int] | None = None  # (score, cells, delimiter, index)
    candidates = range(len(lines))
    if mapping and mapping.header_row:
        candidates = range(mapping.header_row - 1, min(mapping.header_row, len(lines)))
    for index in candidates:
        for delim in DELIMITERS:
            cells = _split(lines[index], delim)
            if len(cells) < 2:
                continue
            score = header_score(cells, aliases)
            if mapping:
                score += len(match_headers(cells, mapping, {})) * 2
            key = (score, len(cells), delim, index)
            if best is None or key[:2] > best[:2]:
                best = key
    if best is None or best[0] == 0:
        raise InputError("error.telephony_no_header", location=str(path),
                         first=" | ".join(lines[:3])[:300])
    _score, _n, delim, index = best
    return encoding, delim, index, [c.strip() for c in _split(lines[index], delim)]


def _check(path: Path, part: str, headers: list[str], found: dict[str, int], kind: str) -> None:
    missing = missing_required(found, kind)
    if missing:
        raise InputError("error.telephony_columns", location=str(path) + (
            f" [{part}]" if part else ""), missing=", ".join(missing),
            found=", ".join(h for h in headers if h) or "-")


_DECLARED = re.compile(r"(?<![A-Za-z])(?:UTC|GMT)(?![A-Za-z])\s*(?:([+\-\u2212])\s*(\d{1,2})"
                       r"(?::?(\d{2}))?)?", re.IGNORECASE)
_HAS_ZONE = r"(Z|UTC|GMT|[+-]\d{2}:?\d{2})\s*$"


def declared_zone(headers: list[str], found: dict[str, int]) -> str | None:
    """The zone the date or time header says its values are in (``Start Time (UTC)``,
    ``Fecha/Hora GMT-6``): ``UTC`` or an offset ``-06:00``; None when it says none."""
    for name in ("datetime", "time", "date"):
        if name in found:
            m = _DECLARED.search(headers[found[name]])
            if m:
                if not m.group(1):
                    return "UTC"
                sign = "-" if m.group(1) in "-\u2212" else "+"
                return f"{sign}{int(m.group(2)):02d}:{int(m.group(3) or 0):02d}"
    return None


def _zoned(fields: tuple[str, ...], found: dict[str, int]) -> tuple[str, ...]:
    """The staged fields that carry the declared zone: the stamp and the time of day (the
    date alone only when there is nothing else)."""
    marked = tuple(f for f in ("datetime", "time") if f in found)
    return marked or tuple(f for f in ("date",) if f in found and f in fields)


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _stage_columns(fields: tuple[str, ...]) -> str:
    return ", ".join(f'"{f}" VARCHAR' for f in fields)


def create_stage(con: duckdb.DuckDBPyConnection, table: str, fields: tuple[str, ...]) -> None:
    """An empty staging table ``_csv`` and the view ``table`` over it."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE _csv (line_no INTEGER, part VARCHAR, "
                f"{_stage_columns(fields)})")
    con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM _csv")


def load_csv(con: duckdb.DuckDBPyConnection, path: Path, mapping: Mapping | None, table: str,
             aliases: dict[str, tuple[str, ...]] = CDR_ALIASES, kind: str = "cdr") -> Layout:
    encoding, delim, index, headers = sniff_csv(path, mapping, aliases)
    found = match_headers(headers, mapping, aliases)
    _check(path, "", headers, found, kind)
    fields = tuple(aliases)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(headers))) + "}"
    # the staged rows must keep the file's order: their rowid is their line number
    con.execute("SET preserve_insertion_order = true")

    def read(source: Path, enc: str) -> None:
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _csv AS SELECT * FROM read_csv(
            {_sql_str(str(source))}, delim={_sql_str(delim)}, header=false, skip={index + 1},
            columns={columns}, all_varchar=true, null_padding=true, strict_mode=false,
            auto_detect=false, quote='"', escape='"', encoding={_sql_str(enc)})""")

    try:
        if encoding == "utf-16-be":
            raise UnicodeError  # DuckDB reads UTF-16 little-endian only
        # DuckDB's Latin-1 is Windows-1252 without the bytes 0x80-0x9F (it stops on those)
        read(path, "latin-1" if encoding == "cp1252" else encoding)
    except (duckdb.InvalidInputException, UnicodeError) as exc:
        if isinstance(exc, duckdb.InvalidInputException) and "encoded" not in str(exc):
            raise
        fd, name = tempfile.mkstemp(prefix="sabueso-", suffix=".csv")
        os.close(fd)
        try:
            _transcode(path, encoding, Path(name))
            read(Path(name), "utf-8")  # the staged table is a copy: the file can go
        finally:
            os.unlink(name)
        if encoding == "utf-8":
            encoding = "utf-8+cp1252"  # a non-UTF-8 line past the sample
    # no trimming here (it would cost as much as reading): every use of a field cleans it
    # a stamp whose header declares its zone carries it (unless the value has its own)
    zone = declared_zone(headers, found)
    zoned = _zoned(fields, found) if zone else ()

    def pick(f: str) -> str:
        if f not in found:
            return "NULL::VARCHAR"
        c = f"c{found[f]}"
        if f in zoned:
            return (f"CASE WHEN regexp_matches({c}, '{_HAS_ZONE}') THEN {c} "
                    f"ELSE {c} || ' ' || {_sql_str(zone or '')} END")
        return c

    picks = ", ".join(pick(f) + f' AS "{f}"' for f in fields)
    # the staged rows are a view: the text is read once, and rowid is the data row's order
    used = ", ".join(f"c{i}" for i in sorted(set(found.values())))
    con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT "
                f"(rowid + {index + 2})::INTEGER AS line_no, '' AS part, {picks} FROM _csv "
                f"WHERE coalesce({used}) IS NOT NULL")  # blank lines are not records
    part: dict[str, Any] = {"part": "", "header_line": index + 1,
                            "columns": {f: headers[i] for f, i in found.items()}}
    if zone:
        part["declared_zone"] = zone
    return Layout("csv", encoding, delim, [part])


def _cell_text(value: Any) -> str | None:
    """A spreadsheet cell as text: integral floats without ``.0``, dates in ISO form."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        total = int(value.total_seconds())
        return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"
    return str(value).strip() or None


def _with_zone(text: str | None, zone: str | None) -> str | None:
    if text is None or zone is None or re.search(_HAS_ZONE, text):
        return text
    return text + " " + zone


def load_xlsx(con: duckdb.DuckDBPyConnection, path: Path, mapping: Mapping | None, table: str,
              aliases: dict[str, tuple[str, ...]] = CDR_ALIASES, kind: str = "cdr") -> Layout:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types
        raise InputError("error.telephony_unreadable", location=str(path),
                         reason=str(exc)) from None
    fields = tuple(aliases)
    create_stage(con, table, fields)
    layout = Layout("xlsx")
    first_failure: tuple[str, list[str], dict[str, int]] | None = None
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        texts = [[_cell_text(v) or "" for v in row] for row in rows[:SCAN_LINES]]
        scored = [(header_score(r, aliases) + (len(match_headers(r, mapping, {})) * 2
                                               if mapping else 0), -i)
                  for i, r in enumerate(texts)]
        if mapping and mapping.header_row and mapping.header_row <= len(texts):
            index = mapping.header_row - 1
        elif scored and max(scored)[0] > 0:
            index = -max(scored)[1]
        else:
            continue
        headers = texts[index]
        found = match_headers(headers, mapping, aliases)
        if missing_required(found, kind):
            first_failure = first_failure or (name, headers, found)
            continue
        zone = declared_zone(headers, found)
        zoned = _zoned(fields, found) if zone else ()
        data = [[index + 2 + n, name] + [
                    (_with_zone(_cell_text(r[found[f]]), zone) if f in zoned
                     else _cell_text(r[found[f]]))
                    if f in found and found[f] < len(r) else None for f in fields]
                for n, r in enumerate(rows[index + 1:])]
        data = [r for r in data if any(v is not None for v in r[2:])]
        if data:
            import pyarrow as pa  # type: ignore[import-untyped]

            cols = list(zip(*data, strict=True))
            arrow = pa.table({"line_no": pa.array(cols[0], pa.int32()),
                              "part": pa.array(cols[1], pa.string()),
                              **{f: pa.array(cols[2 + i], pa.string())
                                 for i, f in enumerate(fields)}})
            con.register("_sheet", arrow)
            con.execute("INSERT INTO _csv SELECT * FROM _sheet")
            con.unregister("_sheet")
        layout.parts.append({"part": name, "header_line": index + 1,
                             "columns": {f: headers[i] for f, i in found.items()},
                             **({"declared_zone": zone} if zone else {})})
    if not layout.parts:
        if first_failure:
            _check(path, first_failure[0], first_failure[1], first_failure[2], kind)
        raise InputError("error.telephony_no_header", location=str(path),
                         first=", ".join(book.sheet_names)[:300])
    return layout


def load(con: duckdb.DuckDBPyConnection, path: Path, mapping: Mapping | None, table: str,
         aliases: dict[str, tuple[str, ...]] = CDR_ALIASES, kind: str = "cdr") -> Layout:
    """Stage ``path`` (CSV or XLSX, told apart by content) into ``table``."""
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic in (XLSX_MAGIC, XLS_MAGIC):  # python-calamine reads XLSX, XLS and ODS
        return load_xlsx(con, path, mapping, table, aliases, kind)
    return load_csv(con, path, mapping, table, aliases, kind)


__all__ = ["Layout", "create_stage", "load", "load_csv", "load_xlsx", "sniff_csv"]
