"""Telephony (issue 5): call records, cell sites, imports of operator productions.

Reserved so the three capabilities can land independently; their tables are declared in
``sabueso/store/schema_telephony.py`` and created here.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
