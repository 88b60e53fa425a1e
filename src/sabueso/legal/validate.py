"""Checks a request must pass before it exists: one small function per rule.

Each rule has a stable id (``R01``...), and yields ``Issue``s: an error (the request is
refused) or a warning (allowed but risky, shown and recorded with the request). Messages are
catalogue keys (``error.requests_*`` for errors, ``requests.warn_*`` for warnings) naming the
field at fault. The rules follow the research note's list (provider-requests.md §7) and the
rejection reasons providers publish (§2.3); docs/requests.md lists them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sabueso.core.i18n import t
from sabueso.legal.deadlines import Preservation
from sabueso.legal.directory import Directory, Provider
from sabueso.legal.model import Draft, Target

BROAD_DAYS = 366  # a range longer than this is "overly broad" (TikTok, Meta)
EMERGENCY_BROAD_DAYS = 30
STALE_DAYS = 365  # a directory entry checked longer ago than this may be out of date
MIN_EMERGENCY_FACTS = 40
MAX_NONDISCLOSURE_DAYS = 365


@dataclass(frozen=True, slots=True)
class Issue:
    rule: str
    severity: str  # "error" | "warning"
    key: str
    where: str  # the option or office field at fault
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str | None = None) -> str:
        if lang is None:
            return t(self.key, field=self.where, **self.params)
        return t(self.key, lang, field=self.where, **self.params)

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "severity": self.severity, "key": self.key,
                "field": self.where, "params": self.params, "message": self.message()}


@dataclass(slots=True)
class Related:
    """The request a new one refers to (``--related``), as the database has it."""

    number: str
    kind: str
    status: str
    provider: str
    provider_ref: str | None
    sent_at: datetime | None
    zone: str
    clock: Preservation | None = None


@dataclass(slots=True)
class Existing:
    """An open request of the same case, for the duplicate check."""

    number: str
    provider: str
    kind: str
    targets: frozenset[tuple[str, str]]
    range_from: datetime | None
    range_to: datetime | None


@dataclass(slots=True)
class Context:
    draft: Draft
    directory: Directory
    office: dict[str, Any]
    now: datetime
    provider: Provider | None = None
    related: Related | None = None
    existing: list[Existing] = field(default_factory=list)
    service: dict[str, Any] | None = None
    categories: list[str] = field(default_factory=list)
    range_ok: bool = False

    @property
    def needs_range(self) -> bool:
        return self.draft.kind != "extension"

    @property
    def direct(self) -> bool:
        """Asked of the provider directly (not through mutual legal assistance)."""
        return not self.draft.mla


Rule = Callable[[Context], Iterator[Issue]]
RULES: list[tuple[str, Rule]] = []


def rule(rule_id: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES.append((rule_id, fn))
        return fn
    return register


def err(rule_id: str, name: str, fld: str, **params: Any) -> Issue:
    return Issue(rule_id, "error", f"error.requests_{name}", fld, params)


def warn(rule_id: str, name: str, fld: str, **params: Any) -> Issue:
    return Issue(rule_id, "warning", f"requests.warn_{name}", fld, params)


def check(ctx: Context) -> list[Issue]:
    """Every rule, in order; errors first."""
    issues = [issue for _id, fn in RULES for issue in fn(ctx)]
    return sorted(issues, key=lambda i: (i.severity != "error", i.rule))


def readable(ctx: Context) -> Iterator[Target]:
    """The identifiers that could be read (the others are reported by R04)."""
    return (tg for tg in ctx.draft.targets if tg.problem is None)


# the rules register themselves, in order, when their modules are imported
from sabueso.legal import rules_request, rules_targets  # noqa: E402,F401

__all__ = ["RULES", "Context", "Existing", "Issue", "Related", "check"]
