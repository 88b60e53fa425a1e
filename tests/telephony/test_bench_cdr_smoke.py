"""The telephony benchmark still runs: a small size, and the section it writes."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "bench_cdr.py"


@pytest.mark.skipif(importlib.util.find_spec("pandas") is None,
                    reason="pandas (the bench extra) is not installed")
def test_bench_cdr_writes_its_section(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\n## Another benchmark\n\nKept as it is.\n")
    run = subprocess.run([sys.executable, str(SCRIPT), "--events", "20000", "--tmpdir",
                          str(tmp_path), "--out", str(doc)],
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    for name in ("top", "common", "path", "profile", "devices", "swaps", "colocation",
                 "intersect", "timeline"):
        assert f"| {name} | " in run.stdout
    assert "20,000 records" in run.stdout and "rows/s" in run.stdout
    text = doc.read_text()
    assert "## Another benchmark\n\nKept as it is." in text
    assert text.count("## Telephony: call records import and analyses") == 1
    assert [p.name for p in tmp_path.iterdir()] == ["benchmarks.md"]  # data removed
