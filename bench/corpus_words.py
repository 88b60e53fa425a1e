"""Words of the synthetic corpus: chat filler by region, the drug-trade lexicon, distractors.

Written from how people in Central America, the Dominican Republic and the US write in chats,
marketplaces and e-mails (research note ``extraction.md`` sections 3-4), not from any
extractor's rules. Distractor functions return :class:`~corpus_values.Frag` values whose only
label is a ``noise`` span naming the kind of distractor.
"""

from __future__ import annotations

import random

try:
    from bench.corpus_values import (
        Frag,
        WalletPool,
        digits,
        imei_lookalike,
        luhn_digit,
        md5_hex,
        sha1_hex,
        sha256_hex,
        whole,
    )
except ImportError:  # run from bench/ as a script
    from corpus_values import (  # type: ignore[no-redef]
        Frag,
        WalletPool,
        digits,
        imei_lookalike,
        luhn_digit,
        md5_hex,
        sha1_hex,
        sha256_hex,
        whole,
    )

# ---------------------------------------------------------------------------------------------
# People

NAMES_ES = ["Ana", "Luis", "Karla", "Jorge", "Mario", "Sofía", "Wendy", "Óscar", "Brenda", "Kevin",
            "Yessenia", "Erick", "Dulce", "Byron", "Marvin", "Gaby", "Don Chepe", "Tía Rosa",
            "Yeison", "Yulissa", "Wilmer", "Darwin", "Yamileth", "Franklin", "El Primo", "Flaco",
            "Chele", "Negro", "Jefe", "Lic. Morales", "Mamá", "Mi Amor ❤️", "Moto 🛵",
            "Cliente Zona 18",
            "Pedro Almonte", "Yokasta", "Wandy", "Franchesca", "Marlon", "Keylor", "Mae Andrés",
            "Xiomara", "Fredy Repartidor", "Doña Mari", "Ing. Castillo", "Seguridad: Turno B"]
NAMES_EN = ["Mike", "Jessica", "Ashley", "Tyler", "Brandon", "Destiny", "Unc", "Big Homie", "Plug",
            "Mom", "Tasha", "Marcus", "DJ", "Chris B", "Jay 🔥", "Coach"]

# ---------------------------------------------------------------------------------------------
# Chat filler, by region (words people really use) and shared

