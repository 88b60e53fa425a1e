"""Deadline arithmetic: 90 + 90 days (18 U.S.C. 2703(f)), provider-specific periods, the
extension lead time, and dates in the requesting office's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sabueso.legal.deadlines import (
    Preservation,
    Tracked,
    answer_due,
    due,
    local_date,
    parse_within,
)
from sabueso.legal.directory import Directory


def _clock(provider: str, sent: date, extensions: int = 0) -> Preservation:
    p = Directory().provider(provider)
    return Preservation(sent, p.preservation("initial_days"), p.preservation("extension_days"),
                        p.preservation("max_extensions"), extensions,
                        p.preservation("min_lead_days"))


def test_us_rule_90_then_one_more_90() -> None:
    clock = _clock("meta", date(2026, 1, 10))
    assert clock.expires_on() == date(2026, 4, 10)  # 90 days (Jan 21 + Feb 28 + Mar 31 + 10)
    assert clock.extensions_left() == 1
    assert clock.extend_by() == date(2026, 3, 27)  # 14 days before expiry
    extended = _clock("meta", date(2026, 1, 10), extensions=1)
    assert extended.expires_on() == date(2026, 7, 9)  # + 90 from the end of the first
    assert extended.extensions_left() == 0 and extended.extend_by() is None
    again = _clock("meta", date(2026, 1, 10), extensions=2)  # a second one is not counted
    assert again.expires_on() == date(2026, 7, 9)


def test_provider_specific_periods() -> None:
    snap = _clock("snapchat", date(2026, 1, 10))  # non-US courtesy: 1 year + 180 days
    assert snap.expires_on() == date(2027, 1, 10)
    assert _clock("snapchat", date(2026, 1, 10), 1).expires_on() == date(2027, 7, 9)
    x = _clock("x", date(2026, 1, 10))
    assert x.lead_days() == 14  # X asks for 7: the tracker keeps its own 14 when larger
    custom = Preservation(date(2026, 1, 10), 90, 90, 1, 0, min_lead_days=21)
    assert custom.extend_by() == date(2026, 3, 20)
    unknown = _clock("google", date(2026, 1, 10))
    assert unknown.expires_on() is None and not unknown.known
    leap = Preservation(date(2028, 2, 1), 90, 90, 1)
    assert leap.expires_on() == date(2028, 5, 1)  # 29 days in February 2028


def test_the_date_is_the_office_s_date_not_utc_s() -> None:
    sent = datetime(2026, 1, 1, 3, 0, tzinfo=UTC)  # 31 December, 21:00 in Guatemala
    assert local_date(sent, "America/Guatemala") == date(2025, 12, 31)
    assert local_date(sent, "Europe/Madrid") == date(2026, 1, 1)
    clock = Preservation(local_date(sent, "America/Guatemala"), 90, 90, 1)
    assert clock.expires_on() == date(2026, 3, 31)
    # Santo Domingo is UTC-4 all year: 02:00 UTC is still the day before
    assert local_date(datetime(2026, 6, 1, 2, 0, tzinfo=UTC),
                      "America/Santo_Domingo") == date(2026, 5, 31)


def test_answers_are_due_after_the_provider_s_or_office_s_days() -> None:
    sent = date(2026, 11, 1)
    assert answer_due(sent, "subscriber", None, None) == date(2026, 12, 1)
    assert answer_due(sent, "subscriber", None, 15) == date(2026, 11, 16)
    assert answer_due(sent, "traffic", 10, 15) == date(2026, 11, 11)
    assert answer_due(sent, "emergency", 10, 15) == date(2026, 11, 2)


def _tracked(number: str, kind: str, status: str, sent: datetime | None,
             clock: Preservation | None = None, followed: bool = False) -> Tracked:
    return Tracked(number, kind, status, "meta", "America/Guatemala", sent, clock=clock,
                   followed=followed)


def test_due_lists_what_needs_action_most_urgent_first() -> None:
    today = date(2026, 11, 23)
    noon = datetime(2026, 1, 1, 18, tzinfo=UTC)

    def sent(d: date) -> datetime:
        return noon.replace(year=d.year, month=d.month, day=d.day)

    items = [
        _tracked("SOL-1", "preservation", "sent", sent(date(2026, 9, 10)),
                 Preservation(date(2026, 9, 10), 90, 90, 1)),  # expires 12-09, extend by 11-25
        _tracked("SOL-2", "preservation", "acknowledged", sent(date(2026, 6, 1)),
                 Preservation(date(2026, 6, 1), 90, 90, 1, extensions_sent=1)),  # 11-28, none left
        _tracked("SOL-3", "preservation", "sent", sent(date(2026, 5, 1)),
                 Preservation(date(2026, 5, 1), 90, 90, 1)),  # expired 07-30
        _tracked("SOL-4", "subscriber", "sent", sent(date(2026, 10, 1))),  # due 10-31: overdue
        _tracked("SOL-5", "traffic", "acknowledged", sent(date(2026, 11, 10))),  # due 12-10
        _tracked("SOL-6", "preservation", "ready", None),
        _tracked("SOL-7", "preservation", "sent", sent(date(2026, 11, 1)),
                 Preservation(date(2026, 11, 1), None, None, None)),
        _tracked("SOL-8", "preservation", "sent", sent(date(2026, 9, 10)),
                 Preservation(date(2026, 9, 10), 90, 90, 1), followed=True),  # superseded
        _tracked("SOL-9", "subscriber", "fulfilled", sent(date(2026, 10, 1))),  # answered
        _tracked("SOL-10", "preservation", "withdrawn", sent(date(2026, 9, 10)),
                 Preservation(date(2026, 9, 10), 90, 90, 1)),
    ]
    found = [(d.number, d.action, d.on, d.days_left) for d in due(items, today, 30)]
    assert found == [
        ("SOL-3", "expired", date(2026, 7, 30), -116),
        ("SOL-4", "answer_overdue", date(2026, 10, 31), -23),
        ("SOL-2", "follow_up_before_expiry", date(2026, 11, 28), 5),
        ("SOL-1", "extend", date(2026, 11, 25), 2),
        ("SOL-5", "answer_due", date(2026, 12, 10), 17),
        ("SOL-6", "send", today, 0),
        ("SOL-7", "period_unknown", None, None),
    ]
    # a shorter horizon drops what is further away, never what is late
    near = [(d.number, d.action) for d in due(items, today, 1)]
    assert ("SOL-5", "answer_due") not in near and ("SOL-1", "extend") not in near
    assert ("SOL-3", "expired") in near and ("SOL-4", "answer_overdue") in near


def test_an_extension_window_already_passed_means_follow_up_before_expiry() -> None:
    clock = Preservation(date(2026, 9, 1), 90, 90, 1)  # expires 11-30, extend by 11-16
    item = _tracked("SOL-1", "preservation", "sent",
                    datetime(2026, 9, 1, 18, tzinfo=UTC), clock)
    [found] = due([item], date(2026, 11, 23), 30)
    assert (found.action, found.on) == ("follow_up_before_expiry", date(2026, 11, 30))


@pytest.mark.parametrize(("text", "days"), [("30d", 30), ("4w", 28), ("7", 7), (" 10D ", 10)])
def test_within(text: str, days: int) -> None:
    assert parse_within(text) == days


@pytest.mark.parametrize("text", ["", "d", "-3d", "1m", "3.5d"])
def test_within_refuses_what_it_cannot_read(text: str) -> None:
    with pytest.raises(ValueError):
        parse_within(text)
