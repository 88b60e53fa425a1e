"""Commands ``sabueso capture`` and ``sabueso replay`` (issue 7)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this capability's commands to ``app``."""
