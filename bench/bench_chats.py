"""Chat-export parser benchmark: Sabueso's parsers against the open-source peers, side by side.

Usage (from the repository root)::

    .venv/bin/python bench/bench_chats.py --out docs/benchmarks.md   # 100k and 1M; its section
    .venv/bin/python bench/bench_chats.py --messages 200000 --styles es12 --peers whatstk
    .venv/bin/python bench/bench_chats.py --formats telegram --messages 200000

For each format and export style, a deterministic synthetic export is generated (seeded, cached
in the temporary folder) at ``--small`` and ``--messages`` messages; then, in the same run, each
tool parses it in a child process of its own: the child times the parse (imports excluded) and
``/usr/bin/time -f %M`` gives its peak RSS. A peer that is not installed or fails is reported
and skipped. The Markdown tables give messages/s over the file's messages, the messages each
tool read, the parse's CPU seconds (the machine may be shared: CPU time moves less than wall
time), peak RSS and each peer's time as a multiple of Sabueso's. ``--out FILE`` rewrites the
block between the ``bench_chats`` markers of that Markdown file (``bench/docsection.py``).

WhatsApp (``bench/whatsapp_gen.py``): Sabueso ``whatsapp.parse_binary`` (the registry's entry:
the vault file's bytes, decoded by Sabueso's text rule) against whatstk ``df_from_whatsapp``
(auto header, no size cap) and chat-miner ``WhatsAppParser``. Styles: ``es12`` Android Spanish
12-hour with U+202F and ``a. m.``/``p. m.`` (the default; what Central American phones write),
``en24`` Android English 24-hour (a style every peer reads fully), ``ios-es`` iOS Spanish.

Telegram Desktop ``result.json`` (``bench/telegram_gen.py``, a single chat as tdesktop lays it
out; the file ``bench_telegram.py`` caches): Sabueso ``telegram_json.parse_path`` against
chat-miner ``TelegramJsonParser`` (``json.load`` of the whole file; it skips service
messages). whatstk does not read Telegram.

A new format is one function returning its ``Section`` list, registered in ``SECTIONS``, and
its tools in ``CHILDREN``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

try:
    from bench import bench_telegram, docsection
    from bench import whatsapp_gen as wg
except ImportError:  # run from bench/ as a script
    import bench_telegram  # type: ignore[no-redef]
    import docsection  # type: ignore[no-redef]
    import whatsapp_gen as wg  # type: ignore[no-redef]

HERE = Path(__file__).resolve()


@dataclass
class Run:
    tool: str
    messages: int | None = None  # messages the tool read
    seconds: float | None = None  # parse time inside the child
    cpu: float | None = None  # its CPU seconds
    rss_mb: float | None = None
    note: str = ""


@dataclass
class Section:
    title: str
    tools: list[str]  # child names, Sabueso's first
    files: dict[int, Path] = field(default_factory=dict)  # messages in file -> path
    runs: dict[int, list[Run]] = field(default_factory=dict)


# --------------------------------------------------------------------------- children
# Each child parses one file and returns the number of messages it read; it runs in a fresh
# process, so its import cost and memory are its own.

def _child_sabueso_whatsapp(path: Path, zone: str) -> int:
    from sabueso.ingest.chats.model import Message
    from sabueso.ingest.chats.registry import ChatSource
    from sabueso.ingest.chats.whatsapp import parse_binary

    n = 0
    with path.open("rb") as fh:
        for ev in parse_binary(fh, ChatSource(name=path.name, zone=zone)):
            if type(ev) is Message:
                n += 1
    return n


def _child_whatstk(path: Path, zone: str) -> int:
    from whatstk.whatsapp.parser import df_from_whatsapp

    return len(df_from_whatsapp(str(path), max_size=None))


def _child_chat_miner(path: Path, zone: str) -> int:
    import logging

    from chatminer.chatparsers import WhatsAppParser

    logging.disable(logging.CRITICAL)
    parser = WhatsAppParser(str(path))
    parser.parse_file()
    return len(parser.parsed_messages.get_df())


def _child_sabueso_telegram(path: Path, zone: str) -> int:
    from sabueso.ingest.chats.model import Message
    from sabueso.ingest.chats.telegram_json import parse_path

    return sum(1 for ev in parse_path(str(path)) if type(ev) is Message)


def _child_chat_miner_telegram(path: Path, zone: str) -> int:
    import logging

    from chatminer.chatparsers import TelegramJsonParser

    logging.disable(logging.CRITICAL)
    parser = TelegramJsonParser(str(path))
    parser.parse_file()
    return len(parser.parsed_messages.get_df())


CHILDREN: dict[str, Callable[[Path, str], int]] = {
    "whatsapp:sabueso": _child_sabueso_whatsapp,
    "whatsapp:whatstk": _child_whatstk,
    "whatsapp:chat-miner": _child_chat_miner,
    "telegram:sabueso": _child_sabueso_telegram,
    "telegram:chat-miner": _child_chat_miner_telegram,
}
_IMPORTS = {"whatsapp:whatstk": "whatstk", "whatsapp:chat-miner": "chatminer",
            "telegram:chat-miner": "chatminer"}


def child_main(name: str, path: Path, zone: str) -> None:
    module = _IMPORTS.get(name)
    if module is not None:
        try:
            __import__(module)
        except ImportError as exc:
            print(json.dumps({"missing": str(exc)}))
            sys.exit(3)
    start, cpu = time.perf_counter(), time.process_time()
    n = CHILDREN[name](path, zone)
    print(json.dumps({"messages": n, "seconds": time.perf_counter() - start,
                      "cpu": time.process_time() - cpu}))


def run_child(name: str, path: Path, zone: str, timeout: float) -> Run:
    tool = name.split(":", 1)[1]
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        cmd = ["/usr/bin/time", "-f", "%M", "-o", rss.name, sys.executable, str(HERE),
               "--child", name, str(path), "--zone", zone]
        env = dict(os.environ, TQDM_DISABLE="1", PYTHONHASHSEED="0")
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                                  check=False)
        except subprocess.TimeoutExpired:
            return Run(tool, note=f"stopped after {timeout:.0f} s")
        out = proc.stdout.strip().splitlines()
        try:
            result = json.loads(out[-1]) if out else {}
        except ValueError:
            result = {}
        if "missing" in result:
            return Run(tool, note="not installed")
        if proc.returncode != 0 or "seconds" not in result:
            err = (proc.stderr.strip().splitlines() or ["?"])[-1][:80]
            return Run(tool, note=f"failed: {err}")
        rss.seek(0)
        lines = [ln for ln in rss.read().split() if ln.isdigit()]
        return Run(tool, int(result["messages"]), float(result["seconds"]),
                   float(result["cpu"]), int(lines[-1]) / 1024 if lines else None)


# --------------------------------------------------------------------------- sections

WA_STYLES = {
    "es12": ("Android, Spanish, 12-hour with U+202F and `a. m.`/`p. m.`",
             wg.Style("android", "es", 12, "dmy", 2)),
    "en24": ("Android, English, 24-hour", wg.Style("android", "en", 24, "dmy", 2)),
    "ios-es": ("iOS, Spanish, 24-hour with seconds", wg.Style("ios", "es", 24, "dmy", 2)),
}


def whatsapp_sections(args: argparse.Namespace, workdir: Path) -> list[Section]:
    sections = []
    peers = [f"whatsapp:{p}" for p in args.peers]
    for key in args.styles:
        title, style = WA_STYLES[key]
        sec = Section(f"WhatsApp .txt - {title}", ["whatsapp:sabueso", *peers])
        for n in sorted({args.small, args.messages}):
            path = workdir / f"wa-{key}-{n}-s{args.seed}.txt"
            if not path.exists():
                tmp = path.with_suffix(".part")
                wg.generate(tmp, n, args.seed, style, args.zone)
                tmp.replace(path)
            sec.files[n] = path
        sections.append(sec)
    return sections


def telegram_sections(args: argparse.Namespace, workdir: Path) -> list[Section]:
    peers = [f"telegram:{p}" for p in args.peers if f"telegram:{p}" in CHILDREN]
    sec = Section("Telegram Desktop result.json - single chat, as tdesktop lays it out",
                  ["telegram:sabueso", *peers])
    for n in sorted({args.small, args.messages}):
        sec.files[n] = bench_telegram.export_file(workdir, n, args.seed)
    return [sec]


SECTIONS: dict[str, Callable[[argparse.Namespace, Path], list[Section]]] = {
    "whatsapp": whatsapp_sections,
    "telegram": telegram_sections,
}


# --------------------------------------------------------------------------- report

def _fmt(v: float | None, spec: str) -> str:
    return "-" if v is None else format(v, spec)


def table(sec: Section) -> str:
    rows = [f"### {sec.title}", "",
            "| messages in file | size MB | tool | messages read | parse s | CPU s "
            "| messages/s | peak RSS MB | time vs Sabueso | CPU vs Sabueso |",
            "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for n, runs in sorted(sec.runs.items()):
        size = sec.files[n].stat().st_size / 1e6
        base, base_cpu = runs[0].seconds, runs[0].cpu
        for r in runs:
            rate = n / r.seconds if r.seconds else None
            ratio = (f"{r.seconds / base:.1f}x" if r.seconds and base else "-")
            cpu_ratio = (f"{r.cpu / base_cpu:.1f}x" if r.cpu and base_cpu else "-")
            rows.append(f"| {n:,} | {size:.0f} | {r.tool} | {_fmt(r.messages, ',')} "
                        f"| {_fmt(r.seconds, '.2f')} | {_fmt(r.cpu, '.2f')} "
                        f"| {_fmt(rate, ',.0f')} "
                        f"| {_fmt(r.rss_mb, ',.0f')} | {ratio} "
                        f"| {cpu_ratio}{' ' + r.note if r.note else ''} |")
    return "\n".join(rows)


BEGIN = "<!-- bench_chats:begin (generated by bench/bench_chats.py; do not edit by hand) -->"
END = "<!-- bench_chats:end -->"
SECTION_TITLE = "## Chat exports (WhatsApp, Telegram)"


def _load() -> str:
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description="Chat-export parser benchmark.")
    ap.add_argument("--child", nargs=2, metavar=("TOOL", "FILE"), help=argparse.SUPPRESS)
    ap.add_argument("--formats", nargs="+", default=["whatsapp", "telegram"],
                    choices=sorted(SECTIONS))
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--small", type=int, default=100_000,
                    help="a second, smaller size: peak RSS should not grow with the file")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--zone", default="America/Guatemala")
    ap.add_argument("--styles", nargs="+", default=["es12", "en24"], choices=sorted(WA_STYLES))
    ap.add_argument("--peers", nargs="*", default=["whatstk", "chat-miner"])
    ap.add_argument("--timeout", type=float, default=1200.0, help="seconds per peer run")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "sabueso-bench")
    ap.add_argument("--out", type=Path, help="Markdown file whose bench_chats block to rewrite")
    args = ap.parse_args()
    if args.child:
        child_main(args.child[0], Path(args.child[1]), args.zone)
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    shown = " ".join(sys.argv[1:])
    out = [f"Measured {time.strftime('%Y-%m-%d %H:%M')} with `.venv/bin/python "
           f"bench/bench_chats.py{' ' + shown if shown else ''}`: Python "
           f"{platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, "
           f"seed {args.seed}, zone {args.zone}; load average (1, 5, 15 min) {_load()} at the "
           "start", ""]
    print(out[0] + "\n")
    for fmt in args.formats:
        for sec in SECTIONS[fmt](args, args.workdir):
            for n, path in sorted(sec.files.items()):
                sec.runs[n] = [run_child(tool, path, args.zone, args.timeout)
                               for tool in sec.tools]
                for r in sec.runs[n]:
                    print(f"  {sec.title[:40]}... {n:,} {r.tool}: {_fmt(r.seconds, '.2f')} s, "
                          f"{_fmt(r.rss_mb, '.0f')} MB {r.note}", file=sys.stderr)
            out += [table(sec), ""]
            print(table(sec) + "\n")
    out.append(f"Load average at the end: {_load()}.")
    print(out[-1])
    if args.out:
        docsection.update_doc(args.out, BEGIN, END, SECTION_TITLE, "\n".join(out) + "\n")


if __name__ == "__main__":
    main()
