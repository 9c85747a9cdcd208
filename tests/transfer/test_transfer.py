"""Checkpoints, shape-aware loading and freezing on plain torch modules."""

import copy
import io
import pickle

import numpy as np
import pytest
import torch
from skorch import NeuralNet
from skorch.callbacks import Callback
from torch import nn

from sklearn_ecg.transfer import (
    Checkpoint,
    CheckpointError,
    GradualUnfreezing,
    PretrainedWeights,
    WarmStartWarning,
    check_warm_start_compatible,
    discriminative_param_groups,
    freeze_modules,
    load_checkpoint,
    load_matching_weights,
    resolve_freeze,
    state_dict_sha256,
    unfreeze_modules,
)
from sklearn_ecg.transfer._pretrained import as_pretrained_weights


class TinyNet(nn.Module):
    def __init__(self, n_leads=3, n_outputs=1, width=4):
        super().__init__()
        self.conv = nn.Conv1d(n_leads, width, 5)
        self.bn = nn.BatchNorm1d(width)
        self.conv2 = nn.Conv1d(width, 4, 3)
        self.final_layer = nn.Linear(4, n_outputs)

    def forward(self, x):
        x = torch.relu(self.bn(self.conv(x)))
        return self.final_layer(self.conv2(x).mean(-1))


def _ckpt(**meta):
    torch.manual_seed(0)
    defaults = dict(architecture="tinynet", n_leads=3, sfreq=100.0, task="multilabel")
    return Checkpoint.from_module(TinyNet(n_outputs=5), **{**defaults, **meta})


def _snapshot(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


# --------------------------------------------------------------------- hashing


def test_sha256_is_canonical_and_bit_sensitive():
    sd = TinyNet().state_dict()
    digest = state_dict_sha256(sd)
    assert digest == state_dict_sha256(dict(reversed(list(sd.items()))))
    assert digest == state_dict_sha256({k: v.clone() for k, v in sd.items()})
    flipped = {k: v.clone() for k, v in sd.items()}
    bits = flipped["conv.weight"].view(torch.int32)
    bits.view(-1)[0] ^= 1  # one bit of one float
    assert state_dict_sha256(flipped) != digest
    renamed = {("x" + k if k == "conv.bias" else k): v for k, v in sd.items()}
    assert state_dict_sha256(renamed) != digest
    assert state_dict_sha256({"w": torch.zeros(2, 3)}) != state_dict_sha256(
        {"w": torch.zeros(3, 2)}
    )


def test_sha256_handles_bfloat16_and_scalars():
    sd = {"a": torch.ones(3, dtype=torch.bfloat16), "n": torch.tensor(7)}
    assert len(state_dict_sha256(sd)) == 64


# ------------------------------------------------------------- checkpoint I/O


def test_checkpoint_file_round_trip(tmp_path):
    ckpt = _ckpt(
        lead_names=("I", "II", "III"),
        classes=np.array(["CD", "HYP", "MI", "NORM", "STTC"]),
        classes_dtype="<U4",
        preprocessing=[{"step": "filt", "class": "X", "params": {"l": (1, 2)}}],
        architecture_params={"width": np.int64(4)},
    )
    path = ckpt.save(tmp_path / "sub" / "model.pt")
    back = load_checkpoint(path)
    assert back.sha256 == ckpt.sha256
    assert back.lead_names == ("I", "II", "III")
    assert back.sfreq == 100.0 and back.n_leads == 3 and back.task == "multilabel"
    assert back.architecture_params == {"width": 4}
    assert back.preprocessing[0]["params"] == {"l": [1, 2]}
    assert list(back.classes_array()) == ["CD", "HYP", "MI", "NORM", "STTC"]
    for k, v in ckpt.state_dict.items():
        assert torch.equal(v, back.state_dict[k])
    # The file really is readable by a plain weights-only load.
    assert torch.load(path, weights_only=True)["format"] == "sklearn-ecg-checkpoint"
    assert not list(tmp_path.glob("sub/.model.pt.*"))  # no temporary left behind


def test_integer_classes_keep_their_dtype():
    ckpt = _ckpt(classes=[0, 1], classes_dtype="int64")
    back = load_checkpoint(ckpt.to_bytes())
    assert back.classes == ("0", "1")
    assert back.classes_array().dtype == np.int64


def _tampered_payload(ckpt, **changes):
    payload = ckpt.to_dict()
    payload.update(changes)
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    return buffer.getvalue()


def test_modified_weights_are_refused():
    ckpt = _ckpt()
    sd = {k: v.clone() for k, v in ckpt.state_dict.items()}
    sd["final_layer.bias"] += 1.0
    with pytest.raises(CheckpointError, match="do not match their SHA-256"):
        load_checkpoint(_tampered_payload(ckpt, state_dict=sd))


@pytest.mark.parametrize(
    "changes, match",
    [
        ({"format": "something-else"}, "Not an sklearn-ecg checkpoint"),
        ({"format_version": 99}, "Unsupported checkpoint format_version 99"),
        ({"metadata": {"n_leads": "twelve"}}, "'n_leads' has an invalid value"),
        ({"metadata": {"task": "regression"}}, "task must be one of"),
        ({"state_dict": {"w": "not a tensor"}}, "must map names to tensors"),
    ],
)
def test_wrong_format_is_refused(changes, match):
    with pytest.raises(CheckpointError, match=match):
        load_checkpoint(_tampered_payload(_ckpt(), **changes))


def test_bare_state_dict_is_refused_with_a_hint(tmp_path):
    torch.save(TinyNet().state_dict(), tmp_path / "bare.pt")
    with pytest.raises(CheckpointError, match="Checkpoint\\(state_dict=..."):
        load_checkpoint(tmp_path / "bare.pt")


_SIDE_EFFECTS = []


def _record_side_effect():
    _SIDE_EFFECTS.append("executed")
    return "payload"


class _Malicious:
    def __reduce__(self):
        return (_record_side_effect, ())


def test_arbitrary_pickled_objects_are_never_unpickled(tmp_path):
    payload = _ckpt().to_dict()
    payload["metadata"]["architecture"] = _Malicious()
    path = tmp_path / "evil.pt"
    torch.save(payload, path)
    with pytest.raises(CheckpointError, match="never unpickles arbitrary objects"):
        load_checkpoint(path)
    (tmp_path / "plain.pkl").write_bytes(pickle.dumps(_Malicious(), protocol=2))
    with pytest.raises(CheckpointError):
        load_checkpoint(tmp_path / "plain.pkl")
    assert _SIDE_EFFECTS == []


def test_truncated_and_missing_files(tmp_path):
    data = _ckpt().to_bytes()
    (tmp_path / "cut.pt").write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="not a readable torch checkpoint"):
        load_checkpoint(tmp_path / "cut.pt")
    with pytest.raises(FileNotFoundError, match="save_pretrained"):
        load_checkpoint(tmp_path / "nope.pt")


