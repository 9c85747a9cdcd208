"""
==========================
Preprocessing 12-lead ECGs
==========================

The transformers of :mod:`sklearn_ecg.preprocessing` work on arrays of shape
``(n_records, n_leads, n_times)``. This example adds baseline wander and mains
noise to a synthetic ECG, removes them with a zero-phase band-pass and a notch
filter, resamples to 100 Hz and normalises each lead, then plots the record in
the clinical 12-lead layout.
"""

# %%
import os

import matplotlib.pyplot as plt
import numpy as np
from scipy import signal
from sklearn.pipeline import make_pipeline

from sklearn_ecg.datasets import make_ecg
from sklearn_ecg.preprocessing import (
    BandpassFilter,
    LeadNormalizer,
    NotchFilter,
    Resampler,
)

FAST = os.environ.get("SKLEARN_ECG_EXAMPLES_FAST") == "1"
sfreq = 500.0
X, y = make_ecg(
    n_records=4 if FAST else 16, sfreq=sfreq, random_state=0, return_X_y=True
)

# %%
# Add noise we know
# -----------------
# A 0.3 Hz baseline wander and 50 Hz mains interference, on every lead.
t = np.arange(X.shape[-1]) / sfreq
noisy = X + 0.4 * np.sin(2 * np.pi * 0.3 * t) + 0.1 * np.sin(2 * np.pi * 50.0 * t)
noisy = noisy.astype(np.float32)

# %%
# The chain
# ---------
# Each step is a scikit-learn transformer; the filters are stateless, so ``fit``
# only validates the input.
chain = make_pipeline(
    BandpassFilter(low_freq=0.5, high_freq=45.0, sfreq=sfreq),
    NotchFilter(freq=50.0, sfreq=sfreq),
    Resampler(sfreq_out=100.0, sfreq=sfreq),
    LeadNormalizer(method="zscore"),
)
clean = chain.fit_transform(noisy)
print(f"{noisy.shape} at {sfreq:g} Hz -> {clean.shape} at 100 Hz, {clean.dtype}")

# %%
# How much noise is left?
# -----------------------
# Compare the power spectra of lead II before and after filtering (before
# resampling and normalisation, so the scales match).
filtered = chain[:2].transform(noisy)
for name, x in (("noisy", noisy), ("filtered", filtered), ("clean original", X)):
    f, p = signal.welch(x[0, 1], fs=sfreq, nperseg=1024)
    print(
        f"{name:>15}: power below 0.5 Hz {p[f < 0.5].sum():.2e}, "
        f"at 50 Hz {p[np.argmin(np.abs(f - 50))]:.2e}"
    )

fig, ax = plt.subplots(figsize=(7, 3.2))
seconds = slice(0, int(3 * sfreq))
ax.plot(t[seconds], noisy[0, 1, seconds], color="0.6", lw=0.8, label="noisy")
ax.plot(t[seconds], filtered[0, 1, seconds], color="C3", lw=1.0, label="filtered")
ax.set_xlabel("time (s)")
ax.set_ylabel("lead II (mV)")
ax.set_title("Band-pass + notch: wander and mains removed, waves kept in place")
ax.legend(loc="upper right")
fig.tight_layout()

# %%
# The clinical layout
# -------------------
# :func:`~sklearn_ecg.plotting.plot_ecg` draws the standard 3 × 4 grid plus a
# rhythm strip on ECG paper (25 mm/s, 10 mm/mV).
from sklearn_ecg.plotting import plot_ecg  # noqa: E402

plot_ecg(filtered[0], sfreq=sfreq)
plt.show()
