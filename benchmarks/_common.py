"""Shared command-line options and the result-file format of the benchmarks.

Every benchmark takes ``--quick`` (tiny sizes, seconds: the smoke run of the test
suite) and ``--out DIR`` (default ``benchmarks/_out``, git-ignored), and writes
``DIR/<benchmark>.json``::

    {"benchmark": ..., "params": {...}, "environment": {...}, "results": {...}}

``benchmarks/report.py`` turns the committed result files of ``benchmarks/results``
into the tables of ``benchmarks/README.md``.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "_out"


def add_common_args(parser, out=DEFAULT_OUT, aliases=()):
    """Add ``--quick`` and ``--out`` (default ``out``) to a benchmark's parser."""
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes, seconds (smoke test)"
    )
    parser.add_argument(
        "--out", *aliases, dest="out", type=Path, default=out,
        help="folder of the result file(s)",
    )  # fmt: skip
    return parser


def _commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True,
            text=True, timeout=10, check=True,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def environment(device: str = "cpu") -> dict:
    """Versions, device and thread counts of this run."""
    import numpy as np

    env = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "commit": _commit(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "numpy": np.__version__,
        "device": device,
    }
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        return env
    env["torch"] = torch.__version__
    env["torch_threads"] = torch.get_num_threads()
    if device.startswith("cuda") and torch.cuda.is_available():
        env["device"] = torch.cuda.get_device_name()
    return env


def write_result(out: Path, name: str, params: dict, results: dict, *, device="cpu"):
    """Write ``out/<name>.json`` and return its path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    doc = {
        "benchmark": name,
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "params": {k: str(v) if isinstance(v, Path) else v for k, v in params.items()},
        "environment": environment(device),
        "results": results,
    }
    path = out / f"{name}.json"
    path.write_text(json.dumps(doc, indent=1, allow_nan=False) + "\n")
    print(f"results written to {path}")
    return path
