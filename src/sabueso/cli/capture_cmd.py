"""Commands ``sabueso capture``, ``sabueso captures`` and ``sabueso replay`` (issue 7)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sabueso.capture.http import Limits
from sabueso.cli.output import console, emit_json, err_console, local_time, shown
from sabueso.core.errors import InputError
from sabueso.core.i18n import t
from sabueso.workspace import Workspace

if TYPE_CHECKING:
    from sabueso.capture.service import BatchReport

JSON_OPT = typer.Option(False, "--json", help=t("cli.opt.json"))
REF_ARG = typer.Argument(..., help=t("cli.arg.ref"))
_LIMITS = Limits()


def _read_list(path: Path) -> list[str]:
    from sabueso.capture.guard import read_url_list

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError("error.capture_list_unreadable", location=str(path),
                         reason=str(exc)) from None
    return read_url_list(text.splitlines(), str(path))


def _print_report(report: BatchReport) -> None:
    for outcome in report.outcomes:
        if outcome.status == "complete":
            items = ", ".join(f"{role} E-{no}" for role, no in sorted(outcome.items.items()))
            console.print(t("capture.done", url=shown(outcome.url), status=outcome.http_status
                            or "-", folder=f"E-{outcome.folder_item}", items=items))
            if outcome.final_url and outcome.final_url != outcome.url:
                console.print("   → " + shown(outcome.final_url))
            if outcome.refused:
                console.print("   " + t("capture.refused_requests", count=outcome.refused))
        elif outcome.status == "skipped":
            err_console.print(t("capture.skipped", url=shown(outcome.url),
                                capture=outcome.capture_id))
    failed = report.by_status("failed")
    console.print(t("capture.summary", ref=report.case, mode=report.mode,
                    complete=len(report.by_status("complete")),
                    skipped=len(report.by_status("skipped")), failed=len(failed)))
    for outcome in failed:
        message = outcome.error.message() if outcome.error else ""
        err_console.print(f"[red]✗[/] {shown(outcome.url)}: {escape(message)}", soft_wrap=True)


def print_captures(ws: Workspace, ref: str, json_out: bool = False) -> None:
    """The case's captures as a table (or JSON): also the demo's part of ``demo --show``."""
    from sabueso.capture.service import list_captures

    case, rows = list_captures(ws, ref)
    if json_out:
        emit_json([r.as_dict() for r in rows])
        return
    table = Table("#", t("capture.col.when"), "URL", t("capture.col.status"),
                  t("capture.col.mode"), t("capture.col.items"),
                  title=t("capture.list.title", ref=case.ref, count=len(rows), tz=case.tz),
                  title_justify="left")
    for row in rows:
        if row.status == "complete":
            status = f"{row.http_status or '-'}"
            what = f"E-{row.folder_item} ({len(row.items)})" if row.folder_item else ""
        else:
            status = t("capture.status." + row.status)
            what = escape(row.error or "")
        private = ""
        if row.allow_private:
            private = " " + escape(t("capture.private_lifted"))
        elif row.allowed_networks:
            private = " " + escape(t("capture.private_lifted_for",
                                     networks=row.allowed_networks))
        table.add_row(str(row.id), local_time(row.started_at, case.tz, offset=False),
                      shown(row.url) + private, status, row.mode, what)
    console.print(table)


def register(app: typer.Typer) -> None:
    @app.command("capture", help=t("capture.help"))
    def capture(
        ref: str = REF_ARG,
        urls: list[str] | None = typer.Argument(None, help=t("capture.arg.urls")),
        from_file: Path | None = typer.Option(None, "--from-file", help=t("capture.opt.from_file")),
        note: str | None = typer.Option(None, "--note", help=t("capture.opt.note")),
        no_browser: bool = typer.Option(False, "--no-browser", help=t("capture.opt.no_browser")),
        allow_private: bool = typer.Option(False, "--allow-private",
                                           help=t("capture.opt.allow_private")),
        allow_address: list[str] | None = typer.Option(None, "--allow-address",
                                                       help=t("capture.opt.allow_address")),
        again: bool = typer.Option(False, "--again", help=t("capture.opt.again")),
        timeout: float = typer.Option(_LIMITS.page_seconds, "--timeout",
                                      help=t("capture.opt.timeout")),
        max_size: int = typer.Option(_LIMITS.response_bytes >> 20, "--max-size-mb",
                                     help=t("capture.opt.max_size")),
        max_bundle: int = typer.Option(_LIMITS.bundle_bytes >> 20, "--max-bundle-mb",
                                       help=t("capture.opt.max_bundle")),
        no_derive: bool = typer.Option(False, "--no-derive", help=t("cli.opt.no_derive")),
        json_out: bool = JSON_OPT,
    ) -> None:
        wanted = list(urls or [])
        if from_file is not None:
            wanted += _read_list(from_file)
        if not wanted:
            raise InputError("error.capture_no_urls")
        if timeout <= 0 or max_size <= 0 or max_bundle <= 0:
            raise InputError("error.capture_bad_limits")
        from sabueso.capture.guard import AddressPolicy
        from sabueso.capture.service import CaptureOptions, capture_urls

        options = CaptureOptions(
            policy=AddressPolicy.build(allow_private, allow_address or ()),
            limits=Limits(page_seconds=timeout, io_seconds=min(_LIMITS.io_seconds, timeout),
                          response_bytes=max_size << 20, bundle_bytes=max_bundle << 20),
            browser=not no_browser, note=note, again=again)
        ws = Workspace.open()
        if not json_out and err_console.is_terminal:
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), TextColumn("{task.fields[url]}"),
                          console=err_console, transient=True) as bar:
                task = bar.add_task(t("capture.progress"), total=None, url="")

                def update(done: int, total: int, url: str) -> None:
                    bar.update(task, completed=done, total=total, url=shown(url)[:60])

                report = capture_urls(ws, ref, wanted, options, progress=update)
        else:
            report = capture_urls(ws, ref, wanted, options)
        from sabueso.cli.extract_cmd import print_derive_notes
        from sabueso.extract.index import derive_items

        derived = (derive_items(ws, report.case, report.added_items)
                   if report.added_items and not no_derive else None)
        if json_out:
            emit_json({"case": report.case, "mode": report.mode,
                       "captures": [o.as_dict() for o in report.outcomes],
                       "derived": derived.as_dict() if derived else None})
        else:
            _print_report(report)
            if derived is not None and derived.items:
                console.print(t("cli.add.derived", ref=derived.case, items=derived.items,
                                mentions=derived.mentions, entities=derived.entities,
                                version=derived.extractor_version))
            if derived is not None:
                print_derive_notes(derived)
        failed = report.by_status("failed")
        if failed:
            first = failed[0].error
            raise typer.Exit(first.exit_code if first is not None else 2)

    @app.command("captures", help=t("capture.list.help"))
    def captures_list(ref: str = REF_ARG, json_out: bool = JSON_OPT) -> None:
        print_captures(Workspace.open(), ref, json_out)

    @app.command("replay", help=t("capture.replay.help"))
    def replay(
        ref: str = REF_ARG,
        item: str = typer.Argument(..., help=t("capture.replay.arg_item")),
        out: Path = typer.Option(..., "--out", help=t("capture.replay.opt_out")),
        json_out: bool = JSON_OPT,
    ) -> None:
        from sabueso.capture.replay import export_warc

        done = export_warc(Workspace.open(), ref, item, out)
        if json_out:
            emit_json({"capture": done.capture_id, "url": done.url, "warc": str(done.warc),
                       "sha256": done.sha256, "records": done.records,
                       "responses": done.responses})
        else:
            console.print(t("capture.replay.done", file=str(done.warc), records=done.records,
                            responses=done.responses, sha256=done.sha256))
