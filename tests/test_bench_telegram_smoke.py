"""The Telegram benchmark's generator is deterministic and parses back; the benchmark runs."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from sabueso.ingest.chats.model import Chat, Message
from sabueso.ingest.chats.telegram_json import parse_path

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import bench_telegram  # noqa: E402
import telegram_gen  # noqa: E402


@pytest.mark.parametrize("shape", ["single", "account"])
def test_generator_is_deterministic_valid_and_parses(tmp_path: Path, shape: str) -> None:
    a = telegram_gen.write(tmp_path / "a.json", 500, seed=3, shape=shape)
    b = telegram_gen.write(tmp_path / "b.json", 500, seed=3, shape=shape)
    assert a.read_bytes() == b.read_bytes()
    doc = json.loads(a.read_text("utf-8"))
    raw = doc["messages"] if shape == "single" else [
        m for c in doc["chats"]["list"] for m in c["messages"]]
    events = list(parse_path(str(a)))
    msgs = [e for e in events if isinstance(e, Message)]
    assert len(msgs) == len(raw) == 500
    assert sum(isinstance(e, Chat) for e in events) == (1 if shape == "single" else 3)
    assert all(m.sent_at is not None for m in msgs)
    assert {m.kind for m in msgs} == {"message", "service"}
    assert any("[contact]" in m.text for m in msgs)


@pytest.mark.skipif(not os.path.exists(bench_telegram.TIME), reason="needs /usr/bin/time")
def test_run_telegram_rows(tmp_path: Path) -> None:
    rows = bench_telegram.run_telegram(tmp_path, 300, repeat=1)
    ours = rows[0]
    assert ours["tool"].startswith("Sabueso") and ours["parsed"] == 300
    assert ours["peak_rss_mb"] > 0 and ours["msgs_per_s"] > 0
    assert len(rows) == len(bench_telegram.TOOLS)
    table = bench_telegram.markdown(rows)
    assert table.startswith("| Format | Tool |") and "Sabueso telegram_json" in table
