"""Chat exports in shapes the other tests do not write (a robustness probe against exports not
seen before): iOS group lines after the group is renamed, Spanish and Portuguese system lines
whose actor sits before a full stop, attachment names in another Unicode normal form, Telegram
fields that used to be dropped. Everything here is invented."""

from __future__ import annotations

import io
import itertools
import json
import unicodedata
import zipfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Env
from sabueso.ingest.chats.model import Account, Attachment, ChatEvent, Message
from sabueso.ingest.chats.whatsapp import parse_whatsapp

LRM, LRE, PDF, NN, NB = "\u200e", "\u202a", "\u202c", "\u202f", "\u00a0"


def wa(text: str, **kw: object) -> list[ChatEvent]:
    return list(parse_whatsapp(io.StringIO(text, newline=""), zone="America/Guatemala",
                               **kw))  # type: ignore[arg-type]


def msgs(events: list[ChatEvent]) -> list[Message]:
    return [e for e in events if isinstance(e, Message)]


def account_keys(events: list[ChatEvent]) -> set[str]:
    return {e.key for e in events if isinstance(e, Account)}


# --------------------------------------------------------------------------- iOS group lines

IOS_RENAMED = (
    f"[15/03/2024, 10:00:00] Grupo Norte: {LRM}As mensagens e as chamadas são protegidas com a "
    "criptografia de ponta a ponta.\n"
    f"[15/03/2024, 10:00:01] Grupo Norte: {LRM}Zé criou o grupo “Grupo Norte”\n"
    f"[15/03/2024, 10:00:02] Grupo Norte: {LRM}Zé mudou o nome do grupo de “Grupo Norte” para "
    "“Entregas SP”\n"
    f"[15/03/2024, 10:00:03] Entregas SP: {LRM}Zé adicionou {LRE}+55 11 91234-5678{PDF}\n"
    f"[15/03/2024, 10:00:04] Entregas SP: {LRM}Zé alterou as configurações do grupo para "
    "permitir que somente admins enviem mensagens\n"
    f"[15/03/2024, 10:00:05] {LRE}+55 11 91234-5678{PDF}: bom dia\n"
    f"[15/03/2024, 10:00:06] Entregas SP: {LRM}{LRE}+55 11 91234-5678{PDF} mudou para "
    f"{LRE}+55 11 99876-5432{PDF}\n"
    f"[15/03/2024, 10:00:07] Entregas SP: {LRM}{LRE}+55 11 99876-5432{PDF} saiu\n"
)


def test_ios_group_lines_after_a_rename_are_system_lines_not_a_member() -> None:
    events = wa(IOS_RENAMED)
    got = [(m.kind, m.service, m.sender) for m in msgs(events)]
    assert got == [
        ("service", "encryption_notice", None),
        ("service", "create_group", "wa:name:Zé"),
        ("service", "subject_changed", "wa:name:Zé"),
        ("service", "invite_members", "wa:name:Zé"),
        ("service", "system", None),  # a settings change in words not in the tables
        ("message", None, "wa:+5511912345678"),
        ("service", "number_changed", "wa:+5511912345678"),
        ("service", "left", "wa:+5511998765432"),
    ]
    assert "wa:name:Entregas SP" not in account_keys(events)
    change = msgs(events)[6]
    assert "+55 11 91234-5678" in change.text and "+55 11 99876-5432" in change.text


def test_ios_group_lines_without_the_notice_that_names_the_group() -> None:
    events = wa(IOS_RENAMED.split("\n", 1)[1])
    got = [(m.kind, m.service) for m in msgs(events)]
    assert got[:3] == [("service", "create_group"), ("service", "subject_changed"),
                       ("service", "invite_members")]
    assert got[5:] == [("service", "number_changed"), ("service", "left")]
    assert account_keys(events) == {"wa:name:Zé", "wa:+5511912345678", "wa:+5511998765432"}


def test_ios_personal_chat_named_like_its_contact_keeps_the_contacts_media() -> None:
    # In a one-to-one chat the notice carries the contact's name: the contact's marked lines
    # (media, calls) are theirs, not the chat's.
    text = (f"[15/03/2024, 10:00:00] Beto: {LRM}Messages and calls are end-to-end encrypted.\n"
            f"[15/03/2024, 10:00:01] Beto: {LRM}image omitted\n"
            f"[15/03/2024, 10:00:02] Beto: {LRM}Missed voice call\n")
    got = [(m.kind, m.service, m.sender) for m in msgs(wa(text))]
    assert got[1:] == [("message", None, "wa:name:Beto"), ("message", None, "wa:name:Beto")]


