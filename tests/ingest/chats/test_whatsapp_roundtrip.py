"""Round trip: invented conversations written the way WhatsApp writes them (bench/whatsapp_gen.py:
every layout x locale x clock x date order, 2- and 4-digit years, U+202F/U+00A0 in AM/PM,
U+202A/U+202C around phone-number senders) parse back to the same sender, UTC instant and text.

Android headers carry no seconds, so the instant comes back to the minute; an ambiguous wall
time at a DST change is read as the earlier instant (fold=0), as the parser documents."""

from __future__ import annotations

import io
import itertools
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sabueso.ingest.chats.model import Account, Chat, ChatEvent, Message, Unparsed
from sabueso.ingest.chats.whatsapp import parse_whatsapp
from sabueso.ingest.chats.whatsapp_phrases import MARKS

BENCH = Path(__file__).resolve().parents[3] / "bench"
sys.path.insert(0, str(BENCH))

import whatsapp_gen as wg  # noqa: E402

ZONES = ["UTC", "America/Guatemala", "America/El_Salvador", "America/Tegucigalpa",
         "America/Managua", "America/Costa_Rica", "America/Panama", "America/Santo_Domingo",
         "America/Mexico_City", "America/Sao_Paulo", "Europe/Madrid"]
HINT = {"dmy": "es", "mdy": "en-US", "ymd": None}


def styles() -> list[wg.Style]:
    out = []
    for layout, locale, clock, order in itertools.product(
            ["android", "ios"], ["es", "en", "pt"], [12, 24], ["dmy", "mdy", "ymd"]):
        for digits in ([4] if order == "ymd" else [2, 4]):
            out.append(wg.Style(layout, locale, clock, order, digits))
    return out


STYLES = styles()


def expected_instant(sent_at: datetime, style: wg.Style, zone: str) -> datetime:
    zi = ZoneInfo(zone)
    wall = sent_at.astimezone(zi).replace(tzinfo=None, fold=0)
    if not style.seconds:
        wall = wall.replace(second=0, microsecond=0)
    return wall.replace(tzinfo=zi).astimezone(UTC)


def parse_text(text: str, zone: str, locale: str | None) -> list[ChatEvent]:
    return list(parse_whatsapp(io.StringIO(text, newline=""), zone=zone, locale=locale))


def readback(events: list[ChatEvent]) -> list[tuple[str | None, datetime | None, str]]:
    shown: dict[str, str] = {}
    out = []
    for e in events:
        if isinstance(e, Account):
            shown[e.key] = e.phone if e.phone is not None else (e.display_name or "")
        elif isinstance(e, Message):
            out.append((shown[e.sender] if e.sender else None, e.sent_at, e.text))
        else:
            assert not isinstance(e, Unparsed), e
    return out


# --------------------------------------------------------------------------- strategies

_NAME_CHARS = st.characters(categories=("Lu", "Ll", "Lo", "Nd", "So"),
                            include_characters=" .-'áéíóúñÁÉÍÓÚÑüçãõ",
                            exclude_characters=MARKS)
names = st.text(_NAME_CHARS, min_size=1, max_size=20).map(str.strip).filter(
    lambda s: bool(s) and "  " not in s)
phones = st.builds(lambda cc, a, b: f"+{cc} {a} {b}", st.sampled_from(["502", "503", "504",
                                                                        "505", "506", "1"]),
                   st.integers(2000, 9999), st.integers(1000, 9999))
_TEXT_CHARS = st.characters(
    categories=("L", "M", "N", "P", "S", "Zs"),
    include_characters="\u200e\u202f\u00a0:<>()[]/-😀👍🏽👨‍👩‍👧",
    exclude_characters="\u2028\u2029\x85")
first_lines = st.text(_TEXT_CHARS, max_size=40)
# A continuation line that starts like a header would be one: the format cannot tell.
more_lines = st.text(_TEXT_CHARS, max_size=40).filter(
    lambda s: not (s[:1].isdigit() or s[:1] == "[" or (s[:1] and s[:1] in MARKS)))
