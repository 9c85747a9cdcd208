"""Repeated CV of a warm-started classifier on a Dask cluster: 1 vs 2 workers.

The same ``repeated_cv_report`` (an ``ECGResNetClassifier`` warm-started from a
checkpoint, stratified k-fold CV repeated) runs under
``joblib.parallel_config(backend="dask")`` on a ``LocalCluster`` of two worker
processes (one thread each), and as one task on a cluster of one worker
(joblib would run ``n_jobs=1`` in the calling process), side by side. The
checkpoint is sent with ``broadcast_pretrained``. Each worker first imports the
package (not timed); the wall time of the CV is timed and the report gives the
speed-up, whether the fold scores of the two clusters are identical, and how
each worker got the checkpoint (from the broadcast, fetched once, or cached).

Run: ``python benchmarks/bench_dask.py [--quick] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _common import add_common_args, write_result  # noqa: E402


def _import_package():
    import sklearn_ecg.classifiers  # noqa: F401

    return True


def _run(n_workers, est, X, y, cv):
    from distributed import Client, LocalCluster
    from joblib import parallel_config
    from sklearn.base import clone

    from sklearn_ecg.metrics import repeated_cv_report
    from sklearn_ecg.model_selection import _dask, broadcast_pretrained

    cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1,
                           processes=True, dashboard_address=None)  # fmt: skip
    with cluster, Client(cluster) as client:
        client.wait_for_workers(n_workers)
        client.run(_import_package)
        warm = clone(est).set_params(
            warm_start_from=broadcast_pretrained(client, est.warm_start_from)
        )
        start = time.perf_counter()
        if n_workers == 1:
            # joblib runs n_jobs=1 in the calling process: run the whole CV as
            # one task, so its fits run on the worker too.
            rep = client.submit(repeated_cv_report, warm, X, y, cv=cv,
                                scoring=["roc_auc"], pure=False).result()  # fmt: skip
        else:
            with parallel_config(backend="dask", client=client):
                rep = repeated_cv_report(
                    warm, X, y, cv=cv, scoring=["roc_auc"], n_jobs=-1
                )
        seconds = time.perf_counter() - start
        reads = list(client.run(_dask._stats).values())
    return seconds, rep.folds["roc_auc"].to_numpy(), reads


def main(argv=None):
    parser = add_common_args(argparse.ArgumentParser(description=__doc__))
    args = parser.parse_args(argv)

    from sklearn.model_selection import RepeatedStratifiedKFold

    from sklearn_ecg.classifiers import ECGResNetClassifier
    from sklearn_ecg.datasets import make_ecg
    from sklearn_ecg.transfer import PretrainedWeights

    if args.quick:
        n, leads, duration, width, epochs, splits, repeats = 32, 2, 2.0, 4, 1, 2, 1
    else:
        n, leads, duration, width, epochs, splits, repeats = 320, 12, 5.0, 8, 8, 4, 2
    X, y = make_ecg(n, sfreq=100.0, duration=duration, random_state=0, return_X_y=True)
    X = X[:, :leads].astype(np.float32)
    params = dict(base_width=width, max_epochs=epochs, batch_size=16,
                  random_state=0, device="cpu", sfreq=100.0)  # fmt: skip
    Xs, ys = make_ecg(n, sfreq=100.0, duration=duration, random_state=1,
                      return_X_y=True)  # fmt: skip
    source = ECGResNetClassifier(**params).fit(Xs[:, :leads].astype(np.float32), ys)
    weights = PretrainedWeights.from_estimator(source)
    est = ECGResNetClassifier(**params, warm_start_from=weights,
                              pretrained_overlap="ignore")  # fmt: skip
    cv = RepeatedStratifiedKFold(n_splits=splits, n_repeats=repeats, random_state=0)
    runs = {k: _run(k, est, X, y, cv) for k in (1, 2)}
    (t1, s1, r1), (t2, s2, r2) = runs[1], runs[2]
    results = {
        "wall_s_1_worker": t1,
        "wall_s_2_workers": t2,
        "speedup": t1 / t2,
        "n_fits": splits * repeats,
        "same_fold_scores": bool(np.array_equal(s1, s2)),
        "mean_roc_auc": float(np.mean(s1)),
        "checkpoint_bytes": len(weights.data),
        "checkpoint_reads_per_worker": {"1": r1, "2": r2},
    }
    run_params = {"quick": args.quick, "n_records": n, "n_leads": leads,
                  "n_times": int(duration * 100), "base_width": width,
                  "max_epochs": epochs, "n_splits": splits, "n_repeats": repeats,
                  "threads_per_worker": 1}  # fmt: skip
    write_result(args.out, "bench_dask", run_params, results)


if __name__ == "__main__":
    main()
