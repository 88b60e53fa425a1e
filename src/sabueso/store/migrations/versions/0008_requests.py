"""Requests to providers (issue 6): requests, their status history and the evidence they
brought back. The tables are declared in ``sabueso/store/schema_requests.py``.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from sabueso.store.schema import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "provider_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("no", sa.Integer, nullable=False),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("provider_country", sa.String(2)),
        sa.Column("service", sa.String(64)),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("mla", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("categories", sa.Text, nullable=False),
        sa.Column("targets", sa.Text, nullable=False),
        sa.Column("range_from", UTCDateTime),
        sa.Column("range_to", UTCDateTime),
        sa.Column("range_zone", sa.String(64)),
        sa.Column("facts", sa.Text),
        sa.Column("legal_basis", sa.Text),
        sa.Column("nondisclosure_days", sa.Integer),
        sa.Column("emergency", sa.String(32)),
        sa.Column("related_id", sa.Integer),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("provider_ref", sa.Text),
        sa.Column("requester", sa.Text, nullable=False),
        sa.Column("warnings", sa.Text, nullable=False),
        sa.Column("zone", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("sent_at", UTCDateTime),
        sa.Column("due_on", sa.Date),
        sa.PrimaryKeyConstraint("id", name="pk_provider_requests"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name="fk_provider_requests_case_id_cases"),
        sa.ForeignKeyConstraint(["related_id"], ["provider_requests.id"],
                                name="fk_provider_requests_related_id_provider_requests"),
        sa.UniqueConstraint("case_id", "no", name="uq_provider_requests_case_no"),
        sa.UniqueConstraint("case_id", "number", name="uq_provider_requests_case_number"),
        sa.CheckConstraint("kind IN ('preservation', 'extension', 'emergency', 'subscriber', "
                           "'traffic', 'content')", name="ck_provider_requests_kind"),
        sa.CheckConstraint("status IN ('ready', 'sent', 'acknowledged', 'fulfilled', "
                           "'partial', 'rejected', 'withdrawn')",
                           name="ck_provider_requests_status"),
    )
    op.create_table(
        "provider_request_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("request_id", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("provider_ref", sa.Text),
        sa.Column("note", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_provider_request_events"),
        sa.ForeignKeyConstraint(["request_id"], ["provider_requests.id"],
                                name="fk_provider_request_events_request_id_provider_requests"),
    )
    op.create_index("ix_provider_request_events_request", "provider_request_events",
                    ["request_id"])
    op.create_table(
        "provider_request_items",
        sa.Column("request_id", sa.Integer, nullable=False),
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("request_id", "item_id", name="pk_provider_request_items"),
        sa.ForeignKeyConstraint(["request_id"], ["provider_requests.id"],
                                name="fk_provider_request_items_request_id_provider_requests"),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"],
                                name="fk_provider_request_items_item_id_items"),
    )


def downgrade() -> None:
    op.drop_table("provider_request_items")
    op.drop_index("ix_provider_request_events_request", "provider_request_events")
    op.drop_table("provider_request_events")
    op.drop_table("provider_requests")
