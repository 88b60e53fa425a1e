"""Phone numbers, IMEIs and IMSIs in chat-like text: the formats people write, and the numbers
that must not come out as phones (dates, amounts, IDs, orders, cards, coordinates...)."""

from __future__ import annotations

import pytest

from sabueso.extract.base import Context, Hit, prepare
from sabueso.extract.mobileid import imei_from_imeisv, imsi_parts, luhn_check_digit, luhn_valid
from sabueso.extract.numbers import FAMILY
from sabueso.extract.numshape import REJECT, WEAK, is_date, shape
from sabueso.extract.phonectx import NEGATIVE, NEUTRAL, POSITIVE, keyword_verdict


def scan(text: str, region: str | None = None,
         types: frozenset[str] | None = None) -> list[Hit]:
    ctx = Context(region=region) if types is None else Context(region=region, types=types)
    hits = sorted(FAMILY.scan(prepare(text), ctx), key=lambda h: h.start)
    for h in hits:
        assert text[h.start:h.end] == h.raw
    return hits


def found(text: str, region: str | None = None) -> list[tuple[str, str, str]]:
    return [(h.type, h.value, h.raw) for h in scan(text, region)]


# (region, text, raw, E.164): exactly one phone, ``raw`` as it stands in the text.
PHONES = [
    # Guatemala: international forms with and without region, every local spelling
    (None, "+502 5512-3456", "+502 5512-3456", "+50255123456"),
    (None, "+502 55123456", "+502 55123456", "+50255123456"),
    (None, "+50255123456", "+50255123456", "+50255123456"),
    (None, "(+502) 5512 3456", "(+502) 5512 3456", "+50255123456"),
    (None, "+(502) 5512 3456", "+(502) 5512 3456", "+50255123456"),
    (None, "+ 502 5512 3456", "+ 502 5512 3456", "+50255123456"),
    (None, "00502 5512 3456", "00502 5512 3456", "+50255123456"),
    (None, "0050255123456", "0050255123456", "+50255123456"),
    (None, "011 502 5512 3456", "011 502 5512 3456", "+50255123456"),
    (None, "mi numero 502 5512 3456", "502 5512 3456", "+50255123456"),
    (None, "502-5512-3456", "502-5512-3456", "+50255123456"),
    (None, "(502) 5512-3456", "(502) 5512-3456", "+50255123456"),
    (None, "escribime al 50255123456", "50255123456", "+50255123456"),
    ("GT", "mi numero 502 5512 3456", "502 5512 3456", "+50255123456"),
    ("SV", "el de mi tío 502 5512 3456", "502 5512 3456", "+50255123456"),
    ("GT", "5512-3456", "5512-3456", "+50255123456"),
    ("GT", "5512 3456", "5512 3456", "+50255123456"),
    ("GT", "55 12 34 56", "55 12 34 56", "+50255123456"),
    ("GT", "55-12-34-56", "55-12-34-56", "+50255123456"),
    ("GT", "5512.3456", "5512.3456", "+50255123456"),
    ("GT", "55123456", "55123456", "+50255123456"),
    ("GT", "fijo 2245 6789", "2245 6789", "+50222456789"),
    ("GT", "50255123456", "50255123456", "+50255123456"),
    # labels and emoji
    ("GT", "tel:55123456", "55123456", "+50255123456"),
    ("GT", "Tel: 5512-3456", "5512-3456", "+50255123456"),
    ("GT", "Cel. 5512 3456", "5512 3456", "+50255123456"),
    ("GT", "Cel.55123456", "55123456", "+50255123456"),
    ("GT", "WhatsApp: 5512 3456", "5512 3456", "+50255123456"),
    ("GT", "WA 55123456", "55123456", "+50255123456"),
    ("GT", "📞5512-3456", "5512-3456", "+50255123456"),
    ("GT", "📱 55123456", "55123456", "+50255123456"),
    ("GT", "Tel/WhatsApp: 5512-3456.", "5512-3456", "+50255123456"),
    ("GT", "cel # 5512 3456", "5512 3456", "+50255123456"),
    ("GT", "Tel. No. 5512-3456", "5512-3456", "+50255123456"),
    ("GT", "a la orden 5512-3456", "5512-3456", "+50255123456"),
    ("GT", "pedidos al 5512 3456", "5512 3456", "+50255123456"),
    ("GT", "Juan (5512-3456)", "5512-3456", "+50255123456"),
    ("GT", "a las 17:45 5512 3456", "5512 3456", "+50255123456"),
    ("GT", "mandame foto del depósito, 5512-3456", "5512-3456", "+50255123456"),
    ("GT", "te pago mañana, llamá al 5512-3456", "5512-3456", "+50255123456"),
    # El Salvador, Honduras, Nicaragua, Costa Rica, Panama, Belize
    ("SV", "7012-3456", "7012-3456", "+50370123456"),
    (None, "+503 7012 3456", "+503 7012 3456", "+50370123456"),
    ("HN", "9123-4567", "9123-4567", "+50491234567"),
    (None, "+504 9123-4567", "+504 9123-4567", "+50491234567"),
    ("NI", "8123 4567", "8123 4567", "+50581234567"),
    (None, "+505 8123 4567", "+505 8123 4567", "+50581234567"),
    ("CR", "8312-3456", "8312-3456", "+50683123456"),
    ("CR", "2222-3456", "2222-3456", "+50622223456"),
    (None, "+506 8312 3456", "+506 8312 3456", "+50683123456"),
    ("PA", "6123-4567", "6123-4567", "+50761234567"),
    ("PA", "oficina 223-4567", "223-4567", "+5072234567"),
    (None, "+507 6123-4567", "+507 6123-4567", "+50761234567"),
    ("BZ", "622-1234", "622-1234", "+5016221234"),
    (None, "+501 622-1234", "+501 622-1234", "+5016221234"),
    # Dominican Republic: NANP forms, with and without region
    (None, "(809) 555-0147", "(809) 555-0147", "+18095550147"),
    (None, "809-555-0147", "809-555-0147", "+18095550147"),
    (None, "809.555.0147", "809.555.0147", "+18095550147"),
    (None, "1-809-555-0147", "1-809-555-0147", "+18095550147"),
    (None, "+1 (829) 555 0199", "+1 (829) 555 0199", "+18295550199"),
    (None, "+1-849-555-0123", "+1-849-555-0123", "+18495550123"),
    ("DO", "849 555 0123", "849 555 0123", "+18495550123"),
    ("DO", "8495550123", "8495550123", "+18495550123"),
    ("DO", "(809)555-0147", "(809)555-0147", "+18095550147"),
    ("GT", "1-809-555-0147", "1-809-555-0147", "+18095550147"),
    ("GT", "el de Santo Domingo (809) 555-0147", "(809) 555-0147", "+18095550147"),
    (None, "+(1) (809) 555-0147", "+(1) (809) 555-0147", "+18095550147"),
    (None, "(+1) (809) 555-0147", "(+1) (809) 555-0147", "+18095550147"),
    # Mexico, Colombia, United States
    ("MX", "55 1234 5678", "55 1234 5678", "+525512345678"),
    ("MX", "(55) 1234-5678", "(55) 1234-5678", "+525512345678"),
    ("MX", "5512345678", "5512345678", "+525512345678"),
    (None, "+52 55 1234 5678", "+52 55 1234 5678", "+525512345678"),
    (None, "+52 1 55 1234 5678", "+52 1 55 1234 5678", "+525512345678"),
    (None, "52 656 516 0308", "52 656 516 0308", "+526565160308"),
    ("CO", "300 123 4567", "300 123 4567", "+573001234567"),
    ("CO", "3001234567", "3001234567", "+573001234567"),
    (None, "+57 300 1234567", "+57 300 1234567", "+573001234567"),
    (None, "(+57) 300 123 4567", "(+57) 300 123 4567", "+573001234567"),
    ("US", "(212) 555-0123", "(212) 555-0123", "+12125550123"),
    ("US", "212-555-0123", "212-555-0123", "+12125550123"),
    ("US", "text me at 212.555.0123", "212.555.0123", "+12125550123"),
    ("US", "1 (212) 555-0123", "1 (212) 555-0123", "+12125550123"),
    (None, "+1 212 555 0123", "+1 212 555 0123", "+12125550123"),
    ("US", "WhatsApp 011 502 5512 3456", "011 502 5512 3456", "+50255123456"),
    ("US", "my # is 212 555 0123", "212 555 0123", "+12125550123"),
    ("GT", "mi tía en Nueva York (212) 555-0123", "(212) 555-0123", "+12125550123"),
    ("GT", "5512 3456 mil gracias", "5512 3456", "+50255123456"),
    ("GT", "_5512-3456_", "5512-3456", "+50255123456"),
    ("GT", "*5512 3456*", "5512 3456", "+50255123456"),
    # elsewhere, with "+"
    (None, "+34 612 34 56 78", "+34 612 34 56 78", "+34612345678"),
    # chat export headers: the author is a number
    (None, "12/03/25, 17:45 - +502 5512 3456: hola", "+502 5512 3456", "+50255123456"),
    (None, "[12/03/25, 17:45:12] +502 5512 3456: hola", "+502 5512 3456", "+50255123456"),
    (None, "\u200e[12/03/25, 17:45:12] +503\u00a07012\u00a03456: ok", "+503\u00a07012\u00a03456",
     "+50370123456"),
    # full-width digits and dashes, typed on phones with an East Asian keyboard
    ("GT", "cel ５５１２－３４５６", "５５１２－３４５６", "+50255123456"),
    (None, "+５０２ ５５１２ ３４５６", "+５０２ ５５１２ ３４５６", "+50255123456"),
    # a CDR row
    ("GT", "12/03/2025;17:45:30;50255123456;00:01:12", "50255123456", "+50255123456"),
    ("GT", "17:45:30,50255123456,00:01:12", "50255123456", "+50255123456"),
]


