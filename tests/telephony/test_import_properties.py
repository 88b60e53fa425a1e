"""Property tests of the importer: any generated production, in any dialect (delimiter,
encoding, Spanish or English headers, split or combined date and time, day/month order, local
time or UTC, Excel-damaged IMEIs, preamble lines, number forms, a target column), is read back
to exactly the events that were written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sabueso.telephony.normalise import normalise
from sabueso.telephony.reader import load
from sabueso.telephony.store import DDL
from telephony.gen import cdr_gen

START = datetime(2026, 1, 1, tzinfo=UTC)
NUMBERS = st.integers(30000000, 59999999).map(str)


def _imei(body: int) -> str:
    digits = f"35{body:012d}"
    return digits + cdr_gen.luhn(digits)


events_st = st.lists(st.builds(
    lambda peer, direction, kind, sec, dur, imei: (peer, direction, kind, sec, dur, imei),
    st.one_of(NUMBERS, st.sampled_from(["1502", "*611"])), st.sampled_from(["out", "in"]),
    st.sampled_from(["voice", "sms"]), st.integers(0, 200 * 86400), st.integers(0, 7200),
    st.integers(0, 10**12 - 1)), min_size=1, max_size=25)

dialect_st = st.builds(
    cdr_gen.Dialect, st.sampled_from([";", ",", "\t", "|"]),
    st.sampled_from(["utf-8", "utf-16", "latin-1"]), st.booleans(), st.booleans(),
    st.sampled_from(["dmy", "mdy", "iso"]), st.booleans(), st.booleans(), st.integers(0, 4),
    st.sampled_from(["national", "cc", "plus", "dashed"]), st.booleans())


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(line=NUMBERS, raw=events_st, d=dialect_st)
def test_any_dialect_reads_back_the_events(tmp_path: Path, line: str,
                                           raw: list[tuple[str, str, str, int, int, int]],
                                           d: cdr_gen.Dialect) -> None:
    events = [cdr_gen.Event(line, peer, direction, kind, START + timedelta(seconds=sec),
                            dur if kind == "voice" else 0, _imei(imei), "704010000000001",
                            "GT-C0001")
              for peer, direction, kind, sec, dur, imei in raw if peer != line]
    if not events:
        return
    path = cdr_gen.write_production(events, tmp_path / "p.csv", d)
    con = duckdb.connect()
    con.execute(DDL)
    load(con, path, None, "stage")
    out = normalise(con, "stage", region="GT", tz="America/Guatemala", date_order=None,
                    where=str(path), import_id=1)
    assert out.rows_read == len(events) and out.rows_kept == len(events)
    rows = con.execute("SELECT line_no, line, peer, direction, kind, ts, duration, imei, "
                       "imei_flag FROM events ORDER BY line_no").fetchall()
    first_line = rows[0][0]
    assert first_line == d.preamble + 2  # the header's line + 1, as in the file
    ambiguous = out.date_order_basis == "assumed"
    assert out.date_order_basis in ("data", "assumed", "iso")  # the generator writes numbers
    for k, (e, r) in enumerate(zip(events, rows, strict=True)):
        peer = "+502" + e.peer if e.peer and len(e.peer) == 8 else e.peer
        assert (r[1], r[2], r[3], r[4], r[6]) == ("+502" + line, peer, e.direction, e.kind,
                                                   e.duration)
        if not (ambiguous and d.order == "mdy"):
            assert r[5].replace(tzinfo=UTC) == e.ts
        if d.damaged_imei and k % 5 == 0:
            assert r[7] is None and r[8] == "excel_scientific"  # flagged, never "repaired"
        else:
            assert r[7] == e.imei
    if ambiguous:  # only a file whose days are all 1-12 (or one date) may be assumed
        assert all(e.ts.astimezone(cdr_gen.ZONE if not d.utc else UTC).day <= 12
                   for e in events) or d.order == "iso"
