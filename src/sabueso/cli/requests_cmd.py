"""Commands ``sabueso providers`` and ``sabueso request`` (issue 6)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape
from rich.table import Table

from sabueso.cli.output import console, emit_json, err_console, local_time
from sabueso.core.errors import InputError
from sabueso.core.i18n import t
from sabueso.legal.model import MARKS, TYPES
from sabueso.workspace import Workspace

if TYPE_CHECKING:  # the directory (YAML, JSON Schema) is loaded when a command needs it
    from sabueso.legal.directory import Provider
    from sabueso.legal.requests import RequestView

JSON_OPT = typer.Option(False, "--json", help=t("cli.opt.json"))
CASE_OPT = typer.Option(None, "--case", help=t("requests.opt.case"))
ID_ARG = typer.Argument(..., help=t("requests.arg.id"))


def _fact(value: Any) -> str:
    from sabueso.legal.directory import UNKNOWN

    if value == UNKNOWN:
        return t("requests.unknown")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _print_provider(p: Provider) -> None:
    d = p.data
    console.print(f"[bold]{escape(p.name)}[/] ({p.id}, {t('requests.kind.' + p.kind)})")
    console.print(t("requests.show.entity", entity=escape(_fact(p.fact("legal_entity")))))
    console.print(t("requests.show.checked", checked=p.checked, file=str(p.path)))
    if p.kind == "telco":
        for place in d.get("presence", []):
            console.print(f"  {place['country']}: {escape(_fact(place['entity']))}"
                          + (f" — {escape(place['note'])}" if place.get("note") else ""))
    for channel in d["channels"]:
        console.print(t("requests.show.channel", kind=channel["kind"],
                        purposes=", ".join(channel["purposes"]),
                        address=escape(_fact(channel["address"]))))
    for service in d["services"]:
        kinds = ", ".join(i["kind"] + ("@" + t("requests.date") if i.get("needs_date") else "")
                          for i in service["identifiers"])
        console.print(t("requests.show.service", service=service["id"], name=service["name"],
                        kinds=kinds or t("requests.unknown")))
    table = Table(t("requests.col.category"), t("requests.col.standard"),
                  t("requests.col.foreign"), t("requests.col.note"), title_justify="left")
    for key, cat in d["categories"].items():
        table.add_row(key, cat["standard"], cat["foreign_direct"], escape(cat.get("note", "")))
    console.print(table)
    pres = d["preservation"]
    console.print(t("requests.show.preservation", initial=_fact(pres["initial_days"]),
                    extension=_fact(pres["extension_days"]),
                    max=_fact(pres["max_extensions"])))
    console.print(t("requests.show.emergency", value=escape(_fact(p.fact("emergency")))))
    console.print(t("requests.show.notice", value=escape(_fact(p.fact("user_notice")))))
    console.print(t("requests.show.sources"))
    for source in d["sources"]:
        console.print(f"  [{source['id']}] {escape(source['title'])} "
                      f"{escape(source.get('url', ''))} ({source['checked']})")


def _register_providers(app: typer.Typer) -> None:
    providers = typer.Typer(help=t("requests.providers.help"), no_args_is_help=True)
    app.add_typer(providers, name="providers")

    @providers.command("list", help=t("requests.providers.list_help"))
    def list_cmd(json_out: bool = JSON_OPT) -> None:
        from sabueso.legal.directory import Directory

        ws = Workspace.open()
        directory = Directory(ws.settings.home)
        if json_out:
            emit_json([{"id": p.id, "name": p.name, "kind": p.kind, "checked": p.checked,
                        "legal_entity": p.fact("legal_entity"),
                        "countries": p.countries(), "bundled": p.bundled,
                        "services": [s["id"] for s in p.data["services"]]}
                       for p in directory.providers.values()])
            return
        table = Table("ID", t("col.name"), t("col.type"), t("requests.col.entity"),
                      t("requests.col.services"), t("requests.col.checked"),
                      title=t("requests.providers.title", count=len(directory.providers)),
                      title_justify="left")
        for p in directory.providers.values():
            services = ", ".join(s["id"] for s in p.data["services"])
            if p.kind == "telco":
                services += " (" + ", ".join(p.countries()) + ")"
            table.add_row(p.id, escape(p.name), t("requests.kind." + p.kind),
                          escape(_fact(p.fact("legal_entity"))), services, p.checked)
        console.print(table)
        console.print(t("requests.providers.countries",
                        countries=", ".join(directory.countries)))

    @providers.command("show", help=t("requests.providers.show_help"))
    def show_cmd(name: str = typer.Argument(..., help=t("requests.arg.provider")),
                 json_out: bool = JSON_OPT) -> None:
        from sabueso.legal.directory import Directory

        ws = Workspace.open()
        directory = Directory(ws.settings.home)
        country = directory.country(name) if len(name) == 2 else None
        if country is not None:
            if json_out:
                emit_json(country.data)
                return
            console.print(f"[bold]{escape(country.data['name']['es'])}[/] ({country.code})")
            console.print(t("requests.show.budapest",
                            value=_fact(country.data["budapest"]["value"])))
            for key, fact in country.data["legal_bases"].items():
                console.print(f"  {t('requests.basis.' + key)}: {escape(_fact(fact['value']))}"
                              f" [{fact['source']}]")
            return
        provider = directory.provider(name)
        if json_out:
            emit_json({**provider.data, "file": str(provider.path),
                       "bundled": provider.bundled})
        else:
            _print_provider(provider)


def _print_issues(issues: list[Any]) -> None:
    for issue in issues:
        if issue.severity == "warning":
            err_console.print(f"[yellow]![/] [{issue.rule}] {escape(issue.message())}",
                              soft_wrap=True)


def _print_request(view: RequestView) -> None:
    console.print(t("requests.view.head", number=view.number, case=view.case,
                    type=t("requests.type." + view.kind), provider=view.provider,
                    status=t("requests.status." + view.status)))
    for target in view.targets:
        when = f" @ {target['in_use_text']}" if target.get("in_use_text") else ""
        console.print(f"  • {target['kind']}: {escape(target['value'])}{escape(when)}")
    if view.range_from and view.range_to:
        console.print(t("requests.view.range",
                        start=local_time(view.range_from, view.range_zone),
                        end=local_time(view.range_to, view.range_zone),
                        start_utc=local_time(view.range_from, "UTC", offset=False),
                        end_utc=local_time(view.range_to, "UTC", offset=False)))
    console.print(t("requests.view.categories", categories=", ".join(view.categories)))
    if view.legal_basis:
        console.print(t("requests.view.legal_basis", basis=escape(view.legal_basis)))
    if view.facts:
        console.print(t("requests.view.facts", facts=escape(view.facts)))
    if view.related:
        console.print(t("requests.view.related", related=view.related))
    if view.provider_ref:
        console.print(t("requests.view.provider_ref", ref=escape(view.provider_ref)))
    for warning in view.warnings:
        text = t(warning["key"], field=warning["field"], **warning["params"])
        console.print(f"  [yellow]![/] [{warning['rule']}] {escape(text)}", soft_wrap=True)
    if view.due_on:
        console.print(t("requests.view.due", date=view.due_on.isoformat()))


def print_requests(ws: Workspace, ref: str, json_out: bool = False) -> None:
    """``sabueso request list``: a case's requests with their status and due dates."""
    from sabueso.legal.requests import list_requests

    views = list_requests(ws, ref)
    if json_out:
        emit_json([v.as_dict() for v in views])
        return
    table = Table(t("requests.col.number"), t("col.type"), t("requests.col.provider"),
                  t("requests.col.targets"), t("requests.col.status"),
                  t("requests.col.sent"), t("requests.col.due"),
                  t("requests.col.provider_ref"),
                  title=t("requests.list.title", ref=ref, count=len(views)),
                  title_justify="left")
    for v in views:
        table.add_row(v.number, t("requests.type." + v.kind) + (" (MLA)" if v.mla else ""),
                      v.provider + (f"/{v.service}" if v.service else ""),
                      escape(", ".join(tg["value"] for tg in v.targets)),
                      t("requests.status." + v.status),
                      local_time(v.sent_at, v.zone, offset=False)[:10],
                      v.due_on.isoformat() if v.due_on else "",
                      escape(v.provider_ref or ""))
    console.print(table)


