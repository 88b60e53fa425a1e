"""Property-based checks of the numbers family (DESIGN.md §6): generated valid numbers in the
forms people write them, embedded in chat noise, come back with exact offsets and values;
arbitrary and hostile input never crashes and finishes in bounded time."""

from __future__ import annotations

import time

import phonenumbers
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from sabueso.extract.base import Context, Hit, prepare
from sabueso.extract.mobileid import luhn_check_digit
from sabueso.extract.numbers import FAMILY
from sabueso.extract.numshape import WEAK, shape

REGIONS = ["GT", "SV", "HN", "NI", "CR", "PA", "BZ", "DO", "MX", "CO", "US"]
TYPES = [PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE]

# Words and punctuation a chat puts around a number, none of them a label that changes what
# the number is (no "cuenta", no currency): the number must come out whatever the filler.
WORDS = ["hola", "mañana", "ok", "dale", "mi", "número", "es", "el", "al", "cel", "WhatsApp",
         "llamame", "ya", "😂", "👍", "va", "pues", "te", "aviso", "text", "me", "at", "call"]
BEFORE = [" ", ": ", " (", "\n", " 📞", ", ", " - "]
AFTER = [" ", ".", ",", ")", "!", "\n", " 👍", "?"]


def scan(text: str, region: str | None) -> list[Hit]:
    return list(FAMILY.scan(prepare(text), Context(region=region)))


@st.composite
def valid_numbers(draw: st.DrawFn) -> phonenumbers.PhoneNumber:
    region = draw(st.sampled_from(REGIONS))
    example = phonenumbers.example_number_for_type(region, draw(st.sampled_from(TYPES)))
    assert example is not None
    nsn = str(example.national_number)
    tail = draw(st.text("0123456789", min_size=4, max_size=4))
    num = phonenumbers.PhoneNumber(country_code=example.country_code,
                                   national_number=int(nsn[:-4] + tail))
    assume(phonenumbers.is_valid_number(num))
    assume(phonenumbers.region_code_for_number(num) == region)
    digits = str(num.national_number)
    # round numbers (2200-0000) are read only after a phone label: not for this test
    assume(not digits.endswith("00000") and len(set(digits)) > 1)
    return num


def _national_digits(num: phonenumbers.PhoneNumber) -> str:
    return str(num.national_number)