# --------------------------------------------------------- PretrainedWeights


def test_handle_is_immutable_and_cheap_to_copy(tmp_path):
    ckpt = _ckpt()
    handle = PretrainedWeights.from_file(ckpt.save(tmp_path / "m.pt"))
    assert handle.sha256 == ckpt.sha256
    assert copy.deepcopy(handle) is handle and copy.copy(handle) is handle
    assert handle == PretrainedWeights(path=str(tmp_path / "m.pt"), sha256=ckpt.sha256)
    assert hash(handle) == hash(copy.deepcopy(handle))
    with pytest.raises(AttributeError):
        handle.path = "other.pt"
    assert pickle.loads(pickle.dumps(handle)) == handle
    assert "sha256=" in repr(handle) and "m.pt" in repr(handle)
    memory = PretrainedWeights.from_checkpoint(ckpt)
    assert "in-memory" in repr(memory) and len(repr(memory)) < 100
    assert memory.load().sha256 == ckpt.sha256


def test_pinned_handle_detects_a_replaced_file(tmp_path):
    path = _ckpt().save(tmp_path / "m.pt")
    handle = PretrainedWeights.from_file(path)
    torch.manual_seed(1)
    Checkpoint.from_module(TinyNet(n_outputs=5)).save(path)  # valid, but different
    with pytest.raises(CheckpointError, match="changed since this handle was made"):
        handle.load()
    assert PretrainedWeights(path=path).load().sha256 != handle.sha256


def test_handle_validation():
    with pytest.raises(ValueError, match="exactly one of path= or data="):
        PretrainedWeights()
    with pytest.raises(ValueError, match="64 lower-case hex"):
        PretrainedWeights(path="m.pt", sha256="abc")
    with pytest.raises(TypeError, match="data must be bytes"):
        PretrainedWeights(data="text")


