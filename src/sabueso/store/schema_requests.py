"""Tables of the requests capability (migration 0008); they share the core ``metadata``."""

from __future__ import annotations

from sabueso.store.schema import metadata

__all__ = ["metadata"]
