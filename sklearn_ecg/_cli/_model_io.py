"""Saving trained pipelines, and loading them back for ``predict``/``evaluate``.

``train`` (and ``tune``) write a model folder with
:func:`sklearn_ecg.persistence.save_model`: ``manifest.json``, ``arrays.npz`` and
``model.pt``. Nothing in it is unpickled when it is loaded, so a folder received
from someone else cannot run code; ``model.pt`` is also the self-describing
checkpoint that ``--pretrained`` expects.

Folders of older versions hold a pickled ``model.joblib`` instead. Loading one
runs code from the file, so it needs ``--allow-pickle``.
"""

from __future__ import annotations

from pathlib import Path

from ._errors import CLIError

#: Help text of the ``--allow-pickle`` option of ``predict`` and ``evaluate``.
ALLOW_PICKLE_HELP = (
    "also load a pickled model.joblib written by an older sklearn-ecg. Unpickling "
    "RUNS CODE FROM THE FILE: use it only for model folders you created yourself"
)


def save_model(pipe, out: Path, *, training_X=None) -> list[Path]:
    """Write the fitted pipeline into ``out`` as data (no pickle).

    ``training_X`` (the raw records it was fitted on) joins the training-data
    fingerprint of ``model.pt``. Returns the written files: ``manifest.json``,
    ``arrays.npz``, ``model.pt``.
    """
    from sklearn_ecg.persistence import ModelFormatError
    from sklearn_ecg.persistence import save_model as save

    try:
        return save(pipe, out, training_X=training_X)
    except ModelFormatError as exc:
        raise CLIError(f"cannot save the model: {exc}") from exc


def load_model(path: str, *, allow_pickle: bool = False):
    """Load a model folder written by ``sklearn-ecg train`` (or ``tune``).

    ``path`` is the folder or a file in it. A legacy pickled folder loads only
    with ``allow_pickle=True`` (``--allow-pickle``).
    """
    from sklearn_ecg.persistence import ModelFormatError
    from sklearn_ecg.persistence import load_model as load

    p = Path(path).expanduser()
    if not p.exists():
        raise CLIError(f"--model-file {path!r}: no such file or folder.")
    try:
        return load(p, allow_pickle=allow_pickle)
    except ModelFormatError as exc:
        message = str(exc).replace(
            "allow_pickle=True (command line: --allow-pickle)", "--allow-pickle"
        )
        raise CLIError(f"--model-file {path!r}: {message}") from exc
