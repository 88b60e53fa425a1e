"""Deterministic synthetic Telegram Desktop ``result.json`` for the parser benchmark.

Usage::

    .venv/bin/python bench/telegram_gen.py OUT.json [--messages 1000000] [--seed 7]
                                                    [--shape single|account]

The file is written as Telegram Desktop writes it (one-space indentation, non-ASCII
unescaped, ``date`` local and ``date_unixtime`` UTC, ``text`` as a string or as a list of
entity objects, ``text_entities`` always), streamed message by message so that generating a
1,000,000-message file needs no more memory than one message. Everything is invented: names,
numbers and handles are drawn from small fixed lists with a seeded ``random.Random``; the same
(seed, messages, shape) gives the same bytes.

Mix per 100 messages, roughly: 70 plain texts, 12 entity lists (bold, links, phone, mention,
hashtag), 5 service actions, 5 replies, 4 forwarded, 4 photos or files (half "not
included"), 2 edited, and one shared contact or poll.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

USERS = [
    ("user5021001", "Ana López"), ("user5021002", "Beto Chávez"), ("user5021003", "Carla Núñez"),
    ("user5021004", "Don Óscar"), ("user5021005", "Eva 🌵"), ("user5021006", "Félix Peña"),
    ("user5021007", "Gaby"), ("user5021008", "Héctor Ruiz"),
]
CHANNELS = [("channel9001", "Ofertas Zona 1"), ("channel9002", "Noticias 🇬🇹")]
WORDS = (
    "hola", "buenas", "tardes", "cuánto", "cuesta", "el", "paquete", "mañana", "temprano", "en",
    "la", "esquina", "del", "parque", "mandame", "ubicación", "ya", "voy", "llegando", "precio",
    "especial", "envío", "gratis", "efectivo", "transferencia", "confirmá", "recibido",
    "gracias", "👍", "🔥", "ok", "listo",
)
TZ_OFFSET = -6 * 3600  # the exporting computer's clock: America/Guatemala
START = 1_700_000_000
ACTIONS = ("create_group", "invite_members", "pin_message", "phone_call", "remove_members",
           "join_group_by_link", "edit_group_title")


def _local(unix: int) -> str:
    import datetime as dt

    moment = dt.datetime.fromtimestamp(unix + TZ_OFFSET, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _sentence(rng: random.Random, lo: int = 2, hi: int = 14) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi)))


def _phone(rng: random.Random) -> str:
    return f"+502 {rng.randint(3000, 5999)} {rng.randint(1000, 9999)}"


def _entities(rng: random.Random) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = [{"type": "plain", "text": _sentence(rng, 1, 5) + " "}]
    kind = rng.randrange(5)
    if kind == 0:
        parts.append({"type": "bold", "text": "PRECIO"})
    elif kind == 1:
        parts.append({"type": "link", "text": f"https://t.me/oferta{rng.randint(1, 99)}"})
    elif kind == 2:
        parts.append({"type": "phone", "text": _phone(rng)})
    elif kind == 3:
        parts.append({"type": "mention", "text": f"@vendedor{rng.randint(1, 50)}"})
    else:
        parts.append({"type": "text_link", "text": "aquí",
                      "href": f"https://example.org/p/{rng.randint(1, 999)}"})
    parts.append({"type": "plain", "text": " " + _sentence(rng, 1, 4)})
    return parts


def _message(rng: random.Random, msg_id: int, unix: int) -> dict[str, Any]:
    roll = rng.randrange(100)
    base: dict[str, Any] = {"id": msg_id}
    if roll < 5:
        actor_id, actor = rng.choice(USERS)
        action = rng.choice(ACTIONS)
        base.update({"type": "service", "date": _local(unix), "date_unixtime": str(unix),
                     "actor": actor, "actor_id": actor_id, "action": action})
        if action == "invite_members":
            base["members"] = [rng.choice(USERS)[1] for _ in range(rng.randint(1, 3))]
        elif action == "pin_message":
            base["message_id"] = max(1, msg_id - rng.randint(1, 50))
        elif action == "phone_call":
            base["duration_seconds"] = rng.randint(1, 600)
            base["discard_reason"] = "hangup"
        base["text"] = ""
        base["text_entities"] = []
        return base
    sender_id, sender = rng.choice(CHANNELS) if rng.randrange(20) == 0 else rng.choice(USERS)
    base.update({"type": "message", "date": _local(unix), "date_unixtime": str(unix),
                 "from": sender, "from_id": sender_id})
    if 5 <= roll < 9:
        base["forwarded_from"] = rng.choice(USERS + CHANNELS)[1]
    if 9 <= roll < 14 and msg_id > 1:
        base["reply_to_message_id"] = max(1, msg_id - rng.randint(1, 30))
    if 14 <= roll < 16:
        edited = unix + rng.randint(5, 900)
        base["edited"] = _local(edited)
        base["edited_unixtime"] = str(edited)
    if 16 <= roll < 18:
        base["photo"] = (f"photos/photo_{msg_id}@{_local(unix)}.jpg" if roll == 16 else
                         "(File not included. Change data exporting settings to download.)")
        base["width"], base["height"] = 1280, 960
    elif 18 <= roll < 20:
        base["file"] = (f"voice_messages/audio_{msg_id}.ogg" if roll == 18 else
                        "(File not included. Change data exporting settings to download.)")
        base["media_type"] = "voice_message"
        base["mime_type"] = "audio/ogg"
        base["duration_seconds"] = rng.randint(1, 90)
    if roll == 20:
        first, last = rng.choice(USERS)[1].partition(" ")[::2]
        base["contact_information"] = {"first_name": first, "last_name": last,
                                       "phone_number": _phone(rng)}
    elif roll == 21:
        base["poll"] = {"question": "¿Cuándo?", "closed": False, "total_voters": 2,
                        "answers": [{"text": "hoy", "voters": 1, "chosen": False},
                                    {"text": "mañana", "voters": 1, "chosen": True}]}
    if 22 <= roll < 34:
        parts = _entities(rng)
        base["text"] = [p["text"] if p["type"] == "plain" else p for p in parts]
        base["text_entities"] = parts
    else:
        text = _sentence(rng) if roll >= 16 or rng.randrange(4) else ""
        base["text"] = text
        base["text_entities"] = [{"type": "plain", "text": text}] if text else []
    return base


def messages(count: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """``count`` invented messages in time order, the same for the same seed."""
    rng = random.Random(seed)
    unix = START
    for msg_id in range(1, count + 1):
        unix += rng.randint(1, 400)
        yield _message(rng, msg_id, unix)


def _block(obj: Any, depth: int) -> str:
    text = json.dumps(obj, ensure_ascii=False, indent=1)
    pad = " " * depth
    return "\n".join(pad + line if i else line for i, line in enumerate(text.split("\n")))


def write(path: Path, count: int, *, seed: int = 7, shape: str = "single",
          chats: int = 3) -> Path:
    """Write ``count`` messages as a single-chat export (``shape="single"``) or as a
    whole-account export with the messages spread over ``chats`` chats."""
    with path.open("w", encoding="utf-8", newline="\n") as out:
        if shape == "single":
            out.write('{\n "name": "Grupo Ventas",\n "type": "private_supergroup",\n'
                      ' "id": 1777000001,\n "messages": [')
            for i, msg in enumerate(messages(count, seed)):
                out.write(("," if i else "") + "\n  " + _block(msg, 2))
            out.write("\n ]\n}\n")
            return path
        out.write('{\n "about": "Here is the data you requested.",\n'
                  ' "personal_information": ' + _block(
                      {"user_id": 5021001, "first_name": "Ana", "last_name": "López",
                       "phone_number": "+502 5555 0101", "username": "@ana", "bio": ""}, 1)
                  + ',\n "contacts": {\n  "about": "Contacts.",\n  "list": [\n   ' +
                  _block({"user_id": 5021002, "first_name": "Beto", "last_name": "Chávez",
                          "phone_number": "+50255550102", "date": "2023-01-01T10:00:00",
                          "date_unixtime": "1672588800"}, 3) +
                  '\n  ]\n },\n "chats": {\n  "about": "Chats.",\n  "list": [')
        per_chat = -(-count // max(chats, 1))
        stream = messages(count, seed)
        written = 0
        for c in range(chats):
            out.write(("," if c else "") + f'\n   {{\n    "name": "Chat {c + 1}",\n'
                      f'    "type": "private_group",\n    "id": {1777000100 + c},\n'
                      '    "messages": [')
            n = min(per_chat, count - written)
            for i in range(n):
                out.write(("," if i else "") + "\n     " + _block(next(stream), 5))
            written += n
            out.write("\n    ]\n   }")
        out.write('\n  ]\n },\n "left_chats": {\n  "about": "Left.",\n  "list": []\n }\n}\n')
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shape", choices=("single", "account"), default="single")
    args = parser.parse_args()
    write(args.out, args.messages, seed=args.seed, shape=args.shape)


if __name__ == "__main__":
    main()
