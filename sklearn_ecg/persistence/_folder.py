"""``save_model``/``load_model``: a fitted model folder that is data, never code.

A folder holds three files::

    manifest.json   what to build: classes (allowlisted names), parameters,
                    fitted attributes, input sampling rate and leads, and the
                    SHA-256 of every other file
    arrays.npz      the arrays the manifest refers to (numpy.load(allow_pickle=False))
    model.pt        the network weights, a save_pretrained checkpoint
                    (torch.load(weights_only=True)); also usable as warm_start_from
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from pathlib import Path

import numpy as np

from ._codec import ArrayStore, ModelFormatError, decode, encode
from ._ensemble import ENSEMBLE, decode_ensemble, encode_ensemble
from ._state import (
    check_state_keys,
    class_name,
    fitted_state,
    is_classifier,
    resolve_class,
    restore_classifier,
    restore_transformer,
)

FORMAT_TAG = "sklearn-ecg-model"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
ARRAYS = "arrays.npz"
WEIGHTS = "model.pt"
LEGACY_PICKLE = "model.joblib"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ------------------------------------------------------------------ saving --
class _Writer:
    """Encodes the object tree; collects arrays and the classifier weights."""

    def __init__(self, root, training_X=None):
        self.root, self.training_X = root, training_X
        self.store = ArrayStore()
        self.weights: list[tuple[str, object]] = []

    def node(self, obj, where: str) -> dict | str:
        from sklearn.utils.validation import check_is_fitted

        if obj is None or (isinstance(obj, str) and obj == "passthrough"):
            return "passthrough"
        name = class_name(obj, where)
        params = obj.get_params(deep=False)
        if name == "sklearn.pipeline.Pipeline":
            steps = params.pop("steps")
            return {"class": name, "params": self._params(params, where),
                    "steps": [[str(s), self.node(est, f"step {s!r}")]
                              for s, est in steps]}  # fmt: skip
        if name == ENSEMBLE:
            check_is_fitted(obj)
            return encode_ensemble(self, obj, params, where)
        check_is_fitted(obj)
        out = {"class": name, "params": self._params(params, where)}
        state = fitted_state(obj)
        out["fitted"] = {k: encode(v, f"{where} attribute {k!r}", self.store)
                         for k, v in state.items()}  # fmt: skip
        if is_classifier(obj):
            fname = WEIGHTS if not self.weights else f"model-{len(self.weights)}.pt"
            self.weights.append((fname, obj))
            out["weights"] = fname
            fp = getattr(obj, "training_fingerprint_", None)
            if fp is not None:  # a summary; the hashes and ids are in the weights
                raw = self.training_X is not None and self._is_final(obj)
                out["training_data"] = {**fp.summary(), "raw_hashes": raw}
        return out

    def _params(self, params: dict, where: str) -> dict:
        return {k: encode(v, f"{where} parameter {k!r}", self.store)
                for k, v in params.items()}  # fmt: skip

    def _is_final(self, est) -> bool:
        steps = getattr(self.root, "steps", None)
        return bool(steps and steps[-1][1] is est) or est is self.root

    def write_weights(self, folder: Path) -> None:
        from sklearn_ecg.classifiers import save_pretrained

        for fname, est in self.weights:
            final = self._is_final(est)
            owner = self.root if final else est
            raw = self.training_X if final else None
            save_pretrained(owner, folder / fname, training_X=raw)


def _input_metadata(model) -> dict:
    """Rate and leads the model's input must have (``expected_recording``)."""
    from sklearn_ecg.classifiers import expected_recording

    sfreq, leads = expected_recording(model)
    steps = [s for _, s in getattr(model, "steps", [("", model)])]
    n = getattr(steps[0], "n_leads_in_", None) if steps else None
    return {
        "sfreq": sfreq,
        "lead_names": None if leads is None else [str(x) for x in leads],
        "n_leads": None if n is None else int(n),
    }


