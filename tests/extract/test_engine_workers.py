"""Worker processes kept between streams, and blocks rendered in the workers."""

from __future__ import annotations

import functools
import io
import json
import multiprocessing
from collections.abc import Iterator
from typing import Any

import pytest

from sabueso.extract import engine
from sabueso.extract.base import Context, Hit

TEXT = "".join(f"linea {i} llamar al 5512-{i % 10000:04d} o escribir a v{i}@correo.com\n"
               for i in range(6000))
CTX = Context(region="GT")


def _stream(text: str, workers: int) -> list[Hit]:
    return list(engine.extract_stream(io.StringIO(text), CTX, workers=workers))


def _lines(prefix: str, hits: list[Hit]) -> str:
    return "".join(f"{prefix} {json.dumps(h.as_dict(), ensure_ascii=False)}\n" for h in hits)


@pytest.fixture()
def fresh_pool() -> Iterator[None]:
    engine.close_workers()
    yield None
    engine.close_workers()


def test_pool_is_kept_between_streams_and_gives_the_same_hits(fresh_pool: object) -> None:
    one = _stream(TEXT, 1)
    assert len(one) > 6000
    assert _stream(TEXT, 2) == one
    assert engine._POOL is not None
    pool = engine._POOL[0]
    assert _stream(TEXT[:200_000], 2) == _stream(TEXT[:200_000], 1)
    assert engine._POOL is not None and engine._POOL[0] is pool
    engine.close_workers()
    assert engine._POOL is None


def test_a_stream_left_early_does_not_disturb_the_next(fresh_pool: object) -> None:
    blocks = engine.extract_blocks(io.StringIO(TEXT), CTX, workers=2, block_chars=4096)
    first = next(blocks)
    blocks.close()
    assert first and first == [h for h in _stream(TEXT, 1) if h.start < first[-1].end]
    assert _stream(TEXT, 2) == _stream(TEXT, 1)


@pytest.mark.parametrize("workers", [1, 2])
def test_rendered_blocks_equal_the_hits_rendered(fresh_pool: object, workers: int) -> None:
    render = functools.partial(_lines, "hit")
    text = "".join(engine.extract_rendered(io.StringIO(TEXT), render, CTX, workers=workers,
                                           block_chars=8192))
    assert text == _lines("hit", _stream(TEXT, 1))


def _child(queue: Any) -> None:
    queue.put(len(_stream(TEXT, 2)))


def test_a_forked_child_makes_its_own_pool(fresh_pool: object) -> None:
    assert _stream(TEXT, 2)  # the parent's pool exists when the child forks
    mp = multiprocessing.get_context("fork")
    queue = mp.Queue()
    child = mp.Process(target=_child, args=(queue,))
    child.start()
    count = queue.get(timeout=120)
    child.join(60)
    assert child.exitcode == 0
    assert count == len(_stream(TEXT, 1))
