"""Studies on a real PostgreSQL server, started without root and without a network.

The server comes from the ``pgserver`` wheel (PostgreSQL binaries inside a Python
package) and listens on a Unix socket in a temporary folder; the driver is
``psycopg``. Both are in the ``postgres`` and ``dev`` extras; without them, or when
the server cannot start here, the tests skip and say why.
"""

import json
import signal
import subprocess
import sys
import time

import optuna
import pytest
from optuna.trial import TrialState

from ._workers import HEARTBEAT_WORKER, env, wait_for

pytestmark = [
    pytest.mark.slow,
    # pgserver asks platformdirs for a runtime folder; without XDG_RUNTIME_DIR set
    # platformdirs warns and uses /tmp.
    pytest.mark.filterwarnings("ignore::UserWarning:platformdirs"),
]

N_TRIALS = 8


@pytest.fixture(scope="module")
def pg_url(tmp_path_factory):
    pgserver = pytest.importorskip("pgserver", reason="needs the pgserver wheel")
    pytest.importorskip("psycopg", reason="needs the psycopg driver")
    try:
        server = pgserver.get_server(
            tmp_path_factory.mktemp("pg") / "pgdata", cleanup_mode="delete"
        )
        uri = server.get_uri()
    except Exception as exc:  # any start-up failure: skip, saying why
        pytest.skip(f"the pgserver PostgreSQL server did not start here: {exc!r}")
    # psycopg (version 3) whatever SQLAlchemy's default PostgreSQL driver is.
    yield uri.replace("postgresql://", "postgresql+psycopg://", 1)
    server.cleanup()


def _worker(url, sleep, n_trials, name):
    cmd = [sys.executable, "-c", HEARTBEAT_WORKER, url, str(sleep), str(n_trials)]
    return subprocess.Popen([*cmd, name], env=env())


def _pid_running_a_trial(url, name) -> int:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        study = wait_for(url, name, (TrialState.RUNNING,), 1)
        for t in study.get_trials(states=(TrialState.RUNNING,)):
            if "worker" in t.user_attrs:  # set just after the trial starts
                return int(t.user_attrs["worker"].rsplit(":", 1)[1])
    raise AssertionError("no worker ever ran a trial")


def test_workers_share_a_study_and_survive_a_sigkill(pg_url):
    # Each trial runs for about 2 s (2 folds of 1 s): long enough to be killed in.
    procs = [_worker(pg_url, 1.0, N_TRIALS, "py") for _ in range(3)]
    try:
        wait_for(pg_url, "py", (TrialState.COMPLETE,), 2)
        victim = _pid_running_a_trial(pg_url, "py")
        [proc] = [p for p in procs if p.pid == victim]
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=60) == -signal.SIGKILL
        study = optuna.load_study(study_name="py", storage=pg_url)
        [stale] = [
            t
            for t in study.get_trials(states=(TrialState.RUNNING,))
            if t.user_attrs["worker"].endswith(f":{victim}")
        ]
        before = {t.number: t.value for t in study.get_trials(
            states=(TrialState.COMPLETE,))}  # fmt: skip
        assert [p.wait(timeout=300) for p in procs if p is not proc] == [0, 0]
    finally:
        for p in procs:
            p.kill()
            p.wait()
    time.sleep(3)  # past the 2 s grace period, whoever failed the trial already
    resumed = _worker(pg_url, 0, N_TRIALS, "py")
    assert resumed.wait(timeout=300) == 0
    trials = optuna.load_study(study_name="py", storage=pg_url).trials
    # Nothing completed before the kill is lost; the killed trial failed and ran again.
    assert {t.number: t.value for t in trials if t.number in before} == before
    assert trials[stale.number].state == TrialState.FAIL
    [retry] = [t for t in trials if t.system_attrs.get("failed_trial") == stale.number]
    assert retry.state == TrialState.COMPLETE and retry.params == stale.params
    states = [t.state for t in trials]
    assert TrialState.RUNNING not in states and states.count(TrialState.FAIL) == 1
    # The trials add up: the budget, plus at most one in flight per other worker.
    assert N_TRIALS <= states.count(TrialState.COMPLETE) <= N_TRIALS + 2
    assert [t.number for t in trials] == list(range(len(trials)))
    assert len({t.user_attrs["worker"] for t in trials}) >= 3


def test_cli_tune_workers_share_a_study(pg_url, tmp_path):
    tiny = (
        "--set max_epochs=1 --set batch_size=16 --quiet --threads 1 "
        "--set base_width=4 --data synthetic:pe:24 --cv 2 --n-trials 2"
    ).split()
    code = "import sys; from sklearn_ecg.cli import main; sys.exit(main(sys.argv[1:]))"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                code,
                "tune",
                *tiny,
                "--storage",
                pg_url,
                "--study-name",
                "cli",
                "--out",
                str(tmp_path / f"o{k}"),
            ],
            env=env(),
        )  # fmt: skip
        for k in range(2)
    ]
    try:
        assert [p.wait(timeout=600) for p in procs] == [0, 0]
    finally:
        for p in procs:
            p.kill()
            p.wait()
    study = optuna.load_study(study_name="cli", storage=pg_url)
    complete = study.get_trials(states=(TrialState.COMPLETE,))
    assert 2 <= len(complete) <= 3 and len(study.trials) == len(complete)
    # Each worker reports the best trial of the whole shared study.
    best = max(t.value for t in complete)
    for k in range(2):
        written = json.loads((tmp_path / f"o{k}" / "best_params.json").read_text())
        assert written["best_score"] <= best
    assert max(
        json.loads((tmp_path / f"o{k}" / "best_params.json").read_text())["best_score"]
        for k in range(2)
    ) == pytest.approx(best)
