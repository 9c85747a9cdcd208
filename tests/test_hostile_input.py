"""Property-based tests: random hostile input to every public estimator and loader.

Random shapes, dtypes, NaN/inf patterns and label layouts go to every public
transformer and classifier of the package (discovered like ``test_common.py``),
and random WFDB folders with random labels files go to ``load_wfdb_folder``.
Each call must give a result (finite where the input was finite, one row per
record) or an exception of a documented type with a short, non-empty message
that does not dump the data; never another exception, a hang or a silent NaN.
The fast part uses the ResNet; every other classifier runs in the ``slow`` part.
"""

from __future__ import annotations

import importlib.util
import math
import tempfile
import warnings
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sklearn.base import ClassifierMixin, TransformerMixin, clone

_spec = importlib.util.spec_from_file_location(
    "_common_for_hostile", Path(__file__).with_name("test_common.py")
)
_common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_common)

ESTIMATORS = _common.ESTIMATORS
TRANSFORMERS = sorted(
    n for n, c in ESTIMATORS.items() if issubclass(c, TransformerMixin)
)
CLASSIFIERS = sorted(
    n for n, c in ESTIMATORS.items()
    if issubclass(c, ClassifierMixin) and n not in _common.FACTORIES
)  # fmt: skip
#: Documented error types of the package's estimators and loaders.
DOCUMENTED = (ValueError, TypeError)
SETTINGS = dict(
    deadline=timedelta(seconds=20),
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: One tiny fit and two predictions; generous, as CI machines may be busy.
FIT_DEADLINE = timedelta(seconds=90)


def check_message(exc: BaseException) -> None:
    """A documented error says something short and does not print the data."""
    msg = str(exc)
    assert msg.strip(), f"{type(exc).__name__} without a message"
    assert len(msg) <= 700 and msg.count("\n") <= 2, f"long message: {msg[:300]!r}"
    assert "array=[" not in msg, f"the message dumps the data: {msg[:200]!r}"


# ---------------------------------------------------------------- arrays --
DTYPES = ["float32", "float64", "int16", "int64", "bool", "complex64", "str"]
POISON = ["none", "nan", "inf", "-inf", "all_nan"]


@st.composite
def ecg_arrays(draw, max_times=96):
    """A random array-like: any dimension, size, dtype and NaN/inf pattern."""
    ndim = draw(st.sampled_from([0, 1, 2, 3, 3, 3, 4]))
    sizes = [
        draw(st.integers(0, 6)),  # records
        draw(st.integers(0, 4)),  # leads (or time for 2-D)
        draw(st.integers(0, max_times)),
        draw(st.integers(1, 2)),
    ]
    shape = {0: (), 1: (sizes[2],), 2: (sizes[0], sizes[2]), 3: tuple(sizes[:3])}
    shape = shape.get(ndim, tuple(sizes))
    seed = draw(st.integers(0, 2**16))
    X = np.random.default_rng(seed).normal(size=shape) * 3
    poison = draw(st.sampled_from(POISON))
    if X.size and poison != "none":
        flat = X.reshape(-1)
        value = {"nan": np.nan, "inf": np.inf, "-inf": -np.inf}.get(poison, np.nan)
        if poison == "all_nan":
            flat[:] = np.nan
        else:
            flat[draw(st.integers(0, X.size - 1))] = value
    dtype = draw(st.sampled_from(DTYPES))
    if dtype == "str":
        X = X.astype(str)
    elif np.isfinite(X).all() or dtype.startswith(("float", "complex")):
        X = X.astype(dtype)
    return X.tolist() if draw(st.booleans()) and ndim in (2, 3) else X


def _finite_input(X) -> bool:
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return bool(np.isfinite(arr).all())


def _good_X(n_records=6, n_leads=3, n_times=96):
    return np.random.default_rng(1).normal(size=(n_records, n_leads, n_times))


def _call(fn, *args, **kwargs):
    """Run ``fn``; return its result, or None after checking a documented error."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fn(*args, **kwargs)
    except DOCUMENTED as exc:
        check_message(exc)
        event(f"{type(exc).__name__}: {' '.join(str(exc).split()[:4])}")
        return None, exc
    event("result")
    return out, None


@pytest.mark.parametrize("name", TRANSFORMERS)
@settings(max_examples=12, **SETTINGS)
@given(X=ecg_arrays(), X_later=ecg_arrays())
def test_transformers_take_any_array(name, X, X_later):
    est = _common.build(name, ESTIMATORS[name])
    for fit_X in (X, _good_X()):
        out, exc = _call(clone(est).fit_transform, fit_X)
        if exc is None:
            _check_transform_output(out, fit_X)
    fitted = clone(est).fit(_good_X())
    out, exc = _call(fitted.transform, X_later)
    if exc is None:
        _check_transform_output(out, X_later)


def _check_transform_output(out, X):
    out = np.asarray(out)  # 2-D input (one lead) stays 2-D
    assert out.ndim == np.ndim(X) and len(out) == len(X)
    if _finite_input(X):
        assert np.isfinite(out).all(), "finite input gave NaN or inf"


# ------------------------------------------------------------ classifiers --
LABEL_LAYOUTS = [
    "binary", "strings", "multiclass", "one_class", "multilabel", "empty_label",
    "continuous", "nan", "too_short", "two_d_counts", "none", "objects",
]  # fmt: skip


def make_y(layout: str, n: int, rng):
    """Random targets for ``n`` records in one of ``LABEL_LAYOUTS``."""
    if layout == "binary":
        return rng.integers(0, 2, n)
    if layout == "strings":
        return rng.choice(["AF", "NORM"], n)
    if layout == "multiclass":
        return rng.integers(0, 3, n)
    if layout == "one_class":
        return np.zeros(n, dtype=int)
    if layout in ("multilabel", "empty_label"):
        y = rng.integers(0, 2, (n, 3))
        if layout == "empty_label":
            y[:, 1] = 0
        return y
    if layout == "continuous":
        return rng.normal(size=n)
    if layout == "nan":
        y = rng.integers(0, 2, n).astype(float)
        y[:1] = np.nan
        return y
    if layout == "too_short":
        return rng.integers(0, 2, max(n - 1, 0))
    if layout == "two_d_counts":
        return rng.integers(0, 4, (n, 2))
    if layout == "objects":
        return np.array([None] * n, dtype=object)
    return None


def _tiny_classifier(name):
    params = dict(_common.FAST_PARAMS.get(name, {}))
    params.update(max_epochs=1, batch_size=4, device="cpu", random_state=0)
    return ESTIMATORS[name](**params)


def _fit_predict(est, X, y, X_later):
    fitted, exc = _call(est.fit, X, y)
    if exc is not None:
        return
    n_outputs = len(fitted.classes_)
    for X_pred in (X, X_later):
        proba, exc = _call(fitted.predict_proba, X_pred)
        if exc is None:
            assert proba.shape == (len(X_pred), n_outputs)
            assert np.isfinite(proba).all(), "silent NaN in predict_proba"
            assert ((proba >= 0) & (proba <= 1)).all()
        pred, exc = _call(fitted.predict, X_pred)
        if exc is None:
            assert len(pred) == len(X_pred)


@st.composite
def fit_cases(draw):
    X = draw(ecg_arrays(max_times=48))
    n = len(X) if np.ndim(X) >= 1 else 1
    layout = draw(st.sampled_from(LABEL_LAYOUTS))
    y = make_y(layout, n, np.random.default_rng(draw(st.integers(0, 99))))
    if draw(st.integers(0, 2)):  # a well-formed X 2/3 of the time: reach the labels
        X = _good_X(n_records=max(n, 2), n_times=draw(st.integers(1, 48)))
        y = make_y(layout, len(X), np.random.default_rng(0))
    return X, y, draw(ecg_arrays(max_times=48))


@settings(max_examples=20, **{**SETTINGS, "deadline": FIT_DEADLINE})
@given(case=fit_cases())
def test_resnet_takes_any_input(case):
    _fit_predict(_tiny_classifier("ECGResNetClassifier"), *case)


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in CLASSIFIERS if n != "ECGResNetClassifier"])
@settings(max_examples=8, **{**SETTINGS, "deadline": FIT_DEADLINE})
@given(case=fit_cases())
def test_every_classifier_takes_any_input(name, case):
    _fit_predict(_tiny_classifier(name), *case)


# ---------------------------------------------------------------- loaders --
SEPARATORS = [",", ";", "\t", "|"]
BAD_CELLS = ["", "nan", "abc", "2", "-1", "=cmd()"]
HEADER_RATES = ["500", "250", "0", "-500", "abc", "nan", "inf", "1e9"]


@st.composite
def wfdb_folders(draw):
    """A random folder of 1-4 records and labels file; hostile half of the time."""
    n = draw(st.integers(1, 4))
    case = dict(
        n=n, rates=["500"] * n, lengths=[50] * n, extra=None, bad=None, name=None,
        label_columns=None, leads=draw(st.sampled_from([["I", "II"], ["II", "I"]])),
        sep=draw(st.sampled_from(SEPARATORS)), header=draw(st.booleans()),
        labels=draw(st.sampled_from(["binary", "strings", "multi"])),
        seed=draw(st.integers(0, 999)),
    )  # fmt: skip
    if case["labels"] == "multi":
        case["label_columns"] = ["a", "b"] if case["header"] else [1, 2]
    if draw(st.booleans()):
        case.update(
            rates=[draw(st.sampled_from(HEADER_RATES)) for _ in range(n)],
            lengths=[draw(st.sampled_from([0, 1, 50, 60])) for _ in range(n)],
            leads=draw(st.sampled_from([["I", "II"], ["I"], ["I", "X"]])),
            extra=draw(st.sampled_from([None, "sex", "patient"])),
            bad=draw(st.sampled_from([None, *BAD_CELLS])),
            name=draw(st.sampled_from([None, "../x", "/etc/passwd", "missing"])),
            label_columns=draw(st.sampled_from([None, "label", ["a", "b"], 5])),
        )
    return case


def _write_folder(root: Path, case: dict) -> Path:
    import wfdb

    rng = np.random.default_rng(case["seed"])
    for i, (rate, length) in enumerate(zip(case["rates"], case["lengths"])):
        sig = np.round(rng.normal(size=(max(length, 1), len(case["leads"]))), 3)
        wfdb.wrsamp(
            f"r{i}", fs=500, units=["mV"] * sig.shape[1], sig_name=case["leads"],
            p_signal=sig, fmt=["16"] * sig.shape[1], write_dir=str(root),
        )  # fmt: skip
        hea = root / f"r{i}.hea"
        lines = hea.read_text().splitlines()
        first = lines[0].split()
        first[2] = rate
        if length == 0:
            first[3] = "0"
        # "X" becomes a second lead "I": a duplicate name wfdb cannot write itself.
        body = [line.replace(" X", " I") for line in lines[1:]]
        hea.write_text("\n".join([" ".join(first), *body]) + "\n")
    return _write_labels(root, case, rng)


def _write_labels(root: Path, case: dict, rng) -> Path:
    names = [f"r{i}" for i in range(case["n"])]
    if case["name"] is not None:
        names[-1] = case["name"]
    cols = {"record": names}
    if case["labels"] == "multi":
        cols.update(a=rng.integers(0, 2, case["n"]), b=rng.integers(0, 2, case["n"]))
    else:
        values = rng.integers(0, 2, case["n"])
        cols["label"] = values if case["labels"] == "binary" else np.where(
            values, "AF", "NORM")  # fmt: skip
    if case["extra"] is not None:
        cols[case["extra"]] = rng.integers(0, 2, case["n"])
    rows = [list(map(str, r)) for r in zip(*cols.values())]
    if case["bad"] is not None:
        rows[0][-1] = case["bad"]
    lines = ([list(cols)] if case["header"] else []) + rows
    path = root / "labels.csv"
    path.write_text("\n".join(case["sep"].join(r) for r in lines) + "\n")
    return path


@settings(max_examples=25, **SETTINGS)
@given(case=wfdb_folders())
def test_load_wfdb_folder_takes_any_folder(case):
    from sklearn_ecg.datasets import load_wfdb_folder

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        labels = _write_folder(root, case)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ds = load_wfdb_folder(
                    root, labels=labels, label_columns=case["label_columns"]
                )
        except (ValueError, TypeError, FileNotFoundError) as exc:
            check_message(exc)
            event(f"{type(exc).__name__}: {str(exc).replace(tmp, '')[:40]}")
            return
    event("result")
    assert ds.data.dtype == np.float32 and np.isfinite(ds.data).all()
    assert len(ds.target) == len(ds.data) == len(ds.groups) == case["n"]
    assert math.isfinite(ds.sfreq) and ds.sfreq > 0
    assert case["name"] is None  # outside or missing records are refused
