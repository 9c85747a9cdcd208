"""Trials per second of Optuna storages shared by worker processes.

Compares PostgreSQL (a real server from the ``pgserver`` wheel, Unix socket,
``psycopg`` driver), SQLite (one file) and Optuna's journal file storage, each
used by ``--workers`` OS processes on one study. The objective is trivial
(``x ** 2``, random sampler), so the figure is the storage's own cost per trial:
ask, a few writes, tell. SQLite and PostgreSQL are opened the way
:class:`~sklearn_ecg.model_selection.OptunaSearchCV` opens a URL, with Optuna's
heartbeat (a background thread per running trial); the journal storage has none.

Each worker waits at a barrier after its imports and storage set-up, then runs
its share of trials; throughput = all finished trials / (last end - first start).
Storages run one after the other, ``--repeats`` times in rotation so load on a
shared machine hits each alike; the median is reported.

Measured 2026-12-02 on the shared 2-core development machine, 4 workers x 25
trials, 3 repeats (load average 3-4): PostgreSQL 19.4, SQLite 15.8, journal 83.5
trials/s (medians; ``benchmarks/README.md`` has the table). An earlier run under a
load average of about 16 gave the same order (2.5, 2.4 and 18.1).

    python benchmarks/optuna_storage.py --quick
    python benchmarks/optuna_storage.py --workers 4 --trials 100 --repeats 3
"""

import argparse
import multiprocessing as mp
import statistics
import tempfile
import time
import warnings
from pathlib import Path

from _common import add_common_args, write_result


def _open(kind: str, where: str):
    from optuna.storages import JournalStorage, RDBStorage
    from optuna.storages.journal import JournalFileBackend

    if kind == "journal":
        return JournalStorage(JournalFileBackend(where))
    # What OptunaSearchCV builds from a URL: an RDB storage with the heartbeat on.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return RDBStorage(where, heartbeat_interval=60)


def _worker(kind, where, name, n_trials, barrier, out):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.load_study(
        study_name=name,
        storage=_open(kind, where),
        sampler=optuna.samplers.RandomSampler(),
    )
    barrier.wait()
    start = time.perf_counter()
    study.optimize(
        lambda t: t.suggest_float("x", -10, 10) ** 2,
        n_trials=n_trials,
        catch=(Exception,),
    )
    out.put((start, time.perf_counter()))


def run_once(kind, where, n_workers, n_trials, tag) -> float:
    import optuna

    name = f"bench-{tag}"
    optuna.create_study(study_name=name, storage=_open(kind, where))
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(n_workers), ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=(kind, where, name, n_trials, barrier, out))
        for _ in range(n_workers)
    ]
    for p in procs:
        p.start()
    times = [out.get(timeout=900) for _ in procs]
    for p in procs:
        p.join()
    study = optuna.load_study(study_name=name, storage=_open(kind, where))
    done = len(study.get_trials(states=(optuna.trial.TrialState.COMPLETE,)))
    if done != n_workers * n_trials:
        print(f"  {kind}: only {done} of {n_workers * n_trials} trials completed")
    return done / (max(e for _, e in times) - min(s for s, _ in times))


def _postgres(tmp: Path):
    try:
        import pgserver
        import psycopg  # noqa: F401
    except ImportError as exc:
        return None, f"skipped ({exc.name} not installed: pip install .[postgres])"
    server = pgserver.get_server(tmp / "pgdata", cleanup_mode="delete")
    return server, server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--trials", type=int, default=100, help="per worker")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--no-postgres", action="store_true", help="skip the PostgreSQL server"
    )
    args = add_common_args(parser).parse_args(argv)
    if args.quick:  # the smoke run: no server start-up, a few trials
        args.workers, args.trials, args.repeats, args.no_postgres = 2, 3, 1, True
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        server, pg = (None, "skipped (--no-postgres)") if args.no_postgres else (
            _postgres(tmp)
        )
        where = {
            "postgresql": pg if server is not None else None,
            "sqlite": f"sqlite:///{tmp / 'study.db'}",
            "journal": str(tmp / "study.log"),
        }
        rates = {k: [] for k, v in where.items() if v is not None}
        for r in range(args.repeats):
            for kind in rates:
                rate = run_once(kind, where[kind], args.workers, args.trials, r)
                rates[kind].append(rate)
        if server is not None:
            server.cleanup()
    print(f"{args.workers} workers x {args.trials} trials, {args.repeats} repeat(s)")
    print(f"{'storage':<12}{'trials/s (median)':>20}  all")
    for kind, values in rates.items():
        med = statistics.median(values)
        print(f"{kind:<12}{med:>20.1f}  {', '.join(f'{v:.1f}' for v in values)}")
    if server is None:
        print(f"{'postgresql':<12}{pg:>20}")
    params = {k: getattr(args, k) for k in ("workers", "trials", "repeats", "quick")}
    results = {kind: {"median_trials_per_s": statistics.median(v), "all": v}
               for kind, v in rates.items()}  # fmt: skip
    write_result(args.out, "optuna_storage", params, results)


if __name__ == "__main__":
    main()