FILLER_ES = [
    "hola", "buenas", "buenos días", "buenas noches", "ok", "va", "dale", "sale", "listo",
    "ya voy", "ahorita voy", "estoy en camino", "ya llegué", "espérame 5 min", "no puedo ahorita",
    "te llamo más tarde", "mandame ubicación", "ya te deposité", "cuánto es?", "gracias",
    "bendiciones", "saludos", "jaja", "jajaja", "jsjsjs", "😂😂", "👍", "🙏", "ok 👌", "sí",
    "no", "mañana temprano", "a qué hora?", "dónde estás?", "ya salí", "no contesta",
    "contestá el teléfono", "borrá los mensajes", "cuidado con la patrulla",
    "hay retén en la entrada",
    "no hablés por aquí", "mejor en persona", "pasá por la tienda",
    "el jefe dice que mejor el lunes",
    "ya está listo el pedido", "mandame foto del depósito", "no me ha caído el pisto",
    "la próxima semana te pago", "está lloviendo bien feo", "se fue la luz otra vez",
    "qué onda", "todo bien?", "simón", "nel", "de una", "a la orden", "cabal", "vaya pues",
    "ahí nos vidrios", "me avisás", "te aviso", "llegó el paquete?", "todavía no",
    "el repartidor ya va para allá", "dice que lo espere afuera", "se me descargó el cel",
    "andaba sin saldo", "recargame 50 porfa", "tengo clase a las 7", "estoy en el brete",
    "voy saliendo del trabajo", "nos vemos en el parque", "en la gasolinera de siempre",
    "frente al banco", "en el centro comercial", "por la iglesia", "a la par de la farmacia",
]
FILLER_REGION = {
    "GT": ["qué chilero", "pasame el pisto", "ese patojo no sabe", "va pues", "a la gran",
           "qué shute", "chapín de corazón", "estoy en la zona 1", "por el Trébol", "en Mixco",
           "en la 18", "vamos a Xela", "chucho ese", "qué clavo"],
    "SV": ["qué chivo", "cipote", "va pues", "ahí nos vemos en Metrocentro", "bicho ese",
           "qué pedo vos", "está cabal", "en Soya", "en Santa Ana", "maje", "puchica"],
    "HN": ["maje", "qué macizo", "a la gran puchica", "cipote", "en Comayagüela",
           "en San Pedro Sula",
           "pisto", "qué tuanis", "chele", "alero", "ideay", "cheque"],
    "NI": ["chavalo", "tuani", "dale pues", "ideay", "en Managua", "chele", "chunche", "vaya pues",
           "qué chiva", "por la rotonda"],
    "CR": ["mae", "pura vida", "tuanis", "diay", "qué chiva", "brete", "en Chepe", "en Heredia",
           "qué torta", "mop", "jale pues", "por el Mall San Pedro", "upe"],
    "PA": ["xopa", "qué xopa", "fren", "chuleta", "qué vaina", "pelao", "en la Vía España",
           "ayala", "qué sopá", "chantin", "buco", "en Albrook"],
    "DO": ["klk", "tato", "qué lo que", "dime a ver", "manito", "jevi", "vaina", "tíguere",
           "en la Duarte", "en Santiago", "tranquilo", "dale mano", "ta to", "diache"],
    "US": ["bro", "yo", "lmk", "hmu", "on my way", "bet", "say less", "fr", "ngl", "wyd",
           "pull up", "ight", "no cap"],
}
FILLER_EN = [
    "hey", "yo what's up", "ok", "bet", "on my way", "running late", "call me",
    "text me when you're here",
    "where you at?", "outside", "thanks", "lol", "lmao", "👍", "🙏", "say less", "can't talk rn",
    "delete this", "cops around, hold up", "send the cash app", "my phone died", "see you tomorrow",
    "what time?", "i'm at the gas station", "come thru", "i got you", "tomorrow morning works",
    "package arrived?", "not yet", "driver is on the way", "leave it at the door",
]

# ---------------------------------------------------------------------------------------------
# Drug-trade lexicon: (canonical, category, lang, forms as written)

