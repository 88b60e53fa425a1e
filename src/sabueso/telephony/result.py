"""What an analysis returns: named columns and rows (plus figures), so every analysis is shown,
written as JSON, CSV or XLSX the same way."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sabueso.core.errors import InputError
from sabueso.extract.mobileid import luhn_check_digit
from sabueso.telephony.phones import clean, to_e164


@dataclass(slots=True)
class Result:
    analysis: str
    case: str
    columns: list[str]
    rows: list[tuple[Any, ...]]
    params: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # further tables or figures

    def __post_init__(self) -> None:
        # DuckDB hands back naive instants; the store keeps them in UTC
        self.rows = [tuple(aware(v) for v in row) for row in self.rows]
        self.extra = aware(self.extra)

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def as_dict(self) -> dict[str, Any]:
        return {"analysis": self.analysis, "case": self.case, "params": self.params,
                "rows": self.records(), **self.extra}


def aware(value: Any) -> Any:
    """Instants (also inside dicts and lists) with their zone: the store keeps UTC without."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    if isinstance(value, dict):
        return {k: aware(v) for k, v in value.items()}
    if isinstance(value, list):
        return [aware(v) for v in value]
    return value


def number_arg(text: str, region: str | None) -> str:
    """A number as the user wrote it (local to the case's country, or international)."""
    value = to_e164(text, region) or clean(text)
    if not value.strip("+"):
        raise InputError("error.telephony_bad_number", value=text)
    return value


def imei15(imei14: str | None) -> str | None:
    """An IMEI as shown: records are compared on the first 14 digits (operators often write
    the check digit as 0); people, requests to providers and the entity index use 15, so the
    Luhn check digit is computed back."""
    if imei14 is None or len(imei14) != 14 or not imei14.isdigit():
        return imei14
    return imei14 + luhn_check_digit(imei14)


def iso(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None
