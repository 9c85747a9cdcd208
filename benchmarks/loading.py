"""Loading speed of load_ptbxl on the shared PTB-XL subset.

Compares, in one process and interleaved (the order alternates each round so
that neither side always profits from a warmer OS file cache):

- bare: ``np.stack([wfdb.rdsamp(path)[0] for path in files])``, the records
  listed in ``subset_index.csv`` (what a user writes by hand);
- cold: ``load_ptbxl(..., on_missing="skip", cache=False)``: parses the full
  21,837-row table, aggregates labels, checks 21,837 files, decodes 1,819;
- cold+write: the same with ``cache=<fresh folder>`` (decode and write the .npy);
- warm: ``load_ptbxl(..., cache=<that folder>)`` (no WFDB decoding).

Run: ``nice -n 10 python benchmarks/loading.py [--rounds 2]`` from the repository
root with SKLEARN_ECG_SHARED_DATA set. ``--records N`` (``--quick``: 20, one round)
times a copy of the release cut down to the first N records of the subset instead.
"""

import argparse
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import wfdb
from _common import add_common_args, write_result

from sklearn_ecg.datasets import load_ptbxl
from sklearn_ecg.utils import get_shared_data_dir


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def bare(root):
    files = pd.read_csv(root / "subset_index.csv")["filename_lr"]
    return np.stack([wfdb.rdsamp(str(root / f))[0] for f in files])


def load(root, cache):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_ptbxl(root, on_missing="skip", cache=cache)


def one_round(root, flip):
    res = {}
    with tempfile.TemporaryDirectory() as tmp:
        steps = [
            ("bare", lambda: bare(root)),
            ("cold", lambda: load(root, False)),
            ("cold+write", lambda: load(root, Path(tmp))),
        ]
        for name, fn in steps[::-1] if flip else steps:
            res[name], _ = timed(fn)
        # Warm loads need the entry written above; best of three.
        res["warm"] = min(timed(lambda: load(root, Path(tmp)))[0] for _ in range(3))
        res["warm_mmap"] = min(
            timed(
                lambda: load_ptbxl(
                    root, on_missing="skip", cache=Path(tmp), mmap_mode="r"
                )
            )[0]  # fmt: skip
            for _ in range(3)
        )
    return res


def mini_release(root, n_records, dest):
    """Copy of the release restricted to the first ``n_records`` of the subset."""
    index = pd.read_csv(root / "subset_index.csv").head(n_records)
    index.to_csv(dest / "subset_index.csv", index=False)
    table = pd.read_csv(root / "ptbxl_database.csv", index_col="ecg_id")
    table.loc[index["ecg_id"]].to_csv(dest / "ptbxl_database.csv")
    shutil.copy(root / "scp_statements.csv", dest)
    for name in index["filename_lr"]:
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        for ext in (".hea", ".dat"):
            shutil.copy(root / (name + ext), dest / (name + ext))
    return dest


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--records", type=int, default=None, help="cut-down copy")
    args = add_common_args(parser).parse_args(argv)
    if args.quick:
        args.rounds, args.records = 1, args.records or 20
    root = get_shared_data_dir() / "ptbxl_subset"
    if not root.is_dir():
        sys.exit(f"shared PTB-XL subset not found at {root}")
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as tmp:
        if args.records is not None:
            root = mini_release(root, args.records, Path(tmp))
        rounds = [one_round(root, flip=r % 2 == 1) for r in range(args.rounds)]
    table = pd.DataFrame(rounds)
    print(table.round(3).to_string())
    med = table.median()
    print(f"\nmedian seconds: {med.round(3).to_dict()}")
    print(f"cold / bare        = {med['cold'] / med['bare']:.2f}x (goal <= 1.2x)")
    print(f"cold+write / bare  = {med['cold+write'] / med['bare']:.2f}x")
    print(f"cold / warm        = {med['cold'] / med['warm']:.1f}x (goal >= 20x)")
    print(f"cold / warm (mmap) = {med['cold'] / med['warm_mmap']:.1f}x")
    results = {"rounds": rounds, "median_s": med.to_dict()}
    write_result(args.out, "loading", vars(args), results)


if __name__ == "__main__":
    main()
