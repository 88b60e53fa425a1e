"""Commands ``sabueso cdr``, ``sabueso cells`` and ``sabueso phone`` (issue 5)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this capability's commands to ``app``."""