DRUGS: list[tuple[str, str, str, list[str]]] = [
    ("perico", "cocaine", "es", ["perico", "perico", "Perico", "perica"]),
    ("coca", "cocaine", "es", ["coca"]),
    ("cocaína", "cocaine", "es", ["cocaína", "cocaina", "COCAÍNA"]),
    ("nieve", "cocaine", "es", ["nieve"]),
    ("polvo", "cocaine", "es", ["polvo"]),
    ("doña blanca", "cocaine", "es", ["doña blanca"]),
    ("merca", "cocaine", "es", ["merca"]),
    ("pollo", "cocaine", "es", ["pollo"]),
    ("caspa del diablo", "cocaine", "es", ["caspa del diablo"]),
    ("queso blanco", "cocaine", "es", ["queso blanco"]),
    ("piedra", "crack", "es", ["piedra", "piedras", "piedrita", "piedritas"]),
    ("crack", "crack", "es", ["crack"]),
    ("roca", "crack", "es", ["roca", "rocas"]),
    ("bazuco", "crack", "es", ["bazuco", "bazuko", "basuco"]),
    ("mota", "marijuana", "es", ["mota", "motita", "Mota"]),
    ("hierba", "marijuana", "es", ["hierba", "yerba"]),
    ("marihuana", "marijuana", "es", ["marihuana", "mariguana", "marijuana"]),
    ("cripy", "marijuana", "es", ["cripy", "cripi", "creepy"]),
    ("monte", "marijuana", "es", ["monte"]),
    ("churro", "marijuana", "es", ["churro", "churros"]),
    ("lechuga", "marijuana", "es", ["lechuga"]),
    ("cristal", "methamphetamine", "es", ["cristal", "cristalito"]),
    ("hielo", "methamphetamine", "es", ["hielo"]),
    ("chiva", "heroin", "es", ["chiva"]),
    ("heroína", "heroin", "es", ["heroína", "heroina"]),
    ("manteca", "heroin", "es", ["manteca"]),
    ("tacha", "mdma", "es", ["tacha", "tachas"]),
    ("éxtasis", "mdma", "es", ["éxtasis", "extasis"]),
    ("pepas", "mdma", "es", ["pepas", "pepa"]),
    ("tusi", "2cb", "es", ["tusi", "tussi", "tucibí"]),
    ("cocaína rosa", "2cb", "es", ["cocaína rosa"]),
    ("roche", "pills", "es", ["roche", "roches", "ruedas"]),
    ("fentanilo", "fentanyl", "es", ["fentanilo", "fenta"]),
    ("keta", "ketamine", "es", ["keta", "ketamina"]),
    ("hongos", "mushrooms", "es", ["hongos"]),
    ("traqueto", "dealer", "es", ["traqueto", "traquetos"]),
    ("coke", "cocaine", "en", ["coke", "blow", "yayo", "snow"]),
    ("crack", "crack", "en", ["crack", "rock", "rocks"]),
    ("weed", "marijuana", "en", ["weed", "kush", "loud", "gas", "bud", "za"]),
    ("meth", "methamphetamine", "en", ["meth", "ice", "tina", "glass", "shards", "crystal"]),
    ("heroin", "heroin", "en", ["heroin", "smack", "dope", "boy"]),
    ("molly", "mdma", "en", ["molly", "ecstasy", "mdma"]),
    ("xanax", "pills", "en", ["xans", "xanax", "bars", "xan bars"]),
    ("percocet", "pills", "en", ["percs", "perc 30s", "percocet", "oxy"]),
    ("fentanyl", "fentanyl", "en", ["fent", "fentanyl", "blues", "M30s"]),
    ("lean", "lean", "en", ["lean", "drank", "sizzurp"]),
    ("shrooms", "mushrooms", "en", ["shrooms", "boomers"]),
    ("plug", "dealer", "en", ["plug"]),
]
DRUG_EMOJI: list[tuple[str, str, list[str]]] = [
    # canonical (no variation selector), category, forms as typed (with/without U+FE0F)
    ("❄", "cocaine", ["❄️", "❄"]), ("⛄", "cocaine", ["⛄"]), ("🎱", "cocaine", ["🎱"]),
    ("🍁", "drugs", ["🍁"]), ("🌲", "marijuana", ["🌲"]), ("🌴", "marijuana", ["🌴"]),
    ("🍀", "marijuana", ["🍀"]), ("💎", "methamphetamine", ["💎"]),
    ("🔮", "methamphetamine", ["🔮"]),
    ("🐉", "heroin", ["🐉"]), ("⚡", "mdma", ["⚡", "⚡️"]), ("💊", "pills", ["💊"]),
    ("🅿", "pills", ["🅿️", "🅿"]), ("🍫", "pills", ["🍫"]), ("🍄", "mushrooms", ["🍄"]),
    ("🔌", "dealer", ["🔌"]), ("🚀", "high_potency", ["🚀"]), ("🍪", "large_batch", ["🍪"]),
]
DRUGS_ES = [d for d in DRUGS if d[2] == "es"]
DRUGS_EN = [d for d in DRUGS if d[2] == "en"]


def drug(rng: random.Random, lang: str) -> Frag:
    canonical, category, lng, forms = rng.choice(DRUGS_ES if lang == "es" else DRUGS_EN)
    raw = rng.choice(forms)
    if rng.random() < .08:
        raw = raw.upper()
    return whole(raw, "drug_term", canonical, category=category, lang=lng)


def drug_emoji(rng: random.Random, category: str | None = None) -> Frag | None:
    """A DEA emoji code; with ``category``, one of that drug (``None`` when it has none)."""
    pool = [e for e in DRUG_EMOJI if category is None or e[1] == category]
    if not pool:
        return None
    canonical, cat, forms = rng.choice(pool)
    return whole(rng.choice(forms), "drug_term", canonical, category=cat, lang="emoji")


