"""Column names of operator productions: Spanish and English header variants, mapping files.

Headers are compared folded: accents removed, lower case, everything but letters and digits
dropped (``Número B`` = ``numero_b`` = ``NUMERO B``). A mapping file (YAML) names the columns
of any other layout; see docs/telephony.md.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from sabueso.core.errors import InputError

# canonical field -> folded header names seen in productions (research note §2.1)
CDR_ALIASES: dict[str, tuple[str, ...]] = {
    "line": ("telefono", "numeroprincipal", "msisdn", "targetno", "target", "targetnumber",
             "lineaobjetivo", "numeroobjetivo", "linea", "numeroinvestigado", "abonado",
             "numerodetelefono", "numerotelefonico", "numeroconsultado", "numerosolicitado",
             "lineaconsultada", "telefonoconsultado"),
    "a": ("numeroa", "numa", "numorigen", "numeroorigen", "origen", "llamante", "callingnbr",
          "callingnumber", "callingparty", "apartynumber", "aparty", "anumber", "abonadoa",
          "from", "caller", "telefonoorigen", "msisdna", "originnumber", "numerodeorigen",
          "numerollamante", "originatingnumber", "originating", "origination"),
    "b": ("numerob", "numb", "dest", "destino", "numerodestino", "llamado", "bparty",
          "bpartyno", "bpartynumber", "callednbr", "callednumber", "dialeddigits", "bnumber",
          "abonadob", "to", "callee", "telefonodestino", "msisdnb", "destinationnumber",
          "correspondentid", "otherparty", "numdestino", "numerodedestino", "numerollamado",
          "terminatingnumber", "terminating", "destinatario", "numerodestinatario"),
    "datetime": ("fechahora", "fechayhora", "fechahorainicio", "starttime", "calltime",
                 "datetime", "timestamp", "calldatetime", "fechainicio", "inicio",
                 "eventtime", "eventtimestamp", "startdatetime", "datetimeutc", "seizuretime",
                 "answertime"),
    "date": ("fecha", "date", "calldate", "startdate", "fechallamada", "dia", "eventdate",
             "seizuredate"),
    "time": ("hora", "time", "horainicio", "calltimeofday", "starthour", "horallamada"),
    "duration": ("duracion", "duracseg", "duracionseg", "duracionsegundos", "dur", "durs",
                 "segundos", "duration", "callduration", "durationsec", "durationseconds",
                 "durationsecs", "duracionss", "tiempo", "segs", "seconds", "elapsedtime",
                 "tiempoaire", "tiempodeconversacion", "tiempodellamada", "tiemposeg",
                 "tiemposegundos", "tiempoenseg", "tiempoensegundos"),
    "type": ("tipo", "tipodellamada", "tipollamada", "tipoevento", "tiporegistro", "servicio",
             "serv", "type", "calltype", "eventtype", "recordtype", "interaction", "toc",
             "service"),
    "direction": ("direction", "sentido", "direccion", "mr", "calldirection", "tipodetrafico",
                  "trafico", "entrantesaliente", "salienteentrante", "es", "inout"),
    "imei": ("imei", "imeia", "numaimei", "imeiesn", "imeiabonado", "handset"),
    "imsi": ("imsi", "imsia", "numaimsi", "imsimin", "mobilesubscriberidentity"),
    "cell": ("celda", "idcelda", "cellid", "cell", "firstcgi", "1stcell", "cgi", "antena",
             "radiobase", "celdainicio", "firstcell", "celdainicial", "antennaid", "sitio",
             "bts", "cellidentity", "eci", "towerid", "celltowerid", "lacci", "laccid",
             "cellsite", "cellsiteid", "siteid", "ecgi", "cellglobalidentity", "celltower",
             "torre"),
    # the serving cell's coordinates written on each record (Mexican sabanas, some dumps)
    "lat": ("latitud", "latitude", "lat", "lata", "latitudcelda", "firstcgilat"),
    "lon": ("longitud", "longitude", "lon", "long", "lona", "longitudcelda", "firstcgilong"),
    "azimuth": ("azimuth", "azimut", "acimut", "anguloantena", "azimuthcelda"),
}
CELL_ALIASES: dict[str, tuple[str, ...]] = {
    "cell": CDR_ALIASES["cell"] + ("id", "identificador", "placeid", "codigo", "celdaid", "ci",
                                   "cid"),
    # lists that give the location (or tracking) area apart from the cell's own number: the
    # cell is then written LAC-CI, the form CDRs use (see ``cells.cell_key``)
    "lac": ("lac", "lacid", "tac", "lactac", "codigoarea", "codigodearea", "locationareacode",
            "trackingareacode"),
    "lat": ("lat", "latitud", "latitude", "coordenadan", "y"),
    "lon": ("lon", "long", "longitud", "longitude", "coordenadaw", "coordenadao", "lng", "x"),
    "azimuth": ("azimuth", "azimut", "acimut", "angulo", "anguloantena", "bearing"),
    "beamwidth": ("beamwidth", "anchohaz", "apertura", "anchodehaz", "hbw"),
    "name": ("nombre", "name", "sitename", "nombresitio", "direccion", "address", "ubicacion",
             "descripcion", "location"),
}
CDR_FIELDS = tuple(CDR_ALIASES)
CELL_FIELDS = tuple(CELL_ALIASES)


def fold(text: str) -> str:
    """A header as compared: no accents, lower case, letters and digits only."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]", "", plain.lower())


