"""Web capture (issue 7): capture bundles and their runs.

Reserved so the three capabilities can land independently; their tables are declared in
``sabueso/store/schema_capture.py`` and created here.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
