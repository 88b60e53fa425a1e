"""Intakes remember how their chat exports are read (``--as FORMAT``, ``--tz ZONE``); chats keep
how their dates were read, messages whether the export marks them edited.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("intakes") as batch:
        batch.add_column(sa.Column("chat_format", sa.String(32)))
        batch.add_column(sa.Column("zone", sa.String(64)))
    with op.batch_alter_table("chats") as batch:
        batch.add_column(sa.Column("date_order", sa.String(8)))
        batch.add_column(sa.Column("date_order_basis", sa.String(16)))
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("edited", sa.Boolean, nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("edited")
    with op.batch_alter_table("chats") as batch:
        batch.drop_column("date_order_basis")
        batch.drop_column("date_order")
    with op.batch_alter_table("intakes") as batch:
        batch.drop_column("zone")
        batch.drop_column("chat_format")
