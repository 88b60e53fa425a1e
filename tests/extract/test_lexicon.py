"""Drug-trade lexicon: positives per category and language, ordinary-word negatives, tiers,
spellings, boundaries, emoji variants and exact offsets."""

from __future__ import annotations

import pytest

from sabueso.extract.base import ALL_TYPES, Context, Hit, prepare
from sabueso.extract.lexicon import FAMILY, LexiconFamily


def hits(text: str) -> list[Hit]:
    found = list(FAMILY.scan(prepare(text), Context()))
    for hit in found:
        assert hit.type == "drug_term"
        assert text[hit.start:hit.end] == hit.raw
    return found


def values(text: str) -> list[str]:
    return [h.value for h in hits(text)]


def one(text: str, raw: str) -> Hit:
    """The single hit whose raw text is ``raw``."""
    found = [h for h in hits(text) if h.raw == raw]
    assert len(found) == 1, (text, [h.raw for h in hits(text)])
    return found[0]


# -- unambiguous terms: always reported ------------------------------------------------------

@pytest.mark.parametrize(("text", "raw", "value", "category", "lang"), [
    ("Necesito perico o mota", "mota", "mota", "marijuana", "es"),
    ("la cocaína llegó", "cocaína", "cocaína", "cocaine", "es"),
    ("la cocaina llegó", "cocaina", "cocaína", "cocaine", "es"),
    ("COCAÍNA", "COCAÍNA", "cocaína", "cocaine", "es"),
    ("marihuana", "marihuana", "marihuana", "marijuana", "es"),
    ("mariguana", "mariguana", "marihuana", "marijuana", "es"),
    ("marijuana", "marijuana", "marihuana", "marijuana", "en"),
    ("cripy del bueno", "cripy", "cripy", "marijuana", "es"),
    ("bareta", "bareta", "bareta", "marijuana", "es"),
    ("el tusi rosado", "tusi", "tusi", "tusi", "es"),
    ("2C-B", "2C-B", "2c-b", "tusi", "es"),
    ("2cb", "2cb", "2c-b", "tusi", "es"),
    ("cocaína rosa", "cocaína rosa", "tusi", "tusi", "es"),
    ("chespi", "chespi", "chespi", "crack", "es"),
    ("caspa del diablo", "caspa del diablo", "caspa del diablo", "cocaine", "es"),
    ("doña blanca", "doña blanca", "doña blanca", "cocaine", "es"),
    ("heroína", "heroína", "heroína", "heroin", "es"),
    ("metanfetamina", "metanfetamina", "metanfetamina", "methamphetamine", "es"),
    ("tachas", "tachas", "tacha", "mdma", "es"),
    ("fentanilo", "fentanilo", "fentanilo", "fentanyl", "es"),
    ("ketamina", "ketamina", "ketamina", "ketamine", "es"),
    ("LSD", "LSD", "lsd", "lsd", "es"),
    ("hongos mágicos", "hongos mágicos", "hongos mágicos", "psilocybin", "es"),
    ("drogas", "drogas", "droga", "generic", "es"),
    ("el traqueto", "traqueto", "traqueto", "trafficker", "es"),
    ("coronar la vuelta", "coronar la vuelta", "coronar", "trafficker", "es"),
    ("narcomenudeo", "narcomenudeo", "narcomenudeo", "dealing", "es"),
    ("got yayo", "yayo", "yayo", "cocaine", "en"),
    ("kush", "kush", "kush", "marijuana", "en"),
    ("M30s", "M30s", "m30", "pills", "en"),
    ("perc 30s", "perc 30s", "perc 30", "pills", "en"),
    ("percs", "percs", "perc", "pills", "en"),
    ("xans", "xans", "xanax", "pills", "en"),
    ("shrooms", "shrooms", "shrooms", "psilocybin", "en"),
    ("sizzurp", "sizzurp", "sizzurp", "lean", "en"),
    ("fentanyl", "fentanyl", "fentanyl", "fentanyl", "en"),
    ("crystal meth", "crystal meth", "crystal meth", "methamphetamine", "en"),
    ("trap house", "trap house", "trap house", "dealing", "en"),
])
def test_unambiguous_terms(text: str, raw: str, value: str, category: str, lang: str) -> None:
    hit = one(text, raw)
    assert hit.value == value
    assert hit.attrs["category"] == category
    assert hit.attrs["lang"] == lang
    assert hit.attrs["confidence"] == "high"


