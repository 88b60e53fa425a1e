"""Request documents: DOCX from template files (python-docx), PDF through LibreOffice.

A template is a text file per document and language (``legal/data/templates``, overridden by
``<home>/templates``; the README there describes the markup). ``--lang both`` puts the
Spanish and the English text in one document, one after the other. Dates are written with
the month spelled out (providers misread 03/04), ranges in the zone given and in UTC, and
identifiers in a monospaced font where l/1 and O/0 differ. The file made is recorded in the
case's ledger with its SHA-256.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Pt

from sabueso.cases.access import Action
from sabueso.core.errors import InputError
from sabueso.core.i18n import t
from sabueso.core.timeutil import iso_utc
from sabueso.custody import ledger
from sabueso.legal.directory import UNKNOWN, Directory, Provider
from sabueso.legal.requests import RequestView, locate, show_request
from sabueso.workspace import Workspace

LANGS = ("es", "en", "both")
FORMATS = ("docx", "pdf")
MONO = "DejaVu Sans Mono"
_FIELD = re.compile(r"\{([a-z_]+)\}")


def template_name(view: RequestView) -> str:
    if view.mla:
        return "mla"
    if view.kind in ("preservation", "extension", "emergency"):
        return view.kind
    return "disclosure"


def load_template(name: str, lang: str, home: Path | None) -> tuple[str, Path]:
    filename = f"{name}.{lang}.txt"
    if home is not None and (home / "templates" / filename).is_file():
        path = home / "templates" / filename
    else:
        path = Path(str(resources.files("sabueso.legal").joinpath("data", "templates",
                                                                  filename)))
    try:
        return path.read_text("utf-8"), path
    except OSError as exc:
        raise InputError("error.requests_template_missing", location=str(path),
                         reason=exc.strerror or str(exc)) from exc


def long_date(day: date, lang: str) -> str:
    return str(format_date(day, "long", locale=lang))


def _moment(value: datetime, zone: str, lang: str) -> str:
    local = value.astimezone(ZoneInfo(zone))
    offset = local.strftime("%z")
    return f"{long_date(local.date(), lang)} {local:%H:%M:%S} (UTC{offset[:3]}:{offset[3:]})"


def fields(view: RequestView, provider: Provider, lang: str, today: date,
           related: RequestView | None) -> dict[str, str]:
    """Every value a template may name, in ``lang``."""
    office = view.requester
    zone = view.range_zone or view.zone
    purpose = {"preservation": "preservation", "extension": "extension",
               "emergency": "emergency"}.get(view.kind, "disclosure")
    if view.mla:
        purpose = "mla"
    channels = provider.channels_for(purpose) if purpose != "mla" else []
    channel = "; ".join(f"{c['kind']}: {c['address']}" for c in channels
                        if c["address"] != UNKNOWN) or t("requests.doc.channel_unknown", lang)
    initial = provider.preservation("initial_days")
    extension = provider.preservation("extension_days")
    values = {
        "number": view.number, "case_ref": view.case, "date_long": long_date(today, lang),
        "city": str(office.get("city") or ""), "authority": str(office.get("authority", "")),
        "unit": str(office.get("unit") or ""), "officer": str(office.get("officer", "")),
        "rank": str(office.get("rank", "")), "badge": str(office.get("badge", "")),
        "address": str(office.get("address", "")), "phone": str(office.get("phone", "")),
        "email": str(office.get("email", "")), "hours": str(office.get("hours") or "—"),
        "timezone": str(office.get("timezone", "")),
        "provider_name": provider.name, "entity": provider.entity(view.provider_country),
        "service_name": next((s["name"] for s in provider.data["services"]
                              if s["id"] == view.service), provider.name),
        "channel": channel, "type_label": t("requests.type." + view.kind, lang),
        "facts": view.facts or "", "legal_basis": view.legal_basis or "",
        "categories": ", ".join(t("requests.category." + c, lang) for c in view.categories),
        "emergency_label": t("requests.emergency." + view.emergency, lang)
        if view.emergency else "",
        "nondisclosure": t("requests.doc.nondisclosure_days", lang,
                           days=view.nondisclosure_days) if view.nondisclosure_days
        else t("requests.doc.nondisclosure_none", lang),
        "preservation_period": t("requests.doc.days", lang, days=initial) if initial
        else t("requests.doc.period_default", lang),
        "extension_period": t("requests.doc.days", lang, days=extension) if extension
        else t("requests.doc.period_default", lang),
        "range_local": "", "range_utc": "", "urgent_note": "",
        "related_number": related.number if related else "",
        "related_provider_ref": (related.provider_ref or "—") if related else "",
        "related_sent": long_date(related.sent_at.astimezone(ZoneInfo(related.zone)).date(),
                                  lang) if related and related.sent_at else "—",
    }
    if view.range_from and view.range_to:
        values["range_local"] = (f"{_moment(view.range_from, zone, lang)} – "
                                 f"{_moment(view.range_to, zone, lang)}, {zone}")
        values["range_utc"] = f"UTC {iso_utc(view.range_from)[:19]}Z – " \
                              f"{iso_utc(view.range_to)[:19]}Z"
    return values


def _targets_table(doc: Any, view: RequestView, lang: str) -> None:
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    heads = ("#", t("requests.doc.col_kind", lang), t("requests.doc.col_value", lang),
             t("requests.doc.col_in_use", lang))
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        cell.text = text
    zone = view.range_zone or view.zone
    for n, target in enumerate(view.targets, 1):
        cells = table.add_row().cells
        cells[0].text = str(n)
        cells[1].text = t("requests.kind_label." + target["kind"], lang)
        run = cells[2].paragraphs[0].add_run(target["value"]
                                             + (f" :{target['port']}" if target.get("port")
                                                else ""))
        run.font.name = MONO
        if target.get("in_use"):
            when = datetime.fromisoformat(target["in_use"].replace("Z", "+00:00"))
            cells[3].text = f"{_moment(when, zone, lang)} = {target['in_use'][:19]}Z UTC"
        else:
            cells[3].text = "—"


def _section(doc: Any, text: str, values: dict[str, str], view: RequestView, lang: str
             ) -> None:
    for line in text.splitlines():
        if line.startswith("?"):
            name, _sep, rest = line[1:].partition(":")
            if not values.get(name.strip()):
                continue
            line = rest.strip()
        filled = _FIELD.sub(lambda m: values.get(m.group(1), m.group(0)), line)
        if line.strip() == "[[letterhead]]":
            lines = view.requester.get("letterhead") or [values["authority"], values["unit"]]
            for head in (str(x) for x in lines if x):
                par = doc.add_paragraph()
                par.alignment = WD_ALIGN_PARAGRAPH.CENTER
                par.add_run(head).bold = True
        elif line.strip() == "[[targets]]":
            _targets_table(doc, view, lang)
        elif line.strip() == "[[signature]]":
            doc.add_paragraph("")
            doc.add_paragraph("_" * 40)
            doc.add_paragraph(f"{values['officer']}, {values['rank']}")
            doc.add_paragraph(values["authority"])
        elif line.startswith("## "):
            doc.add_heading(filled[3:], level=2)
        elif line.startswith("# "):
            doc.add_heading(filled[2:], level=1)
        else:
            doc.add_paragraph(filled)


def build_docx(view: RequestView, provider: Provider, langs: list[str], out: Path,
               home: Path | None, today: date, related: RequestView | None
               ) -> list[tuple[str, str]]:
    """Write the DOCX; the templates used (path, SHA-256)."""
    doc = Document()
    doc.styles["Normal"].font.name = "DejaVu Sans"
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.core_properties.title = f"{view.number} {view.case}"
    doc.core_properties.author = str(view.requester.get("officer", ""))
    used: list[tuple[str, str]] = []
    for n, lang in enumerate(langs):
        text, path = load_template(template_name(view), lang, home)
        used.append((str(path), hashlib.sha256(text.encode()).hexdigest()))
        if n:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _section(doc, text, fields(view, provider, lang, today, related), view, lang)
    doc.save(str(out))
    return used


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: Path, pdf: Path) -> None:
    """Convert with LibreOffice headless, in a profile of its own (runs beside others)."""
    binary = soffice()
    if binary is None:
        raise InputError("error.requests_no_soffice")
    with tempfile.TemporaryDirectory(prefix="sabueso-soffice-") as tmp:
        profile = Path(tmp, "profile").as_uri()
        result = subprocess.run(
            [binary, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
             "--outdir", tmp, str(docx)], capture_output=True, timeout=300, check=False,
            env={**os.environ, "HOME": tmp})
        made = Path(tmp, docx.stem + ".pdf")
        if result.returncode != 0 or not made.is_file():
            raise InputError("error.requests_pdf_failed", location=str(docx),
                             reason=(result.stderr or result.stdout).decode(
                                 "utf-8", "replace")[-300:])
        shutil.move(str(made), str(pdf))


def render_request(ws: Workspace, number: str, *, lang: str, fmt: str, out: Path,
                   case_ref: str | None = None, today: date | None = None) -> dict[str, Any]:
    if lang not in (*LANGS, "auto"):
        raise InputError("error.requests_bad_lang", lang=lang, allowed=", ".join(LANGS))
    if fmt not in FORMATS:
        raise InputError("error.requests_bad_format", format=fmt, allowed=", ".join(FORMATS))
    case, row = locate(ws, number, case_ref, Action.EXPORT)
    view = show_request(ws, row.number, case.ref)
    related = show_request(ws, view.related, case.ref) if view.related else None
    provider = Directory(ws.settings.home).provider(view.provider)
    if lang == "auto":  # bilingual when the provider works in another language
        lang = "es" if not provider.languages() or "es" in provider.languages() else "both"
    day = today or datetime.now(ZoneInfo(view.zone)).date()
    langs = ["es", "en"] if lang == "both" else [lang]
    out = out.absolute()
    if not out.parent.is_dir():
        raise InputError("error.requests_out_folder", location=str(out.parent))
    if fmt == "docx":
        used = build_docx(view, provider, langs, out, ws.settings.home, day, related)
    else:
        with tempfile.TemporaryDirectory(prefix="sabueso-render-") as tmp:
            docx = Path(tmp, out.stem + ".docx")
            used = build_docx(view, provider, langs, docx, ws.settings.home, day, related)
            to_pdf(docx, out)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    result = {"request": view.number, "case": case.ref, "file": str(out), "sha256": digest,
              "size": out.stat().st_size, "lang": lang, "format": fmt,
              "templates": [{"path": p, "sha256": s} for p, s in used]}
    with ws.db.begin() as conn:
        ledger.append(conn, chain=case.chain, actor=ws.actor, action="request.render",
                      subject=f"request:{view.number}", case_id=case.id, details=result)
    return result


def document_text(path: Path) -> str:
    """The text of a DOCX in reading order: paragraphs, and table rows as `a | b | c`."""
    doc = Document(str(path))
    lines: list[str] = []
    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(node.text or "" for node in child.iter()
                                 if node.tag.endswith("}t")))
        elif tag == "tbl":
            for tr in child.iter():
                if tr.tag.endswith("}tr"):
                    cells = ["".join(n.text or "" for n in tc.iter() if n.tag.endswith("}t"))
                             for tc in tr.iterchildren() if tc.tag.endswith("}tc")]
                    lines.append(" | ".join(cells))
    return "\n".join(lines)


__all__ = ["FORMATS", "LANGS", "build_docx", "document_text", "fields", "render_request",
           "soffice", "to_pdf"]
