"""Web capture (issue 7): capture attempts and the evidence items of their bundles.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from sabueso.store.schema import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "captures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("url_key", sa.String(64), nullable=False),
        sa.Column("final_url", sa.Text),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("http_status", sa.Integer),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("finished_at", UTCDateTime),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("allow_private", sa.Boolean, nullable=False),
        sa.Column("allowed_networks", sa.Text),
        sa.Column("error_key", sa.String(64)),
        sa.Column("error", sa.Text),
        sa.Column("intake_id", sa.Integer),
        sa.Column("folder_item_id", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_captures"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_captures_case_id_cases"),
        sa.ForeignKeyConstraint(["intake_id"], ["intakes.id"],
                                name="fk_captures_intake_id_intakes"),
        sa.ForeignKeyConstraint(["folder_item_id"], ["items.id"],
                                name="fk_captures_folder_item_id_items"),
        sa.CheckConstraint("status IN ('started', 'complete', 'failed')",
                           name="ck_captures_status"),
        sa.CheckConstraint("mode IN ('browser', 'http')", name="ck_captures_mode"),
    )
    op.create_index("ix_captures_case_url", "captures", ["case_id", "url_key"])
    op.create_table(
        "capture_items",
        sa.Column("capture_id", sa.Integer, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("capture_id", "role", name="pk_capture_items"),
        sa.ForeignKeyConstraint(["capture_id"], ["captures.id"],
                                name="fk_capture_items_capture_id_captures"),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"],
                                name="fk_capture_items_item_id_items"),
    )
    op.create_index("ix_capture_items_item", "capture_items", ["item_id"])


def downgrade() -> None:
    op.drop_index("ix_capture_items_item", table_name="capture_items")
    op.drop_table("capture_items")
    op.drop_index("ix_captures_case_url", table_name="captures")
    op.drop_table("captures")
