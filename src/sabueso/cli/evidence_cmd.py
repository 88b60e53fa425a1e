"""``sabueso add``, ``evidence``, ``export`` and ``verify-package``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from sabueso.cases.access import Action, authorize
from sabueso.cases.evidence import Item, list_items
from sabueso.cli.extract_cmd import print_derive_notes
from sabueso.cli.output import (
    console,
    emit_json,
    err_console,
    human_size,
    local_time,
    progress_bar,
    shown,
)
from sabueso.core.errors import DuplicateEvidence, InputError, SabuesoError
from sabueso.core.i18n import t
from sabueso.core.timeutil import get_zone, parse_instant
from sabueso.custody.package import export_case, verify_package
from sabueso.extract.index import derive_items
from sabueso.ingest.archives import ArchiveLimits
from sabueso.ingest.intake import IntakeOptions, IntakeReport, add_paths
from sabueso.workspace import Workspace

JSON_OPT = typer.Option(False, "--json", help=t("cli.opt.json"))
REF_ARG = typer.Argument(..., help=t("cli.arg.ref"))
_DEFAULTS = ArchiveLimits()


def print_evidence(ws: Workspace, ref: str, json_out: bool = False) -> None:
    case, found = list_items(ws.db, ws.actor, ref)
    if json_out:
        emit_json([i.as_dict() for i in found])
        return
    table = Table(t("col.id"), t("col.name"), t("col.type"), t("col.size"), "SHA-256",
                  title=t("cli.evidence.title", ref=case.ref, count=len(found)),
                  title_justify="left")
    for item in found:
        indent = "   " * max(item.depth - 1, 0) + ("└─ " if item.depth else "")
        name = indent + (item.name + "/" if item.kind == "folder" else item.name)
        table.add_row(item.label, shown(name), item.media_type or t("kind.folder"),
                      human_size(item.size), (item.sha256 or "")[:16])
    console.print(table)
    # provenance: consecutive items that share source and acquisition time, as one line each
    groups: list[tuple[list[str], Item]] = []
    for item in sorted(found, key=lambda i: i.no):
        last = groups[-1][1] if groups else None
        if last and (last.source, last.acquired_at, last.added_by) == (
                item.source, item.acquired_at, item.added_by):
            groups[-1][0].append(item.label)
        else:
            groups.append(([item.label], item))
    prov = Table(t("col.items"), t("col.acquired_at"), t("col.source"), t("col.added_by"),
                 title=t("cli.evidence.provenance", tz=case.tz), title_justify="left")
    for labels, item in groups:
        span = labels[0] if len(labels) == 1 else f"{labels[0]} … {labels[-1]}"
        prov.add_row(span, local_time(item.acquired_at, case.tz, offset=False),
                     escape(item.source or "—"), item.added_by)
    console.print(prov)


def _print_report(report: IntakeReport, verbose: bool = False) -> None:
    verb = t("cli.add.resumed") if report.resumed else t("cli.add.started")
    console.print(t("cli.add.summary", verb=verb, added=len(report.added), ref=report.case,
                    size=human_size(report.bytes_stored), intake=report.intake_id))
    for item in report.added[:50]:
        same = t("cli.add.same_content", item=f"E-{item.same_content_as}") \
            if item.same_content_as else ""
        link = f" -> {shown(item.link_target)}" if item.link_target else ""
        console.print(f"  + E-{item.no}  {shown(item.original_path)}{link}  "
                      f"{(item.sha256 or '')[:16]} {same}")
    if len(report.added) > 50:
        console.print(t("cli.add.more", count=len(report.added) - 50))
    if verbose:
        for path, no in report.already:
            err_console.print(t("cli.add.already", path=shown(path), item=f"E-{no}"))
    elif report.already:  # a resumed add can have thousands: how many, and how to list them
        err_console.print(t("cli.add.already_count", count=len(report.already)))
    for path, why in report.skipped:
        err_console.print(t("cli.add.skipped", path=shown(path), reason=t("skip." + why)))
    for path, error in report.failed:
        err_console.print(f"[red]{t('cli.add.failed', path=shown(path))}[/] "
                          f"{escape(error.message())}")


def register(app: typer.Typer) -> None:
    @app.command("add", help=t("cli.add.help"))
    def add(
        ref: str = REF_ARG,
        paths: list[Path] = typer.Argument(..., help=t("cli.arg.paths")),
        source: str | None = typer.Option(None, "--source", help=t("cli.opt.source")),
        acquired_at: str | None = typer.Option(None, "--acquired-at",
                                               help=t("cli.opt.acquired_at")),
        note: str | None = typer.Option(None, "--note", help=t("cli.opt.note")),
        no_expand: bool = typer.Option(False, "--no-expand", help=t("cli.opt.no_expand")),
        no_derive: bool = typer.Option(False, "--no-derive", help=t("cli.opt.no_derive")),
        chat_format: str | None = typer.Option(None, "--as", help=t("cli.opt.as")),
        zone: str | None = typer.Option(None, "--tz", help=t("cli.opt.add_tz")),
        max_ratio: float = typer.Option(_DEFAULTS.max_ratio, "--max-ratio",
                                        help=t("cli.opt.max_ratio")),
        max_size: int = typer.Option(_DEFAULTS.max_total_bytes >> 20, "--max-size-mb",
                                     help=t("cli.opt.max_size")),
        max_members: int = typer.Option(_DEFAULTS.max_members, "--max-members",
                                        help=t("cli.opt.max_members")),
        max_depth: int = typer.Option(_DEFAULTS.max_depth, "--max-depth",
                                      help=t("cli.opt.max_depth")),
        verbose: bool = typer.Option(False, "--verbose", "-v", help=t("cli.opt.verbose_add")),
        json_out: bool = JSON_OPT,
    ) -> None:
        ws = Workspace.open()
        # the case first: an unknown case (or one the user may not add to) is exit 3 whatever
        # else is wrong with the command; its time zone then reads --acquired-at
        _actor, case = authorize(ws.db, ws.actor, ref, Action.ADD)
        acquired = None
        if acquired_at:
            acquired = parse_instant(acquired_at, default_tz=get_zone(case.tz),
                                     field="--acquired-at")
        if max_ratio <= 1 or max_size <= 0 or max_members <= 0 or max_depth <= 0:
            raise InputError("error.bad_limits")
        if chat_format is not None:
            from sabueso.ingest.chats.registry import check_name

            chat_format = check_name(chat_format.strip().lower())
        if zone is not None:
            zone = get_zone(zone.strip()).key
        options = IntakeOptions(
            chat_format=chat_format, zone=zone,
            source=source, note=note, acquired_at=acquired, expand=not no_expand,
            limits=ArchiveLimits(max_members=max_members, max_total_bytes=max_size << 20,
                                 max_ratio=max_ratio, max_depth=max_depth))
        with progress_bar(t("cli.add.progress"), not json_out) as bar:
            report = add_paths(ws, ref, paths, options, progress=bar)
        # Identifiers are derived right after the evidence is committed, in their own
        # transactions: every item not derived yet (so a resumed add catches up too).
        # ``--no-derive`` leaves them pending (``sabueso entities`` says so) for ``sabueso
        # reindex REF --pending``: for a large seizure, secure the evidence first.
        derived = (derive_items(ws, report.case)
                   if (report.added or report.resumed) and not no_derive else None)
        if json_out:
            emit_json({
                "case": report.case, "intake": report.intake_id, "resumed": report.resumed,
                "added": [{"id": f"E-{i.no}", "kind": i.kind, "name": i.name,
                           "original_path": i.original_path, "sha256": i.sha256,
                           "size": i.size, "media_type": i.media_type,
                           "parent": f"E-{i.parent_no}" if i.parent_no else None,
                           "same_content_as": f"E-{i.same_content_as}"
                           if i.same_content_as else None,
                           "link_target": i.link_target} for i in report.added],
                "already": [{"path": p, "id": f"E-{n}"} for p, n in report.already],
                "skipped": [{"path": p, "reason": r} for p, r in report.skipped],
                "failed": [{"path": p, "error": e.key, "message": e.message()}
                           for p, e in report.failed],
                "derived": derived.as_dict() if derived else None,
            })
        else:
            _print_report(report, verbose)
            if derived is not None and derived.items:
                console.print(t("cli.add.derived", ref=derived.case, items=derived.items,
                                mentions=derived.mentions, entities=derived.entities,
                                version=derived.extractor_version))
                print_derive_notes(derived)
        if report.failed:
            first: SabuesoError = report.failed[0][1]
            raise typer.Exit(first.exit_code)
        if not report.added and not report.resumed and report.already:
            raise DuplicateEvidence("error.all_duplicates", count=len(report.already),
                                    ref=report.case,
                                    items=", ".join(f"E-{n}" for _p, n in report.already[:10]))

    @app.command("evidence", help=t("cli.evidence.help"))
    def evidence(ref: str = REF_ARG, json_out: bool = JSON_OPT) -> None:
        print_evidence(Workspace.open(), ref, json_out)

    @app.command("export", help=t("cli.export.help"))
    def export(
        ref: str = REF_ARG,
        out: Path = typer.Option(..., "--out", help=t("cli.opt.out")),
        items: list[str] | None = typer.Option(None, "--items", help=t("cli.opt.items")),
        json_out: bool = JSON_OPT,
    ) -> None:
        ws = Workspace.open()
        with progress_bar(t("cli.export.progress"), not json_out) as bar:
            result = export_case(ws, ref, out, items, progress=bar)
        doc = {"file": str(result.path), "sha256": result.sha256, "items": result.items,
               "files": result.files, "bytes": result.bytes,
               "ledger_entries": result.ledger_entries}
        if json_out:
            emit_json(doc)
        else:
            console.print(t("cli.export.done", file=str(result.path), items=result.items,
                            sha256=result.sha256))

    @app.command("verify-package", help=t("cli.verify_package.help"))
    def verify_pkg(
        file: Path = typer.Argument(..., help=t("cli.arg.package")),
        json_out: bool = JSON_OPT,
    ) -> None:
        report = verify_package(file)
        if json_out:
            emit_json({"file": str(report.path), "ok": report.ok, "case": report.case,
                       "files_checked": report.files_checked, "items": report.items,
                       "ledger_entries": report.ledger_entries,
                       "problems": [{"kind": k, "message": m} for k, m in report.problems]})
        elif report.ok:
            console.print(t("cli.verify_package.ok", file=str(file), files=report.files_checked,
                            items=report.items, entries=report.ledger_entries))
        else:
            console.print(t("cli.verify_package.broken", file=str(file),
                            count=len(report.problems)))
            for _kind, message in report.problems:
                console.print(f"  [red]✗[/] {escape(message)}")
        if not report.ok:
            raise typer.Exit(1)


__all__ = ["SabuesoError", "print_evidence", "register"]
