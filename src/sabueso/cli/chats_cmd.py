"""``sabueso chats`` and ``sabueso messages``: the chat exports of a case."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from sabueso.cli.output import console, emit_json, emit_jsonl, local_time, shown
from sabueso.core.errors import InputError
from sabueso.core.i18n import t
from sabueso.core.timeutil import get_zone, parse_instant
from sabueso.extract.chatlookup import MessageFilter
from sabueso.workspace import Workspace

JSON_OPT = typer.Option(False, "--json", help=t("cli.opt.json"))
REF_ARG = typer.Argument(..., help=t("cli.arg.ref"))


def register(app: typer.Typer) -> None:
    @app.command("chats", help=t("cli.chats.help"))
    def chats_command(
        ref: str = REF_ARG,
        unparsed: bool = typer.Option(False, "--unparsed", help=t("cli.chats.opt.unparsed")),
        json_out: bool = JSON_OPT,
    ) -> None:
        if unparsed:
            print_unparsed(Workspace.open(), ref, json_out)
        else:
            print_chats(Workspace.open(), ref, json_out)

    @app.command("reread", help=t("cli.reread.help"))
    def reread_command(
        ref: str = REF_ARG,
        item: str = typer.Argument(..., help=t("cli.reread.arg.item")),
        chat_format: str | None = typer.Option(None, "--as", help=t("cli.opt.as")),
        zone: str | None = typer.Option(None, "--tz", help=t("cli.opt.add_tz")),
        date_order: str | None = typer.Option(None, "--date-order",
                                              help=t("cli.reread.opt.date_order")),
        json_out: bool = JSON_OPT,
    ) -> None:
        from sabueso.cli.extract_cmd import print_reindex
        from sabueso.ingest.reread import reread

        done = reread(Workspace.open(), ref, item, chat_format=chat_format, zone=zone,
                      date_order=date_order)
        if json_out:
            emit_json(done.as_dict())
            return
        hints = ", ".join(f"{k} {v}" for k, v in done.hints.items() if v)
        console.print(t("cli.reread.done", item=done.item, hints=hints))
        print_reindex(done.summary)

    @app.command("messages", help=t("cli.messages.help"))
    def messages_command(
        ref: str = REF_ARG,
        chat: int | None = typer.Option(None, "--chat", help=t("cli.opt.chat")),
        since: str | None = typer.Option(None, "--from", help=t("cli.opt.from")),
        until: str | None = typer.Option(None, "--to", help=t("cli.opt.to")),
        sender: str | None = typer.Option(None, "--sender", help=t("cli.opt.sender")),
        limit: int | None = typer.Option(None, "--limit", help=t("cli.opt.limit")),
        json_out: bool = JSON_OPT,
    ) -> None:
        from sabueso.cases.access import Action, authorize

        ws = Workspace.open()
        _actor, case = authorize(ws.db, ws.actor, ref, Action.READ)  # exit 3 before exit 2
        zone = get_zone(case.tz)
        flt = MessageFilter(
            chat=chat, sender=sender, limit=limit,
            since=parse_instant(since, default_tz=zone, field="--from") if since else None,
            until=parse_instant(until, default_tz=zone, field="--to") if until else None)
        if limit is not None and limit <= 0:
            raise InputError("error.bad_limit", value=str(limit))
        print_messages(ws, ref, flt, json_out)


def print_chats(ws: Workspace, ref: str, json_out: bool = False) -> None:
    from sabueso.extract.chatlookup import list_chats

    case, rows = list_chats(ws, ref)
    if json_out:
        emit_json({"case": case.ref, "chats": [r.as_dict() for r in rows]})
        return
    table = Table(title=t("cli.chats.title", ref=case.ref, tz=case.tz))
    for key in ("col.chat", "col.item", "col.platform", "col.title", "col.messages",
                "col.senders", "col.first", "col.last", "col.unparsed"):
        table.add_column(t(key))
    for r in rows:
        items = f"E-{r.item}" + (f" (+{len(r.pages) - 1})" if len(r.pages) > 1 else "")
        table.add_row(str(r.id), items, r.platform, shown(r.title or ""),
                      str(r.messages), str(r.senders),
                      local_time(r.first, case.tz, offset=False),
                      local_time(r.last, case.tz, offset=False),
                      str(r.unparsed) if r.unparsed else "")
    console.print(table)
    odd = sum(r.unparsed for r in rows)
    if odd:
        console.print(t("cli.chats.unparsed_hint", count=odd, ref=case.ref))


def print_unparsed(ws: Workspace, ref: str, json_out: bool = False) -> None:
    """The pieces of the case's chat exports that are not messages, each where it is."""
    from sabueso.extract.chatlookup import list_unparsed

    case, rows = list_unparsed(ws, ref)
    if json_out:
        emit_jsonl(r.as_dict() for r in rows)
        return
    table = Table(title=t("cli.chats.unparsed_title", ref=case.ref, count=len(rows)))
    for key in ("col.item", "col.where", "col.reason", "col.text"):
        table.add_column(t(key), overflow="fold")
    for r in rows:
        text = r.text if len(r.text) <= 300 else r.text[:300] + " …"
        table.add_row(f"E-{r.item}", shown(r.locator or ""), t(r.reason), shown(text))
    console.print(table)


