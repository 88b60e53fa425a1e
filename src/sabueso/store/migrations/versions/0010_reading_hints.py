"""How a chat export is read, set after it was added (``sabueso reread``).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

from sabueso.store.schema import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reading_hints",
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("chat_format", sa.String(32)),
        sa.Column("zone", sa.String(64)),
        sa.Column("date_order", sa.String(8)),
        sa.Column("set_at", UTCDateTime, nullable=False),
        sa.Column("set_by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("item_id", name="pk_reading_hints"),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"],
                                name="fk_reading_hints_item_id_items"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name="fk_reading_hints_case_id_cases"),
        sa.CheckConstraint("date_order IN ('dmy', 'mdy')", name="ck_reading_hints_date_order"),
    )


def downgrade() -> None:
    op.drop_table("reading_hints")
