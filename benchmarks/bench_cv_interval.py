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
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from sklearn_ecg.metrics import repeated_cv_report

N_FEATURES = 8


def cohort(rng, n, prevalence=0.1):
    n_pos = int(round(n * prevalence))
    y = np.r_[np.zeros(n - n_pos, int), np.ones(n_pos, int)]
    X = rng.normal(size=(n, N_FEATURES)) + 0.3 * y[:, None]
    return X, y


def true_auroc(n_train, rng, n_models=200):
    X_test, y_test = cohort(rng, 20_000)
    aucs = []
    for _ in range(n_models):
        X, y = cohort(rng, n_train)
        clf = LogisticRegression().fit(X, y)
        aucs.append(roc_auc_score(y_test, clf.decision_function(X_test)))
    return float(np.mean(aucs))


def main(cohorts, n):
    rng = np.random.default_rng(0)
    truth = true_auroc(int(n * 0.8), rng)
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
            hits[corr] += row["ci_low"] <= truth <= row["ci_high"]
            width[corr].append(row["ci_high"] - row["ci_low"])
    print(f"expected AUROC at n_train={int(n * 0.8)}: {truth:.3f}; {cohorts} cohorts")
    for corr in hits:
        name = corr or "naive t"
        print(
            f"  {name:14s} coverage {hits[corr] / cohorts:.2f}  "
            f"mean width {np.mean(width[corr]):.3f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--cohorts", type=int, default=100)
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    main(args.cohorts, args.n)
