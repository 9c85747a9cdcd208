"""scikit-learn's estimator checks over every public estimator of the package.

Estimators are discovered from the ``__all__`` of each subpackage, so a new public
estimator is checked automatically. Neural estimators get tiny, fast settings from
``FAST_PARAMS``. Every expected failure sits in ``EXPECTED_FAILURES`` with a reason;
transformers must have none.
"""

import importlib
import inspect

from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.estimator_checks import parametrize_with_checks

import sklearn_ecg

# Tiny, fast settings per estimator class name (architecture hyper-parameters and
# training length). Estimators not listed are built with their defaults.
# Every network trains the old way (no augmentation, constant lr): blobs are no ECGs.
_ZOO_TRAINING = dict(
    max_epochs=6,
    lr=1e-2,
    validation_fraction=None,
    random_state=0,
    augment=None,
    lr_schedule=None,
    crop_length=None,
    batch_size=64,
)

FAST_PARAMS: dict[str, dict] = {
    # Enough training to pass check_classifiers_train (accuracy > 0.83 on blobs);
    # the base runs with its internal validation split, the ResNet without.
    "ECGClassifier": _ZOO_TRAINING
    | dict(module_params=dict(base_width=8), max_epochs=8, validation_fraction=0.1),
    "ECGResNetClassifier": _ZOO_TRAINING | dict(base_width=8),
}

FAST_PARAMS.update(
    {
        "ECGVGGClassifier": dict(depth=11, base_width=8, hidden_size=16),
        "ECGAlexNetClassifier": dict(base_width=8, hidden_size=16, drop_prob=0.0),
        "ECGCRNNClassifier": dict(base_width=8, hidden_size=8, drop_prob=0.0),
        "ECGTransformerClassifier": dict(
            embed_dim=8, num_heads=2, num_layers=1, patch_size=1
        ),
        "ECGResTransformerClassifier": dict(base_width=8, num_heads=2, num_layers=1),
        "ECGAttResNetClassifier": dict(base_width=8, num_heads=2),
        "ECGInceptionClassifier": dict(
            n_filters=4, depth=3, bottleneck=4, kernel_size=4
        ),
        "ECGXResNetClassifier": dict(
            depth=18, base_width=8, hidden_size=16, drop_prob=0.0
        ),
        "ECGResNetWangClassifier": dict(width=8),
    }
)
for _name in list(FAST_PARAMS)[-9:]:
    FAST_PARAMS[_name] = {**_ZOO_TRAINING, **FAST_PARAMS[_name]}
# These learn check_classifiers_train's blobs (2 samples per "record") slowly.
for _name in ["ECGAlexNetClassifier", "ECGAttResNetClassifier", "ECGXResNetClassifier"]:
    FAST_PARAMS[_name]["max_epochs"] = 12
# The recurrent head is unstable at lr=1e-2 on the blobs (training accuracy
# 0.77-0.97 with the epoch count); at 3e-3 it learns every variant (0.90-0.97).
FAST_PARAMS["ECGCRNNClassifier"].update(max_epochs=12, lr=3e-3)


# Constructors for estimators that cannot be built from defaults alone
# (meta-estimators). Each maps a class name to a zero-argument factory.
def _optuna_search():
    from optuna.distributions import FloatDistribution
    from sklearn.linear_model import LogisticRegression

    from sklearn_ecg.model_selection import OptunaSearchCV

    return OptunaSearchCV(
        LogisticRegression(),
        {"C": FloatDistribution(0.1, 10.0, log=True)},
        cv=2,
        n_trials=2,
        random_state=0,
    )


def _ensemble():
    from sklearn_ecg.classifiers import ECGEnsembleClassifier, ECGResNetClassifier

    member = ECGResNetClassifier(**FAST_PARAMS["ECGResNetClassifier"])
    return ECGEnsembleClassifier([("resnet", member)], seeds=2)


FACTORIES: dict = {
    "OptunaSearchCV": _optuna_search,
    "ECGEnsembleClassifier": _ensemble,
}

# Checks known to fail, per estimator class name, each with a one-line reason.
EXPECTED_FAILURES: dict[str, dict[str, str]] = {
    "ECGClassifier": {
        # float32 convolutions on a batch of 1 and a batch of 60 differ in the
        # last bits (oneDNN picks its algorithm by batch size); one logit of
        # -1.43e-4 moved by 5e-7, past rtol=1e-4. Probabilities agree to 1e-6.
        "check_methods_subset_invariance": "float32 convolution results depend "
        "on the batch size in the last bits (5e-7 on a logit near 0)",
    },
}
#: Public bases that are not estimators on their own (no architecture to build).
BASES = {"ArchitectureClassifier"}


def discover_estimators():
    """Every public BaseEstimator subclass exported by a subpackage's ``__all__``."""
    found = {}
    for sub in sklearn_ecg._SUBMODULES:
        mod = importlib.import_module(f"sklearn_ecg.{sub}")
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseEstimator)
                and not inspect.isabstract(obj)
                and not name.startswith("_")
                and name not in BASES
            ):
                found[name] = obj
    return dict(sorted(found.items()))


def build(name, cls):
    if name in FACTORIES:
        return FACTORIES[name]()
    return cls(**FAST_PARAMS.get(name, {}))


ESTIMATORS = discover_estimators()
INSTANCES = [build(name, cls) for name, cls in ESTIMATORS.items()]


def _expected_failed_checks(estimator):
    return EXPECTED_FAILURES.get(type(estimator).__name__, {})


@parametrize_with_checks(INSTANCES, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_transformers_have_no_expected_failures():
    for name, cls in ESTIMATORS.items():
        if issubclass(cls, TransformerMixin):
            assert name not in EXPECTED_FAILURES, (
                f"transformer {name} must pass every check"
            )


def test_expected_failure_tables_name_real_estimators():
    stale = set(EXPECTED_FAILURES) | set(FAST_PARAMS) | set(FACTORIES)
    stale -= set(ESTIMATORS)
    assert not stale, f"tables mention unknown estimators: {sorted(stale)}"
    for name, table in EXPECTED_FAILURES.items():
        for check, reason in table.items():
            assert reason.strip(), f"{name}.{check} needs a one-line reason"
