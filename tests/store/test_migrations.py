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
    with ws.db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
