"""The extraction engine: run the families over a text, resolve overlaps, stream big inputs.

``extract_text(text, ctx)`` is the whole contract for one record. ``extract_stream(reader,
ctx)`` reads a text stream in blocks of about a megabyte, so memory stays flat however large
the input is, and reports offsets in the whole decoded stream. Blocks overlap by
``OVERLAP`` characters on both sides: each block is scanned with its neighbours' edges as
context and keeps only the hits that *start* inside it, so a hit that crosses a block edge is
reported once, whole, and never as a fragment.
"""

from __future__ import annotations

import atexit
import functools
import importlib
import itertools
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TextIO, TypeVar

from sabueso.extract.base import (
    ALL_TYPES,
    Context,
    Family,
    Hit,
    make_hit,
    prepare,
    shift_fresh,
)

__all__ = [
    "BLOCK_CHARS",
    "EXTRACTOR_VERSION",
    "OVERLAP",
    "PARALLEL_BLOCK_CHARS",
    "close_workers",
    "extract_blocks",
    "extract_rendered",
    "extract_stream",
    "extract_text",
    "families",
    "resolve",
    "warm",
]

# Bump when any family's output can change for the same input: the case index records it and
# rebuilds derived data when it differs.
EXTRACTOR_VERSION = "1"

BLOCK_CHARS = 1 << 20
# Blocks are smaller when the case's region is known, in one process as in several: a
# file's last round of blocks leaves fewer workers idle, a block's text (4 bytes a character
# once an emoji is in it) stays in the processor's cache between the families' passes (some
# 3% faster in one process), and the overlap re-scanned per block stays under 4%.
PARALLEL_BLOCK_CHARS = 1 << 18
OVERLAP = 4096

# Every family module exposes ``FAMILY``; the order is the order of precedence when two hits
# claim the same characters.
_FAMILY_MODULES = (
    "sabueso.extract.network",
    "sabueso.extract.wallets",
    "sabueso.extract.numbers",
    "sabueso.extract.lexicon",
)

# Types that never stand inside a URL or an e-mail address on their own: a number in a URL path
# is not a phone, the host of a URL is reported by the URL extractor as a derived domain.
_WEAK_INSIDE = frozenset({"phone", "domain", "ipv4", "ipv6", "imei", "imsi", "email"})
_CONTAINERS = frozenset({"url", "email"})

_loaded: list[Family] | None = None

R = TypeVar("R")
T = TypeVar("T")


def families() -> list[Family]:
    """The registered families, in precedence order."""
    global _loaded
    if _loaded is None:
        _loaded = [importlib.import_module(name).FAMILY for name in _FAMILY_MODULES]
    return _loaded


def resolve(hits: Iterable[Hit], types: frozenset[str]) -> list[Hit]:
    """Sort hits, drop duplicates and weak hits standing inside a URL or e-mail address.

    A hit is dropped when its type is weak (phone, domain, IP, IMEI, IMSI, e-mail), it was
    matched on its own (not derived) and it lies inside a URL or e-mail hit: the container's
    extractor already reported what matters inside it, as derived hits.
    """
    ordered = sorted(hits, key=_order)
    containers = [h for h in ordered if h.type in _CONTAINERS and not h.derived]
    out: list[Hit] = []
    seen: set[tuple[str, str, int, int]] = set()
    ci = 0
    n_containers = len(containers)
    # Containers that start at or before the current hit. One that ended before it cannot
    # hold it (the test below checks ``c.end > start`` too), so they are pruned only now and
    # then, not for every hit.
    active: list[Hit] = []
    for hit in ordered:
        start = hit.start
        while ci < n_containers and containers[ci].start <= start:
            active.append(containers[ci])
            ci += 1
        if active:
            if len(active) > 8:
                active = [c for c in active if c.end > start]
            if hit.type in _WEAK_INSIDE and not hit.derived:
                end = hit.end
                if any(c is not hit and c.start <= start and end <= c.end and c.end > start
                       and (c.start != start or c.end != end) for c in active):
                    continue
        key = (hit.type, hit.value, start, hit.end)
        if key in seen or hit.type not in types:
            continue
        seen.add(key)
        out.append(hit)
    return out


def _order(h: Hit) -> tuple[int, int, str, str]:
    return h.start, -h.end, h.type, h.value


def _wanted(ctx: Context) -> list[Family]:
    return [f for f in families() if f.types & ctx.types]


def extract_text(text: str, ctx: Context | None = None) -> list[Hit]:
    """All hits in ``text``, sorted by position."""
    ctx = ctx or Context()
    prepared = prepare(text)
    found: list[Hit] = []
    for family in _wanted(ctx):
        found.extend(family.scan(prepared, ctx))
    return resolve(found, ctx.types)


def _scan_window(window: str, lo: int, hi: int, ctx: Context) -> list[Hit]:
    """Hits of ``window`` starting in ``[lo, hi)``, offsets relative to the window."""
    return [h for h in extract_text(window, ctx) if lo <= h.start < hi]