def save_model(
    model, folder: str | os.PathLike, *, training_X=None
) -> list[Path]:
    """Save a fitted estimator or Pipeline as data (no pickle) into ``folder``.

    The folder holds ``manifest.json`` (classes from an allowlist, parameters,
    fitted attributes, the input sampling rate and lead names, the SHA-256 of the
    other files), ``arrays.npz`` (numpy arrays, no objects) and ``model.pt`` (the
    network weights as a ``save_pretrained`` checkpoint). The manifest is written
    last, so an interrupted save leaves no loadable folder.

    Parameters
    ----------
    model : estimator or sklearn.pipeline.Pipeline
        A fitted sklearn-ecg classifier or transformer, or a fitted Pipeline of
        them (see :func:`allowed_classes`).
    folder : str or path-like
        Output folder; created if needed. Existing files of the same names are
        replaced.
    training_X : array-like, default=None
        The raw records the model was fitted on: their signal hashes join the
        training-data fingerprint in ``model.pt`` (the manifest's
        ``training_data`` entry summarises it).

    Returns
    -------
    paths : list of pathlib.Path
        The written files, manifest first.

    Raises
    ------
    ModelFormatError
        If a step's class is not allowlisted, or a parameter or fitted attribute
        holds an object that is not data (an estimator, a callable, a callback);
        the message names it.
    sklearn.exceptions.NotFittedError
        If a step is not fitted.

    Examples
    --------
    >>> import numpy as np, tempfile
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn_ecg.classifiers import ECGResNetClassifier
    >>> from sklearn_ecg.preprocessing import LeadNormalizer
    >>> from sklearn_ecg.persistence import load_model, save_model
    >>> X = np.random.default_rng(0).normal(size=(20, 2, 64)).astype("float32")
    >>> y = np.repeat(["AF", "NORM"], 10)
    >>> clf = ECGResNetClassifier(base_width=4, max_epochs=1, random_state=0)
    >>> pipe = make_pipeline(LeadNormalizer(), clf).fit(X, y)
    >>> folder = tempfile.mkdtemp()
    >>> [p.name for p in save_model(pipe, folder)]
    ['manifest.json', 'arrays.npz', 'model.pt']
    >>> again = load_model(folder)
    >>> bool(np.array_equal(again.predict_proba(X), pipe.predict_proba(X)))
    True
    """
    from sklearn_ecg import __version__

    folder = Path(folder).expanduser()
    writer = _Writer(model, training_X)
    root = writer.node(model, "the model")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST).unlink(missing_ok=True)
    with (folder / ARRAYS).open("wb") as fh:
        np.savez(fh, **writer.store.arrays)
    writer.write_weights(folder)
    names = [ARRAYS, *(f for f, _ in writer.weights)]
    manifest = {
        "format": FORMAT_TAG,
        "format_version": FORMAT_VERSION,
        "package_version": __version__,
        "input": _input_metadata(model),
        "model": root,
        "files": {n: file_sha256(folder / n) for n in names},
    }
    text = json.dumps(manifest, indent=1, sort_keys=True)
    tmp = folder / f".{MANIFEST}.tmp"
    tmp.write_text(text + "\n", encoding="utf-8")
    os.replace(tmp, folder / MANIFEST)
    return [folder / MANIFEST, *(folder / n for n in names)]


# ----------------------------------------------------------------- loading --
def _inside(folder: Path, name, what: str) -> Path:
    """``folder/name`` for a plain file name that stays inside ``folder``."""
    if not isinstance(name, str) or not _SAFE_NAME.match(name) or ".." in name:
        raise ModelFormatError(
            f"The manifest names the {what} {name!r}, which is not a plain file name "
            "inside the model folder (no paths, no '..'); refusing to read it."
        )
    path = folder / name
    if path.is_symlink() or not path.resolve().parent == folder.resolve():
        raise ModelFormatError(
            f"{what} {name!r} is a link or lies outside the model folder; refusing "
            "to read it."
        )
    if not path.is_file():
        raise ModelFormatError(
            f"The model folder {str(folder)!r} lacks {name!r}, which its manifest "
            "lists; copy the whole folder."
        )
    return path


def _find_folder(path: str | os.PathLike) -> Path:
    p = Path(path).expanduser()
    if p.is_file() and p.name in (MANIFEST, WEIGHTS, LEGACY_PICKLE):
        p = p.parent
    elif p.is_file():
        raise ModelFormatError(
            f"{str(path)!r} is a file, not a model folder; pass the folder written "
            f"by save_model (or its {MANIFEST})."
        )
    if not p.is_dir():
        raise ModelFormatError(
            f"{str(path)!r} is not a model folder written by save_model (no such "
            "folder)."
        )
    return p


