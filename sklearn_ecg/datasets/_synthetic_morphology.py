"""Wave tables of the synthetic ECG: normal beats and per-class deviations.

A beat is a sum of seven Gaussian waves in time (relative to the R peak), each
with a 3-D vectorcardiogram (VCG) direction: P, Q, R, S, R' (terminal force, zero
when normal), ST (plateau shift, zero when normal) and T. Frank axes: X to the
patient's left, Y to the feet, Z to the back. Amplitudes are in mV and were chosen
so that the Dower projection gives textbook lead morphology (rS in V1, qR in V6,
R in II about 1 mV, upright T except V1/aVR).

Each class returns a *deviation* from the record's normal parameters at severity 1;
the generator adds ``effect_size * severity * deviation``, so effect size 0 gives
normal beats and deviations of several classes add up for multi-label records.
"""

from __future__ import annotations

import numpy as np

WAVES = ("P", "Q", "R", "S", "R2", "ST", "T")
P, Q, R, S, R2, ST, T = range(len(WAVES))

# Inverse-Dower-like weights from VCG (X, Y, Z) to I, II, V1..V6 (Dower et al. 1980).
DOWER = np.array(
    [
        [0.632, -0.235, 0.059],  # I
        [0.235, 1.066, -0.132],  # II
        [-0.515, 0.157, -0.917],  # V1
        [0.044, 0.164, -1.387],  # V2
        [0.882, 0.098, -1.277],  # V3
        [1.213, 0.127, -0.601],  # V4
        [1.125, 0.127, -0.086],  # V5
        [0.831, 0.076, 0.230],  # V6
    ],
    dtype=np.float32,
)

_NORMAL_AMP = np.array(
    [
        [0.09, 0.14, -0.03],  # P: left, inferior
        [-0.10, 0.00, -0.20],  # Q: septal, rightward-anterior (r in V1, q in V6)
        [1.10, 0.70, 0.45],  # R: left, inferior, posterior
        [-0.25, -0.25, 0.35],  # S: late basal forces, right-superior-posterior
        [0.00, 0.00, 0.00],  # R2: terminal force, only in bundle branch blocks
        [0.00, 0.00, 0.00],  # ST: isoelectric when normal
        [0.35, 0.25, -0.15],  # T: concordant with R
    ],
    dtype=np.float32,
)

# Direction an infarct faces, by territory (normalised below).
_TERRITORIES = {
    "anterior": (0.3, 0.1, -1.0),
    "inferior": (0.0, 1.0, 0.1),
    "lateral": (0.9, -0.4, 0.1),
}


def normal_params(n: int, hr: np.ndarray, rng: np.random.Generator):
    """Per-record normal wave centres, widths (s) and VCG amplitudes (mV).

    Returns ``mu`` and ``sigma`` of shape (n, 7) and ``amp`` of shape (n, 7, 3).
    QT follows Bazett (QTc about 0.40 s), so T moves with the heart rate.
    """
    rr = 60.0 / hr
    qrs = rng.uniform(0.9, 1.1, n)  # QRS width factor
    pr = np.clip(rng.normal(0.16, 0.015, n), 0.12, 0.2)
    t_peak = 0.40 * np.sqrt(rr) - 0.08 + rng.normal(0, 0.008, n)
    mu = np.stack(
        [-pr, -0.028 * qrs, 0 * qrs, 0.030 * qrs, 0.055 * qrs, 0.55 * t_peak, t_peak],
        axis=1,
    )
    w = np.sqrt(rr) * rng.uniform(0.9, 1.1, n)
    sigma = np.stack(
        [0.022 + 0 * qrs, 0.009 * qrs, 0.011 * qrs, 0.011 * qrs, 0.012 * qrs,
         0.045 * w, 0.05 * w],
        axis=1,
    )  # fmt: skip
    # Independent amplitude jitter per wave and axis: no two patients look alike.
    amp = _NORMAL_AMP[None] * rng.uniform(0.7, 1.3, (n, len(WAVES), 1))
    amp = amp + rng.normal(0, 0.06, (n, len(WAVES), 3)) * (np.abs(_NORMAL_AMP) > 0)
    return mu.astype(np.float32), sigma.astype(np.float32), amp.astype(np.float32)


def _unit(v):
    v = np.asarray(v, dtype=np.float32)
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _zeros(n):
    """Empty deviation: d_mu, d_sigma (n, 7), d_amp (n, 7, 3), d_hr (n,)."""
    return {
        "mu": np.zeros((n, len(WAVES)), np.float32),
        "sigma": np.zeros((n, len(WAVES)), np.float32),
        "amp": np.zeros((n, len(WAVES), 3), np.float32),
        "hr": np.zeros(n, np.float32),
    }


def _rbbb(d, amp, mask, complete):
    """Right bundle branch block: late rightward-anterior R' and wide S."""
    size = np.where(complete, 1.0, 0.55)[:, None] * mask[:, None]
    d["amp"][:, R2] += size * np.array([-0.45, 0.05, -0.6], np.float32)
    d["amp"][:, S] += size * np.array([-0.2, 0.0, 0.0], np.float32)
    d["mu"][:, R2] += size[:, 0] * 0.025
    d["sigma"][:, R2] += size[:, 0] * 0.012
    d["sigma"][:, S] += size[:, 0] * 0.012
    d["amp"][:, T] += -0.3 * size * amp[:, T]


# Share of PE-like records showing each sign (right-heart strain is often partial).
_PE_SIGNS = {
    "tachycardia": 0.7,
    "t_inversion": 0.7,
    "s1q3t3": 0.5,
    "right_axis": 0.5,
    "rbbb": 0.4,
}


