"""Property tests for the drug lexicon: every term is found in noise with exact offsets when its
context rule is met; arbitrary text never crashes, never hangs, and the fast and slow matchers
agree."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sabueso.extract.base import Context, Hit, prepare
from sabueso.extract.lexicon import FAMILY, Entry, LexiconFamily, load_entries
from sabueso.extract.lexicon_data import _ACCENTS

ENTRIES = load_entries()
VALUES = {e.value for e in ENTRIES}
SLOW = LexiconFamily(use_regex=True)

# Noise that cannot spell a term, a signal or a block phrase, with the invisible characters and
# exotic spaces of chat exports and unrelated emoji.
NOISE = st.text(alphabet="qwzxjQWZXJ .,!¿?()\n\u200e\u00a0\u202f😂👍", max_size=120)
# Supporting context that satisfies every rule: an unambiguous substance and a gram quantity.
SUPPORT = " cocaína 2g "


def scan(text: str, family: LexiconFamily = FAMILY) -> list[Hit]:
    return list(family.scan(prepare(text), Context()))


def check(text: str, found: list[Hit]) -> None:
    for hit in found:
        assert 0 <= hit.start < hit.end <= len(text)
        assert text[hit.start:hit.end] == hit.raw
        assert hit.value in VALUES
        assert set(hit.attrs) == {"category", "lang", "confidence"}


@st.composite
def written(draw: st.DrawFn) -> tuple[Entry, str]:
    """A lexicon entry and one way people write it."""
    entry = draw(st.sampled_from(ENTRIES))
    if entry.lang == "emoji":
        return entry, entry.key + draw(st.sampled_from(["", "\ufe0f"]))
    forms = {entry.key, entry.key.upper(), entry.key.translate(_ACCENTS),
             entry.key.capitalize()}
    return entry, draw(st.sampled_from(sorted(forms)))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(written(), NOISE, NOISE, st.booleans())
def test_every_term_is_found_in_noise_with_its_context(
        term: tuple[Entry, str], before: str, after: str, support_first: bool) -> None:
    entry, surface = term
    head = f"{before}{SUPPORT}" if support_first else f"{before} "
    tail = f" {after}" if support_first else f"{SUPPORT}{after}"
    text, start = head + surface + tail, len(head)
    found = scan(text)
    check(text, found)
    mine = [h for h in found if h.start == start]
    assert len(mine) == 1, (text, found)
    assert (mine[0].end, mine[0].value) == (start + len(surface), entry.value)
    assert mine[0].attrs["category"] == entry.category


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.where)
def test_each_entry_in_context(entry: Entry) -> None:
    surfaces = {entry.key, entry.key.upper(), entry.key.translate(_ACCENTS)}
    if entry.lang == "emoji":
        surfaces = {entry.key, entry.key + "\ufe0f"}
    for surface in surfaces:
        for before, after in (("¿", f"?{SUPPORT}"), (SUPPORT, "."), ("hola\n", SUPPORT)):
            text, start = before + surface + after, len(before)
            mine = [h for h in scan(text) if h.start == start]
            assert [(h.end, h.value) for h in mine] == [(start + len(surface), entry.value)], text


@settings(max_examples=300, deadline=None)
@given(written(), NOISE, NOISE)
def test_unambiguous_terms_need_no_context(term: tuple[Entry, str], before: str,
                                           after: str) -> None:
    entry, surface = term
    text = f"{before} {surface} {after}"
    values = [h.value for h in scan(text)]
    if entry.ambiguity == "none":
        assert values == [entry.value]
    elif entry.trade or entry.ambiguity == "high":
        assert values == []


JUNK = st.text(alphabet=st.one_of(
    st.characters(),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    st.sampled_from(list("perico mota coca hielo❄🍁💊🔌🎄\u200d\ufe0f🏽0134aeiou q150g$L.,")),
), max_size=400)


@settings(max_examples=400, deadline=2000)
@given(JUNK)
def test_arbitrary_text_never_crashes_and_both_matchers_agree(text: str) -> None:
    found = scan(text)
    check(text, found)
    assert found == scan(text, SLOW)


@settings(max_examples=200, deadline=2000)
@given(st.binary(max_size=2000), st.sampled_from(["latin-1", "utf-8"]))
def test_binary_junk_never_crashes(data: bytes, codec: str) -> None:
    text = data.decode(codec, "surrogateescape")
    check(text, scan(text))


@pytest.mark.parametrize("text", [
    "a" * 1_000_000,
    "0a" * 500_000,
    "hielo " * 150_000,
    "coca " * 150_000,
    "perico " * 150_000,
    "❄" * 500_000,
    "❄\u200d" * 300_000,
    "1" * 1_000_000,
    "q1 " * 300_000,
    ("x" * 99 + " ") * 10_000,
    "hielo Q1 " * 100_000,
])
def test_adversarial_inputs_run_in_linear_time(text: str) -> None:
    started = time.perf_counter()
    found = scan(text)
    elapsed = time.perf_counter() - started
    assert elapsed < 15, elapsed
    check(text[:1000], [h for h in found if h.end <= 1000])


def _kept(matches: list[re.Match[str]], low: str) -> list[tuple[int, int]]:
    """The spans ``lexicon_context._numbers`` keeps: not touching ``:`` or ``/``."""
    return [m.span() for m in matches
            if not ((m.end() < len(low) and low[m.end()] in ":/")
                    or (m.start() and low[m.start() - 1] in ":/"))]


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet="0123456789.,:/ a٣\n", max_size=40), st.data())
def test_free_numbers_keep_what_the_plain_number_scan_keeps(low: str,
                                                            data: st.DataObject) -> None:
    """The number scan that skips times and dates in C gives the same numbers as the plain
    scan filtered in Python, for any range (one starting inside a number included)."""
    from sabueso.extract.lexicon_context import _NUMBER, _free_numbers

    lo = data.draw(st.integers(0, len(low)))
    hi = data.draw(st.integers(lo, len(low)))
    assert _kept(_free_numbers(low, lo, hi), low) == _kept(
        list(_NUMBER.finditer(low, lo, hi)), low)


_EMOJI_CODES = sorted({e.key for e in load_entries() if e.lang == "emoji"})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_EMOJI_CODES), st.sampled_from(
    ["a", " ", "é", "\n", "\u200d", "\ufe0f", "😂", "❤", "🇬🇹", "ñ", "中", "\U0001f3fb"])),
    max_size=60))
def test_emoji_finder_dfa_finds_what_the_standard_search_finds(pieces: list[str]) -> None:
    """The emoji automaton runs leftmost-first as a DFA: on any text it gives the positions
    the default (standard) automaton and the regular expression give."""
    from ahocorasick_rs import BytesAhoCorasick

    from sabueso.extract.lexicon_match import _EmojiFinder

    text = "".join(pieces)
    fast = _EmojiFinder(_EMOJI_CODES, use_regex=False)
    slow = _EmojiFinder(_EMOJI_CODES, use_regex=True)
    standard = BytesAhoCorasick([c.encode() for c in _EMOJI_CODES])
    data = text.encode("utf-8", "surrogatepass")
    assert fast._ac is not None
    assert fast._ac.find_matches_as_indexes(data) == standard.find_matches_as_indexes(data)
    assert fast.find(text) == slow.find(text)