# Drug-trade message templates: {d} and {e} are drug slots (term, emoji), {q} a quantity,
# {p} a price. Written as dealers and buyers write on WhatsApp/Telegram.
DRUG_TEMPLATES_ES = [
    "hay {d}?", "tenés {d}?", "a cómo el gramo de {d}?", "{d} a {p} el gramo",
    "necesito {d} para hoy",
    "llegó {d} de la buena {e}", "mandame {q} de {d}", "cuánto por una onza de {d}?",
    "quiero {q} de {d} y {q} de {d}", "{e} {d} disponible, envíos a domicilio",
    "ya no hay {d}, solo {d}",
    "tengo {d} colombiana {e}{e}", "{e} {d} {q} {p}", "el {d} está fino mano",
    "traeme {d} del bueno",
    "combo {d} + {d} a {p}", "pedidos de {d} solo por inbox", "hay {d} y {d}, {p} la bolsita",
    "el que vende {d} dice que mañana", "no tengo {d}, pasá a las 8", "{e}{e} {p}",
    "{d} {e} {p} el gramo",
    "delivery de {d} en la zona, {p}", "se acabó la {d} 😭", "me quedan {q} de {d}",
]
DRUG_TEMPLATES_EN = [
    "got {d}?", "need {d} asap", "{d} {p} a gram", "hmu for {d} {e}", "my {d} got {d} and {d}",
    "fresh {d} just landed {e}{e}", "how much for an 8th of {d}?", "{e} {d} {q} {p}",
    "who got {d} tonight", "{d} gone, only {d} left", "{e}{e}{e} dm for menu",
    "{d} and {d} {p} each",
]
QUANTITIES_ES = ["1 g", "2g", "3 gramos", "media onza", "1 onza", "una bolsita", "2 bolsitas",
                 "una {grapa}",
                 "un octavo", "media libra", "5 {pastillas}", "un paquete", "una {puntita}",
                 "un {piquito}"]
QUANTITIES_EN = ["a gram", "an 8th", "a zip", "a QP", "half oz", "2g", "10 {pills}", "a ball"]


def quantity(rng: random.Random, lang: str) -> Frag:
    """A dealing quantity. Dose words (grapa, puntita, pills) may or may not be in a drug
    lexicon: labelled ``optional`` drug terms of category ``quantity``."""
    text = rng.choice(QUANTITIES_ES if lang == "es" else QUANTITIES_EN)
    if "{" not in text:
        return Frag(text)
    a, b = text.index("{"), text.index("}")
    word = text[a + 1:b]
    frag = Frag(text[:a] + word + text[b + 1:])
    frag.add("drug_term", word.rstrip("s"), a, a + len(word), category="quantity", lang=lang,
             optional=True)
    return frag


# Ordinary uses of words that are also slang: must not be labelled as drug terms.
ORDINARY_ES = [
    "comimos {Pollo Campero}", "traé {hielo} para las chelas", "una {nieve} de limón",
    "la camisa {blanca}",
    "la moto {negra}", "me cayó una {piedra} en el vidrio", "se quebró el {cristal} del carro",
    "hay mucho {polvo} en la calle", "{talco} para el bebé", "{qué chiva} ese carro",
    "{tamales} el sábado",
    "{queso blanco} y crema para las pupusas", "un {refresco} bien frío", "{lechuga} y tomate",
    "la {hierba} buena para el té", "una {Coca-Cola} de 3 litros", "compré una {motocicleta}",
    "el {perico} de la abuela habla", "las {pepas} de la sandía", "{manteca} para los frijoles",
    "sopa de {hongos}", "la {coca cola} está caliente", "{piedra} en el zapato",
    "el {pollo} frito estaba rico", "me duele la {espalda}", "llegó el {material} para la obra",
    "el {monte} está bien alto en el terreno", "la {roca} del río", "un {churro} con chocolate",
    "el {hielo} se derritió", "la {mota} de polvo", "vamos al {monte} el domingo",
]
ORDINARY_EN = [
    "{ice cream} after practice", "{snow day} tomorrow", "{rock} concert tonight",
    "a {glass} of water",
    "stopped at the {gas} station", "{Molly} from work called", "{Tina} said hi",
    "{blues} bar downtown",
    "my {plug} is loose, need a new charger", "{coke} zero please", "the {bud} light is warm",
    "{dope} movie", "the {boy} is sleeping", "{bars} open till 2",
]
ORDINARY_EMOJI = ["qué frío {❄️}", "feliz navidad {🎄}", "suerte {🍀}", "se fue la luz {⚡}",
                  "a la playa {🌴}", "te quiero {💜}", "las llaves {🔑}", "{🍫} para la niña",
                  "cumpleaños {🎂}", "{🚀} a la luna", "galletas {🍪}", "{💎} anillo de compromiso"]