@st.composite
def written(draw: st.DrawFn) -> tuple[str, str | None, str]:
    """(as written, region to read it with, E.164)."""
    num = draw(valid_numbers())
    region = phonenumbers.region_code_for_number(num)
    value = phonenumbers.format_number(num, PhoneNumberFormat.E164)
    nsn = _national_digits(num)
    cc = str(num.country_code)
    national = phonenumbers.format_number(num, PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(num, PhoneNumberFormat.INTERNATIONAL)
    forms: list[tuple[str, str | None]] = [
        (value, None), (international, None), (international, region),
        (national, region), ("+" + cc + " " + nsn, None), ("00" + cc + " " + nsn, None),
        ("00" + cc + nsn, region),
        (national.replace(" ", "-").replace("(", "").replace(")", ""), region),
        (international.replace("-", " "), None),
    ]
    if len(nsn) == 8:
        forms += [(nsn, region), (f"{nsn[:4]}-{nsn[4:]}", region),
                  (f"{nsn[:4]} {nsn[4:]}", region),
                  (" ".join(nsn[i:i + 2] for i in range(0, 8, 2)), region),
                  (f"{nsn[:4]}.{nsn[4:]}", region), (f"+{cc} {nsn[:4]}-{nsn[4:]}", None),
                  (f"({cc}) {nsn[:4]} {nsn[4:]}", None)]
    if len(nsn) == 10 and cc == "1":
        a, b, c = nsn[:3], nsn[3:6], nsn[6:]
        forms += [(f"({a}) {b}-{c}", region), (f"1-{a}-{b}-{c}", region),
                  (f"{a}.{b}.{c}", region), (f"+1 ({a}) {b} {c}", None)]
    raw, reg = draw(st.sampled_from(forms))
    return raw, reg, value


@settings(max_examples=400, deadline=None)
@given(written(), st.lists(st.sampled_from(WORDS), max_size=4), st.sampled_from(BEFORE),
       st.sampled_from(AFTER), st.lists(st.sampled_from(WORDS), max_size=4))
def test_generated_numbers_are_found_exactly(number: tuple[str, str | None, str],
                                             left: list[str], before: str, after: str,
                                             right: list[str]) -> None:
    raw, region, value = number
    # Bare digit runs that also read as a compact date (22122000), a round number or one digit
    # repeated are phones only after a phone label (numshape.WEAK): covered by the unit tests.
    assume(not (raw.isdigit() and shape((raw,), ()) == WEAK))
    head = " ".join(left) + before
    text = head + raw + after + " ".join(right)
    hits = [h for h in scan(text, region) if h.type == "phone"]
    assert [(h.value, h.raw, h.start, h.end) for h in hits] == [
        (value, raw, len(head), len(head) + len(raw))]


@st.composite
def imeis(draw: st.DrawFn) -> tuple[str, str]:
    body = draw(st.sampled_from(["35", "86", "01", "99", "49"])) + draw(
        st.text("0123456789", min_size=12, max_size=12))
    value = body + luhn_check_digit(body)
    v = value
    raw = draw(st.sampled_from([v, f"{v[:2]}-{v[2:8]}-{v[8:14]}-{v[14]}",
                                f"{v[:2]} {v[2:8]} {v[8:14]} {v[14]}", f"{v[:8]}-{v[8:14]}-{v[14]}",
                                f"{v[:6]} {v[6:8]} {v[8:14]} {v[14]}", f"{v[:14]}/{v[14]}"]))
    return raw, value


@settings(max_examples=300, deadline=None)
@given(imeis(), st.sampled_from(["IMEI ", "IMEI: ", "imei:", "el equipo ", "", "IMEI 1: "]),
       st.sampled_from(AFTER), st.sampled_from([None, "GT", "US", "DO"]))
def test_generated_imeis_round_trip(imei: tuple[str, str], label: str, after: str,
                                    region: str | None) -> None:
    raw, value = imei
    text = "reportado robado, " + label + raw + after + " ok"
    hits = scan(text, region)
    start = text.index(raw)
    assert [(h.type, h.value, h.raw, h.start, h.end) for h in hits] == [
        ("imei", value, raw, start, start + len(raw))]


def _well_formed(text: str, hits: list[Hit]) -> None:
    for h in hits:
        assert text[h.start:h.end] == h.raw
        assert h.type in ("phone", "imei", "imsi")
        if h.type == "phone":
            assert h.value.startswith("+") and h.value[1:].isdigit()
        else:
            assert len(h.value) == 15 and h.value.isdigit()


@settings(max_examples=300, deadline=2000)
@given(st.text(), st.sampled_from([None, "GT", "DO", "US", "PA", "XX"]))
def test_arbitrary_unicode_never_crashes(text: str, region: str | None) -> None:
    _well_formed(text, scan(text, region))


ALPHABET = "0123456789 0123456789-.()+/:,#\n"


@settings(max_examples=300, deadline=2000)
@given(st.text(ALPHABET, max_size=400), st.sampled_from([None, "GT", "DO", "MX"]))
def test_digit_soup_never_crashes(text: str, region: str | None) -> None:
    _well_formed(text, scan(text, region))


@settings(max_examples=50, deadline=2000)
@given(st.binary(max_size=2000))
def test_binary_junk_never_crashes(data: bytes) -> None:
    text = data.decode("latin-1")
    _well_formed(text, scan(text, "GT"))


def test_long_lists_of_numbers() -> None:
    text = "5512-3456 " * 2000
    hits = scan(text, "GT")
    assert len(hits) == 2000
    assert {h.value for h in hits} == {"+50255123456"}


def test_huge_inputs_finish_in_bounded_time() -> None:
    inputs = [
        "5" * 1_000_000,
        "5 " * 500_000,
        "55-" * 300_000,
        "(5) " * 250_000,
        "1." * 500_000,
        "5512 3456 " * 100_000,
        "+" * 200_000 + "5" * 200_000,
        "(" * 200_000 + "5512 3456" + ")" * 200_000,
        "5" + " " * 1_000_000 + "5",
        "1:2/3,4-5.6(7)8 " * 60_000,
    ]
    for text in inputs:
        start = time.process_time()
        hits = scan(text, "GT")
        elapsed = time.process_time() - start
        _well_formed(text, hits)
        assert elapsed < 10, (text[:20], elapsed)


def _attrs_by_reparsing(numobj: phonenumbers.PhoneNumber) -> dict[str, str]:
    """What ``phone_hit_attrs`` computed before it read the number object directly: the
    attributes of the E.164 form parsed again."""
    from sabueso.extract.phoneattrs import _TYPE_NAMES

    again = phonenumbers.parse(phonenumbers.format_number(numobj, PhoneNumberFormat.E164))
    out: dict[str, str] = {}
    region = phonenumbers.region_code_for_number(again)
    if region and region != "001":
        out["country"] = region
    kind = _TYPE_NAMES.get(phonenumbers.number_type(again))
    if kind:
        out["number_type"] = kind
    name = phonenumbers.carrier.name_for_number(again, "es")
    if name:
        out["carrier"] = name
    return out


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS)),
       st.sampled_from([PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE,
                        PhoneNumberType.TOLL_FREE, PhoneNumberType.VOIP]),
       st.integers(min_value=0, max_value=99), st.booleans())
def test_phone_attrs_from_the_number_equal_the_reparsed_ones(
        region: str, kind: int, bump: int, via_parse: bool) -> None:
    """Attributes read from the number object as the extractors build it (``PhoneNumber``
    from digits, or ``phonenumbers.parse`` of digits) equal those of its E.164 form parsed
    again, valid or not, leading zeros (Italy) included."""
    from sabueso.extract import phoneattrs

    example = phonenumbers.example_number_for_type(region, kind)
    assume(example is not None)
    nsn = phonenumbers.national_significant_number(example)
    digits = str(int(nsn) + bump).zfill(len(nsn)) if bump else nsn
    if via_parse:
        numobj = phonenumbers.parse(f"+{example.country_code}{digits}")
    else:
        numobj = phonenumbers.PhoneNumber(country_code=example.country_code,
                                          national_number=int(digits))
    phoneattrs._cache.clear()
    assert phoneattrs.phone_hit_attrs(numobj) == _attrs_by_reparsing(numobj)
    assert phoneattrs.phone_hit_attrs(numobj) == _attrs_by_reparsing(numobj)  # cached
