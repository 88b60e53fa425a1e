"""Cell-site lists: identifier, coordinates (decimal, decimal comma or degrees-minutes-seconds
with N/S/E/W/O), azimuth, beamwidth, name or address. Lists are small (thousands of rows), so
coordinates are read in Python; each row keeps its line, and rows whose coordinates cannot be
read or are out of range (or the ``0`` placeholder) go to the rejects."""

from __future__ import annotations

import re

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]

_NUM = re.compile(r"\d+(?:[.,]\d+)?")
_HEMI = re.compile(r"[NSEWO]")


def coordinate(text: str | None, axis: str) -> float | None:
    """Degrees from ``14°37'12.5"N``, ``14 37 12.5 N``, ``-90,5123``, ``90.51 O``; None when
    unreadable, out of range for ``axis`` (lat|lon) or the ``0`` placeholder."""
    if text is None:
        return None
    t = text.strip().upper()
    if not t or t in ("-", "0", "0.0", "0,0", "NULL", "N/A", "ND"):
        return None
    hemi = _HEMI.findall(t.replace("ESTE", "E").replace("OESTE", "O"))
    parts = [float(p.replace(",", ".")) for p in _NUM.findall(t)]
    if not parts or len(parts) > 3 or len(hemi) > 1:
        return None
    if len(parts) > 1 and (parts[1] >= 60 or (len(parts) == 3 and parts[2] >= 60)):
        return None
    value = parts[0] + (parts[1] / 60 if len(parts) > 1 else 0) + (
        parts[2] / 3600 if len(parts) > 2 else 0)
    negative = t.lstrip().startswith("-") or (hemi and hemi[0] in "SWO")
    if hemi and ((axis == "lat") != (hemi[0] in "NS")):
        return None  # a longitude letter on a latitude, or the reverse
    value = -value if negative else value
    limit = 90.0 if axis == "lat" else 180.0
    if not -limit <= value <= limit or value == 0:
        return None
    return round(value, 7)


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    found = _NUM.search(text)
    return float(found.group().replace(",", ".")) if found else None


# a cell written as numbers in groups: CGI (MCC-MNC-LAC-CI), LAC-CI, in any separators
_GROUPS = "[0-9]+(?:[-/_ .:][0-9]+)+"


def _parts(expr: str) -> str:
    return (f"list_transform(string_split_regex({expr}, '[-/_ .:]'), "
            "lambda p: coalesce(nullif(ltrim(p, '0'), ''), '0'))")


def cell_forms(expr: str) -> str:
    """SQL: a struct of the forms a cell identifier is matched on: ``n`` the identifier with
    its groups of digits without leading zeros (``704-1-1234-5678``), ``k`` its last two
    groups (LAC-CI, ``1234-5678``), ``g`` how many groups (0: a name, matched as written)."""
    grouped = f"regexp_full_match({expr}, '{_GROUPS}')"
    return (f"(CASE WHEN {grouped} THEN {{'n': array_to_string({_parts(expr)}, '-'), "
            f"'k': array_to_string({_parts(expr)}[-2:], '-'), 'g': len({_parts(expr)})}} "
            f"ELSE {{'n': {expr}, 'k': {expr}, 'g': 0}} END)")


def same_cell(a: str, b: str) -> str:
    """SQL: whether cell forms ``a`` and ``b`` (``cell_forms``, equal ``k`` already) are one
    cell: the same identifier, or a LAC-CI and a CGI ending in it (two CGIs of different
    networks with the same LAC-CI are not)."""
    return f"({a}.n = {b}.n OR {a}.g = 2 OR {b}.g = 2)"


def _with_area(cell: str, lac: str) -> str:
    """SQL: a cell list's identifier, as LAC-CI when the area is in a column of its own and
    the cell's column holds only the cell's number."""
    return (f"CASE WHEN nullif(trim({lac}), '') IS NOT NULL AND regexp_full_match(trim({cell}), "
            f"'[0-9]+') THEN trim({lac}) || '-' || trim({cell}) ELSE {cell} END")


def normalise_cells(con: duckdb.DuckDBPyConnection, stage: str,
                    import_id: int) -> tuple[int, int, int]:
    """Insert the cells of ``stage`` into ``cells`` under ``import_id`` and what could not be
    read into ``rejects`` (caller's transaction); returns (read, kept, rejected)."""
    rows = con.execute(f"SELECT line_no, part, {_with_area('cell', 'lac')}, lat, lon, azimuth, "
                       f"beamwidth, name FROM {stage} ORDER BY line_no").fetchall()
    kept: list[tuple[object, ...]] = []
    rejected: list[tuple[object, ...]] = []
    for line_no, part, cell, lat_t, lon_t, az_t, bw_t, name in rows:
        lat, lon = coordinate(lat_t, "lat"), coordinate(lon_t, "lon")
        if not cell:
            rejected.append((line_no, part, "error", "cell", "", "no_cell"))
            continue
        if lat is None or lon is None:
            col, raw = ("lat", lat_t) if lat is None else ("lon", lon_t)
            rejected.append((line_no, part, "error", col, raw or "", "bad_coordinate"))
            continue
        azimuth = _number(az_t)
        if azimuth is not None and not 0 <= azimuth <= 360:
            rejected.append((line_no, part, "warning", "azimuth", az_t, "bad_azimuth"))
            azimuth = None
        kept.append((line_no, part, cell.strip().upper(), lat, lon, azimuth, _number(bw_t),
                     name))
    names = ("line_no", "part", "cell", "lat", "lon", "azimuth", "beamwidth", "name")
    types = (pa.int32(), pa.string(), pa.string(), pa.float64(), pa.float64(), pa.float64(),
             pa.float64(), pa.string())
    cols: list[tuple[object, ...]] = (list(zip(*kept, strict=True)) if kept
                                        else [() for _ in names])
    con.register("_cells_arrow", pa.table({n: pa.array(list(c), t)
                                           for n, c, t in zip(names, cols, types, strict=True)}))
    con.execute("INSERT INTO cells SELECT ?, line_no, cell, lat, lon, azimuth, beamwidth, name "
                "FROM _cells_arrow", [import_id])
    con.unregister("_cells_arrow")
    rnames = ("line_no", "part", "severity", "column_name", "raw", "reason")
    rcols: list[tuple[object, ...]] = (list(zip(*rejected, strict=True)) if rejected
                                        else [() for _ in rnames])
    con.register("_rej_arrow", pa.table({n: pa.array(list(c), pa.int32() if n == "line_no"
                                                     else pa.string())
                                         for n, c in zip(rnames, rcols, strict=True)}))
    con.execute("INSERT INTO rejects SELECT ?, * FROM _rej_arrow", [import_id])
    con.unregister("_rej_arrow")
    return len(rows), len(kept), sum(1 for r in rejected if r[2] == "error")
