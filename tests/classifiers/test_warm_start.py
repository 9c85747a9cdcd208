"""warm_start_from, save_pretrained and fine-tuning schedules on the classifiers."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from skorch.callbacks import Callback

from sklearn_ecg.classifiers import PLAIN_TRAINING, ECGResNetClassifier, save_pretrained
from sklearn_ecg.transfer import (
    Checkpoint,
    CheckpointError,
    PretrainedWeights,
    load_checkpoint,
    state_dict_sha256,
)

LEADS = ["I", "II", "III"]
FAST = dict(**PLAIN_TRAINING) | dict(
    base_width=4,
    max_epochs=2,
    batch_size=16,
    validation_fraction=None,
    random_state=0,
    sfreq=100.0,
    lead_names=LEADS,
    device="cpu",
)


def _data(n, seed, n_classes):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % n_classes
    X = rng.normal(size=(n, 3, 64)).astype("float32")
    X[:, 0, 10:20] += y[:, None] * 1.5  # learnable, class-dependent bump
    return X, y


@pytest.fixture(scope="module")
def source():
    return _data(48, 0, 3)


@pytest.fixture(scope="module")
def target():
    return _data(40, 1, 2)


@pytest.fixture(scope="module")
def pretrained(source, tmp_path_factory):
    est = ECGResNetClassifier(**FAST).fit(*source)
    path = tmp_path_factory.mktemp("ckpt") / "source.pt"
    handle = est.save_pretrained(path)
    return est, path, handle


def _backbone(state):
    return {k: v for k, v in state.items() if not k.startswith("final_layer")}


_INITIAL_BACKBONE_HASHES = []


class _RecordInitialWeights(Callback):
    """Records the backbone hash at the start of training (survives clone)."""

    def on_train_begin(self, net, **kwargs):
        sd = _backbone(net.module_.state_dict())
        _INITIAL_BACKBONE_HASHES.append(state_dict_sha256(sd))


class _SnapshotEachEpoch(Callback):
    def initialize(self):
        self.snapshots = []
        return self

    def on_epoch_end(self, net, **kwargs):
        sd = net.module_.state_dict()
        self.snapshots.append({k: v.clone() for k, v in sd.items()})


# ------------------------------------------------------------------ saving


def test_checkpoint_describes_the_estimator(pretrained):
    est, path, handle = pretrained
    ckpt = handle.load()
    assert isinstance(handle, PretrainedWeights) and handle.path == str(path)
    assert ckpt.architecture == "resnet1d"
    assert ckpt.architecture_params == {
        "depth": 18,
        "base_width": 4,
        "kernel_size": 7,
        "drop_prob": 0.0,
    }
    assert (ckpt.n_leads, ckpt.n_times, ckpt.sfreq) == (3, 64, 100.0)
    assert ckpt.lead_names == tuple(LEADS)
    assert ckpt.task == "multiclass" and ckpt.classes == ("0", "1", "2")
    assert ckpt.classes_array().dtype == np.asarray(est.classes_).dtype
    assert ckpt.preprocessing is None
    assert ckpt.sha256 == state_dict_sha256(est.module_.state_dict())
    assert torch.load(path, weights_only=True)["format_version"] == 1


def test_pipeline_preprocessing_is_described(source, tmp_path):
    pipe = make_pipeline(FunctionTransformer(np.negative), ECGResNetClassifier(**FAST))
    pipe.fit(*source)
    ckpt = save_pretrained(pipe, tmp_path / "pipe.pt").load()
    step = ckpt.preprocessing[0]
    assert step["step"] == "functiontransformer"
    assert step["class"].endswith("FunctionTransformer")
    assert "negative" in step["params"]["func"]  # non-JSON values become repr
    ckpt2 = PretrainedWeights.from_estimator(pipe).load()
    assert ckpt2.sha256 == ckpt.sha256 and ckpt2.preprocessing == ckpt.preprocessing


# --------------------------------------------------------- loading and heads


def test_head_swap_and_report(pretrained, target):
    _, path, handle = pretrained
    est = ECGResNetClassifier(**FAST, warm_start_from=path, freeze="backbone")
    est.fit(*target)
    report = est.warm_start_report_
    assert report["reinitialized"] == ["final_layer.weight", "final_layer.bias"]
    assert est.module_.final_layer.out_features == 1
    assert "trunk.0.weight" in report["loaded"] and len(report["skipped"]) == 2
    pre = handle.load().state_dict
    for name in report["loaded"]:  # frozen, so still exactly the pretrained value
        assert torch.equal(est.module_.state_dict()[name], pre[name]), name


def test_same_classes_reuse_the_head(pretrained, source):
    _, _, handle = pretrained
    # Fine-tuning on the pretraining records themselves: the overlap guard
    # would refuse it, so it is switched off explicitly.
    est = ECGResNetClassifier(
        **{**FAST, "max_epochs": 1}, warm_start_from=handle, pretrained_overlap="ignore"
    )
    est.fit(*source)
    assert est.warm_start_report_["reinitialized"] == []
    assert "final_layer.weight" in est.warm_start_report_["loaded"]


def test_no_warm_start_has_no_report(target):
    est = ECGResNetClassifier(**{**FAST, "max_epochs": 1}).fit(*target)
    assert est.warm_start_report_ is None and est.frozen_prefixes_ == ()


# ------------------------------------------------------------------ freezing


def test_frozen_backbone_is_bit_identical_including_bn_stats(pretrained, target):
    _, _, handle = pretrained
    est = ECGResNetClassifier(**FAST, warm_start_from=handle, freeze="backbone")
    est.fit(*target)
    pre, post = handle.load().state_dict, est.module_.state_dict()
    running = [k for k in post if "running_mean" in k or "num_batches" in k]
    assert running
    for name in _backbone(post):
        assert torch.equal(pre[name], post[name]), name
    assert not any(p.requires_grad for p in est.module_.trunk.parameters())
    fresh = ECGResNetClassifier(**FAST, warm_start_from=handle).fit(*target)
    assert not torch.equal(fresh.module_.state_dict()[running[0]], pre[running[0]])


def test_freeze_prefix_list(pretrained, target):
    _, _, handle = pretrained
    est = ECGResNetClassifier(**FAST, warm_start_from=handle, freeze=["trunk.0"])
    est.fit(*target)
    pre, post = handle.load().state_dict, est.module_.state_dict()
    assert torch.equal(pre["trunk.0.weight"], post["trunk.0.weight"])
    name = "trunk.4.0.conv1.weight"
    assert not torch.equal(pre[name], post[name])


def test_gradual_unfreezing(pretrained, target):
    _, _, handle = pretrained
    probe = _SnapshotEachEpoch()
    est = ECGResNetClassifier(
        **{**FAST, "max_epochs": 3},
        warm_start_from=handle,
        freeze="backbone",
        unfreeze_after=1,
        callbacks=[("probe", probe)],
    )
    est.fit(*target)
    assert list(est.history_[:, "frozen"]) == [True, False, False]
    snaps = _find(est, "probe").snapshots
    pre = handle.load().state_dict
    name = "trunk.0.weight"
    assert torch.equal(snaps[0][name], pre[name])  # epoch 1: frozen
    assert not torch.equal(snaps[1][name], pre[name])  # epoch 2: training
    assert all(p.requires_grad for p in est.module_.parameters())


def _find(est, name):
    return dict(est.callbacks_)[name]


def test_backbone_lr_ratio_builds_param_groups(pretrained, target):
    _, _, handle = pretrained
    est = ECGResNetClassifier(
        **{**FAST, "max_epochs": 1, "lr": 1e-3},
        warm_start_from=handle,
        backbone_lr_ratio=0.1,
    ).fit(*target)
    lrs = [g["lr"] for g in est.optimizer_.param_groups]
    assert lrs == pytest.approx([1e-4, 1e-3])
    n_params = sum(len(g["params"]) for g in est.optimizer_.param_groups)
    assert n_params == len(list(est.module_.parameters()))


@pytest.mark.parametrize(
    "params, match",
    [
        ({"unfreeze_after": 2}, "needs something frozen first"),
        ({"freeze": "everything"}, "freeze must be 'none', 'backbone'"),
        ({"freeze": ["nope"]}, "names no module"),
        ({"backbone_lr_ratio": 2.0}, r"backbone_lr_ratio must be in \(0, 1\]"),
        ({"unfreeze_after": -1, "freeze": "backbone"}, "unfreeze_after must be"),
    ],
)
def test_invalid_fine_tuning_params(target, params, match):
    with pytest.raises(ValueError, match=match):
        ECGResNetClassifier(**FAST, **params).fit(*target)


# ------------------------------------------------------------ sklearn-ness


def test_clone_keeps_the_argument(pretrained):
    _, path, handle = pretrained
    est = ECGResNetClassifier(warm_start_from=handle, freeze="backbone")
    assert clone(est).warm_start_from is handle
    assert clone(ECGResNetClassifier(warm_start_from=path)).warm_start_from == path
    assert "PretrainedWeights(path=" in repr(est)


def test_every_cv_fold_starts_from_the_same_weights(pretrained, target):
    _, _, handle = pretrained
    _INITIAL_BACKBONE_HASHES.clear()
    est = ECGResNetClassifier(
        **{**FAST, "max_epochs": 1},
        warm_start_from=handle,
        callbacks=[("record", _RecordInitialWeights())],
    )
    scores = cross_val_score(est, *target, cv=StratifiedKFold(3), scoring="roc_auc")
    assert len(scores) == 3 and np.all(np.isfinite(scores))
    expected = state_dict_sha256(_backbone(handle.load().state_dict))
    assert _INITIAL_BACKBONE_HASHES == [expected] * 3


def test_fitted_estimator_is_refused_with_instructions(pretrained, target):
    est, _, _ = pretrained
    with pytest.raises(TypeError, match="save_pretrained"):
        ECGResNetClassifier(**FAST, warm_start_from=est).fit(*target)
    handle = PretrainedWeights.from_estimator(est)
    assert clone(ECGResNetClassifier(warm_start_from=handle)).warm_start_from is handle
    ECGResNetClassifier(**{**FAST, "max_epochs": 1}, warm_start_from=handle).fit(
        *target
    )


def test_pickle_round_trip_of_a_warm_started_estimator(pretrained, target):
    _, _, handle = pretrained
    est = ECGResNetClassifier(**FAST, warm_start_from=handle, freeze="backbone")
    est.fit(*target)
    back = pickle.loads(pickle.dumps(est))
    X = target[0]
    np.testing.assert_array_equal(back.predict_proba(X), est.predict_proba(X))
    assert back.warm_start_report_ == est.warm_start_report_
    assert back.warm_start_from == handle
    # The frozen batch-norm layers stay frozen after unpickling.
    bn = back.module_.trunk[1]
    stats = bn.running_mean.clone()
    back.module_.train()(torch.from_numpy(target[0][:8]))
    assert torch.equal(stats, bn.running_mean)


# ------------------------------------------------------------ mismatch errors


def test_lead_count_mismatch_suggests_lead_selector(pretrained, target):
    _, path, _ = pretrained
    est = ECGResNetClassifier(**{**FAST, "lead_names": None}, warm_start_from=path)
    with pytest.raises(ValueError, match=r"LeadSelector\(leads=\['I', 'II', 'III'\]"):
        est.fit(target[0][:, :2], target[1])


def test_lead_order_mismatch(pretrained, target):
    _, path, _ = pretrained
    est = ECGResNetClassifier(
        **{**FAST, "lead_names": ["II", "I", "III"]}, warm_start_from=path
    )
    with pytest.raises(ValueError, match="Reorder the leads"):
        est.fit(*target)


def test_sfreq_mismatch_suggests_resampler(pretrained, target):
    _, path, _ = pretrained
    est = ECGResNetClassifier(**{**FAST, "sfreq": 500.0}, warm_start_from=path)
    with pytest.raises(ValueError, match=r"Resampler\(sfreq=500, sfreq_out=100\)"):
        est.fit(*target)
    ok = ECGResNetClassifier(**{**FAST, "sfreq": None, "max_epochs": 1})
    ok.set_params(warm_start_from=path).fit(*target)  # unknown rate: not checked


def test_architecture_mismatch(pretrained, target, tmp_path):
    _, _, handle = pretrained
    ckpt = handle.load()
    meta = {k: getattr(ckpt, k) for k in ("n_leads", "sfreq", "lead_names", "task")}
    other = Checkpoint(ckpt.state_dict, architecture="vgg1d", **meta)
    with pytest.raises(ValueError, match="architecture 'vgg1d'"):
        ECGResNetClassifier(**FAST, warm_start_from=other.save(tmp_path / "o.pt")).fit(
            *target
        )
    wider = ECGResNetClassifier(**{**FAST, "base_width": 8}, warm_start_from=handle)
    with pytest.raises(ValueError, match="backbone tensors"):
        wider.fit(*target)


def test_tampered_checkpoint_is_refused_at_fit(pretrained, target, tmp_path):
    _, path, handle = pretrained
    payload = torch.load(path, weights_only=True)
    payload["state_dict"]["trunk.0.weight"].mul_(2)
    torch.save(payload, tmp_path / "bad.pt")
    with pytest.raises(CheckpointError, match="SHA-256"):
        ECGResNetClassifier(**FAST, warm_start_from=tmp_path / "bad.pt").fit(*target)
    # A pinned handle also notices a valid but different file at its path.
    pinned = PretrainedWeights(path=tmp_path / "bad.pt", sha256=handle.sha256)
    Checkpoint(payload["state_dict"]).save(tmp_path / "bad.pt")
    with pytest.raises(CheckpointError, match="changed since"):
        ECGResNetClassifier(**FAST, warm_start_from=pinned).fit(*target)
    assert load_checkpoint(path).sha256 == handle.sha256  # original untouched


def test_one_cycle_schedule_keeps_the_backbone_ratio(pretrained, target):
    _, _, handle = pretrained
    est = ECGResNetClassifier(
        **{**FAST, "max_epochs": 1, "lr": 1e-2, "lr_schedule": "onecycle"},
        warm_start_from=handle,
        backbone_lr_ratio=0.1,
    ).fit(*target)
    peaks = [g["max_lr"] for g in est.optimizer_.param_groups]
    assert peaks == pytest.approx([1e-3, 1e-2])


def test_missing_checkpoint_file_names_the_parameter(target, tmp_path):
    est = ECGResNetClassifier(**FAST, warm_start_from=tmp_path / "missing.pt")
    with pytest.raises(FileNotFoundError, match="warm_start_from=.*missing.pt"):
        est.fit(*target)
