"""Bootstrap CI of AUROC: speed of the rank-based AUROC and interval coverage.

1. Speed: ``bootstrap_ci`` with the package's rank-based macro AUROC against the
   same call with ``sklearn.metrics.roc_auc_score``, side by side.
2. Coverage: binormal scores with known AUROC = Phi(d / sqrt(2)), a PE-like
   cohort (n records, 10 % positives); how often the 95 % percentile and BCa
   intervals contain the true AUROC.

Run: ``nice -n 10 python benchmarks/bench_bootstrap.py [--trials 100]``
"""

import argparse
import time

import numpy as np
from scipy.stats import norm
from sklearn.metrics import roc_auc_score

from sklearn_ecg.metrics import bootstrap_ci


def cohort(rng, n, prevalence, d):
    n_pos = int(round(n * prevalence))
    y = np.r_[np.zeros(n - n_pos, int), np.ones(n_pos, int)]
    return y, rng.normal(size=n) + d * y


def speed(n_resamples):
    rng = np.random.default_rng(0)
    y, s = cohort(rng, 1000, 0.1, 1.0)
    times = {}
    for name, metric in (("sklearn", roc_auc_score), ("rank", "roc_auc")):
        t0 = time.perf_counter()
        res = bootstrap_ci(y, s, metric, n_resamples, random_state=0)
        times[name] = time.perf_counter() - t0
        print(f"  {name:8s} {times[name]:.2f} s  CI [{res.low:.4f}, {res.high:.4f}]")
    print(f"  speed-up rank vs sklearn: {times['sklearn'] / times['rank']:.1f}x")


def coverage(trials, n, n_resamples, d):
    truth = norm.cdf(d / np.sqrt(2))
    rng = np.random.default_rng(1)
    hits = {"percentile": 0, "bca": 0}
    widths = {"percentile": [], "bca": []}
    for t in range(trials):
        y, s = cohort(rng, n, 0.1, d)
        for method in hits:
            r = bootstrap_ci(
                y, s, "roc_auc", n_resamples, random_state=t, method=method
            )
            hits[method] += r.low <= truth <= r.high
            widths[method].append(r.high - r.low)
    print(f"  true AUROC {truth:.3f}, n={n}, 10 % positives, {trials} cohorts")
    for method in hits:
        print(
            f"  {method:10s} coverage {hits[method] / trials:.2f}  "
            f"mean width {np.mean(widths[method]):.3f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--resamples", type=int, default=500)
    args = parser.parse_args()
    print("speed (1000 records, 500 resamples):")
    speed(500)
    print("coverage of 95 % intervals:")
    coverage(args.trials, args.n, args.resamples, d=0.8)
