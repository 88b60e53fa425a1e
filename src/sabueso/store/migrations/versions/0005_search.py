"""Full-text search over record text: folded pieces, a GIN index on PostgreSQL, FTS5 on SQLite.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_chunks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("record_id", sa.Integer, nullable=False),
        sa.Column("chunk_start", sa.BigInteger, nullable=False),
        sa.Column("folded", sa.Text, nullable=False),
        sa.Column("tsv", TSVECTOR().with_variant(sa.Text(), "sqlite")),
        sa.PrimaryKeyConstraint("id", name="pk_search_chunks"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name="fk_search_chunks_case_id_cases"),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"],
                                name="fk_search_chunks_item_id_items"),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"],
                                name="fk_search_chunks_record_id_records"),
    )
    op.create_index("ix_search_chunks_case", "search_chunks", ["case_id"])
    op.create_index("ix_search_chunks_record", "search_chunks", ["record_id"])
    op.create_index("ix_search_chunks_tsv", "search_chunks", ["tsv"], postgresql_using="gin")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(folded, content='search_chunks', "
                   "content_rowid='id', tokenize='unicode61 remove_diacritics 0')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts")
    op.drop_table("search_chunks")
