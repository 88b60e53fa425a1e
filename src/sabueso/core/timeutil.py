"""Time: instants are stored in UTC; original text and assumed zone are kept by callers."""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sabueso.core.errors import InputError


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso_utc(dt: datetime) -> str:
    """Fixed-width ISO 8601 UTC with microseconds and a Z: sortable and hash-stable."""
    if dt.tzinfo is None:
        raise ValueError("naive datetime")
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def get_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError("error.bad_timezone", tz=name) from exc


_OFFSET_RE = re.compile(r"(Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)


def parse_instant(text: str, *, default_tz: tzinfo | None, field: str) -> datetime:
    """Parse an ISO 8601 date or date-time given on the command line.

    With an explicit offset it is taken as such; without one, ``default_tz`` (the case's
    zone) is assumed. A value without either is refused rather than guessed.
    """
    raw = text.strip()
    try:
        value = datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError as exc:
        raise InputError("error.bad_datetime", value=text, field=field) from exc
    if value.tzinfo is None:
        if default_tz is None:
            raise InputError("error.datetime_needs_zone", value=text, field=field)
        value = value.replace(tzinfo=default_tz)
    return value.astimezone(UTC)


@lru_cache(maxsize=1)
def _zone_table() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= 3:
            table.setdefault(parts[0].upper(), []).append(parts[2])
    return table


# Where a country has several zones, the one investigators of the region mean by default.
# Countries spanning several offsets (US, BR, ...) have none: the user must give --tz.
_PREFERRED_ZONE = {"MX": "America/Mexico_City", "EC": "America/Guayaquil", "ES": "Europe/Madrid"}


def default_zone_for_country(country: str) -> str | None:
    """The IANA zone of a country with one zone (or a preferred one); None when ambiguous."""
    code = country.upper()
    if code in _PREFERRED_ZONE:
        return _PREFERRED_ZONE[code]
    zones = _zone_table().get(code, [])
    return zones[0] if len(zones) == 1 else None
