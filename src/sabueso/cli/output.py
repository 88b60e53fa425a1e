"""Output helpers: one JSON document (or JSON Lines) for scripts, Rich for people."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from sabueso.core.timeutil import iso_utc

# Output that is piped or redirected is laid out wide rather than at Rich's 80 columns.
_WIDTH = None if sys.stdout.isatty() else 160
console = Console(highlight=False, width=_WIDTH)
err_console = Console(stderr=True, highlight=False, width=_WIDTH)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso_utc(value)
    if hasattr(value, "as_posix"):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def emit_json(doc: Any) -> None:
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, default=_default) + "\n")


def emit_jsonl(rows: Iterator[Any]) -> None:
    for row in rows:
        sys.stdout.write(json.dumps(row, ensure_ascii=False, default=_default) + "\n")


_INVISIBLE = {c: f"\\u{c:04x}" for c in (*range(0x00, 0x20), 0x7F, 0x200E, 0x200F,
                                           *range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def shown(text: str) -> str:
    """Text from evidence as it may be shown on a terminal: control and bidirectional marks
    escaped (a right-to-left override can disguise a file name), Rich markup escaped."""
    return escape(text.translate(_INVISIBLE))


def local_time(value: datetime | None, tz: str | None, offset: bool = True) -> str:
    """An instant in the case's zone; ``offset=False`` when a title already names the zone."""
    if value is None:
        return ""
    zone = ZoneInfo(tz) if tz else None
    shown = value.astimezone(zone) if zone else value
    return shown.strftime("%Y-%m-%d %H:%M:%S" + (" %z" if offset else ""))


def human_size(size: int | None) -> str:
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"


@contextmanager
def progress_bar(label: str, enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A byte progress bar on stderr when it is a terminal and output is not JSON."""
    if not enabled or not err_console.is_terminal:
        yield None
        return
    with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                  TransferSpeedColumn(), TimeRemainingColumn(), console=err_console,
                  transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        yield update