@pytest.mark.parametrize(("region", "text", "raw", "value"), PHONES)
def test_phone_forms(region: str | None, text: str, raw: str, value: str) -> None:
    hits = scan(text, region)
    assert [(h.type, h.value, h.raw) for h in hits] == [("phone", value, raw)]
    assert hits[0].start == text.index(raw)
    assert hits[0].end == hits[0].start + len(raw)


# (region, text): nothing comes out.
NOT_PHONES = [
    # dates and times
    ("GT", "12/03/2025"), ("SV", "2025-03-12"), ("SV", "12-03-2025"), ("SV", "12.03.2025"),
    ("GT", "12.03.25"), ("GT", "17:45"), ("GT", "5:30 p. m."), ("SV", "20250312"),
    ("GT", "nos vemos el 12 03 2025"), ("GT", "[22.03.24 15:06] Mario: ok"),
    ("SV", "Franklin, [21.01.2023 09:04]"), ("DO", "2025-03-12 17:45:00"),
    ("GT", "2025-03-12T17:45:00"),
    # amounts and quantities
    ("GT", "Q1,500"), ("GT", "Q 1500.00"), ("HN", "L. 350"), ("HN", "L350"), ("CR", "₡25 000"),
    ("CR", "₡25.000"), ("CR", "25 000 colones"),
    ("CR", "₡25.000.000"), ("GT", "Q 25.000.000"), ("CR", "25.000.000"), ("PA", "B/. 150"),
    ("DO", "RD$ 2,500"), ("GT", "$2,500.00"), ("GT", "USD 1500"), ("GT", "1,500.00"),
    ("CR", "25 000 000 colones"), ("GT", "500 gr"), ("GT", "2 onzas"), ("PA", "B/. 2.345.678"),
    ("MX", "$ 5512345678"), ("MX", "5512345678,50"), ("MX", "55123456.00"),
    ("GT", "25000000"), ("GT", "los 55123456 quetzales"), ("GT", "subió 55123456%"),
    # identity and tax numbers
    ("GT", "DPI 2547 12345 0101"), ("GT", "2547 12345 0101"), ("GT", "2547123450101"),
    ("GT", "NIT 1234567-8"), ("GT", "1234567-8"), ("GT", "1234567-K"), ("SV", "01234567-8"),
    ("SV", "DUI 01234567-8"), ("HN", "0801-1990-12345"), ("HN", "identidad 0501 1990 12345"),
    ("CR", "1-1234-0567"), ("CR", "112340567"), ("PA", "8-123-4567"), ("PA", "10-123-4567"),
    ("DO", "001-1234567-8"), ("DO", "RNC 1-01-12345-6"), ("SV", "NIT 0614-123456-123-4"),
    ("NI", "cédula 001-123456-1234A"), ("US", "SSN 123-45-6789"),
    # coordinates, versions, addresses
    ("GT", "14.6349, -90.5069"), ("GT", "14.634912, -90.506912"), ("GT", "14°38'05\"N"),
    ("GT", "13.12345 -85.12345"), ("GT", "v2.3.1"), ("GT", "1.2.3.4"),
    ("GT", "192.168.100.200"), ("NI", "entró desde 200.85.203[.]171"),
    ("GT", "55.12.34.56"), ("GT", "build 10.0.19045.3930"),
    ("PA", 'GET /login HTTP/1.1" 200 1318 "-"'),
    # orders, tracking, invoices, accounts, cards, codes
    ("GT", "Pedido #55123456"), ("GT", "orden 55123456"), ("GT", "guía 1234567890"),
    ("GT", "factura No. 5512-3456"), ("GT", "tracking 1Z999AA10123456784"),
    ("GT", "ref. 55123456"), ("GT", "cuenta 1234567890"), ("MX", "cuenta 1234567890"),
    ("MX", "número de cuenta: 5512345678"), ("DO", "cuenta Banreservas 8095550147"),
    ("GT", "del 2020-2025"), ("GT", "id_55123456"), ("US", "Acct # 2125550123"),
    ("GT", "4111 1111 1111 1111"), ("GT", "4111111111111111"), ("GT", "código 55123456"),
    ("GT", "PIN 55123456"), ("GT", "total 55123456"), ("GT", "#55123456"),
    ("GT", "No. 55123456"), ("GT", "Nº 55123456"), ("GT", "serie 55123456"),
    ("US", "Order #2125550123"), ("GT", "caso MP-55123456"), ("GT", "expediente 55123456"),
    ("GT", "Cell ID: 704-01-1234-12345"),
    # glued to letters, files, parts of longer digit groups, ranges
    ("GT", "ABC55123456"), ("GT", "x55123456"), ("GT", "55123456x"),
    ("GT", "IMG-20250312-WA0001.jpg"),
    ("GT", "VID-20250312-WA0001.mp4"), ("GT", "5512-3456-7890"), ("GT", "55 12 34 56 78"),
    ("GT", "1234567890123456789012345"), ("GT", "55123456@s.whatsapp.net"),
    ("GT", "x.com/p/55123456"), ("GT", "?id=55123456"),
    # invalid numbers, local numbers without a region
    ("GT", "12345678"), ("GT", "5512 345"), (None, "55123456"), (None, "5512 3456"),
    (None, "8095550147"), ("GT", "4444 4444"), ("GT", "5 512 345"),
]


