"""Inference speed and agreement of exported models against ``predict_proba``.

A ResNet1d-18 classifier (binary, 12 leads x 2048 samples; ``base_width``
scaled down from 64 to 16 to fit the shared machine) is fitted for one epoch
on random data, exported with ``to_torchscript`` and ``to_onnx``, and the
three predictors score the same batch side by side (1 torch thread, 1 ORT
thread, best of ``--repeats``).

Run: ``nice -n 10 python benchmarks/bench_export.py``
"""

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import torch

from sklearn_ecg.classifiers import ECGResNetClassifier


def best_time(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main(n_records, base_width, repeats):
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n_records, 12, 2048)).astype(np.float32)
    y = np.arange(n_records) % 2
    clf = ECGResNetClassifier(
        base_width=base_width, max_epochs=1, batch_size=32,
        validation_fraction=None, random_state=0,
    ).fit(X, y)  # fmt: skip
    tmp = Path(tempfile.mkdtemp())
    ts = torch.jit.load(str(clf.to_torchscript(tmp / "m.pt")))
    runs = {
        "predict_proba": lambda: clf.predict_proba(X),
        "torchscript": lambda: ts(torch.from_numpy(X)).detach().numpy(),
    }
    try:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = opts.inter_op_num_threads = 1
        sess = ort.InferenceSession(str(clf.to_onnx(tmp / "m.onnx")), opts)
        runs["onnxruntime"] = lambda: sess.run(None, {"ecg": X})[0]
    except ImportError:
        print("onnxruntime not installed: ONNX skipped")
    results = {name: best_time(fn, repeats) for name, fn in runs.items()}
    base, ref = results["predict_proba"]
    print(f"{n_records} records x 12 x 2048, ResNet1d-18 base_width={base_width}")
    for name, (t, out) in results.items():
        diff = np.abs(out - ref).max()
        print(f"  {name:14s} {t:.3f} s  speed {base / t:.2f}x  max|diff| {diff:.1e}")


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=64)
    parser.add_argument("--base-width", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    main(args.n, args.base_width, args.repeats)
