"""Errors the command reports as one line on stderr."""

from __future__ import annotations

import importlib


class CLIError(Exception):
    """A user-facing error: printed as one line, exit code 2, no traceback."""


def require(module: str, name: str, *, feature: str):
    """Import ``module.name`` or raise a one-line :class:`CLIError`.

    Kept for ``_model_io`` only; the commands import the library directly.

    The command is assembled from several subpackages; a missing piece (an
    optional extra, or an older installation) must give a clear message rather
    than an ``ImportError`` traceback.
    """
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise CLIError(
            f"{feature} needs {module}.{name}, which is not available in this "
            f"installation ({exc}). Upgrade sklearn-ecg or install its extras."
        ) from exc