@pytest.mark.parametrize(("region", "text"), NOT_PHONES)
def test_not_phones(region: str | None, text: str) -> None:
    assert found(text, region) == []


# (region, message, the raw phones in it): messages as people write them.
MESSAGES = [
    ("GT", "Buenas, soy Carlos, mi whats es 4021-8890 por cualquier cosa", ["4021-8890"]),
    ("GT", "[14/02/24 9:15:03 p. m.] Chino: ya te deposité los Q2,500 a la cuenta 3012345678",
     []),
    ("GT", "ok, el número de la guía es 8890123456, llega el lunes", []),
    ("GT", "Mi DPI: 1234 56789 0101, NIT: 123456-7, tel 5555-1234", ["5555-1234"]),
    ("GT", "Se vende iPhone 13, IMEI 356789104563219, precio Q3,500. Info al 📲 4789-1234",
     ["4789-1234"]),
    ("SV", "depositame $150 a la cuenta 0034-5678-90 y mandame el comprobante al 7123-4567",
     ["7123-4567"]),
    ("HN", "Lps. 1,500 el gramo, pedidos al +504 9988-7766 o 3322-1100",
     ["+504 9988-7766", "3322-1100"]),
    ("HN", "mi identidad es 0801-1995-04321 y mi cel 9876-5432", ["9876-5432"]),
    ("NI", "C$ 2,000 la onza. Llamá al 8765-4321 (Claro) o 5876-5432 (Tigo)",
     ["8765-4321", "5876-5432"]),
    ("CR", "₡15.000 la bolsita, sinpe al 8888-1234 a nombre de Juan", ["8888-1234"]),
    ("CR", "cédula 1-0987-0654, tel. 2222 3344", ["2222 3344"]),
    ("PA", "B/. 40 cada una, escríbeme al 6677-8899 o llama al 223-4455",
     ["6677-8899", "223-4455"]),
    ("PA", "Cédula 8-765-4321, celular 6543-2109", ["6543-2109"]),
    ("DO", "RD$ 1,500 la funda, llamar al 809-555-1234 o WhatsApp 829 555 9876",
     ["809-555-1234", "829 555 9876"]),
    ("DO", "Cédula 001-1234567-8, tel (849) 555-7777", ["(849) 555-7777"]),
    ("US", "hmu at 213-555-0199 or text 213 555 0188, $40 a g", ["213-555-0199", "213 555 0188"]),
    ("US", "call me (646) 555-0123 ext 45", ["(646) 555-0123"]),
    ("US", "Flight UA 1234 conf# 5566778899", []),
    ("MX", "Marca al 55 1234 5678 o al (33) 3456-7890, $500 el gramo",
     ["55 1234 5678", "(33) 3456-7890"]),
    ("CO", "Escríbeme al 310 456 7890, son $50.000 pesos", ["310 456 7890"]),
    ("GT", "el 15/03/2024 55667788 me llamó", ["55667788"]),
    ("GT", "año 2023 55667788", ["55667788"]),
    ("GT", "40.50 55667788", ["55667788"]),
    ("GT", "ref 5566-7788 tel 5566-7789", ["5566-7789"]),
    ("GT", "De: 50255667788 Para: 50244556677", ["50255667788", "50244556677"]),
    ("GT", "19179138465", ["19179138465"]),  # a US number as CDRs write it
    ("GT", "1800 111 2222", ["1800 111 2222"]),  # a Guatemalan toll-free number
]


