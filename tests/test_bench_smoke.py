"""The intake benchmark still runs: a tiny input, one round, and the section it writes."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "bench_add.py"


@pytest.mark.skipif(any(shutil.which(t) is None for t in ("sha256sum", "md5sum", "xargs")),
                    reason="needs GNU coreutils")
def test_bench_add_produces_the_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\nIntro.\n\n## Another benchmark\n\nKept as it is.\n")
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--size-mb", "8", "--repeat", "1", "--quiet",
         "--tmpdir", str(tmp_path), "--out", str(doc)],
        capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "| **floor**: `sha256sum` + `cp -r` |" in out
    assert "| **`sabueso add --no-derive`** (evidence intake) |" in out
    assert "| `sabueso add` (intake, then identifiers derived) |" in out
    assert "Ratio evidence intake (`sabueso add --no-derive`) / floor = " in out
    assert "Ratio `sabueso add` as shipped / floor = " in out
    assert "ZIP export" in out and "MiB" in out
    assert [p.name for p in tmp_path.iterdir()] == ["benchmarks.md"]  # generated data removed

    text = doc.read_text()
    assert "## Another benchmark\n\nKept as it is." in text
    assert text.count("## Evidence intake (`sabueso add`)") == 1
    assert out in text

    # a second run replaces the generated block and leaves the prose around it alone
    spec = importlib.util.spec_from_file_location("bench_add", SCRIPT)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_add", bench)
    spec.loader.exec_module(bench)
    doc.write_text(text + "\nA hand-written paragraph.\n")
    bench.update_doc(doc, "new table\n")
    again = doc.read_text()
    assert out not in again and "new table\n" in again
    assert again.count(bench.BEGIN) == 1 and again.endswith("A hand-written paragraph.\n")
