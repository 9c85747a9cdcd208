"""Zoo estimators: architecture arguments, train-time augmentation and crops,
windowed inference."""

import inspect
import re

import numpy as np
import pytest
import torch
from sklearn.base import clone

from sklearn_ecg import classifiers as C
from sklearn_ecg import models as M

N_TIMES, SFREQ = 200, 100.0

# Each zoo estimator with tiny architecture settings and the model it must build.
ZOO = {
    "ECGVGGClassifier": ({"depth": 11, "base_width": 4, "hidden_size": 8}, M.VGG1d),
    "ECGAlexNetClassifier": ({"base_width": 4, "hidden_size": 8}, M.AlexNet1d),
    "ECGCRNNClassifier": (
        {"base_width": 4, "hidden_size": 4, "rnn_type": "gru", "bidirectional": True},
        M.CRNN1d,
    ),
    "ECGTransformerClassifier": (
        {"embed_dim": 8, "num_heads": 2, "num_layers": 1},
        M.TransformerEncoder1d,
    ),
    "ECGResTransformerClassifier": (
        {"base_width": 4, "num_heads": 2, "num_layers": 1},
        M.ResTransformer1d,
    ),
    "ECGAttResNetClassifier": ({"base_width": 4, "num_heads": 2}, M.AttResNet1d),
    "ECGInceptionClassifier": (
        {"n_filters": 2, "depth": 3, "bottleneck": 2, "kernel_size": 8},
        M.Inception1d,
    ),
    "ECGXResNetClassifier": (
        {"depth": 18, "base_width": 4, "hidden_size": 8},
        M.XResNet1d,
    ),
    "ECGResNetWangClassifier": ({"width": 4}, M.ResNet1dWang),
    "ECGResNetClassifier": ({"base_width": 4, "kernel_size": 5}, M.ResNet1d),
}


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 24)
    X = rng.normal(size=(48, 12, N_TIMES)).astype(np.float32)
    t = np.arange(N_TIMES) / SFREQ
    X[y == 1] += 2 * np.sin(2 * np.pi * 5 * t).astype(np.float32)  # separable
    return X, y


def fit_small(cls_name="ECGResNetWangClassifier", data=None, **kw):
    arch, _ = ZOO[cls_name]
    params = {"max_epochs": 3, "lr": 1e-2, "random_state": 0, "sfreq": SFREQ}
    return getattr(C, cls_name)(**arch, **{**params, **kw}).fit(*data)


def test_every_zoo_estimator_is_exported():
    exported = set(C.__all__)
    assert set(ZOO) <= exported


@pytest.mark.parametrize("name", sorted(ZOO))
def test_architecture_arguments_reach_the_module(name, data):
    est = fit_small(name, data, max_epochs=1, crop_length=100)
    assert isinstance(est.module_, ZOO[name][1])
    assert name in repr(est) or type(est).__name__ == name
    params = est.get_params()
    assert all(params[k] == v for k, v in ZOO[name][0].items())
    assert "module" not in params
    assert est.predict_proba(data[0]).shape == (48, 2)


def test_crnn_arguments_are_tunable_by_name(data):
    est = fit_small("ECGCRNNClassifier", data, max_epochs=1)
    est2 = clone(est).set_params(rnn_type="lstm", bidirectional=False, num_layers=1)
    est2.fit(*data)
    assert isinstance(est2.module_.rnn, torch.nn.LSTM)
    assert not est2.module_.rnn.bidirectional and est2.module_.rnn.num_layers == 1


BUILTIN_MODELS = [
    n for n in M.list_models() if M.resolve_model(n).__name__ in M.__all__
]
ARCHITECTURE_ESTIMATORS = sorted(
    name
    for name in C.__all__
    if isinstance(getattr(C, name), type)
    and issubclass(getattr(C, name), C.ArchitectureClassifier)
    and getattr(C, name) is not C.ArchitectureClassifier
)


def test_every_registered_model_has_one_estimator_in_the_zoo():
    assert sorted(ZOO) == ARCHITECTURE_ESTIMATORS
    assert sorted(m.registry_name for _, m in ZOO.values()) == sorted(BUILTIN_MODELS)
    for name in BUILTIN_MODELS:
        assert C.get_estimator_class(name).__name__ in ZOO


def _defaults(callable_):
    return {
        p.name: p.default
        for p in inspect.signature(callable_).parameters.values()
        if p.default is not p.empty
    }


