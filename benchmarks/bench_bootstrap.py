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
from _common import add_common_args, write_result
from scipy.stats import norm
from sklearn.metrics import roc_auc_score

from sklearn_ecg.metrics import bootstrap_ci


def cohort(rng, n, prevalence, d):
    n_pos = int(round(n * prevalence))
    y = np.r_[np.zeros(n - n_pos, int), np.ones(n_pos, int)]
    return y, rng.normal(size=n) + d * y


def speed(n_records, n_resamples):
    rng = np.random.default_rng(0)
    y, s = cohort(rng, n_records, 0.1, 1.0)
    rows = []
    for name, metric in (("sklearn", roc_auc_score), ("rank", "roc_auc")):
        t0 = time.perf_counter()
        res = bootstrap_ci(y, s, metric, n_resamples, random_state=0)
        rows.append({"metric": name, "time_s": time.perf_counter() - t0,
                     "low": res.low, "high": res.high})  # fmt: skip
        print(f"  {name:8s} {rows[-1]['time_s']:.2f} s  "
              f"CI [{res.low:.4f}, {res.high:.4f}]")  # fmt: skip
    for row in rows:
        row["speedup"] = rows[0]["time_s"] / row["time_s"]
    print(f"  speed-up rank vs sklearn: {rows[1]['speedup']:.1f}x")
    return rows


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
    rows = []
    for method in hits:
        rows.append({"method": method, "coverage": hits[method] / trials,
                     "mean_width": float(np.mean(widths[method]))})  # fmt: skip
        print(f"  {method:10s} coverage {rows[-1]['coverage']:.2f}  "
              f"mean width {rows[-1]['mean_width']:.3f}")  # fmt: skip
    return {"true_auroc": float(truth), "rows": rows}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--resamples", type=int, default=500)
    parser.add_argument("--speed-records", type=int, default=1000)
    args = add_common_args(parser).parse_args(argv)
    if args.quick:
        args.trials, args.n, args.resamples, args.speed_records = 3, 100, 50, 200
    print(f"speed ({args.speed_records} records, {args.resamples} resamples):")
    rows = speed(args.speed_records, args.resamples)
    print("coverage of 95 % intervals:")
    cov = coverage(args.trials, args.n, args.resamples, d=0.8)
    write_result(args.out, "bench_bootstrap", vars(args),
                 {"speed": rows, "coverage": cov})  # fmt: skip


if __name__ == "__main__":
    main()
