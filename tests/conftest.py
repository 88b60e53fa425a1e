"""Shared fixtures: a workspace per test on SQLite, and on PostgreSQL when
SABUESO_TEST_DATABASE_URL is set (CI sets it): each test then gets a fresh database."""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sabueso.cli.main import main
from sabueso.workspace import Workspace, close_all

PG_URL = os.environ.get("SABUESO_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@contextlib.contextmanager
def pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server; dropped afterwards."""
    assert PG_URL
    base = make_url(PG_URL)
    if base.drivername == "postgresql":
        base = base.set(drivername="postgresql+psycopg")
    name = "sabueso_t_" + uuid.uuid4().hex[:12]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        close_all()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def jsonl(self) -> list[Any]:
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]


class Env:
    """A Sabueso workspace for one test, driven through the real command line."""

    def __init__(self, home: Path, url: str, backend: str) -> None:
        self.home = home
        self.url = url
        self.backend = backend
        self.user = "inv.admin"

    def environ(self, user: str | None = None) -> dict[str, str]:
        return {"SABUESO_HOME": str(self.home), "SABUESO_DATABASE_URL": self.url,
                "SABUESO_USER": user or self.user, "SABUESO_LANG": "en"}

    def run(self, *args: str, user: str | None = None, lang: str = "en") -> Result:
        saved = {k: os.environ.get(k) for k in ("SABUESO_HOME", "SABUESO_DATABASE_URL",
                                                 "SABUESO_USER", "SABUESO_LANG")}
        os.environ.update(self.environ(user))
        os.environ["SABUESO_LANG"] = lang
        out, err = io.StringIO(), io.StringIO()
        code = 0
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    main([str(a) for a in args])
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None
                                                                       else 1)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        return Result(code, out.getvalue(), err.getvalue())

    def ok(self, *args: str, user: str | None = None) -> Result:
        result = self.run(*args, user=user)
        assert result.code == 0, f"sabueso {' '.join(map(str, args))} -> {result.code}\n" \
                                 f"{result.out}\n{result.err}"
        return result

    def workspace(self, user: str | None = None) -> Workspace:
        from sabueso.core.config import Settings

        return Workspace.open(Settings(self.home, self.url, "en", user or self.user))

    def engine(self) -> Any:
        return self.workspace().db.engine

    def new_case(self, ref: str = "GT-1", country: str = "GT") -> None:
        self.ok("case", "new", ref, "--title", "Test case", "--country", country)


@pytest.fixture(params=BACKENDS)
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Env]:
    home = tmp_path / "home"
    if request.param == "postgresql":
        with pg_database() as url:
            yield Env(home, url, "postgresql")
    else:
        yield Env(home, f"sqlite:///{home / 'sabueso.db'}", "sqlite")
    close_all()


@pytest.fixture
def sqlite_env(tmp_path: Path) -> Iterator[Env]:
    home = tmp_path / "home"
    yield Env(home, f"sqlite:///{home / 'sabueso.db'}", "sqlite")
    close_all()


def write_files(root: Path, files: dict[str, bytes | str]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return root


@pytest.fixture(autouse=True)
def _no_ambient_sabueso_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("SABUESO_HOME", "SABUESO_DATABASE_URL", "SABUESO_USER", "SABUESO_LANG"):
        monkeypatch.delenv(key, raising=False)


__all__ = ["BACKENDS", "Env", "Result", "sys", "write_files"]
