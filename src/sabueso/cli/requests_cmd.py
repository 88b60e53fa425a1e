"""Commands ``sabueso providers`` and ``sabueso request`` (issue 6)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this capability's commands to ``app``."""
