"""Typed errors. Each carries a message key (translated at the edge) and a location.

The command line maps them to exit codes (DESIGN.md §5): 2 bad input or usage,
1 verification failed, 3 not found or not permitted.
"""

from __future__ import annotations

from typing import Any


class SabuesoError(Exception):
    """Base error: `key` names a catalogue message, `params` fill it, `location` says where."""

    exit_code = 2

    def __init__(self, key: str, *, location: str | None = None, **params: Any) -> None:
        self.key = key
        self.location = location
        self.params = params
        super().__init__(f"{key} {params}" + (f" at {location}" if location else ""))

    def message(self) -> str:
        from sabueso.core.i18n import t

        text = t(self.key, **self.params)
        if self.location:
            from sabueso.core.paths import path_text

            text = f"{path_text(self.location)}: {text}"
        return text


class InputError(SabuesoError):
    """The user gave something we cannot take: a bad file, value or option."""

    exit_code = 2


class ArchiveError(InputError):
    """An archive is corrupt, hostile or exceeds the safety limits."""


class DuplicateEvidence(InputError):
    """Everything the user asked to add is already in the case."""


class ConfigError(SabuesoError):
    """The workspace or configuration cannot be used."""

    exit_code = 2


class NotFound(SabuesoError):
    """A case, item, user or file that does not exist."""

    exit_code = 3


class PermissionDenied(SabuesoError):
    """The acting user may not do this (need-to-know)."""

    exit_code = 3


class VerificationFailed(SabuesoError):
    """An integrity check found a break."""

    exit_code = 1
