"""The demo case's part for call records, cell sites and tower dumps (issue 5).

``add_to_demo`` runs while the demo case is built (inside its temporary folder, before the
case's records are derived); ``show`` prints this part for ``sabueso demo --show``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sabueso.workspace import Workspace


def add_to_demo(ws: Workspace, case_ref: str, work: Path, data: Path) -> dict[str, Any]:
    """Add this capability's part of the demo case; returns figures for the demo summary."""
    return {}


def show(ws: Workspace, case_ref: str) -> None:
    """Print this capability's part of the demo case."""
