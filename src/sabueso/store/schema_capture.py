"""Tables of the capture capability (migration 0009); they share the core ``metadata``."""

from __future__ import annotations

from sabueso.store.schema import metadata

__all__ = ["metadata"]
