"""The case entity index: derivation from evidence, entity listing, mentions with context,
need-to-know, rebuilds that leave evidence and the existing ledger alone (SQLite and PostgreSQL).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from conftest import Env, write_files
from sabueso.demo.documents import docx, pdf, xlsx
from sabueso.extract import engine
from sabueso.extract.index import derive_items, rebuild_case
from sabueso.extract.lookup import entity_mentions, list_entities
from sabueso.ingest.intake import IntakeOptions, add_paths
from sabueso.store.schema import blobs, item_derivations, items, records

REF = "GT-1"
CHAT = ("12/11/26, 20:01 - Cliente: Buenas, hay mota? mi número es 5512-3456\r\n"
        "12/11/26, 20:03 - Colibrí: Sí. Pagá a Juan@Mail.com o al +502 5555 0183\r\n"
        "12/11/26, 20:04 - Colibrí: perfil https://instagram.com/colibri_express_gt\r\n")
PAGE = ("<html><head><title>colibri</title><script>var x='5599-0000'</script></head><body>"
        "<p>Pedidos: 5512 3456</p><a href='https://t.me/colibri_gt'>tg</a></body></html>")


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out.getvalue()


def evidence(root: Path) -> Path:
    return write_files(root, {
        "chat.txt": CHAT,
        "perfil.html": PAGE,
        "informe.docx": docx(["Informe: sospechoso con teléfono 5512-3456",
                              [["Alias", "Correo"], ["Colibrí", "JUAN@mail.com"]]]),
        "precios.xlsx": xlsx([("Precios", [["onza", 350, "5555-0183"]])]),
        "constancia.pdf": pdf([["Depósito"], ["Contacto 5512-3456"]]),
        "roto.pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage",
        "foto.png": b"\x89PNG\r\n\x1a\n" + bytes(64),
        "telefono.zip": _zip({"notas/nota.txt": b"anotado: 5512-3456 y 2231-0000"}),
    })


@pytest.fixture
def case(env: Env, tmp_path: Path) -> Env:
    env.new_case(REF)
    # The intake service alone: ``sabueso add`` would derive at once, these tests drive it.
    add_paths(env.workspace(), REF, [evidence(tmp_path / "ev")], IntakeOptions())
    return env


def derive(env: Env, user: str | None = None) -> Any:
    return derive_items(env.workspace(user), REF)


def ledger(env: Env) -> list[dict[str, Any]]:
    return env.ok("log", REF, "--json").jsonl()


def item_no(env: Env, name: str) -> int:
    found = [i for i in env.ok("evidence", REF, "--json").json() if i["name"] == name]
    assert len(found) == 1, name
    return int(found[0]["no"])


def test_derivation_reads_every_format_and_records_the_run(case: Env) -> None:
    summary = derive(case)
    assert [f.name for f in summary.failed] == ["roto.pdf"]
    assert summary.failed[0].key == "error.reader_corrupt"
    # chat, html, docx, xlsx, pdf and the archive member; the PNG and the ZIP are skipped
    assert summary.items == 6 and summary.skipped == 2
    assert summary.extractor_version == engine.EXTRACTOR_VERSION
    entries = ledger(case)
    actions = [e["action"] for e in entries]
    assert actions.count("derive.start") == 1 and actions.count("derive.complete") == 1
    assert actions.count("derive.item") == 6 and actions.count("derive.failed") == 1
    start = next(e for e in entries if e["action"] == "derive.start")
    assert start["details"]["extractor_version"] == engine.EXTRACTOR_VERSION
    assert start["details"]["region"] == "GT" and "pdf" in start["details"]["readers"]
    complete = next(e for e in entries if e["action"] == "derive.complete")
    assert complete["details"]["failed"] == [f"E-{item_no(case, 'roto.pdf')}"]
    failed = next(e for e in entries if e["action"] == "derive.failed")
    assert failed["subject"] == f"item:E-{item_no(case, 'roto.pdf')}"
    chat = next(e for e in entries if e["action"] == "derive.item"
                and e["subject"] == f"item:E-{item_no(case, 'chat.txt')}")
    # a WhatsApp export: read as chat messages, not as one text
    assert chat["details"]["reader"] == "whatsapp" and chat["details"]["messages"] == 3
    # a second derivation finds nothing left to do and writes nothing
    count = len(ledger(case))
    again = derive(case)
    assert again.derivation is None and again.items == 0
    assert len(ledger(case)) == count + 1  # the log view itself


def test_entities_with_counts_and_items(case: Env) -> None:
    derive(case)
    doc = case.ok("entities", REF, "--json").json()
    assert doc["case"] == REF and doc["index"]["current"] is True
    by_key = {(e["type"], e["value"]): e for e in doc["entities"]}
    phone = by_key[("phone", "+50255123456")]
    expected = {f"E-{item_no(case, n)}" for n in ("chat.txt", "perfil.html", "informe.docx",
                                                   "constancia.pdf", "nota.txt")}
    assert set(phone["items"]) == expected and phone["mentions"] == 5
    assert phone["attrs"]["country"] == "GT"
    email = by_key[("email", "juan@mail.com")]
    assert email["mentions"] == 2  # chat and docx, written differently
    assert ("handle", "instagram:colibri_express_gt") in by_key
    assert ("url", "https://t.me/colibri_gt") in by_key
    assert ("phone", "+50255990000") not in by_key  # inside a script: not visible text
    counts = [e["mentions"] for e in doc["entities"]]
    assert counts == sorted(counts, reverse=True)
    only = case.ok("entities", REF, "--type", "email,handle", "--json").json()["entities"]
    assert {e["type"] for e in only} == {"email", "handle"}
    table = case.ok("entities", REF).out
    assert "+50255123456" in table and "juan@mail.com" in table


def test_entity_mentions_with_context_and_offsets(case: Env) -> None:
    derive(case)
    ws = case.workspace()
    for query in ("5512-3456", "+502 5512 3456", "(502) 5512-3456", "+50255123456"):
        _case, _status, found = entity_mentions(ws, REF, query)
        assert [(m.type, m.value) for m in found] == [("phone", "+50255123456")], query
    _c, _s, [phone] = entity_mentions(ws, REF, "5512-3456")
    names = [m.name for m in phone.mentions]
    assert names.count("chat.txt") == 1 and len(phone.mentions) == 5
    chat = next(m for m in phone.mentions if m.name == "chat.txt")  # a message: its own text
    assert chat.locator == "line 1" and chat.raw == "5512-3456"
    assert chat.before == "Buenas, hay mota? mi número es " and chat.after == ""
    plain = next(m for m in phone.mentions if m.name == "nota.txt")  # a plain file: offsets
    assert plain.locator is None and plain.start == len("anotado: ")
    pdf_mention = next(m for m in phone.mentions if m.name == "constancia.pdf")
    assert pdf_mention.locator == "p. 2" and pdf_mention.before.endswith("Contacto ")
    doc = next(m for m in phone.mentions if m.name == "informe.docx")
    assert doc.locator == "document" and doc.raw == "5512-3456"
    member = next(m for m in phone.mentions if m.name == "nota.txt")
    assert member.before == "anotado: " and member.after == " y 2231-0000"
    # e-mail: typed in any case, found as written in each file
    res = case.ok("entity", REF, "Juan@Mail.com", "--json").json()
    [email] = res["entities"]
    assert email["value"] == "juan@mail.com"
    assert sorted(m["raw"] for m in email["mentions"]) == ["JUAN@mail.com", "Juan@Mail.com"]
    # canonical values typed as stored
    handle = case.ok("entity", REF, "instagram:colibri_express_gt", "--json").json()
    assert handle["entities"][0]["type"] == "handle"
    # people: one line, control characters escaped
    out = case.ok("entity", REF, "5512-3456").out
    assert "+50255123456" in out and "\r" not in out and "⏎" in out
    missing = case.run("entity", REF, "5599-9999")
    assert missing.code == 3 and "5599-9999" in missing.err


def test_views_are_recorded_in_the_ledger(case: Env) -> None:
    derive(case)
    case.ok("entities", REF)
    case.ok("entity", REF, "5512-3456")
    views = [e for e in ledger(case) if e["action"].startswith("entities.")]
    assert [e["action"] for e in views] == ["entities.list", "entities.view"]
    assert views[1]["details"]["query"] == "5512-3456"
    assert views[1]["details"]["entities"] == ["phone:+50255123456"]
    assert views[1]["details"]["mentions"] == 5


def test_need_to_know(case: Env) -> None:
    derive(case)
    case.ok("user", "add", "beto", "--role", "investigator")
    case.ok("user", "add", "fiscal", "--role", "prosecutor")
    case.ok("case", "grant", REF, "fiscal", "--role", "prosecutor")
    before = [e for e in ledger(case) if e["action"] == "access.denied"]
    for args in (("entities", REF), ("entity", REF, "5512-3456"), ("reindex", REF)):
        res = case.run(*args, user="beto")
        assert res.code == 3 and "beto" in res.err, args
    # a prosecutor reads the index but may not rebuild it
    assert case.ok("entities", REF, "--json", user="fiscal").json()["entities"]
    assert case.run("reindex", REF, user="fiscal").code == 3
    denied = [e for e in ledger(case) if e["action"] == "access.denied"]
    assert len(denied) == len(before) + 4
    assert [e["actor"] for e in denied[-4:]] == ["beto", "beto", "beto", "fiscal"]
    assert case.run("entities", "NO-EXISTE").code == 3


def _snapshot(env: Env) -> dict[str, Any]:
    with env.engine().connect() as conn:
        return {
            "items": [tuple(r) for r in conn.execute(select(items).order_by(items.c.id))],
            "blobs": [tuple(r) for r in conn.execute(select(blobs).order_by(blobs.c.sha256))],
        }


def test_rebuild_is_idempotent_and_leaves_evidence_and_ledger_intact(case: Env) -> None:
    derive(case)
    first = case.ok("entities", REF, "--json").json()["entities"]
    mentions_first = case.ok("entity", REF, "5512-3456", "--json").json()["entities"]
    evidence_before = _snapshot(case)
    ledger_before = ledger(case)
    res = case.ok("reindex", REF, "--json").json()
    assert res["kind"] == "rebuild" and res["items"] == 6 and len(res["failed"]) == 1
    assert case.ok("entities", REF, "--json").json()["entities"] == first
    assert case.ok("entity", REF, "5512-3456", "--json").json()["entities"] == mentions_first
    rebuild_case(case.workspace(), REF)
    assert case.ok("entities", REF, "--json").json()["entities"] == first
    assert _snapshot(case) == evidence_before
    ledger_after = ledger(case)
    assert ledger_after[:len(ledger_before)] == ledger_before  # only appended
    new = [e["action"] for e in ledger_after[len(ledger_before):]]
    assert new.count("derive.reset") == 2 and new.count("derive.item") == 12
    assert case.run("verify", REF).code == 0
    assert case.run("verify").code == 0
    with case.engine().connect() as conn:
        assert conn.execute(select(func.count()).select_from(item_derivations)).scalar() == 9
        assert conn.execute(select(func.count()).select_from(records)
                            .where(records.c.text.is_(None))).scalar() == 1  # plain file


def test_index_status_asks_for_a_rebuild_after_an_upgrade(case: Env,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    derive(case)
    assert case.ok("entities", REF, "--json").json()["index"]["current"] is True
    monkeypatch.setattr(engine, "EXTRACTOR_VERSION", "999")
    doc = case.ok("entities", REF, "--json").json()
    assert doc["index"]["current"] is False and doc["index"]["outdated_items"] == 7
    res = case.ok("entities", REF)
    assert "reindex" in res.err and REF in res.err
    case.ok("reindex", REF)
    doc = case.ok("entities", REF, "--json").json()
    assert doc["index"]["current"] is True and doc["index"]["built_with"] == ["999"]


def test_items_added_later_are_pending_until_derived(case: Env, tmp_path: Path) -> None:
    derive(case)
    more = write_files(tmp_path / "more", {"nuevo.txt": "nuevo contacto 4123-9876"})
    case.ok("add", REF, str(more / "nuevo.txt"))
    ws = case.workspace()
    _c, status, _rows = list_entities(ws, REF)
    if status.pending:  # the add did not derive it by itself
        assert status.pending == 1
        summary = derive_items(ws, REF, [item_no(case, "nuevo.txt")])
        assert summary.items == 1 and summary.skipped == 0
    _c, status, rows = list_entities(ws, REF)
    assert status.current and ("phone", "+50241239876") in {(r.type, r.value) for r in rows}


def test_large_plain_text_is_streamed_and_context_read_back(env: Env, tmp_path: Path) -> None:
    env.new_case(REF)
    filler = "línea de relleno sin datos, ñandú y más texto para ocupar espacio.\n"
    parts = [filler * 20000, "llamar al 5512-3456 urgente\n", filler * 20000,
             "pago a Juan@Mail.com\n"]
    body = "".join(parts)
    write_files(tmp_path / "big", {"grande.txt": body})
    env.ok("add", REF, str(tmp_path / "big" / "grande.txt"))
    derive(env)
    _c, _s, [phone] = entity_mentions(env.workspace(), REF, "5512-3456")
    [m] = phone.mentions
    assert m.start == len(parts[0]) + len("llamar al ") and body[m.start:m.end] == "5512-3456"
    assert m.before == body[m.start - 60:m.start] and m.after == " urgente\n" + filler[:51]
    _c, _s, [email] = entity_mentions(env.workspace(), REF, "juan@mail.com")
    assert email.mentions[0].after == "\n" and body[email.mentions[0].start:].startswith("Juan")


def _index_rows(env: Env) -> list[tuple[Any, ...]]:
    """Every mention with its entity, record and item, in a stable order (ids left out)."""
    from sabueso.store.schema import entities, mentions

    with env.engine().connect() as conn:
        q = (select(items.c.no, records.c.ordinal, records.c.chars, entities.c.type,
                    entities.c.value, mentions.c.char_start, mentions.c.char_end,
                    mentions.c.raw)
             .join(records, records.c.id == mentions.c.record_id)
             .join(items, items.c.id == mentions.c.item_id)
             .join(entities, entities.c.id == mentions.c.entity_id))
        return sorted(tuple(r) for r in conn.execute(q))


@pytest.mark.parametrize("parallel", [True, False])
def test_many_items_in_processes_and_batches_give_the_same_index(
        env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool) -> None:
    from sabueso.extract import index

    files: dict[str, str | bytes] = {
        f"chat{i:02d}.txt": f"mensaje {i}: llamar al 5512-{3400 + i} o escribir a "
                            f"user{i}@correo.com\n" for i in range(23)}
    files["roto.pdf"] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage"
    files["informe.docx"] = docx(["Informe: teléfono 5512-3401"])
    env.new_case(REF)
    add_paths(env.workspace(), REF, [write_files(tmp_path / "ev", files)], IntakeOptions())
    monkeypatch.setattr(index, "WRITE_ITEMS", 4)  # several transactions
    if not parallel:
        monkeypatch.setattr(index, "PARALLEL_ITEMS_FROM", 10**9)
    summary = derive(env)
    assert summary.items == 24 and [f.name for f in summary.failed] == ["roto.pdf"]
    assert summary.mentions == 70 and summary.entities == 47  # phones, e-mails, domain
    entries = ledger(env)
    assert [e["action"] for e in entries].count("derive.item") == 24
    items_logged = [e["subject"] for e in entries if e["action"] in ("derive.item",
                                                                   "derive.failed")]
    assert items_logged == sorted(items_logged, key=lambda s: int(s.split("-")[1]))
    rows = _index_rows(env)
    assert len(rows) == 70
    assert ("phone", "+50255123401") in {(r[3], r[4]) for r in rows}
    # the same index whichever way it was built
    monkeypatch.setattr(index, "PARALLEL_ITEMS_FROM", 10**9 if parallel else 1)
    rebuild_case(env.workspace(), REF)
    assert _index_rows(env) == rows
    assert env.run("verify", REF).code == 0