_SUBJECT = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"),
                                 exclude_characters="\"“”«»':\u200e\u202a\u202c[]\n\r"),
                   min_size=1, max_size=30).map(str.strip).filter(bool)


@settings(max_examples=60, deadline=None)
@given(first=_SUBJECT, second=_SUBJECT, third=_SUBJECT)
def test_property_renamed_groups_never_become_members(first: str, second: str,
                                                      third: str) -> None:
    """Whatever the subjects, the group's own lines under each of its names are system lines
    and no account is made for the group."""
    lines = [f"[01/02/2024, 09:00:00] {first}: {LRM}Messages and calls are end-to-end "
             "encrypted.",
             f"[01/02/2024, 09:00:01] {first}: {LRM}Ana created group “{first}”"]
    names = [first, second, third]
    for i, (old, new) in enumerate(itertools.pairwise(names)):
        lines.append(f"[01/02/2024, 09:0{i + 1}:00] {old}: {LRM}Ana changed the subject from "
                     f"“{old}” to “{new}”")
        lines.append(f"[01/02/2024, 09:0{i + 1}:01] {new}: {LRM}Ana added Luis")
        lines.append(f"[01/02/2024, 09:0{i + 1}:02] {new}: {LRM}Ana changed the settings")
    events = wa("\n".join(lines) + "\n")
    assert all(m.kind == "service" for m in msgs(events))
    assert account_keys(events) <= {"wa:name:Ana"}


# --------------------------------------------------------------------------- actors of notices

ANDROID_NOTICES = (
    f"5/11/24, 8:14{NN}p.{NB}m. - Cambió tu código de seguridad con {LRE}+502 5555 1234{PDF}. "
    "Toca para obtener más información.\n"
    f"5/11/24, 8:15{NN}p.{NB}m. - Cambió tu código de seguridad con Dr. Pérez. Toca para "
    "obtener más información.\n"
    f"5/11/24, 8:16{NN}p.{NB}m. - El código de seguridad de Beto cambió. Toca para obtener más "
    "información.\n"
    f"5/11/24, 8:17{NN}p.{NB}m. - Beto Chávez activó los mensajes temporales. Los mensajes "
    "nuevos desaparecerán de este chat 7 días después de su envío, excepto si se conservan.\n"
    f"5/11/24, 8:18{NN}p.{NB}m. - Activaste los mensajes temporales. Los mensajes nuevos "
    "desaparecerán de este chat 24 horas después de su envío.\n"
    f"5/11/24, 8:19{NN}p.{NB}m. - Beto turned off disappearing messages.\n"
    f"5/11/24, 8:20{NN}p.{NB}m. - Zé ativou as mensagens temporárias. Todas as novas mensagens "
    "vão desaparecer desta conversa 7 dias após o envio.\n"
    f"5/11/24, 8:21{NN}p.{NB}m. - O código de segurança de Zé mudou. Toque para saber mais.\n"
)


def test_notices_name_their_actor_before_the_full_stop() -> None:
    events = wa(ANDROID_NOTICES)
    got = [(m.service, m.sender) for m in msgs(events)]
    assert got == [
        ("security_code_changed", "wa:+50255551234"),
        ("security_code_changed", "wa:name:Dr. Pérez"),
        ("security_code_changed", "wa:name:Beto"),
        ("disappearing_messages", "wa:name:Beto Chávez"),
        ("disappearing_messages", None),  # the exporting user
        ("disappearing_messages", "wa:name:Beto"),
        ("disappearing_messages", "wa:name:Zé"),
        ("security_code_changed", "wa:name:Zé"),
    ]
    assert "wa:name:+" not in account_keys(events)
    phone = next(e for e in events if isinstance(e, Account) and e.key == "wa:+50255551234")
    assert phone.phone == "+502 5555 1234"


_NAME = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp", "Cf"),
                              exclude_characters="\n\r"),
                min_size=1, max_size=25).map(str.strip).filter(
                    lambda s: bool(s) and ". " not in s and not s.endswith("."))


@settings(max_examples=80, deadline=None)
@given(name=_NAME)
def test_property_security_code_and_timer_actors_are_the_name_shown(name: str) -> None:
    from sabueso.ingest.chats.whatsapp_phrases import system_line

    for line in (f"Cambió tu código de seguridad con {name}. Toca para obtener más información.",
                 f"Cambió tu código de seguridad con {LRE}{name}{PDF}.",
                 f"{name} activó los mensajes temporales. Los mensajes nuevos desaparecerán."):
        sl = system_line(line)
        assert sl is not None
        assert sl.actor in (name, None)  # None only for a first-person form ("Tú", "Te")
        if sl.actor is None:
            assert name in ("Tú", "tú", "Te", "You", "you", "Usted", "usted", "Você", "você",
                            "Creaste", "Añadiste", "Agregaste", "Saliste", "Eliminaste",
                            "Cambiaste", "Activaste", "Desactivaste")


