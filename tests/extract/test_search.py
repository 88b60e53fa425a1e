"""Full-text search: accent- and case-insensitive, phrases and prefixes, over stored and
streamed record text and chat messages; the same results on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Env, write_files
from sabueso.demo.documents import docx
from sabueso.extract.fold import CHUNK_CHARS, chunks, fold
from sabueso.extract.search import parse_query

REF = "GT-1"
FILLER = "línea de relleno sin nada que ver, con ñandú y más texto para ocupar espacio.\n"


@pytest.fixture
def case(env: Env, tmp_path: Path) -> Env:
    env.new_case(REF)
    big = FILLER * 3000 + "Aquí dice CANCIÓN del Colibrí y pagué en efectivo.\n" + FILLER * 3000
    folder = write_files(tmp_path / "ev", {
        "chat.txt": "Hola, ¿hay mota? Pagá al Colibrí por la mañana\nSin acentos: cancion\n",
        "grande.txt": big,
        "informe.docx": docx(["Informe del caso: el sospechoso Colibrí vende perico."]),
        "otro.txt": "nada que ver aquí\n",
    })
    env.ok("add", REF, str(folder))
    return env


def hits(env: Env, query: str) -> list[tuple[str, str | None]]:
    names = {f"E-{i['no']}": i["name"] for i in env.ok("evidence", REF, "--json").json()}
    return [(names[h["item"]], h["locator"])
            for h in env.ok("search", REF, query, "--json").jsonl()]


def test_words_accents_phrases_prefixes(case: Env) -> None:
    assert sorted(n for n, _l in hits(case, "colibri")) == ["chat.txt", "grande.txt",
                                                             "informe.docx"]
    assert [n for n, _l in hits(case, "CANCIÓN")] == ["chat.txt", "grande.txt"]
    assert [n for n, _l in hits(case, "colibrí perico")] == ["informe.docx"]  # both words
    assert [n for n, _l in hits(case, '"pague en efectivo"')] == ["grande.txt"]
    assert hits(case, '"efectivo en pague"') == []
    assert [n for n, _l in hits(case, "sospech*")] == ["informe.docx"]
    assert hits(case, "sospech") == []  # a whole word unless * is given
    assert hits(case, "inexistente") == []
    # operators of the databases' own query languages are plain separators here
    assert [n for n, _l in hits(case, 'mota OR "; DROP TABLE items; --')] == []
    assert [n for n, _l in hits(case, "hay-mota")] == ["chat.txt"]


def test_snippets_and_ledger(case: Env) -> None:
    [hit] = case.ok("search", REF, '"pague en efectivo"', "--json").jsonl()
    assert "pagué en efectivo" in hit["snippet"] and "CANCIÓN" in hit["snippet"]
    big = next(i for i in case.ok("evidence", REF, "--json").json()
               if i["name"] == "grande.txt")
    assert hit["item"] == f"E-{big['no']}"
    assert hit["start"] == len(FILLER) * 3000 + len("Aquí dice CANCIÓN del Colibrí y ")
    table = case.ok("search", REF, "colibri").out
    assert "informe.docx" in table and "results" in table
    log = case.ok("log", REF, "--json").jsonl()
    searches = [e for e in log if e["action"] == "search"]
    assert searches[0]["details"] == {"query": '"pague en efectivo"', "hits": 1, "records": 1}
    assert case.run("search", REF, "¿?¡!").code == 2
    assert case.run("search", "NO-EXISTE", "x").code == 3
    case.ok("user", "add", "beto", "--role", "analyst")
    assert case.run("search", REF, "colibri", user="beto").code == 3


def test_rebuild_keeps_search_the_same(case: Env) -> None:
    before = hits(case, "colibri")
    case.ok("reindex", REF)
    assert hits(case, "colibri") == before
    case.ok("reindex", REF)
    assert hits(case, "colibri") == before
    assert case.run("verify", REF).code == 0


def test_fold_keeps_length_and_drops_accents() -> None:
    assert fold("Canción ÑANDÚ, São-Paulo_x") == "cancion nandu  sao paulo x"
    assert fold("İstanbul ß 💊 ١٢٣") == "istanbul ß   ١٢٣"
    text = "abc " * (CHUNK_CHARS // 2)
    pieces = list(chunks(text, 10))
    assert pieces[0][0] == 10 and "".join(p for _o, p in pieces).split() == text.split()
    assert all(len(p) <= CHUNK_CHARS for _o, p in pieces)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_fold_is_length_preserving_and_query_safe(text: str) -> None:
    assert len(fold(text)) == len(text)
    folded = fold(text)
    assert all(c == " " or c.isalnum() for c in folded)
    if folded.split():
        query = parse_query(text)
        assert all(tok.isalnum() for term, _p in query.terms for tok in term)
        assert '"' not in "".join(t for term, _p in query.terms for t in term)
