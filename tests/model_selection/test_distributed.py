"""Several OS processes on one study, and resuming after a killed worker."""

import signal
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import numpy as np
import optuna
import pytest
from optuna.trial import TrialState

from sklearn_ecg.model_selection import OptunaSearchCV

from ._workers import HEARTBEAT_WORKER, wait_for
from ._workers import env as _env

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "plot_optuna_distributed.py"


# Runs the example's worker after a barrier: the slow imports come first, then each
# process waits until every process is ready, so import-time skew cannot let one
# worker finish the whole study before the other has started.
BARRIER_WORKER = textwrap.dedent(
    """
    import pathlib, runpy, sys, time
    import optuna, sklearn, sklearn_ecg.model_selection  # the slow imports
    ready, n_procs, me, script, *argv = sys.argv[1:]
    (pathlib.Path(ready) / me).touch()
    deadline = time.monotonic() + 120
    while len(list(pathlib.Path(ready).iterdir())) < int(n_procs):
        if time.monotonic() > deadline:
            sys.exit("the other worker never became ready")
        time.sleep(0.001)
    sys.argv = [script, *argv]
    runpy.run_path(script, run_name="__main__")
    """
)


def test_two_processes_complete_one_journal_study(tmp_path):
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    log = str(tmp_path / "study.log")
    ready = tmp_path / "ready"
    ready.mkdir()
    n_trials = 40
    worker = [str(EXAMPLE), "--worker", "--storage", log, "--study-name", "shared",
              "--n-trials", str(n_trials)]  # fmt: skip
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                BARRIER_WORKER,
                str(ready),
                "2",
                f"w{s}",
                *worker,
                "--seed",
                str(s),
            ],
            env=_env(),
            cwd=tmp_path,
        )
        for s in range(2)
    ]
    assert [p.wait(timeout=240) for p in procs] == [0, 0]
    study = optuna.load_study(
        study_name="shared", storage=JournalStorage(JournalFileBackend(log))
    )
    done = study.get_trials(states=(TrialState.COMPLETE,))
    # Each worker stops once the study holds n_trials; both may finish one in flight.
    assert n_trials <= len(done) <= n_trials + 1
    assert len({t.user_attrs["worker"] for t in done}) == 2
    assert sorted(t.number for t in study.trials) == list(range(len(study.trials)))


@pytest.mark.slow
def test_heartbeat_fails_and_reruns_the_trial_of_a_killed_worker(tmp_path):
    url = f"sqlite:///{tmp_path / 'hb.db'}"
    proc = subprocess.Popen(
        [sys.executable, "-c", HEARTBEAT_WORKER, url, "1.0", "100", "hb"],
        env=_env(),
        cwd=tmp_path,
    )
    try:
        wait_for(url, "hb", (TrialState.COMPLETE,), 1)
        # Kill as soon as the next trial is running (it runs for about 2 s).
        wait_for(url, "hb", (TrialState.RUNNING,), 1)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    study = optuna.load_study(study_name="hb", storage=url)
    (stale,) = study.get_trials(states=(TrialState.RUNNING,))
    before = {
        t.number: t.value for t in study.get_trials(states=(TrialState.COMPLETE,))
    }
    n_complete = len(before)
    time.sleep(3)  # past the grace period: the trial's heartbeat is now stale
    proc = subprocess.run(
        [sys.executable, "-c", HEARTBEAT_WORKER, url, "0", str(n_complete + 2), "hb"],
        env=_env(),
        cwd=tmp_path,
        timeout=180,
    )
    assert proc.returncode == 0
    trials = optuna.load_study(study_name="hb", storage=url).trials
    states = {t.number: t.state for t in trials}
    # Nothing completed before the kill is lost.
    assert {t.number: t.value for t in trials if t.number in before} == before
    assert states[stale.number] == TrialState.FAIL
    (retry,) = [t for t in trials if t.system_attrs.get("failed_trial") is not None]
    assert retry.system_attrs["failed_trial"] == stale.number
    assert retry.state == TrialState.COMPLETE and retry.params == stale.params
    # The failed-and-retried trial does not count: the budget is reached anyway.
    assert sorted(s.name for s in states.values()) == (
        ["COMPLETE"] * (n_complete + 2) + ["FAIL"]
    )


def test_storage_object_without_heartbeat_warns(tmp_path):
    from optuna.distributions import FloatDistribution
    from optuna.storages import RDBStorage
    from sklearn.linear_model import LogisticRegression

    X = np.random.default_rng(0).normal(size=(20, 2))
    y = (X[:, 0] > 0).astype(int)
    storage = RDBStorage(f"sqlite:///{tmp_path / 'n.db'}")
    search = OptunaSearchCV(
        LogisticRegression(), {"C": FloatDistribution(0.1, 1.0)}, cv=2,
        n_trials=1, storage=storage,
    )  # fmt: skip
    with pytest.warns(UserWarning, match="RDBStorage has no heartbeat"):
        search.fit(X, y)
    with pytest.raises(ValueError, match="heartbeat_interval must be a positive int"):
        search.set_params(storage="sqlite://", heartbeat_interval=0.5).fit(X, y)


@pytest.mark.parametrize("kind", ["sqlite", "journal"])
def test_storage_object_or_url_round_trips(tmp_path, kind):
    from optuna.distributions import FloatDistribution
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend
    from sklearn.linear_model import LogisticRegression

    if kind == "sqlite":
        storage = f"sqlite:///{tmp_path / 's.db'}"
    else:
        storage = JournalStorage(JournalFileBackend(str(tmp_path / "s.log")))
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = (X[:, 0] > 0).astype(int)
    search = OptunaSearchCV(
        LogisticRegression(), {"C": FloatDistribution(0.1, 10.0)}, cv=2,
        n_trials=3, storage=storage, study_name="rt",
    )  # fmt: skip
    # Optuna's JournalStorage has no heartbeat: the search says so.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.fit(X, y)
    assert [str(w.message)[:36] for w in caught] == (
        ["storage JournalStorage has no heartb"] if kind == "journal" else []
    )
    loaded = optuna.load_study(study_name="rt", storage=storage)
    assert [t.value for t in loaded.trials] == list(
        search.cv_results_["mean_test_score"]
    )
    assert loaded.trials[0].user_attrs["split1_test_score"] == pytest.approx(
        search.cv_results_["split1_test_score"][0]
    )
