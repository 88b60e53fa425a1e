"""Identifiers named in a request: ``--target [KIND:]VALUE[@DATE]`` read into canonical form.

``KIND`` is one of ``KINDS``; without it the kind is recognised from the value (a URL, an
e-mail address, ``@name``, ``+E.164``, an IP address). ``@DATE`` (ISO 8601, with an offset or
read in the request's ``--tz``) is the instant the identifier was seen in use: usernames and
phone numbers change hands, so providers need it. Canonical forms: phones in E.164 (parsed
with ``phonenumbers`` and the case's country when written without ``+``), e-mails lower case,
usernames without ``@``, URLs with https, a lower-case host and no tracking parameters, IDs
digits only. A value that cannot be read keeps its text and carries a ``problem``.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import tzinfo
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import phonenumbers

from sabueso.core.errors import InputError
from sabueso.core.timeutil import parse_instant
from sabueso.extract.mobileid import imsi_parts, luhn_valid
from sabueso.legal.model import Target

KINDS = ("username", "url", "user_id", "phone", "email", "ip", "imei", "imsi", "iccid",
         "video_id", "hex_id", "gamertag", "trip_id", "server_id",
         # named so that a request for them is refused with a precise message
         "display_name", "real_name")
_EMAIL = re.compile(r"^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$")
_USERNAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_HEX = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|igshid|igsh|si|s|t|ref|ref_src|mibextid)$")
_JOINS = re.compile(r"(\s(and|or|y|o)/(or|o|and|y)\s|\sand/or\s|\sy/o\s|[;,]\s*\S|\s\|\s)",
                    re.IGNORECASE)


def _problem(kind: str, original: str, key: str, **params: object) -> Target:
    return Target(kind, original.strip(), original, problem=(key, {"target": original,
                                                                   **params}))


def split_date(text: str) -> tuple[str, str | None]:
    """``VALUE@DATE`` -> (VALUE, DATE) when what follows the last ``@`` reads as a date."""
    head, sep, tail = text.rpartition("@")
    if sep and head and re.match(r"^\d{4}-\d{2}-\d{2}", tail.strip()):
        return head, tail.strip()
    return text, None


def guess_kind(value: str) -> str | None:
    text = value.strip()
    if re.match(r"^https?://", text, re.IGNORECASE) or re.match(r"^www\.", text, re.I):
        return "url"
    if _EMAIL.match(text.lower()):
        return "email"
    if text.startswith("@") and _USERNAME.match(text[1:]):
        return "username"
    if text.startswith("+"):
        return "phone"
    if re.fullmatch(r"[0-9a-fA-F:.\[\]]+", text) and _ip(text, text).problem is None:
        return "ip"
    if _HEX.match(text.lower()):
        return "hex_id"
    return None


def canonical_phone(value: str, region: str | None) -> tuple[str, str | None] | None:
    """(E.164, the country assumed or None) or None if it is not a valid number."""
    text = value.strip()
    assumed = None if text.startswith("+") or text.startswith("00") else region
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), assumed


def canonical_url(value: str) -> str | None:
    text = value.strip()
    if not re.match(r"^https?://", text, re.IGNORECASE):
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower().rstrip(".")
        port_number = parts.port  # raises on a port that is not a number
    except ValueError:
        return None
    if not host or "." not in host or " " in text:
        return None
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not _TRACKING.match(k.lower())])
    port = f":{port_number}" if port_number and port_number != 443 else ""
    path = parts.path.rstrip("/") if parts.path not in ("", "/") else ""
    return urlunsplit(("https", host + port, path, query, ""))


def _digits(value: str) -> str:
    return re.sub(r"[\s.-]", "", value)


def canonical(kind: str, value: str, region: str | None) -> Target:
    """The canonical ``Target`` of ``value`` read as ``kind`` (a ``problem`` if unreadable)."""
    text = value.strip()
    if not text:
        return _problem(kind, value, "error.requests_target_empty")
    if kind == "phone":
        found = canonical_phone(text, region)
        if found is None:
            return _problem(kind, value, "error.requests_target_phone", region=region or "")
        return Target(kind, found[0], value, assumed_country=found[1])
    if kind == "email":
        lowered = text.lower()
        return (Target(kind, lowered, value) if _EMAIL.match(lowered)
                else _problem(kind, value, "error.requests_target_email"))
    if kind in ("username", "gamertag"):
        name = text[1:] if text.startswith("@") else text
        if re.match(r"^https?://", name, re.IGNORECASE) or "/" in name:
            return _problem(kind, value, "error.requests_target_url_as_username")
        return (Target(kind, name.lower() if kind == "username" else name, value)
                if _USERNAME.match(name) else
                _problem(kind, value, "error.requests_target_username"))
    if kind == "url":
        url = canonical_url(text)
        return (Target(kind, url, value) if url
                else _problem(kind, value, "error.requests_target_url"))
    if kind in ("user_id", "video_id", "server_id"):
        digits = _digits(text)
        return (Target(kind, digits, value) if digits.isdigit() and len(digits) <= 32
                else _problem(kind, value, "error.requests_target_digits"))
    if kind == "hex_id":
        lowered = text.lower()
        return (Target(kind, lowered, value) if _HEX.match(lowered)
                else _problem(kind, value, "error.requests_target_hex"))
    if kind == "ip":
        return _ip(text, value)
    if kind in ("imei", "iccid"):
        digits = _digits(text)
        size = (15, 15) if kind == "imei" else (19, 20)
        if not (digits.isdigit() and size[0] <= len(digits) <= size[1] and luhn_valid(digits)):
            return _problem(kind, value, f"error.requests_target_{kind}")
        return Target(kind, digits, value)
    if kind == "imsi":
        digits = _digits(text)
        if not (digits.isdigit() and len(digits) in (14, 15) and imsi_parts(digits)):
            return _problem(kind, value, "error.requests_target_imsi")
        return Target(kind, digits, value)
    return Target(kind, text, value)  # trip IDs, display and real names: as given


def _ip(text: str, original: str) -> Target:
    port: int | None = None
    host = text
    bracketed = re.match(r"^\[([0-9a-fA-F:.]+)\](?::(\d{1,5}))?$", text)
    if bracketed:
        host, port = bracketed.group(1), int(bracketed.group(2)) if bracketed.group(2) else None
    elif text.count(":") == 1:
        host, _, tail = text.partition(":")
        port = int(tail) if tail.isdigit() else -1
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return _problem("ip", original, "error.requests_target_ip")
    if port is not None and not 0 < port < 65536:
        return _problem("ip", original, "error.requests_target_ip")
    return Target("ip", address.compressed, original, port=port)


def read_target(text: str, region: str | None, zone: tzinfo | None) -> Target:
    """One ``--target`` as given on the command line."""
    raw = text.strip()
    if _JOINS.search(raw):
        return _problem("?", text, "error.requests_target_joined")
    value, date_text = split_date(raw)
    kind, sep, rest = value.partition(":")
    if sep and kind.strip().lower() in KINDS and not rest.startswith("//"):
        kind, value = kind.strip().lower(), rest
    else:
        guessed = guess_kind(value)
        if guessed is None and re.fullmatch(r"[\d\s().-]{7,20}", value) and \
                canonical_phone(value, region) is not None:
            guessed = "phone"  # a national number: read with the case's country (R12 warns)
        if guessed is None:
            return _problem("?", text, "error.requests_target_kind", kinds=", ".join(KINDS))
        kind = guessed
    target = canonical(kind, value, region)
    target.original = text
    if target.problem is not None:  # named as the user wrote it
        target.problem = (target.problem[0], {**target.problem[1], "target": text})
    if target.problem is None and date_text is not None:
        try:
            target.in_use = parse_instant(date_text, default_tz=zone, field="--target")
            target.in_use_text = date_text
        except InputError as exc:
            target.problem = (exc.key, {"target": text, **exc.params})
    return target


def looks_confusable(value: str) -> bool:
    """Characters easily misread in print (l/1/I, O/0): a warning, and a clear font."""
    return bool(re.search(r"[l1I|]", value) and re.search(r"[l1I]", value)
                and len(set(re.findall(r"[l1I]", value))) > 1) or bool(
        re.search(r"[O0]", value) and len(set(re.findall(r"[Oo0]", value))) > 1)


__all__ = ["KINDS", "canonical", "canonical_phone", "canonical_url", "guess_kind",
           "looks_confusable", "read_target", "split_date"]
