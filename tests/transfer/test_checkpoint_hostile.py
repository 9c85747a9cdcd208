"""Garbage and non-finite checkpoints get one-line CheckpointErrors (issue 14.11)."""

import io
import os

import pytest
import torch

from sklearn_ecg.transfer import Checkpoint, CheckpointError, load_checkpoint


def _nan_checkpoint():
    module = torch.nn.Linear(3, 2)
    with torch.no_grad():
        module.weight[1, 2] = float("nan")
        module.bias[0] = float("inf")
    return Checkpoint.from_module(module, n_leads=3)


class _Evil:
    def __reduce__(self):
        return (os.system, ("true",))


def _pickled_object():
    buf = io.BytesIO()
    torch.save({"x": _Evil()}, buf)
    return buf.getvalue()


GARBAGE = {
    "text": b"this is not a checkpoint\n" * 4,
    "random": bytes(range(256)) * 2,
    "empty": b"",
    "zip_header_only": b"PK\x03\x04" + bytes(100),
    "pickle_header_only": b"\x80\x02" + b"garbage" * 10,
    "truncated": Checkpoint.from_module(torch.nn.Linear(2, 1)).to_bytes()[:400],
}


@pytest.mark.parametrize("name", sorted(GARBAGE))
def test_garbage_is_a_corrupt_checkpoint(name):
    with pytest.raises(
        CheckpointError, match="not a readable torch checkpoint"
    ) as info:
        load_checkpoint(GARBAGE[name])
    msg = str(info.value)
    assert "\n" not in msg and "weights_only" not in msg and len(msg) < 300
    assert "save_pretrained" in msg


def test_garbage_file_names_the_file(tmp_path):
    path = tmp_path / "model.pt"
    path.write_bytes(GARBAGE["random"])
    with pytest.raises(CheckpointError, match=r"'.*model\.pt' is not a readable"):
        load_checkpoint(path)


def test_python_objects_are_refused_without_suggesting_weights_only_false():
    with pytest.raises(CheckpointError, match=r"Python objects.*GLOBAL") as info:
        load_checkpoint(_pickled_object())
    assert "weights_only" not in str(info.value)


def test_non_finite_weights_name_the_tensor(tmp_path):
    path = _nan_checkpoint().save(tmp_path / "nan.pt")
    with pytest.raises(CheckpointError, match=r"corrupt: tensor 'weight' holds 1 NaN"):
        load_checkpoint(path)


def test_warm_start_from_non_finite_checkpoint_is_not_a_divergence(tmp_path):
    import dataclasses

    import numpy as np

    from sklearn_ecg.classifiers import ECGResNetClassifier

    X = np.random.default_rng(0).normal(size=(8, 2, 32)).astype(np.float32)
    y = np.repeat([0, 1], 4)
    params = dict(base_width=4, max_epochs=1, random_state=0, validation_fraction=None)
    ckpt = ECGResNetClassifier(**params).fit(X, y).to_checkpoint()
    state = dict(ckpt.state_dict)
    name = sorted(k for k, v in state.items() if v.is_floating_point())[0]
    state[name] = torch.full_like(state[name], float("nan"))
    path = dataclasses.replace(ckpt, state_dict=state).save(tmp_path / "nan.pt")
    est = ECGResNetClassifier(**params, warm_start_from=str(path))
    with pytest.raises(CheckpointError, match=f"corrupt: tensor '{name}'") as info:
        est.fit(X, y)
    assert "learning rate" not in str(info.value)
