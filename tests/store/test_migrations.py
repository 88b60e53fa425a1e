"""The Alembic migrations create exactly the schema the code declares, on both backends."""

from __future__ import annotations

from importlib import resources

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from conftest import Env
from sabueso.store.db import HEAD_REVISION
from sabueso.store.schema import metadata


def test_head_revision_constant_is_the_script_head() -> None:
    cfg = Config()
    cfg.set_main_option("script_location",
                        str(resources.files("sabueso.store").joinpath("migrations")))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD_REVISION


def test_migrated_schema_matches_the_declared_one(env: Env) -> None:
    ws = env.workspace()
    assert ws.db.current_revision() == HEAD_REVISION
    assert ws.db.migrate() is False  # idempotent
    def declared(obj: object, name: str | None, kind: str, *_args: object) -> bool:
        # SQLite's full-text index is an FTS5 virtual table (and its shadow tables), which
        # SQLAlchemy cannot declare: the migration makes it, the search tests use it.
        return not (kind == "table" and (name or "").startswith("search_fts"))

    with ws.db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": declared})
        diff = compare_metadata(context, metadata)
    assert diff == []
