"""Round trip: generated chats written as result.json (single chat and whole account) and as
HTML pages parse back to the same senders, UTC instants and texts."""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sabueso.ingest.chats.model import Account, Chat, ChatEvent, Message
from sabueso.ingest.chats.telegram_html import parse_pages
from sabueso.ingest.chats.telegram_json import parse_path

sys.path.insert(0, str(Path(__file__).parent))
from tg_writers import GenMessage, Peer, utc, write_html, write_json

# Letters with accents, emoji, symbols that need escaping in HTML; no control characters but
# newline and tab (tdesktop writes the others as character references), no U+2028/2029
# (written as <br>).
TEXT = st.lists(
    st.one_of(
        st.sampled_from(list("abcñáéíóúüÁÉÑ¿¡ 0123456789.,:;-_/@#+()<>&\"'\n\t«»")),
        st.sampled_from(["🌵", "👍🏽", "🇬🇹", "💊", "\u200d", "\u00a0", "€", "中"]),
        st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn")),
    ), max_size=30).map("".join)
WORD = st.text(alphabet=st.sampled_from(list("AaBbÉéÑñOoZz9🌵")), min_size=1, max_size=8)
NAME = st.lists(WORD, min_size=1, max_size=3).map(" ".join)
PART_KINDS = st.sampled_from(["plain", "bold", "italic", "code", "link", "phone", "mention",
                              "text_link"])


@st.composite
def parts(draw: st.DrawFn) -> list[tuple[str, str, str | None]]:
    out: list[tuple[str, str, str | None]] = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(PART_KINDS)
        text = draw(TEXT)
        if kind in ("link", "phone", "mention"):
            text = text.replace("\n", " ")  # no line breaks in URLs, numbers, usernames
        if kind != "plain" and not text:
            text = "x"
        if kind == "mention":
            text = "@" + text
        href = draw(st.sampled_from(["https://example.org/a?b=1&c=2", "tg://user?id=5"])) \
            if kind == "text_link" else None
        out.append((kind, text, href))
    return out


@st.composite
def chats(draw: st.DrawFn) -> list[GenMessage]:
    peers = draw(st.lists(
        st.tuples(st.sampled_from(["user", "channel"]), st.integers(1, 10**10), NAME),
        min_size=1, max_size=4, unique_by=lambda t: (t[0], t[1])))
    people = [Peer(f"{kind}{num}", name) for kind, num, name in peers]
    # Display names are what the HTML export knows a sender by: keep them distinct.
    seen: set[str] = set()
    people = [p for p in people if not (p.name in seen or seen.add(p.name))]  # type: ignore[func-returns-value]
    count = draw(st.integers(0, 14))
    instant = draw(st.integers(1_300_000_000, 1_900_000_000))
    msgs: list[GenMessage] = []
    for i in range(count):
        instant += draw(st.sampled_from([0, 1, 5, 60, 899, 901, 3600, 86400 * 3]))
        sender = draw(st.sampled_from(people))
        msg_id = i + 1
        service = draw(st.sampled_from([None, None, None, None, "create_group",
                                        "invite_members", "pin_message"]))
        if service:
            msgs.append(GenMessage(
                msg_id, sender, utc(instant), [], service=service,
                title=draw(NAME), members=draw(st.lists(NAME, min_size=1, max_size=3)),
                pinned=draw(st.integers(1, msg_id))))
            continue
        msgs.append(GenMessage(
            msg_id, sender, utc(instant), draw(parts()),
            forwarded_from=draw(st.one_of(st.none(), NAME)),
            reply_to=draw(st.one_of(st.none(), st.integers(1, msg_id))),
            edited=draw(st.one_of(st.none(), st.just(utc(instant + 30))))))
    return msgs


def by_type(evs: list[ChatEvent]) -> tuple[list[Message], dict[str, Account], list[Chat]]:
    return ([e for e in evs if isinstance(e, Message)],
            {e.key: e for e in evs if isinstance(e, Account)},
            [e for e in evs if isinstance(e, Chat)])


