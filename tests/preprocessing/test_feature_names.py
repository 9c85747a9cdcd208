"""Feature names and pandas output: leads for 3-D input, time samples for 2-D."""

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

from sklearn_ecg.preprocessing import (
    BandpassFilter,
    FixedLength,
    LeadNormalizer,
    LeadSelector,
    Resampler,
)


def test_3d_pipeline_feature_names_are_the_selected_leads():
    X = np.random.default_rng(0).normal(size=(2, 12, 1000))
    pipe = make_pipeline(
        LeadSelector(leads=["v1", "II"]),
        BandpassFilter(),
        Resampler(),
        FixedLength(150),
    ).fit(X)
    assert list(pipe.get_feature_names_out()) == ["V1", "II"]
    assert pipe.transform(X).shape == (2, 2, 150)


def test_2d_names_follow_the_time_samples():
    X = np.random.default_rng(0).normal(size=(3, 50))
    assert len(BandpassFilter().fit(X).get_feature_names_out()) == 50
    names = Resampler(sfreq_out=100.0).fit(X).get_feature_names_out()
    assert list(names) == [f"resampler{i}" for i in range(10)]
    assert len(FixedLength(n_times=20).fit(X).get_feature_names_out()) == 20


def test_pandas_output_for_2d_input():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(np.random.default_rng(0).normal(size=(4, 30)))
    df.columns = [f"t{i}" for i in range(30)]
    out = LeadNormalizer().set_output(transform="pandas").fit_transform(df)
    assert isinstance(out, pd.DataFrame) and list(out.columns) == list(df.columns)
    np.testing.assert_allclose(out.to_numpy().std(axis=1, ddof=1), 1.0)