@pytest.mark.parametrize(("region", "text", "raws"), MESSAGES)
def test_messages(region: str, text: str, raws: list[str]) -> None:
    hits = [h for h in scan(text, region) if h.type == "phone"]
    assert [h.raw for h in hits] == raws


def test_several_numbers_in_one_run() -> None:
    assert [h.value for h in scan("5512-3456/5598-7654", "GT")] == ["+50255123456",
                                                                    "+50255987654"]
    assert [h.value for h in scan("5512-3456, 5598-7654", "GT")] == ["+50255123456",
                                                                     "+50255987654"]
    assert [h.raw for h in scan("55123456 55987654", "GT")] == ["55123456", "55987654"]
    assert [h.raw for h in scan("5512-3456 5598-7654", "GT")] == ["5512-3456", "5598-7654"]
    # spaced fours are what a card looks like: no telling where one number ends
    assert scan("5512 3456 5598 7654", "GT") == []


def test_numbers_after_a_plus_number() -> None:
    text = "+502 5512 3456 y 5598 7654"
    hits = scan(text, "GT")
    assert [(h.raw, h.value) for h in hits] == [("+502 5512 3456", "+50255123456"),
                                                ("5598 7654", "+50255987654")]
    # with no region, local numbers are read in the country of most "+" numbers of the text
    assert [h.value for h in scan(text)] == ["+50255123456", "+50255987654"]
    chat = ("7012 3456 es el de Juan\n+503 7777 1234: ok\n+503 7012 9999: va\n"
            "+502 5512 3456: hola\nllamá al 2245 6789")
    assert [h.value for h in scan(chat)] == ["+50370123456", "+50377771234", "+50370129999",
                                             "+50255123456", "+50322456789"]
    assert [h.value for h in scan("5598 7654 y 2245 6789")] == []
    # and a long run after "+": the longest valid number, then the rest on its own
    assert [h.raw for h in scan("+502 5512 3456 5598 7654", "GT")] == ["+502 5512 3456",
                                                                      "5598 7654"]


