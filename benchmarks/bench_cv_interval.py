"""Coverage of repeated-CV confidence intervals: naive t vs Nadeau-Bengio.

A PE-like cohort (n records, 10 % positives, 8 weakly informative features)
is cross-validated with 5-fold stratified CV repeated twice using
``repeated_cv_report``. The target of CV is the expected AUROC of the learner
trained on 4/5 of a cohort; it is measured on a large independent test set,
averaged over many training sets. The naive t-interval treats the 10 fold
scores as independent; the Nadeau-Bengio correction inflates the variance
for overlapping training sets.

Run: ``nice -n 10 python benchmarks/bench_cv_interval.py [--cohorts 100]``
"""

import argparse
import warnings

import numpy as np
from _common import add_common_args, write_result
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from sklearn_ecg.metrics import repeated_cv_report

N_FEATURES = 8


def cohort(rng, n, prevalence=0.1):
    n_pos = int(round(n * prevalence))
    y = np.r_[np.zeros(n - n_pos, int), np.ones(n_pos, int)]
    X = rng.normal(size=(n, N_FEATURES)) + 0.3 * y[:, None]
    return X, y


def true_auroc(n_train, rng, n_models=200, n_test=20_000):
    X_test, y_test = cohort(rng, n_test)
    aucs = []
    for _ in range(n_models):
        X, y = cohort(rng, n_train)
        clf = LogisticRegression().fit(X, y)
        aucs.append(roc_auc_score(y_test, clf.decision_function(X_test)))
    return float(np.mean(aucs))


def run(cohorts, n, n_models, n_test):
    rng = np.random.default_rng(0)
    truth = true_auroc(int(n * 0.8), rng, n_models, n_test)
    hits = {"nadeau-bengio": 0, None: 0}
    width = {"nadeau-bengio": [], None: []}
    for c in range(cohorts):
        X, y = cohort(rng, n)
        for corr in hits:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                rep = repeated_cv_report(
                    LogisticRegression(), X, y, scoring=["roc_auc_macro"],
                    correction=corr, random_state=c,
                )  # fmt: skip
            row = rep.summary.loc["roc_auc_macro"]
            hits[corr] += bool(row["ci_low"] <= truth <= row["ci_high"])
            width[corr].append(row["ci_high"] - row["ci_low"])
    print(f"expected AUROC at n_train={int(n * 0.8)}: {truth:.3f}; {cohorts} cohorts")
    rows = []
    for corr in hits:
        rows.append({"correction": corr, "coverage": hits[corr] / cohorts,
                     "mean_width": float(np.mean(width[corr]))})  # fmt: skip
        print(f"  {corr or 'naive t':14s} coverage {rows[-1]['coverage']:.2f}  "
              f"mean width {rows[-1]['mean_width']:.3f}")  # fmt: skip
    return {"expected_auroc": truth, "rows": rows}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cohorts", type=int, default=100)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--truth-models", type=int, default=200)
    parser.add_argument("--truth-records", type=int, default=20_000)
    args = add_common_args(parser).parse_args(argv)
    if args.quick:
        args.cohorts, args.n, args.truth_models, args.truth_records = 2, 100, 5, 2000
    res = run(args.cohorts, args.n, args.truth_models, args.truth_records)
    write_result(args.out, "bench_cv_interval", vars(args), res)


if __name__ == "__main__":
    main()
