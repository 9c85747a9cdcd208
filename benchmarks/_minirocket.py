"""MiniRocket / MultiRocket baselines (aeon), in-process or in another environment.

``python _minirocket.py IN.npz OUT.npz`` reads ``X_train, Y_train, X_test, seed``
and ``kind`` (``"minirocket"``, the default, or ``"multirocket"``) and writes
``scores`` (decision values on X_test); this lets the benchmark use an
aeon installed in another virtual environment when its pins clash with ours.
"""

import sys
import time

import numpy as np


def rocket_scores(X_train, Y_train, X_test, seed, kind="minirocket"):
    """(Mini|Multi)Rocket features -> standardise -> RidgeClassifierCV (multi-label)."""
    from aeon.transformations.collection.convolution_based import (
        MiniRocket,
        MultiRocket,
    )
    from sklearn.linear_model import RidgeClassifierCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    # MiniRocket is unsupervised (and aeon wants a 1-D y), so fit it on X alone.
    rocket_cls = {"minirocket": MiniRocket, "multirocket": MultiRocket}[kind]
    rocket = rocket_cls(random_state=seed).fit(X_train.astype(np.float64))
    head = make_pipeline(
        StandardScaler(), RidgeClassifierCV(alphas=np.logspace(-3, 3, 10))
    )
    head.fit(rocket.transform(X_train.astype(np.float64)), Y_train)
    return head.decision_function(rocket.transform(X_test.astype(np.float64)))


if __name__ == "__main__":
    data = np.load(sys.argv[1])
    t0, c0 = time.perf_counter(), time.process_time()
    kind = str(data["kind"]) if "kind" in data else "minirocket"
    scores = rocket_scores(
        data["X_train"], data["Y_train"], data["X_test"], int(data["seed"]), kind
    )
    np.savez(
        sys.argv[2],
        scores=scores,
        wall=time.perf_counter() - t0,
        cpu=time.process_time() - c0,
    )
