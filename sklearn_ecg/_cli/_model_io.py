"""Saving trained pipelines, and loading them back for ``predict``/``evaluate``.

``train`` writes two files:

- ``model.pt``: the self-describing ``save_pretrained`` checkpoint (weights,
  architecture, sfreq, leads, classes, preprocessing). It is read with
  ``torch.load(weights_only=True)``, so it is safe to share, and it is what
  ``--pretrained`` expects.
- ``model.joblib``: the whole fitted Pipeline, pickled. Pickles can run code when
  loaded, so the command only loads a ``.joblib`` file next to the
  ``model.sha256`` digest that ``train`` wrote with it; this catches a swapped
  or corrupted file, but only load model folders you produced yourself.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ._errors import CLIError, require


def save_model(pipe, out: Path) -> list[Path]:
    """Write ``model.pt``, ``model.joblib`` and ``model.sha256`` into ``out``."""
    import joblib

    paths = []
    save_pretrained = _save_pretrained()
    if save_pretrained is not None:
        ckpt = out / "model.pt"
        save_pretrained(pipe, ckpt)
        paths.append(ckpt)
    pkl = out / "model.joblib"
    joblib.dump(pipe, pkl)
    (out / "model.sha256").write_text(f"{_sha256(pkl)}  model.joblib\n")
    return [*paths, pkl]


def _save_pretrained():
    try:
        return require("sklearn_ecg.classifiers", "save_pretrained", feature="train")
    except CLIError:
        return None


def load_model(path: str):
    """Load a model written by ``sklearn-ecg train`` (or ``tune``)."""
    import joblib

    p = Path(path).expanduser()
    if p.is_dir():
        p = p / "model.joblib"
    if not p.is_file():
        raise CLIError(f"--model-file {path!r}: no such file.")
    if p.suffix == ".pt":
        p = p.with_suffix(".joblib")
        if not p.is_file():
            raise CLIError(
                f"--model-file {path!r}: predicting needs the fitted pipeline "
                "model.joblib that `sklearn-ecg train` writes beside model.pt; "
                "a model.pt alone is a checkpoint for --pretrained."
            )
    digest = p.with_name("model.sha256")
    if not digest.is_file() or digest.read_text().split()[0] != _sha256(p):
        raise CLIError(
            f"--model-file {str(p)!r} does not match the model.sha256 written by "
            "`sklearn-ecg train`; refusing to unpickle it. Retrain, or load it "
            "yourself with joblib.load if you trust it."
        )
    return joblib.load(p)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
