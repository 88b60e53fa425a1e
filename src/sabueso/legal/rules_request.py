"""Rules R16-R40: dates, data categories and legal route, emergency, legal basis, the
requesting office, notice, related requests and the directory itself."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from sabueso.core.errors import InputError
from sabueso.core.timeutil import get_zone
from sabueso.legal.deadlines import local_date
from sabueso.legal.directory import UNKNOWN
from sabueso.legal.model import ALLOWED_CATEGORIES, EMERGENCIES
from sabueso.legal.office import FREE_MAIL, REQUIRED, email_domain
from sabueso.legal.targets import canonical_phone
from sabueso.legal.validate import (
    BROAD_DAYS,
    EMERGENCY_BROAD_DAYS,
    MAX_NONDISCLOSURE_DAYS,
    MIN_EMERGENCY_FACTS,
    STALE_DAYS,
    Context,
    Issue,
    err,
    readable,
    rule,
    warn,
)

# --- time range ---

def _instant(text: str, zone: str | None, end: bool, fld: str) -> datetime:
    from sabueso.core.timeutil import parse_instant

    raw = text.strip()
    date_only = re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) is not None
    value = parse_instant(raw, default_tz=get_zone(zone) if zone else None, field=fld)
    return value + timedelta(days=1, microseconds=-1) if end and date_only else value


@rule("R16")
def range_given(ctx: Context) -> Iterator[Issue]:
    """A bounded range, each end with its zone (an offset, or --tz)."""
    d = ctx.draft
    if not ctx.needs_range:
        return
    if not d.range_from_text or not d.range_to_text:
        yield err("R16", "range_missing", "--from/--to")
        return
    try:
        if d.zone is not None:
            get_zone(d.zone)
        d.range_from = _instant(d.range_from_text, d.zone, False, "--from")
        d.range_to = _instant(d.range_to_text, d.zone, True, "--to")
        ctx.range_ok = True
    except InputError as exc:
        fld = str(exc.params.get("field", "--tz"))
        yield Issue("R16", "error", f"error.requests_range_{exc.key.split('.')[-1]}", fld,
                    {k: v for k, v in exc.params.items() if k != "field"})


@rule("R17")
def range_order(ctx: Context) -> Iterator[Issue]:
    d = ctx.draft
    if ctx.range_ok and d.range_from and d.range_to and d.range_from >= d.range_to:
        yield err("R17", "range_order", "--from/--to")


@rule("R18")
def range_not_future(ctx: Context) -> Iterator[Issue]:
    d = ctx.draft
    if ctx.range_ok and d.range_from and d.range_from > ctx.now:
        yield err("R18", "range_future", "--from")
    elif ctx.range_ok and d.range_to and d.range_to > ctx.now + timedelta(days=1):
        yield err("R18", "range_future", "--to")


@rule("R19")
def range_broad(ctx: Context) -> Iterator[Issue]:
    d = ctx.draft
    if not (ctx.range_ok and d.range_from and d.range_to):
        return
    days = (d.range_to - d.range_from).days
    limit = EMERGENCY_BROAD_DAYS if d.kind == "emergency" else BROAD_DAYS
    if days > limit:
        yield warn("R19", "range_broad", "--from/--to", days=days, limit=limit)


@rule("R20")
def range_retention(ctx: Context) -> Iterator[Issue]:
    """Data older than the provider says it keeps is probably gone."""
    d = ctx.draft
    keep = ctx.provider.fact("retention_days") if ctx.provider else UNKNOWN
    if ctx.range_ok and d.range_from and isinstance(keep, int) and \
            d.range_from < ctx.now - timedelta(days=keep):
        yield warn("R20", "range_retention", "--from", days=keep)


# --- categories and the legal route ---

@rule("R21")
def categories_allowed(ctx: Context) -> Iterator[Issue]:
    allowed = ALLOWED_CATEGORIES[ctx.draft.kind]
    for cat in ctx.categories:
        if cat in ("all", "todo", "todos"):
            yield err("R21", "category_none", "--data")
        elif cat not in allowed:
            yield err("R21", "category_type", "--data", category=cat, type=ctx.draft.kind,
                       allowed=", ".join(allowed))
    if ctx.draft.kind != "extension" and not ctx.categories:
        yield err("R21", "category_none", "--data")


@rule("R22")
def content_through_mla(ctx: Context) -> Iterator[Issue]:
    """Content from a foreign provider only through mutual legal assistance (MLA)."""
    p = ctx.provider
    if p is None or not ctx.direct or ctx.draft.kind in ("preservation", "extension"):
        return
    route = (p.category("content") or {}).get("foreign_direct")
    if "content" in ctx.categories and route in ("none", UNKNOWN):
        yield err("R22", "content_needs_mla", "--type", provider=p.name)
    elif "content" in ctx.categories and route == "domestic":
        country = ctx.directory.country(ctx.draft.provider_country or ctx.draft.case_country)
        yield warn("R22", "content_interception", "--type", provider=p.name,
                   basis=country.basis("interception") if country else UNKNOWN)


@rule("R23")
def category_direct(ctx: Context) -> Iterator[Issue]:
    """Other categories the provider gives foreign authorities only through MLA."""
    p = ctx.provider
    if p is None or not ctx.direct or ctx.draft.kind in ("preservation", "extension",
                                                          "emergency"):
        return
    for cat in ctx.categories:
        route = (p.category(cat) or {}).get("foreign_direct", UNKNOWN)
        if cat != "content" and route == "none":
            yield err("R23", "category_needs_mla", "--data", category=cat, provider=p.name)
        elif route in ("discretionary", UNKNOWN):
            yield warn("R23", f"category_{route}", "--data", category=cat, provider=p.name)


@rule("R24")
def mla_meaningful(ctx: Context) -> Iterator[Issue]:
    if ctx.draft.mla and ctx.draft.kind in ("preservation", "extension", "emergency"):
        yield err("R24", "mla_type", "--mla", type=ctx.draft.kind)


# --- emergency ---

@rule("R25")
def emergency_facts(ctx: Context) -> Iterator[Issue]:
    """An emergency names its nature and the facts of imminent danger."""
    d = ctx.draft
    if d.kind != "emergency":
        if d.emergency is not None:
            yield err("R25", "emergency_not_emergency", "--emergency", type=d.kind)
        return
    if d.emergency not in EMERGENCIES:
        yield err("R25", "emergency_nature", "--emergency", nature=d.emergency or "",
                   allowed=", ".join(EMERGENCIES))
    if len((d.facts or "").strip()) < MIN_EMERGENCY_FACTS:
        yield err("R25", "emergency_facts", "--facts", minimum=MIN_EMERGENCY_FACTS)


@rule("R26")
def emergency_channel(ctx: Context) -> Iterator[Issue]:
    p = ctx.provider
    if p is not None and ctx.draft.kind == "emergency" and (
            not p.channels_for("emergency") or p.fact("emergency") == UNKNOWN):
        yield warn("R26", "emergency_channel", "--provider", provider=p.name)


# --- legal basis and facts ---

@rule("R27")
def facts_present(ctx: Context) -> Iterator[Issue]:
    """The offence and a short summary of the facts (Budapest Art. 29(2)(b))."""
    if ctx.draft.kind != "extension" and not (ctx.draft.facts or "").strip():
        yield err("R27", "facts_missing", "--facts")


@rule("R28")
def legal_basis_present(ctx: Context) -> Iterator[Issue]:
    basis = (ctx.draft.legal_basis or ctx.draft.case_legal_basis or "").strip()
    if not basis:
        yield err("R28", "legal_basis_missing", "--legal-basis")
    elif not re.search(r"\d", basis):
        yield warn("R28", "legal_basis_article", "--legal-basis")


# --- the requesting office ---

@rule("R29")
def office_complete(ctx: Context) -> Iterator[Issue]:
    for key in REQUIRED:
        if not ctx.office.get(key):
            yield err("R29", "office_missing", f"office.{key}", item=key.replace("_", "-"))


@rule("R30")
def office_email(ctx: Context) -> Iterator[Issue]:
    """An official government address: free mail is refused by every provider."""
    email = str(ctx.office.get("email") or "")
    if not email:
        return
    domain = email_domain(email)
    official = [str(d).lower() for d in ctx.office.get("official_domains") or []]
    if domain in FREE_MAIL:
        yield err("R30", "office_free_mail", "office.email", domain=domain)
    elif official and not any(domain == d or domain.endswith("." + d) for d in official):
        yield err("R30", "office_domain", "office.email", domain=domain,
                   official=", ".join(official))


@rule("R31")
def office_phone_zone(ctx: Context) -> Iterator[Issue]:
    phone = str(ctx.office.get("phone") or "")
    if phone and (not phone.strip().startswith("+") or canonical_phone(phone, None) is None):
        yield err("R31", "office_phone", "office.phone", phone=phone)
    zone = ctx.office.get("timezone")
    if zone:
        try:
            get_zone(str(zone))
        except InputError:
            yield err("R31", "office_timezone", "office.timezone", tz=zone)


# --- notice to the user ---

@rule("R32")
def nondisclosure(ctx: Context) -> Iterator[Issue]:
    """Nondisclosure for a stated, finite time (Snap and X refuse open-ended ones)."""
    days = ctx.draft.nondisclosure_days
    if days is not None and not 0 < days <= MAX_NONDISCLOSURE_DAYS:
        yield err("R32", "nondisclosure_days", "--nondisclosure", days=days,
                   maximum=MAX_NONDISCLOSURE_DAYS)
    elif days is None and ctx.provider is not None and ctx.draft.kind in (
            "subscriber", "traffic", "content") and "notif" in str(
            ctx.provider.fact("user_notice")).lower():
        yield warn("R32", "user_notified", "--nondisclosure", provider=ctx.provider.name)


# --- related requests: extensions, follow-ups ---

@rule("R33")
def extension_related(ctx: Context) -> Iterator[Issue]:
    """An extension names the preservation it extends: same provider, sent, not expired."""
    d, rel = ctx.draft, ctx.related
    if d.kind != "extension":
        return
    if d.related is None:
        yield err("R33", "extension_needs_related", "--related")
        return
    if rel is None:
        return  # R35 reports the unknown number
    if rel.kind != "preservation" or (ctx.provider and rel.provider != ctx.provider.id):
        yield err("R33", "extension_related_kind", "--related", related=rel.number)
        return
    if rel.sent_at is None or rel.status in ("ready", "withdrawn", "rejected"):
        yield err("R33", "extension_not_sent", "--related", related=rel.number,
                   status=rel.status)


@rule("R34")
def extension_possible(ctx: Context) -> Iterator[Issue]:
    d, rel = ctx.draft, ctx.related
    if d.kind != "extension" or rel is None or rel.clock is None or rel.sent_at is None:
        return
    clock = rel.clock
    today = local_date(ctx.now, rel.zone)
    expires = clock.expires_on()
    if clock.extensions_left() == 0:
        yield err("R34", "extension_exhausted", "--related", related=rel.number,
                   maximum=clock.max_extensions or 0)
    elif expires is not None and expires < today:
        yield err("R34", "extension_expired", "--related", related=rel.number,
                   expired=expires.isoformat())
    elif expires is not None and (expires - today).days < clock.lead_days():
        yield warn("R34", "extension_late", "--related", related=rel.number,
                    expires=expires.isoformat(), lead=clock.lead_days())
    if clock.extensions_left() is None or not clock.known:
        yield warn("R34", "extension_unknown", "--related", provider=rel.provider)


@rule("R35")
def related_exists(ctx: Context) -> Iterator[Issue]:
    if ctx.draft.related is not None and ctx.related is None:
        yield err("R35", "related_unknown", "--related", related=ctx.draft.related)


@rule("R36")
def duplicate_open(ctx: Context) -> Iterator[Issue]:
    """The same provider, an identifier in common and overlapping dates: already asked."""
    d = ctx.draft
    mine = {(tg.kind, tg.value) for tg in readable(ctx)}
    for other in ctx.existing:
        if ctx.provider is None or other.provider != ctx.provider.id or other.kind != d.kind:
            continue
        if not mine & other.targets:
            continue
        if d.range_from and d.range_to and other.range_from and other.range_to and (
                d.range_to < other.range_from or other.range_to < d.range_from):
            continue
        yield warn("R36", "duplicate", "--target", other=other.number)


# --- the directory itself ---

@rule("R37")
def directory_fresh(ctx: Context) -> Iterator[Issue]:
    if ctx.provider is None:
        return
    checked = date.fromisoformat(ctx.provider.checked)
    age = (ctx.now.date() - checked).days
    if age > STALE_DAYS:
        yield warn("R37", "directory_stale", "--provider", provider=ctx.provider.name,
                    checked=ctx.provider.checked, days=age)


@rule("R38")
def preservation_period_known(ctx: Context) -> Iterator[Issue]:
    if ctx.provider is not None and ctx.draft.kind == "preservation" and \
            ctx.provider.preservation("initial_days") is None:
        yield warn("R38", "preservation_unknown", "--provider", provider=ctx.provider.name)


@rule("R39")
def channel_known(ctx: Context) -> Iterator[Issue]:
    p = ctx.provider
    if p is None:
        return
    purpose = {"preservation": "preservation", "extension": "extension",
               "emergency": "emergency"}.get(ctx.draft.kind, "disclosure")
    usable = [c for c in p.channels_for(purpose) if c["address"] != UNKNOWN]
    if not usable and not ctx.draft.mla:
        yield warn("R39", "channel_unknown", "--provider", provider=p.name)


@rule("R40")
def language(ctx: Context) -> Iterator[Issue]:
    p = ctx.provider
    if p is not None and p.languages() and "es" not in p.languages():
        yield warn("R40", "language", "--provider", provider=p.name,
                    languages=", ".join(p.languages()))
