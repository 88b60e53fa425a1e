"""Tables of the capture capability (migration 0009); they share the core ``metadata``.

``captures`` has one row per attempt to capture a URL into a case (complete or failed, with
the reason); ``capture_items`` ties a complete capture to the evidence items of its bundle
(WARC, screenshot, PDF, DOM, text, record), each by its role.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from sabueso.store.schema import UTCDateTime, metadata

captures = Table(
    "captures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("url", Text, nullable=False),  # as requested
    Column("url_key", String(64), nullable=False),  # SHA-256 of the normalised URL
    Column("final_url", Text),
    Column("mode", String(8), nullable=False),
    Column("status", String(16), nullable=False),
    Column("http_status", Integer),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("actor", String(64), nullable=False),
    Column("note", Text),
    Column("allow_private", Boolean, nullable=False),  # the guard lifted (--allow-private)
    Column("allowed_networks", Text),  # lifted for these networks only (--allow-address)
    Column("error_key", String(64)),
    Column("error", Text),
    Column("intake_id", Integer, ForeignKey("intakes.id")),
    Column("folder_item_id", Integer, ForeignKey("items.id")),
    CheckConstraint("status IN ('started', 'complete', 'failed')", name="status"),
    CheckConstraint("mode IN ('browser', 'http')", name="mode"),
    Index("ix_captures_case_url", "case_id", "url_key"),
)

capture_items = Table(
    "capture_items",
    metadata,
    Column("capture_id", Integer, ForeignKey("captures.id"), primary_key=True),
    Column("role", String(16), primary_key=True),
    Column("item_id", Integer, ForeignKey("items.id"), nullable=False),
    Index("ix_capture_items_item", "item_id"),
)

__all__ = ["capture_items", "captures", "metadata"]
