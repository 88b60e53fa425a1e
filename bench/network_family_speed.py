"""Throughput of the network family on generated chat-like Spanish/English text.

``python bench/network_family_speed.py [MB] [selector share]`` prints MB/s (single core, CPU
time, best of five, scan only: the engine prepares the text once for all families). Not a test:
tests check correctness, the benchmarks measure speed.
"""

from __future__ import annotations

import random
import sys
import time

from sabueso.extract.base import Context, prepare
from sabueso.extract.network import FAMILY

NAMES = ["Juan Pérez", "María", "El Primo", "+502 5512 3456", "Chepe 🔌", "Ana López", "Kevin",
         "Doña Rosa 🌹", "Tío Beto", "Carlos (trabajo)"]
_WORD_TEXT = (
    "que de no a la el y en lo se por un para con una su al es como más pero sus le ya o este "
    "sí porque esta entre cuando muy sin sobre también me hasta hay donde quien desde todo nos "
    "durante todos uno les ni contra otros ese eso ante ellos esto mí antes algunos qué unos yo "
    "otro otras otra él tanto esa estos mucho quienes nada muchos cual poco ella estar estas "
    "algo nosotros mi mis tú te ti tu tus bro mano vos pues dale listo va chilero cabal jaja "
    "ok gracias hola buenas mañana tarde noche hoy ayer carro casa plata pisto feria chamba "
    "the and you that was for are with his they this have from one had word but not what all "
    "were when your can said there use each which she how their will other about out many "
    "then them these some her would make like him into time has look two more write see way "
    "could people than first water been call who its now find long down day did get come")
WORDS = _WORD_TEXT.split()
DISTRACTORS = [
    "nos vemos a las 10.30", "te lo dejo en Q1,500 o Q1.500 si pagas hoy", "listo.ya voy",
    "Sr.Pérez dijo que a las 5 p.m. en el parque", "IMG-20240101-WA0001.jpg (archivo adjunto)",
    "👍👍", "etc. etc.", "at 5 we meet at the mall", "son 3.5 kg", "PTT-20240101-WA0002.opus",
    "Los mensajes y las llamadas están cifrados de extremo a extremo.", "<Multimedia omitido>",
    "a las 7:45 p. m. frente al banco", "v2.3.1 de la app", "jaja :D :D", "hola.como estas",
    "Dr.House", "EE.UU.", "S.A. de C.V.", "Se eliminó este mensaje.", "ok...", "¿¡qué!?",
]


def _selector(rng: random.Random) -> str:
    w = rng.choice

    def user() -> str:
        return w(WORDS) + w(["", "_", "."]) + w(WORDS) + str(rng.randint(0, 99))

    def host() -> str:
        return (w(["", "www.", "shop.", "m."]) + w(WORDS) + "-" + w(WORDS)
                + w([".com", ".com.gt", ".net", ".org", ".hn", ".xyz", ".online", ".com.do"]))

    return w([
        lambda: f"mirá https://www.instagram.com/{user()}/ y decime",
        lambda: f"entrá a t.me/{w(WORDS)}_{w(WORDS)}{rng.randint(10, 99)} ya",
        lambda: f"escribime a wa.me/5025{rng.randint(1000000, 9999999)}",
        lambda: f"mi correo es {user()}@{w(['gmail.com', 'hotmail.com', 'proton.me'])}",
        lambda: f"visita {host()}", lambda: f"el link: https://bit.ly/{user()}).",
        lambda: f"ip 190.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        lambda: f"{host()}/catalogo/{rng.randint(1, 999)}", lambda: f"{user()}[at]proton[dot]me",
        lambda: f"https://www.facebook.com/profile.php?id=1000{rng.randint(10**10, 10**11)}",
        lambda: f"[aquí](https://docs.google.com/forms/d/e/{user()}/viewform?usp=sf_link)",
        lambda: f"https://www.tiktok.com/@{user()}/video/73{rng.randint(10**16, 10**17)}",
        lambda: f"2001:db8::{rng.randint(1, 9999):x}",
    ])()


def chat(size: int, share: float, seed: int = 7) -> str:
    """About ``size`` bytes of WhatsApp-export lines; ``share`` of them carry a selector and
    15 % a distractor (decimals, abbreviations, file names, glued sentences, times)."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        r = rng.random()
        extra = (_selector(rng) if r < share else rng.choice(DISTRACTORS) if r < share + .15
                 else "")
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 14)))
        line = (f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/24, {rng.randint(0, 23)}:"
                f"{rng.randint(0, 59):02d} - {rng.choice(NAMES)}: {words} {extra}\n")
        parts.append(line)
        total += len(line.encode())
    return "".join(parts)


def throughput(size: int, share: float, repeat: int = 5) -> float:
    """MB/s of ``FAMILY.scan`` over 1 MiB blocks, best of ``repeat`` runs, CPU time."""
    text = chat(size, share)
    blocks = [prepare(text[i:i + (1 << 20)]) for i in range(0, len(text), 1 << 20)]
    ctx = Context()
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for block in blocks:
            FAMILY.scan(block, ctx)
        best = min(best, time.process_time() - start)
    return len(text.encode()) / 1e6 / max(best, 1e-9)


if __name__ == "__main__":
    mb = float(sys.argv[1]) if len(sys.argv) > 1 else 8
    for share in ([float(sys.argv[2])] if len(sys.argv) > 2 else [0.0, 0.03, 0.1]):
        print(f"{mb:.0f} MB, selectors in {share:.0%} of lines: "
              f"{throughput(int(mb * 1e6), share):.1f} MB/s")