def ordinary_word(rng: random.Random, lang: str) -> Frag:
    """An ordinary phrase whose braced word is also drug slang elsewhere (noise)."""
    tmpl = rng.choice((ORDINARY_ES if lang == "es" else ORDINARY_EN) + ORDINARY_EMOJI)
    a, b = tmpl.index("{"), tmpl.index("}")
    word = tmpl[a + 1:b]
    frag = Frag(tmpl[:a] + word + tmpl[b + 1:])
    frag.add("noise", "ordinary_word", a, a + len(word))
    return frag


# ---------------------------------------------------------------------------------------------
# Distractors: things that look like selectors and are not

MONTHS_ES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
             "septiembre", "octubre", "noviembre", "diciembre"]


def date_text(rng: random.Random) -> str:
    d, m, y = rng.randrange(1, 29), rng.randrange(1, 13), rng.choice([2023, 2024, 2025, 2026])
    return rng.choice([f"{d:02d}/{m:02d}/{y}", f"{d}/{m}/{y % 100}", f"{y}-{m:02d}-{d:02d}",
                       f"{d:02d}-{m:02d}-{y}", f"{d:02d}.{m:02d}.{y}",
                       f"{d} de {MONTHS_ES[m - 1]} de {y}",
                       f"{d:02d}/{m:02d}/{y % 100:02d}"])


def time_text(rng: random.Random) -> str:
    h, mi, s = rng.randrange(1, 13), rng.randrange(60), rng.randrange(60)
    return rng.choice([f"{h}:{mi:02d} p.m.", f"{h}:{mi:02d} a.m.", f"{h}:{mi:02d} p. m.",
                       f"{h + 11}:{mi:02d}:{s:02d}", f"{h}:{mi:02d}\u202fPM", f"{h}:{mi:02d}pm",
                       f"{h}h{mi:02d}", f"{h + 11}:{mi:02d}"])


def amount_text(rng: random.Random, region: str) -> str:
    n = rng.choice([150, 350, 500, 1200, 1500, 2500, 4500, 6500, 12000, 25000, 35000, 80])
    cents = rng.random() < .3
    num = f"{n:,}" + (".00" if cents else "")
    if region == "GT":
        return rng.choice([f"Q{num}", f"Q {num}", f"Q.{n}", f"Q{n}", f"{n} quetzales"])
    if region == "HN":
        return rng.choice([f"L. {num}", f"L.{n}", f"L {num}", f"{n} lempiras", f"Lps. {num}"])
    if region == "CR":
        return rng.choice([f"₡{n * 100:,}".replace(",", " "), f"₡{n * 100:,}".replace(",", "."),
                           f"¢{n * 100:,}", f"{n * 100} colones", f"{n} mil colones"])
    if region == "NI":
        return rng.choice([f"C${num}", f"C$ {n}", f"{n} córdobas", f"${n}"])
    if region == "PA":
        return rng.choice([f"B/. {num}", f"B/.{n}", f"${num}", f"{n} balboas"])
    if region == "DO":
        return rng.choice([f"RD${num}", f"RD$ {n:,}".replace(",", "."), f"{n} pesos", f"${num}"])
    if region == "SV":
        return rng.choice([f"${num}", f"$ {n}", f"{n} dólares", f"USD {num}", f"US$ {n}"])
    return rng.choice([f"${num}", f"${n}", f"{n} bucks", f"USD {num}", f"${n}k"])