FAST = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def check_json_message(got: Message, want: GenMessage, accounts: dict[str, Account],
                       name: str | None = None) -> None:
    assert got.sender == f"tg:{want.sender.peer_id}"
    assert accounts[got.sender].display_name == (name or want.sender.name)
    assert got.sent_at == want.instant
    assert got.msg_id == str(want.msg_id)
    if want.service:
        assert (got.kind, got.service) == ("service", want.service)
        return
    assert got.kind == "message"
    assert got.text == want.parsed_text
    assert got.forwarded_from == want.forwarded_from
    assert got.reply_to == (str(want.reply_to) if want.reply_to is not None else None)
    assert got.edited_at == want.edited
    assert got.edited == (want.edited is not None)


@FAST
@given(msgs=chats(), offset=st.integers(-12, 14).map(lambda h: timedelta(hours=h)))
def test_json_single_chat_round_trip(msgs: list[GenMessage], offset: timedelta) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "result.json"
        write_json(path, [("Grupo", 42, msgs)], account=False, offset=offset)
        got, accounts, chat_list = by_type(list(parse_path(str(path), "UTC")))
    assert [(c.key, c.title) for c in chat_list] == [("tg:chat:42", "Grupo")]
    assert len(got) == len(msgs)
    for g, w in zip(got, msgs, strict=True):
        check_json_message(g, w, accounts)
        assert g.zone is None


@FAST
@given(chat_msgs=st.lists(chats(), min_size=1, max_size=3))
def test_json_whole_account_round_trip(chat_msgs: list[list[GenMessage]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "result.json"
        spec = [(f"Chat {i}", 100 + i, m) for i, m in enumerate(chat_msgs)]
        write_json(path, spec, account=True)
        got, accounts, chat_list = by_type(list(parse_path(str(path))))
    assert [c.key for c in chat_list] == [f"tg:chat:{100 + i}" for i in range(len(chat_msgs))]
    flat = [(f"tg:chat:{100 + i}", m) for i, ms in enumerate(chat_msgs) for m in ms]
    assert len(got) == len(flat)
    assert [g.ordinal for g in got] == list(range(len(flat)))
    # An account is announced once, with the name it first appears under.
    first_name: dict[str, str] = {}
    for _chat, w in flat:
        first_name.setdefault(w.sender.peer_id, w.sender.name)
    for g, (chat, w) in zip(got, flat, strict=True):
        assert g.chat == chat
        check_json_message(g, w, accounts, first_name[w.sender.peer_id])
    assert accounts["tg:phone:+50200000000"].display_name == "Yo"


@FAST
@given(msgs=chats(), per_page=st.integers(1, 6),
       offset=st.one_of(st.none(), st.sampled_from([-6, -3, 0, 2, 5.5, 14]).map(
           lambda h: timedelta(hours=h))))
def test_html_round_trip(msgs: list[GenMessage], per_page: int,
                         offset: timedelta | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pages = write_html(Path(tmp), "Ventas «Zona 1» & más", msgs, per_page=per_page,
                           offset=offset)
        # Old exports (no offset in the title) are read in the zone given: UTC-6 here.
        got, accounts, chat_list = by_type(list(parse_pages(
            [str(p) for p in reversed(pages)], zone="Etc/GMT+6")))
    assert [c.title for c in chat_list] == ["Ventas «Zona 1» & más"]
    assert len(got) == len(msgs)
    for g, w in zip(got, msgs, strict=True):
        assert g.msg_id == str(w.msg_id)
        assert g.sender is not None
        assert accounts[g.sender].display_name == w.sender.name
        if w.service:
            assert (g.kind, g.service) == ("service", w.service)
            continue
        assert g.sent_at == w.instant
        assert g.zone == (None if offset is not None else "Etc/GMT+6")
        assert g.text == w.parsed_text
        assert g.forwarded_from == w.forwarded_from
        assert g.reply_to == (str(w.reply_to) if w.reply_to is not None else None)
        assert g.locator.endswith(f"#message{w.msg_id}")
