"""``--n-jobs`` and ``--scheduler``: where a command's cross-validation fits run.

The fits go through joblib (``compare_arms``), so these options only choose
joblib's backend: local processes (``--n-jobs``) or a Dask cluster
(``--scheduler``, joblib's ``dask`` backend; every worker then receives each
pretrained checkpoint once, see ``broadcast_pretrained``).
"""

from __future__ import annotations

import contextlib

from ._errors import CLIError

INSTALL = 'pip install "sklearn-ecg[dask]"'


def add_parallel_args(p):
    """Add ``--n-jobs`` and ``--scheduler`` to a command's parser."""
    g = p.add_argument_group("parallel fits")
    g.add_argument(
        "--n-jobs", type=int, default=None, metavar="N",
        help="cross-validation fits run in parallel (joblib; -1: all cores, or "
        "with --scheduler all the cluster's workers, the default there)",
    )  # fmt: skip
    g.add_argument(
        "--scheduler", metavar="ADDRESS",
        help="run the fits on the Dask cluster at ADDRESS (e.g. "
        "tcp://scheduler:8786), or 'local' for a Dask LocalCluster on this "
        f"machine (--n-jobs workers); needs {INSTALL}",
    )  # fmt: skip
    return p


@contextlib.contextmanager
def parallel_context(args):
    """Run the body under the joblib backend that ``args`` asks for.

    ``cli.main`` runs every command in it; a command without the options
    (no ``add_parallel_args``) runs unchanged.
    """
    from joblib import parallel_config

    n_jobs = getattr(args, "n_jobs", None)
    if n_jobs is not None and n_jobs == 0:
        raise CLIError("--n-jobs must be a positive number of fits, or -1 for all.")
    address = getattr(args, "scheduler", None)
    if not address:
        if n_jobs is None:  # the command's defaults, untouched
            yield
            return
        with parallel_config(n_jobs=n_jobs):
            yield
        return
    with _dask_client(address, n_jobs) as client:
        with parallel_config(backend="dask", client=client, n_jobs=n_jobs or -1):
            yield


@contextlib.contextmanager
def _dask_client(address: str, n_jobs):
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise CLIError(
            f"--scheduler needs dask.distributed, which is not installed; {INSTALL}."
        ) from None
    if address == "local":
        n_workers = None if n_jobs is None or n_jobs < 0 else n_jobs
        with LocalCluster(
            n_workers=n_workers, threads_per_worker=1, dashboard_address=None
        ) as cluster, Client(cluster) as client:
            # every worker gets the broadcast checkpoints
            client.wait_for_workers(len(cluster.workers), timeout=120)
            yield client
        return
    try:
        client = Client(address, timeout=30)
    except (OSError, TimeoutError, ValueError) as exc:
        raise CLIError(
            f"--scheduler {address}: cannot reach a Dask scheduler there ({exc}); "
            "start one with `dask scheduler` (and `dask worker ADDRESS`), check the "
            "address, or use --scheduler local."
        ) from None
    with client:
        yield client
