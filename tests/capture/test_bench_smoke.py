"""The capture benchmark still runs: one page, HTTP only, and the section it writes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "bench_capture.py"


def test_bench_capture_writes_its_section(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\n## Another\n\nKept.\n")
    run = subprocess.run([sys.executable, str(SCRIPT), "--pages", "2", "--no-browser",
                          "--quiet", "--tmpdir", str(tmp_path), "--out", str(doc)],
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "| Sabueso batch `--no-browser` (HTTP, WARC, text, record) | 2 |" in run.stdout
    text = doc.read_text()
    assert "## Another\n\nKept." in text and "<!-- bench_capture:end -->" in text
    assert "--pages 2 --no-browser" in text