def _read_json(path: Path) -> dict:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ModelFormatError(
            f"{str(path)!r} is not valid JSON ({exc}); the model folder is damaged."
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_TAG:
        raise ModelFormatError(
            f"{str(path)!r} is not an sklearn-ecg model manifest (format tag "
            f"{FORMAT_TAG!r} missing)."
        )
    version = manifest.get("format_version")
    if not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION:
        raise ModelFormatError(
            f"Unsupported model format_version {version!r}; this sklearn-ecg reads "
            f"versions 1 to {FORMAT_VERSION}. Upgrade sklearn-ecg."
        )
    return manifest


def _check_files(folder: Path, manifest: dict) -> dict[str, Path]:
    files = manifest.get("files")
    if not isinstance(files, dict) or ARRAYS not in files:
        raise ModelFormatError("The manifest lacks its 'files' table of digests.")
    paths = {}
    for name, digest in files.items():
        path = _inside(folder, name, "file")
        if not isinstance(digest, str) or not _HEX64.match(digest):
            raise ModelFormatError(f"The manifest's digest of {name!r} is malformed.")
        if file_sha256(path) != digest:
            raise ModelFormatError(
                f"{name!r} in {str(folder)!r} does not match the SHA-256 in its "
                "manifest: the file is corrupted or was changed. Copy the folder "
                "again or re-save the model. (The digest guards against damage, "
                "not against tampering: only the format itself keeps loading safe.)"
            )
        paths[name] = path
    return paths


def load_manifest(path: str | os.PathLike) -> dict:
    """Read a model folder's manifest and verify the digests of its files.

    Nothing is built and nothing is unpickled; use it to inspect a folder (for
    example its ``input`` sampling rate and lead names) before loading it.

    Parameters
    ----------
    path : str or path-like
        The folder written by :func:`save_model` (or its ``manifest.json``).

    Returns
    -------
    manifest : dict
        Keys ``format``, ``format_version``, ``package_version``, ``input``
        (``sfreq``, ``lead_names``, ``n_leads``), ``model`` (the step tree) and
        ``files`` (name to SHA-256).

    Raises
    ------
    ModelFormatError
        If the folder or manifest is missing, malformed, names files outside the
        folder, or a file does not match its digest.

    Examples
    --------
    >>> from sklearn_ecg.persistence import ModelFormatError, load_manifest
    >>> try:
    ...     load_manifest("missing-folder")
    ... except ModelFormatError as exc:
    ...     print("not a model folder" in str(exc))
    True
    """
    folder = _find_folder(path)
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise ModelFormatError(_no_manifest_message(folder))
    manifest = _read_json(manifest_path)
    _check_files(folder, manifest)
    return manifest


def _no_manifest_message(folder: Path) -> str:
    if (folder / LEGACY_PICKLE).is_file():
        return (
            f"{str(folder)!r} holds only a pickled model ({LEGACY_PICKLE}), written "
            "by an older sklearn-ecg. Unpickling runs code from the file, so it is "
            "refused by default. Only if you created this folder yourself, load it "
            "with allow_pickle=True (command line: --allow-pickle) and re-save it "
            "with save_model."
        )
    return (
        f"{str(folder)!r} is not a model folder written by save_model (no "
        f"{MANIFEST}); `sklearn-ecg train` writes one."
    )


def _read_arrays(path: Path) -> ArrayStore:
    try:
        with np.load(path, allow_pickle=False) as npz:
            return ArrayStore({k: npz[k] for k in npz.files})
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise ModelFormatError(
            f"{str(path)!r} is not a readable array file of plain numbers and "
            f"strings ({exc}); refusing to load it."
        ) from None


def _load_weights(path: Path):
    from sklearn_ecg.transfer import CheckpointError, load_checkpoint

    try:
        return load_checkpoint(path)
    except CheckpointError as exc:
        raise ModelFormatError(f"Weights file {path.name!r}: {exc}") from None


class _Reader:
    def __init__(self, folder: Path, files: dict, store: ArrayStore, device):
        self.folder, self.files, self.store, self.device = folder, files, store, device

    def node(self, spec, where: str):
        if spec == "passthrough":
            return "passthrough"
        if not isinstance(spec, dict):
            raise ModelFormatError(f"{where} in the manifest is not an object.")
        cls = resolve_class(spec.get("class"), where)
        params = self._params(spec.get("params"), where)
        if spec["class"] == "sklearn.pipeline.Pipeline":
            return cls(steps=self._steps(spec.get("steps"), where), **params)
        if spec["class"] == ENSEMBLE:
            return decode_ensemble(self, spec, where)
        try:
            obj = cls(**params)
        except TypeError as exc:
            raise ModelFormatError(f"{where}: bad parameters ({exc}).") from None
        state = spec.get("fitted")
        if not isinstance(state, dict):
            raise ModelFormatError(f"{where} lacks its fitted attributes.")
        check_state_keys(cls, state, where)
        state = {k: decode(v, f"{where} attribute {k!r}", self.store)
                 for k, v in state.items()}  # fmt: skip
        if is_classifier(obj):
            ckpt = self._weights(spec.get("weights"), where)
            restore_classifier(obj, state, ckpt.state_dict, self.device)
            if ckpt.training_data is not None:  # the fingerprint lives in model.pt
                obj.training_fingerprint_ = ckpt.training_data
        else:
            restore_transformer(obj, state)
        return obj

    def _params(self, params, where: str) -> dict:
        if not isinstance(params, dict):
            raise ModelFormatError(f"{where} lacks its parameters.")
        return {str(k): decode(v, f"{where} parameter {k!r}", self.store)
                for k, v in params.items()}  # fmt: skip

    def _steps(self, steps, where: str) -> list:
        if (
            not isinstance(steps, list)
            or not steps
            or not all(
                isinstance(s, list) and len(s) == 2 and isinstance(s[0], str)
                for s in steps
            )
        ):
            raise ModelFormatError(f"{where}: 'steps' must be [name, step] pairs.")
        return [(name, self.node(spec, f"step {name!r}")) for name, spec in steps]

    def _weights(self, name, where: str):
        if not isinstance(name, str) or name not in self.files or name == ARRAYS:
            raise ModelFormatError(
                f"{where} refers to weights {name!r}, which is not a file listed "
                "(with its digest) in the manifest."
            )
        return _load_weights(self.files[name])


def _load_pickle(folder: Path):
    import joblib

    path = folder / LEGACY_PICKLE
    if not path.is_file():
        raise ModelFormatError(_no_manifest_message(folder))
    return joblib.load(path)


def load_model(
    path: str | os.PathLike, *, allow_pickle: bool = False, device: str | None = None
):
    """Load a model folder written by :func:`save_model`, without unpickling.

    The manifest's file digests are checked first; then only allowlisted classes
    (:func:`allowed_classes`) are built from their JSON parameters, fitted arrays
    are read with ``numpy.load(allow_pickle=False)`` and the weights with
    ``torch.load(weights_only=True)``. ``predict_proba`` of the result equals the
    saved model's bit for bit on the same device.

    Parameters
    ----------
    path : str or path-like
        The model folder (or its ``manifest.json`` or ``model.pt``).
    allow_pickle : bool, default=False
        Only for folders of older versions that hold a pickled ``model.joblib``
        and no manifest. **Unpickling runs code from the file**: pass True only
        for folders you created yourself, then re-save with :func:`save_model`.
        Ignored when the folder has a manifest.
    device : str or None, default=None
        Where to put the networks (``"cpu"``, ``"cuda"``, ``"auto"``); None uses
        each classifier's saved ``device``, or the CPU when that is unavailable
        (with a warning).

    Returns
    -------
    model : estimator or sklearn.pipeline.Pipeline
        The fitted model.

    Raises
    ------
    ModelFormatError
        If the folder is missing or malformed, a file does not match its digest,
        a class is not allowlisted, a file name leaves the folder, a weights file
        is damaged, or the folder holds only a pickle and ``allow_pickle`` is
        False.

    Examples
    --------
    >>> import numpy as np, tempfile
    >>> from sklearn_ecg.preprocessing import LeadNormalizer
    >>> from sklearn_ecg.persistence import load_model, save_model
    >>> X = np.random.default_rng(0).normal(size=(4, 2, 50))
    >>> folder = tempfile.mkdtemp()
    >>> _ = save_model(LeadNormalizer(scope="global").fit(X), folder)
    >>> load_model(folder)
    LeadNormalizer(scope='global')
    """
    folder = _find_folder(path)
    if not (folder / MANIFEST).is_file() and allow_pickle:
        return _load_pickle(folder)
    manifest = load_manifest(folder)
    files = {n: folder / n for n in manifest["files"]}
    store = _read_arrays(files[ARRAYS])
    reader = _Reader(folder, files, store, device)
    try:
        return reader.node(manifest.get("model"), "the model")
    except RecursionError:
        raise ModelFormatError(
            "The manifest is nested too deeply to be a model; refusing to load it."
        ) from None
