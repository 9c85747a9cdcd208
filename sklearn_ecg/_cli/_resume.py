"""``--resume``: continue a killed ``train`` or ``study`` from its output folder.

Every fit of these commands writes a per-epoch resume checkpoint (the
estimators' ``checkpoint_dir``) under ``OUT/resume/``. A run started again with
``--resume`` and the same arguments continues from there: finished fits return
at once from their final checkpoint and the interrupted one resumes after its
last finished epoch. Without ``--resume`` the folder is cleared first, so a new
run starts afresh as before. The folder is removed once the command has written
its results.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

from sklearn_ecg.classifiers._resume import ResumeCheckpointError

from ._errors import CLIError

RESUME_FOLDER = "resume"


def add_resume_arg(p) -> None:
    """Add ``--resume`` to a command's parser."""
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue a killed run from the checkpoints under OUT/resume "
        "(same arguments); without it a run starts afresh",
    )


def resume_root(out: Path, resume: bool) -> Path:
    """Return ``OUT/resume``, emptied unless ``resume`` (a fresh run)."""
    root = Path(out) / RESUME_FOLDER
    if root.exists() and not resume:
        shutil.rmtree(root)
    if resume:
        state = "continuing from" if root.exists() else "nothing to resume in"
        print(f"--resume: {state} {root}")
    return root


def with_checkpoint(pipe, folder: Path, *, required: bool = False):
    """Give the Pipeline's classifier ``checkpoint_dir=folder`` when it has one."""
    clf = pipe[-1]
    if "checkpoint_dir" in clf.get_params(deep=False):
        clf.set_params(checkpoint_dir=str(folder))
    elif required:
        raise CLIError(
            f"--resume needs a network classifier; {type(clf).__name__} writes no "
            "checkpoints. Run again without --resume."
        )
    return pipe


def fold_checkpoints(root: Path, arms: dict):
    """Return ``fold_params(arm, k)`` giving each CV fit its own checkpoint folder."""

    def fold_params(arm, k):
        if "clf__checkpoint_dir" not in arms[arm].get_params(deep=True):
            return {}
        slug = re.sub(r"[^0-9a-zA-Z]+", "_", arm).strip("_").lower()
        slug = f"{list(arms).index(arm):02d}_{slug}"  # distinct even if titles clash
        return {"clf__checkpoint_dir": str(root / "cv" / slug / f"fold{k}")}

    return fold_params


@contextlib.contextmanager
def resume_errors():
    """Turn a refused resume checkpoint into a one-line usage error."""
    try:
        yield
    except ResumeCheckpointError as exc:
        raise CLIError(
            f"{exc} With the command line: run again without --resume to start "
            "afresh (or with the arguments of the killed run)."
        ) from exc


def finish(root: Path) -> None:
    """Remove the checkpoints once the results are written."""
    shutil.rmtree(root, ignore_errors=True)
