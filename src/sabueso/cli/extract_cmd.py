"""``sabueso extract`` (any file or stdin, no case), ``entities``, ``entity`` and ``reindex``."""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape
from rich.table import Table

from sabueso.cli.output import console, emit_json, err_console, local_time, shown
from sabueso.core.errors import InputError, NotFound, SabuesoError
from sabueso.core.i18n import t
from sabueso.workspace import Workspace

if TYPE_CHECKING:
    from sabueso.extract.index import DeriveSummary

JSON_OPT = typer.Option(False, "--json", help=t("cli.opt.json"))
REF_ARG = typer.Argument(..., help=t("cli.arg.ref"))
FORMATS = ("jsonl", "csv", "table")
# Attributes with a column of their own in CSV output; any other goes to ``other``.
CSV_ATTRS = ("country", "carrier", "number_type", "chain", "script_type", "platform",
             "category", "lang")
CSV_HEADER = ("type", "value", "raw", "start", "end", "file", "locator", *CSV_ATTRS, "other")
PARALLEL_ABOVE = 8 << 20  # plain-text files larger than this are scanned by several processes
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# ``json.dumps(row, ensure_ascii=False)`` builds an encoder per call: one, kept, writes the same.
_JSON = json.JSONEncoder(ensure_ascii=False)
# Attribute names that would collide with a row's own keys (none of the families' today).
_ROW_KEYS = frozenset({"type", "value", "raw", "start", "end", "file", "locator"})


def type_label(type_: str) -> str:
    """The label of an entity type for people (``teléfono``, ``e-mail``), from the catalogue
    key ``type.<type>``; JSON, JSON Lines and CSV keep the stable type names (``phone``)."""
    key = f"type.{type_}"
    label = t(key)
    return type_ if label == key else label


def _types(text: str | None) -> frozenset[str] | None:
    from sabueso.extract.base import ALL_TYPES
    from sabueso.extract.engine import parse_types

    if text is None:
        return None
    try:
        return parse_types(text)
    except ValueError as exc:
        raise InputError("error.unknown_types", types=str(exc),
                         known=", ".join(ALL_TYPES)) from exc


def _region(value: str | None) -> str | None:
    import phonenumbers

    value = value if value is not None else os.environ.get("SABUESO_REGION")
    if value is None or not value.strip():
        return None
    region = value.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise InputError("error.bad_region", region=value)
    return region


def _csv_cell(value: str) -> str:
    """Spreadsheet programs run a cell starting with ``=``, ``+``, ``-`` or ``@`` as a formula:
    such text from evidence is prefixed with ``'``, except plain numbers (``+50255123456``)."""
    if value.startswith(_FORMULA_START) and not value.lstrip("+-").replace(" ", "").isdigit():
        return "'" + value
    return value


class _Output:
    """Hits written as they come (JSON Lines, CSV) or gathered into one table."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.rows: list[dict[str, Any]] = []
        self.count = 0
        self.csv = csv.writer(sys.stdout, lineterminator="\n") if fmt == "csv" else None
        if self.csv is not None:
            self.csv.writerow(CSV_HEADER)

    def add(self, row: dict[str, Any]) -> None:
        self.count += 1
        if self.fmt == "jsonl":
            sys.stdout.write(_JSON.encode(row) + "\n")
        elif self.csv is not None:
            self.csv.writerow(_csv_cells(row))
        else:
            self.rows.append(row)

    def add_rendered(self, rendered: tuple[int, str]) -> None:
        """Lines :func:`_render` made (JSON Lines or CSV) for ``count`` hits."""
        count, text = rendered
        self.count += count
        sys.stdout.write(text)

    def close(self, files: bool) -> None:
        if self.fmt != "table":
            sys.stdout.flush()
            return
        columns = ([t("col.file")] if files else []) + [t("col.where"), t("col.type"),
                                                         t("col.value"), t("col.raw"),
                                                         t("col.span")]
        table = Table(*columns, title=t("cli.extract.title", count=self.count),
                      title_justify="left")
        for row in self.rows:
            cells = [shown(str(row["file"]))] if files else []
            cells += [shown(row.get("locator") or ""), type_label(row["type"]),
                      shown(row["value"]), shown(row["raw"]), f"{row['start']}–{row['end']}"]
            table.add_row(*cells)
        console.print(table)


def _csv_cells(row: dict[str, Any]) -> list[Any]:
    other = {k: v for k, v in row.items() if k not in CSV_HEADER}
    cells = [row.get(k, "") for k in CSV_HEADER[:-1]]
    cells.append(";".join(f"{k}={v}" for k, v in sorted(other.items())))
    return [_csv_cell(str(c)) if isinstance(c, str) else c for c in cells]


def _render(fmt: str, file: str | None, locator: str | None,
            hits: list[Any]) -> tuple[int, str]:
    """The output lines (JSON Lines or CSV rows) of one block of hits, and how many. For a
    large file this runs in the engine's worker processes, so the parent only writes text."""
    rows = [_row(hit, file, locator) for hit in hits]
    if fmt == "jsonl":
        return len(rows), "".join(_JSON.encode(row) + "\n" for row in rows)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in rows:
        writer.writerow(_csv_cells(row))
    return len(rows), buf.getvalue()


