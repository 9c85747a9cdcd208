"""Several OS processes on one study, and resuming after a killed worker."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import optuna
import pytest
from optuna.trial import TrialState

from sklearn_ecg.model_selection import OptunaSearchCV

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "plot_optuna_distributed.py"

# A worker whose every fit sleeps, so that it can be killed in the middle of a study.
SLOW_WORKER = textwrap.dedent(
    """
    import sys, time
    import numpy as np
    from optuna.distributions import FloatDistribution
    from sklearn.linear_model import LogisticRegression
    from sklearn_ecg.model_selection import OptunaSearchCV

    class SlowLR(LogisticRegression):
        def fit(self, X, y):
            time.sleep(0.2)
            return super().fit(X, y)

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 5)); y = (X[:, 0] > 0).astype(int)
    OptunaSearchCV(SlowLR(), {"C": FloatDistribution(1e-3, 1e2, log=True)}, cv=2,
                   n_trials=100, storage=sys.argv[1], study_name="kill",
                   random_state=0).fit(X, y)
    """
)


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


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


def test_study_resumes_after_worker_is_killed(tmp_path):
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_WORKER, url], env=_env(), cwd=tmp_path
    )
    try:
        deadline = time.monotonic() + 180
        done = []
        while time.monotonic() < deadline and len(done) < 3:
            time.sleep(0.5)
            try:
                study = optuna.load_study(study_name="kill", storage=url)
            except KeyError:
                continue  # the worker has not created the study yet
            done = study.get_trials(states=(TrialState.COMPLETE,))
        assert len(done) >= 3, "the worker never completed three trials"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    study = optuna.load_study(study_name="kill", storage=url)
    before = {
        t.number: t.value for t in study.get_trials(states=(TrialState.COMPLETE,))
    }
    n_finished = len(before)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 5))
    y = (X[:, 0] > 0).astype(int)
    from optuna.distributions import FloatDistribution
    from sklearn.linear_model import LogisticRegression

    search = OptunaSearchCV(
        LogisticRegression(),
        {"C": FloatDistribution(1e-3, 1e2, log=True)},
        cv=2,
        n_trials=n_finished + 2,
        storage=url,
        study_name="kill",
    ).fit(X, y)
    # Nothing completed before the kill is lost, and exactly two trials were added.
    after = {t.number: t.value for t in search.study_.get_trials(
        states=(TrialState.COMPLETE,))}  # fmt: skip
    assert {k: after[k] for k in before} == before
    assert search.n_trials_ == n_finished + 2
    # At most the one trial that was running when the worker died is left over.
    running = search.study_.get_trials(states=(TrialState.RUNNING,))
    assert len(running) <= 1


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
    ).fit(X, y)  # fmt: skip
    loaded = optuna.load_study(study_name="rt", storage=storage)
    assert [t.value for t in loaded.trials] == list(
        search.cv_results_["mean_test_score"]
    )
    assert loaded.trials[0].user_attrs["split1_test_score"] == pytest.approx(
        search.cv_results_["split1_test_score"][0]
    )
