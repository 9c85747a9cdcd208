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


#: Help text of the ``--resample`` option of ``predict`` and ``evaluate``.
RESAMPLE_HELP = (
    "resample the records to the model's sampling rate (by default another rate "
    "is an error)"
)


def add_model_file_args(p) -> None:
    """Add ``--allow-pickle`` and ``--resample`` (commands that load a model)."""
    p.add_argument("--allow-pickle", action="store_true", help=ALLOW_PICKLE_HELP)
    p.add_argument("--resample", action="store_true", help=RESAMPLE_HELP)


def match_model(pipe, data, *, resample: bool = False):
    """Check the records' rate and leads against the model; reorder leads by name.

    The library's :func:`sklearn_ecg.classifiers.check_recording`; with
    ``resample`` a different rate is resampled, and the command says so on
    stderr. Returns ``data`` with ``X`` (and ``sfreq``) updated.
    """
    import sys

    from sklearn_ecg.classifiers import check_recording, expected_recording

    want_sfreq, _ = expected_recording(pipe)
    try:
        X = check_recording(
            pipe, data.X, sfreq=data.sfreq, lead_names=data.lead_names,
            resample=resample,
        )  # fmt: skip
    except ValueError as exc:
        raise CLIError(f"the records do not fit the model: {exc}") from exc
    if resample and want_sfreq is not None and want_sfreq != data.sfreq:
        print(
            f"resampled the records from {data.sfreq:g} Hz to the model's "
            f"{want_sfreq:g} Hz (--resample)",
            file=sys.stderr,
        )
        data.sfreq = want_sfreq
    data.X = X
    return data


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