def test_exact_offsets_with_invisible_characters() -> None:
    text = "\u200e2/11/26, 20:01 - Cliente: Hay\u00a0perico?"
    hit = one(text, "perico")
    assert (hit.start, hit.end) == (text.index("perico"), text.index("perico") + 6)
    assert hit.as_dict()["category"] == "cocaine"


def test_longest_term_wins_and_is_reported_once() -> None:
    assert values("cocaína") == ["cocaína"]
    assert values("crystal meth") == ["crystal meth"]
    assert values("doña blanca") == ["doña blanca"]


# -- ordinary words and everyday emoji stay silent ------------------------------------------

@pytest.mark.parametrize("text", [
    "Compré Coca-Cola y hielo para la fiesta",
    "una coca cola bien fría",
    "cocacola", "COCA COLA", "coca light",
    "Me traes una coca con hielo?",
    "Tengo hielo y cervezas para el sábado",
    "Hay pollo frito a Q25 la pieza",
    "pollo a Q20 la libra", "Bolsa de hielo 5 lb Q15", "qué chiva ese carro",
    "hay nieve en el volcán",
    "la piedra del río", "hay polvo en la casa",
    "es un crack jugando fútbol",
    "blanca y radiante va la novia",
    "material de construcción a Q500",
    "el producto llega mañana a Q100", "quiero una coca con hielo",
    "the bud light is warm", "tx hash: 0x0d63866b", "my plug is loose",
    "el paquete de 5 a Q150", "un kilo de tomate", "la onza de queso a Q12",
    "una mota de polvo en la motocicleta",
    "huevos pericos para el desayuno",
    "ice cream and snow day", "rock music at the gas station",
    "I have three bars on my phone", "pot of coffee", "lean on me",
    "dice que hice la tarea", "something about the method", "en la oficina",
    "vamos a pasear, pase adelante", "pase de abordar", "fifty percent",
    "x favor k onda", "e", "h", "X", "K",
    "Feliz Navidad 🎄⛄🍪❄️", "🍪⛄ galletas navideñas a Q25",
    "💰💵 pago de salario", "❄️ aire acondicionado Q3,000",
    "🍄 sopa de hongos", "🌴 playa 🌴", "💙💜 te quiero",
    "plug the charger in", "el cargador 🔌 no sirve",
    "ropa de paca", "queso panela a Q30", "el capo del barrio",
    "perico@gmail.com", "instagram.com/mota_gt", "@perico_oficial", "https://t.me/perico",
    "🧑\u200d🎄 ho ho ho",
    "hielo y señal 4G", "speed test 5G",
])
def test_ordinary_text_has_no_drug_terms(text: str) -> None:
    assert values(text) == []


# -- ambiguous terms need support -------------------------------------------------------------

@pytest.mark.parametrize(("text", "raw", "value"), [
    ("tengo coca", "coca", "coca"),                   # some + a common verb next to it
    ("vendo coca a L.300", "coca", "coca"),           # some + selling word + price
    ("coca Q150", "coca", "coca"),                    # some + price
    ("molly y keta", "keta", "ketamina"),             # two 'some' terms support each other
    ("hielo, 1g a Q200", "hielo", "hielo"),           # high + small gram quantity
    ("el gramo de nieve a Q300", "nieve", "nieve"),   # high + 'el gramo'
    ("Necesito perico o mota", "perico", "perico"),   # some + unambiguous term
    ("mota y piedra", "piedra", "piedra"),            # high + unambiguous term
    ("perico y pollo a Q300", "pollo", "pollo"),      # two ambiguous terms + a price
    ("percs and blues", "blues", "blues"),
    ("tengo una grapa de nieve", "nieve", "nieve"),   # high + drug quantity term
    ("🔌 disponible ❄️ 🍁", "❄️", "❄"),                # high emoji + the plug emoji
    ("Hay 🍃?", "🍃", "🍃"),                           # some emoji + hay
    ("fumar hierba", "hierba", "hierba"),             # high + drug word
])
def test_ambiguous_terms_with_context(text: str, raw: str, value: str) -> None:
    hit = one(text, raw)
    assert hit.value == value
    assert hit.attrs["confidence"] == "context"


@pytest.mark.parametrize("text", [
    "coca", "la coca", "hielo", "hielo 500 gramos Q20", "nieve Q300",
    "🍁", "💊", "❄️❄️", "molly", "keta", "keta keta",
])
def test_ambiguous_terms_alone(text: str) -> None:
    assert values(text) == []


