"""Rendered documents: every field in both languages, a golden file of the text, the DOCX
opened and converted by LibreOffice headless, the file recorded in the ledger."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import Env
from sabueso.custody import ledger as ledger_mod
from sabueso.legal.directory import Directory
from sabueso.legal.office import update_office
from sabueso.legal.render import document_text, fields, render_request, soffice
from sabueso.legal.requests import RequestView, mark, new_request, show_request
from sabueso.workspace import Workspace

from .helpers import OFFICE, base

GOLDEN = Path(__file__).parent / "golden"
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)
FIXED = {"targets": ["username:colibri_ventas@2026-11-01T10:00",
                     "https://www.instagram.com/p/C0l1br1/?igsh=xyz@2026-11-02T08:30:15"],
         "range_from": "2026-10-01", "range_to": "2026-11-15",
         "legal_basis": "Código Procesal Penal, artículo 319 (ficticio)"}


@pytest.fixture
def ws(sqlite_env: Env) -> Iterator[Workspace]:
    sqlite_env.new_case("GT-2026-0001")
    update_office(sqlite_env.home, dict(OFFICE))
    workspace = sqlite_env.workspace()
    meta = Directory().provider("meta")
    assert meta.service("instagram") is not None
    yield workspace


def _preservation(ws: Workspace) -> RequestView:
    view, _ = new_request(ws, "GT-2026-0001", base(**FIXED), now=NOW)
    return view


def _sections(ws: Workspace, number: str, tmp: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for lang in ("es", "en"):
        path = tmp / f"{number}.{lang}.docx"
        render_request(ws, number, lang=lang, fmt="docx", out=path, today=TODAY)
        out[lang] = document_text(path)
    return out


def test_every_field_is_in_the_document_in_both_languages(ws: Workspace, tmp_path: Path) -> None:
    view = _preservation(ws)
    mark(ws, view.number, "sent", when="2026-11-20", provider_ref="LE-000123")
    ext, _ = new_request(ws, "GT-2026-0001", base(**{**FIXED, "kind": "extension",
                                                     "related": view.number, "targets": []}),
                         now=NOW)
    provider = Directory().provider("meta")
    for number in (view.number, ext.number):
        current = show_request(ws, number)
        related = show_request(ws, current.related) if current.related else None
        texts = _sections(ws, number, tmp_path)
        for lang, text in texts.items():
            values = fields(current, provider, lang, TODAY, related)
            for key in ("number", "case_ref", "date_long", "city", "authority", "unit",
                        "officer", "rank", "badge", "address", "phone", "email", "timezone",
                        "entity", "channel", "service_name", "legal_basis", "nondisclosure"):
                assert values[key] and values[key] in text, (number, lang, key)
            if current.kind == "preservation":
                for key in ("facts", "categories", "range_local", "range_utc",
                            "preservation_period"):
                    assert values[key] in text, (lang, key)
            else:
                for key in ("related_number", "related_provider_ref", "related_sent",
                            "extension_period"):
                    assert values[key] in text, (lang, key)
            for target in current.targets:
                assert target["value"] in text
            assert "{" not in text and "[[" not in text
        assert "20 de noviembre de 2026" in texts["es"] and "November 20, 2026" in texts["en"]


def test_golden_text_of_a_bilingual_preservation(ws: Workspace, tmp_path: Path) -> None:
    view = _preservation(ws)
    out = tmp_path / "doc.docx"
    render_request(ws, view.number, lang="both", fmt="docx", out=out, today=TODAY)
    text = document_text(out) + "\n"
    golden = GOLDEN / "preservation_both.txt"
    if not golden.exists():
        golden.write_text(text, "utf-8")
        pytest.fail(f"{golden} was missing and has been written: review it, then commit it")
    assert text == golden.read_text("utf-8")


@pytest.mark.parametrize(("changes", "title"), [
    ({"kind": "emergency", "emergency": "kidnapping", "range_from": "2026-11-18",
      "range_to": "2026-11-19",
      "facts": "Una menor fue privada de libertad hace dos horas y la cuenta exige un rescate "
               "con amenazas de muerte (hechos ficticios)"},
     "Solicitud de divulgación de emergencia"),
    ({"kind": "subscriber", "provider": "meta", "service": "facebook",
      "targets": ["email:colibri.ventas@example.com"]}, "Solicitud de divulgación voluntaria"),
    ({"kind": "content", "mla": True}, "Anexo para solicitud de asistencia legal mutua"),
])
def test_each_kind_of_document_renders(ws: Workspace, tmp_path: Path, changes: dict[str, object],
                                       title: str) -> None:
    view, _ = new_request(ws, "GT-2026-0001", base(**{**FIXED, **changes}), now=NOW)
    out = tmp_path / "doc.docx"
    render_request(ws, view.number, lang="es", fmt="docx", out=out, today=TODAY)
    text = document_text(out)
    assert title in text and view.number in text and "{" not in text


def test_a_workspace_template_overrides_the_bundled_one(ws: Workspace, tmp_path: Path) -> None:
    view = _preservation(ws)
    folder = ws.settings.home / "templates"
    folder.mkdir()
    (folder / "preservation.es.txt").write_text("# Oficio {number}\nPara: {entity}\n", "utf-8")
    out = tmp_path / "doc.docx"
    result = render_request(ws, view.number, lang="es", fmt="docx", out=out, today=TODAY)
    assert document_text(out) == f"Oficio {view.number}\nPara: Meta Platforms, Inc., Menlo " \
                                 "Park, California, United States"
    assert result["templates"][0]["path"] == str(folder / "preservation.es.txt")


def test_the_rendered_file_is_recorded_in_the_ledger(ws: Workspace, tmp_path: Path) -> None:
    view = _preservation(ws)
    out = tmp_path / "doc.docx"
    result = render_request(ws, view.number, lang="en", fmt="docx", out=out, today=TODAY)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    assert result["sha256"] == digest
    with ws.db.begin() as conn:
        entries = [e for e in ledger_mod.entries(conn, "case:GT-2026-0001")
                   if e.action == "request.render"]
    assert entries[-1].details["sha256"] == digest
    assert entries[-1].details["file"] == str(out)
    assert entries[-1].subject == f"request:{view.number}"


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed here; "
                                              "CI installs it")
def test_pdf_through_libreoffice_headless_in_both_languages(ws: Workspace,
                                                            tmp_path: Path) -> None:
    view = _preservation(ws)
    out = tmp_path / "doc.pdf"
    render_request(ws, view.number, lang="both", fmt="pdf", out=out, today=TODAY)
    assert out.read_bytes()[:5] == b"%PDF-"
    reader = PdfReader(str(out))
    text = " ".join((page.extract_text() or "") for page in reader.pages)
    flat = " ".join(text.split())
    for needle in (view.number, "Solicitud de conservación de datos",
                   "Request for preservation of data", "colibri_ventas", "MP-0042",
                   "ana.morales@fiscalia.example", "20 de noviembre de 2026", "November 20, 2026",
                   "2026-10-01T06:00:00Z"):
        assert needle in flat, needle
    assert len(reader.pages) >= 2  # the English text starts on a page of its own