def print_due(ws: Workspace, ref: str | None, days: int, json_out: bool = False) -> None:
    """``sabueso request due``: what needs action within ``days``, in the office's zone."""
    from sabueso.cases.cases import list_cases
    from sabueso.core.timeutil import utcnow
    from sabueso.legal.deadlines import due, local_date
    from sabueso.legal.office import load_office
    from sabueso.legal.requests import tracked

    refs = [ref] if ref else [c.ref for c in list_cases(ws.db, ws.actor) if c.role]
    items = tracked(ws, refs)
    zone = str(load_office(ws.settings.home).get("timezone") or "UTC")
    today = local_date(utcnow(), zone)
    found = due(items, today, days)
    if json_out:
        emit_json({"today": today.isoformat(), "zone": zone, "within_days": days,
                   "due": [d.as_dict() for d in found]})
        return
    table = Table(t("requests.col.number"), t("col.type"), t("requests.col.provider"),
                  t("requests.col.action"), t("requests.col.date"),
                  t("requests.col.days_left"), t("requests.col.expires"),
                  title=t("requests.due.title", today=today.isoformat(), zone=zone,
                          days=days, count=len(found)), title_justify="left")
    for d in found:
        table.add_row(d.number, t("requests.type." + d.kind), d.provider,
                      t("requests.action." + d.action), d.on.isoformat() if d.on else "",
                      "" if d.days_left is None else str(d.days_left),
                      d.expires_on.isoformat() if d.expires_on else "")
    console.print(table)


