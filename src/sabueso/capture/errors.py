"""Errors of web capture. Each names the URL; all are exit code 2 (bad input) at the CLI."""

from __future__ import annotations

from sabueso.core.errors import InputError


class CaptureRefused(InputError):
    """A URL or address the address policy does not allow, or a scheme that is not web."""


class CaptureFailed(InputError):
    """The page could not be captured: network error, timeout, a limit, the browser."""
