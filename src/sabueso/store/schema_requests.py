"""Tables of the requests capability (migration 0008); they share the core ``metadata``.

``provider_requests`` holds each request to a provider as it was validated (targets,
categories and the requesting office's block as canonical JSON text), with its current
status; ``provider_request_events`` its status history; ``provider_request_items`` the
evidence items that came back as the provider's answer. Every row written here has its
ledger entry in the same transaction (``legal/requests.py``).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from sabueso.store.schema import UTCDateTime, metadata

provider_requests = Table(
    "provider_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("no", Integer, nullable=False),
    Column("number", String(32), nullable=False),
    Column("provider", String(64), nullable=False),
    Column("provider_country", String(2)),
    Column("service", String(64)),
    Column("kind", String(16), nullable=False),
    Column("mla", Boolean, nullable=False, server_default=false()),
    Column("categories", Text, nullable=False),
    Column("targets", Text, nullable=False),
    Column("range_from", UTCDateTime),
    Column("range_to", UTCDateTime),
    Column("range_zone", String(64)),
    Column("facts", Text),
    Column("legal_basis", Text),
    Column("nondisclosure_days", Integer),
    Column("emergency", String(32)),
    Column("related_id", Integer, ForeignKey("provider_requests.id")),
    Column("status", String(16), nullable=False),
    Column("provider_ref", Text),
    Column("requester", Text, nullable=False),
    Column("warnings", Text, nullable=False),
    Column("zone", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("sent_at", UTCDateTime),
    Column("due_on", Date),
    UniqueConstraint("case_id", "no", name="uq_provider_requests_case_no"),
    UniqueConstraint("case_id", "number", name="uq_provider_requests_case_number"),
    CheckConstraint("kind IN ('preservation', 'extension', 'emergency', 'subscriber', "
                    "'traffic', 'content')", name="kind"),
    CheckConstraint("status IN ('ready', 'sent', 'acknowledged', 'fulfilled', 'partial', "
                    "'rejected', 'withdrawn')", name="status"),
)

provider_request_events = Table(
    "provider_request_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", Integer, ForeignKey("provider_requests.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("provider_ref", Text),
    Column("note", Text),
    Index("ix_provider_request_events_request", "request_id"),
)

provider_request_items = Table(
    "provider_request_items",
    metadata,
    Column("request_id", Integer, ForeignKey("provider_requests.id"), primary_key=True),
    Column("item_id", Integer, ForeignKey("items.id"), primary_key=True),
)

__all__ = ["metadata", "provider_request_events", "provider_request_items",
           "provider_requests"]
