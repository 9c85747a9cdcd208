"""Synthetic 12-lead ECG generator (Gaussian-wave VCG model projected to 12 leads)."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from sklearn.utils import Bunch, check_random_state

from ..utils import STANDARD_LEADS, check_sfreq
from ._synthetic_morphology import CLASSES, DEVIATIONS, DOWER, normal_params

_NOISE_DEFAULTS = {"baseline": 0.08, "mains": 0.01, "muscle": 0.015}
_CHUNK = 128  # records per vectorised block: bounds memory at ~100 MB

_DESCR = """Synthetic 12-lead ECG (sklearn_ecg.datasets.make_ecg).

Each beat is a sum of Gaussian waves (P, Q, R, S, terminal R', ST, T) with 3-D
vectorcardiogram directions, in the spirit of the ECGSYN dynamical model
(McSharry et al. 2003) and its 3-D extension (Sayadi et al. 2010). The VCG is
projected onto I, II and V1-V6 with Dower's matrix; III, aVR, aVL and aVF are
derived exactly from I and II. Noise is added to the independent leads only, so
Einthoven's and Goldberger's relations hold for every sample.
"""


def _check_classes(classes, weights, multilabel):
    classes = (classes,) if isinstance(classes, str) else tuple(classes)
    unknown = [c for c in classes if c not in CLASSES]
    if unknown or not classes or len(set(classes)) != len(classes):
        raise ValueError(
            f"classes={classes!r} is invalid: use distinct names among {CLASSES}."
        )
    if weights is None:
        default = 0.3 if multilabel else 1.0 / len(classes)
        return classes, np.full(len(classes), default)
    weights = np.asarray(weights, dtype=float)
    if weights.shape != (len(classes),) or (weights < 0).any() or weights.sum() == 0:
        raise ValueError(
            f"weights={weights.tolist()!r} must be {len(classes)} non-negative numbers "
            f"(one per class in {classes}), not all zero."
        )
    return classes, (weights if multilabel else weights / weights.sum())


def _draw_labels(n, classes, weights, multilabel, rng):
    """Return a (n, n_classes) 0/1 matrix; "normal" means no abnormal class."""
    Y = np.zeros((n, len(classes)), dtype=np.int64)
    if multilabel:
        for j, c in enumerate(classes):
            if c != "normal":
                Y[:, j] = rng.random(n) < weights[j]
        if "normal" in classes:
            Y[:, classes.index("normal")] = Y.sum(axis=1) == 0
    else:
        Y[np.arange(n), rng.choice(len(classes), n, p=weights)] = 1
    return Y


def _heart_rates(n, heart_rate, rng):
    if heart_rate is None:
        return np.clip(rng.normal(72.0, 12.0, n), 45.0, 110.0)
    if isinstance(heart_rate, numbers.Real) and 20 <= heart_rate <= 250:
        return np.full(n, float(heart_rate))
    if isinstance(heart_rate, tuple) and len(heart_rate) == 2:
        low, high = heart_rate
        if 20 <= low <= high <= 250:
            return rng.uniform(low, high, n)
    raise ValueError(
        f"heart_rate={heart_rate!r} is invalid: pass None (drawn around 70 bpm), a "
        "rate in bpm within [20, 250], or a (low, high) tuple."
    )


def _noise_levels(noise):
    if isinstance(noise, numbers.Real) and noise >= 0:
        return {k: v * float(noise) for k, v in _NOISE_DEFAULTS.items()}
    if isinstance(noise, dict) and set(noise) <= set(_NOISE_DEFAULTS):
        if all(isinstance(v, numbers.Real) and v >= 0 for v in noise.values()):
            return {**dict.fromkeys(_NOISE_DEFAULTS, 0.0), **noise}
    raise ValueError(
        f"noise={noise!r} is invalid: pass a non-negative scale of the default levels "
        f"(1.0 = {_NOISE_DEFAULTS} mV) or a dict with some of these keys in mV."
    )


def _beat_times(hr, duration, rng):
    """R-peak times (n, n_beats) with LF (Mayer) and HF (respiratory) HRV."""
    n, rr = len(hr), 60.0 / hr
    n_beats = int(np.ceil((duration + 3.0) / rr.min())) + 2
    k = np.arange(n_beats)[None] * rr[:, None]  # approximate beat times for HRV
    lf, hf = rng.uniform(0.005, 0.03, (2, n, 1))
    f_hf = rng.uniform(0.15, 0.35, (n, 1))
    ph1, ph2 = rng.uniform(0, 2 * np.pi, (2, n, 1))
    rrs = rr[:, None] * (
        1
        + lf * np.sin(2 * np.pi * 0.1 * k + ph1)
        + hf * np.sin(2 * np.pi * f_hf * k + ph2)
    )
    rrs += rng.normal(0, 0.01, rrs.shape) * rr[:, None]
    start = -1.5 - rng.uniform(0, 1, (n, 1)) * rr[:, None]
    return start + np.cumsum(rrs, axis=1), f_hf[:, 0]


def _render_vcg(t, beats, mu, sigma, amp):
    """Sum Gaussian waves of the previous, current and next beat: VCG (n, 3, T)."""
    n, n_beats = beats.shape
    # One flat searchsorted over all records: offset each record by a large span.
    span = (t[-1] - t[0]) + 20.0
    off = np.arange(n)[:, None] * span
    idx = np.searchsorted((beats + off).ravel(), (t[None] + off).ravel(), "right")
    idx = idx.reshape(n, -1) - 1 - np.arange(n)[:, None] * n_beats
    rows = np.arange(n)[:, None]
    G = np.zeros((n, mu.shape[1], t.size), np.float32)
    inv = (-0.5 / sigma**2)[:, :, None]
    for shift in (-1, 0, 1):
        r_time = beats[rows, np.clip(idx + shift, 0, n_beats - 1)]
        dt = (t[None] - r_time).astype(np.float32)
        G += np.exp((dt[:, None] - mu[:, :, None]) ** 2 * inv)
    return np.matmul(amp.transpose(0, 2, 1), G)


def _slow_waves(shape, t, rng, level):
    """Baseline wander: two random sub-0.5 Hz sinusoids per lead.

    Evaluated on a 10 Hz grid and linearly interpolated: the waves are far below
    5 Hz, and sin() on every sample was most of the generator's run time.
    """
    n, n_leads, _ = shape
    coarse = np.arange(0.0, t[-1] + 0.2, 0.1)
    f = rng.uniform(0.05, 0.4, (n, n_leads, 2, 1))
    ph = rng.uniform(0, 2 * np.pi, (n, n_leads, 2, 1))
    a = rng.uniform(0.3, 1.0, (n, n_leads, 2, 1)) * level
    wave = (a * np.sin(2 * np.pi * f * coarse + ph)).sum(axis=2).astype(np.float32)
    pos = t / 0.1
    i0 = np.minimum(pos.astype(int), coarse.size - 2)
    w = (pos - i0).astype(np.float32)
    return wave[..., i0] * (1 - w) + wave[..., i0 + 1] * w


def _noise(shape, t, sfreq, levels, mains_freq, rng):
    """Baseline wander, mains and muscle noise for the 8 independent leads."""
    n, n_leads, _ = shape
    out = np.zeros(shape, np.float32)
    if levels["baseline"] > 0:
        out += _slow_waves(shape, t, rng, levels["baseline"])
    if levels["mains"] > 0 and mains_freq < sfreq / 2:
        # a*sin(wt + phi) = a*cos(phi)*sin(wt) + a*sin(phi)*cos(wt): two shared waves.
        a = rng.uniform(0.0, 1.0, (n, n_leads, 1)) * levels["mains"]
        ph = rng.uniform(0, 2 * np.pi, (n, n_leads, 1))
        sin_w = np.sin(2 * np.pi * mains_freq * t).astype(np.float32)
        cos_w = np.cos(2 * np.pi * mains_freq * t).astype(np.float32)
        out += (a * np.cos(ph)).astype(np.float32) * sin_w
        out += (a * np.sin(ph)).astype(np.float32) * cos_w
    if levels["muscle"] > 0:
        # EMG is broadband and bursty: white noise under a slow random envelope.
        env = 0.5 + rng.random((n, n_leads, 1), dtype=np.float32)
        burst = 1 + 0.5 * np.sin(2 * np.pi * rng.uniform(0.1, 0.5) * t)
        env = env * burst.astype(np.float32) * np.float32(levels["muscle"])
        out += env * rng.standard_normal(shape, dtype=np.float32)
    return out


def _to_12_leads(v8):
    """Derive III, aVR, aVL, aVF from I and II exactly (Einthoven, Goldberger)."""
    lead_i, lead_ii = v8[:, 0], v8[:, 1]
    limb = [lead_i, lead_ii, lead_ii - lead_i, -(lead_i + lead_ii) / 2,
            lead_i - lead_ii / 2, lead_ii - lead_i / 2]  # fmt: skip
    return np.concatenate([np.stack(limb, axis=1), v8[:, 2:]], axis=1)


def _rotations(n, rng, deg=12.0):
    """Small random 3-D rotations (n, 3, 3): inter-patient heart orientation."""
    a, b, c = np.deg2rad(rng.normal(0, deg, (3, n)))
    ca, sa, cb, sb, cc, sc = (
        np.cos(a),
        np.sin(a),
        np.cos(b),
        np.sin(b),
        np.cos(c),
        np.sin(c),
    )
    one, zero = np.ones(n), np.zeros(n)
    rx = np.stack([one, zero, zero, zero, ca, -sa, zero, sa, ca], 1).reshape(n, 3, 3)
    ry = np.stack([cb, zero, sb, zero, one, zero, -sb, zero, cb], 1).reshape(n, 3, 3)
    rz = np.stack([cc, -sc, zero, sc, cc, zero, zero, zero, one], 1).reshape(n, 3, 3)
    return (rx @ ry @ rz).astype(np.float32)


def _record_params(Y, classes, effect_size, heart_rate, rng):
    """Draw per-record wave parameters and metadata for the labels in ``Y``."""
    n = len(Y)
    hr0 = _heart_rates(n, heart_rate, rng)
    mu, sigma, amp = normal_params(n, hr0, rng)
    severity = rng.uniform(0.5, 1.0, (n, len(classes)))
    hr, meta = hr0.copy(), {}
    base_amp = amp.copy()
    for j, name in enumerate(classes):
        if name == "normal":
            continue
        dev, info = DEVIATIONS[name](base_amp, hr0, rng)
        s = (effect_size * severity[:, j] * Y[:, j]).astype(np.float32)
        mu += s[:, None] * dev["mu"]
        sigma += s[:, None] * dev["sigma"]
        amp += s[:, None, None] * dev["amp"]
        hr += s * dev["hr"]
        meta[f"severity_{name}"] = np.where(Y[:, j] == 1, severity[:, j], np.nan)
        for key, val in info.items():
            meta[key] = pd.Series(val).where(Y[:, j] == 1).to_numpy()
    hr = np.clip(hr, 20.0, 250.0)
    # Repolarisation follows the final rate (Bazett), so tachycardia shortens QT.
    qt_scale = np.sqrt(hr0 / hr)[:, None].astype(np.float32)
    mu[:, 5:] *= qt_scale
    sigma[:, 5:] *= qt_scale
    amp = amp @ _rotations(n, rng).transpose(0, 2, 1)
    amp *= rng.uniform(0.75, 1.25, (n, 1, 1)).astype(np.float32)
    return mu, np.maximum(sigma, 0.003), amp, hr, meta


def make_ecg(
    n_records: int = 100,
    *,
    sfreq: float = 500.0,
    duration: float = 10.0,
    classes=("normal", "pe"),
    weights=None,
    effect_size: float = 1.0,
    noise=1.0,
    heart_rate=None,
    mains_freq: float = 50.0,
    multilabel: bool = False,
    random_state=None,
    return_X_y: bool = False,
):
    """Generate realistic synthetic 12-lead ECGs with class-specific patterns.

    Every beat is a sum of Gaussian waves (P, Q, R, S, terminal R', ST, T) with a
    3-D vectorcardiogram direction (an ECGSYN-style Gaussian-wave model per VCG
    axis), projected onto I, II and V1-V6 with Dower's matrix. III, aVR, aVL and
    aVF are derived from I and II, so Einthoven's and Goldberger's relations hold
    exactly, noise included. Records vary in heart rate, heart-rate variability
    (LF and respiratory HF), intervals, amplitudes, electrical axis and noise.

    Class patterns (each scaled by ``effect_size`` times a per-record severity in
    [0.5, 1]):

    - ``"normal"``: sinus rhythm, normal axis and intervals.
    - ``"mi"``: pathological Q waves and lost R in one territory (anterior,
      inferior or lateral), with ST elevation (acute) or T inversion (old).
    - ``"sttc"``: ST depression and/or T flattening or inversion.
    - ``"cd"``: complete RBBB (R' in V1, wide S in I/V6) or LBBB (broad notched R,
      no septal q, discordant T).
    - ``"hyp"``: left ventricular hypertrophy (high voltage, optional strain).
    - ``"pe"``: right-heart strain as seen in pulmonary embolism: sinus
      tachycardia (+30 bpm), T inversion in V1-V4, S1Q3T3, right-axis shift and
      incomplete or complete RBBB, each present with a clinical-like probability.

    Parameters
    ----------
    n_records : int, default=100
        Number of records.
    sfreq : float, default=500.0
        Sampling rate in Hz.
    duration : float, default=10.0
        Record length in seconds.
    classes : sequence of str, default=("normal", "pe")
        Classes among ``"normal", "pe", "mi", "sttc", "cd", "hyp"``; the target
        encodes them in this order.
    weights : array-like of shape (n_classes,), default=None
        Single-label: class proportions (normalised; default uniform).
        Multi-label: independent probability of each abnormal class (default 0.3);
        ``"normal"`` is then set exactly when no other class is.
    effect_size : float, default=1.0
        Strength of every pathological pattern: 0 makes all classes identical in
        distribution (chance-level task), about 0.3-0.5 is subtle, 1 and above is
        textbook-clear.
    noise : float or dict, default=1.0
        Scale of the default noise levels (baseline wander 0.08, mains 0.01,
        muscle 0.015 mV), or a dict of levels in mV with keys ``"baseline"``,
        ``"mains"``, ``"muscle"``. 0 gives clean signals.
    heart_rate : float, tuple of (float, float) or None, default=None
        Baseline sinus rate in bpm before class effects (tachycardia adds to it):
        None draws from N(70, 10) clipped to [50, 100]; a tuple draws uniformly.
    mains_freq : float, default=50.0
        Power-line frequency in Hz (60 in the Americas).
    multilabel : bool, default=False
        Draw abnormal classes independently (target is a multi-hot matrix).
    random_state : int, RandomState instance or None, default=None
        Seed for reproducible output.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With ``data`` (float32 ndarray of shape (n_records, 12, n_times), mV),
        ``target`` (int ndarray of shape (n_records,) indexing ``target_names``,
        or (n_records, n_classes) multi-hot when ``multilabel=True``),
        ``target_names``, ``sfreq``, ``lead_names``, ``frame`` (per-record heart
        rate, severities and pattern details), ``record_ids``, ``patient_ids``
        and ``DESCR``.
    (data, target) : tuple
        If ``return_X_y`` is True.

    Notes
    -----
    Difficulty of ``classes=("normal", "pe")`` (400 records at 100 Hz, 5-fold
    AUROC of a logistic regression on simple per-lead amplitude features and
    heart rate; ``benchmarks/make_ecg.py``): 0.52 at ``effect_size=0``, 0.81 at
    0.3, 0.87 at 0.5, 0.96 at 1.0, 0.98 at 1.5.

    Signals are noise-free at the electrode level except for the added noise;
    there is no ectopy, no pacing and no record-level artefact such as a lead
    reversal.

    References
    ----------
    .. [1] McSharry, P.E., Clifford, G.D., Tarassenko, L., Smith, L.A. (2003). A
       dynamical model for generating synthetic electrocardiogram signals. IEEE
       Trans. Biomed. Eng. 50(3), 289-294.
    .. [2] Sayadi, O., Shamsollahi, M.B., Clifford, G.D. (2010). Synthetic ECG
       generation and Bayesian filtering using a Gaussian wave-based dynamical
       model. Physiol. Meas. 31(10), 1309.
    .. [3] Dower, G.E., Machado, H.B., Osborne, J.A. (1980). On deriving the
       electrocardiogram from vectorcardiographic leads. Clin. Cardiol. 3, 87-95.

    Examples
    --------
    >>> from sklearn_ecg.datasets import make_ecg
    >>> X, y = make_ecg(20, sfreq=100.0, random_state=0, return_X_y=True)
    >>> X.shape, X.dtype, sorted(set(y.tolist()))
    ((20, 12, 1000), dtype('float32'), [0, 1])
    """
    if not isinstance(n_records, numbers.Integral) or n_records < 1:
        raise ValueError(f"n_records must be a positive integer, got {n_records!r}.")
    sfreq = check_sfreq(sfreq)
    n_times = int(round(duration * sfreq)) if duration > 0 else 0
    if n_times < 1:
        raise ValueError(f"duration={duration!r} s gives no sample; pass duration > 0.")
    if not isinstance(effect_size, numbers.Real) or effect_size < 0:
        raise ValueError(f"effect_size must be >= 0, got {effect_size!r}.")
    classes, weights = _check_classes(classes, weights, multilabel)
    levels = _noise_levels(noise)
    rng = check_random_state(random_state)
    rng = np.random.default_rng(rng.randint(2**31))

    Y = _draw_labels(n_records, classes, weights, multilabel, rng)
    mu, sigma, amp, hr, meta = _record_params(Y, classes, effect_size, heart_rate, rng)
    t = np.arange(n_times) / sfreq
    X = np.empty((n_records, len(STANDARD_LEADS), n_times), np.float32)
    for lo in range(0, n_records, _CHUNK):
        sl = slice(lo, min(lo + _CHUNK, n_records))
        beats, f_resp = _beat_times(hr[sl], duration, rng)
        vcg = _render_vcg(t, beats, mu[sl], sigma[sl], amp[sl])
        # Breathing moves the heart: ~5 % amplitude modulation at the HF rate.
        vcg *= 1 + 0.05 * np.sin(2 * np.pi * f_resp[:, None, None] * t).astype(
            np.float32
        )
        v8 = np.matmul(DOWER[None], vcg)
        v8 += _noise(v8.shape, t, sfreq, levels, mains_freq, rng)
        X[sl] = _to_12_leads(v8)
    return _synthetic_bunch(X, Y, classes, hr, meta, sfreq, multilabel, return_X_y)


def _synthetic_bunch(X, Y, classes, hr, meta, sfreq, multilabel, return_X_y):
    target = Y if multilabel else Y.argmax(axis=1)
    if return_X_y:
        return X, target
    names = np.array(classes)
    frame = pd.DataFrame(
        {
            "label": ["|".join(names[row == 1]) for row in Y],
            "heart_rate": hr,
            **meta,
        },
        index=pd.Index([f"syn{i:05d}" for i in range(len(X))], name="record_id"),
    )
    return Bunch(
        data=X,
        target=target,
        target_names=list(classes),
        sfreq=sfreq,
        lead_names=list(STANDARD_LEADS),
        frame=frame,
        record_ids=frame.index.to_numpy(),
        patient_ids=np.arange(len(X)),
        DESCR=_DESCR,
    )