def _row(hit: Any, file: str | None, locator: str | None) -> dict[str, Any]:
    attrs = hit.attrs
    if not attrs or _ROW_KEYS.isdisjoint(attrs):  # the usual case, built directly
        row: dict[str, Any] = {"type": hit.type, "value": hit.value, "raw": hit.raw,
                               "start": hit.start, "end": hit.end}
        if file is not None:
            row["file"] = file
        if locator is not None:
            row["locator"] = locator
        for key in sorted(attrs):
            row[key] = attrs[key]
        return row
    d = hit.as_dict()
    row = {k: d.pop(k) for k in ("type", "value", "raw", "start", "end")}
    if file is not None:
        row["file"] = file
    if locator is not None:
        row["locator"] = locator
    row.update(d)
    return row


def _sources(paths: list[str] | None) -> list[str]:
    if paths:
        return paths
    if sys.stdin is None or sys.stdin.isatty():
        raise InputError("error.extract_needs_input")
    return ["-"]


def _records(source: str) -> tuple[Iterator[Any], int]:
    """The records of ``source`` (a path or ``-``) and its size in bytes (0 for stdin)."""
    from sabueso.ingest.text import read_records

    if source == "-":
        return read_records(sys.stdin.buffer, "-"), 0
    path = Path(source)
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    return read_records(path, source), size


def _rendered(source: str, ctx: Any, workers: int, fmt: str) -> Iterator[tuple[int, str]]:
    """JSON Lines or CSV rows of ``source``, a block at a time (see :func:`_render`)."""
    from sabueso.extract.engine import default_workers, extract_rendered, extract_text

    found, size = _records(source)
    file = None if source == "-" else source
    for record in found:
        render = functools.partial(_render, fmt, file, record.locator)
        if record.streamed:
            n = workers or (default_workers() if size > PARALLEL_ABOVE else 1)
            yield from extract_rendered(record.open(), render, ctx, workers=n)
        else:
            yield render(extract_text(record.text or "", ctx))


def _hits(source: str, ctx: Any, workers: int) -> Iterator[tuple[Any, str | None]]:
    from sabueso.extract.engine import default_workers, extract_stream, extract_text

    found, size = _records(source)
    for record in found:
        if record.streamed:
            n = workers or (default_workers() if size > PARALLEL_ABOVE else 1)
            for hit in extract_stream(record.open(), ctx, workers=n):
                yield hit, record.locator
        else:
            for hit in extract_text(record.text or "", ctx):
                yield hit, record.locator


def run_extract(paths: list[str] | None, region: str | None, types: str | None,
                fmt: str | None, workers: int) -> int:
    """Extract from files or stdin; returns the number of inputs that could not be read."""
    from sabueso.extract.base import Context
    from sabueso.extract.engine import families

    wanted = _types(types)
    ctx = Context(region=_region(region), **({"types": wanted} if wanted is not None else {}))
    if fmt is not None and fmt not in FORMATS:
        raise InputError("error.bad_format", format=fmt, known=", ".join(FORMATS))
    if workers < 0:
        raise InputError("error.bad_workers")
    sources = _sources(paths)
    families()
    out = _Output(fmt or ("table" if sys.stdout.isatty() else "jsonl"))
    failed = 0
    files = sources != ["-"]
    for source in sources:
        try:
            if out.fmt == "table":
                for hit, locator in _hits(source, ctx, workers):
                    out.add(_row(hit, None if source == "-" else source, locator))
            else:
                for rendered in _rendered(source, ctx, workers, out.fmt):
                    out.add_rendered(rendered)
        except SabuesoError as exc:
            failed += 1
            err_console.print(f"[bold red]{t('cli.error')}:[/] {escape(exc.message())}",
                              soft_wrap=True)
    out.close(files)
    return failed


