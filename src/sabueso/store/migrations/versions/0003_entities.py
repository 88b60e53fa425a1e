"""Derived data: derivation runs, per-item results, text records, entities and their mentions.

Everything here is rebuilt from evidence by ``sabueso reindex``; nothing refers to it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

from sabueso.store.schema import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "derivations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("extractor_version", sa.String(32), nullable=False),
        sa.Column("reader_versions", sa.Text, nullable=False),
        sa.Column("region", sa.String(2)),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("finished_at", UTCDateTime),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("items", sa.Integer, nullable=False),
        sa.Column("records", sa.Integer, nullable=False),
        sa.Column("mentions", sa.BigInteger, nullable=False),
        sa.Column("skipped", sa.Integer, nullable=False),
        sa.Column("failed", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_derivations"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_derivations_case_id_cases"),
        sa.CheckConstraint("status IN ('running', 'complete', 'superseded')",
                           name="ck_derivations_status"),
        sa.CheckConstraint("kind IN ('derive', 'rebuild')", name="ck_derivations_kind"),
    )
    op.create_index("ix_derivations_case", "derivations", ["case_id"])
    op.create_table(
        "item_derivations",
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("derivation_id", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reader", sa.String(32)),
        sa.Column("reader_version", sa.String(64)),
        sa.Column("records", sa.Integer, nullable=False),
        sa.Column("mentions", sa.BigInteger, nullable=False),
        sa.Column("error", sa.Text),
        sa.PrimaryKeyConstraint("item_id", name="pk_item_derivations"),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"],
                                name="fk_item_derivations_item_id_items"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name="fk_item_derivations_case_id_cases"),
        sa.ForeignKeyConstraint(["derivation_id"], ["derivations.id"],
                                name="fk_item_derivations_derivation_id_derivations"),
        sa.CheckConstraint("status IN ('ok', 'skipped', 'failed')",
                           name="ck_item_derivations_status"),
    )
    op.create_index("ix_item_derivations_case", "item_derivations", ["case_id"])
    op.create_table(
        "records",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("derivation_id", sa.Integer, nullable=False),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("locator", sa.Text),
        sa.Column("encoding", sa.String(32)),
        sa.Column("chars", sa.BigInteger, nullable=False),
        sa.Column("text", sa.Text),
        sa.Column("note", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_records"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_records_case_id_cases"),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name="fk_records_item_id_items"),
        sa.ForeignKeyConstraint(["derivation_id"], ["derivations.id"],
                                name="fk_records_derivation_id_derivations"),
        sa.UniqueConstraint("item_id", "ordinal", name="uq_records_item_ordinal"),
    )
    op.create_index("ix_records_case", "records", ["case_id"])
    op.create_table(
        "entities",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("value_sha256", sa.String(64), nullable=False),
        sa.Column("attrs", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_entities"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_entities_case_id_cases"),
        sa.UniqueConstraint("case_id", "type", "value_sha256",
                            name="uq_entities_case_type_value"),
    )
    op.create_index("ix_entities_case_value", "entities", ["case_id", "value_sha256"])
    op.create_table(
        "mentions",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("entity_id", sa.Integer, nullable=False),
        sa.Column("record_id", sa.Integer, nullable=False),
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("char_start", sa.BigInteger, nullable=False),
        sa.Column("char_end", sa.BigInteger, nullable=False),
        sa.Column("raw", sa.Text, nullable=False),
        sa.Column("derived", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_mentions"),
        sa.ForeignKeyConstraint(["entity_id"], ["entities.id"],
                                name="fk_mentions_entity_id_entities"),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"],
                                name="fk_mentions_record_id_records"),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name="fk_mentions_item_id_items"),
    )
    op.create_index("ix_mentions_entity", "mentions", ["entity_id", "item_id"])
    op.create_index("ix_mentions_item", "mentions", ["item_id"])
    op.create_index("ix_mentions_record", "mentions", ["record_id"])


def downgrade() -> None:
    for table in ("mentions", "entities", "records", "item_derivations", "derivations"):
        op.drop_table(table)