def _register_new(req: typer.Typer) -> None:
    @req.command("new", help=t("requests.new.help"))
    def new_cmd(
        ref: str = typer.Argument(..., help=t("cli.arg.ref")),
        provider: str = typer.Option(..., "--provider", help=t("requests.opt.provider")),
        kind: str = typer.Option(..., "--type", help=t("requests.opt.type",
                                                         types=", ".join(TYPES))),
        target: list[str] = typer.Option([], "--target", help=t("requests.opt.target")),
        service: str | None = typer.Option(None, "--service", help=t("requests.opt.service")),
        data: str | None = typer.Option(None, "--data", help=t("requests.opt.data")),
        start: str | None = typer.Option(None, "--from", help=t("requests.opt.from")),
        end: str | None = typer.Option(None, "--to", help=t("requests.opt.to")),
        zone: str | None = typer.Option(None, "--tz", help=t("requests.opt.tz")),
        facts: str | None = typer.Option(None, "--facts", help=t("requests.opt.facts")),
        legal_basis: str | None = typer.Option(None, "--legal-basis",
                                               help=t("requests.opt.legal_basis")),
        nondisclosure: int | None = typer.Option(None, "--nondisclosure",
                                                 help=t("requests.opt.nondisclosure")),
        related: str | None = typer.Option(None, "--related", help=t("requests.opt.related")),
        emergency: str | None = typer.Option(None, "--emergency",
                                             help=t("requests.opt.emergency")),
        mla: bool = typer.Option(False, "--mla", help=t("requests.opt.mla")),
        json_out: bool = JSON_OPT,
    ) -> None:
        from sabueso.legal.requests import NewRequest, RequestRefused, new_request

        if kind not in TYPES:
            raise InputError("error.requests_bad_type", type=kind, allowed=", ".join(TYPES))
        given = NewRequest(provider, kind, target, service=service,
                           categories=[c.strip() for c in (data or "").split(",") if c.strip()],
                           range_from=start, range_to=end, zone=zone, facts=facts,
                           legal_basis=legal_basis, nondisclosure_days=nondisclosure,
                           related=related, emergency=emergency, mla=mla)
        ws = Workspace.open()
        try:
            view, issues = new_request(ws, ref, given)
        except RequestRefused as exc:
            if json_out:
                emit_json({"created": False, "issues": [i.as_dict() for i in exc.issues]})
            raise
        if json_out:
            emit_json({"created": True, "request": view.as_dict(),
                       "issues": [i.as_dict() for i in issues]})
            return
        _print_issues(issues)
        console.print(t("requests.new.created", number=view.number, ref=view.case))
        _print_request(view)