def _items_text(nos: Iterable[int], limit: int = 6) -> str:
    nos = list(nos)
    text = ", ".join(f"E-{n}" for n in nos[:limit])
    return text + (f" (+{len(nos) - limit})" if len(nos) > limit else "")


def _attrs_text(attrs: dict[str, Any]) -> str:
    return " · ".join(str(attrs[k]) for k in sorted(attrs) if attrs[k] not in (None, ""))


def _status_notice(ref: str, status: Any) -> None:
    if status.current:
        return
    if status.pending and not (status.outdated or status.incomplete):
        err_console.print("[yellow]![/] " + t("cli.entities.stale_pending", ref=ref,
                                               pending=status.pending), soft_wrap=True)
        return
    err_console.print("[yellow]![/] " + t("cli.entities.stale", ref=ref,
                                           outdated=status.outdated, pending=status.pending,
                                           incomplete=status.incomplete), soft_wrap=True)


def print_entities(ws: Workspace, ref: str, types: frozenset[str] | None = None,
                   limit: int | None = None, json_out: bool = False) -> None:
    from sabueso.extract.lookup import list_entities

    case, status, found = list_entities(ws, ref, types, limit)
    if json_out:
        emit_json({"case": case.ref, "index": status.as_dict(),
                   "entities": [e.as_dict() for e in found]})
        return
    title = t("cli.entities.title", ref=case.ref, count=len(found)) if limit is None else \
        t("cli.entities.top", ref=case.ref, count=len(found))
    table = Table(t("col.type"), t("col.value"), t("col.mentions"), t("col.items"),
                  t("col.details"), title=title, title_justify="left")
    for e in found:
        table.add_row(type_label(e.type), shown(e.value), str(e.mentions),
                      _items_text(e.items),
                      shown(_attrs_text(e.attrs)))
    console.print(table)
    _status_notice(case.ref, status)


def print_entity(ws: Workspace, ref: str, value: str, types: frozenset[str] | None,
                 json_out: bool) -> None:
    from sabueso.analysis.calls import CALL_TYPES, presence, record_view
    from sabueso.extract.lookup import entity_mentions, one_line, query_values

    case, status, found = entity_mentions(ws, ref, value, types)
    # the same phone or IMEI in the case's call records (issue 4: one entity across evidence)
    wanted = [(e.type, e.value) for e in found if e.type in CALL_TYPES]
    wanted += [(k, v) for k, v in query_values(value, case.country) if k in CALL_TYPES
               and (types is None or k in types)]
    calls = presence(ws, case, list(dict.fromkeys(wanted)))
    if calls:
        record_view(ws, case, calls)
    if not found and not calls:
        _status_notice(case.ref, status)
        raise NotFound("error.entity_not_found", value=value, ref=case.ref)
    if json_out:
        emit_json({"case": case.ref, "query": value, "index": status.as_dict(),
                   "entities": [e.as_dict() for e in found],
                   "calls": [c.as_dict() for c in calls]})
        return
    for entity in found:
        items = sorted({m.item for m in entity.mentions})
        console.print(t("cli.entity.header", type=type_label(entity.type),
                        value=shown(entity.value),
                        count=len(entity.mentions), items=_items_text(items)), soft_wrap=True)
        if entity.attrs:
            console.print("  " + shown(_attrs_text(entity.attrs)))
        table = Table(t("col.id"), t("col.name"), t("col.where"), t("col.span"),
                      t("col.context"))
        for m in entity.mentions:
            context = (shown(one_line(m.before)) + "[bold]" + shown(one_line(m.raw)) + "[/]"
                       + shown(one_line(m.after)))
            table.add_row(f"E-{m.item}", shown(m.name), shown(m.locator or ""),
                          f"{m.start}–{m.end}", context)
        console.print(table)
    for c in calls:
        print_presence(c, case.ref, case.tz)
    _status_notice(case.ref, status)


