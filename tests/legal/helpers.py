"""Shared set-up of the legal tests: a requesting office and a valid request to vary."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sabueso.legal.requests import NewRequest

GT = ZoneInfo("America/Guatemala")
OFFICE: dict[str, Any] = {
    "authority": "Ministerio Público (ficticio)",
    "unit": "Fiscalía contra Delitos Informáticos (ficticia)",
    "officer": "Ana Morales (ficticia)",
    "rank": "Auxiliar fiscal",
    "badge": "MP-0042",
    "address": "Avenida Ficticia 1-23, zona 1, Ciudad de Guatemala",
    "city": "Ciudad de Guatemala",
    "phone": "+502 2200 1234",
    "email": "ana.morales@fiscalia.example",
    "hours": "08:00-16:00",
    "timezone": "America/Guatemala",
    "official_domains": ["fiscalia.example"],
    "letterhead": ["MINISTERIO PÚBLICO (FICTICIO)", "Fiscalía contra Delitos Informáticos"],
}


def day(offset: int) -> str:
    """A date ``offset`` days from today in Guatemala (negative: the past)."""
    return (datetime.now(GT) + timedelta(days=offset)).date().isoformat()


def base(**changes: Any) -> NewRequest:
    """A valid preservation to Instagram; ``changes`` override its fields."""
    fields: dict[str, Any] = {
        "provider": "instagram", "kind": "preservation",
        "targets": [f"username:colibri_ventas@{day(-10)}T10:00"],
        "range_from": day(-40), "range_to": day(-5), "zone": "America/Guatemala",
        "facts": "Venta de drogas por mensajes directos de Instagram (Código Penal, "
                 "art. 274; hechos ficticios)",
        "nondisclosure_days": 90,
    }
    fields.update(changes)
    return NewRequest(**fields)