def _office_help(name: str) -> str:
    return t("requests.opt.office_" + name.replace("-", "_"))


def _register_office(req: typer.Typer) -> None:
    @req.command("office", help=t("requests.office.help"))
    def office_cmd(
        authority: str | None = typer.Option(None, "--authority", help=_office_help("authority")),
        unit: str | None = typer.Option(None, "--unit", help=_office_help("unit")),
        officer: str | None = typer.Option(None, "--officer", help=_office_help("officer")),
        rank: str | None = typer.Option(None, "--rank", help=_office_help("rank")),
        badge: str | None = typer.Option(None, "--badge", help=_office_help("badge")),
        address: str | None = typer.Option(None, "--address", help=_office_help("address")),
        city: str | None = typer.Option(None, "--city", help=_office_help("city")),
        phone: str | None = typer.Option(None, "--phone", help=_office_help("phone")),
        email: str | None = typer.Option(None, "--email", help=_office_help("email")),
        hours: str | None = typer.Option(None, "--hours", help=_office_help("hours")),
        timezone: str | None = typer.Option(None, "--timezone", help=_office_help("timezone")),
        official_domains: str | None = typer.Option(None, "--official-domains",
                                                    help=_office_help("official-domains")),
        letterhead: str | None = typer.Option(None, "--letterhead",
                                              help=_office_help("letterhead")),
        answer_days: int | None = typer.Option(None, "--answer-days",
                                               help=_office_help("answer-days")),
        json_out: bool = JSON_OPT,
    ) -> None:
        from sabueso.custody import ledger
        from sabueso.legal.office import REQUIRED, load_office, office_path, update_office

        ws = Workspace.open()
        changes = {"authority": authority, "unit": unit, "officer": officer, "rank": rank,
                   "badge": badge, "address": address, "city": city, "phone": phone,
                   "email": email, "hours": hours, "timezone": timezone,
                   "official_domains": official_domains, "letterhead": letterhead,
                   "answer_days": answer_days}
        given = {k: v for k, v in changes.items() if v is not None}
        if given:
            office = update_office(ws.settings.home, given)
            with ws.db.begin() as conn:
                ledger.append(conn, chain=ledger.SYSTEM_CHAIN, actor=ws.actor,
                              action="requests.office", subject="office",
                              details={"set": sorted(given), "office": office})
        else:
            office = load_office(ws.settings.home)
        missing = [k for k in REQUIRED if not office.get(k)]
        if json_out:
            emit_json({"file": str(office_path(ws.settings.home)), "office": office,
                       "missing": missing})
            return
        console.print(t("requests.office.file", file=str(office_path(ws.settings.home))))
        for key, value in office.items():
            shown = "; ".join(value) if isinstance(value, list) else str(value)
            console.print(f"  {key}: {escape(shown)}")
        if missing:
            err_console.print(t("requests.office.missing", fields=", ".join(missing)))


