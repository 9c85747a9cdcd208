"""Weight averaging, mixup/CutMix and label smoothing: what each changes."""

import copy

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from skorch.callbacks import Callback

from sklearn_ecg.classifiers import ECGResNetClassifier
from sklearn_ecg.training import BatchMixer, BCEWithLogitsLoss, CrossEntropyLoss

RNG = np.random.default_rng(0)
X = RNG.normal(size=(48, 2, 64)).astype(np.float32)
Y = np.arange(48) % 2
X[Y == 1, 0] += 0.5


def _clf(**kw):
    # every option off (label smoothing too), unless a test turns one on
    kw = {"validation_fraction": None, "max_epochs": 3, "batch_size": 16,
          "label_smoothing": 0.0, **kw}  # fmt: skip
    return ECGResNetClassifier(base_width=4, lr=1e-2, random_state=0, **kw)


class Recorder(Callback):
    """Record the module's float tensors after every step or every epoch."""

    def __init__(self, when):
        self.when = when

    def initialize(self):
        self.states = []
        return self

    def _grab(self, net):
        self.states.append(copy.deepcopy(net.module_.state_dict()))

    def on_batch_end(self, net, training=False, **kwargs):
        if training and self.when == "batch":
            self._grab(net)

    def on_epoch_end(self, net, **kwargs):
        if self.when == "epoch":
            self._grab(net)


def _params(module):
    return {k: v for k, v in module.state_dict().items() if v.is_floating_point()}


def test_ema_weights_equal_the_manual_average():
    rec = Recorder("batch")
    clf = _clf(weight_averaging="ema", callbacks=[("rec", rec)]).fit(X, Y)
    assert len(rec.states) == 9  # 3 epochs x 3 batches
    avg = {k: v.clone() for k, v in rec.states[0].items() if v.is_floating_point()}
    for k, state in enumerate(rec.states[1:]):
        d = min(0.999, (1 + k) / (10 + k))
        for name in avg:
            avg[name] = d * avg[name] + (1 - d) * state[name]
    final = _params(clf.module_)
    assert set(final) == set(avg)  # parameters and batch-norm buffers
    for name, value in final.items():
        torch.testing.assert_close(value, avg[name], rtol=1e-5, atol=1e-6)
    assert not torch.equal(
        final["final_layer.weight"], rec.states[-1]["final_layer.weight"]
    )


def test_swa_is_the_equal_average_of_the_last_half_of_epochs():
    rec = Recorder("epoch")
    clf = _clf(weight_averaging="swa", max_epochs=4, callbacks=[("rec", rec)])
    clf.fit(X, Y)
    names = [n for n, _ in clf.module_.named_parameters()]
    for name in names:  # epochs 3 and 4 (max_epochs // 2 + 1 on)
        manual = (rec.states[2][name] + rec.states[3][name]) / 2
        torch.testing.assert_close(clf.module_.state_dict()[name], manual)
    bn = "trunk.1.running_mean"  # statistics recomputed for the averaged weights
    final = clf.module_.state_dict()[bn]
    assert not torch.equal(final, rec.states[3][bn])
    assert not torch.equal(final, (rec.states[2][bn] + rec.states[3][bn]) / 2)


@pytest.mark.parametrize("kind", ["ema", "swa"])
def test_validation_scores_the_averaged_weights_and_restores_the_best(kind):
    clf = _clf(weight_averaging=kind, max_epochs=4, patience=None)
    clf.fit(X[:36], Y[:36], X_val=X[36:], y_val=Y[36:])
    losses = clf.history_[:, "valid_loss"]
    assert clf.n_epochs_ == int(np.argmin(losses)) + 1
    z = torch.from_numpy(clf.decision_function(X[36:]))
    loss = F.binary_cross_entropy_with_logits(z, torch.from_numpy(Y[36:]).float())
    assert float(loss) == pytest.approx(min(losses), rel=1e-4)


