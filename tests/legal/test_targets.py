"""Identifiers read into canonical form; property tests for the reader of outside text."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sabueso.legal.targets import canonical, canonical_url, looks_confusable, read_target

GT = ZoneInfo("America/Guatemala")


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("+502 5512-3456", "phone", "+50255123456"),
    ("phone:5512 3456", "phone", "+50255123456"),
    ("5512-3456", "phone", "+50255123456"),
    ("0050255123456", "phone", "+50255123456"),
    ("  Colibri.Ventas@Example.COM ", "email", "colibri.ventas@example.com"),
    ("@Colibri_Ventas", "username", "colibri_ventas"),
    ("username:colibri.ventas", "username", "colibri.ventas"),
    ("https://WWW.Instagram.com/colibri_ventas/?igsh=abc&utm_source=x", "url",
     "https://www.instagram.com/colibri_ventas"),
    ("url:instagram.com/colibri_ventas?hl=es", "url",
     "https://instagram.com/colibri_ventas?hl=es"),
    ("user_id:1000 2345 678", "user_id", "10002345678"),
    ("ip:200.6.1.10:51234", "ip", "200.6.1.10"),
    ("[2001:db8::1]:443", "ip", "2001:db8::1"),
    ("imei:35-209900-176148-1", "imei", "352099001761481"),
    ("hex_id:8C1E3A2B-1234-4ABC-9DEF-0123456789AB", "hex_id",
     "8c1e3a2b-1234-4abc-9def-0123456789ab"),
])
def test_canonical_forms(text: str, kind: str, value: str) -> None:
    target = read_target(text, "GT", GT)
    assert target.problem is None, target.problem
    assert (target.kind, target.value) == (kind, value)


def test_date_in_use_is_read_in_the_zone_and_kept_as_given() -> None:
    target = read_target("username:colibri_ventas@2026-11-01T10:00", "GT", GT)
    assert target.in_use is not None and target.in_use.isoformat() == "2026-11-01T16:00:00+00:00"
    assert target.in_use_text == "2026-11-01T10:00"
    assert read_target("a@b.com", "GT", GT).in_use is None  # an e-mail's @ is not a date
    assert read_target("username:x@2026-11-01", "GT", None).problem is not None  # no zone


def test_phone_without_country_code_says_which_country_was_assumed() -> None:
    assert read_target("5512 3456", "GT", GT).assumed_country == "GT"
    assert read_target("+50255123456", "GT", GT).assumed_country is None


@pytest.mark.parametrize(("text", "key"), [
    ("phone:123", "error.requests_target_phone"),
    ("email:not-an-address", "error.requests_target_email"),
    ("username:https://instagram.com/x", "error.requests_target_url_as_username"),
    ("ip:300.1.1.1", "error.requests_target_ip"),
    ("imei:352099001761482", "error.requests_target_imei"),
    ("user_id:12ab", "error.requests_target_digits"),
    ("colibri_ventas y/o colibri2", "error.requests_target_joined"),
    ("juan perez", "error.requests_target_kind"),
])
def test_unreadable_identifiers_carry_a_specific_problem(text: str, key: str) -> None:
    target = read_target(text, "GT", GT)
    assert target.problem is not None and target.problem[0] == key
    assert target.problem[1]["target"] == text


def test_confusable_characters() -> None:
    assert looks_confusable("co1ibri_l")
    assert looks_confusable("O0pedidos")
    assert not looks_confusable("colibri_ventas")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_reads_without_raising(text: str) -> None:
    target = read_target(text, "GT", GT)
    assert target.original == text
    assert (target.problem is None) or target.problem[0].startswith("error.")


def test_a_url_with_a_broken_port_is_a_problem_not_a_crash() -> None:
    assert canonical("url", ".0::", "GT").problem is not None  # found by hypothesis
    assert canonical_url("https://example.com:99999/x") is None


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["phone", "email", "username", "url", "user_id", "ip", "imei"]),
       st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789+@.:/_- ", max_size=40))
def test_canonical_forms_are_fixed_points(kind: str, text: str) -> None:
    first = canonical(kind, text, "GT")
    if first.problem is None:
        again = canonical(kind, first.value, "GT")
        assert again.problem is None and again.value == first.value


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"https?://[A-Za-z0-9.-]{1,20}\.[a-z]{2,5}(/[A-Za-z0-9_.-]{0,10}){0,3}"
                     r"(\?[a-z_]{1,6}=[a-z0-9]{0,4}(&[a-z_]{1,6}=[a-z0-9]{0,4}){0,3})?",
                     fullmatch=True))
def test_urls_lose_tracking_and_keep_https(url: str) -> None:
    out = canonical_url(url)
    if out is not None:
        assert out.startswith("https://") and "utm_" not in out and "fbclid" not in out
        assert canonical_url(out) == out
