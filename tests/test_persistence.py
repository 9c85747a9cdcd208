"""save_model/load_model: fitted models as data, never code."""

import json
import os
import pickle
from pathlib import Path

import joblib
import numpy as np
import pytest
import torch
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_ecg import classifiers as C
from sklearn_ecg import preprocessing as P
from sklearn_ecg.classifiers import save_pretrained
from sklearn_ecg.persistence import (
    ModelFormatError,
    allowed_classes,
    load_manifest,
    load_model,
    save_model,
)
from sklearn_ecg.transfer import PretrainedWeights

SFREQ, N_TIMES = 100.0, 128
LEADS = ("I", "II", "V1")

# Tiny architecture settings of every public network classifier.
TINY_ARCH = {
    "ECGClassifier": {"module": "resnet1d", "module_params": {"base_width": 4}},
    "ECGResNetClassifier": {"base_width": 4},
    "ECGVGGClassifier": {"depth": 11, "base_width": 4, "hidden_size": 8},
    "ECGAlexNetClassifier": {"base_width": 4, "hidden_size": 8},
    "ECGCRNNClassifier": {"base_width": 4, "hidden_size": 4, "rnn_type": "gru"},
    "ECGTransformerClassifier": {"embed_dim": 8, "num_heads": 2, "num_layers": 1},
    "ECGResTransformerClassifier": {"base_width": 4, "num_heads": 2, "num_layers": 1},
    "ECGAttResNetClassifier": {"base_width": 4, "num_heads": 2},
    "ECGInceptionClassifier": {
        "n_filters": 2, "depth": 3, "bottleneck": 2, "kernel_size": 8
    },
    "ECGXResNetClassifier": {"depth": 18, "base_width": 4, "hidden_size": 8},
    "ECGResNetWangClassifier": {"width": 4},
}  # fmt: skip
TRAIN = {"max_epochs": 1, "batch_size": 8, "random_state": 0, "device": "cpu"}


class Evil:
    """Unpickling this creates ``path``: the proof that code ran."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(24, len(LEADS), N_TIMES)).astype(np.float32)
    y = np.repeat(["AF", "NORM"], 12)
    X[y == "AF"] += 1.0
    return X, y


def tiny_pipeline(name="ECGResNetClassifier", **kw):
    clf = getattr(C, name)(
        **TINY_ARCH[name], **{**TRAIN, "sfreq": SFREQ, "lead_names": LEADS, **kw}
    )
    return Pipeline(
        [
            ("filter", P.BandpassFilter(low_freq=0.5, high_freq=40.0, sfreq=SFREQ)),
            ("normalize", P.LeadNormalizer()),
            ("clf", clf),
        ]
    )


@pytest.fixture(scope="module")
def saved(data, tmp_path_factory):
    pipe = tiny_pipeline().fit(*data)
    folder = tmp_path_factory.mktemp("model")
    save_model(pipe, folder)
    return pipe, folder


def copy_folder(src: Path, dst: Path) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        (dst / f.name).write_bytes(f.read_bytes())
    return dst


def edit_manifest(folder: Path, change) -> None:
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))


def refresh_digest(folder: Path, name: str) -> None:
    """What an attacker does: make the manifest's digest match the new file."""
    from sklearn_ecg.persistence._folder import file_sha256

    edit_manifest(
        folder, lambda m: m["files"].__setitem__(name, file_sha256(folder / name))
    )


# --- round trips -----------------------------------------------------------------


def test_every_public_classifier_is_covered():
    # ArchitectureClassifier is the base of the thin estimators, without a model.
    classes = [getattr(C, n) for n in C.__all__ if n != "ArchitectureClassifier"]
    public = {
        c.__name__
        for c in classes
        if isinstance(c, type) and issubclass(c, C.ECGClassifier)
    }
    assert public == set(TINY_ARCH)