def print_messages(ws: Workspace, ref: str, flt: MessageFilter | None = None,
                   json_out: bool = False) -> None:
    from sabueso.extract.chatlookup import list_messages

    case, rows = list_messages(ws, ref, flt)
    if json_out:
        emit_jsonl(r.as_dict() for r in rows)
        return
    table = Table(title=t("cli.messages.title", ref=case.ref, tz=case.tz))
    for key in ("col.when", "col.sender", "col.text", "col.where"):
        table.add_column(t(key), overflow="fold")
    for r in rows:
        # a message's own line breaks are shown as such; other control marks are escaped
        lines = [shown(line) for line in r.text.split("\n")]
        if r.kind == "service":
            lines[0] = shown(f"[{r.service or t('col.service')}]") + " " + lines[0]
        for att in r.attachments:
            lines.append(f"📎 {shown(att.get('name') or '?')}"
                         + (f" ({att['item']})" if att.get("item") else "")
                         + (f" ({t('chat.attachment_missing')})" if att.get("missing") else ""))
        table.add_row(local_time(r.sent_at, case.tz, offset=False) or shown(r.sent_text),
                      shown(r.sender or ""), "\n".join(lines),
                      f"E-{r.item} {shown(r.locator or '')}")
    console.print(table)


def register_search(app: typer.Typer) -> None:
    @app.command("search", help=t("cli.search.help"))
    def search_command(
        ref: str = REF_ARG,
        query: str = typer.Argument(..., help=t("cli.arg.query")),
        limit: int | None = typer.Option(None, "--limit", help=t("cli.opt.limit")),
        json_out: bool = JSON_OPT,
    ) -> None:
        from sabueso.extract.search import search

        if limit is not None and limit <= 0:
            raise InputError("error.bad_limit", value=str(limit))
        case, hits = search(Workspace.open(), ref, query, limit)
        if json_out:
            emit_jsonl(h.as_dict() for h in hits)
            return
        table = Table(title=t("cli.search.title", ref=case.ref, query=shown(query),
                              count=len(hits)))
        for key in ("col.where", "col.sender", "col.when", "col.text"):
            table.add_column(t(key), overflow="fold")
        for h in hits:
            table.add_row(f"E-{h.item} {shown(h.name)} {shown(h.locator or '')}",
                          shown(h.sender or ""), local_time(h.sent_at, case.tz, offset=False),
                          shown(h.snippet))
        console.print(table)


def register_graph(app: typer.Typer) -> None:
    @app.command("graph", help=t("cli.graph.help"))
    def graph_command(
        ref: str = REF_ARG,
        fmt: str = typer.Option("graphml", "--format", help=t("cli.opt.graph_format")),
        out: Path = typer.Option(..., "--out", help=t("cli.opt.graph_out")),
        calls: bool = typer.Option(True, "--calls/--no-calls", help=t("cli.opt.graph_calls")),
        min_calls: int = typer.Option(1, "--min-calls", min=1,
                                      help=t("cli.opt.graph_min_calls")),
        json_out: bool = JSON_OPT,
    ) -> None:
        from sabueso.analysis.export import export_graph

        result = export_graph(Workspace.open(), ref, fmt.strip().lower(), out, calls,
                              min_calls)
        if json_out:
            emit_json(result.as_dict())
            return
        console.print(t("cli.graph.done", ref=result.case, path=shown(result.path),
                        nodes=result.nodes, edges=result.edges, sha256=result.sha256))


__all__ = ["print_chats", "print_messages", "register", "register_graph", "register_search"]
