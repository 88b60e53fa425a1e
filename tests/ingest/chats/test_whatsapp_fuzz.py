"""Arbitrary input never crashes or hangs the WhatsApp parser, and no line is dropped: every
non-blank line of the input is inside a message's locator or is an ``Unparsed`` event."""

from __future__ import annotations

import io
import random
import re
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sabueso.ingest.chats.model import Account, Chat, ChatEvent, Message, Unparsed
from sabueso.ingest.chats.registry import ChatSource
from sabueso.ingest.chats.whatsapp import match, parse_binary, parse_whatsapp

_LOC = re.compile(r"lines? (\d+)(?:-(\d+))?")


def run(text: str, zone: str = "America/Guatemala") -> list[ChatEvent]:
    return list(parse_whatsapp(io.StringIO(text, newline=""), zone=zone))


def check(text: str, events: list[ChatEvent]) -> None:
    assert isinstance(events[0], Chat)
    covered: set[int] = set()
    keys = set()
    ordinals = []
    for e in events[1:]:
        if isinstance(e, Account):
            keys.add(e.key)
            continue
        assert isinstance(e, Message | Unparsed)
        m = _LOC.fullmatch(e.locator)
        assert m is not None, e.locator
        lo = int(m.group(1))
        hi = int(m.group(2) or lo)
        assert not covered & set(range(lo, hi + 1)), "a line read twice"
        covered.update(range(lo, hi + 1))
        if isinstance(e, Message):
            ordinals.append(e.ordinal)
            assert e.sender is None or e.sender in keys  # its Account came first
            assert e.sent_at is None or e.sent_at.tzinfo is not None
    assert ordinals == list(range(len(ordinals)))
    lines = text.split("\n")
    for n, line in enumerate(lines, 1):
        if line.strip():  # whitespace-only lines before the first header carry nothing
            assert n in covered, (n, line)


@settings(max_examples=400, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=2000))
def test_any_text(text: str) -> None:
    check(text, run(text))


_FRAGMENTS = st.sampled_from([
    "12/3/24, 9:41\u202fp.\u00a0m. - ", "3/12/24, 21:41 - ", "[12/03/24, 21:41:07] ",
    "\u200e[12/03/2024, 9:41:07 a. m.] ", "2019/01/30, 20:49 - ", "13.6.2018 klo 21.25.15 - ",
    "13. 6. 2018. 21:25:15 ", "31/02/24, 25:61 - ", "99/99/99, 99:99 - ", "0/0/0, 0:00 - ",
    "Ana: ", "+502 5512 3456: ", "\u202a+502 5512 3456\u202c: ", "Ana López", ": ", ":",
    "<Multimedia omitido>", "IMG-20240101-WA0001.jpg (archivo adjunto)", "<adjunto: x.jpg>",
    "Se eliminó este mensaje.", "<Se editó este mensaje.>", "Ana añadió a Luis",
    'Ana cambió el asunto a "Ventas: enero"', "Los mensajes y las llamadas están cifrados"
    " de extremo a extremo", "\u200e", "\r", "\n", "\n\n", " ", "😀", "\ufeff", "[", "]",
])


@settings(max_examples=400, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_FRAGMENTS, st.text(max_size=12)), max_size=60),
       st.sampled_from(["UTC", "America/Guatemala", "Europe/Madrid"]),
       st.sampled_from([None, "es", "en-US", "pt_BR", "xx"]))
def test_header_like_soup(parts: list[str], zone: str, locale: str | None) -> None:
    text = "".join(parts)
    events = list(parse_whatsapp(io.StringIO(text, newline=""), zone=zone, locale=locale))
    check(text, events)
    assert 0 <= match("_chat.txt", text) <= 100


@settings(max_examples=200, deadline=2000)
@given(st.binary(max_size=3000))
def test_any_bytes_through_the_registry_entry(data: bytes) -> None:
    events = list(parse_binary(io.BytesIO(data), ChatSource(name="_chat.txt", zone="UTC")))
    assert isinstance(events[0], Chat)


def test_mutated_exports_never_crash() -> None:
    rnd = random.Random(11)
    base = ("3/1/24, 8:06\u202fa.\u00a0m. - Ana: hola\nsegunda línea\n"
            "[03/01/24, 08:07:00] \u202a+502 5512 3456\u202c: <adjunto: 1-PHOTO-x.jpg>\n"
            "3/1/24, 8:09\u202fp.\u00a0m. - Luis salió\n").encode()
    for _ in range(300):
        data = bytearray(base * 3)
        for _ in range(rnd.randint(1, 12)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        events = list(parse_binary(io.BytesIO(bytes(data)),
                                   ChatSource(name="x.txt", zone="America/Guatemala")))
        assert isinstance(events[0], Chat)


def test_pathological_inputs_are_quick() -> None:
    cases = [
        "1/1/24, " * 50_000,  # header starts without an end, one line
        "1/1/24, 9:00 - Ana: " + "x" * 1_000_000,  # one long message
        "1/1/24, 9:00 - " + "Ana added " * 50_000,  # a long system-looking line
        "1/1/24, 9:00 - " + '"' * 100_000 + ": x",  # quotes before the colon
        "1/1/24, 9:00 - " + 'a cambió el asunto de "' * 20_000,
        "1/1/24, 9:00 - Ana: x\n" + "1/1/2024, 9:00 - " * 30_000,  # another shape, one line
        ("1/1/24, 9:00 - Ana: x\n" + "\n" * 300_000 + "1/1/24, 9:01 - Ana: y\n"),
        "\n".join(["[1/1/24 9:00] a", "1/1/24, 9:00 - a: b"] * 20_000),
        "<" * 200_000, "(" * 200_000 + "archivo adjunto)",
    ]
    for text in cases:
        start = time.monotonic()
        events = run(text)
        assert time.monotonic() - start < 5.0, text[:40]
        check(text, events)
