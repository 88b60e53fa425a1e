"""Takeovers are looked for only among numbers with enough contacts: tower dumps hold
thousands of numbers seen once, which must neither blow up the candidate pairs nor change the
answer."""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import pytest

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
