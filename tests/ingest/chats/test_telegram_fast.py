"""The Telegram JSON fast path (orjson over each message's bytes) gives exactly what the event
walker (ijson) gives, errors included, on tdesktop-laid-out files and on anything else: it
either reads the file itself or hands over to the walker without repeating or losing events."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sabueso.core.errors import InputError
from sabueso.ingest.chats import telegram_fast
from sabueso.ingest.chats.model import ChatEvent, Message
from sabueso.ingest.chats.telegram_json import _Reader, _walk, parse

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def tdesktop(messages: list[str], head: str = '"name": "Ventas", "type": "private_group", '
             '"id": 42,') -> bytes:
    """A single-chat result.json laid out as tdesktop writes it: one-space indentation, each
    message opened and closed on lines of their own two spaces in."""
    body = ",\n  ".join(messages)
    return f'{{\n {head}\n "messages": [\n  {body}\n ]\n}}\n'.encode()


def message_text(msg: dict[str, Any]) -> str:
    return json.dumps(msg, ensure_ascii=False, indent=1).replace("\n", "\n  ")


def outcome(events: Any) -> tuple[list[ChatEvent], tuple[str, dict[str, Any]] | None]:
    got: list[ChatEvent] = []
    try:
        for event in events:
            got.append(event)
    except InputError as exc:
        return got, (exc.key, exc.params)
    return got, None


def both(data: bytes) -> tuple[Any, Any]:
    fast = outcome(parse(io.BytesIO(data), "result.json"))
    walked = outcome(_walk(io.BytesIO(data), "result.json", None))
    return fast, walked


def took_fast_path(data: bytes) -> bool:
    try:
        for _ in telegram_fast.events(io.BytesIO(data), _Reader("result.json", None)):
            pass
    except telegram_fast.Fallback:
        return False
    return True


PLAIN = [message_text({"id": i, "type": "message", "date": "2024-11-12T20:01:33",
                       "date_unixtime": str(1731441693 + i), "from": "Ana López",
                       "from_id": "user5021001", "text": f"hola {i} ✅",
                       "text_entities": [{"type": "plain", "text": f"hola {i} ✅"}]})
         for i in range(5)]


def test_tdesktop_layout_takes_the_fast_path_with_the_walkers_events() -> None:
    data = tdesktop(PLAIN)
    assert took_fast_path(data)
    (fast, err), (walked, werr) = both(data)
    assert err is None and werr is None
    assert fast == walked
    assert [m.text for m in fast if isinstance(m, Message)] == [f"hola {i} ✅" for i in range(5)]
    assert [m.locator for m in fast if isinstance(m, Message)] == [
        f"$.messages[{i}]" for i in range(5)]


def test_keys_after_the_messages_hand_over_without_repeating_events() -> None:
    data = tdesktop(PLAIN)[:-3] + (b',\n "contacts": {"list": [{"user_id": 5, "first_name": '
                                   b'"Zoe", "phone_number": "+502 5555 0000"}]}\n}\n')
    assert not took_fast_path(data)
    (fast, err), (walked, _werr) = both(data)
    assert err is None and fast == walked
    assert sum(isinstance(e, Message) for e in fast) == 5
    assert fast[-1].key == "tg:user5"  # type: ignore[union-attr]


def test_huge_integer_is_the_walkers_error_not_a_float() -> None:
    bad = [*PLAIN[:2], '{\n   "id": 9, "from_id": 123456789012345678901234, "text": "x"\n  }']
    (fast, err), (walked, werr) = both(tdesktop(bad))
    assert err is not None and err == werr
    assert err[1]["path"] == "$.messages[2]"
    assert fast == walked and sum(isinstance(e, Message) for e in fast) == 2


def test_depth_cap_and_lone_surrogate_as_the_walker() -> None:
    deep = json.loads("[" * 70 + "]" * 70)
    msgs = [*PLAIN[:1], message_text({"id": 7, "text": "x", "deep": deep})]
    (fast, err), (walked, werr) = both(tdesktop(msgs))
    assert err is not None and err == werr and "64" in err[1]["detail"]
    assert fast == walked
    lone = [*PLAIN[:1], '{\n   "id": 8, "text": "a \\ud800 b"\n  }']
    (fast, err), (walked, werr) = both(tdesktop(lone))
    assert err is None and fast == walked


def test_a_message_that_never_closes_at_its_indentation_falls_back_early(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Other indentation after the first message: the fast path gives up after a bounded
    window instead of reading the rest of the file, and the walker reads it all."""
    monkeypatch.setattr(telegram_fast, "READ", 256)
    monkeypatch.setattr(telegram_fast, "_HEAD", 512)
    monkeypatch.setattr(telegram_fast, "_MESSAGE", 1024)
    later = [json.dumps({"id": 100 + i, "text": "x" * 40}) for i in range(200)]  # one line each
    data = tdesktop(PLAIN[:1] + later)
    reads: list[int] = []

    class Counting(io.BytesIO):
        def read(self, size: int | None = -1, /) -> bytes:
            chunk = super().read(size)
            reads.append(len(chunk))
            return chunk

    with pytest.raises(telegram_fast.Fallback):
        for _ in telegram_fast.events(Counting(data), _Reader("result.json", None)):
            pass
    assert sum(reads) < 4096 < len(data)
    (fast, err), (walked, _) = both(data)
    assert err is None and fast == walked and sum(isinstance(e, Message) for e in fast) == 201


_SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2 ** 70), max_value=2 ** 70),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
    st.sampled_from(["}", "]", "{", "[", "\n  }", '"', "\\", "\u2028", "😀", "\x00"]),
)
_VALUE = st.recursive(_SCALAR, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=8)
_KEYS = st.sampled_from(["id", "type", "date", "date_unixtime", "from", "from_id", "actor",
                         "actor_id", "text", "text_entities", "photo", "file", "media_type",
                         "edited", "edited_unixtime", "forwarded_from", "reply_to_message_id",
                         "reply_to_peer_id",
                         "action", "poll", "contact_information", "location_information",
                         "members", "title", "x"])
_MESSAGE = st.dictionaries(_KEYS, _VALUE, max_size=8)


@st.composite
def exports(draw: st.DrawFn) -> bytes:
    msgs = [message_text(m) for m in draw(st.lists(_MESSAGE, max_size=6))]
    if draw(st.booleans()) and msgs:  # a message that is not an object, or raw text
        at = draw(st.integers(0, len(msgs) - 1))
        msgs[at] = draw(st.sampled_from(['"text"', "42", "[1, 2]", "{", '{"a": 1,}',
                                         '{"a": 1e999}', '{"a": "\\ud83d\\ude00"}']))
    head = draw(st.sampled_from(['"name": "A", "type": "personal_chat", "id": 1,', "",
                                 '"id": 1, "about": {"x": 1},', '"messages": 3,',
                                 '"name": "x \\"messages\\": [",']))
    data = tdesktop(msgs, head) if msgs else tdesktop([], head)
    cut = draw(st.sampled_from(["none", "tail", "bom", "truncate", "trailing"]))
    if cut == "bom":
        data = b"\xef\xbb\xbf" + data
    elif cut == "truncate":
        data = data[:draw(st.integers(0, len(data)))]
    elif cut == "trailing":
        data = data.rstrip() + b" x"
    elif cut == "tail":
        data = data[:-3] + b',\n "left_chats": {"list": []}\n}\n'
    return data


@SETTINGS
@given(exports())
def test_fast_path_and_walker_agree_on_anything(data: bytes) -> None:
    fast, walked = both(data)
    assert fast == walked


@SETTINGS
@given(st.lists(st.dictionaries(_KEYS, _VALUE, min_size=1, max_size=8), min_size=1,
                max_size=5))
def test_well_formed_tdesktop_files_stay_on_the_fast_path(msgs: list[dict[str, Any]]) -> None:
    data = tdesktop([message_text(m) for m in msgs])
    fast, walked = both(data)
    assert fast == walked
    # every message is an object on lines of its own: only what the walker refuses too (an
    # integer past 64 bits) sends such a file to the walker
    assert took_fast_path(data) or walked[1] is not None
