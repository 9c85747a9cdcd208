"""CUDA, mixed precision and cross-device persistence (skipped without a GPU)."""

import pickle

import numpy as np
import pytest
import torch

from sklearn_ecg.classifiers import ECGResNetClassifier

TINY = dict(
    base_width=4,
    max_epochs=2,
    lr=1e-2,
    batch_size=16,
    random_state=0,
    augment=None,
    validation_fraction=0.1,
    patience=5,
    lr_schedule=None,
)


def data(n=48):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 3, 128)).astype(np.float32)
    y = np.arange(n) % 2
    X[:, 0] += 1.5 * y[:, None]
    return X, y


@pytest.mark.gpu
@pytest.mark.parametrize("precision", ["32", "bf16", "fp16"])
def test_cuda_training(precision):
    X, y = data()
    clf = ECGResNetClassifier(**TINY, device="cuda", precision=precision).fit(X, y)
    assert next(clf.module_.parameters()).device.type == "cuda"
    proba = clf.predict_proba(X)
    assert proba.dtype == np.float32 and np.isfinite(proba).all()
    assert np.isfinite(clf.history_[:, "train_loss"]).all()


@pytest.mark.gpu
def test_gpu_pickle_loads_on_cpu(tmp_path, monkeypatch):
    X, y = data()
    clf = ECGResNetClassifier(**TINY, device="cuda").fit(X, y)
    expected = clf.predict_proba(X)
    blob = pickle.dumps(clf)
    # pretend the loading machine has no GPU
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.warns(Warning, match="device"):
        on_cpu = pickle.loads(blob)
    assert on_cpu.device_.type == "cpu" and on_cpu.device == "cuda"
    assert next(on_cpu.module_.parameters()).device.type == "cpu"
    np.testing.assert_allclose(on_cpu.predict_proba(X), expected, atol=1e-4)


def test_cuda_requested_without_gpu_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    X, y = data(16)
    with pytest.raises(ValueError, match="CUDA is not available"):
        ECGResNetClassifier(**TINY, device="cuda").fit(X, y)


def test_auto_device_is_cpu_without_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    X, y = data(16)
    clf = ECGResNetClassifier(**{**TINY, "max_epochs": 1}).fit(X, y)
    assert clf.device_.type == "cpu" and clf.device == "auto"


def test_cuda_recorded_model_unpickles_on_cpu():
    # Simulate a GPU-trained pickle on a CPU-only machine: the recorded training
    # device is CUDA; loading must fall back to CPU with a warning.
    X, y = data(16)
    clf = ECGResNetClassifier(**{**TINY, "max_epochs": 1}, device="cpu").fit(X, y)
    expected = clf.predict_proba(X)
    clf.device_ = torch.device("cuda")
    blob = pickle.dumps(clf)
    if torch.cuda.is_available():
        pytest.skip("needs a machine without CUDA")
    with pytest.warns(Warning, match="cpu"):
        on_cpu = pickle.loads(blob)
    assert on_cpu.device_.type == "cpu" and on_cpu.device == "cpu"
    np.testing.assert_array_equal(on_cpu.predict_proba(X), expected)


@pytest.mark.gpu
@pytest.mark.parametrize("src, dst", [("cuda", "cpu"), ("cpu", "cuda")])
def test_pretrained_weights_move_between_devices(tmp_path, src, dst):
    # Pretrain on one device, fine-tune on the other (GPU server -> laptop and back).
    X, y = data()
    est = ECGResNetClassifier(**TINY, device=src).fit(X, y)
    handle = est.save_pretrained(tmp_path / "weights.pt")
    tuned = ECGResNetClassifier(
        **TINY, device=dst, warm_start_from=handle, freeze="backbone"
    ).fit(X, y)
    assert next(tuned.module_.parameters()).device.type == dst
    loaded = [
        n for n in tuned.warm_start_report_["loaded"] if not n.startswith("final_layer")
    ]
    assert loaded  # the backbone came from the checkpoint ...
    pretrained, state = handle.load().state_dict, tuned.module_.state_dict()
    for name in loaded:  # ... and, frozen, is still bit for bit the pretrained one
        assert torch.equal(state[name].cpu(), pretrained[name]), name


@pytest.mark.gpu
@pytest.mark.parametrize("inference", ["center", "sliding_mean", "sliding_max"])
def test_windowed_inference_on_cuda_matches_cpu(inference, monkeypatch):
    # Crops and augmentation train on the GPU; scoring is deterministic there and
    # the same, to float tolerance, once the fitted model is moved to the CPU.
    X, y = data()
    clf = ECGResNetClassifier(
        **TINY, device="cuda", crop_length=64, inference=inference, augment="paper",
        sfreq=100.0,
    ).fit(X, y)  # fmt: skip
    first = clf.predict_proba(X)
    np.testing.assert_array_equal(clf.predict_proba(X), first)
    blob = pickle.dumps(clf)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.warns(Warning, match="device"):
        on_cpu = pickle.loads(blob)
    np.testing.assert_allclose(on_cpu.predict_proba(X), first, atol=1e-4)
