"""Rules R01-R15: the provider, its service and the identifiers asked about."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import Any

from sabueso.legal.model import CHANGEABLE
from sabueso.legal.targets import looks_confusable
from sabueso.legal.validate import (
    Context,
    Issue,
    err,
    readable,
    rule,
    warn,
)

# --- provider and service ---

@rule("R01")
def service_known(ctx: Context) -> Iterator[Issue]:
    """The provider's service: named when it has several, and one it has."""
    if ctx.provider is None:
        return
    services = [s["id"] for s in ctx.provider.data["services"]]
    if ctx.service is None:
        name = "service_needed" if ctx.draft.service is None else "service_unknown"
        yield err("R01", name, "--service", provider=ctx.provider.id,
                   service=ctx.draft.service or "", known=", ".join(services))


@rule("R02")
def operator_present(ctx: Context) -> Iterator[Issue]:
    """A telephone operator is asked in a country where it operates."""
    p = ctx.provider
    if p is None or p.kind != "telco":
        return
    country = ctx.draft.provider_country or ctx.draft.case_country
    if p.presence(country) is None:
        yield err("R02", "operator_absent", "--provider", provider=p.id, country=country,
                  countries=", ".join(p.countries()))
    elif country != ctx.draft.case_country and ctx.direct:
        # an operator abroad answers its own authorities: MLA (or the 24/7 network to preserve)
        if ctx.draft.kind in ("preservation", "extension", "emergency"):
            yield warn("R02", "operator_abroad", "--provider", provider=p.id, country=country)
        else:
            yield err("R02", "operator_abroad_mla", "--provider", provider=p.id,
                      country=country)


# --- identifiers ---

def _accepted(ctx: Context) -> dict[str, dict[str, Any]]:
    return {i["kind"]: i for i in (ctx.service or {}).get("identifiers", [])}


@rule("R03")
def targets_present(ctx: Context) -> Iterator[Issue]:
    if not ctx.draft.targets and ctx.draft.kind != "extension":
        yield err("R03", "no_targets", "--target")


@rule("R04")
def targetreadable(ctx: Context) -> Iterator[Issue]:
    """Each identifier reads in its canonical form (E.164, e-mail, URL, digits...)."""
    for tg in ctx.draft.targets:
        if tg.problem is not None:
            key, params = tg.problem
            yield Issue("R04", "error", key, "--target", params)


@rule("R05")
def target_not_rejected(ctx: Context) -> Iterator[Issue]:
    """Names and display names are never searchable; some providers refuse IPs alone."""
    if ctx.provider is None:
        return
    rejected = ctx.provider.fact("rejected_identifiers")
    rejected = set(rejected) if isinstance(rejected, list) else set()
    for tg in readable(ctx):
        if tg.kind in ("display_name", "real_name") or tg.kind in rejected:
            yield err("R05", "target_rejected", "--target", target=tg.original,
                       kind=tg.kind, provider=ctx.provider.name)


@rule("R06")
def target_kind_accepted(ctx: Context) -> Iterator[Issue]:
    """The identifier kind is one this provider's service searches by."""
    if ctx.provider is None or ctx.service is None:
        return
    accepted = _accepted(ctx)
    rejected = ctx.provider.fact("rejected_identifiers")
    rejected = set(rejected) if isinstance(rejected, list) else set()
    for tg in readable(ctx):
        if tg.kind not in accepted and tg.kind not in rejected | {"display_name",
                                                                   "real_name"}:
            yield err("R06", "target_not_accepted", "--target", target=tg.original, kind=tg.kind,
                       service=ctx.service["name"], accepted=", ".join(accepted))


@rule("R07")
def target_pattern(ctx: Context) -> Iterator[Issue]:
    """The provider's own format for the identifier (Snapchat usernames, Discord IDs)."""
    accepted = _accepted(ctx)
    for tg in readable(ctx):
        spec = accepted.get(tg.kind)
        if spec and spec.get("pattern") and not re.match(spec["pattern"], tg.value):
            yield err("R07", "target_pattern", "--target", target=tg.original,
                       value=tg.value, note=spec.get("note", spec["pattern"]))


@rule("R08")
def target_date(ctx: Context) -> Iterator[Issue]:
    """Usernames (and IPs) need the date they were in use: they change hands."""
    accepted = _accepted(ctx)
    for tg in readable(ctx):
        spec = accepted.get(tg.kind, {})
        if tg.in_use is None and (spec.get("needs_date") or tg.kind == "ip"):
            yield err("R08", "target_needs_date", "--target", target=tg.original)


@rule("R09")
def target_date_past(ctx: Context) -> Iterator[Issue]:
    for tg in readable(ctx):
        if tg.in_use is not None and tg.in_use > ctx.now:
            yield err("R09", "target_date_future", "--target", target=tg.original)


@rule("R10")
def target_changeable_date(ctx: Context) -> Iterator[Issue]:
    """A changeable identifier without a date is allowed where the provider does not ask."""
    accepted = _accepted(ctx)
    for tg in readable(ctx):
        if (tg.in_use is None and tg.kind in CHANGEABLE and tg.kind != "ip"
                and not accepted.get(tg.kind, {}).get("needs_date")):
            yield warn("R10", "target_no_date", "--target", target=tg.original)


@rule("R11")
def ip_details(ctx: Context) -> Iterator[Issue]:
    """IP addresses: a source port behind carrier-grade NAT; private ranges mean nothing."""
    for tg in readable(ctx):
        if tg.kind != "ip":
            continue
        address = ipaddress.ip_address(tg.value)
        if address.is_private or address.is_reserved or address.is_loopback:
            yield err("R11", "target_ip_private", "--target", target=tg.original)
        elif tg.port is None:
            yield warn("R11", "target_ip_port", "--target", target=tg.original)


@rule("R12")
def phone_country(ctx: Context) -> Iterator[Issue]:
    """A number read without its country code, or not of the operator's country."""
    country = ctx.draft.provider_country or ctx.draft.case_country
    for tg in readable(ctx):
        if tg.kind != "phone":
            continue
        if tg.assumed_country:
            yield warn("R12", "phone_assumed", "--target", target=tg.original,
                        country=tg.assumed_country, value=tg.value)
        if ctx.provider is not None and ctx.provider.kind == "telco":
            import phonenumbers

            region = phonenumbers.region_code_for_number(phonenumbers.parse(tg.value))
            if region != country:
                yield warn("R12", "phone_other_country", "--target", target=tg.value,
                            region=region or "?", country=country)


@rule("R13")
def target_unconfirmed(ctx: Context) -> Iterator[Issue]:
    """The directory lists the identifier kind from secondary or unverified sources only."""
    accepted = _accepted(ctx)
    for kind in sorted({tg.kind for tg in readable(ctx)}):
        spec = accepted.get(kind)
        if spec and spec.get("status") in ("unverified", "secondary"):
            yield warn("R13", "target_unconfirmed", "--target", kind=kind)


@rule("R14")
def target_confusable(ctx: Context) -> Iterator[Issue]:
    for tg in readable(ctx):
        if tg.kind in ("username", "gamertag", "email") and looks_confusable(tg.value):
            yield warn("R14", "target_confusable", "--target", value=tg.value)


@rule("R15")
def target_repeated(ctx: Context) -> Iterator[Issue]:
    seen: set[tuple[str, str]] = set()
    for tg in readable(ctx):
        if (tg.kind, tg.value) in seen:
            yield err("R15", "target_repeated", "--target", value=tg.value)
        seen.add((tg.kind, tg.value))
