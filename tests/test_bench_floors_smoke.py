"""The floor measurements (bench/floors.py) count what the real parsers count: a floor that
dropped messages or rows would be fast for the wrong reason."""

from __future__ import annotations

import re
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import bench_telegram  # noqa: E402
import floors  # noqa: E402
import whatsapp_gen as wg  # noqa: E402
from sabueso.ingest.chats.model import Message  # noqa: E402
from sabueso.ingest.chats.registry import ChatSource  # noqa: E402
from sabueso.ingest.chats.telegram_json import parse_path  # noqa: E402
from sabueso.ingest.chats.whatsapp import parse_binary  # noqa: E402


def test_whatsapp_floor_sees_every_message_the_parser_sees(tmp_path: Path) -> None:
    path = tmp_path / "wa.txt"
    wg.generate(path, 3000, 7, wg.Style("android", "es", 12, "dmy", 2))
    with path.open("rb") as fh:
        parsed = sum(1 for ev in parse_binary(fh, ChatSource(name=path.name,
                                                             zone="America/Guatemala"))
                     if type(ev) is Message)
    assert parsed == 3000
    assert floors.wa_floor(path) == parsed
    assert floors.wa_floor(path, records=True, survey=True) == parsed
    found = floors.child("wa-floor-survey", path)  # a fresh process, as the run measures it
    assert found is not None and found[1] == parsed and found[0] > 0
    text = path.read_text(encoding="utf-8")
    heads = [ln.split(",", 1)[0].split("/") for ln in text.split("\n")
             if re.match(r"\d+/\d+/\d+, \d", ln)]
    assert floors.wa_survey(text) == (max(int(h[0]) for h in heads),
                                      max(int(h[1]) for h in heads))


def test_telegram_floor_counts_every_entry(tmp_path: Path) -> None:
    path = bench_telegram.export_file(tmp_path, 2000)
    entries = floors.tg_floor(path)
    assert entries == 2000
    assert sum(1 for ev in parse_path(str(path)) if type(ev) is Message) == entries


def test_cdr_floor_reads_every_row(tmp_path: Path) -> None:
    rows = floors.cdr(tmp_path, 5000)
    notes = {what: note for what, _secs, note in rows}
    assert notes["CDR: (for comparison) pyarrow reads the CSV as text"] == "5,000 rows"
    floor = next(secs for what, secs, _ in rows if what.startswith("CDR: floor"))
    parts = [secs for what, secs, _ in rows if what.startswith("CDR: DuckDB")]
    assert floor >= sum(parts) > 0
    assert not list(tmp_path.glob("floor-cdr.duckdb*"))  # the scratch store is removed


def test_markdown_names_the_command() -> None:
    class Args:
        what = "chats"

    text = floors.markdown([("x", 1.5, "n")], Args())  # type: ignore[arg-type]
    assert "`python bench/floors.py chats`" in text and "| x | 1.50 | n |" in text


def test_survey_reads_only_header_dates() -> None:
    text = "\n3/14/24, 9:41 p. m. - Ana: hola\nel 25/12/24, 1:00 p. m. - no es cabecera\n"
    assert floors.wa_survey(text) == (3, 14)