texts = st.builds(lambda first, more: "\n".join([first, *more]), first_lines,
                  st.lists(more_lines, max_size=3))
instants = st.datetimes(min_value=datetime(2009, 1, 1), max_value=datetime(2037, 12, 31),
                        timezones=st.just(UTC)).map(lambda d: d.replace(microsecond=0))


@st.composite
def conversations(draw: st.DrawFn) -> list[wg.WaMessage]:
    people = draw(st.lists(st.one_of(names, phones), min_size=1, max_size=5, unique=True))
    out = []
    for _ in range(draw(st.integers(1, 12))):
        who = draw(st.sampled_from(people))
        marks = who.startswith("+") and draw(st.booleans())
        out.append(wg.WaMessage(who, draw(instants), draw(texts), marks))
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conversations(), st.sampled_from(STYLES), st.sampled_from(ZONES),
       st.sampled_from(["/", ".", "-"]), st.sampled_from(["\u202f", " "]))
def test_roundtrip(convo: list[wg.WaMessage], style: wg.Style, zone: str, sep: str,
                   ampm_space: str) -> None:
    style = wg.Style(style.layout, style.locale, style.clock, style.order, style.year_digits,
                     sep, ampm_space)
    text = "".join(wg.write_export(convo, style, zone))
    events = parse_text(text, zone, HINT[style.order])
    assert isinstance(events[0], Chat)
    want = [(m.sender, expected_instant(m.sent_at, style, zone), m.text) for m in convo]
    assert readback(events) == want


def test_every_style_reads_an_invented_chat() -> None:
    """bench/whatsapp_gen.py's chat (notice, media, deleted, edited, joins) in every style."""
    n = 400
    for style in STYLES:
        convo = list(wg.messages(n, seed=3, style=style))
        text = "".join(wg.write_export(convo, style, "America/Guatemala"))
        events = parse_text(text, "America/Guatemala", HINT[style.order])
        got = [e for e in events if isinstance(e, Message)]
        assert len(got) == n, style
        chat = events[0]
        assert isinstance(chat, Chat) and chat.date_order == style.order, style
        for msg, want in zip(got, convo, strict=True):
            assert msg.sent_at == expected_instant(want.sent_at, style, "America/Guatemala")
            if want.sender is None:
                assert msg.kind == "service" and msg.text == want.text
            else:
                assert msg.kind == "message" and msg.text == want.text, (style, msg)
        assert got[0].service == "encryption_notice"
        media = [m for m in got if m.attachments]
        assert len(media) == sum(1 for w in convo if w.text.startswith(("<", "IMG-", "\u200e<")))
        assert any(m.deleted for m in got) and any(m.edited for m in got)
        joined = [m for m in got if m.service in ("joined", "left")]
        assert joined and all(m.sender and m.sender.startswith("wa:+") for m in joined)


def test_phone_senders_keep_what_is_shown() -> None:
    t = datetime(2024, 3, 5, 18, 7, tzinfo=UTC)
    convo = [wg.WaMessage("+502 5512 3456", t, "hola", marks=True),
             wg.WaMessage("+502 5512 3456", t + timedelta(minutes=1), "otra vez")]
    events = parse_text("".join(wg.write_export(convo, wg.Style(), "America/Guatemala")),
                        "America/Guatemala", None)
    (account,) = [e for e in events if isinstance(e, Account)]
    assert (account.key, account.phone, account.display_name) == (
        "wa:+50255123456", "+502 5512 3456", None)
    got = [e for e in events if isinstance(e, Message)]
    assert [m.sender for m in got] == ["wa:+50255123456"] * 2
    assert got[0].sent_text == "5/3/24, 12:07\u202fp.\u00a0m."
    assert got[0].sent_at == t and got[0].zone == "America/Guatemala"
