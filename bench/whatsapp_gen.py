"""Deterministic synthetic WhatsApp "Export chat" text, for the parser's tests and benchmark.

Usage::

    .venv/bin/python bench/whatsapp_gen.py OUT.txt [--messages 1000000] [--seed 7]
        [--layout android|ios] [--locale es|en|pt] [--clock 12|24] [--order dmy|mdy|ymd]

``write_export`` is the writer: it writes given messages in one header style (layout, locale,
12/24-hour clock, date order, year digits, date separator, the space before AM/PM) exactly as
WhatsApp does, including its invisible characters (U+202F before ``p. m.``, U+00A0 inside it,
U+202A/U+202C around phone-number senders, U+200E before iOS attachment lines).
``generate`` invents a chat (seeded ``random.Random``; same arguments, same bytes) and writes
it line by line, so a 1,000,000-message file needs no more memory than one message. Names and
numbers are invented.

Mix per 100 messages, roughly: 85 plain texts (accents, emoji, links, numbers), 6 multi-line,
4 media (omitted or attached, by locale and layout), 1 deleted, 1 edited, 1 system line.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class Style:
    layout: str = "android"  # "d/m/yy, h:mm - Name: text"; "ios": "[d/m/yy, h:mm:ss] Name: text"
    locale: str = "es"  # es, en, pt: the words of AM/PM, media and system lines
    clock: int = 12
    order: str = "dmy"  # dmy, mdy, ymd
    year_digits: int = 2
    date_sep: str = "/"
    ampm_space: str = "\u202f"  # before AM/PM: U+202F (since 2023), " " before

    @property
    def seconds(self) -> bool:
        return self.layout == "ios"

    @property
    def padded(self) -> bool:
        return self.layout == "ios" or self.locale == "pt" or self.order == "ymd"


@dataclass(frozen=True, slots=True)
class WaMessage:
    """One message to write: ``sender`` None for a system line; ``marks`` wraps a phone-number
    sender in U+202A ... U+202C as Android does."""

    sender: str | None
    sent_at: datetime  # UTC
    text: str
    marks: bool = False


_AMPM = {"es": ("a.\u00a0m.", "p.\u00a0m."), "en": ("AM", "PM"), "pt": ("AM", "PM")}


def header(local: datetime, style: Style) -> str:
    """The date-and-time text of a header, as ``style`` writes ``local`` (a wall time)."""
    y = local.year if style.year_digits == 4 else local.year % 100
    ys = f"{y:04d}" if style.year_digits == 4 else f"{y:02d}"
    if style.padded:
        d, m = f"{local.day:02d}", f"{local.month:02d}"
    else:
        d, m = str(local.day), str(local.month)
    fields = {"d": d, "m": m, "y": ys}
    date = style.date_sep.join(fields[c] for c in style.order)
    if style.clock == 12:
        h12 = local.hour % 12 or 12
        time = f"{h12}:{local.minute:02d}"
        if style.seconds:
            time += f":{local.second:02d}"
        time += style.ampm_space + _AMPM[style.locale][local.hour >= 12]
    else:
        time = f"{local.hour:02d}:{local.minute:02d}"
        if style.seconds:
            time += f":{local.second:02d}"
    return f"{date}, {time}"


def write_export(messages: Iterable[WaMessage], style: Style, zone: str) -> Iterator[str]:
    """The export's text, one message (one or more lines, each ending in a newline) at a time."""
    zi = ZoneInfo(zone)
    ios = style.layout == "ios"
    for msg in messages:
        stamp = header(msg.sent_at.astimezone(zi).replace(tzinfo=None), style)
        who = msg.sender
        if who is not None and msg.marks:
            who = f"\u202a{who}\u202c"
        rest = msg.text if who is None else f"{who}: {msg.text}"
        if ios:
            lead = "\u200e" if who is None else ""
            yield f"{lead}[{stamp}] {rest}\n"
        else:
            yield f"{stamp} - {rest}\n"


# --------------------------------------------------------------------------- invented chat

NAMES = ["Ana López", "Beto Chávez", "Carla Núñez", "Darío Méndez", "Elena Ortiz 🌸",
         "Fer", "Gaby Ramírez", "Héctor Juárez", "Iris Peña", "Julio César Ávila"]
PHONES = ["+502 5512 3456", "+503 7012 3344", "+504 9876 5432", "+505 8123 4567",
          "+506 8312 7788", "+507 6123 4567", "+1 809 555 0147", "+52 55 1234 5678"]
WORDS = ["hola", "qué", "tal", "mañana", "llegó", "el", "paquete", "bien", "gracias", "dónde",
         "estás", "ya", "voy", "pasame", "la", "ubicación", "cuánto", "es", "son", "300",
         "quetzales", "te", "deposito", "hoy", "ok", "dale", "perfecto", "nos", "vemos", "en",
         "la", "esquina", "a", "las", "8", "mejor", "después", "no", "hay", "problema",
         "avisame", "cuando", "llegues", "traé", "lo", "de", "siempre", "está", "bueno",
         "confirmá", "por", "favor", "el", "número", "nuevo"]
