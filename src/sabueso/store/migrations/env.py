"""Alembic environment: migrations run on the connection Sabueso hands over."""

from __future__ import annotations

from alembic import context

from sabueso.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - Sabueso always passes one
    raise RuntimeError("run migrations through sabueso.store.db.Database.migrate()")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
