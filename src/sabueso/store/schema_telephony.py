"""Tables of the telephony capability (migration 0007); they share the core ``metadata``."""

from __future__ import annotations

from sabueso.store.schema import metadata

__all__ = ["metadata"]
