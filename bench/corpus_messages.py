"""Messages of the synthetic corpus: sentence templates with ``{slot}`` markers and their filling.

Slots are filled with labelled fragments (``corpus_values``, ``corpus_links``) or distractors
(``corpus_words``); :func:`message` writes one chat message (filler, a sentence carrying
selectors, drug-trade talk or a distractor).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

try:
    from bench import corpus_links as cl
    from bench import corpus_values as cv
    from bench import corpus_words as cw
except ImportError:  # run from bench/ as a script
    import corpus_links as cl  # type: ignore[no-redef]
    import corpus_values as cv  # type: ignore[no-redef]
    import corpus_words as cw  # type: ignore[no-redef]

if TYPE_CHECKING:
    from corpus_gen import Doc, Gen
else:
    Doc = Gen = Any

Slot = Callable[[Any, str], "cv.Frag | str"]

# ---------------------------------------------------------------------------------------------
# Templates: (template, weight). Slots: phone tel email url domain profile nonprofile wa ipv4
# ipv6 ipurl wallet btc eth trx ltc doge xmr imei imsi d e q p name noise fbid

SEL_ES: list[tuple[str, int]] = [
    ("mi número es {phone}", 4), ("escribime al {phone}", 4), ("WhatsApp {phone}", 4),
    ("whats: {phone}", 2), ("cel: {phone}", 3), ("llamá al {phone} y preguntá por {name}", 2),
    ("📲 {phone}", 2), ("Tel. {phone} / {phone}", 2), ("este es mi nuevo número {phone}", 2),
    ("el del repartidor es {phone}", 2), ("{phone}", 4), ("contacto:{phone}", 1), ("({phone})", 1),
    ("marcame al {phone}, no al {phone}", 1), ("guardá este número {phone}", 2),
    ("mi cel nuevo: {phone} (el otro lo perdí)", 1), ("llamar al {tel}", 1),
    ("Tel/WhatsApp: {phone}.", 2), ("el número de {name} es {phone}?", 2),
    ("te paso el contacto de {name}: {phone}", 2), ("📞{phone}", 1), ("wasap {phone} solo mensajes",
                                                                     1),
    ("número de {name}: {phone}, horario de 8 a 5", 1), ("cambié de número, ahora es el {phone}",
                                                         2),
    ("mi correo es {email}", 3), ("mandalo a {email}", 2), ("correo: {email}", 2),
    ("escribir a {email} con copia a {email}", 1), ("el comprobante mandalo al correo {email}.", 2),
    ("({email})", 1), ("mi gmail es {email}", 1), ("correo:{email}", 1),
    ("contacto {email} o {phone}", 2),
    ("mirá {url}", 3), ("entrá a {url}", 3), ("link: {url}", 2), ("acá está el catálogo {url}", 2),
    ("[catálogo]({url})", 1), ("(ver {url})", 1), ("<{url}>", 1), ("{url}", 3), ("👉{url}", 1),
    ("{url} 👈", 1), ("link:{url}", 1), ("“{url}”", 1), ("descargá la app en {url}.", 1),
    ("ya viste esto? {url}", 2), ("la noticia: {url}", 1), ("el archivo está en {url}, clave 1234",
                                                            1),
    ("pagá aquí {url}", 1), ("«{url}»", 1), ("subí las fotos a {url}!!", 1),
    ("entrá a {domain}", 2), ("la página es {domain}", 2), ("buscalo en {domain}", 1),
    ("compré en {domain} y nunca llegó", 1), ("sígueme en {profile}", 3),
    ("esta es la cuenta {profile}", 2),
    ("mirá el perfil {profile}", 2), ("{profile}", 2), ("la cuenta del vendedor: {profile}", 1),
    ("el que me estafó es este {profile}", 2), ("canal: {profile}", 1), ("perfil falso {profile}",
                                                                         1),
    ("el perfil de ella {fbid}", 1),
    ("mirá esta publicación {nonprofile}", 2), ("únete al grupo {nonprofile}", 2), ("{nonprofile}",
                                                                                    1),
    ("escribinos {wa}", 2), ("pedidos 👉 {wa}", 2), ("{wa}", 1), ("click aquí para pedir: {wa}", 1),
    ("la IP es {ipv4}", 1), ("entró desde {ipv4}", 1), ("conectado desde {ipv6}", 1),
    ("el login vino de {ipv4}, luego de {ipv4}", 1), ("panel en {ipurl}", 1),
    ("mandá a esta wallet {wallet}", 2), ("USDT TRC20: {trx}", 3), ("BTC: {btc}", 2),
    ("pago en cripto {wallet}", 1), ("ETH/USDT ERC20 {eth}", 1), ("XMR {xmr}", 1),
    ("depositá a {wallet} y mandá captura", 2), ("mi billetera {wallet}", 1),
    ("dirección {trx} (red TRON)", 1), ("LTC {ltc}", 1), ("DOGE: {doge}", 1), ("{wallet}", 1),
    ("IMEI {imei}", 2), ("el IMEI es {imei}", 2), ("reportado robado, IMEI {imei}", 1),
    ("imei:{imei}", 1),
]
SEL_EN: list[tuple[str, int]] = [
    ("my number is {phone}", 3), ("text me at {phone}", 3), ("call/text {phone}", 2), ("{phone}",
                                                                                       3),
    ("hmu {phone}", 2), ("new number {phone}, save it", 2), ("cell: {phone}", 2), ("(call {phone})",
                                                                                   1),
    ("email me at {email}", 3), ("contact: {email}", 2), ("send it to {email}.", 2), ("<{email}>",
                                                                                      1),
    ("check this {url}", 3), ("link: {url}", 2), ("{url}", 3), ("see {url}.", 2), ("[menu]({url})",
                                                                                   1),
    ("go to {domain}", 2), ("ordered from {domain}", 1), ("follow me {profile}", 3), ("{profile}",
                                                                                      2),
    ("that's the scammer {profile}", 2), ("join {nonprofile}", 2),
    ("look at this post {nonprofile}", 1),
    ("order here {wa}", 1), ("logged in from {ipv4}", 1), ("IP {ipv4}", 1), ("v6 {ipv6}", 1),
    ("BTC only: {btc}", 2), ("send USDT (TRC20) to {trx}", 2), ("ETH {eth}", 1), ("XMR: {xmr}", 1),
    ("pay to {wallet}", 2), ("LTC {ltc}", 1), ("IMEI {imei}", 1), ("IMEI: {imei} (blacklisted)", 1),
]
FILLER_WITH_NOISE_ES = ["{noise}", "el pago fue {p}", "te debo {p}", "nos vemos {noise}",
                        "{noise} ok", "anotá {noise}", "ya te mandé {p}", "quedamos en {p}"]
FILLER_WITH_NOISE_EN = ["{noise}", "it's {p}", "paid {p}", "{noise} ok", "owe you {p}"]


def _frag_or_text(x: cv.Frag | str) -> cv.Frag:
    return x if isinstance(x, cv.Frag) else cv.Frag(x)


def _tel(g: Gen, lang: str) -> cv.Frag:
    f = cv.phone(g.rng, g.phones, g.region)
    # tel: URIs carry the international form
    lab = f.labels[0]
    raw = lab.value if g.rng.random() < .8 else lab.value[:-8] + "-" + lab.value[-8:]
    return cv.Frag("tel:" + raw).add("phone", lab.value, 4, 4 + len(raw), **lab.extra)


def _bare_domain(g: Gen, lang: str) -> cv.Frag:
    rng = g.rng
    h, reg = cl.host(rng)
    shown = h if rng.random() < .85 else h.capitalize()  # autocapitalised at a sentence start
    if shown.lower().startswith("www."):
        return cl._url_frag(shown, reg, optional=True)
    if rng.random() < .1:
        shown = shown.replace(".", "[.]", 1)
    return cv.whole(shown, "domain", reg)


SLOTS: dict[str, Slot] = {
    "phone": lambda g, lang: cv.phone(g.rng, g.phones, g.region),
    "tel": _tel,
    "email": lambda g, lang: cl.email(g.rng),
    "url": lambda g, lang: cl.web_url(g.rng) if g.rng.random() < .85 else cl.ip_url(g.rng),
    "domain": _bare_domain,
    "profile": lambda g, lang: cl.profile_link(g.rng),
    "fbid": lambda g, lang: cl.facebook_numeric_profile(g.rng),
    "nonprofile": lambda g, lang: cl.non_profile_link(g.rng),
    "wa": lambda g, lang: cl.wa_link(g.rng, g.phones, g.region),
    "ipv4": lambda g, lang: cv.ipv4(g.rng),
    "ipv6": lambda g, lang: cv.ipv6(g.rng),
    "ipurl": lambda g, lang: cl.ip_url(g.rng),
    "wallet": lambda g, lang: cv.wallet(g.rng, g.wallets),
    "btc": lambda g, lang: cv.wallet(g.rng, g.wallets, "btc"),
    "eth": lambda g, lang: cv.wallet(g.rng, g.wallets, "eth"),
    "trx": lambda g, lang: cv.wallet(g.rng, g.wallets, "trx"),
    "ltc": lambda g, lang: cv.wallet(g.rng, g.wallets, "ltc"),
    "doge": lambda g, lang: cv.wallet(g.rng, g.wallets, "doge"),
    "xmr": lambda g, lang: cv.wallet(g.rng, g.wallets, "xmr"),
    "imei": lambda g, lang: cv.imei(g.rng),
    "imsi": lambda g, lang: cv.imsi(g.rng, g.region),
    "d": lambda g, lang: cw.drug(g.rng, lang),
    "e": lambda g, lang: cw.drug_emoji(g.rng) or "",
    "q": lambda g, lang: cw.quantity(g.rng, lang),
    "p": lambda g, lang: cv.noise(cw.amount_text(g.rng, g.region if lang == "es" else "US"),
                                  "amount"),
    "name": lambda g, lang: g.rng.choice(cw.NAMES_ES if lang == "es" else cw.NAMES_EN),
    "noise": lambda g, lang: cw.distractor(g.rng, g.region, lang, g.wallets),
}
_SLOT_RE = re.compile(r"\{(\w+)\}")


def fill(g: Gen, doc: Doc, template: str, lang: str) -> None:
    """Append ``template`` with its slots filled."""
    at = 0
    for m in _SLOT_RE.finditer(template):
        if m.start() > at:
            doc.t(template[at:m.start()])
        doc.f(_frag_or_text(SLOTS[m.group(1)](g, lang)))
        at = m.end()
    if at < len(template):
        doc.t(template[at:])


def pick(rng: random.Random, items: list[tuple[str, int]]) -> str:
    return rng.choices([t for t, _ in items], weights=[w for _, w in items])[0]


def filler(g: Gen, lang: str) -> str:
    rng: random.Random = g.rng
    words: list[str]
    if lang == "en":
        words = cw.FILLER_EN if rng.random() < .8 else cw.FILLER_REGION["US"]
    elif rng.random() < .3:
        words = cw.FILLER_REGION.get(g.region, cw.FILLER_REGION["GT"])
    else:
        words = cw.FILLER_ES
    return rng.choice(words)


def message(g: Gen, doc: Doc, lang: str, selector_rate: float = .2) -> None:
    """One chat message: filler, a sentence with selectors, drug talk or a distractor; only
    ordinary chatter while ``g.quiet`` (a conversation without identifiers)."""
    if getattr(g, "quiet", False):
        chatter(g, doc, lang)
        return
    rng = g.rng
    r = rng.random()
    if r < selector_rate:
        tmpl = pick(rng, SEL_ES if lang == "es" else SEL_EN)
        if rng.random() < .35:
            # a selector right at the start of the sentence is not glued to a number before it
            joints = [", ", ". ", "\n"] if tmpl[0] == "{" else [", ", ". ", " ", "\n"]
            doc.t(filler(g, lang) + rng.choice(joints))
        fill(g, doc, tmpl, lang)
    elif r < selector_rate + .06:
        tmpl = rng.choice(cw.DRUG_TEMPLATES_ES if lang == "es" else cw.DRUG_TEMPLATES_EN)
        fill(g, doc, tmpl, lang)
    elif r < selector_rate + .24:
        if rng.random() < .4:
            doc.t(filler(g, lang) + " ")
        fill(g, doc, rng.choice(FILLER_WITH_NOISE_ES if lang == "es" else FILLER_WITH_NOISE_EN),
             lang)
    else:
        doc.t(filler(g, lang))
        if rng.random() < .25:
            doc.t(rng.choice([" ", ", ", "... "]) + filler(g, lang))
    if rng.random() < .12:
        doc.t(rng.choice([".", "!", "?", "!!", " 🙏", " 👍", " jaja", "..."]))


# ---------------------------------------------------------------------------------------------
# Ordinary chatter: messages without identifiers (most of a real chat)

CHATTER_ES = [
    "{f}", "{f}", "{f}", "{f}, {f}", "{f}... {f}",
    "nos vemos a las {time}", "llego como a las {time}", "ya salí, tipo {time} estoy ahí",
    "la reunión es el {date} a las {time}", "el {date} es el cumple de mi mamá",
    "quedamos para el {date}", "me pagan el {date}", "la cita es el {date}",
    "cuánto te debo? {p}", "salió en {p} todo", "el almuerzo {p}", "la luz vino de {p}",
    "compré {qty} y {qty}", "traeme {qty} por fa", "pasá comprando {qty}",
    "{ow}", "{ow} jaja", "mañana {ow}",
    "cómo estás? todo bien por acá", "ya comiste?", "dónde andás?", "está lloviendo bien feo",
    "se fue la luz otra vez", "hay tráfico en el periférico", "ya voy saliendo del trabajo",
    "los niños ya se durmieron", "feliz cumpleaños!! 🎉🎂", "qué bonito, felicidades",
    "mi mamá manda saludos", "no encuentro las llaves", "vamos al mercado el sábado?",
    "el bus no pasa", "me duele la cabeza", "ya terminé la tarea", "buen provecho",
    "Dios te bendiga", "ando en el súper", "cerraron la calle por la feria",
    "cuántos vienen el domingo? somos {n}", "faltan {n} días para las vacaciones",
    "va a jugar la selección a las {time}", "la novela empieza a las {time}",
]
CHATTER_EN = [
    "{f}", "{f}", "{f}", "{f}, {f}", "{f}... {f}",
    "see you at {time}", "be there around {time}", "leaving now, there by {time}",
    "meeting is on {date} at {time}", "mom's birthday is {date}", "dentist on {date}",
    "rent was {p}", "lunch came out to {p}", "I owe you {p} right?",
    "grab {qty} and {qty}", "can you pick up {qty}", "we're out of {qty}",
    "{ow}", "{ow} lol", "tomorrow {ow}",
    "how was your day?", "did you eat yet?", "traffic is crazy on the freeway",
    "kids are asleep", "happy birthday!! 🎉", "congrats!!", "can't find my keys",
    "game starts at {time}", "we're {n} people for sunday", "{n} more days till vacation",
    "it's raining so hard", "power went out again", "heading to work", "good night ❤️",
]
QTY_ES = ["2 docenas de tortillas", "3 litros de leche", "5 panes", "12 tamales",
          "una libra de frijol", "medio cartón de huevos", "4 aguacates", "2 bolsas de pan",
          "1 galón de agua", "6 mangos", "media arroba de arroz", "3 pollos asados"]
QTY_EN = ["2 gallons of milk", "a dozen eggs", "3 avocados", "1 loaf of bread", "6 bagels",
          "2 lbs of chicken", "a case of water", "4 bananas", "a pack of diapers"]


def _chatter_slot(g: Gen, lang: str, name: str) -> cv.Frag | str:
    rng = g.rng
    if name == "f":
        return filler(g, lang)
    if name == "time":
        return cv.noise(cw.time_text(rng), "time")
    if name == "date":
        return cv.noise(cw.date_text(rng), "date")
    if name == "p":
        return cv.noise(cw.amount_text(rng, g.region if lang == "es" else "US"), "amount")
    if name == "qty":
        return cv.noise(rng.choice(QTY_ES if lang == "es" else QTY_EN), "quantity")
    if name == "ow":
        return cw.ordinary_word(rng, lang)
    return str(rng.randrange(2, 40))  # {n}


def chatter(g: Gen, doc: Doc, lang: str) -> None:
    """One ordinary message with no identifier: greetings, logistics, times, dates, prices,
    quantities and everyday words (the distractors of real chats, labelled as noise)."""
    rng = g.rng
    tmpl = rng.choice(CHATTER_ES if lang == "es" else CHATTER_EN)
    at = 0
    for m in _SLOT_RE.finditer(tmpl):
        if m.start() > at:
            doc.t(tmpl[at:m.start()])
        doc.f(_frag_or_text(_chatter_slot(g, lang, m.group(1))))
        at = m.end()
    if at < len(tmpl):
        doc.t(tmpl[at:])
    if rng.random() < .12:
        doc.t(rng.choice([".", "!", "?", "!!", " 🙏", " 👍", " jaja", "..."]))
