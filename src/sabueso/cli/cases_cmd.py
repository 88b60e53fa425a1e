"""``sabueso case ...``: create, list, show, close and share cases."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from sabueso.cases import cases as cases_svc
from sabueso.cases.access import CASE_ROLES
from sabueso.cli.output import console, emit_json, local_time
from sabueso.core.i18n import t
from sabueso.workspace import Workspace

JSON_OPT = typer.Option(False, "--json", help=t("cli.opt.json"))
REF_ARG = typer.Argument(..., help=t("cli.arg.ref"))


def _country_name(code: str) -> str:
    try:
        from babel import Locale

        from sabueso.core.config import current_language

        return str(Locale.parse(current_language()).territories.get(code, code))
    except Exception:  # pragma: no cover - Babel data is always bundled
        return code


def print_case(ws: Workspace, ref: str, json_out: bool = False) -> None:
    case, members = cases_svc.show_case(ws.db, ws.actor, ref)
    if json_out:
        emit_json({**case.as_dict(), "members": [
            {"user": m.user, "role": m.role, "granted_at": m.granted_at,
             "granted_by": m.granted_by} for m in members]})
        return
    table = Table(show_header=False, title=t("cli.case.show.title", ref=case.ref),
                  title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    rows = [
        (t("col.title"), case.title),
        (t("col.country"), f"{_country_name(case.country)} ({case.country})"),
        (t("col.tz"), case.tz),
        (t("col.status"), t("status." + case.status)),
        (t("col.prosecutor"), case.prosecutor or "—"),
        (t("col.legal_basis"), case.legal_basis or "—"),
        (t("col.created_at"), local_time(case.created_at, case.tz)),
        (t("col.created_by"), case.created_by),
        (t("col.items"), str(case.items)),
        (t("col.members"), ", ".join(f"{m.user} ({t('role.' + m.role)})" for m in members)),
    ]
    if case.closed_at:
        rows.insert(4, (t("col.closed_at"), local_time(case.closed_at, case.tz)))
    for key, value in rows:
        table.add_row(key, escape(value))
    console.print(table)


def register(app: typer.Typer) -> None:
    case_app = typer.Typer(help=t("cli.case.help"), no_args_is_help=True)
    app.add_typer(case_app, name="case")

    @case_app.command("new", help=t("cli.case.new.help"))
    def case_new(
        ref: str = REF_ARG,
        title: str = typer.Option(..., "--title", help=t("cli.opt.title")),
        country: str = typer.Option(..., "--country", help=t("cli.opt.country")),
        tz: str | None = typer.Option(None, "--tz", help=t("cli.opt.tz")),
        prosecutor: str | None = typer.Option(None, "--prosecutor", help=t("cli.opt.prosecutor")),
        legal_basis: str | None = typer.Option(None, "--legal-basis",
                                               help=t("cli.opt.legal_basis")),
        json_out: bool = JSON_OPT,
    ) -> None:
        ws = Workspace.open()
        case = cases_svc.create_case(ws.db, ws.actor, ref, title=title, country=country, tz=tz,
                                     prosecutor=prosecutor, legal_basis=legal_basis)
        if json_out:
            emit_json(case.as_dict())
        else:
            console.print(t("cli.case.created", ref=case.ref, country=case.country, tz=case.tz))

    @case_app.command("list", help=t("cli.case.list.help"))
    def case_list(json_out: bool = JSON_OPT) -> None:
        ws = Workspace.open()
        found = cases_svc.list_cases(ws.db, ws.actor)
        if json_out:
            emit_json([c.as_dict() for c in found])
            return
        if not found:
            console.print(t("cli.case.none"))
            return
        table = Table(t("col.ref"), t("col.title"), t("col.country"), t("col.status"),
                      t("col.items"), t("col.your_role"), t("col.created_at"))
        for c in found:
            table.add_row(escape(c.ref), escape(c.title), c.country, t("status." + c.status),
                          str(c.items), t("role." + c.role) if c.role else "—",
                          local_time(c.created_at, c.tz))
        console.print(table)

    @case_app.command("show", help=t("cli.case.show.help"))
    def case_show(ref: str = REF_ARG, json_out: bool = JSON_OPT) -> None:
        print_case(Workspace.open(), ref, json_out)

    @case_app.command("close", help=t("cli.case.close.help"))
    def case_close(ref: str = REF_ARG) -> None:
        ws = Workspace.open()
        cases_svc.set_status(ws.db, ws.actor, ref, "closed")
        console.print(t("cli.case.closed", ref=ref))

    @case_app.command("reopen", help=t("cli.case.reopen.help"))
    def case_reopen(ref: str = REF_ARG) -> None:
        ws = Workspace.open()
        cases_svc.set_status(ws.db, ws.actor, ref, "open")
        console.print(t("cli.case.reopened", ref=ref))

    @case_app.command("grant", help=t("cli.case.grant.help"))
    def case_grant(
        ref: str = REF_ARG,
        user: str = typer.Argument(..., help=t("cli.arg.user")),
        role: str = typer.Option(..., "--role", help=t("cli.opt.case_role",
                                                       roles="|".join(CASE_ROLES))),
    ) -> None:
        ws = Workspace.open()
        cases_svc.grant(ws.db, ws.actor, ref, user, role)
        console.print(t("cli.case.granted", ref=ref, user=user, role=t("role." + role)))

    @case_app.command("revoke", help=t("cli.case.revoke.help"))
    def case_revoke(ref: str = REF_ARG,
                    user: str = typer.Argument(..., help=t("cli.arg.user"))) -> None:
        ws = Workspace.open()
        cases_svc.revoke(ws.db, ws.actor, ref, user)
        console.print(t("cli.case.revoked", ref=ref, user=user))

    @case_app.command("members", help=t("cli.case.members.help"))
    def case_members(ref: str = REF_ARG, json_out: bool = JSON_OPT) -> None:
        ws = Workspace.open()
        found = cases_svc.members(ws.db, ws.actor, ref)
        if json_out:
            emit_json([{"user": m.user, "role": m.role, "granted_at": m.granted_at,
                        "granted_by": m.granted_by} for m in found])
            return
        table = Table(t("col.user"), t("col.role"), t("col.granted_at"), t("col.granted_by"))
        for m in found:
            table.add_row(m.user, t("role." + m.role), m.granted_at.strftime("%Y-%m-%d %H:%M UTC"),
                          m.granted_by)
        console.print(table)
