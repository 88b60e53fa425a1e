"""The lexicon data files: every row well-formed, sourced and unique; the loader's checks."""

from __future__ import annotations

from collections import Counter
from importlib import resources

import pytest

from sabueso.extract import lexicon_data
from sabueso.extract.lexicon import fold
from sabueso.extract.lexicon_data import (
    AMBIGUITY,
    CATEGORIES,
    LANGS,
    SIGNAL_KINDS,
    LexiconError,
    load_entries,
    load_signals,
    load_sources,
)

DATA = resources.files("sabueso.extract") / "data" / "lexicon"


def rows(name: str) -> list[tuple[int, list[str]]]:
    """Data rows of a file, read independently of the loader."""
    out = []
    for number, line in enumerate(DATA.joinpath(name).read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if cols[0] in ("term", "key"):
            continue
        out.append((number, cols))
    return out


@pytest.mark.parametrize("name", lexicon_data.TERM_FILES)
def test_every_row_is_well_formed(name: str) -> None:
    lang = name.removesuffix(".tsv")
    sources = load_sources()
    for number, cols in rows(name):
        where = f"{name}:{number}"
        assert 7 <= len(cols) <= 8, where
        term, value, category, row_lang, regions, ambiguity, source = cols[:7]
        assert term and term == term.strip() and value, where
        assert category in CATEGORIES, where
        assert row_lang == lang and row_lang in LANGS, where
        assert ambiguity in AMBIGUITY, where
        assert source, f"{where}: every row needs a source"
        assert all(key in sources for key in source.split(",")), where
        assert all(len(r) == 2 and r.isupper() for r in regions.split(",") if r), where
        if lang != "emoji":
            assert term == term.lower(), where
        if len(cols) == 8 and cols[7]:
            assert all(b.strip()[0] in "+-" for b in cols[7].split(";") if b.strip()), where


def test_no_duplicate_terms_across_files() -> None:
    keys = Counter(cols[0].lower().replace("\ufe0f", "")
                   for name in lexicon_data.TERM_FILES for _, cols in rows(name))
    assert [k for k, n in keys.items() if n > 1] == []


def test_loader_reads_every_row() -> None:
    entries = load_entries()
    assert len(entries) == sum(len(rows(name)) for name in lexicon_data.TERM_FILES)
    by_lang = Counter(e.lang for e in entries)
    assert by_lang["es"] >= 120 and by_lang["en"] >= 100 and by_lang["emoji"] >= 30
    assert {e.category for e in entries} == CATEGORIES


def test_dea_emoji_chart_is_covered() -> None:
    chart = ("🍁 💊 🅿 🍌 🍫 🚌 💎 🔮 💙 ❄ ⛄ 🌨 🎱 🔑 🐡 🐉 "
             "🤎 ⚡ 🌲 🌴 🎄 🍀 ☁ 🍄 💜 🔌 💰 💵 🚀 💣 💥 🍪")
    keys = {e.key for e in load_entries() if e.lang == "emoji"}
    assert [ch for ch in chart.split() if ch not in keys] == []


def test_folded_spellings_do_not_collide() -> None:
    seen: dict[str, str] = {}
    for entry in load_entries():
        if entry.lang != "emoji" and entry.key.isalpha():
            key = fold(entry.key)
            assert seen.setdefault(key, entry.value) == entry.value, (entry.term, key)


def test_signals_are_well_formed_and_not_terms() -> None:
    terms = {e.key for e in load_entries()}
    sources = load_sources()
    signals = load_signals()
    assert len(signals) == len(rows(lexicon_data.SIGNAL_FILE))
    for sig in signals:
        assert sig.kind in SIGNAL_KINDS and sig.lang in LANGS and sig.source in sources
        assert sig.term not in terms, sig.term
    assert len({s.term for s in signals}) == len(signals)


def test_every_source_is_cited_in_full() -> None:
    for key, citation in load_sources().items():
        assert key == key.strip().lower() and len(citation) > 20


@pytest.mark.parametrize(("cols", "message"), [
    (["perico", "perico", "cocaina", "es", "", "none", "dle"], "unknown category"),
    (["perico", "perico", "cocaine", "en", "", "none", "dle"], "wrong file"),
    (["perico", "perico", "cocaine", "es", "", "maybe", "dle"], "ambiguity"),
    (["perico", "perico", "cocaine", "es", "", "none", ""], "no source"),
    (["Perico", "perico", "cocaine", "es", "", "none", "dle"], "lower case"),
    (["perico", "perico", "cocaine", "es", "cr", "none", "dle"], "regions"),
    (["perico", "perico", "cocaine", "es", "", "none", "dle", "cola"], "needs . or -"),
    (["🧑\u200d🎄", "x", "cocaine", "emoji", "", "high", "dle"], "one code point"),
])
def test_loader_rejects_bad_rows(cols: list[str], message: str) -> None:
    with pytest.raises(LexiconError, match=message) as err:
        lexicon_data._entry("es.tsv:9", cols, "emoji" if cols[3] == "emoji" else "es")
    assert "es.tsv:9" in str(err.value)
