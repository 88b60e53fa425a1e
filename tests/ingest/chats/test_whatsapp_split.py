"""The message pass cuts a block with one ``re.split`` on a line end and a header
(``Shape.split_pattern``), the survey finds headers after a literal line end
(``Shape.dates_pattern``): both give exactly what the ``^``-anchored patterns they replaced give
(``Shape.message_pattern``'s ``findall``; the old ``^`` survey pattern), on arbitrary lines of
headers of several shapes, continuation text, marks and line ends."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sabueso.ingest.chats.whatsapp_headers import _ANY_HEADER, GENERIC, shape_of

SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

_HEADERS = ["12/3/24, 9:41\u202fp.\u00a0m. - ", "3/12/24, 21:41 - ", "[12/03/24, 21:41:07] ",
            "2019/01/30, 20:49 - ", "13.6.2018 klo 21.25.15 - ", "\u200e[1/2/2024, 10:00:00 AM] ",
            "12/3/24, 9:41 - ", "1/1/24, 12:00 AM - ", "31/12/2024 23:59 - "]
_TEXT = st.text(alphabet=st.sampled_from(list("ab :-/[]0123456789\r\u200e\u202f")), max_size=20)
_LINE = st.one_of(st.builds(lambda h, t: h + t, st.sampled_from(_HEADERS), _TEXT), _TEXT)


def _old_dates(shape_source: str) -> re.Pattern[str]:
    return re.compile("^" + shape_source + f"|^({_ANY_HEADER})", re.M)


@SETTINGS
@given(st.sampled_from(_HEADERS), st.lists(_LINE, max_size=12), st.booleans())
def test_split_cuts_as_the_lookahead_findall(first: str, lines: list[str], tail: bool) -> None:
    m = GENERIC.match(first)
    assert m is not None
    shape = shape_of(m)
    block = "\n".join([first + "x", *lines]) + ("\n" if tail else "")
    old = [tuple(row) for row in shape.message_pattern().findall(block)]
    parts = shape.split_pattern().split("\n" + block)
    assert parts[0] == ""
    new = [tuple(parts[i:i + 9]) for i in range(1, len(parts), 9)]
    assert new == old
    assert all(v is not None for row in new for v in row)


@SETTINGS
@given(st.sampled_from(_HEADERS), st.lists(_LINE, max_size=12))
def test_survey_pattern_finds_the_same_headers(first: str, lines: list[str]) -> None:
    m = GENERIC.match(first)
    assert m is not None
    shape = shape_of(m)
    if shape.year_pos == 99:
        return
    block = "\n".join([first, *lines]) + "\n"
    old = _old_dates(shape.source(frozenset("abc"))).findall(block)
    assert shape.dates_pattern().findall("\n" + block) == old
