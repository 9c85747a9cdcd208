"""The standard chain on real, variable-length CinC 2021 records (500 Hz, mV)."""

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

from sklearn_ecg.preprocessing import (
    BandpassFilter,
    FixedLength,
    LeadNormalizer,
    LeadSelector,
    NotchFilter,
    Resampler,
)


@pytest.fixture(scope="module")
def cinc_records(shared_data_dir):
    wfdb = pytest.importorskip("wfdb")
    folder = shared_data_dir / "cinc2021_sample" / "records"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    names = sorted(p.stem for p in folder.glob("*.hea"))[:12]  # includes 10-25 s
    records = []
    for name in names:
        signal, fields = wfdb.rdsamp(str(folder / name))
        assert fields["fs"] == 500 and fields["n_sig"] == 12
        records.append(signal.T.astype(np.float32))  # (12, n_times), mV
    return records


def test_chain_on_cinc2021_gives_finite_float32(cinc_records):
    lengths = {r.shape[1] for r in cinc_records}
    assert len(lengths) > 1  # really variable length
    pipe = make_pipeline(
        FixedLength(n_times=5000),
        BandpassFilter(),
        NotchFilter(),
        Resampler(sfreq_out=100.0),
        LeadNormalizer(),
    )
    X = pipe.fit_transform(cinc_records)
    assert X.shape == (len(cinc_records), 12, 1000)
    assert X.dtype == np.float32
    assert np.isfinite(X).all()
    # z-scored leads: mean 0, unbiased std 1 (flat leads would be 0).
    np.testing.assert_allclose(X.mean(-1), 0.0, atol=1e-4)
    std = X.std(-1, ddof=1)
    assert np.all((np.abs(std - 1) < 1e-3) | (std < 1e-6))


def test_lead_selector_on_real_records(cinc_records):
    X = FixedLength(n_times=2500).fit_transform(cinc_records[:3])
    out = LeadSelector(leads=["avr", "V6"]).fit_transform(X)
    np.testing.assert_array_equal(out, X[:, [3, 11]])
