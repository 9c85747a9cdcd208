"""1 vs 2 DistributedDataParallel processes on the CPU: throughput, equivalence.

The same fit (same data, seed and global ``batch_size``) is started twice with
``torchrun --standalone``: once with one process (a plain fit) and once with two
(``distributed="auto"`` shards each global batch). Rank 0 times ``fit`` (the
launcher and imports are not counted) and saves its probabilities; the report
gives records per second and the largest probability difference, for a network
without BatchNorm (where the two fits are the same computation up to the order
of float32 sums) and for ``resnet1d`` (BatchNorm normalises each process's half
batch with its own statistics, so the fits differ by more).

Run: ``python benchmarks/bench_ddp.py [--quick] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _common import add_common_args, write_result  # noqa: E402


def _data(n, n_times):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 12, n_times)).astype("float32")
    y = np.arange(n) % 2
    X[y == 1, 0] += 0.3
    return X, y


def worker(out, model, n, n_times, epochs):
    """One torchrun process: fit, and on rank 0 write time and probabilities."""
    import torch

    from sklearn_ecg.classifiers import PLAIN_TRAINING, ECGClassifier

    class NoBatchNorm(torch.nn.Module):
        def __init__(self, n_leads, n_times, n_outputs):
            super().__init__()
            self.conv1 = torch.nn.Conv1d(n_leads, 32, 7, stride=2)
            self.conv2 = torch.nn.Conv1d(32, 32, 7, stride=2)
            self.final_layer = torch.nn.Linear(32, n_outputs)

        def forward(self, x):
            x = torch.relu(self.conv2(torch.relu(self.conv1(x))))
            return self.final_layer(x.mean(-1))

    torch.set_num_threads(1)
    X, y = _data(n, n_times)
    module = NoBatchNorm if model == "no_batchnorm" else "resnet1d"
    # The plain recipe: with crops and augmentation each process would draw
    # its own random stream, and the equivalence could not be measured.
    params = {**PLAIN_TRAINING, "patience": None}
    clf = ECGClassifier(module, max_epochs=epochs, random_state=0, device="cpu",
                        **params)  # fmt: skip
    start = time.perf_counter()
    clf.fit(X, y)
    seconds = time.perf_counter() - start
    if int(os.environ.get("RANK", 0)) == 0:
        world = int(os.environ.get("WORLD_SIZE", 1))
        np.save(Path(out) / f"{model}_{world}.npy", clf.predict_proba(X))
        info = {"fit_s": seconds, "train_loss": clf.history_[-1, "train_loss"]}
        (Path(out) / f"{model}_{world}.json").write_text(json.dumps(info))


def _launch(nproc, out, args):
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone",
           "--nproc_per_node", str(nproc), str(Path(__file__).resolve()), "--worker",
           str(out), *args]  # fmt: skip
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    env["PYTHONPATH"] = os.pathsep.join([str(HERE.parent), env.get("PYTHONPATH", "")])
    subprocess.run(cmd, check=True, env=env, capture_output=True, timeout=3600)


def main(argv=None):
    parser = add_common_args(argparse.ArgumentParser(description=__doc__))
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--model", default="no_batchnorm", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    n, n_times, epochs = (96, 250, 1) if args.quick else (1024, 1000, 2)
    if args.worker is not None:
        return worker(args.worker, args.model, n, n_times, epochs)
    scratch = Path(args.out) / "_ddp_scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    rows = []
    n_train = n - int(np.ceil(0.1 * n))
    for model in ("no_batchnorm", "resnet1d"):
        extra = ["--model", model] + (["--quick"] if args.quick else [])
        for nproc in (1, 2):
            _launch(nproc, scratch, extra)
        one = json.loads((scratch / f"{model}_1.json").read_text())
        two = json.loads((scratch / f"{model}_2.json").read_text())
        diff = np.abs(
            np.load(scratch / f"{model}_1.npy") - np.load(scratch / f"{model}_2.npy")
        )
        rows.append({
            "model": model,
            "records_per_s_1": n_train * epochs / one["fit_s"],
            "records_per_s_2": n_train * epochs / two["fit_s"],
            "speedup": one["fit_s"] / two["fit_s"],
            "max_abs_proba_diff": float(diff.max()),
            "train_loss_1": one["train_loss"], "train_loss_2": two["train_loss"],
        })  # fmt: skip
    params = {"quick": args.quick, "n_records": n, "n_leads": 12, "n_times": n_times,
              "epochs": epochs, "batch_size": 64, "threads_per_process": 1}  # fmt: skip
    write_result(args.out, "bench_ddp", params, {"rows": rows})


if __name__ == "__main__":
    main()
