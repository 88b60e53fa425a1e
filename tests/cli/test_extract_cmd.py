"""``sabueso extract``: files of every readable format or stdin, JSON Lines / CSV / table,
validation of ``--types``, ``--region`` and ``--format``; no case or database needed."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest

from conftest import Env, write_files
from sabueso.cli.extract_cmd import CSV_HEADER, _csv_cell
from sabueso.demo.documents import docx, pdf, xlsx

CHAT = ("Hola, soy Juan@Mail.com, llamame al 5512-3456.\n"
        "O al +502 5555 0183. Hay mota 🍃. Pago: https://t.me/colibri_gt\n")


@pytest.fixture
def files(tmp_path: Path) -> Path:
    return write_files(tmp_path / "in", {
        "chat.txt": CHAT,
        "informe.docx": docx(["Informe", "Teléfono: 5512-3456"]),
        "precios.xlsx": xlsx([("Hoja1", [["onza", 350], ["tel", "5555-0183"]])]),
        "doc.pdf": pdf([["uno"], ["correo: Ana@Example.com"]]),
        "roto.pdf": b"%PDF-1.4 garbage",
        "foto.png": b"\x89PNG\r\n\x1a\n" + bytes(64),
    })


def stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data))))


def test_jsonl_from_a_text_file(sqlite_env: Env, files: Path) -> None:
    path = str(files / "chat.txt")
    rows = sqlite_env.ok("extract", path, "--region", "GT").jsonl()
    assert all(list(r)[:6] == ["type", "value", "raw", "start", "end", "file"] for r in rows)
    assert all(r["file"] == path and "locator" not in r for r in rows)
    for row in rows:
        assert CHAT[row["start"]:row["end"]] == row["raw"]
    found = {(r["type"], r["value"]) for r in rows}
    assert {("email", "juan@mail.com"), ("phone", "+50255123456"), ("phone", "+50255550183"),
            ("url", "https://t.me/colibri_gt"), ("handle", "telegram:colibri_gt")} <= found
    phone = next(r for r in rows if r["value"] == "+50255123456")
    assert phone["country"] == "GT" and "number_type" in phone
    assert any(r["type"] == "drug_term" and r.get("category") for r in rows)


def test_multi_record_files_give_locators_and_record_offsets(sqlite_env: Env,
                                                             files: Path) -> None:
    rows = sqlite_env.ok("extract", str(files / "informe.docx"), str(files / "precios.xlsx"),
                         str(files / "doc.pdf"), "--region", "GT").jsonl()
    by_file = {Path(r["file"]).name: r for r in rows if r["type"] in ("phone", "email")}
    assert by_file["informe.docx"]["locator"] == "document"
    assert by_file["informe.docx"]["start"] == len("Informe\nTeléfono: ")
    assert by_file["precios.xlsx"]["locator"] == "Hoja1!R2"
    assert by_file["precios.xlsx"]["start"] == len("tel\t")
    assert by_file["doc.pdf"]["locator"] == "p. 2" and by_file["doc.pdf"]["value"] == \
        "ana@example.com"


def test_stdin(sqlite_env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    stdin(monkeypatch, CHAT.encode())
    rows = sqlite_env.ok("extract", "--region", "gt", "--types", "phone").jsonl()
    assert [r["value"] for r in rows] == ["+50255123456", "+50255550183"]
    assert all("file" not in r for r in rows)
    stdin(monkeypatch, CHAT.encode())
    assert [r["value"] for r in sqlite_env.ok("extract", "-", "--region", "GT", "--types",
                                               "email").jsonl()] == ["juan@mail.com"]
    stdin(monkeypatch, pdf([["correo ana@example.com"]]))  # a PDF piped in is read as a PDF
    rows = sqlite_env.ok("extract", "--types", "email").jsonl()
    assert [(r["value"], r["locator"]) for r in rows] == [("ana@example.com", "p. 1")]


def test_region_default_from_environment_and_validation(sqlite_env: Env, files: Path,
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    path = str(write_files(files, {"local.txt": "llamame al 5512-3456 mañana\n"}) / "local.txt")
    assert sqlite_env.ok("extract", path, "--types", "phone").jsonl() == []  # no region
    monkeypatch.setenv("SABUESO_REGION", "GT")
    rows = sqlite_env.ok("extract", path, "--types", "phone").jsonl()
    assert [r["value"] for r in rows] == ["+50255123456"]
    bad = sqlite_env.run("extract", path, "--region", "XX")
    assert bad.code == 2 and "XX" in bad.err


def test_types_validation(sqlite_env: Env, files: Path) -> None:
    res = sqlite_env.run("extract", str(files / "chat.txt"), "--types", "phone,telefono")
    assert res.code == 2 and "telefono" in res.err and res.out == ""
    rows = sqlite_env.ok("extract", str(files / "chat.txt"), "--types", "email,url").jsonl()
    assert {r["type"] for r in rows} == {"email", "url"}
    bad_format = sqlite_env.run("extract", str(files / "chat.txt"), "--format", "xml")
    assert bad_format.code == 2 and "xml" in bad_format.err


def test_csv_output(sqlite_env: Env, files: Path) -> None:
    out = sqlite_env.ok("extract", str(files / "chat.txt"), str(files / "precios.xlsx"),
                        "--region", "GT", "--format", "csv").out
    table = list(csv.reader(io.StringIO(out)))
    assert tuple(table[0]) == CSV_HEADER
    rows = [dict(zip(table[0], row, strict=True)) for row in table[1:]]
    phone = next(r for r in rows if r["value"] == "+50255123456")
    assert phone["raw"] == "5512-3456" and phone["country"] == "GT" and phone["locator"] == ""
    assert CHAT[int(phone["start"]):int(phone["end"])] == "5512-3456"
    assert any(r["locator"] == "Hoja1!R2" for r in rows)
    assert _csv_cell("+50255123456") == "+50255123456"
    assert _csv_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert _csv_cell("-2+3+cmd|' /C calc'!A0") == "'-2+3+cmd|' /C calc'!A0"
    assert _csv_cell("@SUM(A1)") == "'@SUM(A1)"


def test_table_output(sqlite_env: Env, files: Path) -> None:
    out = sqlite_env.ok("extract", str(files / "chat.txt"), "--region", "GT", "--format",
                        "table").out
    assert "+50255123456" in out and "juan@mail.com" in out and "5512-3456" in out


def test_unreadable_files_exit_2_naming_them_after_reading_the_others(sqlite_env: Env,
                                                                     files: Path) -> None:
    res = sqlite_env.run("extract", str(files / "roto.pdf"), str(files / "chat.txt"),
                         str(files / "foto.png"), str(files / "no_existe.txt"), "--region",
                         "GT")
    assert res.code == 2
    for name in ("roto.pdf", "foto.png", "no_existe.txt"):
        assert name in res.err
    assert any(r["value"] == "+50255123456" for r in res.jsonl())


def test_large_text_uses_workers_with_the_same_result(sqlite_env: Env, tmp_path: Path) -> None:
    line = "relleno sin datos " * 5 + "\n"
    body = line * 30000 + "llamar al 5512-3456\n" + line * 30000 + "Juan@Mail.com\n"
    path = write_files(tmp_path / "big", {"big.txt": body}) / "big.txt"
    one = sqlite_env.ok("extract", str(path), "--region", "GT", "--workers", "1").jsonl()
    two = sqlite_env.ok("extract", str(path), "--region", "GT", "--workers", "2").jsonl()
    assert one == two
    assert [(r["value"], body[r["start"]:r["end"]]) for r in one if r["type"] != "domain"] == [
        ("+50255123456", "5512-3456"), ("juan@mail.com", "Juan@Mail.com")]


def test_entity_commands_validate_their_options(env: Env) -> None:
    env.new_case("GT-2")
    assert env.run("entities", "GT-2", "--type", "telefono").code == 2
    doc = env.ok("entities", "GT-2", "--json").json()
    assert doc["entities"] == [] and doc["index"]["current"] is True
    assert env.run("entity", "GT-2", "5512-3456").code == 3
    assert env.ok("reindex", "GT-2", "--json").json()["items"] == 0
