"""What the words around a number say it is: a phone, an amount, an ID, an order number.

Chats label numbers the way people talk: ``cel 5512 3456``, ``mi número de WhatsApp es el
...``, ``número de cuenta: ...``, ``Pedido #...``, ``Q 1500``, ``25 000 colones``. These
functions read the few dozen characters before a candidate (on the same line, in the
lower-cased prepared text) and the few after it, and say which way the words lean. The
numbers family uses the verdict only for readings that need it: a number written with ``+``
and its country code is a phone whatever words stand before it.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "DEVICE",
    "NEGATIVE",
    "NEUTRAL",
    "POSITIVE",
    "amount_after",
    "amount_before",
    "keyword_verdict",
    "mobile_id_hint",
]

NEUTRAL = 0
POSITIVE = 1
NEGATIVE = 2
DEVICE = 3  # an IMEI/IMSI label: negative for a phone, the deciding word for a mobile ID
_FILL = 4
_WEAKNEG = 5

_WINDOW = 48


def _forms(words: str) -> list[str]:
    """Each word as written and without its accents (people type both)."""
    out: list[str] = []
    for word in words.split():
        out.append(word)
        plain = "".join(c for c in unicodedata.normalize("NFD", word)
                        if not unicodedata.combining(c))
        if plain != word:
            out.append(unicodedata.normalize("NFC", plain))
    return out


# Words that say the number after them is something else: an identity document, an order,
# a shipment, an account, a code, a price. Plurals are left out on purpose where the plural
# is how a business advertises its phone ("pedidos al 5512 3456").
_NEG = """
    dpi nit dui dni cui cédula ced pasaporte passport rtn ruc rnc rut nie nss ssn curp rfc
    identidad identificación dimex licencia placa placas chasis vin carnet carné
    cvv exp celda cgi
    pedido orden order guía factura invoice ref referencia reference recibo receipt ticket
    folio boleta comprobante transacción transaction operación autorización contrato póliza
    expediente caso case tracking rastreo envío paquete
    cuenta cta account acct tarjeta card iban clabe swift id código cod code pin otp clave
    contraseña password token
    total precio price monto importe saldo balance costo cost valor lote modelo model sku
    artículo item producto cantidad depósito transferencia
    usd gtq mxn dólares quetzales lempiras colones pesos
"""
# Device and SIM words: a number after them is an IMEI/IMSI or a serial, not a phone.
_IMEI_WORDS = "imei imeisv serie serial s/n sn equipo dispositivo device handset"
_IMSI_WORDS = "imsi sim chip iccid"
# Words that announce a phone number (Spanish as written in Central America, English).
_POS = """
    tel teléfono telefono tfno tlf telf fono cel celular cell cellphone móvil mobile
    whatsapp whats wsp wpp wasap guasap watsap wa llamar llamada llamadas llámame llama
    llámenos llamenos llamá llamame marcar márcame marcá marcame escríbeme escríbime escribime
    escribíme escribí escríbanos escribinos escribir escribe háblame hablame hablá contactá
    comunicá texteame wasapeame mensajeame mensaje
    msj sms número num núm contacto contacta contáctame contáctanos comunícate comunicarse
    info información informes pedidos ventas consultas reservas reservaciones citas phone
    call text txt dial fax pbx línea telegram signal msisdn abonado 📞 ☎ 📱 📲