def test_mixup_output_is_the_convex_combination_and_loss_mixes_labels():
    mixer = BatchMixer(mixup=0.4, cutmix=None, seed=3)
    x = torch.randn(8, 2, 16)
    y = torch.randint(0, 2, (8, 3)).float()  # multi-label targets
    xm, perm, lam = mixer.mix(x)
    assert 0 < lam < 1 and sorted(perm.tolist()) == list(range(8))
    torch.testing.assert_close(xm, lam * x + (1 - lam) * x[perm])
    z = torch.randn(8, 3)
    mixed = BatchMixer.loss(BCEWithLogitsLoss(), z, y, perm, lam)
    soft = F.binary_cross_entropy_with_logits(z, lam * y + (1 - lam) * y[perm])
    torch.testing.assert_close(mixed, soft)
    again = BatchMixer(mixup=0.4, cutmix=None, seed=3).mix(x)
    assert again[2] == lam and torch.equal(again[0], xm)


def test_cutmix_replaces_one_segment_and_lam_is_the_kept_fraction():
    mixer = BatchMixer(mixup=None, cutmix=1.0, seed=0)
    x = torch.arange(4.0)[:, None, None].expand(4, 2, 100).clone()
    widths = []
    for _ in range(20):
        xm, perm, lam = mixer.mix(x)
        width = round((1 - lam) * 100)
        widths.append(width)
        for i in range(4):
            cut = torch.nonzero((xm[i] != x[i]).any(dim=0)).flatten()
            if perm[i] == i:
                assert cut.numel() == 0
                continue
            assert cut.numel() == width  # one contiguous segment of that width
            if width:
                assert int(cut[-1] - cut[0]) + 1 == width
                torch.testing.assert_close(xm[i][:, cut], x[perm[i]][:, cut])
    assert len(set(widths)) > 5


def test_label_smoothing_losses():
    z, y = torch.randn(6, 2), torch.randint(0, 2, (6, 2)).float()
    got = BCEWithLogitsLoss(label_smoothing=0.2)(z, y)
    torch.testing.assert_close(
        got, F.binary_cross_entropy_with_logits(z, y * 0.8 + 0.1)
    )
    t = torch.tensor([0, 1, 1, 0, 1, 0])
    got = CrossEntropyLoss(label_smoothing=0.1)(z, t)
    torch.testing.assert_close(got, F.cross_entropy(z, t, label_smoothing=0.1))


def test_defaults_are_every_option_off_for_small_data():
    base = _clf(label_smoothing="auto").fit(X, Y).predict_proba(X)
    off = _clf(
        weight_averaging=None, mixup=None, cutmix=None, label_smoothing=0.0,
    ).fit(X, Y).predict_proba(X)  # fmt: skip
    np.testing.assert_array_equal(base, off)
    defaults = ECGResNetClassifier().get_params()
    assert defaults["weight_averaging"] is None and defaults["mixup"] is None
    assert defaults["cutmix"] is None and defaults["label_smoothing"] == "auto"


@pytest.mark.parametrize(
    "kw",
    [dict(weight_averaging="ema"), dict(weight_averaging="swa"), dict(mixup=0.2),
     dict(cutmix=0.5), dict(label_smoothing=0.1)],
)  # fmt: skip
def test_each_option_changes_training_and_is_reproducible(kw):
    base = _clf().fit(X, Y).predict_proba(X)
    a = _clf(**kw).fit(X, Y).predict_proba(X)
    b = _clf(**kw).fit(X, Y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, base)


@pytest.mark.parametrize(
    "kw, match",
    [
        (dict(weight_averaging="polyak"), "weight_averaging"),
        (dict(mixup=-1.0), "mixup"),
        (dict(label_smoothing=0.5), "label_smoothing"),
        (dict(label_smoothing=0.1, criterion="focal"), "criterion='focal'"),
    ],
)
def test_bad_recipe_arguments(kw, match):
    with pytest.raises(ValueError, match=match):
        _clf(**kw).fit(X, Y)


def test_mixup_works_for_multiclass_and_multilabel():
    y_mc = np.arange(48) % 3
    clf = _clf(mixup=0.2, label_smoothing=0.1).fit(X, y_mc)
    assert clf.predict_proba(X).shape == (48, 3)
    y_ml = np.c_[Y, np.arange(48) % 3 == 0].astype(int)
    clf = _clf(cutmix=0.5, weight_averaging="ema").fit(X, y_ml)
    assert clf.predict(X).shape == (48, 2)
