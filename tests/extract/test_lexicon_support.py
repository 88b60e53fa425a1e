"""Drug-lexicon support between terms: an unambiguous term supports the ambiguous ones in its
message, two ambiguous terms support each other with one sign of trade, and the decision does
not depend on the order of the terms. Examples from ``research/extraction.md`` section 3."""

from __future__ import annotations

import pytest

from sabueso.extract.base import Context, prepare
from sabueso.extract.lexicon import FAMILY


def found(text: str) -> list[tuple[str, str]]:
    """(raw text, confidence) of every drug term in ``text``."""
    return [(h.raw, h.attrs["confidence"]) for h in FAMILY.scan(prepare(text), Context())]


def test_honduran_whatsapp_order() -> None:
    # El Heraldo (Honduras, 2022): "Necesito perico o mota". mota is unambiguous and confirms
    # perico; the order of the two words does not matter.
    assert found("Necesito perico o mota") == [("perico", "context"), ("mota", "high")]
    assert found("Necesito mota o perico") == [("mota", "high"), ("perico", "context")]
    assert found("mota o perico") == [("mota", "high"), ("perico", "context")]


@pytest.mark.parametrize("text", [
    "el perico de mi abuela canta",
    "el perico de la abuela habla",
    "perico",
    "perico y pollo",                      # a parakeet and a chicken: the same substance twice
    "coca y perico",
    "perico y piedra",                     # two ambiguous terms without any sign of trade
    "vendo periquito australiano",
    "huevos pericos",
    "my parrot molly",
])
def test_perico_and_other_ambiguous_words_alone(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(("text", "raws"), [
    ("Hay perico?", ["perico"]),                              # a common verb next to it
    ("perico a Q250 el gramo", ["perico"]),                   # a price
    ("perico disponible", ["perico"]),                        # a selling word
    ("perico, escribime al 5555-1234", ["perico"]),           # a contact
    ("perico, escribime wa.me/50255551234", ["perico"]),
    ("perico y piedra a Q300", ["perico", "piedra"]),         # two ambiguous terms + a price
    ("perico y piedra, envíos", ["perico", "piedra"]),        # ... + a selling word
    ("perico y piedra 📲 7777-1234", ["perico", "piedra"]),   # ... + a contact
    ("perico ❄️❄️ disponible 📦", ["perico", "❄️❄️"]),       # a word and its emoji code
])
def test_ambiguous_terms_with_a_sign_of_trade(text: str, raws: list[str]) -> None:
    assert [raw for raw, _ in found(text)] == raws


def test_a_price_list_line() -> None:
    line = "MENÚ perico 1g Q250 | piedra Q100 | 🍃 la onza Q400 | envíos a domicilio"
    assert [raw for raw, _ in found(line)] == ["perico", "piedra", "🍃"]


def test_english_and_emoji() -> None:
    assert [raw for raw, _ in found("fresh coke and molly, hmu")] == ["coke", "molly"]
    # Two 'some' terms naming different substances support each other.
    assert [raw for raw, _ in found("ecstasy gone, only oxy left")] == ["ecstasy", "oxy"]
    assert [raw for raw, _ in found("🍃 y perico, precio por inbox")] == ["🍃", "perico"]
    assert found("❄️ perico") == []  # a snowflake and a parakeet: no sign of trade


def test_the_order_of_the_terms_does_not_matter() -> None:
    # piedra (high) needs an anchor: perico, anchored by the dose, is one wherever it stands.
    assert [raw for raw, _ in found("piedra y perico 2g")] == ["piedra", "perico"]
    assert [raw for raw, _ in found("perico 2g y piedra")] == ["perico", "piedra"]
    assert [raw for raw, _ in found("2g de perico y piedra")] == ["perico", "piedra"]


def test_common_verbs_count_on_the_terms_line_only() -> None:
    assert found("traeme perico") == [("perico", "context")]
    assert found("el perico de la abuela habla\ntraeme 6 mangos por fa") == []


def test_a_phone_number_as_the_sender_is_not_a_contact_signal() -> None:
    chat = "12/3/25, 9:41 p. m. - +504 9999-1234: el perico de la abuela habla\n"
    assert found(chat) == []
    chat = "12/3/25, 9:41 p. m. - Ana: el perico, llamá al +504 9999-1234\n"
    assert found(chat) == [("perico", "context")]


@pytest.mark.parametrize(("text", "raws"), [
    # Guatemala (Diario de Centro América, 2024): tusi / cocaína rosa in small bags.
    ("tusi rosado a Q300 la bolsita", ["tusi"]),
    ("hay cocaína rosa", ["cocaína rosa"]),
    # Honduras (El Heraldo, 2022): orders by WhatsApp, delivery by motorcycle riders.
    ("necesito perico, el repartidor pasa a las 8", ["perico"]),
    # El Salvador / Guatemala / Honduras: monte and cristal (regions of the lexicon entries).
    ("tenés monte?", ["monte"]),
    ("cristal y mota, envíos a domicilio", ["cristal", "mota"]),
    # Dominican Republic (n.com.do, 2021): traqueto, coronar la vuelta.
    ("el traqueto coronó la vuelta", ["traqueto"]),
    ("hay manteca?", ["manteca"]),
    # Costa Rica (La Nación, 2016): perico and pollo for cocaine, piedra for crack.
    ("mae, hay pollo y piedra a ₡5000", ["pollo", "piedra"]),
])
def test_regional_slang(text: str, raws: list[str]) -> None:
    assert [raw for raw, _ in found(text)] == raws


@pytest.mark.parametrize("text", [
    "manteca para los frijoles",
    "hay pollo frito a Q25 la pieza",
    "la piedra del río",
])
def test_regional_words_in_ordinary_use(text: str) -> None:
    assert found(text) == []
