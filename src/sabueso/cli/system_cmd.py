"""``sabueso init``, ``sabueso user ...`` and ``sabueso demo``."""

from __future__ import annotations

import typer
from rich.table import Table

from sabueso.cases import users as users_svc
from sabueso.cases.access import USER_ROLES
from sabueso.cli.output import console, emit_json
from sabueso.core.i18n import t
from sabueso.workspace import Workspace

JSON_OPT = typer.Option(False, "--json", help=t("cli.opt.json"))


def register(app: typer.Typer) -> None:
    user_app = typer.Typer(help=t("cli.user.help"), no_args_is_help=True)
    app.add_typer(user_app, name="user")

    @app.command("init", help=t("cli.init.help"))
    def init(json_out: bool = JSON_OPT) -> None:
        ws = Workspace.open()
        with ws.db.begin() as conn:
            from sabueso.cases.access import load_actor

            actor = load_actor(conn, ws.actor)
        doc = {"home": str(ws.settings.home), "database": ws.db.engine.url.render_as_string(),
               "user": actor.name, "role": actor.role, "lang": ws.settings.lang}
        if json_out:
            emit_json(doc)
            return
        console.print(t("cli.init.done", home=doc["home"], database=doc["database"]))
        console.print(t("cli.init.user", user=actor.name, role=t("role." + actor.role)))

    @user_app.command("add", help=t("cli.user.add.help"))
    def user_add(
        name: str = typer.Argument(..., help=t("cli.arg.user")),
        role: str = typer.Option(..., "--role", help=t("cli.opt.user_role",
                                                       roles="|".join(USER_ROLES))),
        json_out: bool = JSON_OPT,
    ) -> None:
        ws = Workspace.open()
        user = users_svc.add_user(ws.db, ws.actor, name, role)
        if json_out:
            emit_json({"name": user.name, "role": user.role, "active": user.active,
                       "created_at": user.created_at, "created_by": user.created_by})
        else:
            console.print(t("cli.user.added", user=user.name, role=t("role." + user.role)))

    @user_app.command("list", help=t("cli.user.list.help"))
    def user_list(json_out: bool = JSON_OPT) -> None:
        ws = Workspace.open()
        found = users_svc.list_users(ws.db, ws.actor)
        if json_out:
            emit_json([{"name": u.name, "role": u.role, "active": u.active,
                        "created_at": u.created_at, "created_by": u.created_by} for u in found])
            return
        table = Table(t("col.user"), t("col.role"), t("col.active"), t("col.created_at"),
                      t("col.created_by"))
        for u in found:
            table.add_row(u.name, t("role." + u.role), t("yes") if u.active else t("no"),
                          u.created_at.strftime("%Y-%m-%d %H:%M UTC"), u.created_by)
        console.print(table)

    @user_app.command("disable", help=t("cli.user.disable.help"))
    def user_disable(name: str = typer.Argument(..., help=t("cli.arg.user"))) -> None:
        ws = Workspace.open()
        users_svc.set_active(ws.db, ws.actor, name, False)
        console.print(t("cli.user.disabled", user=name))

    @user_app.command("enable", help=t("cli.user.enable.help"))
    def user_enable(name: str = typer.Argument(..., help=t("cli.arg.user"))) -> None:
        ws = Workspace.open()
        users_svc.set_active(ws.db, ws.actor, name, True)
        console.print(t("cli.user.enabled", user=name))

    @app.command("demo", help=t("cli.demo.help"))
    def demo(
        show: bool = typer.Option(False, "--show", help=t("cli.demo.opt.show")),
        json_out: bool = JSON_OPT,
    ) -> None:
        from sabueso.demo.build import build_demo

        ws = Workspace.open()
        summary = build_demo(ws)
        if json_out:
            emit_json(summary)
            return
        console.print(t("cli.demo.done", ref=summary["case"], items=summary["items"],
                        home=str(ws.settings.home)))
        if show:
            from sabueso.cli.cases_cmd import print_case
            from sabueso.cli.custody_cmd import print_log, print_verify
            from sabueso.cli.evidence_cmd import print_evidence
            from sabueso.cli.extract_cmd import print_entities

            print_case(ws, summary["case"])
            print_evidence(ws, summary["case"])
            print_entities(ws, summary["case"], limit=10)
            from sabueso.cli.chats_cmd import print_chats, print_messages
            from sabueso.extract.chatlookup import MessageFilter

            print_chats(ws, summary["case"])
            print_messages(ws, summary["case"], MessageFilter(limit=8))
            from sabueso.demo.build import CAPABILITY_PARTS

            for part in CAPABILITY_PARTS:
                part.show(ws, summary["case"])
            print_log(ws, summary["case"], limit=12)
            print_verify(ws, summary["case"])