"""
# What may stand between a label and its number: articles, "de", "No.", "es" (punctuation
# other than , ; ! ? is not even a token).
_FILLER = "de del la el es no nro num número mi su tu n is my the number of"
# Weak labels: "No.", "Nº", "#" introduce phones too ("cel #", "tel. No."), so they count as
# negative only when no phone word stands right before them.
_WEAK = "no. nº n° nro nro. #"

_KIND: dict[str, int] = {}
for _label, _words in ((_FILL, _FILLER), (NEGATIVE, _NEG), (DEVICE, _IMEI_WORDS),
                      (DEVICE, _IMSI_WORDS), (POSITIVE, _POS), (_WEAKNEG, _WEAK)):
    for _word in _forms(_words):
        _KIND[_word] = _label
_IMSI_SET = frozenset(_forms(_IMSI_WORDS))
_ACCOUNT = frozenset(_forms("cuenta cta account acct tarjeta card"))
_MINE = frozenset({"mi", "tu", "su", "my", "your", "his", "her"})
_TOWARDS = frozenset({"al", "a", "para", "to", "at"})

# Words (lower-case Latin letters, "º", "°", one trailing dot; "tel/whatsapp" is two words),
# numbers, "#", phone emoji and the punctuation that ends a clause (a label does not reach
# across it). Plain ranges keep the scan cheap; other scripts only break words apart.
_TOKEN = re.compile(r"s/n|[a-zß-öø-ÿº°]+\.?|[0-9]+|[#📞☎📱📲,;!?]")

# A currency sign or code right before the number: Q, L., Lps, $, RD$, US$, C$, ₡, B/., USD...
# (and the status code after the protocol of a web log line: 'HTTP/1.1" 200 1318').
_AMOUNT_BEFORE = re.compile(
    r"(?:(?<![a-z0-9])(?:q|l|lps|b/|usd|gtq|hnl|crc|nio|dop|mxn|cop|pab|bzd|eur|dls)\.?"
    r"|[$₡¢€£]|http/[0-9.]+\")\s*$"
)
# A unit or currency word right after it: "25 000 colones", "500 gr", "1500 USD", "20%".
# ("mil" is left out: after seven digits or more it is "mil gracias", not a thousand.)
_AMOUNT_AFTER = re.compile(
    r"\s?(?:%|(?:colones|col|quetzales|quetzal|lempiras|lps|pesos|d[oó]lares|usd|gtq|hnl|"
    r"crc|mxn|cop|dop|balboas|c[oó]rdobas|bs|gr|grs|g|gramos|kg|kgs|kilos|mg|ml|lb|lbs|"
    r"libras|onzas|oz|km|mts|cm|unidades|uds|pzs|pcs|piezas|bolsas|dosis|pts|puntos|bytes|"
    r"kb|mb|gb)(?!\w))"
)


def _window(lower: str, start: int) -> str:
    lo = max(0, start - _WINDOW)
    cut = lower.rfind("\n", lo, start)
    return lower[cut + 1 if cut >= 0 else lo:start]


def _kind(token: str) -> int | None:
    kind = _KIND.get(token)
    if kind is None and token[-1] == ".":
        kind = _KIND.get(token[:-1])
    return kind


def keyword_verdict(lower: str, start: int) -> int:
    """How the label before ``lower[start:]`` reads: POSITIVE, NEGATIVE, DEVICE or NEUTRAL.

    The nearest label decides. A phone label counts anywhere in the window ("mi número de
    WhatsApp es el ..."). A negative or device label counts only when nothing but filler
    ("de", "No.", ":", "es"...) stands between it and the number ("número de cuenta: ...",
    "pedido #..."), or one more word after an account or card word ("cuenta Banrural ...");
    not across a comma, a question mark or a full stop, nor when the number is where
    something goes ("mandame el comprobante al ..."). ``#`` and ``No.`` lean negative unless
    a phone word or a possessive comes right before them ("cel #", "my # is").
    """
    tokens = _TOKEN.findall(_window(lower, start))
    stray = 0  # words between the label and the number that are neither labels nor filler
    for i in range(len(tokens) - 1, -1, -1):
        token = tokens[i]
        kind = _kind(token)
        if kind == _FILL:
            continue
        if kind == POSITIVE:
            return POSITIVE
        if kind is None or (i and tokens[i - 1] == "la" and token.rstrip(".") == "orden"):
            # a word, a number, a comma or a question mark ("a la orden": at your service);
            # "al", "a", "to": the number is where something goes ("el comprobante al ...")
            stray += 1 if token[0].isalpha() and token not in _TOWARDS else 2
            continue
        if token[-1] == "." and len(token) > 5:
            stray += 2  # "foto del depósito. 2635 8709": a full stop, not "Ref." or "Cta."
            continue
        if kind != _WEAKNEG:
            # "cuenta Banrural 1234567890": a bank or brand name may stand in between
            if stray == 0 or (stray == 1 and token.rstrip(".") in _ACCOUNT):
                return kind
            continue
        if stray:
            continue
        for j in range(i - 1, -1, -1):
            earlier = _kind(tokens[j])
            if earlier == POSITIVE or tokens[j] in _MINE:
                return POSITIVE  # "cel #", "Tel. No.", "my # is", "mi No. es"
            if earlier not in (_FILL, _WEAKNEG):
                break
        return NEGATIVE
    return NEUTRAL


def mobile_id_hint(lower: str, start: int) -> str | None:
    """``"imei"`` or ``"imsi"`` when such a label stands in the window before the number."""
    tokens: list[str] = _TOKEN.findall(_window(lower, start))
    for token in reversed(tokens):
        if _kind(token) == DEVICE:
            return "imsi" if token.rstrip(".") in _IMSI_SET else "imei"
    return None


def amount_before(lower: str, start: int) -> bool:
    """A currency sign or code stands right before the number (``Q``, ``L.``, ``$``, ``₡``)."""
    return _AMOUNT_BEFORE.search(lower, max(0, start - 12), start) is not None


def amount_after(lower: str, end: int) -> bool:
    """A currency or unit word follows the number (``colones``, ``gr``, ``USD``, ``%``)."""
    return _AMOUNT_AFTER.match(lower, end, end + 16) is not None
