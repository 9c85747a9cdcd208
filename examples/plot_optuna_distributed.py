"""
Many workers, one Optuna study
==============================

:class:`~sklearn_ecg.model_selection.OptunaSearchCV` keeps every trial in the
study's ``storage``, so any number of processes can fill one study:

- ``sqlite:///study.db``: embedded, one file, fine for a few processes on one
  machine (SQLite locks the whole file on write);
- ``optuna.storages.JournalStorage(JournalFileBackend("study.log"))``: an
  append-only file, the recommended choice for many processes on one machine or on
  a shared (NFS) disk;
- ``postgresql://user:password@host/db`` or ``mysql+pymysql://...``: many
  machines; every worker gets the same URL and ``study_name``.

``n_trials`` counts the *study's* finished trials, so N workers started with
``n_trials=20`` stop together once the study holds 20 (a few may overshoot by one
trial each). A worker killed in the middle of a trial loses only that trial, which
stays ``RUNNING`` in the storage; run any worker again with the same
``study_name`` (``load_if_exists=True`` is the default) and the study resumes. To
retry such stale trials automatically, give an ``RDBStorage(url,
heartbeat_interval=60, failed_trial_callback=RetryFailedTrialCallback())``.

Run ``python plot_optuna_distributed.py --workers 2`` to launch workers as separate
OS processes on a journal file. ``--worker`` runs a single worker (what each
launched process does; start it on other machines with a database URL).
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import optuna
from optuna.distributions import FloatDistribution
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from sklearn_ecg.model_selection import OptunaSearchCV


def flatten(X):
    return X.reshape(len(X), -1)


def make_storage(spec):
    """A journal file for paths ending in .log, else an Optuna URL."""
    if spec.endswith(".log"):
        from optuna.storages import JournalStorage
        from optuna.storages.journal import JournalFileBackend

        return JournalStorage(JournalFileBackend(spec))
    return spec


def run_worker(storage, study_name, n_trials, seed):
    rng = np.random.default_rng(0)  # same data in every worker
    X = rng.normal(size=(120, 2, 50))
    y = (X[:, 0, 10:20].mean(axis=1) > 0).astype(int)
    pipe = make_pipeline(
        FunctionTransformer(flatten), StandardScaler(), LogisticRegression()
    )
    search = OptunaSearchCV(
        pipe,
        {"logisticregression__C": FloatDistribution(1e-3, 1e2, log=True)},
        cv=3,
        n_trials=n_trials,
        storage=make_storage(storage),
        study_name=study_name,
        random_state=seed,  # a different seed per worker explores differently
        refit=False,
    ).fit(X, y)
    print(
        f"worker {seed}: study has {search.n_trials_} trials,"
        f" best {search.best_score_:.3f}"
    )


def launch(n_workers, storage, study_name, n_trials):
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--worker",
                "--storage",
                storage,
                "--study-name",
                study_name,
                "--n-trials",
                str(n_trials),
                "--seed",
                str(seed),
            ]
        )
        for seed in range(n_workers)
    ]
    codes = [p.wait() for p in procs]
    study = optuna.load_study(study_name=study_name, storage=make_storage(storage))
    workers = {t.user_attrs.get("worker") for t in study.trials}
    print(
        f"exit codes {codes}; {len(study.trials)} trials from {len(workers)}"
        f" processes; best C = {study.best_params}"
    )


if __name__ == "__main__":
    # sphinx-gallery runs examples with an empty __doc__, so spell the title out.
    parser = argparse.ArgumentParser(description="Many workers, one Optuna study")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--storage", default=None)
    parser.add_argument("--study-name", default="ecg-demo")
    parser.add_argument("--n-trials", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    storage = args.storage or str(Path(tempfile.mkdtemp()) / "study.log")
    if args.worker:
        run_worker(storage, args.study_name, args.n_trials, args.seed)
    else:
        launch(args.workers, storage, args.study_name, args.n_trials)