def test_region_inference_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from sabueso.extract import numbers

    monkeypatch.setattr(numbers, "INFER_REGION", False)
    assert [h.value for h in scan("+502 5512 3456 y 5598 7654")] == ["+50255123456"]


def test_exact_offsets_in_a_chat_line() -> None:
    text = "12/3/25, 9:41\u202fp.\u00a0m. - Chepe: llamame al 5512-3456 o al (809) 555-0147 😂"
    hits = scan(text, "GT")
    assert [(h.value, h.start, h.end) for h in hits] == [
        ("+50255123456", text.index("5512"), text.index("5512") + 9),
        ("+18095550147", text.index("(809)"), text.index("(809)") + 14),
    ]


def test_attributes() -> None:
    (hit,) = scan("+502 5512 3456")
    assert hit.attrs["country"] == "GT"
    assert hit.attrs["number_type"] == "mobile"
    assert hit.attrs["carrier"]
    (hit,) = scan("(809) 555-0147")
    assert hit.attrs["country"] == "DO"
    assert "carrier" not in hit.attrs or hit.attrs["carrier"]


def test_region_is_case_insensitive_and_types_filter() -> None:
    assert found("5512-3456", "gt") == [("phone", "+50255123456", "5512-3456")]
    text = "cel 5512-3456 IMEI 352099001761481"
    assert [h.type for h in scan(text, "GT", frozenset({"imei"}))] == ["imei"]
    assert [h.type for h in scan(text, "GT", frozenset({"phone"}))] == ["phone"]
    assert scan(text, "GT", frozenset({"email"})) == []


