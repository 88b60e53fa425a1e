"""Telegram Desktop result.json benchmark: Sabueso's streaming parser against chat-miner.

Usage (from the repository root)::

    .venv/bin/python bench/bench_telegram.py                    # 1,000,000 messages, once
    .venv/bin/python bench/bench_telegram.py --messages 200000 --repeat 3

A seeded synthetic single-chat export (``bench/telegram_gen.py``: entity-list texts, service
actions, replies, forwards, media, edits) is generated once per (messages, seed) and cached in
the work folder. Each tool then parses it in a fresh child process, run under
``/usr/bin/time -f %M`` for its peak RSS:

* **Sabueso** ``sabueso.ingest.chats.telegram_json.parse_path``, consuming every event (chats,
  accounts, messages) and counting the messages;
* **chat-miner** ``chatminer.chatparsers.TelegramJsonParser(path).parse_file()`` (it
  ``json.load``\\s the whole file and keeps messages with ``from`` and ``text``, so it skips
  service messages; its progress bar is turned off).

The time is the parse alone, measured inside the child (imports and interpreter start-up
excluded), wall and CPU, best of ``--repeat``; the RSS is the highest seen. ``run_telegram``
returns the rows for another script to join with its own; run as a script it prints a
Markdown table.
A tool that is not installed is reported as missing and skipped.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

try:
    from bench import telegram_gen
except ImportError:  # run from bench/ as a script
    import telegram_gen  # type: ignore[no-redef]

REPO = Path(__file__).resolve().parent.parent
TIME = "/usr/bin/time"
SEED = 7

_SABUESO = """
import sys, time
from sabueso.ingest.chats.model import Message
from sabueso.ingest.chats.telegram_json import parse_path
start, cpu = time.perf_counter(), time.process_time()
n = 0
for event in parse_path(sys.argv[1]):
    if type(event) is Message:
        n += 1
print({"parsed": n, "seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu})
"""

_CHAT_MINER = """
import logging, sys, time
logging.disable(logging.CRITICAL)
from chatminer.chatparsers import TelegramJsonParser
start, cpu = time.perf_counter(), time.process_time()
parser = TelegramJsonParser(sys.argv[1])
parser.parse_file()
n = len(parser.parsed_messages._parsed_messages)
print({"parsed": n, "seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu})
"""

TOOLS: list[tuple[str, str, str | None]] = [
    ("Sabueso telegram_json", _SABUESO, None),
    ("chat-miner 0.6 TelegramJsonParser", _CHAT_MINER, "chatminer"),
]


def export_file(work_dir: Path, messages: int, seed: int = SEED) -> Path:
    """The synthetic export for (messages, seed), generated once."""
    work_dir.mkdir(parents=True, exist_ok=True)
    path = work_dir / f"telegram-result-{messages}-s{seed}.json"
    if not path.exists():
        tmp = path.with_suffix(".part")
        telegram_gen.write(tmp, messages, seed=seed)
        tmp.replace(path)
    return path


def _run_child(code: str, path: Path) -> dict[str, Any]:
    env = dict(os.environ, TQDM_DISABLE="1", PYTHONPATH=str(REPO / "src"))
    proc = subprocess.run([TIME, "-f", "%M", sys.executable, "-c", code, str(path)],
                          capture_output=True, text=True, env=env, check=False)
    lines = proc.stderr.strip().splitlines()
    if proc.returncode != 0 or not lines or not lines[-1].strip().isdigit():
        raise RuntimeError(f"child failed ({proc.returncode}): {proc.stderr[-2000:]}")
    result: dict[str, Any] = eval(proc.stdout.strip().splitlines()[-1], {})  # our own dict
    result["rss_kb"] = int(lines[-1])
    return result


def run_telegram(work_dir: Path, messages: int, repeat: int = 1) -> list[dict[str, Any]]:
    """One row per tool: format, tool, messages in the file, messages parsed, best wall and
    CPU seconds, messages per second (of the file, by wall time), peak RSS in MB, and a note
    (``missing`` when the tool is not installed)."""
    path = export_file(Path(work_dir), messages)
    rows: list[dict[str, Any]] = []
    for tool, code, module in TOOLS:
        row: dict[str, Any] = {"format": "Telegram JSON", "tool": tool, "messages": messages,
                               "file_mb": round(path.stat().st_size / 1e6, 1)}
        if module is not None and importlib.util.find_spec(module) is None:
            rows.append({**row, "parsed": None, "seconds": None, "cpu_seconds": None,
                         "msgs_per_s": None, "peak_rss_mb": None, "note": "missing"})
            continue
        results = [_run_child(code, path) for _ in range(max(repeat, 1))]
        best = min(r["seconds"] for r in results)
        cpu = min(r["cpu"] for r in results)
        rows.append({**row, "parsed": results[0]["parsed"], "seconds": round(best, 2),
                     "cpu_seconds": round(cpu, 2),
                     "msgs_per_s": round(messages / best) if best else None,
                     "peak_rss_mb": round(max(r["rss_kb"] for r in results) / 1024, 1),
                     "note": ""})
    return rows


def markdown(rows: list[dict[str, Any]]) -> str:
    out = ["| Format | Tool | Messages | Parsed | Time (s) | CPU (s) | Messages/s "
           "| Peak RSS (MB) |",
           "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        if r["note"] == "missing":
            out.append(f"| {r['format']} | {r['tool']} | {r['messages']:,} | not installed "
                       "| | | | |")
            continue
        out.append(f"| {r['format']} | {r['tool']} | {r['messages']:,} | {r['parsed']:,} | "
                   f"{r['seconds']:.2f} | {r['cpu_seconds']:.2f} | {r['msgs_per_s']:,} | "
                   f"{r['peak_rss_mb']:.1f} |")
    ours = next((r for r in rows if r["tool"].startswith("Sabueso") and r["seconds"]), None)
    for r in rows:
        if ours and r is not ours and r["seconds"]:
            out.append("")
            out.append(f"Sabueso / {r['tool']}: speed x{r['seconds'] / ours['seconds']:.2f}, "
                       f"peak RSS x{ours['peak_rss_mb'] / r['peak_rss_mb']:.3f}")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--work-dir", type=Path,
                        default=Path(tempfile.gettempdir()) / "sabueso-bench")
    args = parser.parse_args()
    rows = run_telegram(args.work_dir, args.messages, args.repeat)
    path = export_file(args.work_dir, args.messages)
    print(f"{args.messages:,} messages, {path.stat().st_size / 1e6:.0f} MB result.json "
          f"(seed {SEED}); Python {platform.python_version()}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs\n")
    print(markdown(rows))
    print("\n" + json.dumps(rows))


if __name__ == "__main__":
    main()
