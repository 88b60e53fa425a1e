"""Workspace configuration from the environment.

SABUESO_HOME          workspace folder (default: the platform's user data dir)
SABUESO_DATABASE_URL  SQLAlchemy URL (default: SQLite file ``sabueso.db`` in the home)
SABUESO_LANG          ``es`` (default) or ``en``
SABUESO_USER          acting user (default: the operating-system user)
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

from sabueso.core.errors import ConfigError

LANGUAGES = ("es", "en")


def current_language() -> str:
    lang = os.environ.get("SABUESO_LANG", "es").strip().lower()[:2]
    return lang if lang in LANGUAGES else "es"


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return "uid-" + str(os.getuid()) if hasattr(os, "getuid") else "unknown"


@dataclass(frozen=True, slots=True)
class Settings:
    home: Path
    database_url: str
    lang: str
    user: str

    @property
    def vault_dir(self) -> Path:
        return self.home / "vault"

    @classmethod
    def from_env(cls) -> Settings:
        home_env = os.environ.get("SABUESO_HOME")
        if home_env:
            home = Path(home_env).expanduser()
        else:
            from platformdirs import user_data_path

            home = user_data_path("sabueso", appauthor=False)
        home = home.absolute()
        url = os.environ.get("SABUESO_DATABASE_URL") or f"sqlite:///{home / 'sabueso.db'}"
        user = (os.environ.get("SABUESO_USER") or _os_user()).strip()
        if not user:
            raise ConfigError("error.no_user")
        return cls(home=home, database_url=url, lang=current_language(), user=user)