def _register_tracking(req: typer.Typer) -> None:
    @req.command("list", help=t("requests.list.help"))
    def list_cmd(ref: str = typer.Argument(..., help=t("cli.arg.ref")),
                 json_out: bool = JSON_OPT) -> None:
        print_requests(Workspace.open(), ref, json_out)

    @req.command("show", help=t("requests.show.help"))
    def show_cmd(number: str = ID_ARG, case: str | None = CASE_OPT,
                 json_out: bool = JSON_OPT) -> None:
        from sabueso.legal.requests import show_request

        view = show_request(Workspace.open(), number, case)
        if json_out:
            emit_json(view.as_dict())
            return
        _print_request(view)
        for event in view.events:
            console.print(f"  {event['at'][:19]}Z {t('requests.status.' + event['status'])}"
                          f" {escape(event['actor'])} {escape(event['provider_ref'] or '')}")
        if view.items:
            console.print(t("requests.view.items", items=", ".join(view.items)))

    @req.command("mark", help=t("requests.mark.help", statuses=", ".join(MARKS)))
    def mark_cmd(number: str = ID_ARG,
                 status: str = typer.Argument(..., help=t("requests.arg.status")),
                 when: str | None = typer.Option(None, "--date", help=t("requests.opt.date")),
                 provider_ref: str | None = typer.Option(None, "--provider-ref",
                                                         help=t("requests.opt.provider_ref")),
                 note: str | None = typer.Option(None, "--note", help=t("cli.opt.note")),
                 case: str | None = CASE_OPT, json_out: bool = JSON_OPT) -> None:
        from sabueso.legal.requests import mark

        if status not in MARKS:
            raise InputError("error.requests_bad_status", status=status,
                             allowed=", ".join(MARKS))
        view = mark(Workspace.open(), number, status, case_ref=case, when=when,
                    provider_ref=provider_ref, note=note)
        if json_out:
            emit_json(view.as_dict())
            return
        console.print(t("requests.mark.done", number=view.number,
                        status=t("requests.status." + view.status)))
        if view.due_on:
            console.print(t("requests.view.due", date=view.due_on.isoformat()))

    @req.command("due", help=t("requests.due.help"))
    def due_cmd(ref: str | None = typer.Argument(None, help=t("requests.arg.ref_optional")),
                within: str = typer.Option("30d", "--within", help=t("requests.opt.within")),
                json_out: bool = JSON_OPT) -> None:
        from sabueso.legal.deadlines import parse_within

        try:
            days = parse_within(within)
        except ValueError:
            raise InputError("error.requests_bad_within", value=within) from None
        print_due(Workspace.open(), ref, days, json_out)


def _register_documents(req: typer.Typer) -> None:
    @req.command("render", help=t("requests.render.help"))
    def render_cmd(number: str = ID_ARG,
                   lang: str = typer.Option("auto", "--lang", help=t("requests.opt.lang")),
                   fmt: str = typer.Option("docx", "--format", help=t("requests.opt.format")),
                   out: Path = typer.Option(..., "--out", help=t("cli.opt.out")),
                   case: str | None = CASE_OPT, json_out: bool = JSON_OPT) -> None:
        from sabueso.legal.render import render_request

        result = render_request(Workspace.open(), number, lang=lang, fmt=fmt, out=out,
                                case_ref=case)
        if json_out:
            emit_json(result)
            return
        console.print(t("requests.render.done", file=result["file"],
                        sha256=result["sha256"]))

    @req.command("attach", help=t("requests.attach.help"))
    def attach_cmd(number: str = ID_ARG,
                   paths: list[Path] = typer.Argument(..., help=t("cli.arg.paths")),
                   note: str | None = typer.Option(None, "--note", help=t("cli.opt.note")),
                   case: str | None = CASE_OPT, json_out: bool = JSON_OPT) -> None:
        from sabueso.extract.index import derive_items
        from sabueso.legal.answers import attach

        ws = Workspace.open()
        report, linked = attach(ws, number, paths, case, note)
        derived = derive_items(ws, report.case) if report.added or report.resumed else None
        if json_out:
            emit_json({"request": number.upper(), "case": report.case, "linked": linked,
                       "added": [f"E-{i.no}" for i in report.added],
                       "failed": [{"path": p, "message": e.message()}
                                  for p, e in report.failed],
                       "derived": derived.as_dict() if derived else None})
        else:
            console.print(t("requests.attach.done", number=number.upper(),
                            items=", ".join(linked) or "—", added=len(report.added)))
            for path, error in report.failed:
                err_console.print(f"[red]✗[/] {escape(path)}: {escape(error.message())}")
            if derived is not None:
                from sabueso.cli.extract_cmd import print_derive_notes

                print_derive_notes(derived)
        if report.failed:
            raise typer.Exit(report.failed[0][1].exit_code)


def register(app: typer.Typer) -> None:
    """Add this capability's commands to ``app``."""
    _register_providers(app)
    req = typer.Typer(help=t("requests.request.help"), no_args_is_help=True)
    app.add_typer(req, name="request")
    _register_new(req)
    _register_office(req)
    _register_tracking(req)
    _register_documents(req)
