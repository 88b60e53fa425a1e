"""Entity type names in people's output follow SABUESO_LANG (``teléfono``, ``e-mail``); JSON,
JSON Lines and CSV keep the stable machine names (``phone``, ``email``)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from conftest import Env, write_files
from sabueso.cli.extract_cmd import type_label
from sabueso.core.i18n import t
from sabueso.extract.base import ALL_TYPES

TEXT = ("Hay mota, la onza a Q350. Llamar al 5512-3456 o ventas@colibri.example.com, "
        "canal https://t.me/colibri_gt\n")
LABELS = {
    "es": {"phone": "teléfono", "email": "correo", "drug_term": "término de droga",
           "handle": "cuenta", "url": "URL", "domain": "dominio"},
    "en": {"phone": "phone", "email": "e-mail", "drug_term": "drug term",
           "handle": "account", "url": "URL", "domain": "domain"},
}


def cells(out: str, column: int) -> list[str]:
    """The text in ``column`` of every body row of a Rich table."""
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in out.splitlines()
            if line.startswith("│")]
    return [r[column] for r in rows if len(r) > column and r[column]]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_type_has_a_label(lang: str) -> None:
    for type_ in ALL_TYPES:
        assert t(f"type.{type_}", lang) != f"type.{type_}", (lang, type_)
    assert t("type.handle", "es") == "cuenta" and t("type.email", "en") == "e-mail"


def test_an_unknown_type_shows_its_name() -> None:
    assert type_label("carrier_code") == "carrier_code"


@pytest.fixture
def case(sqlite_env: Env, tmp_path: Path) -> Env:
    sqlite_env.new_case("GT-1")
    folder = write_files(tmp_path / "in", {"chat.txt": TEXT})
    sqlite_env.ok("add", "GT-1", str(folder))
    return sqlite_env


@pytest.mark.parametrize("lang", ["es", "en"])
def test_entities_table(case: Env, lang: str) -> None:
    res = case.run("entities", "GT-1", lang=lang)
    assert res.code == 0, res.err
    shown = set(cells(res.out, 0))
    assert set(LABELS[lang].values()) <= shown, shown
    if lang == "es":
        assert not shown & {"phone", "email", "drug_term", "handle", "domain"}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_entity_header(case: Env, lang: str) -> None:
    res = case.run("entity", "GT-1", "5512-3456", lang=lang)
    assert res.code == 0, res.err
    assert res.out.lstrip().startswith(LABELS[lang]["phone"] + " +50255123456")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_extract_table(sqlite_env: Env, tmp_path: Path, lang: str,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(write_files(tmp_path / "x", {"chat.txt": TEXT}))
    res = sqlite_env.run("extract", "chat.txt", "--region", "GT", "--format", "table",
                         lang=lang)
    assert res.code == 0, res.err
    shown = set(cells(res.out, 2))  # file, where, type
    assert set(LABELS[lang].values()) <= shown, shown


def test_machine_output_keeps_type_names(case: Env, sqlite_env: Env, tmp_path: Path) -> None:
    doc = case.run("entities", "GT-1", "--json", lang="es")
    assert doc.code == 0
    types = {e["type"] for e in doc.json()["entities"]}
    assert {"phone", "email", "drug_term", "handle", "url", "domain"} <= types
    one = case.run("entity", "GT-1", "5512-3456", "--json", lang="es")
    assert [e["type"] for e in one.json()["entities"]] == ["phone"]
    path = write_files(tmp_path / "x", {"chat.txt": TEXT}) / "chat.txt"
    for fmt in ("jsonl", "csv"):
        res = sqlite_env.run("extract", str(path), "--region", "GT", "--format", fmt, lang="es")
        assert res.code == 0, res.err
        if fmt == "jsonl":
            found = {r["type"] for r in res.jsonl()}
        else:
            found = {row["type"] for row in csv.DictReader(io.StringIO(res.out))}
        assert {"phone", "email", "drug_term", "handle"} <= found
        assert not re.search(r"teléfono|correo|término de droga", res.out)
