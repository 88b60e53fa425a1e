"""Commands ``sabueso cdr``, ``sabueso cells`` and ``sabueso phone`` (issue 5)."""

from __future__ import annotations

import importlib
import re
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from sabueso.cli.output import console, emit_json, local_time, shown
from sabueso.core.errors import InputError
from sabueso.core.i18n import t
from sabueso.telephony import IMPORTER_VERSION
from sabueso.workspace import Workspace

JSON_OPT = typer.Option(False, "--json", help=t("cli.opt.json"))
REF_ARG = typer.Argument(..., help=t("cli.arg.ref"))
FORMAT_OPT = typer.Option(None, "--format", help=t("telephony.opt.format"))
OUT_OPT = typer.Option(None, "--out", help=t("telephony.opt.out"))


def _window(text: str) -> int:
    """``15m``, ``90s``, ``2h``, ``900`` (seconds) to seconds."""
    found = re.fullmatch(r"\s*(\d+)\s*([smh]?)\s*", text.lower())
    if not found:
        raise InputError("error.telephony_window", value=text)
    return int(found.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[found.group(2)]


def _show_value(value: Any, tz: str) -> str:
    if isinstance(value, datetime):
        return local_time(value, tz, offset=False)
    if isinstance(value, float):
        return f"{value:g}"
    return shown("" if value is None else str(value))


def _output(ws: Workspace, ref: str, result: Any, tz: str, json_out: bool, fmt: str | None,
            out: Path | None, title: str) -> None:
    from sabueso.telephony.exports import render

    if out is not None:
        from sabueso.telephony.exports import export

        done = export(ws, ref, result, (fmt or out.suffix.lstrip(".") or "csv").lower(), out)
        if json_out:
            emit_json(done)
        else:
            console.print(t("telephony.exported", path=shown(done["path"]), rows=done["rows"],
                            sha256=done["sha256"]))
        return
    if fmt:
        if fmt.lower() not in ("csv", "geojson", "kml"):
            raise InputError("error.telephony_needs_out", format=fmt)
        sys.stdout.write(render(result, fmt.lower()).decode("utf-8"))
        return
    if json_out:
        emit_json(result.as_dict())
        return
    show_result(result, tz, title)


def show_result(result: Any, tz: str, title: str) -> None:
    """An analysis as Rich tables for people, instants in the case's zone."""
    table = Table(title=title)
    for col in result.columns:
        table.add_column(t(f"telephony.col.{col}"), overflow="fold")
    # the kind of a change (``phone swaps``) in the reader's language; exports keep the codes
    kinds = [i for i, col in enumerate(result.columns) if col == "kind"] \
        if result.analysis == "swaps" else []
    for row in result.rows:
        table.add_row(*(t(f"telephony.swap.{v}") if i in kinds else _show_value(v, tz)
                        for i, v in enumerate(row)))
    console.print(table)
    summary = result.extra.get("summary")
    if summary:
        console.print("  ".join(f"{t('telephony.col.' + k)}: {_show_value(v, tz)}"
                                for k, v in summary.items()))
    silent = result.extra.get("silent_periods")
    if silent:
        sub = Table(title=t("telephony.silent.title"))
        for col in ("silent_from", "silent_until", "hours"):
            sub.add_column(t(f"telephony.col.{col}"))
        for s in silent:
            sub.add_row(_show_value(s["from"], tz), _show_value(s["until"], tz), str(s["hours"]))
        console.print(sub)


def _print_imports(results: list[Any], json_out: bool) -> None:
    if json_out:
        emit_json({"imports": [r.as_dict() for r in results]})
        return
    for r in results:
        key = "telephony.import.already" if r.already else "telephony.import.done"
        console.print(t(key, file=shown(r.file), item=r.item, read=r.rows_read,
                        kept=r.rows_kept, rejected=r.rows_rejected))
        version = r.details.get("importer_version")
        if r.already and version and version != IMPORTER_VERSION:
            console.print("  " + t("telephony.import.older", version=version,
                                   current=IMPORTER_VERSION))
        order = r.details.get("date_order")
        if order:
            console.print("  " + t("telephony.import.date_order", order=order,
                                   basis=t("telephony.basis." + r.details.get(
                                       "date_order_basis", "given"))))
        if r.rejects:
            table = Table(title=t("telephony.rejects.title"))
            for col in ("line", "sheet", "severity", "column", "raw", "reason"):
                table.add_column(t(f"telephony.col.{col}"))
            for j in r.rejects:
                table.add_row(str(j["line"]), shown(j["sheet"] or ""),
                              t("telephony.severity." + j["severity"]), j["column"],
                              shown(str(j["raw"] or "")), t("telephony.reason." + j["reason"]))
            console.print(table)


def register(app: typer.Typer) -> None:
    """Add this capability's commands to ``app``."""
    cdr_app = typer.Typer(help=t("telephony.cdr.help"), no_args_is_help=True)
    cells_app = typer.Typer(help=t("telephony.cells.help"), no_args_is_help=True)
    phone_app = typer.Typer(help=t("telephony.phone.help"), no_args_is_help=True)
    app.add_typer(cdr_app, name="cdr")
    app.add_typer(cells_app, name="cells")
    app.add_typer(phone_app, name="phone")

    @cdr_app.command("import", help=t("telephony.cdr.import.help"))
    def cdr_import(
        ref: str = REF_ARG,
        files: list[Path] = typer.Argument(..., help=t("telephony.arg.files")),
        tz: str | None = typer.Option(None, "--tz", help=t("telephony.opt.tz")),
        region: str | None = typer.Option(None, "--region", help=t("telephony.opt.region")),
        label: str | None = typer.Option(None, "--label", help=t("telephony.opt.label")),
        mapping: Path | None = typer.Option(None, "--mapping", help=t("telephony.opt.mapping")),
        operator: str | None = typer.Option(None, "--operator",
                                            help=t("telephony.opt.operator")),
        date_order: str | None = typer.Option(None, "--date-order",
                                              help=t("telephony.opt.date_order")),
        json_out: bool = JSON_OPT,
    ) -> None:
        from sabueso.telephony.columns import load_mapping
        from sabueso.telephony.importer import ImportOptions, import_files

        if date_order and date_order not in ("dmy", "mdy", "ymd"):
            raise InputError("error.telephony_date_order_option", value=date_order)
        opts = ImportOptions("cdr", tz, region, label, operator,
                             load_mapping(mapping) if mapping else None, date_order)
        _print_imports(import_files(Workspace.open(), ref, files, opts), json_out)

    @cdr_app.command("rebuild", help=t("telephony.cdr.rebuild.help"))
    def cdr_rebuild(ref: str = REF_ARG, json_out: bool = JSON_OPT) -> None:
        from sabueso.telephony.importer import rebuild

        count = rebuild(Workspace.open(), ref)
        if json_out:
            emit_json({"case": ref, "imports": count})
        else:
            console.print(t("telephony.rebuilt", ref=ref, count=count))

    @cdr_app.command("list", help=t("telephony.cdr.list.help"))
    def cdr_list(ref: str = REF_ARG, json_out: bool = JSON_OPT) -> None:
        from sabueso.telephony.importer import list_imports

        ws = Workspace.open()
        case, rows = list_imports(ws, ref)
        if json_out:
            emit_json({"case": case.ref, "imports": rows})
            return
        table = Table(title=t("telephony.list.title", ref=case.ref))
        cols = ("import", "item", "kind", "label", "operator", "region", "tz", "rows_read",
                "rows_kept", "rows_rejected", "imported_at")
        for col in cols:
            table.add_column(t(f"telephony.col.{col}"))
        for r in rows:
            table.add_row(*(_show_value(r[c], case.tz) for c in cols))
        console.print(table)

    @cells_app.command("import", help=t("telephony.cells.import.help"))
    def cells_import(
        ref: str = REF_ARG,
        files: list[Path] = typer.Argument(..., help=t("telephony.arg.files")),
        mapping: Path | None = typer.Option(None, "--mapping", help=t("telephony.opt.mapping")),
        operator: str | None = typer.Option(None, "--operator",
                                            help=t("telephony.opt.operator")),
        json_out: bool = JSON_OPT,
    ) -> None:
        from sabueso.telephony.columns import CELL_FIELDS, load_mapping
        from sabueso.telephony.importer import ImportOptions, import_files

        opts = ImportOptions("cells", operator=operator,
                             mapping=load_mapping(mapping, CELL_FIELDS) if mapping else None)
        _print_imports(import_files(Workspace.open(), ref, files, opts), json_out)

    _register_phone(phone_app)


def _plain(value: Any) -> Any:
    """A value as the ledger's JSON holds it."""
    if isinstance(value, (int, float, str, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


def _record_view(ws: Workspace, case: Any, analysis: str, numbers: list[str],
                 args: tuple[Any, ...], options: dict[str, Any]) -> None:
    """An analysis of call records is a view of the case: recorded in its ledger
    (``phone.<analysis>``) with the numbers and options asked, like every other view."""
    from sabueso.custody import ledger

    details: dict[str, Any] = {"numbers": numbers}
    if args:
        details["args"] = [_plain(v) for v in args]
    for key, value in options.items():
        if value is not None:
            details[key] = _plain(value)
    with ws.db.begin() as conn:
        ledger.append(conn, chain=case.chain, actor=ws.actor, action=f"phone.{analysis}",
                      subject=f"case:{case.ref}", case_id=case.id, details=details)


class _Lazy:
    """A module imported when one of its names is first used: the analyses need DuckDB and
    pyarrow, which every other command would otherwise load at start-up."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(importlib.import_module(self._name), attr)


def _register_phone(phone_app: typer.Typer) -> None:
    if TYPE_CHECKING:
        from sabueso.telephony import activity, contacts, devices, places
    else:
        activity, contacts, devices, places = (
            _Lazy(f"sabueso.telephony.{name}")
            for name in ("activity", "contacts", "devices", "places"))

    def analyse(ref: str, name: str, numbers: tuple[str, ...], call: Any,
                options: dict[str, Any], args: tuple[Any, ...] = ()) -> Any:
        """Open the case's store, read ``numbers`` as the user wrote them, answer with
        ``call(con, case, values)`` and record the view."""
        from sabueso.telephony.importer import open_store
        from sabueso.telephony.result import number_arg

        ws = Workspace.open()
        case, con = open_store(ws, ref)
        try:
            values = [number_arg(n, case.country) for n in numbers]
            result = call(con, case, values)
        finally:
            con.close()
        _record_view(ws, case, name, values, args, options)
        return ws, case, result, values

    def run(ref: str, fn: Any, *args: Any, numbers: tuple[str, ...] = (), **kw: Any) -> Any:
        return analyse(ref, fn.__name__, numbers,
                       lambda con, case, values: fn(con, case.ref, *values, *args, **kw),
                       kw, args)

    @phone_app.command("top", help=t("telephony.top.help"))
    def top(ref: str = REF_ARG, number: str = typer.Argument(..., help=t("telephony.arg.number")),
            limit: int | None = typer.Option(None, "--limit", help=t("cli.opt.limit")),
            fmt: str | None = FORMAT_OPT, out: Path | None = OUT_OPT,
            json_out: bool = JSON_OPT) -> None:
        ws, case, res, vals = run(ref, contacts.top, numbers=(number,), limit=limit)
        _output(ws, ref, res, case.tz, json_out, fmt, out,
                t("telephony.top.title", number=vals[0], tz=case.tz))

    @phone_app.command("common", help=t("telephony.common.help"))
    def common(ref: str = REF_ARG,
               numbers: list[str] = typer.Argument(..., help=t("telephony.arg.numbers")),
               min_targets: int = typer.Option(2, "--min", help=t("telephony.opt.min")),
               fmt: str | None = FORMAT_OPT, out: Path | None = OUT_OPT,
               json_out: bool = JSON_OPT) -> None:
        ws, case, res, values = analyse(
            ref, "common", tuple(numbers),
            lambda con, case, values: contacts.common(con, case.ref, values, min_targets),
            {"min": min_targets})
        _output(ws, ref, res, case.tz, json_out, fmt, out,
                t("telephony.common.title", count=len(set(values)), min=min_targets))

    @phone_app.command("path", help=t("telephony.path.help"))
    def path(ref: str = REF_ARG, a: str = typer.Argument(..., help=t("telephony.arg.number")),
             b: str = typer.Argument(..., help=t("telephony.arg.number")),
             max_hops: int = typer.Option(4, "--max-hops", help=t("telephony.opt.max_hops")),
             fmt: str | None = FORMAT_OPT, out: Path | None = OUT_OPT,
             json_out: bool = JSON_OPT) -> None:
        ws, case, res, vals = run(ref, contacts.path, numbers=(a, b), max_hops=max_hops)
        _output(ws, ref, res, case.tz, json_out, fmt, out,
                t("telephony.path.title", a=vals[0], b=vals[1], hops=max_hops))

    @phone_app.command("profile", help=t("telephony.profile.help"))
    def profile(ref: str = REF_ARG,
                number: str = typer.Argument(..., help=t("telephony.arg.number")),
                fmt: str | None = FORMAT_OPT, out: Path | None = OUT_OPT,
                json_out: bool = JSON_OPT) -> None:
        ws, case, res, vals = analyse(
            ref, "profile", (number,),
            lambda con, case, values: activity.profile(con, case.ref, values[0], case.tz), {})
        _output(ws, ref, res, case.tz, json_out, fmt, out,
                t("telephony.profile.title", number=vals[0], tz=case.tz))

    @phone_app.command("devices", help=t("telephony.devices.help"))
    def devices_cmd(ref: str = REF_ARG,
                    value: str | None = typer.Argument(None, help=t("telephony.arg.device")),
                    fmt: str | None = FORMAT_OPT, out: Path | None = OUT_OPT,
                    json_out: bool = JSON_OPT) -> None:
        ws, case, res, _ = analyse(
            ref, "devices", (value,) if value else (),
            lambda con, case, values: devices.devices(con, case.ref, value,
                                                      values[0] if values else None),
            {"value": value})
        _output(ws, ref, res, case.tz, json_out, fmt, out,
                t("telephony.devices.title", tz=case.tz))

    @phone_app.command("swaps", help=t("telephony.swaps.help"))
    def swaps(ref: str = REF_ARG,
              window: float = typer.Option(7.0, "--window-days", help=t("telephony.opt.days")),
              min_share: float = typer.Option(0.5, "--min-share", help=t("telephony.opt.share")),
              fmt: str | None = FORMAT_OPT, out: Path | None = OUT_OPT,
              json_out: bool = JSON_OPT) -> None:
        ws, case, res, _ = run(ref, devices.swaps, window_days=window, min_share=min_share)
        _output(ws, ref, res, case.tz, json_out, fmt, out, t("telephony.swaps.title", tz=case.tz))

    @phone_app.command("colocation", help=t("telephony.colocation.help"))
    def colocation(ref: str = REF_ARG,
                   a: str = typer.Argument(..., help=t("telephony.arg.number")),
                   b: str = typer.Argument(..., help=t("telephony.arg.number")),
                   window: str = typer.Option("15m", "--window", help=t("telephony.opt.window")),
                   fmt: str | None = FORMAT_OPT, out: Path | None = OUT_OPT,
                   json_out: bool = JSON_OPT) -> None:
        seconds = _window(window)
        ws, case, res, vals = run(ref, places.colocation, numbers=(a, b), window_s=seconds)
        _output(ws, ref, res, case.tz, json_out, fmt, out,
                t("telephony.colocation.title", a=vals[0], b=vals[1], window=window, tz=case.tz))

    @phone_app.command("intersect", help=t("telephony.intersect.help"))
    def intersect(ref: str = REF_ARG,
                  labels: list[str] = typer.Option(..., "--label", help=t("telephony.opt.labels")),
                  min_labels: int = typer.Option(2, "--min", help=t("telephony.opt.min")),
                  fmt: str | None = FORMAT_OPT, out: Path | None = OUT_OPT,
                  json_out: bool = JSON_OPT) -> None:
        ws, case, res, _ = run(ref, places.intersect, labels, min_labels)
        _output(ws, ref, res, case.tz, json_out, fmt, out,
                t("telephony.intersect.title", count=len(set(labels)), min=min_labels,
                  tz=case.tz))

    @phone_app.command("timeline", help=t("telephony.timeline.help"))
    def timeline(ref: str = REF_ARG,
                 number: str = typer.Argument(..., help=t("telephony.arg.number")),
                 fmt: str | None = FORMAT_OPT, out: Path | None = OUT_OPT,
                 json_out: bool = JSON_OPT) -> None:
        ws, case, res, vals = run(ref, places.timeline, numbers=(number,))
        _output(ws, ref, res, case.tz, json_out, fmt, out,
                t("telephony.timeline.title", number=vals[0], tz=case.tz))
