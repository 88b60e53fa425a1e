"""WhatsApp parser behaviour on small invented exports: zones, date order, locales, system
lines, media linked to zip members, deleted and edited messages, unparsed lines, recognition,
decoding and flat memory."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from datetime import UTC, datetime

import pytest

from sabueso.core.errors import InputError
from sabueso.ingest.chats.model import Account, Attachment, Chat, ChatEvent, Message, Unparsed
from sabueso.ingest.chats.registry import ChatSource
from sabueso.ingest.chats.whatsapp import (
    FORMATS,
    chat_member,
    match,
    parse_binary,
    parse_whatsapp,
)

NN, NB, LRM = "\u202f", "\u00a0", "\u200e"


def parse(text: str, zone: str = "America/Guatemala", **kw: object) -> list[ChatEvent]:
    return list(parse_whatsapp(io.StringIO(text, newline=""), zone=zone, **kw))  # type: ignore[arg-type]


def msgs(events: list[ChatEvent]) -> list[Message]:
    return [e for e in events if isinstance(e, Message)]


def chat(events: list[ChatEvent]) -> Chat:
    assert isinstance(events[0], Chat)
    return events[0]


ANDROID_ES = (
    f"5/3/24, 8:02{NN}a.{NB}m. - Los mensajes y las llamadas están cifrados de extremo a "
    "extremo. Nadie fuera de este chat, ni siquiera WhatsApp, puede leerlos ni escucharlos.\n"
    f"5/3/24, 8:03{NN}a.{NB}m. - Beto Chávez creó el grupo “Ventas zona 18”\n"
    f"5/3/24, 8:04{NN}a.{NB}m. - Beto Chávez te añadió\n"
    f"5/3/24, 8:05{NN}a.{NB}m. - \u202a+502 5512 3456\u202c se unió usando el enlace de "
    "invitación de este grupo\n"
    f"5/3/24, 8:06{NN}a.{NB}m. - \u202a+502 5512 3456\u202c: buenas, ¿hay de la buena?\n"
    "pasame precio 💰\n"
    f"5/3/24, 12:15{NN}p.{NB}m. - Beto Chávez: <Multimedia omitido>\n"
    f"5/3/24, 12:16{NN}p.{NB}m. - Beto Chávez: IMG-20240305-WA0007.jpg (archivo adjunto)\n"
    "la ubicación\n"
    f"5/3/24, 12:17{NN}p.{NB}m. - Beto Chávez: Se eliminó este mensaje.\n"
    f"14/3/24, 9:40{NN}p.{NB}m. - \u202a+502 5512 3456\u202c: mañana a las 8 <Se editó este "
    "mensaje.>\n"
    f"14/3/24, 9:41{NN}p.{NB}m. - Beto Chávez cambió el asunto de “Ventas zona 18” a "
    "“Ventas: marzo”\n"
    f"14/3/24, 9:42{NN}p.{NB}m. - \u202a+502 5512 3456\u202c salió\n"
)


def test_android_spanish_group() -> None:
    events = parse(ANDROID_ES, name="WhatsApp Chat with Ventas zona 18.txt",
                   members=["IMG-20240305-WA0007.jpg", "WhatsApp Chat with Ventas zona 18.txt"])
    c = chat(events)
    assert (c.title, c.kind, c.date_order, c.date_order_basis) == (
        "Ventas zona 18", "group", "dmy", "values")
    got = msgs(events)
    assert [(m.kind, m.service) for m in got] == [
        ("service", "encryption_notice"), ("service", "create_group"),
        ("service", "invite_members"), ("service", "joined"), ("message", None),
        ("message", None), ("message", None), ("message", None), ("message", None),
        ("service", "subject_changed"), ("service", "left")]
    assert [m.sender for m in got] == [
        None, "wa:name:Beto Chávez", "wa:name:Beto Chávez", "wa:+50255123456",
        "wa:+50255123456", "wa:name:Beto Chávez", "wa:name:Beto Chávez", "wa:name:Beto Chávez",
        "wa:+50255123456", "wa:name:Beto Chávez", "wa:+50255123456"]
    ask = got[4]
    assert ask.text == "buenas, ¿hay de la buena?\npasame precio 💰"
    assert ask.locator == "lines 5-6" and ask.ordinal == 4
    assert ask.sent_at == datetime(2024, 3, 5, 14, 6, tzinfo=UTC)  # UTC-6
    assert ask.sent_text == f"5/3/24, 8:06{NN}a.{NB}m." and ask.zone == "America/Guatemala"
    assert got[5].attachments == [Attachment(name=None, omitted=True)]
    assert got[6].attachments == [Attachment(name="IMG-20240305-WA0007.jpg", kind="image")]
    assert got[6].text == "IMG-20240305-WA0007.jpg (archivo adjunto)\nla ubicación"
    assert got[7].deleted and not got[7].edited
    assert got[8].edited and got[8].text.endswith("<Se editó este mensaje.>")
    assert got[8].sent_at == datetime(2024, 3, 15, 3, 40, tzinfo=UTC)
    assert got[9].text.endswith("“Ventas: marzo”")  # a colon inside the subject
    accounts = [e for e in events if isinstance(e, Account)]
    assert [(a.key, a.display_name, a.phone) for a in accounts] == [
        ("wa:name:Beto Chávez", "Beto Chávez", None),
        ("wa:+50255123456", None, "+502 5512 3456")]


IOS_ES = (
    f"{LRM}[12/03/24, 21:41:07] Ventas 18: {LRM}Los mensajes y las llamadas están cifrados de"
    " extremo a extremo.\n"
    f"{LRM}[12/03/24, 21:41:09] Ventas 18: {LRM}Beto Chávez añadió a Ana López\n"
    f"[12/03/24, 21:42:00] Ana López: {LRM}<adjunto: 00000012-PHOTO-2024-03-12-21-42-00.jpg>\n"
    f"[12/03/24, 21:42:30] Ana López: {LRM}imagen omitida\n"
    f"[12/03/24, 21:43:00] Beto Chávez: {LRM}Eliminaste este mensaje.\n"
    f"[12/03/24, 21:44:00] Beto Chávez: {LRM}Reporte.pdf • 3 páginas documento omitido\n"
)


def test_ios_spanish_group_with_media() -> None:
    members = ["_chat.txt", "00000012-PHOTO-2024-03-12-21-42-00.jpg"]
    events = parse(IOS_ES, zone="UTC", name="_chat.txt", members=members)
    c = chat(events)
    assert (c.title, c.kind, c.date_order) == ("Ventas 18", "group", "dmy")
    got = msgs(events)
    assert [(m.service, m.sender) for m in got[:2]] == [
        ("encryption_notice", None), ("invite_members", "wa:name:Beto Chávez")]
    assert got[2].attachments == [Attachment("00000012-PHOTO-2024-03-12-21-42-00.jpg", "photo")]
    assert got[3].attachments == [Attachment(None, "imagen", omitted=True)]
    assert got[4].deleted
    assert got[5].attachments == [Attachment(None, "documento", omitted=True)]
    assert got[2].sent_at == datetime(2024, 3, 12, 21, 42, tzinfo=UTC)


def test_english_and_portuguese_system_lines() -> None:
    text = ("1/15/24, 9:00\u202fAM - Ana created group \"Deals\"\n"
            "1/15/24, 9:01\u202fAM - Ana added +1 809 555 0147\n"
            "1/15/24, 9:02\u202fAM - You were added\n"
            "1/15/24, 9:03\u202fAM - Ana changed the subject from \"Deals\" to \"Deals: Jan\"\n"
            "1/15/24, 9:04\u202fAM - Ana changed this group's icon\n"
            "1/15/24, 9:05\u202fAM - Ana changed to +1 809 555 0199\n"
            "1/15/24, 9:06\u202fAM - Ana: This message was deleted\n"
            "1/15/24, 9:07\u202fAM - Ana: see you <This message was edited>\n"
            "1/15/24, 12:08\u202fPM - Ana left\n")
    got = msgs(parse(text, zone="UTC"))
    assert [m.service for m in got] == [
        "create_group", "invite_members", "invite_members", "subject_changed", "icon_changed",
        "number_changed", None, None, "left"]
    assert got[2].sender is None  # the exporting user
    assert got[6].deleted and got[7].edited
    assert got[8].sent_at == datetime(2024, 1, 15, 12, 8, tzinfo=UTC)
    pt = ("15/01/2024 09:00 - Ana criou o grupo \"Vendas\"\n"
          "15/01/2024 09:01 - Ana adicionou Beto\n"
          "15/01/2024 09:02 - Beto saiu\n"
          "15/01/2024 09:03 - Ana: Mensagem apagada\n"
          "15/01/2024 09:04 - Ana: <Arquivo de mídia oculto>\n"
          "15/01/2024 09:05 - As mensagens e as chamadas são protegidas com a criptografia de "
          "ponta a ponta.\n")
    got = msgs(parse(pt, zone="America/Sao_Paulo"))
    assert [m.service for m in got] == ["create_group", "invite_members", "left", None, None,
                                        "encryption_notice"]
    assert got[3].deleted and got[4].attachments[0].omitted
    assert got[0].sent_at == datetime(2024, 1, 15, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("locale", "order", "basis", "month"), [
    (None, "dmy", "default", 3), ("es-GT", "dmy", "locale", 3), ("en-US", "mdy", "locale", 5),
    ("en_US", "mdy", "locale", 5), ("en", "mdy", "locale", 5), ("pt-BR", "dmy", "locale", 3)])
def test_ambiguous_dates_follow_hint_then_day_first(locale: str | None, order: str, basis: str,
                                                    month: int) -> None:
    text = "5/3/24, 10:00 - Ana: hola\n6/3/24, 10:00 - Ana: otra\n"
    events = parse(text, zone="UTC", locale=locale)
    assert (chat(events).date_order, chat(events).date_order_basis) == (order, basis)
    assert msgs(events)[0].sent_at is not None and msgs(events)[0].sent_at.month == month


def test_one_decisive_date_decides_the_whole_file() -> None:
    lines = [f"{m}/{d}/24, 10:00 - Ana: x\n" for m in (1, 2, 3) for d in (1, 2, 3)]
    lines.append("3/25/24, 10:00 - Ana: the last line decides\n")
    events = parse("".join(lines), zone="UTC", locale="es")
    assert (chat(events).date_order, chat(events).date_order_basis) == ("mdy", "values")
    assert msgs(events)[1].sent_at == datetime(2024, 1, 2, 10, 0, tzinfo=UTC)


def test_conflicting_dates_are_reported_and_kept() -> None:
    text = "13/1/24, 10:00 - Ana: a\n1/13/24, 10:00 - Ana: b\n20/2/24, 10:00 - Ana: c\n"
    events = parse(text, zone="UTC")
    assert (chat(events).date_order, chat(events).date_order_basis) == ("dmy", "conflict")
    got = msgs(events)
    assert [m.text for m in got] == ["a", "b", "c"]
    assert got[1].sent_at is None and got[1].sent_text == "1/13/24, 10:00"


def test_dst_fold_and_gap_in_a_zone_with_dst() -> None:
    text = ("27/10/24, 02:30 - Ana: ambigua\n"  # Madrid: 02:30 happens twice; the first
            "31/3/24, 02:30 - Ana: no existe\n"  # Madrid: 02:00 -> 03:00
            "31/3/24, 01:59 - Ana: antes\n")
    got = msgs(parse(text, zone="Europe/Madrid"))
    assert got[0].sent_at == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)
    assert got[1].sent_at == datetime(2024, 3, 31, 1, 30, tzinfo=UTC)
    assert got[2].sent_at == datetime(2024, 3, 31, 0, 59, tzinfo=UTC)


def test_twelve_hour_edges_and_invalid_times() -> None:
    text = ("1/2/24, 12:05 a. m. - Ana: medianoche\n1/2/24, 12:05 p. m. - Ana: mediodía\n"
            "1/2/24, 00:08 a. m. - Ana: cero\n1/2/24, 13:05 p. m. - Ana: imposible\n"
            "31/2/24, 1:05 p. m. - Ana: 31 de febrero\n")
    got = msgs(parse(text, zone="UTC"))
    assert [m.sent_at.hour if m.sent_at else None for m in got] == [0, 12, 0, None, None]
    assert [m.text for m in got][-1] == "31 de febrero"


def test_lines_before_the_first_header_are_unparsed() -> None:
    text = "\ufeffexportado por alguien\n\n  \notra línea\n1/2/24, 10:00 - Ana: hola\n"
    events = parse(text, zone="UTC")
    un = [e for e in events if isinstance(e, Unparsed)]
    assert [(u.locator, u.text) for u in un] == [("line 1", "\ufeffexportado por alguien"),
                                                ("line 4", "otra línea")]
    assert un[0].reason == "chat.unparsed.before_first_message"
    assert msgs(events)[0].locator == "line 5"


def test_no_header_at_all() -> None:
    events = parse("hola\nmundo\n", zone="UTC")
    assert chat(events).date_order is None
    assert [e.locator for e in events if isinstance(e, Unparsed)] == ["line 1", "line 2"]


def test_crlf_and_name_alone_and_colon_in_name() -> None:
    text = ("1/2/24, 10:00 - Ana: hola\r\nsegunda\r\n1/2/24, 10:01 - Ana:\r\n\r\n👍\r\n"
            "1/2/24, 10:02 - Luis: a: b\r\n")
    got = msgs(parse(text, zone="UTC"))
    assert [m.text for m in got] == ["hola\nsegunda", "\n\n👍", "a: b"]
    assert [m.sender for m in got] == ["wa:name:Ana", "wa:name:Ana", "wa:name:Luis"]


def test_unknown_zone_is_an_input_error() -> None:
    with pytest.raises(InputError):
        parse("1/2/24, 10:00 - Ana: hola\n", zone="Mars/Olympus")


def test_zip_export_end_to_end(tmp_path: object) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("WhatsApp Chat with Ana.txt",
                    "1/2/24, 10:00 - Ana: IMG-20240201-WA0001.jpg (file attached)\n"
                    "1/2/24, 10:01 - Ana: PTT-20240201-WA0002.opus (file attached)\n")
        zf.writestr("IMG-20240201-WA0001.jpg", b"\xff\xd8")
    with zipfile.ZipFile(buf) as zf:
        member = chat_member(zf.namelist())
        assert member == "WhatsApp Chat with Ana.txt"
        with zf.open(member) as raw:
            data = io.BytesIO(raw.read())
        events = list(parse_binary(data, ChatSource(member, "UTC",
                                                    frozenset(zf.namelist()))))
    assert chat(events).title == "Ana"
    got = msgs(events)
    assert got[0].attachments == [Attachment("IMG-20240201-WA0001.jpg", "image")]
    assert got[1].attachments == [Attachment("PTT-20240201-WA0002.opus", "voice_message")]


def test_utf16_with_bom_through_the_registry_entry() -> None:
    data = "\ufeff1/2/24, 10:00 - Ana: ñandú 😀\n".encode("utf-16-le")
    got = msgs(list(parse_binary(io.BytesIO(data), ChatSource("_chat.txt", "UTC"))))
    assert [m.text for m in got] == ["ñandú 😀"]


def test_match_scores() -> None:
    wa = "".join(f"5/3/24, 8:0{i}\u202fa.\u00a0m. - Ana: hola {i}\n" for i in range(9))
    assert match("WhatsApp Chat with Ana.txt", wa) >= 90
    assert match("notas.txt", wa) >= 75
    assert match("_chat.txt", IOS_ES) >= 90
    assert match("notas.txt", "Lista de compras\n- leche\n- pan\n") == 0
    assert match("datos.csv", "fecha,hora,monto\n5/3/24,8:00,30\n") < 50
    assert match("_chat.txt", "") <= 30
    assert match("log.txt", "2024-03-05 08:00:01 INFO started\n" * 5) < 50
    (fmt,) = FORMATS
    assert fmt.name == "whatsapp" and fmt.match("_chat.txt", wa.encode()) >= 90


def test_memory_stays_flat() -> None:
    def peak(n: int) -> int:
        line = f"5/3/24, 8:06{NN}a.{NB}m. - Ana López: hola, ¿qué tal? 😀 todo bien\n"
        text = line * n
        stream = io.StringIO(text, newline="")
        del text
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        count = sum(1 for e in parse_whatsapp(stream, zone="America/Guatemala")
                    if isinstance(e, Message))
        top = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        assert count == n
        return top

    small, large = peak(20_000), peak(80_000)  # both many blocks long
    assert large < small * 1.2 + (1 << 20), (small, large)


def test_spanish_and_portuguese_leaving_and_joining_lines() -> None:
    """Android writes "salió del grupo" / "saiu do grupo" with the group named, and the
    exporting user's own joining as "Te uniste ..." (no account: the exporter has no name)."""
    text = ("13/3/24, 10:03 - María salió del grupo\n"
            "13/3/24, 10:04 - Beto salió\n"
            "13/3/24, 10:05 - Te uniste usando el enlace de invitación de este grupo\n"
            "13/3/24, 10:06 - Saliste del grupo\n"
            "13/3/24, 10:07 - Ana saiu do grupo\n"
            "13/3/24, 10:08 - María: salió del grupo ya\n")
    got = msgs(parse(text, zone="UTC"))
    assert [(m.service, m.sender) for m in got] == [
        ("left", "wa:name:María"), ("left", "wa:name:Beto"), ("joined", None), ("left", None),
        ("left", "wa:name:Ana"), (None, "wa:name:María")]


def test_an_omitted_media_line_with_trailing_space_or_marks_is_still_media() -> None:
    text = ("[13/3/24, 10:00:00] Juan: \u200eimagen omitida \n"
            "[13/3/24, 10:01:00] Juan: image omitted\u200e\n"
            "[13/3/24, 10:02:00] Juan: la imagen omitida ayer no importa\n")
    got = msgs(parse(text, zone="UTC"))
    assert [[(a.kind, a.omitted) for a in m.attachments] for m in got] == [
        [("imagen", True)], [("image", True)], []]