@pytest.mark.parametrize("name", sorted(TINY_ARCH))
def test_round_trip_is_bit_identical(name, data, tmp_path):
    X, y = data
    pipe = tiny_pipeline(name).fit(X, y)
    written = save_model(pipe, tmp_path)
    assert [p.name for p in written] == ["manifest.json", "arrays.npz", "model.pt"]
    loaded = load_model(tmp_path)
    assert type(loaded[-1]) is type(pipe[-1])
    np.testing.assert_array_equal(loaded.predict_proba(X), pipe.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), pipe.predict(X))
    assert loaded[-1].classes_.dtype == pipe[-1].classes_.dtype
    assert repr(loaded) == repr(pipe)
    assert loaded[-1].n_epochs_ == pipe[-1].n_epochs_
    assert len(loaded[-1].history_) == len(pipe[-1].history_)


@pytest.mark.parametrize(
    "target, kw",
    [
        ("multiclass", {}),
        ("multilabel", {"threshold": "f1", "validation_fraction": 0.5}),
        ("binary", {"crop_length": 64, "inference": "sliding_mean",
                    "threshold": "youden", "validation_fraction": 0.5,
                    "pos_weight": "balanced"}),
    ],
)  # fmt: skip
def test_round_trip_of_tasks_thresholds_and_crops(target, kw, data, tmp_path):
    X, y = data
    rng = np.random.default_rng(1)
    y = {
        "binary": y,
        "multiclass": np.array([0, 1, 2] * 8),
        "multilabel": rng.integers(0, 2, size=(len(X), 3)),
    }[target]
    pipe = tiny_pipeline(**kw).fit(X, y)
    save_model(pipe, tmp_path)
    loaded = load_model(tmp_path)
    np.testing.assert_array_equal(loaded.predict_proba(X), pipe.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), pipe.predict(X))
    np.testing.assert_array_equal(loaded[-1].threshold_, pipe[-1].threshold_)
    # The loaded model trains on: partial_fit needs the restored fitted state.
    loaded.fit(X, y)  # a refit from scratch works
    restored = load_model(tmp_path)
    restored[-1].partial_fit(restored[:-1].transform(X), y)
    assert len(restored[-1].history_) == len(pipe[-1].history_) + 1


def test_bare_estimator_and_transformers_round_trip(data, tmp_path):
    X, y = data
    clf = C.ECGResNetClassifier(**TINY_ARCH["ECGResNetClassifier"], **TRAIN).fit(X, y)
    save_model(clf, tmp_path / "clf")
    np.testing.assert_array_equal(
        load_model(tmp_path / "clf").predict_proba(X), clf.predict_proba(X)
    )
    steps = [
        P.BaselineWanderRemover(sfreq=SFREQ),
        P.NotchFilter(freq=30.0, sfreq=SFREQ),
        P.Resampler(sfreq_out=50.0, sfreq=SFREQ),
        P.FixedLength(n_times=60),
        P.LeadSelector(leads=["V1", "I"], lead_names=LEADS),
        P.LeadNormalizer(scope="global", method="robust"),
    ]
    pipe = make_pipeline(*steps, "passthrough").fit(X)
    save_model(pipe, tmp_path / "pre")
    loaded = load_model(tmp_path / "pre")
    np.testing.assert_array_equal(loaded.transform(X), pipe.transform(X))
    np.testing.assert_array_equal(loaded[-2].center_, pipe[-2].center_)


def test_manifest_records_input_and_digests(saved):
    _, folder = saved
    manifest = load_manifest(folder)
    assert manifest["format"] == "sklearn-ecg-model"
    assert manifest["format_version"] == 1
    expected = {"sfreq": SFREQ, "lead_names": list(LEADS), "n_leads": 3}
    assert manifest["input"] == expected
    assert set(manifest["files"]) == {"arrays.npz", "model.pt"}
    steps = manifest["model"]["steps"]
    assert [s[1]["class"] for s in steps] == [
        "sklearn_ecg.preprocessing.BandpassFilter",
        "sklearn_ecg.preprocessing.LeadNormalizer",
        "sklearn_ecg.classifiers.ECGResNetClassifier",
    ]
    assert steps[2][1]["weights"] == "model.pt"
    # model.pt is also a save_pretrained checkpoint for warm starts.
    assert PretrainedWeights.from_file(folder / "model.pt").load().sfreq == SFREQ


