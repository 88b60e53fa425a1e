"""What a request is: its types, data categories, statuses, and the draft the builder checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

TYPES = ("preservation", "extension", "emergency", "subscriber", "traffic", "content")
STATUSES = ("ready", "sent", "acknowledged", "fulfilled", "partial", "rejected", "withdrawn")
MARKS = STATUSES[1:]
OPEN_STATUSES = frozenset({"ready", "sent", "acknowledged", "partial"})
# a status may follow only these (a request is never re-opened once closed)
NEXT: dict[str, frozenset[str]] = {
    "ready": frozenset({"sent", "withdrawn"}),
    "sent": frozenset({"acknowledged", "fulfilled", "partial", "rejected", "withdrawn"}),
    "acknowledged": frozenset({"fulfilled", "partial", "rejected", "withdrawn"}),
    "partial": frozenset({"fulfilled", "partial", "rejected", "withdrawn"}),
    "fulfilled": frozenset(),
    "rejected": frozenset(),
    "withdrawn": frozenset(),
}

# Data categories each type may ask for (and asks for when none are given). A preservation
# freezes whatever exists, content included; disclosure types ask for their own tier only.
ALLOWED_CATEGORIES: dict[str, tuple[str, ...]] = {
    "preservation": ("subscriber", "logs", "traffic", "content", "location", "device"),
    "extension": ("subscriber", "logs", "traffic", "content", "location", "device"),
    "emergency": ("subscriber", "logs", "location", "device", "content"),
    "subscriber": ("subscriber", "logs"),
    "traffic": ("logs", "traffic", "location", "device"),
    "content": ("content",),
}
DEFAULT_CATEGORIES: dict[str, tuple[str, ...]] = {
    "preservation": ("subscriber", "logs", "traffic", "content"),
    "extension": (),  # those of the preservation it extends
    "emergency": ("subscriber", "logs", "location"),
    "subscriber": ("subscriber", "logs"),
    "traffic": ("logs", "traffic"),
    "content": ("content",),
}
EMERGENCIES = ("kidnapping", "suicide", "threat_to_life", "child_exploitation",
               "missing_person", "terrorism", "other")
# identifiers whose holder can change: the provider needs the date they were in use
CHANGEABLE = frozenset({"username", "phone", "ip", "url"})


@dataclass(slots=True)
class Target:
    """One identifier as given (``original``) and in its canonical form (``value``)."""

    kind: str
    value: str
    original: str
    in_use: datetime | None = None  # the instant the identifier was seen in use (UTC)
    in_use_text: str | None = None  # as given, with its zone
    port: int | None = None  # source port of an IP address (carrier-grade NAT)
    problem: tuple[str, dict[str, Any]] | None = None  # (message key, params) if unreadable
    assumed_country: str | None = None  # a phone number read without its country code

    def as_dict(self) -> dict[str, Any]:
        from sabueso.core.timeutil import iso_utc

        data: dict[str, Any] = {"kind": self.kind, "value": self.value,
                                "original": self.original}
        if self.in_use is not None:
            data["in_use"] = iso_utc(self.in_use)
            data["in_use_text"] = self.in_use_text
        if self.port is not None:
            data["port"] = self.port
        return data


@dataclass(slots=True)
class Draft:
    """A request as the user asked for it, before it exists."""

    case_ref: str
    case_country: str
    case_legal_basis: str | None
    provider: str
    kind: str
    targets: list[Target]
    service: str | None = None
    provider_country: str | None = None
    categories: list[str] = field(default_factory=list)
    range_from_text: str | None = None
    range_to_text: str | None = None
    zone: str | None = None
    range_from: datetime | None = None  # UTC, once read
    range_to: datetime | None = None
    facts: str | None = None
    legal_basis: str | None = None
    nondisclosure_days: int | None = None
    related: str | None = None
    emergency: str | None = None
    mla: bool = False
    now: datetime | None = None
