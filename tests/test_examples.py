"""Every gallery example runs, at its small size, as CI's check of the docs gallery.

CI does not build the Sphinx site, so this is where a broken example fails:
each ``examples/plot_*.py`` runs in its own process with the Agg backend and
``SKLEARN_ECG_EXAMPLES_FAST=1``, from a temporary working directory (examples
must not write into the repository).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("plot_*.py"))


def test_there_are_examples():
    names = {p.name for p in EXAMPLES}
    for required in (
        "plot_quickstart.py",
        "plot_preprocessing.py",
        "plot_optuna_search.py",
        "plot_evaluation.py",
    ):
        assert required in names


def test_examples_have_a_gallery_header():
    for path in EXAMPLES:
        text = path.read_text()
        assert text.startswith('"""'), f"{path.name}: sphinx-gallery needs a docstring"
        title = text.split("\n")[2]
        assert title.strip(), f"{path.name}: the docstring needs a title"


@pytest.mark.slow
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(path, tmp_path):
    env = dict(os.environ)
    env.update(
        SKLEARN_ECG_EXAMPLES_FAST="1",
        MPLBACKEND="Agg",
        OMP_NUM_THREADS="1",
        PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]),
    )
    proc = subprocess.run(
        [sys.executable, str(path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"{path.name} failed:\n{proc.stderr[-3000:]}"
