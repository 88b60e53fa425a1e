"""Deadlines: when a preservation expires, until when it can be extended, when an answer is late.

A deadline is a calendar date in the requesting office's time zone (the zone stored with the
request): a request sent at 2026-01-01 03:00 UTC was sent on 31 December in Guatemala, and its
90 days count from there. Preservation follows 18 U.S.C. 2703(f): an initial period (90 days)
and extension periods (one more of 90) that each run on from the end of the one before,
unless the provider's directory file says otherwise (Snap: 365 + 180 for non-US requests).
The clock starts when the request was sent (not when the provider confirmed it: the earlier
date, so a deadline is never later than the real one). An extension must be filed
``max(14, provider's minimum lead)`` days before expiry (X asks for at least 7).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

EXTENSION_LEAD_DAYS = 14
DEFAULT_ANSWER_DAYS = 30
EMERGENCY_ANSWER_DAYS = 1
ACTIVE = frozenset({"sent", "acknowledged", "fulfilled", "partial"})


def local_date(instant: datetime, zone: str) -> date:
    """The calendar date of ``instant`` in ``zone``."""
    return instant.astimezone(ZoneInfo(zone)).date()


@dataclass(frozen=True, slots=True)
class Preservation:
    """The clock of one sent preservation and the extensions sent for it."""

    sent_on: date
    initial_days: int | None
    extension_days: int | None
    max_extensions: int | None
    extensions_sent: int = 0
    min_lead_days: int | None = None

    @property
    def known(self) -> bool:
        return self.initial_days is not None

    def expires_on(self) -> date | None:
        if self.initial_days is None:
            return None
        total = self.initial_days
        if self.extensions_sent:
            if self.extension_days is None:
                return None
            counted = self.extensions_sent if self.max_extensions is None else min(
                self.extensions_sent, self.max_extensions)
            total += counted * self.extension_days
        return self.sent_on + timedelta(days=total)

    def extensions_left(self) -> int | None:
        if self.max_extensions is None:
            return None
        return max(self.max_extensions - self.extensions_sent, 0)

    def lead_days(self) -> int:
        return max(EXTENSION_LEAD_DAYS, self.min_lead_days or 0)

    def extend_by(self) -> date | None:
        """The last day to send an extension (None when none is possible or known)."""
        expires = self.expires_on()
        if expires is None or self.extensions_left() == 0:
            return None
        return expires - timedelta(days=self.lead_days())


def answer_due(sent_on: date, kind: str, provider_days: int | None,
               office_days: int | None) -> date:
    """When an answer to a disclosure request is late."""
    if kind == "emergency":
        return sent_on + timedelta(days=EMERGENCY_ANSWER_DAYS)
    days = provider_days or office_days or DEFAULT_ANSWER_DAYS
    return sent_on + timedelta(days=days)


@dataclass(slots=True)
class Tracked:
    """What the tracker needs of one request (read from the database by the service)."""

    number: str
    kind: str
    status: str
    provider: str
    zone: str
    sent_at: datetime | None
    related: str | None = None
    clock: Preservation | None = None
    answer_days: int | None = None
    office_answer_days: int | None = None
    followed: bool = False  # a disclosure that followed this preservation was fulfilled
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Due:
    """One thing to do: ``action`` on request ``number`` by ``on`` (office zone)."""

    number: str
    provider: str
    kind: str
    action: str
    on: date | None
    days_left: int | None
    expires_on: date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"request": self.number, "provider": self.provider, "type": self.kind,
                "action": self.action, "date": self.on.isoformat() if self.on else None,
                "days_left": self.days_left,
                "expires_on": self.expires_on.isoformat() if self.expires_on else None}


def due(tracked: Iterable[Tracked], today: date, within_days: int) -> list[Due]:
    """What needs action by ``today + within_days``, most urgent first. Actions:

    ``send`` (ready, not sent), ``extend`` (a preservation to extend before its last day),
    ``follow_up_before_expiry`` (no extension possible: production order or MLA before
    expiry), ``expired``, ``period_unknown`` (the provider's period is not known),
    ``answer_overdue`` and ``answer_due`` (disclosures without an answer).
    """
    horizon = today + timedelta(days=within_days)
    found: list[Due] = []
    for req in tracked:
        def add(action: str, on: date | None, expires: date | None = None,
                req: Tracked = req) -> None:
            left = (on - today).days if on is not None else None
            found.append(Due(req.number, req.provider, req.kind, action, on, left, expires))

        if req.status == "ready":
            add("send", today)
            continue
        if req.sent_at is None or req.status not in ACTIVE:
            continue
        sent_on = local_date(req.sent_at, req.zone)
        if req.kind == "preservation" and req.clock is not None:
            if req.followed:
                continue
            expires = req.clock.expires_on()
            if expires is None:
                add("period_unknown", None)
                continue
            if expires < today:
                add("expired", expires, expires)
                continue
            extend_by = req.clock.extend_by()
            if extend_by is not None and extend_by >= today:
                if extend_by <= horizon:
                    add("extend", extend_by, expires)
            elif expires <= horizon:
                add("follow_up_before_expiry", expires, expires)
        elif req.kind in ("subscriber", "traffic", "content", "emergency") and \
                req.status in ("sent", "acknowledged", "partial"):
            on = answer_due(sent_on, req.kind, req.answer_days, req.office_answer_days)
            if on < today:
                add("answer_overdue", on)
            elif on <= horizon:
                add("answer_due", on)
    order = {"expired": 0, "answer_overdue": 1, "follow_up_before_expiry": 2, "extend": 3,
             "answer_due": 4, "send": 5, "period_unknown": 6}
    found.sort(key=lambda d: (order[d.action], d.on or date.max, d.number))
    return found


def parse_within(text: str) -> int:
    """``30d``, ``4w``, ``30`` -> days; ValueError otherwise."""
    raw = text.strip().lower()
    factor = 7 if raw.endswith("w") else 1
    number = raw[:-1] if raw[-1:] in ("d", "w") else raw
    if not number.isdigit():
        raise ValueError(text)
    return int(number) * factor


__all__ = ["ACTIVE", "DEFAULT_ANSWER_DAYS", "EXTENSION_LEAD_DAYS", "Due", "Preservation",
           "Tracked", "answer_due", "due", "local_date", "parse_within"]
