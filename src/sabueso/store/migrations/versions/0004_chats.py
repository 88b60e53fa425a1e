"""Chat exports: chats, accounts and messages read out of evidence (derived, rebuildable).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from sabueso.store.schema import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chats",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("derivation_id", sa.Integer, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("kind", sa.String(32)),
        sa.Column("platform_id", sa.String(64)),
        sa.PrimaryKeyConstraint("id", name="pk_chats"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_chats_case_id_cases"),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name="fk_chats_item_id_items"),
        sa.ForeignKeyConstraint(["derivation_id"], ["derivations.id"],
                                name="fk_chats_derivation_id_derivations"),
        sa.UniqueConstraint("item_id", "key", name="uq_chats_item_key"),
    )
    op.create_index("ix_chats_case", "chats", ["case_id"])
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("key_sha256", sa.String(64), nullable=False),
        sa.Column("display_name", sa.Text),
        sa.Column("phone", sa.Text),
        sa.Column("platform_id", sa.String(64)),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_accounts_case_id_cases"),
        sa.UniqueConstraint("case_id", "key_sha256", name="uq_accounts_case_key"),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("chat_id", sa.Integer, nullable=False),
        sa.Column("record_id", sa.Integer, nullable=False),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("sender_id", sa.Integer),
        sa.Column("sent_at", UTCDateTime),
        sa.Column("sent_text", sa.Text, nullable=False),
        sa.Column("zone", sa.String(64)),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("service", sa.String(64)),
        sa.Column("msg_id", sa.String(64)),
        sa.Column("reply_to", sa.String(64)),
        sa.Column("forwarded_from", sa.Text),
        sa.Column("edited_at", UTCDateTime),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("attachments", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_messages"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_messages_case_id_cases"),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name="fk_messages_item_id_items"),
        sa.ForeignKeyConstraint(["chat_id"], ["chats.id"], name="fk_messages_chat_id_chats"),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"],
                                name="fk_messages_record_id_records"),
        sa.ForeignKeyConstraint(["sender_id"], ["accounts.id"],
                                name="fk_messages_sender_id_accounts"),
        sa.UniqueConstraint("record_id", name="uq_messages_record"),
        sa.CheckConstraint("kind IN ('message', 'service')", name="ck_messages_kind"),
    )
    op.create_index("ix_messages_case_sent", "messages", ["case_id", "sent_at"])
    op.create_index("ix_messages_chat", "messages", ["chat_id", "ordinal"])
    op.create_index("ix_messages_sender", "messages", ["sender_id"])


def downgrade() -> None:
    for table in ("messages", "accounts", "chats"):
        op.drop_table(table)
