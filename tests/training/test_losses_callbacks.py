"""Losses, callbacks and seeding helpers."""

import random
import warnings
from types import SimpleNamespace

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from skorch.history import History

from sklearn_ecg.metrics import macro_roc_auc_score
from sklearn_ecg.training import (
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    SigmoidFocalLoss,
    SoftmaxFocalLoss,
    ValidAUROC,
    make_early_stopping,
    make_lr_scheduler,
    resolve_seed,
    seeded,
)


def test_bce_matches_torch_with_pos_weight():
    logits, y = torch.randn(8, 3), (torch.rand(8, 3) > 0.5).float()
    w = torch.tensor([1.0, 2.0, 4.0])
    ref = F.binary_cross_entropy_with_logits(logits, y, pos_weight=w)
    assert torch.allclose(BCEWithLogitsLoss(pos_weight=w.numpy())(logits, y), ref)
    # binary: one logit with a 1-D target
    ref1 = F.binary_cross_entropy_with_logits(logits[:, :1], y[:, :1])
    assert torch.allclose(BCEWithLogitsLoss()(logits[:, :1], y[:, 0]), ref1)


def test_focal_loss_reference_values():
    z, y = torch.tensor([[2.0, -1.0]]), torch.tensor([[1.0, 0.0]])
    p = torch.sigmoid(z)
    # hand-computed Lin et al. (2017) terms with alpha=0.7, gamma=2
    pos = -0.7 * (1 - p[0, 0]) ** 2 * torch.log(p[0, 0])
    neg = -0.3 * p[0, 1] ** 2 * torch.log(1 - p[0, 1])
    expected = (pos + neg) / 2
    assert torch.allclose(SigmoidFocalLoss(0.7, 2.0)(z, y), expected)
    # gamma=0, alpha=None reduces to BCE
    bce = F.binary_cross_entropy_with_logits(z, y)
    assert torch.allclose(SigmoidFocalLoss(None, 0.0)(z, y), bce)
    # pos_weight scales positive terms only
    w = SigmoidFocalLoss(0.7, 2.0, pos_weight=[3.0, 3.0])(z, y)
    assert torch.allclose(w, (3 * pos + neg) / 2)


def test_softmax_focal_and_ce():
    z, t = torch.randn(6, 4), torch.tensor([0, 1, 2, 3, 0, 1])
    ce = F.cross_entropy(z, t)
    assert torch.allclose(SoftmaxFocalLoss(gamma=0.0)(z, t), ce)
    assert SoftmaxFocalLoss(gamma=2.0)(z, t) < ce
    assert torch.allclose(CrossEntropyLoss()(z, t.int()), ce)


def _valid_auroc(task, y, logits):
    """Drive ValidAUROC through one validation epoch; return what it records."""
    net = SimpleNamespace(history=History())
    net.history.new_epoch()
    cb = ValidAUROC(task)
    cb.on_train_begin(net)
    cb.on_epoch_begin(net)
    batch = (None, torch.as_tensor(y))
    cb.on_batch_end(net, batch=batch, training=False, y_pred=torch.as_tensor(logits))
    cb.on_epoch_end(net)
    return net.history[-1, "valid_auroc"]


def test_valid_auroc_is_the_metrics_macro_auroc_nan_safe():
    y = np.array([[0, 1], [1, 1], [0, 1]])
    s = np.array([[0.1, 0.2], [0.9, 0.3], [0.2, 0.4]], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the callback silences undefined labels
        assert _valid_auroc("multilabel", y, s) == 1.0  # column 2 is skipped
        assert np.isnan(_valid_auroc("multilabel", np.ones((3, 1)), s[:, :1]))
    rng = np.random.default_rng(0)
    z, t = rng.normal(size=(30, 3)).astype(np.float32), np.arange(30) % 3
    proba = torch.softmax(torch.from_numpy(z), dim=1).numpy()
    expected = macro_roc_auc_score(np.eye(3)[t], proba)
    assert _valid_auroc("multiclass", t, z) == pytest.approx(expected)


def test_factories():
    es = make_early_stopping(None, 10)
    assert es.patience == 11 and es.load_best
    assert make_lr_scheduler(None, lr=1, max_epochs=1, steps_per_epoch=1) is None
    one = make_lr_scheduler("onecycle", lr=0.1, max_epochs=3, steps_per_epoch=4)
    assert one.total_steps == 12 and one.step_every == "batch"
    with pytest.raises(ValueError, match="lr_schedule"):
        make_lr_scheduler("step", lr=1, max_epochs=1, steps_per_epoch=1)


def test_seeded_restores_global_state():
    random.seed(5)
    np.random.seed(5)  # noqa: NPY002
    torch.manual_seed(5)
    expect = (random.random(), np.random.rand(), torch.rand(1))  # noqa: NPY002
    random.seed(5)
    np.random.seed(5)  # noqa: NPY002
    torch.manual_seed(5)
    with seeded(0):
        inside = torch.rand(1)
    got = (random.random(), np.random.rand(), torch.rand(1))  # noqa: NPY002
    assert got[:2] == expect[:2] and torch.equal(got[2], expect[2])
    with seeded(0):
        assert torch.equal(torch.rand(1), inside)


def test_resolve_seed():
    assert resolve_seed(3) == 3
    assert resolve_seed(np.random.RandomState(0)) == resolve_seed(
        np.random.RandomState(0)
    )
    with pytest.raises(ValueError, match="random_state"):
        resolve_seed(-1)
