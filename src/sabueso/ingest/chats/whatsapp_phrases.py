"""The words WhatsApp writes into its exports, in Spanish, English and Portuguese.

System lines (group created, member added, left, subject changed, number changed, encryption
notice...), media markers (``<Media omitted>``, ``imagen omitida``, ``<attached: ...>``,
``IMG-... (file attached)``), deleted-message texts and the edit marker. Each table is data: a
phrase seen in a new locale or app version is one more row. Matching is done on text with the
invisible direction marks removed; the message text itself is kept exactly as exported.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from sabueso.ingest.chats.model import Attachment

__all__ = [
    "DELETED",
    "EDIT_MARKERS",
    "FIRST_PERSON",
    "GROUP_SERVICES",
    "MARKS",
    "SystemLine",
    "attachment_of",
    "colon_system_line",
    "is_encryption_notice",
    "strip_marks",
    "system_line",
]

# Direction marks and other invisible characters WhatsApp puts around names, numbers and
# attachment lines (LRM, RLM, LRE..RLO, PDF, isolates, BOM).
MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_MARKS_TABLE = str.maketrans("", "", MARKS)


def strip_marks(text: str) -> str:
    return text.translate(_MARKS_TABLE)


# --------------------------------------------------------------------------- system lines

# "You"-forms: the exporting user, who has no name in the export; no account is made for them.
FIRST_PERSON = frozenset({"You", "you", "Tú", "tú", "Usted", "usted", "Você", "você"})

# Services that only happen in groups: seeing one makes the chat a group.
GROUP_SERVICES = frozenset({
    "create_group", "invite_members", "joined", "left", "remove_members", "subject_changed",
    "icon_changed", "description_changed",
})

_Q = "[\"“”«»']"  # quotes around group subjects
_NUM = r"\+[\d \-()\u00a0]{5,}\d"
# what follows a name in a notice that ends with an invitation ("... con Beto. Toca para ...")
_TAP = r"(?:\.\s+(?:Toca|Tocá|Pulsa|Haz clic|Selecciona|Obtén)\b.*)?"

# (service, pattern). ``actor`` is who did it (a name or number as shown; a first-person form
# means the exporting user); ``arg`` the object (new subject, member added, new number).
_SYSTEM_SOURCE: tuple[tuple[str, str], ...] = (
    # encryption notice: any language, anywhere in the line
    ("encryption_notice", r".*(?:end-to-end encrypt|cifrad[oa]s? de extremo a extremo"
                          r"|criptografia de ponta a ponta).*"),
    # group created
    ("create_group", rf"(?P<actor>.+?) created group {_Q}(?P<arg>.*){_Q}"),
    ("create_group", r"(?P<actor>.+?) created this group"),
    ("create_group", rf"(?P<actor>.+?) (?:creó|ha creado) el grupo {_Q}(?P<arg>.*){_Q}"),
    ("create_group", rf"(?P<actor>Creaste) el grupo {_Q}(?P<arg>.*){_Q}"),
    ("create_group", r"(?P<actor>.+?) creó este grupo"),
    ("create_group", rf"(?P<actor>.+?) criou o grupo {_Q}(?P<arg>.*){_Q}"),
    ("create_group", r"(?P<actor>.+?) criou este grupo"),
    # subject, icon, description
    ("subject_changed", rf"(?P<actor>.+?) changed the (?:subject|group name)"
                        rf"(?: from {_Q}.*{_Q})? to {_Q}(?P<arg>.*){_Q}"),
    ("subject_changed", rf"(?P<actor>.+?) (?:cambió|cambiaste) el (?:asunto|nombre del grupo)"
                        rf"(?: de {_Q}.*{_Q})? a {_Q}(?P<arg>.*){_Q}"),
    ("subject_changed", rf"(?P<actor>Cambiaste) el (?:asunto|nombre del grupo)"
                        rf"(?: de {_Q}.*{_Q})? a {_Q}(?P<arg>.*){_Q}"),
    ("subject_changed", rf"(?P<actor>.+?) (?:mudou|alterou) o (?:assunto|nome do grupo)"
                        rf"(?: de {_Q}.*{_Q})? para {_Q}(?P<arg>.*){_Q}"),
    ("icon_changed", r"(?P<actor>.+?) (?:changed|deleted) this group's icon"),
    ("icon_changed", r"(?P<actor>.+?) (?:cambió|eliminó) (?:el ícono|el icono|la imagen|la foto)"
                     r" (?:de este grupo|del grupo)"),
    ("icon_changed", r"(?P<actor>Cambiaste|Eliminaste) (?:el ícono|el icono|la imagen|la foto)"
                     r" (?:de este grupo|del grupo)"),
    ("icon_changed", r"(?P<actor>.+?) (?:mudou|alterou|apagou) a (?:imagem|foto)"
                     r" d(?:este|o) grupo"),
    ("description_changed", r"(?P<actor>.+?) changed the group description"),
    ("description_changed", r"(?P<actor>.+?) (?:cambió|cambiaste) la descripción del grupo"),
    ("description_changed", r"(?P<actor>.+?) (?:mudou|alterou) a descrição do grupo"),
    # number and security code changes
    ("number_changed", rf"(?P<actor>.+?) changed to (?P<arg>{_NUM})"),
    ("number_changed", rf"(?P<actor>.+?) cambió (?:su número )?a (?P<arg>{_NUM})"),
    ("number_changed", rf"(?P<actor>.+?) mudou (?:seu número )?para (?P<arg>{_NUM})"),
    ("number_changed", r"(?P<actor>.+?) changed (?:their|his|her) phone number.*"),
    ("number_changed", r"(?P<actor>.+?) cambió su número de teléfono.*"),
    ("number_changed", r"(?P<actor>.+?) (?:mudou|alterou) (?:seu|o) número de telefone.*"),
    ("security_code_changed", r"Your security code with (?P<actor>.+?) changed.*"),
    ("security_code_changed", r"Tu código de seguridad con (?P<actor>.+?) cambió.*"),
    ("security_code_changed", rf"Cambió tu código de seguridad con (?P<actor>.+?){_TAP}"),
    ("security_code_changed", r"El código de seguridad de (?P<actor>.+?) cambió.*"),
    ("security_code_changed", r"(?:Seu|O seu) código de segurança com (?P<actor>.+?) mudou.*"),
    ("security_code_changed", r"O código de segurança de (?P<actor>.+?) mudou.*"),
    # members added
    ("invite_members", r"(?P<actor>You) were added"),
    ("invite_members", r"(?P<actor>.+?) added (?P<arg>.+)"),
    ("invite_members", r"(?P<actor>Te) (?:añadieron|agregaron)"),
    ("invite_members", r"(?P<actor>.+?) te (?:añadió|agregó)"),
    ("invite_members", r"(?P<actor>Añadiste|Agregaste) a (?P<arg>.+)"),
    ("invite_members", r"(?P<actor>.+?) (?:añadió|agregó) a (?P<arg>.+)"),
    ("invite_members", r"(?P<actor>Você) foi adicionad[oa]"),
    ("invite_members", r"(?P<actor>.+?) adicionou (?P<arg>.+)"),
    # joined by link
    ("joined", r"(?P<actor>.+?) joined using this (?:group|community)'s invite link"),
    ("joined", r"(?P<actor>Te) uniste(?: usando el enlace de invitación de este grupo)?"),
    ("joined", r"(?P<actor>.+?) se unió(?: usando el enlace de invitación de este grupo)?"),
    ("joined", r"(?P<actor>.+?) entrou(?: usando o link de convite deste grupo)?"),
    ("joined", r"(?P<actor>.+?) joined"),
    # left / removed
    ("left", r"(?P<actor>.+?) left"),
    ("left", r"(?P<actor>Saliste)(?: del grupo)?"),
    ("left", r"(?P<actor>.+?) (?:salió(?: del grupo)?|abandonó el grupo)"),
    ("left", r"(?P<actor>.+?) saiu(?: do grupo)?"),
    ("remove_members", r"(?P<actor>.+?) removed (?P<arg>.+)"),
    ("remove_members", r"(?P<actor>Eliminaste) a (?P<arg>.+)"),
    ("remove_members", r"(?P<actor>.+?) (?:eliminó|expulsó) a (?P<arg>.+)"),
    ("remove_members", r"(?P<actor>.+?) removeu (?P<arg>.+)"),
    ("disappearing_messages", r"(?P<actor>.+?) turned (?:on|off) disappearing messages.*"),
    ("disappearing_messages", r"(?P<actor>.+?) (?:activó|desactivó) los mensajes temporales.*"),
    ("disappearing_messages", r"(?P<actor>Activaste|Desactivaste) los mensajes temporales.*"),
    ("disappearing_messages", r"(?P<actor>.+?) (?:ativou|desativou) as mensagens temporárias.*"),
    ("disappearing_messages", r".*(?:disappearing messages|mensajes temporales"
                              r"|mensagens temporárias).*"),
)

_SYSTEM_MAX = 600
_SYSTEM = tuple((service, re.compile(pattern + r"\.?\s*\Z", re.S))
                for service, pattern in _SYSTEM_SOURCE)
_ENCRYPTION = re.compile(r"end-to-end encrypt|cifrad[oa]s? de extremo a extremo"
                         r"|criptografia de ponta a ponta")
# Lines with ": " in them that are still system lines: a subject with a colon in it.
_QUOTED_VERBS = re.compile(r" (?:changed the (?:subject|group name)|created group|cambió el"
                           r" (?:asunto|nombre)|creó el grupo|mudou o|alterou o|criou o grupo) ")


@dataclass(frozen=True, slots=True)
class SystemLine:
    service: str
    actor: str | None  # as shown, marks removed; None for the exporting user or nobody
    arg: str | None


def system_line(text: str) -> SystemLine | None:
    """What a header line without ``Name: `` says happened, or None if no phrase matches."""
    clean = strip_marks(text).strip()
    if len(clean) > _SYSTEM_MAX:  # no system line is that long; and the patterns stay cheap
        return None
    for service, pattern in _SYSTEM:
        m = pattern.match(clean)
        if m is None:
            continue
        groups = m.groupdict()
        actor = groups.get("actor") or groups.get("actor2")
        if actor is not None:
            actor = actor.strip()
            if actor in FIRST_PERSON or _is_first_person_verb(actor):
                actor = None
        return SystemLine(service, actor or None, groups.get("arg"))
    return None


def _is_first_person_verb(word: str) -> bool:
    # Spanish second-person forms captured as the actor ("Creaste", "Saliste", "Te").
    return word in {"Creaste", "Añadiste", "Agregaste", "Saliste", "Eliminaste", "Cambiaste",
                    "Activaste", "Desactivaste", "Te"}


def is_encryption_notice(text: str) -> bool:
    return _ENCRYPTION.search(text) is not None


def colon_system_line(name: str, rest: str) -> SystemLine | None:
    """A line that reads ``Name: text`` but is a system line with a colon inside a quoted
    subject (``Ana changed the subject to "Ventas: enero"``)."""
    if _QUOTED_VERBS.search(name) is None:
        return None
    return system_line(rest)


# --------------------------------------------------------------------------- deleted, edited

_DELETED_PHRASES = (
    "This message was deleted", "You deleted this message",
    "Se eliminó este mensaje", "Eliminaste este mensaje", "Este mensaje fue eliminado",
    "Mensagem apagada", "Você apagou esta mensagem", "Esta mensagem foi apagada",
    "Essa mensagem foi apagada",
)
# The whole text of a deleted message, as WhatsApp writes it (iOS adds a mark in front).
DELETED = frozenset(mark + p + dot for p in _DELETED_PHRASES for dot in ("", ".")
                    for mark in ("", "\u200e"))
EDIT_MARKERS = (
    "<This message was edited>", "<Se editó este mensaje.>", "<Se editó este mensaje>",
    "<Mensagem editada>", "<Esta mensagem foi editada>", "<Editado>", "<Edited>",
)


# --------------------------------------------------------------------------- media

_OMITTED_WHOLE = frozenset(s.casefold() for s in (
    "<Media omitted>", "<Multimedia omitido>", "<Medios omitidos>", "<Archivo omitido>",
    "<Mídia oculta>", "<Arquivo de mídia oculto>", "<Medien ausgeschlossen>",
))
# iOS "image omitted" / "imagen omitida" / "imagem ocultada": the word is the kind.
_OMITTED_KIND = re.compile(
    r"(?:(?P<doc>.+?) )?(?P<kind>image|video|audio|sticker|GIF|document|Contact card|"
    r"imagen|vídeo|documento|tarjeta de contacto|imagem|áudio|figurinha|cartão de contato)"
    r" (?:omitted|omitid[oa]|ocultad[oa])", re.I)
_ATTACHED = (
    re.compile(r"<\s*(?:attached|adjunto|anexado|anexo)\s*:\s*(?P<name>[^<>]+?)\s*>"),
    re.compile(r"(?P<name>.+?) \((?:file attached|archivo adjunto|arquivo anexado"
               r"|Datei angehängt)\)"),
    re.compile(r"(?P<name>\S+) <\s*(?:attached|adjunto|anexado)\s*>"),
)
_ATTACHMENT_MAX = 1000
_IOS_KIND = re.compile(r"-(PHOTO|VIDEO|AUDIO|STICKER|GIF|DOCUMENT|CONTACT)-")
_ANDROID_KIND = {"IMG": "image", "VID": "video", "AUD": "audio", "PTT": "voice_message",
                 "STK": "sticker", "DOC": "document"}


def attachment_of(first_line: str, members: Mapping[str, str]) -> Attachment | None:
    """The attachment a message's first line names or says was left out, or None.

    ``members`` maps file names (and paths) of the export's other files to their paths; a
    named file found there is linked by its path inside the export."""
    clean = strip_marks(first_line).strip()
    if not clean or len(clean) > _ATTACHMENT_MAX:
        return None
    if clean[0] == "<" and clean.casefold() in _OMITTED_WHOLE:
        return Attachment(name=None, omitted=True)
    if clean.endswith(("omitted", "omitida", "omitido", "ocultada", "ocultado")):
        m = _OMITTED_KIND.fullmatch(clean)
        if m is not None and (m.group("doc") is None
                              or m.group("kind").casefold() in ("document", "documento")):
            return Attachment(name=None, kind=m.group("kind"), omitted=True)
        return None
    if "<" not in clean and "(" not in clean:
        return None
    for pattern in _ATTACHED:
        m = pattern.fullmatch(clean)
        if m is not None:
            shown = m.group("name").strip()
            return Attachment(name=_link(shown, members), kind=_kind_of(shown))
    return None


def _link(shown: str, members: Mapping[str, str]) -> str:
    """The export's path of the file a line names (``members`` also holds the NFC form of
    every name), else the name as shown."""
    found = members.get(shown) or members.get(shown.rsplit("/", 1)[-1])
    if found is None and not shown.isascii():
        nfc = unicodedata.normalize("NFC", shown)
        found = members.get(nfc) or members.get(nfc.rsplit("/", 1)[-1])
    return found or shown


def _kind_of(name: str) -> str | None:
    m = _IOS_KIND.search(name)
    if m is not None:
        return m.group(1).lower()
    return _ANDROID_KIND.get(name[:3]) if name[3:4] == "-" else None
