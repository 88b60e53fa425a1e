"""Synthetic operator productions with planted truths (research note §7), for tests and the
benchmark. Everything is invented: numbers are Guatemalan mobile ranges chosen at random
(they may exist; never mix these files with case data), and files say SYNTHETIC.

Two parts:

* ``World`` (small, Python): subscribers with handsets and SIMs, cells, background traffic,
  and the planted scenarios: a hidden cell (five members who never call each other but share
  three intermediaries who reach a leader), a burner swap in the same handset (plus a decoy
  new line with little overlap), two lines travelling together across six cells (plus a
  decoy pair sharing one mall cell once), and three robbery scenes with two perpetrators at
  all three, a third at two, and a courier at all three who is also in five control dumps.
  ``write_production`` writes any list of events in a *dialect* (delimiter, encoding, Spanish
  or English headers, split or combined date and time, day/month order, local time or UTC,
  Excel-damaged IMEIs, preamble lines, number forms); ``truth.json`` says what must be found.
* ``bulk_csv`` (large, DuckDB SQL): N background records written straight to a CSV in the
  Spanish split-date dialect, for the 10 M benchmark, with the small world's files beside it.

Usage: ``python bench/cdr_gen.py OUT_DIR [--events N]``.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("America/Guatemala")
START = datetime(2026, 10, 1, 6, 0, tzinfo=UTC)  # 30 days from here
DAYS = 30


@dataclass(frozen=True, slots=True)
class Event:
    """One record as the operator of ``line`` would write it (target-centric)."""

    line: str  # national 8 digits, the line whose handset/SIM/cell these are
    peer: str | None
    direction: str  # out | in
    kind: str  # voice | sms | data
    ts: datetime  # UTC
    duration: int
    imei: str
    imsi: str
    cell: str


def luhn(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


@dataclass(slots=True)
class Sub:
    number: str
    imei: str
    imsi: str
    home: int  # cell index


@dataclass(slots=True)
class World:
    seed: int = 7
    n_subs: int = 400
    n_cells: int = 60
    rng: random.Random = field(init=False)
    subs: list[Sub] = field(default_factory=list)
    cells: list[tuple[str, float, float, int]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    truth: dict[str, Any] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    targets: list[Sub] = field(default_factory=list)
    dumps: dict[str, list[Event]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        for i in range(self.n_cells):
            self.cells.append((f"GT-C{i:04d}", round(14.55 + self.rng.random() * 0.1, 6),
                               round(-90.60 + self.rng.random() * 0.1, 6), (i % 3) * 120))
        for _ in range(self.n_subs):
            self.subs.append(self.new_sub())

    def new_number(self) -> str:
        while True:
            n = str(self.rng.randint(30000000, 59999999))
            if n not in self.used:
                self.used.add(n)
                return n

    def new_sub(self, imei: str | None = None) -> Sub:
        if imei is None:
            body = "35" + "".join(str(self.rng.randint(0, 9)) for _ in range(12))
            imei = body + luhn(body)
        imsi = "70401" + "".join(str(self.rng.randint(0, 9)) for _ in range(10))
        return Sub(self.new_number(), imei, imsi, self.rng.randrange(self.n_cells))

    def when(self, day: int | None = None) -> datetime:
        d = self.rng.randrange(DAYS) if day is None else day
        return START + timedelta(days=d, seconds=self.rng.randrange(15 * 3600))

    def call(self, a: Sub, b: Sub | str, ts: datetime, kind: str = "voice",
             cell_a: int | None = None, cell_b: int | None = None) -> None:
        """One communication: the caller's record, and the callee's when it is a subscriber."""
        dur = self.rng.randint(5, 600) if kind == "voice" else 0
        cells = self.cells
        peer = b.number if isinstance(b, Sub) else b
        self.events.append(Event(a.number, peer, "out", kind, ts, dur, a.imei, a.imsi,
                                 cells[a.home if cell_a is None else cell_a][0]))
        if isinstance(b, Sub):
            self.events.append(Event(b.number, a.number, "in", kind, ts, dur, b.imei, b.imsi,
                                     cells[b.home if cell_b is None else cell_b][0]))

    def background(self, per_sub: int = 12) -> None:
        for a in self.subs:
            for _ in range(per_sub):
                b = self.subs[self.rng.randrange(len(self.subs))]
                if b is not a:
                    self.call(a, b, self.when(), "sms" if self.rng.random() < 0.3 else "voice")
            if self.rng.random() < 0.3:
                self.call(a, self.rng.choice(["1502", "*611"]), self.when(), "sms")

    # --- planted scenarios -------------------------------------------------------------
    def plant_hidden_cell(self) -> None:
        members = [self.new_sub() for _ in range(5)]
        middle = [self.new_sub() for _ in range(3)]
        leader = self.new_sub()
        decoys = [self.new_sub() for _ in range(5)]
        for m in members:
            for i in middle:
                for _ in range(3):
                    self.call(m, i, self.when())
        for i in middle:
            for _ in range(4):
                self.call(i, leader, self.when())
        for d in decoys:
            for code in ("1502", "*611", "1502"):
                self.call(d, code, self.when(), "sms")
            self.call(d, self.subs[self.rng.randrange(len(self.subs))], self.when())
        self.truth["hidden_cell"] = {
            "members": [m.number for m in members], "intermediaries": sorted(
                i.number for i in middle), "leader": leader.number,
            "decoys": [d.number for d in decoys]}
        self.targets.extend([*members, leader, *decoys])

    def plant_burner(self) -> None:
        old = self.new_sub()
        contacts = self.rng.sample(self.subs, 10)
        t0 = START + timedelta(days=14, hours=3)
        for c in contacts:
            for _ in range(3):
                self.call(old, c, START + timedelta(seconds=self.rng.randrange(13 * 86400)))
        self.call(old, contacts[0], t0)
        new = self.new_sub(imei=old.imei)  # same handset, new SIM and number
        for c in contacts[:8]:
            for _ in range(2):
                self.call(new, c, t0 + timedelta(hours=5, seconds=self.rng.randrange(10 * 86400)))
        decoy = self.new_sub()
        for c in contacts[:3] + self.rng.sample(self.subs, 7):
            self.call(decoy, c, t0 + timedelta(hours=8, seconds=self.rng.randrange(10 * 86400)))
        self.truth["burner"] = {"old": old.number, "new": new.number, "imei": old.imei,
                                "decoy": decoy.number}
        self.targets.extend([old, new, decoy])

    def plant_colocation(self) -> None:
        p, q, r, s = (self.new_sub() for _ in range(4))
        route = self.rng.sample(range(self.n_cells), 6)
        day = START + timedelta(days=20, hours=8)
        for n, cell in enumerate(route):
            t = day + timedelta(minutes=40 * n)
            other = self.subs[self.rng.randrange(len(self.subs))]
            self.call(p, other, t, cell_a=cell)
            self.call(q, self.subs[self.rng.randrange(len(self.subs))],
                      t + timedelta(minutes=3), cell_a=cell)
        mall = (route[0] + 7) % self.n_cells
        t = START + timedelta(days=9, hours=12)
        self.call(r, self.subs[0], t, cell_a=mall)
        self.call(s, self.subs[1], t + timedelta(minutes=10), cell_a=mall)
        for x in (p, q, r, s):  # ordinary days elsewhere
            for _ in range(6):
                self.call(x, self.subs[self.rng.randrange(len(self.subs))], self.when())
        self.truth["colocation"] = {"a": p.number, "b": q.number,
                                    "cells": sorted(self.cells[c][0] for c in route),
                                    "decoy": [r.number, s.number],
                                    "decoy_cells": [self.cells[mall][0]]}
        self.targets.extend([p, q, r, s])

    def plant_scenes(self) -> None:
        perps = [self.new_sub() for _ in range(3)]
        courier = self.new_sub()
        scene_cells = self.rng.sample(range(self.n_cells), 3)
        pools = [self.subs[i::3] for i in range(3)]
        dumps: dict[str, list[Event]] = {}
        for k, cell in enumerate(scene_cells):
            t0 = START + timedelta(days=5 + 6 * k, hours=2)
            present = [perps[0], perps[1], courier] + ([perps[2]] if k < 2 else []) + \
                self.rng.sample(pools[k], 25)
            rows = []
            for x in present:
                t = t0 + timedelta(seconds=self.rng.randrange(7200))
                peer = self.subs[self.rng.randrange(len(self.subs))]
                rows.append(Event(x.number, peer.number, "out", "voice", t, 30, x.imei, x.imsi,
                                  self.cells[cell][0]))
            dumps[f"escena-{k + 1}"] = rows
        for k in range(5):  # control dumps elsewhere: the courier is everywhere
            cell = (scene_cells[0] + 11 + k) % self.n_cells
            t0 = START + timedelta(days=2 + k, hours=4)
            rows = []
            for x in [courier, *self.rng.sample(self.subs, 15)]:
                rows.append(Event(x.number, None, "out", "data",
                                  t0 + timedelta(seconds=self.rng.randrange(7200)), 0,
                                  x.imei, x.imsi, self.cells[cell][0]))
            dumps[f"control-{k + 1}"] = rows
        self.dumps.update(dumps)
        self.truth["scenes"] = {"labels": [f"escena-{k + 1}" for k in range(3)],
                                "controls": [f"control-{k + 1}" for k in range(5)],
                                "at_all": sorted([perps[0].number, perps[1].number]),
                                "at_two": perps[2].number, "courier": courier.number,
                                "imeis_at_all": sorted([perps[0].imei, perps[1].imei])}

    def build(self) -> World:
        self.background()
        self.plant_hidden_cell()
        self.plant_burner()
        self.plant_colocation()
        self.plant_scenes()
        self.events.sort(key=lambda e: (e.ts, e.line))
        return self

    def production(self, number: str) -> list[Event]:
        return [e for e in self.events if e.line == number]


# --- dialects --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Dialect:
    delimiter: str = ";"
    encoding: str = "utf-8"  # utf-8 | utf-16 | latin-1
    spanish: bool = True
    split: bool = True  # date and time in two columns
    order: str = "dmy"  # dmy | mdy | iso
    utc: bool = False  # stamps in UTC with "Z", else local time of the zone
    damaged_imei: bool = False  # every 5th IMEI written as Excel does (3.52099E+14)
    preamble: int = 0  # lines before the header
    number_form: str = "cc"  # national | cc | plus | dashed
    target_column: bool = False  # a "Telefono" column naming the target


def _number(n: str | None, form: str) -> str:
    if n is None:
        return ""
    if not n.isdigit() or len(n) != 8:
        return n  # short codes as written
    return {"national": n, "cc": "502" + n, "plus": "+502" + n,
            "dashed": f"{n[:4]}-{n[4:]}"}[form]


def _stamp(ts: datetime, d: Dialect) -> tuple[str, str]:
    t = ts if d.utc else ts.astimezone(ZONE)
    date = {"dmy": t.strftime("%d/%m/%Y"), "mdy": t.strftime("%m/%d/%Y"),
            "iso": t.strftime("%Y-%m-%d")}[d.order]
    return date, t.strftime("%H:%M:%S") + ("Z" if d.utc else "")


def _imei(imei: str, k: int, d: Dialect) -> str:
    if d.damaged_imei and k % 5 == 0:
        return f"{float(imei):.5E}".replace("E+", "E+")
    return imei


def rows_of(events: list[Event], d: Dialect) -> list[list[str]]:
    if d.spanish:
        head = ["Numero A", "Número B", "Fecha", "Hora", "Duración", "Tipo", "IMEI", "IMSI",
                "Celda"]
    else:
        head = ["calling_number", "called_number", "start_date", "start_hour", "duration",
                "call_type", "imei", "imsi", "cell_id"]
    if not d.split:
        head = head[:2] + (["Fecha y hora"] if d.spanish else ["start_time"]) + head[4:]
    if d.target_column:
        head = ["Telefono" if d.spanish else "target_no", *head]
    out = [head]
    for k, e in enumerate(events):
        a, b = (e.line, e.peer) if e.direction == "out" else (e.peer, e.line)
        date, time = _stamp(e.ts, d)
        if d.spanish:
            kind = {"voice": "VOZ", "sms": "SMS", "data": "DATOS"}[e.kind]
            typ = kind + (" SALIENTE" if e.direction == "out" else " ENTRANTE")
        else:
            typ = {"voice": "", "sms": "SMS-", "data": "DATA-"}[e.kind] + (
                "MO" if e.direction == "out" else "MT")
        row = [_number(a, d.number_form), _number(b, d.number_form)]
        row += [date, time] if d.split else [f"{date} {time}"]
        row += [str(e.duration), typ, _imei(e.imei, k, d), e.imsi, e.cell]
        if d.target_column:
            row = [_number(e.line, d.number_form), *row]
        out.append(row)
    return out


def write_production(events: list[Event], path: Path, d: Dialect) -> Path:
    lines = [f"REPORTE SINTETICO {i + 1}" for i in range(d.preamble)]
    for row in rows_of(events, d):
        lines.append(d.delimiter.join(f'"{c}"' if d.delimiter in c else c for c in row))
    text = "\r\n".join(lines) + "\r\n"
    path.write_bytes(text.encode(d.encoding))
    return path


def write_cells(world: World, path: Path) -> Path:
    """A cell list with DMS latitudes and decimal-comma longitudes, ';'-separated."""
    def dms(v: float, pos: str, neg: str) -> str:
        h = pos if v >= 0 else neg
        v = abs(v)
        d = int(v)
        m = int((v - d) * 60)
        s = (v - d - m / 60) * 3600
        return f"{d}°{m}'{s:.3f}\"{h}"
    lines = ["Celda;Latitud;Longitud;Azimut;Nombre"]
    for cell, lat, lon, az in world.cells:
        lines.append(f"{cell};{dms(lat, 'N', 'S')};{str(lon).replace('.', ',')};{az};"
                     f"Sitio {cell}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


DIALECTS = [Dialect(), Dialect(",", "utf-16", False, False, "mdy", True, True, 0, "plus"),
            Dialect("\t", "latin-1", True, True, "dmy", False, False, 3, "national", True),
            Dialect("|", "utf-8", False, True, "iso", True, True, 0, "dashed")]


def write_world(world: World, out: Path) -> dict[str, Any]:
    """Per-target productions (dialects in turn), tower dumps, the cell list, truth.json."""
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Any] = {"productions": [], "dumps": {}}
    for k, sub in enumerate(world.targets):
        d = DIALECTS[k % len(DIALECTS)]
        p = write_production(world.production(sub.number), out / f"cdr_{sub.number}.csv", d)
        files["productions"].append(p.name)
    for label, rows in world.dumps.items():
        p = write_production(rows, out / f"dump_{label}.csv", Dialect(number_form="national"))
        files["dumps"][label] = p.name
    files["cells"] = write_cells(world, out / "celdas.csv").name
    truth = {"synthetic": True, "region": "GT", "tz": "America/Guatemala", "files": files,
             **world.truth}
    (out / "truth.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False))
    return truth


def bulk_csv(path: Path, n: int, seed: int = 1, n_subs: int = 500_000,
             n_cells: int = 5000) -> None:
    """``n`` background records in the Spanish split-date dialect, generated in DuckDB."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"SELECT setseed({(seed % 1000) / 1000})")
    con.execute(f"""COPY (
        WITH r AS (SELECT i, (random() * {n_subs})::BIGINT AS a,
                      (random() * 50)::BIGINT AS off, random() AS k, random() AS t,
                      (random() * {n_subs})::BIGINT AS far, random() AS f
                   FROM range({n}) t(i))
        SELECT '502' || (30000000 + a * 37 % 29999999)::VARCHAR AS "Numero A",
               '502' || (30000000 + (CASE WHEN f < 0.1 THEN far
                                          ELSE ((a - a % 50) + off) % {n_subs} END)
                                    * 37 % 29999999)::VARCHAR AS "Numero B",
               strftime(TIMESTAMP '2026-10-01' + to_seconds((t * 2592000)::BIGINT), '%d/%m/%Y')
                   AS Fecha,
               strftime(TIMESTAMP '2026-10-01' + to_seconds((t * 2592000)::BIGINT), '%H:%M:%S')
                   AS Hora,
               CASE WHEN k < 0.3 THEN '0' ELSE ((k * 1000)::INT % 600)::VARCHAR END
                   AS Duracion,
               CASE WHEN k < 0.3 THEN 'SMS SALIENTE' ELSE 'VOZ SALIENTE' END AS Tipo,
               (35000000000000 + a * 7919)::VARCHAR || '0' AS IMEI,
               (704010000000000 + a)::VARCHAR AS IMSI,
               'GT-C' || lpad(((a * 13 + (k * 3)::INT) % {n_cells})::VARCHAR, 4, '0') AS Celda
        FROM r) TO '{path}' (HEADER, DELIMITER ';')""")
    con.close()


def bulk_number(a: int) -> str:
    """The national number ``bulk_csv`` gives subscriber ``a``."""
    return str(30000000 + a * 37 % 29999999)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--events", type=int, default=0, help="also write N bulk records")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    world = World(args.seed).build()
    truth = write_world(world, args.out)
    if args.events:
        bulk_csv(args.out / "bulk.csv", args.events, args.seed)
    print(json.dumps({"events": len(world.events), "files": truth["files"]}, indent=1))


if __name__ == "__main__":
    main()
