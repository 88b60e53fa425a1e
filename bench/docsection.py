"""Each benchmark owns one section of ``docs/benchmarks.md``: the block between its
``<!-- bench_NAME:begin ... -->`` and ``<!-- bench_NAME:end -->`` markers, rewritten by the
benchmark when given ``--out`` (appended under its title when the markers are not there yet)."""

from __future__ import annotations

from pathlib import Path

DOC_HEAD = "# Benchmarks\n"


def update_doc(path: Path, begin: str, end: str, title: str, generated: str,
               head: str = DOC_HEAD) -> None:
    """Put ``generated`` between ``begin`` and ``end`` in ``path`` (a new file starts with
    ``head``)."""
    block = f"{begin}\n{generated}{end}\n"
    text = path.read_text() if path.exists() else head
    if begin in text and end in text:
        before, rest = text.split(begin, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        text = before + block + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + f"\n\n{title}\n\n{block}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
