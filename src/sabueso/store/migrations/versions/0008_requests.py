"""Requests to providers (issue 6): requests, their status history and deadlines.

Reserved so the three capabilities can land independently; their tables are declared in
``sabueso/store/schema_requests.py`` and created here.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
