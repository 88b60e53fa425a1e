"""The engine: text preparation, overlap resolution and block streaming.

These tests use fake families (installed through the engine's registry) so they check the
engine alone, whatever the real families find.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sabueso.extract import engine
from sabueso.extract.base import Context, Family, Hit, Prepared, prepare


class DigitsFamily:
    """Reports every run of exactly 8 ASCII digits as a phone, '@' tokens as emails."""

    name = "fake"
    types = frozenset({"phone", "email", "url", "domain"})

    def scan(self, text: Prepared, ctx: Context) -> Iterator[Hit]:
        for m in re.finditer(r"(?<![0-9])[0-9]{8}(?![0-9])", text.clean):
            yield Hit("phone", "+502" + m.group(), text.original[m.start():m.end()],
                      m.start(), m.end())
        for m in re.finditer(r"\S+@\S+", text.clean):
            yield Hit("email", m.group().lower(), text.original[m.start():m.end()],
                      m.start(), m.end())
        for m in re.finditer(r"https?://(\S+)", text.clean):
            yield Hit("url", m.group(), m.group(), m.start(), m.end())
            host = m.group(1).split("/")[0]
            yield Hit("domain", host, host, m.start(1), m.start(1) + len(host), derived=True)


@pytest.fixture()
def fake(monkeypatch: pytest.MonkeyPatch) -> Family:
    family = DigitsFamily()
    monkeypatch.setattr(engine, "_loaded", [family])
    return family


def test_prepare_keeps_offsets_and_normalises() -> None:
    text = "\u200e+502\u00a05512\u20113456 ５５１２ Ａ\u202fp.\u00a0m. İstanbul"
    p = prepare(text)
    assert len(p.clean) == len(text) == len(p.lower)
    assert p.clean.startswith(" +502 5512-3456 5512")
    assert " p. m." in p.clean
    assert p.original is text
    assert "İ" in p.lower  # lowers to two code points: kept as it is, offsets intact


@given(st.text())
def test_prepare_is_length_preserving_for_any_text(text: str) -> None:
    p = prepare(text)
    assert len(p.clean) == len(p.lower) == len(text)


def test_weak_hits_inside_a_url_are_dropped_unless_derived(fake: Family) -> None:
    text = "ver https://tienda.example/p/55123456 o llamar 55123456"
    hits = engine.extract_text(text)
    types = [(h.type, h.raw) for h in hits]
    assert ("url", "https://tienda.example/p/55123456") in types
    assert ("domain", "tienda.example") in types  # derived: kept
    phones = [h for h in hits if h.type == "phone"]
    assert [h.start for h in phones] == [text.rindex("55123456")]  # only the free-standing one


def test_types_filter_and_order(fake: Family) -> None:
    text = "b@x.org 55123456 a@y.org"
    hits = engine.extract_text(text, Context(types=frozenset({"email"})))
    assert [h.value for h in hits] == ["b@x.org", "a@y.org"]
    every = engine.extract_text(text)
    assert [h.start for h in every] == sorted(h.start for h in every)


def _stream_hits(text: str, block: int, workers: int = 1) -> list[Hit]:
    out: list[Hit] = []
    for chunk in engine.extract_blocks(io.StringIO(text), Context(), workers=workers,
                                       block_chars=block):
        out.extend(chunk)
    return out


def test_blocks_report_hits_across_edges_once_and_whole(fake: Family) -> None:
    unit = "x" * 37 + " 55123456 "  # no newlines: blocks must be cut inside lines
    text = unit * 400
    whole = engine.extract_text(text)
    for block in (50, 64, 101, 1000):
        streamed = _stream_hits(text, block)
        assert streamed == whole, block
    assert all(text[h.start:h.end] == h.raw for h in whole)


def test_blocks_with_lines(fake: Family) -> None:
    text = "".join(f"{i:03d} mensaje a@b.com 5512{i:04d}\n" for i in range(500))
    whole = engine.extract_text(text)
    assert len(whole) == 1000
    assert _stream_hits(text, 300) == whole


def test_worker_processes_give_the_same_hits(fake: Family) -> None:
    text = "".join(f"linea {i} 5599{i:04d} c{i}@d.net\n" for i in range(3000))
    assert _stream_hits(text, 4096, workers=2) == engine.extract_text(text)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["55123456", " ", "\n", "abc", "x@y.z", "1", "é",
                                 "https://a.b/c "]), max_size=200),
       st.integers(min_value=16, max_value=300))
def test_streaming_equals_whole_text(pieces: list[str], block: int) -> None:
    family = DigitsFamily()
    saved = engine._loaded
    engine._loaded = [family]
    try:
        text = "".join(pieces)
        assert _stream_hits(text, block) == engine.extract_text(text)
    finally:
        engine._loaded = saved


def test_parse_types() -> None:
    assert engine.parse_types("phone, email") == {"phone", "email"}
    assert engine.parse_types("wallet") == {"btc", "eth", "trx", "ltc", "doge", "xmr"}
    assert engine.parse_types(None) == frozenset(engine.ALL_TYPES)
    with pytest.raises(ValueError, match="telefono"):
        engine.parse_types("phone,telefono")


def test_hit_as_dict_is_stable() -> None:
    hit = Hit("btc", "1A", "1A", 3, 5, {"script_type": "p2pkh", "chain": "btc"})
    assert list(hit.as_dict()) == ["type", "value", "raw", "start", "end", "chain",
                                   "script_type"]
    assert hit.shifted(10).start == 13


def test_hit_init_matches_the_dataclass_contract() -> None:
    """Hit's faster ``__init__``: same fields, defaults (a new dict each time), keywords,
    ``dataclasses.replace``, equality and frozenness as the generated one."""
    import dataclasses

    a = Hit("phone", "+50255123456", "5512 3456", 1, 10)
    b = Hit(type="phone", value="+50255123456", raw="5512 3456", start=1, end=10)
    assert a == b and a.attrs == {} and a.derived is False
    assert a.attrs is not b.attrs  # default_factory semantics: never a shared dict
    c = dataclasses.replace(a, start=2, derived=True)
    assert (c.start, c.end, c.derived, a.start) == (2, 10, True, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.start = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        Hit("phone", "v", "r", 1)  # type: ignore[call-arg]


def test_shift_fresh_moves_offsets_in_place() -> None:
    from sabueso.extract.base import shift_fresh

    hits = [Hit("email", "a@b.c", "a@b.c", 0, 5), Hit("url", "u", "u", 7, 8, {"k": "v"})]
    same = shift_fresh(hits, 100)
    assert same is hits
    assert [(h.start, h.end) for h in hits] == [(100, 105), (107, 108)]
    assert hits[1].attrs == {"k": "v"}
    assert shift_fresh(hits, 0) == hits


def test_streamed_hits_are_distinct_objects_across_blocks(fake: Family) -> None:
    """The engine shifts a window's hits in place: no hit object may be reused between
    windows (each block's offsets must be its own)."""
    text = "".join(f"{i:03d} x 5512{i:04d}\n" for i in range(400))
    hits = _stream_hits(text, 256)
    assert len({id(h) for h in hits}) == len(hits) == 400
    assert all(text[h.start:h.end] == h.raw for h in hits)