def test_estimators_are_rejected_with_instructions():
    from sklearn.linear_model import LogisticRegression

    with pytest.raises(TypeError, match=r"save_pretrained.*from_estimator"):
        as_pretrained_weights(LogisticRegression())
    with pytest.raises(TypeError, match="must be None, a checkpoint path"):
        as_pretrained_weights(3)
    assert as_pretrained_weights("m.pt") == PretrainedWeights(path="m.pt")


# ------------------------------------------------------ shape-aware loading


def test_head_swap_loads_backbone_and_reinitialises_head():
    ckpt = _ckpt()
    torch.manual_seed(1)
    target = TinyNet(n_outputs=1)
    fresh_head = target.final_layer.weight.detach().clone()
    report = load_matching_weights(target, ckpt.state_dict)
    assert report["reinitialized"] == ["final_layer.weight", "final_layer.bias"]
    assert report["skipped"] == ["final_layer.weight", "final_layer.bias"]
    assert "bn.running_mean" in report["loaded"] and len(report["loaded"]) == 9
    for name in report["loaded"]:
        assert torch.equal(target.state_dict()[name], ckpt.state_dict[name])
    assert torch.equal(target.final_layer.weight, fresh_head)


def test_matching_head_is_reused_only_when_asked():
    ckpt = _ckpt()
    target = TinyNet(n_outputs=5)
    load_matching_weights(target, ckpt.state_dict, reuse_head=True)
    assert torch.equal(target.final_layer.weight, ckpt.state_dict["final_layer.weight"])
    other = TinyNet(n_outputs=5)
    report = load_matching_weights(other, ckpt.state_dict, reuse_head=False)
    assert not torch.equal(
        other.final_layer.weight, ckpt.state_dict["final_layer.weight"]
    )
    assert report["reinitialized"] == ["final_layer.weight", "final_layer.bias"]


def test_another_architecture_raises():
    with pytest.raises(ValueError, match="another architecture"):
        load_matching_weights(nn.Sequential(nn.Linear(3, 3)), _ckpt().state_dict)


def test_partial_match_warns_and_keeps_fresh_init():
    target = TinyNet(n_outputs=1, width=6)  # conv/bn/conv2 shapes differ
    with pytest.raises(ValueError, match="Only 2 of 9 backbone tensors"):
        load_matching_weights(target, _ckpt().state_dict)
    sd = dict(_ckpt().state_dict)
    sd["conv2.bias"] = torch.zeros(7)
    with pytest.warns(WarmStartWarning, match=r"conv2.bias"):
        report = load_matching_weights(TinyNet(), sd)
    assert "conv2.bias" in report["reinitialized"] and "conv2.bias" in report["skipped"]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"architecture": "resnet1d"}, "architecture 'tinynet'"),
        ({"n_leads": 12}, r"LeadSelector\(leads=\['I', 'II', 'III'\]\)"),
        ({"lead_names": ["II", "I", "III"]}, "Reorder the leads"),
        ({"sfreq": 500.0}, r"Resampler\(sfreq=500, sfreq_out=100\)"),
    ],
)
def test_mismatch_errors_suggest_the_fix(kwargs, match):
    ckpt = _ckpt(lead_names=("I", "II", "III"))
    args = {"architecture": "tinynet", "n_leads": 3, "lead_names": None, "sfreq": 100}
    check_warm_start_compatible(ckpt, **args)  # the compatible case passes
    with pytest.raises(ValueError, match=match):
        check_warm_start_compatible(ckpt, **{**args, **kwargs})


def test_checks_are_skipped_where_a_side_has_no_information():
    ckpt = Checkpoint.from_module(TinyNet())  # no metadata at all
    check_warm_start_compatible(
        ckpt, architecture="x", n_leads=7, lead_names=["a"], sfreq=1.0
    )
    check_warm_start_compatible(_ckpt(), architecture=None, n_leads=None, sfreq=None)


# ------------------------------------------------------------------ freezing


def test_resolve_freeze():
    model = TinyNet()
    assert resolve_freeze(model, "none") == ()
    assert resolve_freeze(model, "backbone") == ("conv", "bn", "conv2")
    assert resolve_freeze(model, ["conv", "bn.weight"]) == ("conv", "bn.weight")
    with pytest.raises(ValueError, match=r"freeze=\['conv'\]"):
        resolve_freeze(model, "conv")
    with pytest.raises(ValueError, match="names no module.*'final_layer'"):
        resolve_freeze(model, ["layer9"])
    with pytest.raises(ValueError, match="nothing would train"):
        resolve_freeze(model, ["conv", "bn", "conv2", "final_layer"])
    with pytest.raises(TypeError):
        resolve_freeze(model, 3)


