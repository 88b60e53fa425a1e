"""Telephony (issue 5): the case's productions (call records, tower dumps, cell-site lists).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from sabueso.store.schema import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "telephony_imports",
        sa.Column("id", sa.Integer),
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("label", sa.String(128)),
        sa.Column("operator", sa.String(128)),
        sa.Column("region", sa.String(2)),
        sa.Column("zone", sa.String(64), nullable=False),
        sa.Column("options", sa.Text, nullable=False),
        sa.Column("rows_read", sa.Integer, nullable=False),
        sa.Column("rows_kept", sa.Integer, nullable=False),
        sa.Column("rows_rejected", sa.Integer, nullable=False),
        sa.Column("importer_version", sa.String(16), nullable=False),
        sa.Column("imported_at", UTCDateTime, nullable=False),
        sa.Column("imported_by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_telephony_imports"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name="fk_telephony_imports_case_id_cases"),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"],
                                name="fk_telephony_imports_item_id_items"),
        sa.CheckConstraint("kind IN ('cdr', 'cells')", name="ck_telephony_imports_kind"),
    )
    op.create_index("ix_telephony_imports_case_key", "telephony_imports", ["case_id", "key"],
                    unique=True)


def downgrade() -> None:
    op.drop_index("ix_telephony_imports_case_key", table_name="telephony_imports")
    op.drop_table("telephony_imports")
