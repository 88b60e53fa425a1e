"""Tables of the telephony capability (migration 0007); they share the core ``metadata``.

``telephony_imports`` is the case's list of productions: each import of an evidence item as
call records (a per-target CDR or a labelled tower dump) or as a cell-site list, with how it
was read and what came out of it. The normalised rows themselves are derived data in the
case's DuckDB file (``sabueso.telephony.store``), rebuilt from the vault and these rows.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text

from sabueso.store.schema import UTCDateTime, metadata

telephony_imports = Table(
    "telephony_imports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("item_id", Integer, ForeignKey("items.id"), nullable=False),
    Column("kind", String(8), nullable=False),
    # SHA-256 over the item's content hash and every option that changes the result
    Column("key", String(64), nullable=False),
    Column("label", String(128)),
    Column("operator", String(128)),
    Column("region", String(2)),
    Column("zone", String(64), nullable=False),
    Column("options", Text, nullable=False),  # canonical JSON: mapping, date order, layout
    Column("rows_read", Integer, nullable=False),
    Column("rows_kept", Integer, nullable=False),
    Column("rows_rejected", Integer, nullable=False),
    Column("importer_version", String(16), nullable=False),
    Column("imported_at", UTCDateTime, nullable=False),
    Column("imported_by", String(64), nullable=False),
    CheckConstraint("kind IN ('cdr', 'cells')", name="kind"),
    Index("ix_telephony_imports_case_key", "case_id", "key", unique=True),
)

__all__ = ["metadata", "telephony_imports"]