def _train_steps(model, n_steps=5, lr=0.1):
    torch.manual_seed(0)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.1)
    for _ in range(n_steps):
        model.train()  # as skorch does every epoch
        x, y = torch.randn(8, 3, 20) * 3 + 1, torch.rand(8, 1)
        loss = nn.functional.binary_cross_entropy_with_logits(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()


def test_frozen_parts_are_bit_identical_after_training():
    model = TinyNet()
    before = _snapshot(model)
    frozen = freeze_modules(model, resolve_freeze(model, "backbone"))
    assert frozen == ["conv.weight", "conv.bias", "bn.weight", "bn.bias"] + [
        "conv2.weight",
        "conv2.bias",
    ]
    _train_steps(model)
    after = model.state_dict()
    for name in ("conv.weight", "bn.weight", "bn.running_mean", "bn.running_var"):
        assert torch.equal(before[name], after[name]), name
    assert torch.equal(
        before["bn.num_batches_tracked"], after["bn.num_batches_tracked"]
    )
    assert not torch.equal(before["final_layer.weight"], after["final_layer.weight"])


def test_unfreezing_lets_everything_train_again():
    model = TinyNet()
    prefixes = resolve_freeze(model, "backbone")
    freeze_modules(model, prefixes)
    freeze_modules(model, prefixes)  # idempotent: one hook per layer
    assert len(model.bn._forward_pre_hooks) == 1
    assert unfreeze_modules(model, prefixes)[0] == "conv.weight"
    assert len(model.bn._forward_pre_hooks) == 0
    before = _snapshot(model)
    _train_steps(model)
    for name in ("conv.weight", "bn.running_mean", "final_layer.weight"):
        assert not torch.equal(before[name], model.state_dict()[name]), name


def test_frozen_model_pickles_with_its_frozen_state():
    model = TinyNet()
    freeze_modules(model, ["bn"])
    clone = pickle.loads(pickle.dumps(model))
    before = _snapshot(clone)
    clone.train()(torch.randn(4, 3, 20))
    assert torch.equal(before["bn.running_mean"], clone.bn.running_mean)
    assert not clone.bn.weight.requires_grad and clone.conv.weight.requires_grad


def test_discriminative_param_groups_cover_each_parameter_once():
    model = TinyNet()
    groups = discriminative_param_groups(model, 1e-3, 0.1)
    assert [g["name"] for g in groups] == ["backbone", "head"]
    assert groups[0]["lr"] == pytest.approx(1e-4) and groups[1]["lr"] == 1e-3
    ids = [id(p) for g in groups for p in g["params"]]
    assert sorted(ids) == sorted(id(p) for p in model.parameters())
    assert len(discriminative_param_groups(model, 1e-3, None)) == 1
    for bad in (0, 1.5, -0.1):
        with pytest.raises(ValueError, match="backbone_lr_ratio must be in"):
            discriminative_param_groups(model, 1e-3, bad)


class _RecordWeights(Callback):
    def initialize(self):
        self.snapshots = []
        return self

    def on_epoch_end(self, net, **kwargs):
        self.snapshots.append(_snapshot(net.module_))


def test_gradual_unfreezing_with_skorch():
    torch.manual_seed(0)
    X = torch.randn(32, 3, 20).numpy()
    y = (X[:, 0].mean(-1, keepdims=True) > 0).astype("float32")
    recorder = _RecordWeights()
    net = NeuralNet(
        TinyNet,
        criterion=nn.BCEWithLogitsLoss,
        optimizer=torch.optim.AdamW,
        lr=0.05,
        max_epochs=4,
        batch_size=8,
        train_split=None,
        verbose=0,
        callbacks=[GradualUnfreezing(["conv", "bn"], unfreeze_after=2), recorder],
    )
    net.initialize()
    start = _snapshot(net.module_)
    freeze_modules(net.module_, ["conv", "bn"])
    net.partial_fit(X, y)
    snaps = recorder.snapshots
    assert list(net.history[:, "frozen"]) == [True, True, False, False]
    for name in ("conv.weight", "bn.running_var"):
        assert torch.equal(start[name], snaps[1][name]), name  # epochs 1-2 frozen
        assert not torch.equal(snaps[1][name], snaps[2][name]), name  # epoch 3 moves
    assert not torch.equal(start["conv2.weight"], snaps[0]["conv2.weight"])