def test_load_does_not_change_the_global_random_state(saved):
    _, folder = saved
    torch.manual_seed(3)
    expected = torch.rand(1)
    torch.manual_seed(3)
    load_model(folder)
    assert torch.rand(1) == expected


def test_loading_on_the_saved_device_or_an_explicit_one(saved, tmp_path):
    _, folder = saved
    assert load_model(folder, device="cpu")[-1].device_ == torch.device("cpu")
    if torch.cuda.is_available():
        pytest.skip("the fallback is for machines without CUDA")
    folder = copy_folder(folder, tmp_path / "m")
    edit_manifest(
        folder, lambda m: m["model"]["steps"][2][1]["params"].update(device="cuda")
    )
    with pytest.warns(UserWarning, match="device='cuda'.*loaded on the CPU"):
        loaded = load_model(folder)
    assert loaded[-1].device_ == torch.device("cpu")
    assert loaded[-1].device == "cuda"  # the parameter itself is kept
    with pytest.raises(ValueError, match="CUDA is not available"):
        load_model(folder, device="cuda")


@pytest.mark.gpu
def test_cuda_round_trip_is_bit_identical(data, tmp_path):
    X, y = data
    pipe = tiny_pipeline(device="cuda").fit(X, y)
    save_model(pipe, tmp_path)
    loaded = load_model(tmp_path)
    assert loaded[-1].device_.type == "cuda"
    np.testing.assert_array_equal(loaded.predict_proba(X), pipe.predict_proba(X))
    on_cpu = load_model(tmp_path, device="cpu")
    np.testing.assert_allclose(
        on_cpu.predict_proba(X), pipe.predict_proba(X), rtol=1e-4, atol=1e-5
    )


# --- what cannot be saved as data -------------------------------------------------


def test_objects_in_parameters_are_refused_at_save(data, tmp_path):
    X, y = data
    from skorch.callbacks import EpochTimer

    pipe = tiny_pipeline(callbacks=[("timer", EpochTimer())]).fit(X, y)
    with pytest.raises(ModelFormatError, match=r"parameter 'callbacks'.*EpochTimer"):
        save_model(pipe, tmp_path)
    assert not (tmp_path / "manifest.json").exists()


def test_unlisted_classes_and_callables_are_refused_at_save(data, tmp_path):
    X, _ = data
    pipe = make_pipeline(FunctionTransformer(np.abs)).fit(X)
    with pytest.raises(ModelFormatError, match="FunctionTransformer.*allowed"):
        save_model(pipe, tmp_path)
    norm = P.LeadNormalizer().fit(X)
    norm.extra_ = print
    with pytest.raises(ModelFormatError, match="attribute 'extra_'"):
        save_model(norm, tmp_path)
    with pytest.raises(NotFittedError):
        save_model(P.LeadNormalizer(scope="global"), tmp_path)


def test_in_memory_pretrained_weights_are_refused_with_the_fix(saved, data, tmp_path):
    pipe, _ = saved
    weights = PretrainedWeights.from_estimator(pipe)
    # Fine-tuning on the pretraining records on purpose: the overlap guard is off.
    clf = tiny_pipeline(warm_start_from=weights, pretrained_overlap="ignore")
    clf.fit(*data)
    with pytest.raises(ModelFormatError, match="warm_start_from.*from_file"):
        save_model(clf, tmp_path)
    path = save_pretrained(pipe, tmp_path / "w.pt")
    ok = tiny_pipeline(warm_start_from=path, pretrained_overlap="ignore").fit(*data)
    save_model(ok, tmp_path / "ok")
    assert load_model(tmp_path / "ok")[-1].warm_start_from == path


