"""``DecodedText`` hands out pieces of its decoded buffer by an offset: any sequence of read
sizes gives back exactly the text decoded in one go, the same encoding verdict and the same
character count, across chunk boundaries, multi-byte characters and the Windows-1252
fallback."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sabueso.ingest import textbase
from sabueso.ingest.textbase import DecodedText, decode_bytes

_PIECES = st.lists(st.sampled_from(["a", "ñ", "€", "😀", "\n", "\r\n", "\u202f", "x" * 50]),
                   max_size=60)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_PIECES, st.lists(st.integers(-1, 40), min_size=1, max_size=30), st.booleans(),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_reads_of_any_size_rebuild_the_whole_text(pieces: list[str], sizes: list[int],
                                                  latin: bool, codec: str) -> None:
    data = "".join(pieces).encode(codec)
    if latin and codec == "utf-8":
        data += b"caf\xe9 \xa0fin"  # not UTF-8: read as Windows-1252
    whole, encoding = decode_bytes(data)
    stream = DecodedText(io.BytesIO(data))
    got: list[str] = []
    for size in sizes * 3:
        piece = stream.read(size)
        if size >= 0:
            assert len(piece) <= size
        got.append(piece)
    got.append(stream.read())
    assert "".join(got) == whole
    assert stream.encoding_used == encoding
    assert stream.chars == len(whole)


def test_small_reads_across_many_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textbase, "CHUNK", 7)  # bytes decoded at a time
    text = "línea ñandú 😀\n" * 50
    stream = DecodedText(io.BytesIO(text.encode()))
    pieces = []
    while piece := stream.read(5):
        pieces.append(piece)
    assert "".join(pieces) == text
    assert all(len(p) == 5 for p in pieces[:-1]) and 0 < len(pieces[-1]) <= 5
