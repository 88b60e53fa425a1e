"""Database engine, transactions and migrations.

SQLite is the embedded default: WAL journal, ``synchronous=FULL`` (custody data must survive a
power cut), foreign keys on, and every transaction begun ``IMMEDIATE`` so concurrent writers
queue on the database lock instead of failing half-way. PostgreSQL is the server option
(``postgresql+psycopg://``); there the ledger serialises appends with row locks.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, CursorResult, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from sabueso.core.errors import ConfigError

# The newest migration; ``tests/store/test_migrations.py`` checks it is the script head.
HEAD_REVISION = "0010"


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError("error.bad_database_url", url=url) from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 60})
        _sqlite_setup(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True)
    raise ConfigError("error.unsupported_database", url=url)


class Database:
    """One engine plus the operations every service needs: transactions and schema set-up."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A write transaction: committed on success, rolled back on any exception."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except OperationalError as exc:
            if "database is locked" in str(exc):
                raise ConfigError("error.database_busy") from exc
            raise

    def current_revision(self) -> str | None:
        try:
            with self.engine.connect() as conn:
                if not inspect(conn).has_table("alembic_version"):
                    return None
                row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
                conn.rollback()
                return row[0] if row else None
        except OperationalError as exc:
            raise ConfigError("error.database_unreachable", url=_redact(self.url),
                              reason=str(exc.orig)) from exc

    def migrate(self) -> bool:
        """Bring the schema to the newest revision. Returns True when anything was applied."""
        if self.current_revision() == HEAD_REVISION:
            return False
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option(
            "script_location", str(resources.files("sabueso.store").joinpath("migrations"))
        )
        try:
            with self.engine.connect() as conn:
                # On SQLite the first statement begins IMMEDIATE: one migrator at a time.
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                conn.commit()
        except SQLAlchemyError as exc:
            if self.current_revision() == HEAD_REVISION:  # a concurrent process migrated it
                return False
            raise ConfigError("error.migration_failed", reason=str(exc)) from exc
        return True

    def dispose(self) -> None:
        self.engine.dispose()


def new_id(result: CursorResult[Any]) -> int:
    """The primary key of the row an INSERT just wrote."""
    key = result.inserted_primary_key
    if key is None:  # pragma: no cover - every table here has an integer key
        raise RuntimeError("INSERT returned no primary key")
    return int(key[0])


def _redact(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "?"