def print_presence(c: Any, ref: str, tz: str) -> None:
    """One value's place in the case's call records, and where to look next."""
    common = {"value": shown(c.value), "events": c.events, "contacts": c.contacts,
              "first": local_time(c.first, tz, offset=False),
              "last": local_time(c.last, tz, offset=False), "tz": tz,
              "items": _items_text(c.productions), "ref": ref}
    console.print(t(f"cli.calls.{c.type}", **common), soft_wrap=True)
    if c.labels:
        console.print("  " + t("cli.calls.labels", labels=shown(", ".join(c.labels))),
                      soft_wrap=True)
    if c.devices:
        console.print("  " + t(f"cli.calls.devices_{c.type}",
                               devices=shown(", ".join(c.devices))), soft_wrap=True)
    console.print("  " + t(f"cli.calls.next_{c.type}", ref=ref, value=shown(c.value)),
                  soft_wrap=True)


def register(app: typer.Typer) -> None:
    @app.command("extract", help=t("cli.extract.help"))
    def extract(
        paths: list[str] | None = typer.Argument(None, help=t("cli.arg.extract_paths")),
        region: str | None = typer.Option(None, "--region", help=t("cli.opt.region")),
        types: str | None = typer.Option(None, "--types", help=t("cli.opt.types")),
        fmt: str | None = typer.Option(None, "--format", help=t("cli.opt.format")),
        workers: int = typer.Option(0, "--workers", help=t("cli.opt.workers")),
    ) -> None:
        try:
            failed = run_extract(paths, region, types, fmt, workers)
        except BrokenPipeError:  # the reader of our output went away (``| head``)
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
            except (OSError, ValueError, AttributeError):
                pass
            raise typer.Exit(0) from None
        if failed:
            raise typer.Exit(2)

    @app.command("entities", help=t("cli.entities.help"))
    def entities_cmd(
        ref: str = REF_ARG,
        type_: str | None = typer.Option(None, "--type", help=t("cli.opt.entity_type")),
        limit: int | None = typer.Option(None, "--limit", help=t("cli.opt.entities_limit")),
        json_out: bool = JSON_OPT,
    ) -> None:
        print_entities(Workspace.open(), ref, _types(type_), limit, json_out)

    @app.command("entity", help=t("cli.entity.help"))
    def entity_cmd(
        ref: str = REF_ARG,
        value: str = typer.Argument(..., help=t("cli.arg.entity_value")),
        type_: str | None = typer.Option(None, "--type", help=t("cli.opt.entity_type")),
        json_out: bool = JSON_OPT,
    ) -> None:
        print_entity(Workspace.open(), ref, value, _types(type_), json_out)

    @app.command("reindex", help=t("cli.reindex.help"))
    def reindex(ref: str = REF_ARG,
                pending: bool = typer.Option(False, "--pending", help=t("cli.opt.pending")),
                json_out: bool = JSON_OPT) -> None:
        from sabueso.extract.index import derive_items, rebuild_case

        ws = Workspace.open()
        summary = derive_items(ws, ref) if pending else rebuild_case(ws, ref)
        if json_out:
            emit_json(summary.as_dict())
            return
        print_reindex(summary, "cli.reindex.pending_done" if pending else "cli.reindex.done")


def print_reindex(summary: DeriveSummary, key: str = "cli.reindex.done") -> None:
    """What a derivation run did (message ``key``), then its notes."""
    console.print(t(key, ref=summary.case, items=summary.items, records=summary.records,
                    mentions=summary.mentions, entities=summary.entities,
                    skipped=summary.skipped, version=summary.extractor_version))
    print_derive_notes(summary)


def print_derive_notes(summary: DeriveSummary) -> None:
    """After a derivation: the items that could not be read, and the chat exports with lines
    that are not messages (kept as they are)."""
    for failure in summary.failed:
        err_console.print(f"[yellow]![/] E-{failure.no}: {escape(failure.message)}",
                          soft_wrap=True)
    for item in summary.unparsed:
        err_console.print("[yellow]![/] " + escape(t(
            "cli.chats.unparsed_item", id=f"E-{item.no}", name=item.name, count=item.pieces,
            ref=summary.case)), soft_wrap=True)


__all__ = ["print_derive_notes", "print_entities", "print_entity", "print_reindex", "register",
           "run_extract", "type_label"]