# --- hostile folders ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["os.system", "builtins.eval", "subprocess.Popen", "posix.system"]
)
def test_classes_outside_the_allowlist_are_refused(name, saved, tmp_path):
    marker = tmp_path / "marker"
    folder = copy_folder(saved[1], tmp_path / "m")

    def change(m):
        m["model"]["steps"][0][1] = {
            "class": name,
            "params": {"command": f"touch {marker}", "args": ["touch", str(marker)]},
            "fitted": {},
        }

    edit_manifest(folder, change)
    with pytest.raises(ModelFormatError, match="not on sklearn-ecg's allowlist"):
        load_model(folder)
    assert name not in allowed_classes()
    assert not marker.exists()


@pytest.mark.parametrize("bad", ["../x.pt", "/etc/passwd", "sub/model.pt", ".."])
def test_file_names_that_leave_the_folder_are_refused(bad, saved, tmp_path):
    folder = copy_folder(saved[1], tmp_path / "m")
    (tmp_path / "x.pt").write_bytes((folder / "model.pt").read_bytes())

    def change(m):
        m["files"][bad] = m["files"]["model.pt"]
        m["model"]["steps"][2][1]["weights"] = bad

    edit_manifest(folder, change)
    with pytest.raises(ModelFormatError, match="not a plain file name"):
        load_model(folder)


def test_a_link_out_of_the_folder_is_refused(saved, tmp_path):
    folder = copy_folder(saved[1], tmp_path / "m")
    outside = tmp_path / "outside.pt"
    outside.write_bytes((folder / "model.pt").read_bytes())
    (folder / "model.pt").unlink()
    os.symlink(outside, folder / "model.pt")
    with pytest.raises(ModelFormatError, match="link or lies outside"):
        load_model(folder)