# A hit as a worker process sends it back: (type, value, raw, start, end, attrs items, derived),
# offsets already in the whole stream. Tuples of strings pickle several times smaller and
# faster than dataclass instances holding dicts, and the parent's share of the work (reading,
# unpickling, building the hits) is what limits the speed-up on two cores.
_Packed = tuple[str, str, str, int, int, tuple[tuple[str, str], ...], bool]


def _scan_packed(window: str, lo: int, hi: int, base: int, ctx: Context) -> list[_Packed]:
    """:func:`_scan_window` in a worker process, packed for the trip back to the parent."""
    return [(h.type, h.value, h.raw, h.start + base, h.end + base,
             tuple(h.attrs.items()) if h.attrs else (), h.derived)
            for h in extract_text(window, ctx) if lo <= h.start < hi]


def _unpack(packed: list[_Packed]) -> list[Hit]:
    """Hits from a worker's tuples."""
    return [make_hit(type_, value, raw, start, end, dict(items), derived)
            for type_, value, raw, start, end, items, derived in packed]


_WARM_UP = ("hola +502 5512 3456 x@y.com https://ex.com/a 1.2.3.4 "
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq piedra 🍁")


def warm(ctx: Context) -> None:
    """Load the families and their lazily built tables in this process before workers fork
    from it, so each worker starts with them instead of building its own."""
    extract_text(_WARM_UP, ctx)


def _blocks(reader: TextIO, block_chars: int) -> Iterator[str]:
    """Consecutive pieces of ``reader`` of about ``block_chars``, cut after a line end when one
    is near, never longer than twice ``block_chars``."""
    pending = ""
    while True:
        chunk = reader.read(block_chars)
        if not chunk:
            if pending:
                yield pending
            return
        pending += chunk
        if len(pending) < block_chars:
            continue
        cut = pending.rfind("\n", 0, len(pending))
        if cut < len(pending) // 2:
            cut = len(pending) - 1
        yield pending[: cut + 1]
        pending = pending[cut + 1:]


def _windows(reader: TextIO, block_chars: int) -> Iterator[tuple[int, str, int, int]]:
    """(offset of window, window text, lo, hi) for each block, with OVERLAP on both sides
    (taken from as many neighbouring blocks as it needs when blocks are shorter)."""
    offset = 0
    previous_tail = ""
    blocks = _blocks(reader, block_chars)
    ahead: deque[str] = deque()  # blocks read and not yet scanned
    ahead_chars = 0
    more = True
    while True:
        while more and (not ahead or ahead_chars - len(ahead[0]) < OVERLAP):
            block = next(blocks, None)
            if block is None:
                more = False
            else:
                ahead.append(block)
                ahead_chars += len(block)
        if not ahead:
            return
        current = ahead.popleft()
        ahead_chars -= len(current)
        if not ahead:
            head = ""
        elif len(ahead[0]) >= OVERLAP:
            head = ahead[0][:OVERLAP]
        else:
            head = "".join(ahead)[:OVERLAP]
        window = previous_tail + current + head
        yield offset - len(previous_tail), window, len(previous_tail), len(previous_tail) + len(
            current)
        offset += len(current)
        previous_tail = (current if len(current) >= OVERLAP
                         else previous_tail + current)[-OVERLAP:]


def extract_blocks(reader: TextIO, ctx: Context | None = None, *, workers: int = 1,
                   block_chars: int | None = None) -> Iterator[list[Hit]]:
    """Hits of a text stream, block by block, offsets relative to the whole stream.

    With ``workers > 1`` blocks are scanned in that many processes; at most ``2 * workers``
    blocks are in flight, so memory stays bounded.
    """
    ctx = ctx or Context()

    def here(window: str, lo: int, hi: int, base: int) -> list[Hit]:
        return shift_fresh(_scan_window(window, lo, hi, ctx), base)

    yield from _run(reader, ctx, workers, block_chars, here, _scan_packed, _unpack)


def extract_rendered(reader: TextIO, render: Callable[[list[Hit]], R],
                     ctx: Context | None = None, *, workers: int = 1,
                     block_chars: int | None = None) -> Iterator[R]:
    """``render(hits)`` of each block of a text stream, in order (offsets relative to the
    whole stream), as :func:`extract_blocks` would give the hits.

    With ``workers > 1``, ``render`` runs in the worker processes, so it must pickle (a
    module-level function, or a ``functools.partial`` of one): the parent then only passes
    its results on, as the CLI does with the JSON lines of a large file.
    """
    ctx = ctx or Context()

    def here(window: str, lo: int, hi: int, base: int) -> R:
        return render(shift_fresh(_scan_window(window, lo, hi, ctx), base))

    yield from _run(reader, ctx, workers, block_chars, here,
                    functools.partial(_scan_rendered, render=render), _same)


def _scan_rendered(window: str, lo: int, hi: int, base: int, ctx: Context,
                   render: Callable[[list[Hit]], R]) -> R:
    """:func:`_scan_window` and ``render`` in a worker process."""
    return render(shift_fresh(_scan_window(window, lo, hi, ctx), base))


def _same(result: R) -> R:
    return result


def _run(reader: TextIO, ctx: Context, workers: int, block_chars: int | None,
         here: Callable[[str, int, int, int], R], remote: Callable[..., T],
         finish: Callable[[T], R]) -> Iterator[R]:
    """Each window of ``reader`` through ``here`` in this process, or, with several workers,
    through ``remote`` in a worker process and ``finish`` here, in order."""
    if block_chars is None:
        # Without a region the numbers family reads local numbers in the country most of a
        # block's "+" numbers belong to: the block size is then the one it always was.
        block_chars = PARALLEL_BLOCK_CHARS if ctx.region else BLOCK_CHARS
    if workers <= 1:
        for base, window, lo, hi in _windows(reader, block_chars):
            yield here(window, lo, hi, base)
        return
    windows = _windows(reader, block_chars)
    first = next(windows, None)
    second = next(windows, None) if first is not None else None
    if first is None or second is None:  # one block: not worth starting processes for
        if first is not None:
            base, window, lo, hi = first
            yield here(window, lo, hi, base)
        return
    # In a process that multiprocessing started, workers are not kept: it joins its children
    # when it ends, and kept workers would wait for work forever.
    kept = multiprocessing.parent_process() is None
    pool = _pool(workers, ctx) if kept else _new_pool(workers, ctx)
    pending: deque[Future[T]] = deque()
    try:
        for base, window, lo, hi in itertools.chain((first, second), windows):
            pending.append(pool.submit(remote, window, lo, hi, base, ctx))
            if len(pending) >= 2 * workers:
                yield finish(pending.popleft().result())
        while pending:
            yield finish(pending.popleft().result())
    except BrokenProcessPool:
        close_workers()
        raise
    finally:  # a reader that stops early leaves no work queued for the next stream
        for fut in pending:
            fut.cancel()
        if not kept:
            pool.shutdown(wait=True, cancel_futures=True)


# Worker processes are kept from one stream to the next (files of a run, items of a case):
# forking and tearing them down per file cost the parent time, and each new worker would
# start again with empty caches (phone readings, host names, wallets) that a run's later
# files reuse. A new pool is made when the number of workers or the list of families changes
# (the workers were forked with the families of their time). :func:`close_workers` ends them.
_POOL: tuple[ProcessPoolExecutor, int, list[Family], int] | None = None


def _pool(workers: int, ctx: Context) -> ProcessPoolExecutor:
    global _POOL
    loaded = families()
    if _POOL is not None:
        pool, size, fams, pid = _POOL
        if pid != os.getpid():  # a forked child holds a copy it cannot use
            _POOL = None
        elif size == workers and fams is loaded:
            return pool
        else:
            close_workers()
    pool = _new_pool(workers, ctx)
    _POOL = (pool, workers, loaded, os.getpid())
    return pool


def _new_pool(workers: int, ctx: Context) -> ProcessPoolExecutor:
    warm(ctx)
    methods = multiprocessing.get_all_start_methods()
    mp_context = multiprocessing.get_context("fork") if "fork" in methods else None
    return ProcessPoolExecutor(max_workers=workers, mp_context=mp_context)


def close_workers() -> None:
    """Stop the worker processes kept between streams (done at exit; a long-running process
    may call it after a large job to give their memory back)."""
    global _POOL
    if _POOL is not None:
        pool, pid, _POOL = _POOL[0], _POOL[3], None
        if pid == os.getpid():
            pool.shutdown(wait=True, cancel_futures=True)


atexit.register(close_workers)


def extract_stream(reader: TextIO, ctx: Context | None = None, *,
                   workers: int = 1) -> Iterator[Hit]:
    """Every hit of a text stream, in order of position."""
    for block in extract_blocks(reader, ctx, workers=workers):
        yield from block


def default_workers() -> int:
    """Processes to use for large inputs: the machine's cores, at most four."""
    return max(1, min(4, os.cpu_count() or 1))


def parse_types(text: str | None) -> frozenset[str]:
    """``phone,email`` -> the set; ``wallet`` stands for every chain. Unknown names raise
    ``ValueError`` naming them."""
    if not text:
        return frozenset(ALL_TYPES)
    wanted: set[str] = set()
    unknown: list[str] = []
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        if part in ("wallet", "crypto"):
            wanted.update(("btc", "eth", "trx", "ltc", "doge", "xmr"))
        elif part in ALL_TYPES:
            wanted.add(part)
        else:
            unknown.append(part)
    if unknown:
        raise ValueError(",".join(unknown))
    return frozenset(wanted)
