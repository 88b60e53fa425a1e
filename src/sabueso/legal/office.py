"""The requesting office: who signs, on whose letterhead, reachable how.

Kept in ``<home>/office.yaml`` (set with ``sabueso request office --field value``, or edited by
hand). Each request copies it when it is made, so a later change does not alter what was
sent. Providers reject requests from free mail services or without a direct contact, so the
block must be complete before a request can exist.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from sabueso.core.errors import InputError
from sabueso.legal.directory import load_yaml

FILE = "office.yaml"
REQUIRED = ("authority", "officer", "rank", "badge", "address", "phone", "email", "timezone",
            "official_domains")
OPTIONAL = ("unit", "city", "hours", "letterhead", "answer_days", "second_contact")
FIELDS = REQUIRED + OPTIONAL
LIST_FIELDS = frozenset({"official_domains", "letterhead"})
FREE_MAIL = frozenset({"gmail.com", "googlemail.com", "yahoo.com", "yahoo.es", "hotmail.com",
                       "hotmail.es", "outlook.com", "outlook.es", "live.com", "msn.com",
                       "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com",
                       "gmx.com", "yandex.com", "mail.com", "zoho.com"})


def office_path(home: Path) -> Path:
    return home / FILE


def load_office(home: Path) -> dict[str, Any]:
    path = office_path(home)
    if not path.exists():
        return {}
    doc = load_yaml(path)
    if not isinstance(doc, dict):
        raise InputError("error.requests_office_file", location=str(path))
    unknown = sorted(set(doc) - set(FIELDS))
    if unknown:
        raise InputError("error.requests_office_field", location=str(path),
                         field=unknown[0], known=", ".join(FIELDS))
    office = {k: doc[k] for k in FIELDS if k in doc}
    for key in LIST_FIELDS & set(office):  # a hand-written single value is a list of one
        if isinstance(office[key], str):
            office[key] = [office[key]]
    return office


def update_office(home: Path, changes: dict[str, Any]) -> dict[str, Any]:
    """Merge ``changes`` (None = leave, "" = clear) into the office file; the new office."""
    office = load_office(home)
    for key, value in changes.items():
        if value is None:
            continue
        if key not in FIELDS:
            raise InputError("error.requests_office_field", field=key, known=", ".join(FIELDS))
        if value in ("", []):
            office.pop(key, None)
        elif key in LIST_FIELDS and isinstance(value, str):
            office[key] = [part.strip() for part in value.split(";" if key == "letterhead"
                                                                  else ",") if part.strip()]
        elif key == "answer_days":
            office[key] = int(value)
        else:
            office[key] = value
    home.mkdir(parents=True, exist_ok=True)
    path = office_path(home)
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(yaml.safe_dump(office, allow_unicode=True, sort_keys=False), "utf-8")
    tmp.replace(path)
    return office


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


__all__ = ["FIELDS", "FREE_MAIL", "OPTIONAL", "REQUIRED", "email_domain", "load_office",
           "office_path", "update_office"]
