"""The design card's pipeline on real PTB-XL records (skipped without the data)."""

import numpy as np
import pytest
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline

from sklearn_ecg.classifiers import ECGResNetClassifier


@pytest.mark.slow
def test_bandpass_resnet_pipeline_beats_chance_on_ptbxl(shared_data_dir):
    from sklearn_ecg.datasets import load_ptbxl
    from sklearn_ecg.preprocessing import BandpassFilter

    ds = load_ptbxl(shared_data_dir / "ptbxl_subset", on_missing="skip", cache=False)
    y_all = ds.target[:, list(ds.target_names).index("NORM")]
    # A class-balanced random subset keeps the test to well under a minute.
    rng = np.random.default_rng(0)
    idx = np.concatenate(
        [rng.choice(np.flatnonzero(y_all == c), 250, replace=False) for c in (0, 1)]
    )
    X, y = ds.data[idx], y_all[idx]
    pipe = Pipeline(
        [
            ("filt", BandpassFilter(low_freq=0.5, high_freq=40.0, sfreq=ds.sfreq)),
            (
                "clf",
                ECGResNetClassifier(
                    base_width=8, max_epochs=8, lr=3e-3, sfreq=ds.sfreq, random_state=0
                ),
            ),
        ]
    )
    scores = cross_val_score(
        pipe,
        X,
        y,
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
        scoring="roc_auc",
    )
    # NORM vs rest is an easy PTB-XL task; chance is 0.5.
    assert scores.mean() > 0.75, scores
