"""Takeovers are looked for only among numbers with enough contacts: tower dumps hold
thousands of numbers seen once, which must neither blow up the candidate pairs nor change the
answer."""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sabueso.telephony import devices
from sabueso.telephony.devices import swaps
from sabueso.telephony.store import DDL

T0 = datetime(2026, 11, 1)


def _store() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(DDL)
    return con


def _line(con: duckdb.DuckDBPyConnection, v: str, first: datetime, last: datetime,
          contacts: list[str]) -> None:
    con.execute("INSERT INTO spans VALUES (1, ?, ?, ?)", [v, first, last])
    for w in contacts:
        con.execute("INSERT INTO edges VALUES (1, ?, ?, 1)", [min(v, w), max(v, w)])


@pytest.mark.parametrize("limit", [0, 10**12])  # numbers filtered first, or not: same answer
def test_takeovers_among_many_numbers_seen_once(limit: int,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(devices, "_PAIRS_UNFILTERED", limit)
    con = _store()
    friends = [f"+5025555{k:04d}" for k in range(4)]
    for f in friends:  # the contacts themselves are there all along
        _line(con, f, T0, T0 + timedelta(days=30), [])
    _line(con, "+50230000001", T0, T0 + timedelta(days=10), friends)  # falls silent
    _line(con, "+50230000002", T0 + timedelta(days=11), T0 + timedelta(days=30),
          friends[:2])  # reaches half of them: min_share 0.5
    _line(con, "+50230000003", T0 + timedelta(days=11), T0 + timedelta(days=30),
          friends[:1])  # a quarter: no
    few = ["+50277770001", "+50277770002"]  # a line with 2 contacts (< min_contacts 3) ...
    _line(con, "+50230000009", T0, T0 + timedelta(days=10), few)
    # ... whose successor reaches both: not a takeover
    _line(con, "+50230000010", T0 + timedelta(days=11), T0 + timedelta(days=30), few)
    for k in range(3000):  # two tower dumps of numbers seen once, five days apart
        day = T0 + timedelta(days=9 if k % 2 else 12)
        _line(con, f"+50240{k:06d}", day, day, [f"+50241{k:06d}"])
        _line(con, f"+50241{k:06d}", day, day, [])
    rows = [r for r in swaps(con, "X").rows if r[0] == "takeover"]
    assert [(r[2], r[3], r[6]) for r in rows] == [("+50230000001", "+50230000002", "2/4")]


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=40),
       st.sampled_from([0.5, 1.0, 7.0]))
@settings(max_examples=60, deadline=None)
def test_candidate_pairs_counted_without_making_them(spans: list[tuple[int, int]],
                                                     days: float) -> None:
    # the count that decides whether to filter is the number of pairs the window join makes
    # (a number both silent and later with itself included), ties at the window's ends too
    con = _store()
    for k, (a, b) in enumerate(spans):
        first, last = T0 + timedelta(hours=12 * min(a, b)), T0 + timedelta(hours=12 * max(a, b))
        con.execute("INSERT INTO spans VALUES (1, ?, ?, ?)", [f"+502{k:08d}", first, last])
    devices._span(con)
    window = f"to_hours({days * 24}::BIGINT)"
    made = con.execute(f"""SELECT count(*) FROM _span o, _span n WHERE o.silent AND n.late
        AND n.first BETWEEN o.last - INTERVAL 1 DAY AND o.last + {window}""").fetchone()
    assert devices._candidate_pairs(con, window) == (made[0] if made else 0)
