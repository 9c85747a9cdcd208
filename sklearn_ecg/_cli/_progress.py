"""Progress bars on stderr, so stdout keeps only the result tables."""

from __future__ import annotations

import sys

_ENABLED = {"value": True}


def set_enabled(enabled: bool) -> None:
    """Switch progress bars on or off for the whole command (``--quiet``)."""
    _ENABLED["value"] = bool(enabled)


def progress(iterable=None, **kwargs):
    """Return a tqdm bar on stderr, or a silent stand-in when bars are disabled."""
    from tqdm.auto import tqdm

    kwargs.setdefault("file", sys.stderr)
    kwargs.setdefault("dynamic_ncols", True)
    kwargs.setdefault("leave", True)
    return tqdm(iterable, disable=not _ENABLED["value"], **kwargs)
