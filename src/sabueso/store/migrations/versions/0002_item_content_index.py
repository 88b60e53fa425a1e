"""Index items by (case, content) so intake finds an earlier item with the same blob quickly.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_items_case_blob", "items", ["case_id", "blob_sha256", "no"])


def downgrade() -> None:
    op.drop_index("ix_items_case_blob", table_name="items")
