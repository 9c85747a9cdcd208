"""Worker scripts and the environment for tests that start OS processes."""

import os
import textwrap
import time
from pathlib import Path

import optuna

ROOT = Path(__file__).resolve().parents[2]


def env():
    out = dict(os.environ)
    out["PYTHONPATH"] = os.pathsep.join([str(ROOT), out.get("PYTHONPATH", "")])
    out.setdefault("OMP_NUM_THREADS", "1")
    return out


# argv: storage URL, seconds each fit sleeps, n_trials, study name. A trial (2
# folds) then runs for twice the sleep: long enough to be killed in the middle
# of it. Heartbeat every second, stale after 2 s.
HEARTBEAT_WORKER = textwrap.dedent(
    """
    import sys, time
    import numpy as np
    from optuna.distributions import FloatDistribution
    from sklearn.linear_model import LogisticRegression
    from sklearn_ecg.model_selection import OptunaSearchCV

    class SlowLR(LogisticRegression):
        def fit(self, X, y):
            time.sleep(float(sleep))
            return super().fit(X, y)

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 5)); y = (X[:, 0] > 0).astype(int)
    url, sleep, n_trials, name = sys.argv[1:5]
    OptunaSearchCV(SlowLR(), {"C": FloatDistribution(1e-3, 1e2, log=True)}, cv=2,
                   n_trials=int(n_trials), storage=url, study_name=name,
                   heartbeat_interval=1, grace_period=2, random_state=0).fit(X, y)
    """
)


def wait_for(url, name, states, n, timeout=180):
    """Poll the study until it holds ``n`` trials in ``states``; return it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            study = optuna.load_study(study_name=name, storage=url)
        except KeyError:  # the worker has not created the study yet
            time.sleep(0.2)
            continue
        if len(study.get_trials(states=states)) >= n:
            return study
        time.sleep(0.2)
    raise AssertionError(f"the worker never reached {n} trials in {states}")
