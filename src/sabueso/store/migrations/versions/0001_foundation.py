"""Foundation: users, cases, memberships, vault blobs, evidence items, intakes, custody ledger.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from sabueso.store.schema import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

LEDGER_GUARD_SQLITE = [
    """CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
       BEGIN SELECT RAISE(ABORT, 'the custody ledger is append-only'); END""",
    """CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
       BEGIN SELECT RAISE(ABORT, 'the custody ledger is append-only'); END""",
]
LEDGER_GUARD_POSTGRES = [
    """CREATE FUNCTION sabueso_ledger_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the custody ledger is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ledger
       FOR EACH ROW EXECUTE FUNCTION sabueso_ledger_append_only()""",
]


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ref", sa.String(64), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("prosecutor", sa.Text),
        sa.Column("legal_basis", sa.Text),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("closed_at", UTCDateTime),
        sa.Column("next_item_no", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
        sa.UniqueConstraint("ref", name="uq_cases_ref"),
        sa.CheckConstraint("status IN ('open', 'closed')", name="ck_cases_status"),
    )
    op.create_table(
        "memberships",
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("granted_at", UTCDateTime, nullable=False),
        sa.Column("granted_by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "user_id", name="pk_memberships"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_memberships_case_id_cases"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_memberships_user_id_users"),
    )
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("sha1", sa.String(40), nullable=False),
        sa.Column("md5", sa.String(32), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("media_type", sa.String(128), nullable=False),
        sa.Column("stored_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_blobs"),
    )
    op.create_table(
        "intakes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("args_key", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("completed_at", UTCDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_intakes"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_intakes_case_id_cases"),
    )
    op.create_index("ix_intakes_case_args", "intakes", ["case_id", "args_key"])
    op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("no", sa.Integer, nullable=False),
        sa.Column("parent_id", sa.Integer),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("blob_sha256", sa.String(64)),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("original_path", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger),
        sa.Column("media_type", sa.String(128)),
        sa.Column("source", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("acquired_at", UTCDateTime, nullable=False),
        sa.Column("added_at", UTCDateTime, nullable=False),
        sa.Column("added_by", sa.String(64), nullable=False),
        sa.Column("fs_modified_at", UTCDateTime),
        sa.Column("intake_id", sa.Integer),
        sa.Column("identity", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_items"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_items_case_id_cases"),
        sa.ForeignKeyConstraint(["parent_id"], ["items.id"], name="fk_items_parent_id_items"),
        sa.ForeignKeyConstraint(["blob_sha256"], ["blobs.sha256"],
                                name="fk_items_blob_sha256_blobs"),
        sa.ForeignKeyConstraint(["intake_id"], ["intakes.id"], name="fk_items_intake_id_intakes"),
        sa.UniqueConstraint("case_id", "no", name="uq_items_case_no"),
        sa.UniqueConstraint("case_id", "identity", name="uq_items_case_identity"),
        sa.CheckConstraint("kind IN ('file', 'folder', 'member')", name="ck_items_kind"),
    )
    op.create_index("ix_items_parent", "items", ["parent_id"])
    op.create_index("ix_items_blob", "items", ["blob_sha256"])
    op.create_table(
        "ledger",
        sa.Column("chain", sa.String(80), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False, autoincrement=False),
        sa.Column("case_id", sa.Integer),
        sa.Column("ts", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("chain", "seq", name="pk_ledger"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_ledger_case_id_cases"),
    )
    op.create_table(
        "ledger_heads",
        sa.Column("chain", sa.String(80), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("chain", name="pk_ledger_heads"),
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    guards = LEDGER_GUARD_SQLITE if sqlite else LEDGER_GUARD_POSTGRES
    for statement in guards:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS ledger_no_update")
        op.execute("DROP TRIGGER IF EXISTS ledger_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS ledger_append_only ON ledger")
        op.execute("DROP FUNCTION IF EXISTS sabueso_ledger_append_only()")
    for table in ("ledger_heads", "ledger", "items", "intakes", "blobs", "memberships", "cases",
                  "users"):
        op.drop_table(table)