# --------------------------------------------------------------------------- Unicode file names

def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_attachment_names_link_across_unicode_forms() -> None:
    text = (f"13/11/24, 8:03{NN}p.{NB}m. - Ana: Señor Peña.vcf (archivo adjunto)\n"
            f"13/11/24, 8:04{NN}p.{NB}m. - Ana: {_nfd('Canción.opus')} (archivo adjunto)\n"
            "[13/11/24, 20:05:00] x: y\n")
    members = [_nfd("Señor Peña.vcf"), "Canción.opus", "chat.txt"]
    got = [m.attachments for m in msgs(wa(text, members=members))]
    assert got[0] == [Attachment(name=_nfd("Señor Peña.vcf"))]
    assert got[1] == [Attachment(name="Canción.opus")]


def test_zip_from_a_mac_links_accented_media_in_the_case(env: Env, tmp_path: Path) -> None:
    chat = (f"13/11/24, 8:00{NN}p.{NB}m. - Colibrí Peña: Señor Peña.vcf (archivo adjunto)\n"
            f"13/11/24, 8:01{NN}p.{NB}m. - Colibrí Peña: IMG-20241113-WA0001.jpg (archivo "
            "adjunto)\n")
    archive = tmp_path / "WhatsApp Chat - Colibrí.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(_nfd("Chat de WhatsApp con Colibrí Peña.txt"), chat.encode())
        zf.writestr(_nfd("Señor Peña.vcf"), b"BEGIN:VCARD\nTEL:+50255557777\nEND:VCARD\n")
        zf.writestr("IMG-20241113-WA0001.jpg", b"\xff\xd8\xff\xe0fake")
    env.new_case("GT-1")
    env.ok("add", "GT-1", str(archive), "--tz", "America/Guatemala")
    rows = [json.loads(line) for line in env.ok("messages", "GT-1", "--json").out.splitlines()]
    atts = [row["attachments"][0] for row in rows]
    assert [a["missing"] for a in atts] == [False, False]
    assert all(a["item"] is not None for a in atts)


_FILE = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp", "Cf"),
                              exclude_characters="\n\r()<>/"),
                min_size=1, max_size=20).map(str.strip).filter(bool)


@settings(max_examples=80, deadline=None)
@given(stem=_FILE, text_form=st.sampled_from(["NFC", "NFD"]),
       zip_form=st.sampled_from(["NFC", "NFD"]))
def test_property_a_named_file_links_whatever_the_forms(stem: str, text_form: str,
                                                       zip_form: str) -> None:
    name = stem + ".pdf"
    member = unicodedata.normalize(zip_form, name)  # type: ignore[arg-type]
    shown = unicodedata.normalize(text_form, name)  # type: ignore[arg-type]
    text = f"13/11/24, 8:03{NN}p.{NB}m. - Ana: {shown} (archivo adjunto)\n"
    [msg] = msgs(wa(text, members=["chat.txt", member]))
    assert msg.attachments == [Attachment(name=member)]


# --------------------------------------------------------------------------- Telegram fields

_TG_MESSAGES = [
    {"id": 2, "type": "message", "date": "2024-11-13T20:02:00", "date_unixtime": "1731549720",
     "from": "Colibrí", "from_id": "user111", "via_bot": "@PedidosBot", "text": "pedido listo",
     "text_entities": [{"type": "plain", "text": "pedido listo"}],
     "inline_bot_buttons": [[{"type": "url", "text": "Pagar",
                              "data": "https://pay.example.com/x?id=9"}],
                            [{"type": "callback", "text": "Otro", "data": "b3Rybw=="}]]},
    {"id": 14, "type": "message", "date": "2024-11-13T20:14:00", "date_unixtime": "1731550440",
     "from": "Canal Ventas", "from_id": "channel333", "author": "Admin Juan",
     "text": "post firmado", "text_entities": []},
    {"id": 15, "type": "message", "date": "2024-11-13T20:15:00", "date_unixtime": "1731550500",
     "from": "Beto", "from_id": "user222", "saved_from": "Grupo Zona 1", "text": "guardado",
     "text_entities": []},
    {"id": 16, "type": "message", "date": "2024-11-13T20:16:00", "date_unixtime": "1731550560",
     "from": "Beto", "from_id": "user222", "text": "", "text_entities": [],
     "via_bot": "@gif"},
]
_TG_TEXTS = ["pedido listo\n[via] @PedidosBot\n[button] Pagar https://pay.example.com/x?id=9",
             "post firmado\n[author] Admin Juan", "guardado\n[saved_from] Grupo Zona 1",
             "[via] @gif"]