IMEI = "352099001761481"


@pytest.mark.parametrize("raw", [
    "35-209900-176148-1", "35 209900 176148 1", "352099001761481", "35209900-176148-1",
    "352099 00 176148 1", "35209900176148/1",
])
def test_imei_forms(raw: str) -> None:
    for text in (f"IMEI {raw}", f"el equipo {raw} fue robado", f"{raw}"):
        hits = scan(text)
        assert [(h.type, h.value, h.raw) for h in hits] == [("imei", IMEI, raw)]
        assert hits[0].attrs == {"tac": "35209900"}


def test_imei_rules() -> None:
    # the check digit must hold
    assert scan("IMEI 352099001761482") == []
    # an IMEISV (16 digits) only when labelled; the value is the IMEI with its check digit
    assert found("IMEISV: 3520990017614823") == [("imei", IMEI, "3520990017614823")]
    assert found("IMEI 35 209900 176148 23") == [("imei", IMEI, "35 209900 176148 23")]
    assert found("3520990017614823") == []
    # a Luhn-valid number with no allocated reporting body needs a label
    body = "7720990017614"
    odd = body + "0" + luhn_check_digit(body + "0")
    assert scan(odd) == []
    assert found(f"IMEI: {odd}") == [("imei", odd, odd)]
    # a card number is not an IMEI
    assert scan("tarjeta 378282246310005") == []
    assert scan("tarjeta 352099001761481") == []
    # a phone dialled from the United States, said to be one
    assert found("WhatsApp 011523387961004", "US") == [
        ("phone", "+523387961004", "011523387961004")]
    # ...and the same digits in a CDR column, where they are an IMEI
    assert found("00:00:59,011523387961004,704-01-1234-12345", "HN") == [
        ("imei", "011523387961004", "011523387961004")]


