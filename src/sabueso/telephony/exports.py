"""Analysis results to files: CSV and XLSX tables, GeoJSON and KML (Google Earth) timelines.

Analyses are views; writing one to a file is recorded in the custody ledger with the file's
path and SHA-256 (as ``sabueso graph --out`` does). An existing file is never overwritten.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from sabueso.cases.access import Action, authorize
from sabueso.core.errors import InputError, NotFound
from sabueso.custody import ledger
from sabueso.telephony.result import Result, iso
from sabueso.workspace import Workspace

TABLE_FORMATS = ("csv", "xlsx")
MAP_FORMATS = ("geojson", "kml")


def _cell(value: Any) -> Any:
    return iso(value) if isinstance(value, datetime) else value


def to_csv(result: Result) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([_cell(v) for v in row] for row in result.rows)
    return out.getvalue().encode("utf-8")


def to_xlsx(result: Result) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(result.analysis[:31])
    sheet.append(result.columns)
    for row in result.rows:
        # identifiers stay text: a spreadsheet must not turn an IMEI into 3.5E+14 again
        sheet.append([_cell(v) if not isinstance(v, int) or isinstance(v, bool)
                      or v < 10**11 else str(v) for v in row])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _points(result: Result) -> list[dict[str, Any]]:
    return [r for r in result.records() if r.get("lat") is not None and r.get("lon") is not None]


def to_geojson(result: Result) -> bytes:
    features = [{"type": "Feature",
                 "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
                 "properties": {k: _cell(v) for k, v in r.items() if k not in ("lat", "lon")}}
                for r in _points(result)]
    doc = {"type": "FeatureCollection", "features": features,
           "properties": {"case": result.case, **result.params}}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def to_kml(result: Result) -> bytes:
    """KML 2.2: one placemark per event (with its time, for Google Earth's time slider) and
    the path through the cells in order."""
    from lxml import etree

    ns = "http://www.opengis.net/kml/2.2"
    kml = etree.Element(f"{{{ns}}}kml", nsmap={None: ns})
    doc = etree.SubElement(kml, f"{{{ns}}}Document")
    etree.SubElement(doc, f"{{{ns}}}name").text = (
        f"{result.case} {result.params.get('number', '')}".strip())
    points = _points(result)
    for r in points:
        mark = etree.SubElement(doc, f"{{{ns}}}Placemark")
        etree.SubElement(mark, f"{{{ns}}}name").text = f"{r['cell']} {iso(r['time'])}"
        desc = "; ".join(f"{k}: {_cell(v)}" for k, v in r.items()
                         if k not in ("lat", "lon") and v is not None)
        etree.SubElement(mark, f"{{{ns}}}description").text = desc
        stamp = etree.SubElement(mark, f"{{{ns}}}TimeStamp")
        etree.SubElement(stamp, f"{{{ns}}}when").text = iso(r["time"])
        point = etree.SubElement(mark, f"{{{ns}}}Point")
        etree.SubElement(point, f"{{{ns}}}coordinates").text = f"{r['lon']},{r['lat']},0"
    if len(points) > 1:
        mark = etree.SubElement(doc, f"{{{ns}}}Placemark")
        etree.SubElement(mark, f"{{{ns}}}name").text = "path"
        line = etree.SubElement(mark, f"{{{ns}}}LineString")
        etree.SubElement(line, f"{{{ns}}}tessellate").text = "1"
        etree.SubElement(line, f"{{{ns}}}coordinates").text = " ".join(
            f"{r['lon']},{r['lat']},0" for r in points)
    return bytes(etree.tostring(kml, xml_declaration=True, encoding="UTF-8",
                                pretty_print=True))


WRITERS = {"csv": to_csv, "xlsx": to_xlsx, "geojson": to_geojson, "kml": to_kml}


def render(result: Result, fmt: str) -> bytes:
    if fmt not in WRITERS:
        raise InputError("error.telephony_format", format=fmt, known=", ".join(WRITERS))
    return WRITERS[fmt](result)


def export(ws: Workspace, ref: str, result: Result, fmt: str, out: Path) -> dict[str, Any]:
    """Write ``result`` to the new file ``out`` and record it (path, SHA-256) in the ledger."""
    actor, case = authorize(ws.db, ws.actor, ref, Action.EXPORT)
    data = render(result, fmt)
    out = out.absolute()
    if not out.parent.is_dir():
        raise NotFound("error.path_missing", location=str(out.parent))
    if out.exists():
        raise InputError("error.export_exists", location=str(out))
    tmp = out.with_name(f".{out.name}.partial")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    done = {"case": case.ref, "analysis": result.analysis, "params": result.params,
            "path": str(out), "format": fmt, "rows": len(result.rows),
            "sha256": hashlib.sha256(data).hexdigest()}
    with ws.db.begin() as conn:
        ledger.append(conn, chain=case.chain, actor=actor.name, action="telephony.export",
                      subject=f"case:{case.ref}", case_id=case.id,
                      details=json.loads(json.dumps(done, default=str)))
    return done