def _tg_texts(data: bytes) -> list[str]:
    from sabueso.ingest.chats.telegram_json import parse

    return [m.text for m in msgs(list(parse(io.BytesIO(data), "result.json")))]


def test_telegram_json_keeps_the_bot_signature_origin_and_link_buttons() -> None:
    chat = {"name": "Ventas", "type": "private_supergroup", "id": 4444,
            "messages": _TG_MESSAGES}
    # tdesktop's layout (the fast path) and any other layout (the event walker)
    fast = json.dumps(chat, ensure_ascii=False, indent=1).encode()
    walked = json.dumps(chat, ensure_ascii=False).encode()
    account = json.dumps({"chats": {"about": "", "list": [chat]}}, ensure_ascii=False).encode()
    assert _tg_texts(fast) == _tg_texts(walked) == _tg_texts(account) == _TG_TEXTS


def test_telegram_html_keeps_the_bot_a_message_came_through() -> None:
    from sabueso.ingest.chats.telegram_html import parse

    page = ('<!DOCTYPE html><html><head><meta charset="utf-8"/><title>Exported Data</title>'
            '</head><body><div class="page_wrap"><div class="page_body chat_page">'
            '<div class="history">\n'
            '<div class="message default clearfix" id="message12">\n<div class="body">\n'
            '<div class="pull_right date details" title="12.11.2024 14:03:00 UTC-06:00">\n'
            '14:03\n</div>\n<div class="from_name">\nBeto via @PedidosBot\n</div>\n'
            '<div class="text">\npedido listo\n</div>\n</div>\n</div>\n'
            '</div></div></div></body></html>')
    [msg] = msgs(list(parse(io.BytesIO(page.encode()), "messages.html")))
    assert msg.text == "pedido listo\n[via] @PedidosBot"
    assert msg.sender == "tg:name:Beto"


@settings(max_examples=40, deadline=None)
@given(bot=st.from_regex(r"@[A-Za-z][A-Za-z0-9_]{3,30}", fullmatch=True),
       url=st.from_regex(r"https://[a-z]{1,12}\.example/[a-z0-9]{0,10}", fullmatch=True),
       label=_NAME)
def test_property_bot_and_button_lines_in_both_json_paths(bot: str, url: str,
                                                          label: str) -> None:
    msg = {"id": 1, "type": "message", "date": "2024-11-13T20:02:00",
           "date_unixtime": "1731549720", "from": "A", "from_id": "user1", "via_bot": bot,
           "text": "x", "text_entities": [],
           "inline_bot_buttons": [[{"type": "url", "text": label, "data": url}]]}
    chat = {"name": "c", "type": "personal_chat", "id": 1, "messages": [msg]}
    want = [f"x\n[via] {bot}\n[button] {label} {url}"]
    assert _tg_texts(json.dumps(chat, indent=1).encode()) == want
    assert _tg_texts(json.dumps(chat).encode()) == want


def test_a_title_from_a_decomposed_file_name_is_composed() -> None:
    # a zip made on a Mac names the chat file in NFD: the title must compare and be searched
    # as typed
    from sabueso.ingest.chats.model import Chat

    events = wa("13/11/24, 20:00 - Ana: hola\n", name=_nfd("Chat de WhatsApp con Peña.txt"))
    [chat] = [e for e in events if isinstance(e, Chat)]
    assert chat.title == "Peña" and chat.title == unicodedata.normalize("NFC", chat.title)


def test_an_ios_chat_is_titled_from_its_zip_or_folder(env: Env, tmp_path: Path) -> None:
    # iOS names the file _chat.txt and the zip after the chat ("WhatsApp Chat - Ana.zip"); a
    # personal chat has no notice naming it: its title was empty
    chat = "[13/11/24, 20:00:00] Colibrí Peña: ¿Hay del verde?\n"
    archive = tmp_path / "WhatsApp Chat - Colibrí Peña.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("_chat.txt", chat.encode())
    folder = tmp_path / "WhatsApp Chat - Beto"
    folder.mkdir()
    (folder / "_chat.txt").write_text(chat.replace("Colibrí Peña", "Beto"), encoding="utf-8")
    env.new_case("GT-1")
    env.ok("add", "GT-1", str(archive), str(folder))
    titles = sorted(c["title"] for c in env.ok("chats", "GT-1", "--json").json()["chats"])
    assert titles == ["Beto", "Colibrí Peña"]