def test_imsi() -> None:
    hits = scan("IMSI 704011234567890")
    assert [(h.type, h.value) for h in hits] == [("imsi", "704011234567890")]
    assert hits[0].attrs == {"mcc": "704", "mnc": "01", "country": "GT"}
    assert [h.attrs["country"] for h in scan("334020123456789 y 310260123456789")] == ["MX",
                                                                                     "US"]
    assert found("708001234567890")[0][:2] == ("imsi", "708001234567890")
    assert scan("708991234567890") == []  # no such operator in Honduras
    assert found("IMSI: 704-01-1234567890") == [("imsi", "704011234567890",
                                                 "704-01-1234567890")]


def test_imsi_or_imei_when_both_hold() -> None:
    digits = "33402012345678"
    both = digits + luhn_check_digit(digits)
    assert luhn_valid(both) and imsi_parts(both)
    assert found(both)[0][0] == "imsi"
    assert found(f"IMEI {both}")[0][0] == "imei"
    assert found(f"SIM {both}")[0][0] == "imsi"


def test_validators() -> None:
    assert luhn_valid(IMEI) and not luhn_valid("352099001761482")
    assert imei_from_imeisv("3520990017614823") == IMEI
    assert imsi_parts("714020123456789") == ("714", "020", "PA")
    assert imsi_parts("12345") is None
    assert is_date(("12", "03", "2025")) and is_date(("2025", "03", "12"))
    assert not is_date(("5512", "34", "56"))
    assert shape(("2547", "12345", "0101"), (" ", " ")) == REJECT
    assert shape(("25", "000", "000"), (".", ".")) == WEAK
    assert shape(("20250312",), ()) == WEAK


@pytest.mark.parametrize(("before", "verdict"), [
    ("mi cel es ", POSITIVE), ("número de cuenta: ", NEGATIVE), ("Pedido #", NEGATIVE),
    ("Tel #", POSITIVE), ("la cuenta Banrural ", NEGATIVE), ("el pedido llegó, ", NEUTRAL),
    ("hola ", NEUTRAL), ("", NEUTRAL), ("pedido\n", NEUTRAL), ("a la orden ", NEUTRAL),
])
def test_keyword_verdict(before: str, verdict: int) -> None:
    text = (before + "5512").lower()
    assert keyword_verdict(text, len(before)) == verdict


def test_weak_shapes_need_a_label() -> None:
    assert scan("20250312", "SV") == []
    assert scan("25.000.000", "GT") == []
    assert found("8095550147") == []
    assert found("llamame al 8095550147") == [("phone", "+18095550147", "8095550147")]
    assert found("tel 2.234.567", "PA") == [("phone", "+5072234567", "2.234.567")]


def test_repeated_numbers_use_the_cache() -> None:
    line = "llamá al 5512-3456 o al +503 7012 3456\n"
    hits = scan(line * 500, "GT")
    assert len(hits) == 1000
    assert hits[-1].start == len(line) * 499 + line.index("+503")
