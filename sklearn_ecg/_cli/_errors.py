"""Errors the command reports as one line on stderr."""

from __future__ import annotations


class CLIError(Exception):
    """A user-facing error: printed as one line, exit code 2, no traceback."""
