"""Speed of make_ecg and difficulty of its PE-like task versus effect_size.

Speed: 1,000 records x 12 leads x 5,000 samples (10 s at 500 Hz), best of 2,
against ``np.random.standard_normal`` of the same float32 size in the same
process (a floor: drawing the noise alone).

Difficulty: 5-fold CV AUROC of a logistic regression on 37 hand features
(per-lead 2nd/98th percentile and SD, plus heart rate) separating "pe" from
"normal", 400 records at 100 Hz per effect size. A deliberately simple model: it
shows how visible the pattern is, not what a CNN can reach.

Run: ``nice -n 10 python benchmarks/make_ecg.py``.

The benchmark's name is ``make_ecg`` (result file ``make_ecg.json``).
"""

import argparse
import time

import numpy as np
from _common import add_common_args, write_result
from scipy.signal import find_peaks
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_ecg.datasets import make_ecg


def heart_rate(x, sfreq):
    energy = np.abs(np.diff(x, axis=1)).sum(axis=0)
    width = max(1, int(0.04 * sfreq))
    energy = np.convolve(energy, np.ones(width) / width, mode="same")
    peaks, _ = find_peaks(
        energy, distance=int(0.25 * sfreq), height=0.5 * np.percentile(energy, 99.5)
    )
    return 60.0 * sfreq / np.median(np.diff(peaks))


def features(X, sfreq):
    Xc = X - np.median(X, axis=2, keepdims=True)
    hr = [heart_rate(x, sfreq) for x in X]
    return np.column_stack(
        [
            np.percentile(Xc, 2, axis=2),
            np.percentile(Xc, 98, axis=2),
            Xc.std(axis=2),
            hr,
        ]
    )


EFFECT_SIZES = (0.0, 0.3, 0.5, 1.0, 1.5)


def speed(n_records, n_times):
    gen, base = [], []
    rng = np.random.default_rng(0)
    duration = n_times / 500.0
    for _ in range(2):
        t0 = time.perf_counter()
        make_ecg(n_records, duration=duration, random_state=0)
        gen.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        rng.standard_normal((n_records, 12, n_times), dtype=np.float32)
        base.append(time.perf_counter() - t0)
    res = {"make_ecg_s": min(gen), "standard_normal_s": min(base),
           "ratio": min(gen) / min(base)}  # fmt: skip
    print(f"make_ecg({n_records}) 12 x {n_times}: {res['make_ecg_s']:.2f} s; "
          f"standard_normal same size: {res['standard_normal_s']:.2f} s; "
          f"ratio {res['ratio']:.1f}x")  # fmt: skip
    return res


def difficulty(n_records, effect_sizes=EFFECT_SIZES):
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    rows = []
    for effect in effect_sizes:
        X, y = make_ecg(
            n_records, sfreq=100.0, effect_size=effect, random_state=0,
            return_X_y=True,
        )  # fmt: skip
        auc = cross_val_score(model, features(X, 100.0), y, cv=5, scoring="roc_auc")
        rows.append({"effect_size": effect, "auroc_mean": float(auc.mean()),
                     "auroc_sd": float(auc.std())})  # fmt: skip
        print(f"effect_size={effect:.1f}: AUROC {auc.mean():.3f} +- {auc.std():.3f}")
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed-records", type=int, default=1000)
    parser.add_argument("--speed-times", type=int, default=5000)
    parser.add_argument("--records", type=int, default=400, help="per effect size")
    args = add_common_args(parser).parse_args(argv)
    effects = EFFECT_SIZES
    if args.quick:
        args.speed_records, args.speed_times, args.records = 20, 1000, 40
        effects = (0.0, 1.5)
    res = {"speed": speed(args.speed_records, args.speed_times),
           "difficulty": difficulty(args.records, effects)}  # fmt: skip
    write_result(args.out, "make_ecg", vars(args), res)


if __name__ == "__main__":
    main()
