"""Unit and property tests of the small parsers: coordinates, type words, numbers, headers."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sabueso.core.errors import InputError
from sabueso.telephony.cells import coordinate
from sabueso.telephony.columns import fold, load_mapping, match_headers
from sabueso.telephony.normalise import classify
from sabueso.telephony.phones import canonical, to_e164


@pytest.mark.parametrize(("text", "axis", "want"), [
    ("14°37'12.5\"N", "lat", 14.6201389), ("14 37 12.5 N", "lat", 14.6201389),
    ("90°30'00\"O", "lon", -90.5), ("90°30'00\"W", "lon", -90.5), ("-90,5123", "lon", -90.5123),
    ("14.6123", "lat", 14.6123), ("0", "lat", None), ("-", "lon", None), ("95", "lat", None),
    ("14°37'N", "lon", None), ("14°75'N", "lat", None), ("", "lat", None),
])
def test_coordinates(text: str, axis: str, want: float | None) -> None:
    got = coordinate(text, axis)
    assert got == (pytest.approx(want, abs=1e-6) if want is not None else None)


@given(st.floats(-89.9, 89.9).filter(lambda v: abs(v) > 1e-3))
def test_dms_round_trip(value: float) -> None:
    v = abs(value)
    d, m = int(v), int((v - int(v)) * 60)
    s = round((v - d - m / 60) * 3600, 4)
    if s >= 60:  # 59.99996 written as 60.0000 is not a valid DMS text
        return
    text = f"{d}°{m}'{s:.4f}\"{'N' if value >= 0 else 'S'}"
    assert coordinate(text, "lat") == pytest.approx(value, abs=1e-6)
    comma = f"{value:.6f}".replace(".", ",")
    assert coordinate(comma, "lat") == pytest.approx(round(value, 6), abs=1e-6)


@given(st.text(max_size=40))
def test_coordinate_never_raises(text: str) -> None:
    got = coordinate(text, "lon")
    assert got is None or -180 <= got <= 180


@pytest.mark.parametrize(("text", "want"), [
    ("VOZ SALIENTE", ("voice", "out")), ("VOZ ENTRANTE", ("voice", "in")),
    ("SMS ENTRANTE", ("sms", "in")), ("MENSAJE 2 VIAS ENT/SAL", ("sms", None)),
    ("DATOS", ("data", None)), ("VOZ TRANSITO", ("voice", "transit")), ("MO", ("voice", "out")),
    ("SMS-MT", ("sms", "in")), ("Llamada saliente", ("voice", "out")), (None, ("voice", None)),
    ("SALIENTE", ("voice", "out")), ("Incoming", ("voice", "in")), ("GPRS", ("data", None)),
])
def test_type_words(text: str | None, want: tuple[str, str | None]) -> None:
    assert classify(text) == want


@pytest.mark.parametrize(("text", "region", "want"), [
    ("5555-0147", "GT", "+50255550147"), ("50255550147", "GT", "+50255550147"),
    ("+502 5555 0147", "SV", "+50255550147"), ("0050255550147", "GT", "+50255550147"),
    ("18095551234", "GT", "+18095551234"),  # not a Guatemalan toll-free number
    ("8095551234", "DO", "+18095551234"), ("70123456", "SV", "+50370123456"),
    ("50255550147.0", "GT", "+50255550147"), ("1502", "GT", None), ("*611", "GT", None),
])
def test_numbers(text: str, region: str, want: str | None) -> None:
    assert to_e164(text, region) == want


def test_short_codes_kept_as_written() -> None:
    assert canonical("*611", "GT") == "*611" and canonical("1502", "GT") == "1502"


def test_headers_fold_accents_case_and_spacing() -> None:
    assert fold("Número B") == fold("numero_b") == fold("NUMERO  B") == "numerob"
    found = match_headers(["Teléfono", "Número A", "Número B", "Fecha", "Hora", "Durac. Seg.",
                           "Tipo", "IMEI", "Celda"], None)
    assert found == {"line": 0, "a": 1, "b": 2, "date": 3, "time": 4, "duration": 5,
                     "type": 6, "imei": 7, "cell": 8}
    english = match_headers(["calling_number", "called_number", "start_time", "duration"], None)
    assert english == {"a": 0, "b": 1, "datetime": 2, "duration": 3}


def test_mapping_file(tmp_path: Path) -> None:
    good = tmp_path / "m.yaml"
    good.write_text("columns:\n  a: MSISDN ORIGEN\n  b: MSISDN DESTINO\n  datetime: MOMENTO\n"
                    "date_order: mdy\nheader_row: 2\n", encoding="utf-8")
    m = load_mapping(good)
    assert m.columns["a"] == "MSISDN ORIGEN" and m.date_order == "mdy" and m.header_row == 2
    assert match_headers(["MOMENTO", "MSISDN ORIGEN", "MSISDN DESTINO"], m) == {
        "datetime": 0, "a": 1, "b": 2}
    bad = tmp_path / "bad.yaml"
    bad.write_text("columns:\n  caller: X\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_mapping(bad)
    assert err.value.location == str(bad) and "caller" in err.value.params["reason"]


def test_header_names_with_units_and_extra_words() -> None:
    found = match_headers(["Número A (origen)", "Número B (destino)", "Fecha inicio",
                           "Hora inicio", "Duración (s)", "Tipo de evento", "IMEI abonado A",
                           "Celda inicial (CGI)"], None)
    assert found == {"a": 0, "b": 1, "datetime": 2, "time": 3, "duration": 4, "type": 5,
                     "imei": 6, "cell": 7}