def test_a_weakly_confirmed_term_does_not_anchor_a_high_one() -> None:
    # 'coca' confirmed only by 'quiero' (a Coke?) must not turn 'hielo' into a drug.
    assert values("quiero coca con hielo") == ["coca"]


def test_two_kinds_of_trade_context_confirm_an_ordinary_word() -> None:
    assert values("delivery de hielo en la zona, Q450") == ["hielo"]
    assert values("🍄 polvo media onza ¢15,000") == ["🍄", "polvo"]
    # The accepted cost: a chicken seller who writes like a dealer.
    assert values("Vendo pollo, 1 libra Q20, envíos a domicilio") == ["pollo"]


def test_a_buyers_question_confirms() -> None:
    assert values("tenés hielo?") == ["hielo"]
    assert values("got bars?") == ["bar"]
    assert values("hay hielo") == []
    assert values("hay hielo\n?") == []


def test_chat_sender_names_are_not_terms() -> None:
    chat = ("[7/16/24, 3:25:38 AM] Plug: who got kush\n"
            "12/3/25, 9:41 p. m. - Perico: hola\n"
            "Plug, [21.09.2025 14:40]\nsend the kush\n")
    assert values(chat) == ["kush", "kush"]


def test_weak_verbs_count_only_nearby() -> None:
    far = "tengo " + "x" * 60 + " coca"
    assert values(far) == []
    assert values("tengo coca") == ["coca"]


def test_trade_terms_need_a_substance() -> None:
    assert values("paca") == []
    assert values("una paca de mota") == ["paca", "mota"]
    assert values("hit the plug") == []
    assert values("hit the plug for kush") == ["plug", "kush"]
    assert values("🔌") == []
    assert values("🔌 perico 💰") == ["🔌", "perico", "💰"]
    assert values("grapa") == []
    assert values("el narco") == ["narco"]


# -- spellings ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "raw", "value"), [
    ("hay p3rico", "p3rico", "perico"),
    ("m0t4", "m0t4", "mota"),
    ("PERIIICO disponible", "PERIIICO", "perico"),
    ("tengo pericooo", "pericooo", "perico"),
    ("c0caina", "c0caina", "cocaína"),
    ("cristaaal y meth", "cristaaal", "cristal"),
    ("a1prazolam Q10", "a1prazolam", "alprazolam"),
    ("éxtasis y tusi", "éxtasis", "éxtasis"),
    ("extasis y tusi", "extasis", "éxtasis"),
    ("marigüana", "marigüana", "marihuana"),
    ("díler de perico", "díler", "dealer"),
    ("diler de perico", "diler", "dealer"),
])
def test_chat_spellings(text: str, raw: str, value: str) -> None:
    assert one(text, raw).value == value


def test_letter_repetition_keeps_offsets() -> None:
    text = "tengo cocaaa!"
    hit = one(text, "cocaaa")
    assert (hit.start, hit.end, hit.value) == (6, 12, "coca")


@pytest.mark.parametrize("text", [
    "motocicleta", "cocaineras", "perico2", "xperico", "perico_", "peri-co",
    "la chivas ganó", "mercado", "tinaja", "hashtag", "oxygen", "ticket", "meeting",
])
def test_word_boundaries(text: str) -> None:
    assert values(text) == []


def test_hashtags_and_punctuation_are_boundaries() -> None:
    assert values("#mota") == ["mota"]
    assert values("¿hay perico?") == ["perico"]
    assert values("¿tusi?") == ["tusi"]
    assert values("(mota)") == ["mota"]
    assert values("“tusi”") == ["tusi"]
    assert values("perico/mota/cripy") == ["perico", "mota", "cripy"]
    assert values("🔥tusi") == ["tusi"]


# -- emoji -------------------------------------------------------------------------------------

def test_emoji_with_and_without_variation_selector() -> None:
    for snowflake in ("\u2744", "\u2744\ufe0f"):
        hit = one(f"{snowflake} 1g Q300", snowflake)
        assert hit.value == "\u2744"
        assert hit.attrs == {"category": "cocaine", "lang": "emoji", "confidence": "context"}


