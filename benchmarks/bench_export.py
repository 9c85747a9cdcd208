"""Inference speed and agreement of exported models against ``predict_proba``.

A ResNet1d-18 classifier (binary, 12 leads x 2048 samples; ``base_width``
scaled down from 64 to 16 to fit the shared machine) is fitted for one epoch
on random data, exported with ``to_torchscript`` and ``to_onnx``, and the
three predictors score the same batch side by side (1 torch thread, 1 ORT
thread, best of ``--repeats``).

Run: ``nice -n 10 python benchmarks/bench_export.py --repeats 5``
"""

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from _common import add_common_args, write_result

from sklearn_ecg.classifiers import ECGResNetClassifier, to_onnx, to_torchscript


def best_time(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main(argv=None):
    warnings.simplefilter("ignore")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=64)
    parser.add_argument("--n-times", type=int, default=2048)
    parser.add_argument("--base-width", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-onnx", action="store_true", help="skip ONNX Runtime")
    args = add_common_args(parser).parse_args(argv)
    if args.quick:
        args.n, args.n_times, args.base_width, args.repeats = 8, 256, 4, 1
        args.no_onnx = True  # exporting to ONNX costs more than the rest together
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(args.n, 12, args.n_times)).astype(np.float32)
    y = np.arange(args.n) % 2
    clf = ECGResNetClassifier(
        base_width=args.base_width, max_epochs=1, batch_size=32,
        validation_fraction=None, random_state=0, crop_length=None, augment=None,
    ).fit(X, y)  # whole records: the exported graph's input  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        rows = compare(clf, X, Path(tmp), args.repeats, not args.no_onnx)
    print(f"{args.n} records x 12 x {args.n_times}, ResNet1d-18 "
          f"base_width={args.base_width}")  # fmt: skip
    for row in rows:
        print(f"  {row['predictor']:14s} {row['time_s']:.3f} s  speed "
              f"{row['speed']:.2f}x  max|diff| {row['max_abs_diff']:.1e}")  # fmt: skip
    write_result(args.out, "bench_export", vars(args), {"rows": rows})


def compare(clf, X, tmp, repeats, onnx=True):
    """Time and compare predict_proba, TorchScript and (if installed) ONNX Runtime."""
    ts = torch.jit.load(str(to_torchscript(clf, tmp / "m.pt")))
    runs = {
        "predict_proba": lambda: clf.predict_proba(X),
        "torchscript": lambda: ts(torch.from_numpy(X)).detach().numpy(),
    }
    if onnx:
        runs.update(onnx_run(clf, X, tmp))
    results = {name: best_time(fn, repeats) for name, fn in runs.items()}
    base, ref = results["predict_proba"]
    return [
        {"predictor": name, "time_s": t, "speed": base / t,
         "max_abs_diff": float(np.abs(out - ref).max())}
        for name, (t, out) in results.items()
    ]  # fmt: skip


def onnx_run(clf, X, tmp):
    """The ONNX Runtime predictor, or nothing when onnxruntime is absent."""
    try:
        import onnxruntime as ort
    except ImportError:
        print("onnxruntime not installed: ONNX skipped")
        return {}
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(str(to_onnx(clf, tmp / "m.onnx")), opts)
    return {"onnxruntime": lambda: sess.run(None, {"ecg": X})[0]}


if __name__ == "__main__":
    main()