def national_id(rng: random.Random, region: str) -> tuple[str, str]:
    """(label context, number) of a national ID or tax number of ``region``."""
    d = digits
    choices: list[tuple[str, str]]
    if region == "GT":
        choices = [("DPI", f"{d(rng, 4)} {d(rng, 5)} {rng.randrange(1, 23):02d}01"),
                   ("DPI", d(rng, 13)),
                   ("NIT", f"{d(rng, 7)}-{rng.choice('0123456789K')}"),
                   ("NIT", f"{d(rng, 8)}-{rng.randrange(10)}")]
    elif region == "SV":
        choices = [("DUI", f"0{d(rng, 7)}-{rng.randrange(10)}"),
                   ("NIT", f"0614-{d(rng, 6)}-{d(rng, 3)}-{rng.randrange(10)}")]
    elif region == "HN":
        choices = [("DNI", f"0801-{rng.randrange(1960, 2006)}-{d(rng, 5)}"),
                   ("RTN", f"0801{rng.randrange(1960, 2006)}{d(rng, 6)}"),
                   ("identidad", f"0501 {rng.randrange(1960, 2006)} {d(rng, 5)}")]
    elif region == "NI":
        return ("cédula", f"001-{d(rng, 6)}-{d(rng, 4)}{rng.choice('ABCDEFGHJKLMN')}")
    elif region == "CR":
        choices = [("cédula", f"{rng.randrange(1, 8)}-{d(rng, 4)}-{d(rng, 4)}"),
                   ("cédula", f"{rng.randrange(1, 8)}0{d(rng, 3)}0{d(rng, 3)}"),
                   ("DIMEX", f"1{d(rng, 11)}")]
    elif region == "PA":
        choices = [("cédula", f"{rng.randrange(1, 10)}-{rng.randrange(100, 999)}-{d(rng, 4)}"),
                   ("cédula", f"PE-{rng.randrange(1, 20)}-{d(rng, 4)}"),
                   ("RUC", f"{d(rng, 6)}-1-{d(rng, 6)} DV {d(rng, 2)}")]
    elif region == "DO":
        office = rng.choice(["001", "402", "031", "223"])
        choices = [("cédula", f"{office}-{d(rng, 7)}-{rng.randrange(10)}"),
                   ("RNC", f"1-{d(rng, 2)}-{d(rng, 5)}-{rng.randrange(10)}")]
    else:
        choices = [("SSN", f"{rng.randrange(100, 899)}-{d(rng, 2)}-{d(rng, 4)}"),
                   ("DL", f"{rng.choice('ABCDFGHJKLMNPRSTW')}{d(rng, 7)}")]
    return rng.choice(choices)


