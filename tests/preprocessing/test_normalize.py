"""Exact normalisation formulas, flat leads and learned per-lead statistics."""

import numpy as np
import pytest

from sklearn_ecg.preprocessing import LeadNormalizer

EPS = 1e-8


@pytest.fixture(scope="module")
def X():
    rng = np.random.default_rng(1)
    return rng.normal(2.0, 3.0, size=(5, 4, 301)) * np.arange(1, 5)[:, None]


def expected(X, method, axis):
    if method == "zscore":
        return (X - X.mean(axis, keepdims=True)) / (
            X.std(axis, ddof=1, keepdims=True) + EPS
        )
    if method == "minmax":
        lo, hi = X.min(axis, keepdims=True), X.max(axis, keepdims=True)
        return (X - lo) / (hi - lo + EPS)
    if method == "robust":
        q1, q2, q3 = np.quantile(X, [0.25, 0.5, 0.75], axis=axis, keepdims=True)
        return (X - q2) / (q3 - q1 + EPS)
    if method == "l2":
        return X / (np.sqrt((X**2).sum(axis, keepdims=True)) + EPS)
    if method == "log":
        return np.sign(X) * np.log(1 + np.abs(X))
    return X


METHODS = ["zscore", "minmax", "robust", "l2", "log", "none"]


@pytest.mark.parametrize("method", METHODS)
def test_record_scope_exact_formulas(X, method):
    out = LeadNormalizer(method=method).fit_transform(X)
    np.testing.assert_allclose(out, expected(X, method, -1), rtol=1e-12, atol=1e-12)
    out32 = LeadNormalizer(method=method).fit_transform(X.astype(np.float32))
    assert out32.dtype == np.float32
    np.testing.assert_allclose(out32, expected(X, method, -1), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("method", ["zscore", "minmax", "robust"])
def test_global_scope_learns_per_lead_stats_on_training_records(X, method):
    train, test = X[:3], X[3:]
    norm = LeadNormalizer(method=method, scope="global").fit(train)
    assert norm.center_.shape == norm.scale_.shape == (4,)
    # Expected: statistics over (records, time) of the training records only.
    flat = train.transpose(1, 0, 2).reshape(4, -1)
    q1, q3 = np.quantile(flat, [0.25, 0.75], axis=1)
    stats_expected = {
        "zscore": (flat.mean(1), flat.std(1, ddof=1)),
        "minmax": (flat.min(1), flat.max(1) - flat.min(1)),
        "robust": (np.median(flat, 1), q3 - q1),
    }[method]
    np.testing.assert_allclose(norm.center_, stats_expected[0], rtol=1e-12)
    np.testing.assert_allclose(norm.scale_, stats_expected[1], rtol=1e-12)
    out = norm.transform(test)
    manual = (test - stats_expected[0][:, None]) / (stats_expected[1][:, None] + EPS)
    np.testing.assert_allclose(out, manual, rtol=1e-12)


def test_global_l2_uses_rms_record_norm(X):
    norm = LeadNormalizer(method="l2", scope="global").fit(X)
    rms = np.sqrt((X**2).sum(-1).mean(0))
    np.testing.assert_allclose(norm.scale_, rms, rtol=1e-12)
    np.testing.assert_allclose(norm.transform(X), X / (rms[:, None] + EPS))


def test_log_keeps_the_sign():
    out = LeadNormalizer(method="log").fit_transform(np.array([[-2.0, 0.0, 2.0]]))
    np.testing.assert_allclose(out, [[-np.log(3), 0.0, np.log(3)]])


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("scope", ["record", "global"])
@pytest.mark.parametrize("eps", [1e-8, 0.0])
def test_flat_lead_gives_no_nan(method, scope, eps):
    X = np.zeros((3, 2, 50))
    X[:, 1] = 4.0
    out = LeadNormalizer(method=method, scope=scope, eps=eps).fit_transform(X)
    assert np.isfinite(out).all()
    if method not in ("log", "none", "l2"):
        np.testing.assert_array_equal(out, 0.0)


def test_single_sample_records_are_finite():
    out = LeadNormalizer().fit_transform(np.ones((3, 1)))
    np.testing.assert_array_equal(out, 0.0)


def test_global_scope_requires_fit_and_same_lead_count(X):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        LeadNormalizer(scope="global").transform(X)
    norm = LeadNormalizer(scope="global").fit(X)
    msg = r"X has 3 features, .* expecting 4 features .* are the leads"
    with pytest.raises(ValueError, match=msg):
        norm.transform(X[:, :3])
    # scope="record" is stateless: no fit needed.
    assert LeadNormalizer().transform(X).shape == X.shape
    assert not LeadNormalizer().__sklearn_tags__().requires_fit
    assert LeadNormalizer(scope="global").__sklearn_tags__().requires_fit


@pytest.mark.parametrize(
    "params, match",
    [
        ({"method": "max"}, r"Unknown method='max'. Use one of"),
        ({"scope": "batch"}, r"Unknown scope='batch'"),
        ({"eps": -1.0}, "eps must be a finite number >= 0"),
    ],
)
def test_bad_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        LeadNormalizer(**params).fit(np.zeros((2, 3, 10)))