@dataclass(slots=True)
class Mapping:
    """How a file's columns are read: canonical field -> header text, plus reading options."""

    columns: dict[str, str] = field(default_factory=dict)
    date_order: str | None = None  # "dmy" | "mdy" | "ymd"
    header_row: int | None = None  # 1-based line (CSV) or row (sheet) of the header
    source: str | None = None  # the mapping file, for messages and the record

    def as_dict(self) -> dict[str, Any]:
        return {"columns": dict(sorted(self.columns.items())), "date_order": self.date_order,
                "header_row": self.header_row}


def load_mapping(path: Path, fields: tuple[str, ...] = CDR_FIELDS) -> Mapping:
    """Read a mapping file; every unknown key or field is an error naming the file."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError("error.telephony_mapping", location=str(path), reason=str(exc)) from None
    if not isinstance(doc, dict):
        raise InputError("error.telephony_mapping", location=str(path), reason="not a mapping")
    unknown = set(doc) - {"columns", "date_order", "header_row"}
    if unknown:
        raise InputError("error.telephony_mapping", location=str(path),
                         reason="unknown keys: " + ", ".join(sorted(map(str, unknown))))
    columns = doc.get("columns") or {}
    if not isinstance(columns, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in columns.items()):
        raise InputError("error.telephony_mapping", location=str(path),
                         reason="columns: field: header text")
    bad = sorted(set(columns) - set(fields))
    if bad:
        raise InputError("error.telephony_mapping", location=str(path),
                         reason="unknown fields: " + ", ".join(bad)
                         + " (known: " + ", ".join(fields) + ")")
    order = doc.get("date_order")
    if order is not None and order not in ("dmy", "mdy", "ymd"):
        raise InputError("error.telephony_mapping", location=str(path),
                         reason="date_order: dmy, mdy or ymd")
    row = doc.get("header_row")
    if row is not None and (not isinstance(row, int) or row < 1):
        raise InputError("error.telephony_mapping", location=str(path),
                         reason="header_row: a line number from 1")
    return Mapping(dict(columns), order, row, str(path))


def match_headers(headers: list[str], mapping: Mapping | None,
                  aliases: dict[str, tuple[str, ...]] = CDR_ALIASES) -> dict[str, int]:
    """Canonical field -> column index. Mapping entries win; then the first header whose folded
    name is a known variant of the field."""
    folded = [fold(h) for h in headers]
    found: dict[str, int] = {}
    taken: set[int] = set()
    if mapping:
        for name, header in mapping.columns.items():
            want = fold(header)
            if want in folded:
                found[name] = folded.index(want)
                taken.add(found[name])
    for name, variants in aliases.items():
        if name in found:
            continue
        for i, f in enumerate(folded):
            if i not in taken and f in variants:
                found[name] = i
                taken.add(i)
                break
    if aliases is CDR_ALIASES:
        for name, starts in CDR_PREFIXES.items():
            if name in found:
                continue
            for i, f in enumerate(folded):
                if i not in taken and f.startswith(starts) and not (
                        name in ("datetime", "date", "time") and _ends(f, starts)):
                    found[name] = i
                    taken.add(i)
                    break
        # "START_DATE" + "START_TIME", "Fecha" + "Inicio", "Fecha inicio" + "Start time": the
        # stamp without a date word holds the time of day (or a whole stamp, whose time is then
        # taken with the date column's date)
        if "time" not in found and "datetime" in found:
            if not _dated(folded[found["datetime"]]):
                if "date" in found:
                    found["time"] = found.pop("datetime")
            elif "date" not in found:
                stamps = set(aliases["datetime"])
                for i, f in enumerate(folded):
                    if i not in taken and not _dated(f) and (f in stamps or (
                            f.startswith(CDR_PREFIXES["datetime"])
                            and not _ends(f, CDR_PREFIXES["datetime"]))):
                        found["date"] = found.pop("datetime")
                        found["time"] = i
                        break
    return found


def _dated(folded: str) -> bool:
    return any(w in folded for w in ("fecha", "date", "dia", "timestamp"))


_END = re.compile(r"(?:de|del)?(?:fin|final|end|termin|cierre|colgado)")


def _ends(folded: str, starts: tuple[str, ...]) -> bool:
    """Whether a date or time header names the end of the event (``Fecha fin``, ``Hora de
    finalización``, ``DATE_END``): not the instant of the record."""
    rest = folded[len(next(s for s in starts if folded.startswith(s))):]
    return bool(_END.match(rest))


# second pass, for headers no exact name matched: the start of the folded name
CDR_PREFIXES: dict[str, tuple[str, ...]] = {
    "a": ("numeroa", "numa", "numeroorigen", "calling", "aparty", "anumber", "numorigen",
          "numerodeorigen", "numerollamante", "originating"),
    "b": ("numerob", "numb", "numerodestino", "called", "bparty", "bnumber", "dialed",
          "numdestino", "numerodedestino", "numerollamado", "terminating"),
    "datetime": ("fechahora", "fechayhora", "datetime", "timestamp", "starttime"),
    "date": ("fecha", "date"),
    "time": ("hora", "time"),
    "duration": ("durac", "duration", "segundos", "callduration"),
    "type": ("tipo", "calltype", "eventtype"),
    "direction": ("sentido", "direccion", "direction"),
    "imei": ("imei",),
    "imsi": ("imsi",),
    "cell": ("celda", "cellid", "cgi", "radiobase", "antena", "idcelda", "lacci", "cellsite",
             "bts", "ecgi"),
    "lat": ("latitud", "latitude"),
    "lon": ("longitud", "longitude"),
}


def header_score(cells: list[str], aliases: dict[str, tuple[str, ...]] = CDR_ALIASES) -> int:
    """How many cells of a row are known header names (to find the header row)."""
    known = {v for variants in aliases.values() for v in variants}
    starts = tuple(p for ps in CDR_PREFIXES.values() for p in ps) if aliases is CDR_ALIASES \
        else ()
    folded = [fold(c) for c in cells]
    return sum(2 if f in known else 1 if starts and f.startswith(starts) else 0
               for f in folded if f)


def missing_required(found: dict[str, int], kind: str = "cdr") -> list[str]:
    """Fields a file must have and lacks: a number and an instant (CDR); id, lat, lon (cells)."""
    if kind == "cells":
        return [f for f in ("cell", "lat", "lon") if f not in found]
    missing: list[str] = []
    if not ({"a", "line"} & set(found)):
        missing.append("a|line")
    if "datetime" not in found and "date" not in found:
        missing.append("datetime|date")
    return missing