def test_digest_mismatch_is_a_clear_error(saved, tmp_path):
    folder = copy_folder(saved[1], tmp_path / "m")
    raw = bytearray((folder / "arrays.npz").read_bytes())
    raw[-30] ^= 1
    (folder / "arrays.npz").write_bytes(bytes(raw))
    with pytest.raises(ModelFormatError, match="'arrays.npz'.*does not match the SHA"):
        load_model(folder)


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_damaged_weights_are_a_clear_error(damage, saved, tmp_path):
    folder = copy_folder(saved[1], tmp_path / "m")
    raw = (folder / "model.pt").read_bytes()
    new = {"truncate": raw[: len(raw) // 2], "garbage": os.urandom(300), "empty": b""}
    (folder / "model.pt").write_bytes(new[damage])
    refresh_digest(folder, "model.pt")
    # (Random bytes look like a legacy pickle to torch, which refuses them.)
    match = "Weights file 'model.pt': .*(not a readable|Refusing to load)"
    with pytest.raises(ModelFormatError, match=match):
        load_model(folder)


def test_pickles_in_weights_or_arrays_never_run(saved, tmp_path):
    marker = tmp_path / "marker"
    folder = copy_folder(saved[1], tmp_path / "w")
    torch.save({"state_dict": Evil(marker)}, folder / "model.pt")
    refresh_digest(folder, "model.pt")
    with pytest.raises(ModelFormatError, match="Refusing to load"):
        load_model(folder)
    folder = copy_folder(saved[1], tmp_path / "a")
    with (folder / "arrays.npz").open("wb") as fh:
        np.savez(fh, a0=np.array([Evil(marker)], dtype=object))
    refresh_digest(folder, "arrays.npz")
    with pytest.raises(ModelFormatError, match="allow_pickle"):
        load_model(folder)
    assert not marker.exists()


@pytest.mark.parametrize(
    "attr, value",
    [
        ("__class__", "x"),
        ("transform", 1),
        ("fit", {"type": "list", "items": []}),
        ("n_leads_in_", {"type": "eval", "name": "print"}),
        ("n_leads_in_", {"type": "torch_optimizer", "name": "load"}),
        ("n_leads_in_", {"type": "ndarray", "key": "../../etc"}),
    ],
)
def test_tampered_fitted_state_is_refused(attr, value, saved, tmp_path):
    folder = copy_folder(saved[1], tmp_path / "m")
    edit_manifest(
        folder, lambda m: m["model"]["steps"][1][1]["fitted"].__setitem__(attr, value)
    )
    with pytest.raises(ModelFormatError, match="refusing to load|invalid encoded|not"):
        load_model(folder)


def test_unknown_format_version_and_missing_files(saved, tmp_path):
    folder = copy_folder(saved[1], tmp_path / "m")
    edit_manifest(folder, lambda m: m.__setitem__("format_version", 99))
    with pytest.raises(ModelFormatError, match="format_version 99.*Upgrade"):
        load_model(folder)
    folder = copy_folder(saved[1], tmp_path / "n")
    (folder / "model.pt").unlink()
    with pytest.raises(ModelFormatError, match="lacks 'model.pt'.*copy the whole"):
        load_model(folder)
    (folder / "manifest.json").write_text("{not json")
    with pytest.raises(ModelFormatError, match="not valid JSON"):
        load_model(folder)
    (folder / "manifest.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ModelFormatError, match="not valid JSON"):
        load_model(folder)
    with pytest.raises(ModelFormatError, match="is a file, not a model folder"):
        load_model(folder / "arrays.npz")


# --- legacy pickles ------------------------------------------------------------------


def test_legacy_pickle_needs_allow_pickle(saved, tmp_path):
    pipe, _ = saved
    joblib.dump(pipe, tmp_path / "model.joblib")
    with pytest.raises(ModelFormatError, match="runs code.*allow_pickle=True"):
        load_model(tmp_path)
    with pytest.raises(ModelFormatError, match="runs code"):
        load_model(tmp_path / "model.joblib")
    loaded = load_model(tmp_path, allow_pickle=True)
    assert repr(loaded) == repr(pipe)


def test_allow_pickle_does_not_bypass_a_manifest(saved, tmp_path):
    marker = tmp_path / "marker"
    folder = copy_folder(saved[1], tmp_path / "m")
    (folder / "model.joblib").write_bytes(pickle.dumps(Evil(marker)))
    load_model(folder, allow_pickle=True)
    assert not marker.exists()


@pytest.mark.parametrize("target", ["binary", "multilabel"])
def test_an_ensemble_round_trips_as_data(target, data, tmp_path):
    X, y = data
    if target == "multilabel":
        y = np.random.default_rng(2).integers(0, 2, size=(len(X), 3))
    members = [
        (name, getattr(C, cls)(**TINY_ARCH[cls], **TRAIN))
        for name, cls in [("resnet", "ECGResNetClassifier"),
                          ("alexnet", "ECGAlexNetClassifier")]
    ]  # fmt: skip
    pipe = Pipeline(
        [("norm", P.LeadNormalizer()),
         ("clf", C.ECGEnsembleClassifier(members, seeds=2, threshold=0.4))]
    ).fit(X, y)  # fmt: skip
    save_model(pipe, tmp_path)
    names = {p.name for p in tmp_path.iterdir()}
    assert {"model.pt", "model-1.pt", "model-2.pt", "model-3.pt"} <= names
    assert not any(n.endswith((".pkl", ".joblib")) for n in names)
    loaded = load_model(tmp_path)
    np.testing.assert_array_equal(loaded.predict_proba(X), pipe.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), pipe.predict(X))
    ens = loaded[-1]
    assert [type(m).__name__ for m in ens.estimators_] == [
        "ECGResNetClassifier", "ECGResNetClassifier",
        "ECGAlexNetClassifier", "ECGAlexNetClassifier",
    ]  # fmt: skip
    assert ens.get_params(deep=False)["seeds"] == 2
    assert np.all(np.asarray(ens.threshold_) == 0.4)
    assert repr(loaded) == repr(pipe)


def test_an_edited_ensemble_entry_is_refused(data, tmp_path):
    X, y = data
    member = C.ECGResNetClassifier(**TINY_ARCH["ECGResNetClassifier"], **TRAIN)
    save_model(C.ECGEnsembleClassifier([("r", member)]).fit(X, y), tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    manifest["model"]["fitted"]["__class__"] = {"type": "scalar", "value": 1}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelFormatError, match="not fitted state"):
        load_model(tmp_path)
