"""Fit from a memory-mapped array vs the same array in memory: peak memory, speed.

A float32 ``.npy`` file of ECG-shaped records is written once; each mode then
runs in a fresh child process: ``in_memory`` loads the file (``np.load``) and
fits, ``memmap`` fits from ``np.load(path, mmap_mode="r")``. The child samples
its own ``/proc/self/status`` every 5 ms and reports the peak anonymous resident
memory (``RssAnon``: what the process itself allocated; file pages read through
the map are page cache the kernel can reclaim, counted in ``VmRSS`` but not
here) above the level after its imports, the peak ``VmRSS``, and training
records per second. A third run, ``memmap_limited``, fits from the map with the
process's data segment limited (``RLIMIT_DATA``, which counts private memory but
not read-only file maps) to its size after imports plus a third of the array
(at least 32 MiB): the array is three times what the process may allocate.

Run: ``python benchmarks/bench_memmap.py [--quick] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _common import add_common_args, write_result  # noqa: E402


def _status(key):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    return 0


class PeakSampler(threading.Thread):
    """Sample ``RssAnon`` and ``VmRSS`` every 5 ms; keep the peaks."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak_anon = self.peak_rss = 0
        self.running = True

    def run(self):
        while self.running:
            self.peak_anon = max(self.peak_anon, _status("RssAnon"))
            self.peak_rss = max(self.peak_rss, _status("VmRSS"))
            time.sleep(0.005)


def child(mode, path, epochs):
    """Fit in this process; print one JSON line."""
    import torch

    from sklearn_ecg.classifiers import ECGClassifier

    class Net(torch.nn.Module):
        def __init__(self, n_leads, n_times, n_outputs):
            super().__init__()
            self.conv = torch.nn.Conv1d(n_leads, 16, 9, stride=4)
            self.final_layer = torch.nn.Linear(16, n_outputs)

        def forward(self, x):
            return self.final_layer(torch.relu(self.conv(x)).mean(-1))

    torch.set_num_threads(1)
    small = np.zeros((64, 12, 100), dtype="float32")
    ECGClassifier(Net, max_epochs=1, device="cpu").fit(small, np.arange(64) % 2)
    base_anon = _status("RssAnon")
    size = os.path.getsize(path)
    sampler = PeakSampler()
    sampler.start()  # before the limit: a thread's stack counts against it
    headroom = 0
    if mode == "memmap_limited":
        headroom = max(size // 3, 32 * 2**20)
        limit = _status("VmData") + headroom
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    start = time.perf_counter()
    X = np.load(path, mmap_mode=None if mode == "in_memory" else "r")
    y = np.arange(len(X)) % 2
    clf = ECGClassifier(Net, max_epochs=epochs, batch_size=64, random_state=0,
                        device="cpu", patience=None)  # fmt: skip
    clf.fit(X, y)
    fit_s = time.perf_counter() - start
    proba = clf.predict_proba(X[:256])
    sampler.running = False
    sampler.join()
    n_train = len(X) - int(np.ceil(0.1 * len(X)))
    print(json.dumps({
        "mode": mode, "array_mb": size / 2**20, "fit_s": fit_s,
        "records_per_s": n_train * epochs / fit_s,
        "peak_anon_above_imports_mb": (sampler.peak_anon - base_anon) / 2**20,
        "peak_vmrss_mb": sampler.peak_rss / 2**20,
        "data_limit_headroom_mb": headroom / 2**20,
        "proba_head": proba[:, 1].tolist(),
    }))  # fmt: skip


def _write_array(path, n, n_times):
    X = np.lib.format.open_memmap(
        path, mode="w+", dtype="float32", shape=(n, 12, n_times)
    )
    rng = np.random.default_rng(0)
    for i in range(0, n, 256):
        X[i : i + 256] = rng.normal(size=(min(256, n - i), 12, n_times))
    X[1::2, 0] += 0.3
    X.flush()


def main(argv=None):
    parser = add_common_args(argparse.ArgumentParser(description=__doc__))
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    n, n_times, epochs = (256, 500, 1) if args.quick else (4096, 2500, 1)
    if args.child:
        return child(args.child[0], args.child[1], epochs)
    scratch = Path(args.out) / "_memmap_scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    path = scratch / "X.npy"
    _write_array(path, n, n_times)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    env["PYTHONPATH"] = os.pathsep.join([str(HERE.parent), env.get("PYTHONPATH", "")])
    rows = []
    for mode in ("in_memory", "memmap", "memmap_limited"):
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            mode,
            str(path),
        ]
        cmd += ["--quick"] if args.quick else []
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
        if out.returncode != 0:
            raise RuntimeError(f"{mode} failed:\n{out.stderr[-2000:]}")
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    heads = [np.asarray(r.pop("proba_head")) for r in rows]
    equal = all(np.array_equal(heads[0], h) for h in heads[1:])
    path.unlink()
    params = {"quick": args.quick, "n_records": n, "n_leads": 12, "n_times": n_times,
              "epochs": epochs, "batch_size": 64}  # fmt: skip
    write_result(args.out, "bench_memmap", params,
                 {"rows": rows, "same_predictions": equal})  # fmt: skip


if __name__ == "__main__":
    main()