def distractor(rng: random.Random, region: str, lang: str, wallets: WalletPool) -> Frag:
    """One distractor phrase (with its context words) labelled as noise."""
    kind = rng.choices(
        ["date", "time", "amount", "national_id", "coordinates", "version", "order_number",
         "tracking", "hash", "wallet_lookalike", "imei_lookalike", "file_name", "ordinary_word",
         "card", "bank_account", "tx_hash", "usdt_contract", "cell_id", "abbreviation",
         "glued_sentence", "md5_start1", "mention", "plate", "model"],
        weights=[10, 8, 14, 8, 4, 4, 6, 4, 3, 4, 2, 6, 10, 2, 4, 1, 1, 1, 4, 2, 2, 3, 2, 3])[0]
    if kind == "ordinary_word":
        return ordinary_word(rng, lang)
    pre, text = "", ""
    if kind == "date":
        pre, text = rng.choice(["el ", "fecha: ", "desde el ", "hasta el ", "vence ",
                                ""]), date_text(rng)
    elif kind == "time":
        pre, text = rng.choice(["a las ", "tipo ", "como a las ", "at ", ""]), time_text(rng)
    elif kind == "amount":
        pre, text = rng.choice(["son ", "precio ", "total: ", "cuesta ", "te debo ", "abono de ",
                                ""]), \
            amount_text(rng, region)
    elif kind == "national_id":
        label, text = national_id(rng, region)
        pre = f"{label}: " if rng.random() < .6 else f"{label} "
    elif kind == "coordinates":
        lat, lon = 13 + rng.random() * 6, -(83 + rng.random() * 8)
        pre = rng.choice(["ubicación: ", "coordenadas ", "estoy en ", "lat/long: "])
        r = rng.randrange
        dms = f"{int(lat)}°{r(60)}'{r(60)}\"N {abs(int(lon))}°{r(60)}'W"
        text = rng.choice([f"{lat:.6f}, {lon:.6f}", f"{lat:.4f},{lon:.4f}", f"{lat:.5f} {lon:.5f}",
                           dms])
    elif kind == "version":
        pre = rng.choice(["versión ", "WhatsApp ", "v", "build ", "Android ", "iOS ",
                          "actualizá a la ", "Chrome/", "firmware "])
        r = rng.randrange
        text = rng.choice([f"2.{r(20, 25)}.{r(1, 26)}.{r(1, 99)}", f"{r(1, 20)}.{r(10)}.{r(10)}",
                           f"1{r(10, 30)}.0.0.0", f"10.0.{r(19000, 22700)}.{r(1, 4000)}",
                           f"{r(13, 18)}.{r(1, 7)}.{r(1, 3)}"])
    elif kind == "order_number":
        pre = rng.choice(["Pedido #", "orden No. ", "factura ", "boleta No. ", "No. de boleta: ",
                          "recibo ", "Ref. ", "autorización ", "ticket #", "Order #", "caso MP-",
                          "expediente "])
        text = rng.choice([digits(rng, rng.choice([5, 6, 7, 9, 10, 12])),
                           f"{rng.randrange(2023, 2027)}-{digits(rng, 5)}", f"A-{digits(rng, 8)}",
                           digits(rng, 8), f"{digits(rng, 4)}-{rng.randrange(2023, 2027)}"])
    elif kind == "tracking":
        pre = rng.choice(["guía ", "tracking: ", "No. de guía ", "rastreo ", "tracking # "])
        text = rng.choice([f"EE{digits(rng, 9)}GT", f"1Z{digits(rng, 3)}AA1{digits(rng, 10)}",
                           digits(rng, 12), f"JD{digits(rng, 18)}", f"CP{digits(rng, 9)}US",
                           digits(rng, 10), f"420{digits(rng, 5)}92{digits(rng, 20)}"])
    elif kind == "hash":
        pre = rng.choice(["MD5: ", "SHA1: ", "SHA-256: ", "hash ", "sha256sum ", "md5 "])
        text = {"MD5: ": md5_hex(rng), "SHA1: ": sha1_hex(rng), "md5 ": md5_hex(rng)}.get(pre) or \
            rng.choice([sha256_hex(rng), sha1_hex(rng)])
    elif kind == "md5_start1":
        pre = rng.choice(["MD5 ", "md5: ", "checksum ", "hash del archivo: "])
        text = md5_hex(rng, start1=True)
    elif kind == "wallet_lookalike":
        pre = rng.choice(["BTC: ", "wallet ", "USDT TRC20 ", "dirección: ", "ETH ", "", "send to "])
        text = rng.choice(wallets.fakes)
    elif kind == "imei_lookalike":
        pre, text = rng.choice(["IMEI: ", "IMEI ", "imei "]), imei_lookalike(rng)
    elif kind == "file_name":
        pre = rng.choice(["te mandé ", "ahí va ", "abrí el archivo ", "", "adjunto ", "descargá "])
        r = rng.randrange
        img = f"IMG-2025{r(1, 13):02d}{r(1, 29):02d}-WA{digits(rng, 4)}.jpg"
        text = rng.choice([img, "foto.jpg", "comprobante.pdf", "fotos.zip", "video.mov", "notas.md",
                           "script.py", "instalar.sh", "factura_marzo.xlsx", "contrato.docx",
                           "audio.opus", "lista.txt",
                           f"VID-2025{r(1, 13):02d}{r(1, 29):02d}-WA{digits(rng, 4)}.mp4",
                           "logo@2x.png", "captura.PNG", "respaldo.rar", "app-release.apk",
                           "Sabueso.exe"])
    elif kind == "card":
        pre = rng.choice(["CC ", "tarjeta ", "card: ", "cc: ", ""])
        head = rng.choice(["4", "5", "4", "37"])
        body = head + digits(rng, (15 if head == "37" else 16) - len(head) - 1)
        body += luhn_digit(body)
        grouped = " ".join(body[i:i + 4] for i in range(0, len(body), 4))
        text = grouped if rng.random() < .6 else body
        exp = f" exp {rng.randrange(1, 13):02d}/{rng.randrange(25, 31)} cvv {digits(rng, 3)}"
        text += rng.choice([exp, ""])
    elif kind == "bank_account":
        bank = {"GT": ["Banrural", "BI", "BAM", "G&T"],
                "SV": ["Agrícola", "Cuscatlán", "Davivienda"],
                "HN": ["Atlántida", "Ficohsa", "BAC"], "NI": ["Banpro", "Lafise", "BAC"],
                "CR": ["BNCR", "BCR", "BAC"], "PA": ["Banistmo", "Banco General"],
                "DO": ["Banreservas", "Popular", "BHD"]}.get(region,
                                                             ["Chase", "BofA", "Wells Fargo"])
        pre = f"cuenta {rng.choice(bank)} " if lang == "es" else f"{rng.choice(bank)} acct "
        text = rng.choice([f"{digits(rng, 1)}-{digits(rng, 3)}-{digits(rng, 5)}-{digits(rng, 1)}",
                           digits(rng, 10), digits(rng, 12),
                           f"{digits(rng, 3)}-{digits(rng, 6)}-{digits(rng, 1)}",
                           f"CR{digits(rng, 20)}", f"IBAN GT{digits(rng, 2)}BRRL{digits(rng, 20)}"])
    elif kind == "tx_hash":
        pre = rng.choice(["tx: ", "TxID ", "hash de la transacción: "])
        text = "0x" + sha256_hex(rng)
    elif kind == "usdt_contract":
        pre, text = "contrato USDT TRC20 ", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
    elif kind == "cell_id":
        mcc = {"GT": "704", "SV": "706", "HN": "708", "NI": "710", "CR": "712", "PA": "714",
               "DO": "370"}.get(region, "310")
        pre = rng.choice(["celda ", "CGI ", "Cell ID: "])
        text = f"{mcc}-0{rng.randrange(1, 4)}-{digits(rng, 4)}-{digits(rng, 5)}"
    elif kind == "abbreviation":
        text = rng.choice(["p.m.", "a.m.", "EE.UU.", "S.A.", "etc.", "Lic.", "Sr.", "No.",
                           "Cía. Ltda.", "Av. Reforma", "Km. 15.5", "U.S.A.", "i.e.", "e.g.", "Ud.",
                           "Dra."])
    elif kind == "glued_sentence":  # no space after a full stop: looks like a domain
        text = rng.choice(["voy.me", "listo.es", "perdón.me", "ok.si", "bueno.co", "ya.me",
                           "gracias.me", "sale.es", "vale.me"])
        pre = ""
    elif kind == "mention":
        pre = rng.choice(["", "IG: ", "sígueme ", "tg ", "mi user es ", "cc "])
        text = "@" + rng.choice(["karla.lopez", "elchapin502", "tienda_gt", "plugmaster",
                                 "jessica_b", "ventas_hn"])
        frag = Frag(pre + text)
        frag.add("noise", "mention", len(pre), len(pre) + len(text))
        return frag
    elif kind == "plate":
        pre = rng.choice(["placa ", "placas ", "P-", "M-"])
        c = rng.choice
        text = rng.choice([f"P{digits(rng, 3)}{c('BCDFGH')}{c('BCDFGH')}{c('BCDFGH')}",
                           f"{c('ABC')}{digits(rng, 6)}", f"{digits(rng, 3)}-{digits(rng, 3)}",
                           f"BNM-{digits(rng, 3)}"])
    elif kind == "model":
        text = rng.choice(["SM-A135M", "SM-G991B", "iPhone 13 Pro Max", "Redmi Note 12", "Moto G54",
                           "Huawei P30 Lite", "A2643", "Galaxy S21 FE 5G", "Honor X8b",
                           "Infinix Hot 40i"])
    frag = Frag(pre + text)
    frag.add("noise", kind, len(pre), len(pre) + len(text))
    return frag
