"""Relational schema (SQLAlchemy Core). The Alembic migrations create exactly this.

Instants are stored in UTC (``UTCDateTime``). Ledger timestamps are kept as the exact ISO
text that was hashed, so a chain verifies identically on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        parsed: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)


users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(64), nullable=False),
)

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(64), nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("country", String(2), nullable=False),
    Column("tz", String(64), nullable=False),
    Column("prosecutor", Text),
    Column("legal_basis", Text),
    Column("status", String(16), nullable=False, default="open"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("closed_at", UTCDateTime),
    Column("next_item_no", Integer, nullable=False, default=1),
    CheckConstraint("status IN ('open', 'closed')", name="status"),
)

memberships = Table(
    "memberships",
    metadata,
    Column("case_id", Integer, ForeignKey("cases.id"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("granted_at", UTCDateTime, nullable=False),
    Column("granted_by", String(64), nullable=False),
)

blobs = Table(
    "blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("sha1", String(40), nullable=False),
    Column("md5", String(32), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("media_type", String(128), nullable=False),
    Column("stored_at", UTCDateTime, nullable=False),
)

intakes = Table(
    "intakes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("args_key", String(64), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime),
    # ``sabueso add --as FORMAT --tz ZONE``: how the chat exports of this intake are read
    Column("chat_format", String(32)),
    Column("zone", String(64)),
    Index("ix_intakes_case_args", "case_id", "args_key"),
)

items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("no", Integer, nullable=False),
    Column("parent_id", Integer, ForeignKey("items.id")),
    Column("kind", String(16), nullable=False),
    Column("blob_sha256", String(64), ForeignKey("blobs.sha256")),
    Column("name", Text, nullable=False),
    Column("original_path", Text, nullable=False),
    Column("size", BigInteger),
    Column("media_type", String(128)),
    Column("source", Text),
    Column("note", Text),
    Column("acquired_at", UTCDateTime, nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
    Column("added_by", String(64), nullable=False),
    Column("fs_modified_at", UTCDateTime),
    Column("intake_id", Integer, ForeignKey("intakes.id")),
    Column("identity", String(64), nullable=False),
    UniqueConstraint("case_id", "no", name="uq_items_case_no"),
    UniqueConstraint("case_id", "identity", name="uq_items_case_identity"),
    CheckConstraint("kind IN ('file', 'folder', 'member')", name="kind"),
    Index("ix_items_parent", "parent_id"),
    Index("ix_items_blob", "blob_sha256"),
    Index("ix_items_case_blob", "case_id", "blob_sha256", "no"),
)

ledger = Table(
    "ledger",
    metadata,
    Column("chain", String(80), primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("case_id", Integer, ForeignKey("cases.id")),
    Column("ts", String(32), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject", Text, nullable=False),
    Column("details", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

ledger_heads = Table(
    "ledger_heads",
    metadata,
    Column("chain", String(80), primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)

# --- Derived data (rebuildable from evidence plus the code's version; see extract/index.py) ---

# Mentions are the one table that grows with the text: 64-bit keys on PostgreSQL (SQLite's
# INTEGER PRIMARY KEY is 64-bit already, and only that spelling auto-increments there).
BigId = BigInteger().with_variant(Integer(), "sqlite")

derivations = Table(
    "derivations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("extractor_version", String(32), nullable=False),
    Column("reader_versions", Text, nullable=False),
    Column("region", String(2)),
    Column("actor", String(64), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("status", String(16), nullable=False),
    Column("items", Integer, nullable=False, default=0),
    Column("records", Integer, nullable=False, default=0),
    Column("mentions", BigInteger, nullable=False, default=0),
    Column("skipped", Integer, nullable=False, default=0),
    Column("failed", Integer, nullable=False, default=0),
    CheckConstraint("status IN ('running', 'complete', 'superseded')", name="status"),
    CheckConstraint("kind IN ('derive', 'rebuild')", name="kind"),
    Index("ix_derivations_case", "case_id"),
)

# ``sabueso reread REF E-n``: how one chat export is read, set after it was added (they win
# over its intake's ``--as``/``--tz``); the evidence itself is never touched
reading_hints = Table(
    "reading_hints",
    metadata,
    Column("item_id", Integer, ForeignKey("items.id"), primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("chat_format", String(32)),
    Column("zone", String(64)),
    Column("date_order", String(8)),
    Column("set_at", UTCDateTime, nullable=False),
    Column("set_by", String(64), nullable=False),
    CheckConstraint("date_order IN ('dmy', 'mdy')", name="date_order"),
)

item_derivations = Table(
    "item_derivations",
    metadata,
    Column("item_id", Integer, ForeignKey("items.id"), primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("derivation_id", Integer, ForeignKey("derivations.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reader", String(32)),
    Column("reader_version", String(64)),
    Column("records", Integer, nullable=False, default=0),
    Column("mentions", BigInteger, nullable=False, default=0),
    Column("error", Text),
    CheckConstraint("status IN ('ok', 'skipped', 'failed')", name="status"),
    Index("ix_item_derivations_case", "case_id"),
)

records = Table(
    "records",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("item_id", Integer, ForeignKey("items.id"), nullable=False),
    Column("derivation_id", Integer, ForeignKey("derivations.id"), nullable=False),
    Column("ordinal", Integer, nullable=False),
    Column("locator", Text),
    Column("encoding", String(32)),
    Column("chars", BigInteger, nullable=False),
    Column("text", Text),
    Column("note", Text),
    UniqueConstraint("item_id", "ordinal", name="uq_records_item_ordinal"),
    Index("ix_records_case", "case_id"),
)

entities = Table(
    "entities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("type", String(16), nullable=False),
    Column("value", Text, nullable=False),
    Column("value_sha256", String(64), nullable=False),
    Column("attrs", Text, nullable=False),
    UniqueConstraint("case_id", "type", "value_sha256", name="uq_entities_case_type_value"),
    Index("ix_entities_case_value", "case_id", "value_sha256"),
)

mentions = Table(
    "mentions",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("entity_id", Integer, ForeignKey("entities.id"), nullable=False),
    Column("record_id", Integer, ForeignKey("records.id"), nullable=False),
    Column("item_id", Integer, ForeignKey("items.id"), nullable=False),
    Column("char_start", BigInteger, nullable=False),
    Column("char_end", BigInteger, nullable=False),
    Column("raw", Text, nullable=False),
    Column("derived", Boolean, nullable=False, default=False),
    Index("ix_mentions_entity", "entity_id", "item_id"),
    Index("ix_mentions_item", "item_id"),
    Index("ix_mentions_record", "record_id"),
)

# --------------------------------------------------------------------------- chat exports
# Derived like records (rebuilt by ``sabueso reindex``): what chat-export parsers read out of
# an evidence item. A message's text is its record (``records.text``), so search and the
# entity index see it like any other text; these tables add who, where and when.

chats = Table(
    "chats",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("item_id", Integer, ForeignKey("items.id"), nullable=False),
    Column("derivation_id", Integer, ForeignKey("derivations.id"), nullable=False),
    Column("key", Text, nullable=False),
    Column("platform", String(16), nullable=False),
    Column("title", Text),
    Column("kind", String(32)),
    Column("platform_id", String(64)),
    # WhatsApp text exports: the order of the date's fields as written and what decided it
    Column("date_order", String(8)),
    Column("date_order_basis", String(16)),
    UniqueConstraint("item_id", "key", name="uq_chats_item_key"),
    Index("ix_chats_case", "case_id"),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("platform", String(16), nullable=False),
    Column("key", Text, nullable=False),
    Column("key_sha256", String(64), nullable=False),
    Column("display_name", Text),
    Column("phone", Text),  # as the export shows it
    Column("platform_id", String(64)),
    UniqueConstraint("case_id", "key_sha256", name="uq_accounts_case_key"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("item_id", Integer, ForeignKey("items.id"), nullable=False),
    Column("chat_id", Integer, ForeignKey("chats.id"), nullable=False),
    Column("record_id", Integer, ForeignKey("records.id"), nullable=False),
    Column("ordinal", Integer, nullable=False),
    Column("sender_id", Integer, ForeignKey("accounts.id")),
    Column("sent_at", UTCDateTime),
    Column("sent_text", Text, nullable=False),
    Column("zone", String(64)),
    Column("kind", String(16), nullable=False),
    Column("service", String(64)),
    Column("msg_id", String(64)),
    Column("reply_to", String(64)),
    Column("forwarded_from", Text),
    Column("edited_at", UTCDateTime),
    Column("edited", Boolean, nullable=False, default=False, server_default=false()),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("attachments", Text),  # JSON list: name, kind, omitted, item (E-number) when found
    UniqueConstraint("record_id", name="uq_messages_record"),
    CheckConstraint("kind IN ('message', 'service')", name="kind"),
    Index("ix_messages_case_sent", "case_id", "sent_at"),
    Index("ix_messages_chat", "chat_id", "ordinal"),
    Index("ix_messages_sender", "sender_id"),
)

# --------------------------------------------------------------------------- full-text search
# Derived: the text of every record, folded (``sabueso.extract.fold``) and cut in pieces of
# about 64 Ki characters. PostgreSQL indexes ``tsv`` (``to_tsvector('simple', folded)``, GIN);
# SQLite indexes ``folded`` in the FTS5 table ``search_fts`` (external content, created by the
# migration, rowid = ``search_chunks.id``), where ``tsv`` stays empty.

search_chunks = Table(
    "search_chunks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("item_id", Integer, ForeignKey("items.id"), nullable=False),
    Column("record_id", Integer, ForeignKey("records.id"), nullable=False),
    Column("chunk_start", BigInteger, nullable=False),
    Column("folded", Text, nullable=False),
    Column("tsv", TSVECTOR().with_variant(Text(), "sqlite")),
    Index("ix_search_chunks_case", "case_id"),
    Index("ix_search_chunks_record", "record_id"),
    Index("ix_search_chunks_tsv", "tsv", postgresql_using="gin"),
)


# Each capability declares its tables in a module of its own, on this same metadata.
from sabueso.store import schema_capture, schema_requests, schema_telephony  # noqa: E402,F401