EMOJI = ["😀", "👍", "🔥", "💰", "📦", "🙏", "😂", "✅", "🚗", "❤️", "👨‍👩‍👧"]
TAILS = ["https://maps.app.goo.gl/Ab12Cd34Ef", "wa.me/50255123456", "ana.lopez@example.com",
         "5512-3456", "GT82TRAJ01020000001210029690"]

_WORDS = {
    "es": {"omitted": "<Multimedia omitido>", "attached": "(archivo adjunto)",
           "ios_attached": "adjunto", "deleted": "Se eliminó este mensaje.",
           "edited": "<Se editó este mensaje.>",
           "e2e": "Los mensajes y las llamadas están cifrados de extremo a extremo. Nadie fuera "
                  "de este chat, ni siquiera WhatsApp, puede leerlos ni escucharlos.",
           "join": "{} se unió usando el enlace de invitación de este grupo",
           "left": "{} salió"},
    "en": {"omitted": "<Media omitted>", "attached": "(file attached)",
           "ios_attached": "attached", "deleted": "This message was deleted",
           "edited": "<This message was edited>",
           "e2e": "Messages and calls are end-to-end encrypted. No one outside of this chat, "
                  "not even WhatsApp, can read or listen to them.",
           "join": "{} joined using this group's invite link", "left": "{} left"},
    "pt": {"omitted": "<Arquivo de mídia oculto>", "attached": "(arquivo anexado)",
           "ios_attached": "anexado", "deleted": "Mensagem apagada",
           "edited": "<Mensagem editada>",
           "e2e": "As mensagens e as chamadas são protegidas com a criptografia de ponta a "
                  "ponta e ficam somente entre você e os participantes desta conversa.",
           "join": "{} entrou usando o link de convite deste grupo", "left": "{} saiu"},
}


def _sentence(rnd: random.Random) -> str:
    words = rnd.choices(WORDS, k=rnd.randint(2, 14))
    r = rnd.random()
    if r < 0.25:
        words.append(rnd.choice(EMOJI))
    elif r < 0.32:
        words.append(rnd.choice(TAILS))
    text = " ".join(words)
    return text[0].upper() + text[1:]


def messages(n: int, seed: int = 7, style: Style | None = None) -> Iterator[WaMessage]:
    """``n`` invented messages, the first an encryption notice, in time order."""
    style = style or Style()
    words = _WORDS[style.locale]
    rnd = random.Random(seed)
    t = datetime(2024, 1, 3, 14, 5, 0, tzinfo=UTC)
    people = NAMES + PHONES
    weights = [8, 7, 6, 5, 5, 4, 3, 3, 2, 2, 3, 2, 2, 1, 1, 1, 1, 1]
    serial = 0
    for i in range(n):
        t += timedelta(seconds=int(rnd.expovariate(1 / 240)) + 1)
        if i == 0:
            yield WaMessage(None, t, words["e2e"])
            continue
        who = rnd.choices(people, weights)[0]
        marks = who.startswith("+")
        r = rnd.random()
        if r < 0.85:
            text = _sentence(rnd)
        elif r < 0.91:
            text = "\n".join(_sentence(rnd) for _ in range(rnd.randint(2, 4)))
        elif r < 0.95:
            serial += 1
            day = t.strftime("%Y%m%d")
            if rnd.random() < 0.5:
                text = words["omitted"]
            elif style.layout == "ios":
                stamp = t.strftime("%Y-%m-%d-%H-%M-%S")
                text = f"\u200e<{words['ios_attached']}: {serial:08d}-PHOTO-{stamp}.jpg>"
            else:
                text = f"IMG-{day}-WA{serial % 10000:04d}.jpg {words['attached']}"
        elif r < 0.96:
            text = words["deleted"]
        elif r < 0.97:
            text = _sentence(rnd) + " " + words["edited"]
        elif r < 0.98:
            yield WaMessage(None, t, words[rnd.choice(["join", "left"])].format(
                rnd.choice(PHONES)))
            continue
        else:
            text = _sentence(rnd) + " " + rnd.choice(EMOJI) * rnd.randint(1, 3)
        yield WaMessage(who, t, text, marks)


def generate(path: Path, n: int, seed: int = 7, style: Style | None = None,
             zone: str = "America/Guatemala") -> int:
    """Write an invented export of ``n`` messages to ``path``; returns its size in bytes."""
    style = style or Style()
    with path.open("w", encoding="utf-8", newline="") as out:
        buf: list[str] = []
        for piece in write_export(messages(n, seed, style), style, zone):
            buf.append(piece)
            if len(buf) >= 4096:
                out.write("".join(buf))
                buf.clear()
        out.write("".join(buf))
    return path.stat().st_size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--layout", choices=["android", "ios"], default="android")
    ap.add_argument("--locale", choices=["es", "en", "pt"], default="es")
    ap.add_argument("--clock", type=int, choices=[12, 24], default=12)
    ap.add_argument("--order", choices=["dmy", "mdy", "ymd"], default="dmy")
    ap.add_argument("--zone", default="America/Guatemala")
    a = ap.parse_args()
    style = Style(a.layout, a.locale, a.clock, a.order, 4 if a.order == "ymd" else 2)
    size = generate(a.out, a.messages, a.seed, style, a.zone)
    print(f"{a.out}: {a.messages} messages, {size} bytes")


if __name__ == "__main__":
    main()
