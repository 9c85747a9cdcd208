"""Speed of make_ecg and difficulty of its PE-like task versus effect_size.

Speed: 1,000 records x 12 leads x 5,000 samples (10 s at 500 Hz), best of 2,
against ``np.random.standard_normal`` of the same float32 size in the same
process (a floor: drawing the noise alone).

Difficulty: 5-fold CV AUROC of a logistic regression on 37 hand features
(per-lead 2nd/98th percentile and SD, plus heart rate) separating "pe" from
"normal", 400 records at 100 Hz per effect size. A deliberately simple model: it
shows how visible the pattern is, not what a CNN can reach.

Run: ``nice -n 10 python benchmarks/make_ecg.py``.
"""

import time

import numpy as np
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


def speed():
    gen, base = [], []
    rng = np.random.default_rng(0)
    for _ in range(2):
        t0 = time.perf_counter()
        make_ecg(1000, random_state=0)
        gen.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        rng.standard_normal((1000, 12, 5000), dtype=np.float32)
        base.append(time.perf_counter() - t0)
    print(f"make_ecg(1000) 12 x 5000: {min(gen):.2f} s; standard_normal same size: "
          f"{min(base):.2f} s; ratio {min(gen) / min(base):.1f}x")  # fmt: skip


def difficulty():
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    for effect in (0.0, 0.3, 0.5, 1.0, 1.5):
        X, y = make_ecg(
            400, sfreq=100.0, effect_size=effect, random_state=0, return_X_y=True
        )
        auc = cross_val_score(model, features(X, 100.0), y, cv=5, scoring="roc_auc")
        print(f"effect_size={effect:.1f}: AUROC {auc.mean():.3f} +- {auc.std():.3f}")


if __name__ == "__main__":
    speed()
    difficulty()