def test_a_run_of_one_emoji_is_one_hit() -> None:
    text = "tengo 💊💊💊 y 🍁🍁"
    found = hits(text)
    assert [(h.value, h.raw, h.start, h.end) for h in found] == [
        ("💊", "💊💊💊", 6, 9), ("🍁", "🍁🍁", 12, 14)]
    mixed = hits("tengo ❄️❄\ufe0f❄ 2g")
    assert [(h.raw, h.start, h.end) for h in mixed] == [("❄️❄\ufe0f❄", 6, 11)]


def test_different_emoji_side_by_side_are_separate_hits() -> None:
    assert values("💊🍁 tengo") == ["💊", "🍁"]


def test_skin_tones_belong_to_the_emoji() -> None:
    hit = one("⛷🏽 2g", "⛷🏽")
    assert (hit.start, hit.end, hit.attrs["category"]) == (0, 2, "cocaine")


def test_emoji_inside_zwj_sequences_are_not_codes() -> None:
    assert values("🧑\u200d🎄 2g") == []
    assert values("❄️\u200d🔥 2g") == []


# -- the family ------------------------------------------------------------------------------

def test_family_contract() -> None:
    assert FAMILY.name == "lexicon"
    assert FAMILY.types == frozenset({"drug_term"})
    assert "drug_term" in ALL_TYPES
    other = Context(types=frozenset({"phone"}))
    assert list(FAMILY.scan(prepare("perico"), other)) == []


def test_regex_fallback_finds_the_same() -> None:
    slow = LexiconFamily(use_regex=True)
    text = ("Hay perico y mota, la onza a Q350 🍃\ntengo ❄️❄️ 1g Q300 envíos\n"
            "una coca bien fría y hielo\npercs m30s xans 💊 dm\nc0ca p3rico PERIIICO 🧑\u200d🎄\n"
            "Compré Coca-Cola y pollo frito Q45 ñandú “tusi” 🔌 perico@gmail.com")
    fast = list(FAMILY.scan(prepare(text), Context()))
    assert fast == list(slow.scan(prepare(text), Context()))
    assert len(fast) >= 12


def test_demo_chat_line() -> None:
    chat = ("2/11/26, 20:01 - Cliente Demo: Buenas, vi lo de insta. Hay 🍃?\n"
            "2/11/26, 20:03 - Colibrí Express: Sí hay. La onza a Q350, el paquete de 5 a Q1,500\n")
    assert [(h.value, h.attrs["category"]) for h in hits(chat)] == [("🍃", "marijuana")]


# -- the window stays in the term's message ---------------------------------------------------

def test_context_from_another_message_does_not_confirm() -> None:
    chat = ("[23/09/25, 23:06:16] Ana: cuánto te debo? Q500\n"
            "[23/09/25, 23:06:24] Luis: traé hielo para las chelas\n"
            "[23/09/25, 23:06:59] Ana: ya está listo el pedido\n")
    assert values(chat) == []
    android = ("12/3/25, 9:40 p. m. - Ana: hay envíos\n"
               "12/3/25, 9:41 p. m. - Luis: hay nieve en el volcán\n")
    assert values(android) == []
    telegram = "Ana, [21.09.2025 14:40]\ncompré la coca\n\nLuis, [21.09.2025 14:41]\nQ150\n"
    assert values(telegram) == []


def test_continuation_lines_are_the_same_message() -> None:
    chat = ("[23/09/25, 23:06:24] Luis: hay hielo\n"
            "Q150 con envío a domicilio\n"
            "[23/09/25, 23:06:59] Ana: ok\n")
    assert values(chat) == ["hielo"]
    assert values("Luis, [21.09.2025 14:40]\ntengo molly\nQ150\n") == ["molly"]


def test_a_second_kind_of_context_may_come_from_the_next_message() -> None:
    chat = ("[23/09/25, 23:06:24] Luis: hielo Q150\n"
            "[23/09/25, 23:06:30] Luis: envíos a domicilio\n")
    assert values(chat) == ["hielo"]


def test_anchors_count_only_in_the_message() -> None:
    chat = ("[23/09/25, 23:06:24] Luis: perico 2g\n"
            "[23/09/25, 23:06:30] Ana: qué frío ❄️\n")
    assert values(chat) == ["perico"]


def test_price_per_gram_and_thousands() -> None:
    assert values("ice 1200 bucks a gram") == ["ice"]
    assert values("me quedan roches, 350 mil colones") == ["roche"]
    assert values("2 mil gramos de hielo") == []
    assert values("hielo, 2 mil gramos") == []
