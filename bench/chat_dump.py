"""Every event a chat parser gives for one file, one JSON line each: the check that a change
to a parser keeps its output identical (dump before, dump after, compare the files).

Usage (from the repository root)::

    .venv/bin/python bench/chat_dump.py whatsapp EXPORT.txt OUT.jsonl [--zone ZONE]
    .venv/bin/python bench/chat_dump.py telegram result.json OUT.jsonl
    cmp before.jsonl after.jsonl

Each line holds the event's type and every field (instants as ISO text with their zone,
attachments as lists); an error ends the file with an ``ERROR`` line naming its message key
and parameters, so error paths are compared too. Prints the number of events.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from sabueso.core.errors import SabuesoError
from sabueso.ingest.chats.model import ChatEvent
from sabueso.ingest.chats.registry import ChatSource


def event_json(event: ChatEvent) -> str:
    row: dict[str, Any] = {"type": type(event).__name__}
    for f in dataclasses.fields(event):
        value = getattr(event, f.name)
        if isinstance(value, list):
            value = [dataclasses.astuple(v) for v in value]
        elif isinstance(value, datetime):
            value = f"{value.isoformat()}|{value.tzinfo}"
        row[f.name] = value
    return json.dumps(row, ensure_ascii=False)


def events(kind: str, path: Path, zone: str) -> Iterator[ChatEvent]:
    with path.open("rb") as fh:
        if kind == "whatsapp":
            from sabueso.ingest.chats.whatsapp import parse_binary

            yield from parse_binary(fh, ChatSource(name=path.name, zone=zone))
        else:
            from sabueso.ingest.chats.telegram_json import parse

            yield from parse(fh, str(path))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    ap.add_argument("kind", choices=["whatsapp", "telegram"])
    ap.add_argument("path", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--zone", default="America/Guatemala")
    args = ap.parse_args()
    n = 0
    with args.out.open("w", encoding="utf-8") as out:
        try:
            for event in events(args.kind, args.path, args.zone):
                out.write(event_json(event) + "\n")
                n += 1
        except SabuesoError as exc:
            out.write(f"ERROR {exc.key} {json.dumps(exc.params, ensure_ascii=False)}\n")
    print(n)


if __name__ == "__main__":
    main()