def pe_deviation(amp, hr, rng):
    """Right-heart strain: each sign present with a clinical-like probability."""
    n = len(hr)
    d = _zeros(n)
    signs = {name: rng.random(n) < prob for name, prob in _PE_SIGNS.items()}
    d["hr"] += 30.0 * signs["tachycardia"]
    t_size = np.linalg.norm(amp[:, T], axis=1, keepdims=True)
    t_strain = t_size * _unit([0.25, 0.0, 0.55])  # inverted in V1-V3(V4) and III
    d["amp"][:, T] += signs["t_inversion"][:, None] * (t_strain - amp[:, T])
    s1q3 = signs["s1q3t3"][:, None].astype(np.float32)
    d["amp"][:, S] += s1q3 * np.array([-0.35, 0.0, 0.0], np.float32)
    d["amp"][:, Q] += s1q3 * np.array([0.0, -0.22, 0.0], np.float32)
    d["amp"][:, T] += s1q3 * np.array([0.0, -0.12, 0.0], np.float32)
    # Right-axis shift: rotate the R vector by 40 degrees towards +Y in the
    # frontal plane.
    ang = np.deg2rad(40.0)
    rx, ry = amp[:, R, 0], amp[:, R, 1]
    rot = np.stack([rx * np.cos(ang) - ry * np.sin(ang),
                    rx * np.sin(ang) + ry * np.cos(ang)], axis=1)  # fmt: skip
    d["amp"][:, R, :2] += signs["right_axis"][:, None] * (rot - amp[:, R, :2])
    signs["complete_rbbb"] = signs["rbbb"] & (rng.random(n) < 0.35)
    _rbbb(d, amp, signs["rbbb"].astype(np.float32), signs["complete_rbbb"])
    meta = {f"pe_{k}": v for k, v in signs.items()}
    return d, meta


def mi_deviation(amp, hr, rng):
    """Myocardial infarction in one territory: Q waves, lost R, ST/T changes."""
    n = len(hr)
    d = _zeros(n)
    names = np.array(sorted(_TERRITORIES))
    territory = rng.choice(names, n)
    u = _unit(np.array([_TERRITORIES[t] for t in territory]))
    acute = rng.random(n) < 0.5
    d["amp"][:, Q] += -0.35 * u
    d["sigma"][:, Q] += 0.008
    r_toward = np.clip(np.einsum("na,na->n", amp[:, R], u), 0, None)[:, None]
    d["amp"][:, R] += -0.5 * r_toward * u
    d["amp"][:, ST] += np.where(acute, 0.22, 0.0)[:, None] * u
    d["amp"][:, T] += np.where(acute, 0.15, -0.3)[:, None] * u
    return d, {"mi_territory": territory, "mi_acute": acute}


def sttc_deviation(amp, hr, rng):
    """ST depression against the main QRS vector and T flattening or inversion."""
    n = len(hr)
    d = _zeros(n)
    kind = rng.choice(np.array(["st_depression", "t_inversion", "both"]), n)
    st = (kind != "t_inversion")[:, None]
    tw = (kind != "st_depression")[:, None]
    d["amp"][:, ST] += st * -0.12 * _unit(amp[:, R])
    d["amp"][:, T] += tw * -1.4 * amp[:, T] + st * -0.4 * amp[:, T]
    return d, {"sttc_kind": kind}


def cd_deviation(amp, hr, rng):
    """Conduction disturbance: complete RBBB or LBBB (wide QRS, discordant T)."""
    n = len(hr)
    d = _zeros(n)
    lbbb = rng.random(n) < 0.5
    _rbbb(d, amp, (~lbbb).astype(np.float32), np.ones(n, bool))
    lb = lbbb[:, None].astype(np.float32)
    d["amp"][:, Q] += -lb * amp[:, Q]  # no septal q
    d["amp"][:, S] += -lb * amp[:, S]
    d["amp"][:, R] += lb * 0.6 * np.array([0.3, -0.1, 0.9], np.float32)
    d["amp"][:, R2] += lb * np.array([0.5, 0.0, 0.5], np.float32)  # notched R
    d["mu"][:, R] += lb[:, 0] * 0.015
    d["mu"][:, R2] += lb[:, 0] * 0.03
    d["sigma"][:, R] += lb[:, 0] * 0.02
    d["sigma"][:, R2] += lb[:, 0] * 0.01
    d["amp"][:, T] += lb * -1.5 * amp[:, T]
    return d, {"cd_kind": np.where(lbbb, "lbbb", "rbbb")}


def hyp_deviation(amp, hr, rng):
    """Left ventricular hypertrophy: high voltage, leftward-posterior, strain T."""
    n = len(hr)
    d = _zeros(n)
    d["amp"][:, R] += 0.9 * amp[:, R] + np.array([0.2, 0.0, 0.5], np.float32)
    d["amp"][:, S] += 0.8 * amp[:, S]
    strain = rng.random(n) < 0.5
    d["amp"][:, T] += np.where(strain, -1.2, -0.2)[:, None] * amp[:, T]
    d["sigma"][:, P] += 0.008  # left atrial enlargement widens P
    return d, {"hyp_strain": strain}


DEVIATIONS = {
    "pe": pe_deviation,
    "mi": mi_deviation,
    "sttc": sttc_deviation,
    "cd": cd_deviation,
    "hyp": hyp_deviation,
}
CLASSES = ("normal", *DEVIATIONS)
