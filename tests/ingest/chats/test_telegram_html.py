"""Telegram Desktop HTML pages: messages, joined runs, services, media, dates, detection."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sabueso.core.errors import InputError
from sabueso.ingest.chats.model import Account, Attachment, Chat, ChatEvent, Message
from sabueso.ingest.chats.telegram_html import match, page_number, parse, parse_pages

HEAD = """<!DOCTYPE html>
<html>
 <head>
  <meta charset="utf-8"/>
<title>Exported Data</title>
  <link href="css/style.css" rel="stylesheet"/>
  <script src="js/script.js" type="text/javascript"></script>
 </head>
 <body onload="CheckLocation();">
  <div class="page_wrap">
   <div class="page_header">
    <div class="content">
     <div class="text bold">
Ventas Zona 18
     </div>
    </div>
   </div>
   <div class="page_body chat_page">
    <div class="history">
"""
TAIL = """
    </div>
   </div>
  </div>
 </body>
</html>
"""


def page(body: str) -> bytes:
    return (HEAD + body + TAIL).encode()


def default(msg_id: int, title: str, inner: str, name: str | None = "Ana López",
            joined: bool = False) -> str:
    cls = "message default clearfix" + (" joined" if joined else "")
    sender = f'<div class="from_name">\n{name} \n</div>' if name is not None else ""
    return (f'<div class="{cls}" id="message{msg_id}">\n<div class="body">\n'
            f'<div class="pull_right date details" title="{title}">\n12:00\n</div>\n'
            f"{sender}\n{inner}\n</div>\n</div>\n")


def service(msg_id: int, text: str) -> str:
    return (f'<div class="message service" id="message{msg_id}">\n'
            f'<div class="body details">\n{text}\n</div>\n</div>\n')


def text(t: str) -> str:
    return f'<div class="text">\n{t}\n       </div>'


def media(inner: str) -> str:
    return f'<div class="media_wrap clearfix">\n{inner}\n</div>'


def generic(cls: str, title: str, status: str = "", description: str = "",
            href: str | None = None) -> str:
    tag = "a" if href else "div"
    link = f' href="{href}"' if href else ""
    extra = "block_link " if href else ""
    return (f'<{tag} class="media clearfix pull_left {extra}{cls}"{link}>\n'
            '<div class="fill pull_left"></div>\n<div class="body">\n'
            f'<div class="title bold">\n{title}\n</div>\n'
            + (f'<div class="description">\n{description}\n</div>\n' if description else "")
            + (f'<div class="status details">\n{status}\n</div>\n' if status else "")
            + f"</div>\n</{tag}>")


def read(data: bytes, zone: str | None = None) -> list[ChatEvent]:
    return list(parse(io.BytesIO(data), "messages.html", zone))


def msgs(evs: list[ChatEvent]) -> list[Message]:
    return [e for e in evs if isinstance(e, Message)]


def names(evs: list[ChatEvent]) -> dict[str, str | None]:
    return {e.key: e.display_name for e in evs if isinstance(e, Account)}


T = "12.11.2024 14:01:33 UTC-06:00"


def test_messages_joined_runs_and_day_dividers() -> None:
    evs = read(page(
        service(-1, "12 November 2024")
        + default(10, T, text("hola<br>¿cuánto &amp; dónde?"))
        + default(11, "12.11.2024 14:02:00 UTC-06:00", text("sigo yo"), name=None, joined=True)
        + default(12, "12.11.2024 14:03:00 UTC-06:00", text("ok"), name="Beto via @gif")
        + default(13, T, text('<a href="https://t.me/vendedor">@vendedor</a> '
                              '<a href="tel:+50255551234">+50255551234</a> '
                              '<a href="https://x.example/menu?a=1&amp;b=2">menú</a> '
                              '<a href="https://x.example/">https://x.example/</a> '
                              '<a href="" onclick="return ShowHashtag(&quot;x&quot;)">#x</a>'))
    ))
    chat = next(e for e in evs if isinstance(e, Chat))
    assert chat.title == "Ventas Zona 18" and chat.key == "tg:chat:html:Ventas Zona 18"
    a, b, c, d = msgs(evs)
    assert d.text == ("@vendedor +50255551234 menú https://x.example/ #x\n"
                      "[link] https://x.example/menu?a=1&b=2")
    assert (a.msg_id, a.text) == ("10", "hola\n¿cuánto & dónde?")
    assert a.locator == "messages.html#message10"
    assert a.sent_at == datetime(2024, 11, 12, 20, 1, 33, tzinfo=UTC)
    assert (a.sent_text, a.zone) == (T, None)
    assert b.sender == a.sender == "tg:name:Ana López"
    assert names(evs)[c.sender or ""] == "Beto"
    assert [m.ordinal for m in (a, b, c)] == [0, 1, 2]


def test_old_dates_without_offset_use_the_zone_given() -> None:
    evs = read(page(default(1, "12.11.2024 14:01:33", text("x"))), zone="America/Guatemala")
    m = msgs(evs)[0]
    assert m.sent_at == datetime(2024, 11, 12, 20, 1, 33, tzinfo=UTC)
    assert m.zone == "America/Guatemala"
    m = msgs(read(page(default(1, "12.11.2024 14:01:33", text("x")))))[0]
    assert (m.sent_at, m.zone, m.sent_text) == (None, None, "12.11.2024 14:01:33")
    m = msgs(read(page(default(1, "99.99.2024 14:01:33 UTC+01:00", text("x")))))[0]
    assert m.sent_at is None


def test_forwarded_and_replies() -> None:
    fwd = ('<div class="pull_left forwarded userpic_wrap"></div>\n'
           '<div class="forwarded body">\n<div class="from_name">\nCanal Ofertas '
           '<span class="date details" title="10.11.2024 09:00:00 UTC-06:00"> 10.11.2024 '
           '09:00:00</span>\n</div>\n' + text("reenviado") + "\n</div>")
    reply = ('<div class="reply_to details">\nIn reply to <a href="#go_to_message10" '
             'onclick="return GoToMessage(10)">this message</a>\n</div>')
    cross = ('<div class="reply_to details">\nIn reply to <a href="messages2.html#go_to_message'
             '2345">this message</a>\n</div>')
    other = '<div class="reply_to details">\nIn reply to a message in another chat\n</div>'
    evs = read(page(default(20, T, fwd) + default(21, T, reply + text("sí"))
                    + default(22, T, cross + text("a")) + default(23, T, other + text("b"))))
    f, r, c, o = msgs(evs)
    assert (f.forwarded_from, f.text, f.sender) == ("Canal Ofertas", "reenviado",
                                                    "tg:name:Ana López")
    assert (r.reply_to, r.text) == ("10", "sí")
    assert c.reply_to == "2345"
    assert o.reply_to is None


def test_services_map_to_actions_and_actors() -> None:
    evs = read(page(
        service(1, "Ana López created group &laquo;Ventas&raquo; with members Beto and Carla")
        + service(2, "Beto invited Carla, Don Óscar and Eva")
        + service(3, 'Ana López pinned <a href="#go_to_message1" onclick="return '
                     'GoToMessage(1)">this message</a>')
        + service(4, "Channel &laquo;Ofertas&raquo; created")
        + service(5, "Carla joined group by link from Beto")
        + service(6, "Algo nuevo que no conocemos")
    ))
    got = [(m.service, names(evs).get(m.sender or "")) for m in msgs(evs)]
    assert got == [("create_group", "Ana López"), ("invite_members", "Beto"),
                   ("pin_message", "Ana López"), ("create_channel", None),
                   ("join_group_by_link", "Carla"), ("unknown", None)]
    assert msgs(evs)[1].text == "Beto invited Carla, Don Óscar and Eva"
    assert all(m.kind == "service" and m.sent_at is None for m in msgs(evs))


def test_media_blocks() -> None:
    photo = ('<a class="photo_wrap clearfix pull_left" href="photos/photo_1@12-11-2024_14-01-33'
             '.jpg">\n<img class="photo" src="photos/photo_1_thumb.jpg" style="width: 260px"/>'
             "\n</a>")
    not_included = "Not included, change data exporting settings to download."
    evs = read(page(
        default(1, T, media(photo) + "\n" + text("foto"))
        + default(2, T, media(generic("media_photo", "Photo", "1280x960, 120 KB",
                                      not_included)))
        + default(3, T, media(generic("media_voice_message", "Voice message", "00:07",
                                      href="voice_messages/audio_1.ogg")))
        + default(4, T, media(generic("media_file", "lista.pdf", "1.2 MB",
                                      "Exceeds maximum size, change data exporting settings "
                                      "to download.")))
        + default(5, T, media(generic("media_contact", "Don Óscar", "+502 5555 1234 - vCard",
                                      href="contacts/contact_1.vcard")))
        + default(6, T, media(generic("media_location", "Location", "14.6, -90.5",
                                      href="https://maps.google.com/maps?q=14.6,-90.5")))
        + default(7, T, media('<div class="media_poll">\n<div class="question bold">\n¿Cuándo?'
                              '\n</div>\n<div class="details">\nAnonymous poll\n</div>\n'
                              '<div class="answer">\n- hoy <span class="details">1 vote</span>'
                              '\n</div>\n<div class="answer">\n- mañana\n</div>\n</div>'))
        + default(8, T, media(generic("media_call success", "Beto", "Outgoing (65 seconds)")))
        + default(9, T, media(generic("media_video", "Video message", "00:10",
                                      href="round_video_messages/file_1.mp4")))
        + default(10, T, media(generic("media_photo", "Sticker", "👋",
                                       href="stickers/AnimatedSticker.tgs")))
        + default(11, T, text('<strong>Bold</strong> <span class="spoiler hidden" onclick='
                              '"ShowSpoiler(this)"><span aria-hidden="true">oculto</span></span>'
                              ' <br><br><blockquote>cita<br>línea 2</blockquote><pre>x = '
                              '&apos;y&apos;</pre>'))
    ))
    m = msgs(evs)
    assert m[0].attachments == [Attachment("photos/photo_1@12-11-2024_14-01-33.jpg", "photo")]
    assert m[0].text == "foto"
    assert m[1].attachments == [Attachment(None, "photo", omitted=True)]
    assert m[2].attachments == [Attachment("voice_messages/audio_1.ogg", "voice_message")]
    assert m[3].attachments == [Attachment(None, "file", omitted=True)]
    assert m[4].text == "[contact] Don Óscar +502 5555 1234"
    assert m[4].attachments == [Attachment("contacts/contact_1.vcard", "contact_vcard")]
    assert m[5].text == "[location] 14.6, -90.5" and m[5].attachments == []
    assert m[6].text == "[poll] ¿Cuándo?\n- hoy\n- mañana"
    assert (m[7].kind, m[7].service, m[7].text) == ("service", "phone_call",
                                                    "Beto Outgoing (65 seconds)")
    assert m[8].attachments == [Attachment("round_video_messages/file_1.mp4", "video_message")]
    assert m[9].attachments == [Attachment("stickers/AnimatedSticker.tgs", "sticker")]
    assert m[10].text == "Bold oculto \n\ncita\nlínea 2x = 'y'"


def test_pages_in_order_carry_the_sender_of_a_joined_first_message(tmp_path: Path) -> None:
    (tmp_path / "messages.html").write_bytes(page(default(1, T, text("uno"))))
    (tmp_path / "messages2.html").write_bytes(page(
        default(2, T, text("dos"), name=None, joined=True)))
    (tmp_path / "messages10.html").write_bytes(page(default(3, T, text("tres"), name="Beto")))
    paths = [str(tmp_path / n) for n in ("messages10.html", "messages2.html", "messages.html")]
    evs = list(parse_pages(paths))
    got = [(m.locator.rsplit("/", 1)[-1], m.sender, m.ordinal) for m in msgs(evs)]
    assert got == [("messages.html#message1", "tg:name:Ana López", 0),
                   ("messages2.html#message2", "tg:name:Ana López", 1),
                   ("messages10.html#message3", "tg:name:Beto", 2)]
    assert sum(isinstance(e, Chat) for e in evs) == 1
    # One page alone: a joined first message has no sender it could know.
    alone = msgs(list(parse(open(paths[1], "rb"), "messages2.html")))  # noqa: SIM115
    assert alone[0].sender is None
    assert [page_number(p) for p in paths] == [10, 2, 1]


def test_nothing_remote_is_loaded_or_run(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    hostile = page(
        f'<!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>'
        '<script>alert(1)</script><iframe src="http://127.0.0.1:9/"></iframe>'
        f'<img src="http://127.0.0.1:9/x.png"/>' + default(1, T, text("&e; ok")))
    m = msgs(read(hostile))
    assert m and "SECRET" not in m[0].text


def test_empty_and_broken_pages() -> None:
    with pytest.raises(InputError) as err:
        read(b"")
    assert err.value.key == "error.chat_html_invalid"
    assert err.value.location == "messages.html"
    evs = read(page(""))
    assert [type(e) for e in evs] == [Chat]
    evs = read(page(default(1, T, text("corto")))[: -len(TAIL) - 14])  # message left open
    assert [m.text for m in msgs(evs)] == ["corto"]


def test_match_scores() -> None:
    real = page(default(1, T, text("x")))
    assert match("messages.html", real) >= 90
    assert match("ChatExport_2024-11-12/messages12.html", real) >= 90
    assert match("page.html", real) >= 60
    assert match("index.html", b"<html><body>hola</body></html>") < 50
    assert match("messages.html", b"no markup") == 0
