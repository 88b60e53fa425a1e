"""``sabueso log`` and ``sabueso verify``."""

from __future__ import annotations

from datetime import datetime

import typer
from rich.markup import escape
from rich.table import Table

from sabueso.cases.custody_view import read_log
from sabueso.cli.output import console, emit_json, emit_jsonl, human_size, local_time, progress_bar
from sabueso.core.canonical import canonical_json
from sabueso.core.errors import InputError
from sabueso.core.i18n import t
from sabueso.custody.verify import verify
from sabueso.workspace import Workspace

JSON_OPT = typer.Option(False, "--json", help=t("cli.opt.json"))


def _summary(action: str, details: object, limit: int = 70) -> str:
    """The few details a reader scans for; everything is in ``--json``."""
    if not isinstance(details, dict):
        return str(details)[:limit]
    if action == "evidence.add":
        text = f"{details.get('kind')} {details.get('name')}"
        if details.get("sha256"):
            text += f"  sha256:{str(details['sha256'])[:12]}"
    elif action == "intake.start":
        text = " ".join(str(p) for p in details.get("paths", []))
    else:
        keep = {k: v for k, v in details.items() if v is not None and k not in ("identity",)}
        text = canonical_json(keep)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def print_log(ws: Workspace, ref: str | None, json_out: bool = False,
              limit: int | None = None) -> None:
    tz, entries = read_log(ws.db, ws.actor, ref)
    shown = entries[-limit:] if limit else entries
    if json_out:
        emit_jsonl(e.as_dict() for e in shown)
        return
    title = t("cli.log.title", chain=ref or "system", count=len(entries)) + (
        f" — {tz}" if tz else " — UTC")
    table = Table("#", t("col.time"), t("col.actor"), t("col.action"), t("col.subject"),
                  t("col.details"), t("col.hash"), title=title, title_justify="left")
    for e in shown:
        when = local_time(datetime.fromisoformat(e.ts.replace("Z", "+00:00")), tz, offset=False)
        table.add_row(str(e.seq), when, e.actor, e.action, escape(e.subject),
                      escape(_summary(e.action, e.details)), e.hash[:10])
    console.print(table)
    if entries:
        console.print(t("cli.log.head", seq=entries[-1].seq, hash=entries[-1].hash))


def print_verify(ws: Workspace, ref: str | None, json_out: bool = False) -> bool:
    with progress_bar(t("cli.verify.progress"), not json_out) as bar:
        reports = verify(ws, ref, progress=bar)
    ok = all(r.ok for r in reports)
    if json_out:
        emit_json({"ok": ok, "chains": [{
            "chain": r.chain, "ok": r.ok, "entries": r.entries, "head_seq": r.head_seq,
            "head_hash": r.head_hash, "items": r.items, "blobs_checked": r.blobs_checked,
            "bytes_checked": r.bytes_checked, "notes": r.notes,
            "findings": [f.as_dict() for f in r.findings]} for r in reports]})
        return ok
    for r in reports:
        if r.ok:
            console.print("[green]✓[/] " + t("cli.verify.ok", chain=r.chain, entries=r.entries,
                                                  items=r.items, blobs=r.blobs_checked,
                                                  size=human_size(r.bytes_checked)))
        else:
            console.print("[bold red]✗[/] " + t("cli.verify.broken", chain=r.chain,
                                                     count=len(r.findings)))
            for f in r.findings:
                console.print(f"    [red]•[/] {escape(f.message())}")
        for note in r.notes:
            console.print(f"    [yellow]![/] {escape(note)}")
    return ok


def register(app: typer.Typer) -> None:
    @app.command("log", help=t("cli.log.help"))
    def log(
        ref: str | None = typer.Argument(None, help=t("cli.arg.ref")),
        system: bool = typer.Option(False, "--system", help=t("cli.opt.system")),
        limit: int | None = typer.Option(None, "--limit", help=t("cli.opt.limit")),
        json_out: bool = JSON_OPT,
    ) -> None:
        if (ref is None) == (not system):
            raise InputError("error.log_needs_ref")
        print_log(Workspace.open(), None if system else ref, json_out, limit)

    @app.command("verify", help=t("cli.verify.help"))
    def verify_cmd(
        ref: str | None = typer.Argument(None, help=t("cli.arg.ref_optional")),
        json_out: bool = JSON_OPT,
    ) -> None:
        if not print_verify(Workspace.open(), ref, json_out):
            raise typer.Exit(1)