@pytest.mark.parametrize("name", ARCHITECTURE_ESTIMATORS)
def test_estimator_defaults_equal_the_models_or_are_documented(name):
    cls = getattr(C, name)
    model = M.resolve_model(cls._module_name)
    model_defaults, defaults = _defaults(model), _defaults(cls)
    assert set(cls._module_params) <= set(defaults)
    assert set(cls._module_params) | set(cls._excluded_params) == set(model_defaults)
    for arg, model_default in model_defaults.items():
        if arg in cls._excluded_params:
            # Deliberately not exposed: not a parameter, and the reason is given.
            assert arg not in defaults and len(cls._excluded_params[arg]) > 20
        elif arg in cls._default_overrides:
            default, reason = cls._default_overrides[arg]
            assert defaults[arg] == default != model_default
            assert reason.split()[-1] in cls.__doc__ and len(reason) > 20
            assert re.search(rf"\n    {arg} : .*default={default!r}\n", cls.__doc__)
        else:
            assert defaults[arg] == model_default, arg
        if arg in cls._module_params:
            assert f"\n    {arg} : " in cls.__doc__, arg


def test_deliberate_differences():
    assert C.ECGResNetClassifier().base_width == 32
    assert _defaults(M.ResNet1d)["base_width"] == 64
    assert "max_len" not in C.ECGTransformerClassifier().get_params()


def test_architecture_arguments_bind_by_position_and_keyword():
    est = C.ECGVGGClassifier(11, base_width=4, max_epochs=2)
    assert (est.depth, est.base_width, est.batch_norm) == (11, 4, True)
    assert est.max_epochs == 2
    assert clone(est).get_params() == est.get_params()
    with pytest.raises(TypeError, match="multiple values"):
        C.ECGVGGClassifier(11, depth=13)
    with pytest.raises(TypeError, match="max_len"):
        C.ECGTransformerClassifier(max_len=100)


@pytest.fixture(scope="module")
def augmented(data):
    return fit_small(data=data, augment="paper", crop_length=100, max_epochs=4)


def test_predict_proba_is_repeatable(augmented, data):
    a = augmented.predict_proba(data[0])
    b = augmented.predict_proba(data[0])
    np.testing.assert_array_equal(a, b)


def test_augmentation_is_off_at_evaluation(augmented, data):
    # Same weights, no augmentation: predictions must be bit-identical.
    plain = clone(augmented).set_params(augment=None, max_epochs=1).fit(*data)
    plain.module_.load_state_dict(augmented.module_.state_dict())
    for mode in ["center", "sliding_mean", "sliding_max"]:
        augmented.set_params(inference=mode)
        plain.set_params(inference=mode)
        np.testing.assert_array_equal(
            augmented.predict_proba(data[0]), plain.predict_proba(data[0])
        )
    augmented.set_params(inference="center")


def test_validation_scoring_is_deterministic(augmented, data):
    X = torch.from_numpy(data[0][:8])
    y = torch.from_numpy(data[1][:8].astype(np.int64))
    first = augmented.validation_step((X, y))["y_pred"]
    second = augmented.validation_step((X, y))["y_pred"]
    torch.testing.assert_close(first, second, rtol=0, atol=0)
    assert first.shape == (8, 1)


def test_center_inference_matches_a_manual_centre_crop(augmented, data):
    X = data[0][:6]
    start = (N_TIMES - 100) // 2
    with torch.no_grad():
        augmented.module_.eval()
        manual = augmented.module_(torch.from_numpy(X[:, :, start : start + 100]))
    np.testing.assert_allclose(
        augmented.decision_function(X), manual[:, 0].numpy(), rtol=1e-5, atol=1e-6
    )


def test_sliding_max_bounds_sliding_mean(augmented, data):
    augmented.set_params(inference="sliding_mean", inference_stride=10)
    mean = augmented.decision_function(data[0])
    augmented.set_params(inference="sliding_max")
    mx = augmented.decision_function(data[0])
    augmented.set_params(inference="center", inference_stride=None)
    assert np.all(mx >= mean - 1e-6) and np.any(mx > mean + 1e-4)


def test_crops_and_augmentation_are_seeded(data):
    kw = {"augment": "paper", "crop_length": 100, "max_epochs": 2}
    a = fit_small(data=data, **kw).module_.state_dict()
    b = fit_small(data=data, **kw).module_.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    # Same initial weights (random_state) but no crops/augmentation: training
    # differs, so the seeded draws did reach the batches.
    c = fit_small(data=data, max_epochs=2).module_.state_dict()
    assert not all(torch.equal(a[k], c[k]) for k in a if a[k].is_floating_point())


def test_crop_trained_model_learns(augmented, data):
    from sklearn.metrics import roc_auc_score

    assert roc_auc_score(data[1], augmented.predict_proba(data[0])[:, 1]) > 0.9


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"crop_length": 500}, "crop_length=500"),
        ({"crop_length": 0}, "crop_length=0"),
        ({"augment": "noise"}, "augment='noise'"),
        ({"inference": "middle"}, "inference='middle'"),
        ({"inference_stride": -1, "crop_length": 100}, "inference_stride=-1"),
    ],
)
def test_bad_windowing_arguments_raise(data, kw, match):
    with pytest.raises(ValueError, match=match):
        fit_small(data=data, max_epochs=1, **kw)
