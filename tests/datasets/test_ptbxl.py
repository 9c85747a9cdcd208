import os

import numpy as np
import pytest

from sklearn_ecg.datasets import _ptbxl, load_ptbxl


def test_superdiagnostic_labels_values_and_metadata(ptbxl_release):
    ds = load_ptbxl(ptbxl_release, cache=False)
    assert ds.target_names == ["MI", "NORM", "STTC"]
    # Record 4 has no diagnostic statement and is dropped by default.
    np.testing.assert_array_equal(ds.record_ids, [1, 2, 3, 5])
    np.testing.assert_array_equal(
        ds.target, [[0, 1, 0], [1, 0, 1], [1, 0, 0], [0, 1, 0]]
    )
    assert ds.data.dtype == np.float32 and ds.data.shape == (4, 12, 100)
    # Each record was written as N(0, 1) + ecg_id, so its mean identifies it.
    np.testing.assert_allclose(ds.data.mean(axis=(1, 2)), [1, 2, 3, 5], atol=0.2)
    assert ds.sfreq == 100.0
    assert ds.lead_names[:6] == ["I", "II", "III", "aVR", "aVL", "aVF"]
    np.testing.assert_array_equal(ds.strat_fold, [1, 2, 9, 10])
    np.testing.assert_array_equal(ds.patient_ids, [10, 11, 12, 13])
    assert ds.frame.loc[2, "labels"] == ["MI", "STTC"]
    assert ds.frame.loc[2, "scp_codes"]["NDT"] == 100.0


@pytest.mark.parametrize(
    "task, names, ids",
    [
        ("subdiagnostic", ["IMI", "NORM", "STTC"], [1, 2, 3, 5]),
        ("diagnostic", ["IMI", "NDT", "NORM"], [1, 2, 3, 5]),
        ("form", ["LVOLT", "NDT"], [2, 4]),
        ("rhythm", ["SR"], [1, 2, 4]),
        ("all", ["IMI", "LVOLT", "NDT", "NORM", "SR"], [1, 2, 3, 4, 5]),
    ],
)
def test_tasks_aggregate_like_the_benchmark(ptbxl_release, task, names, ids):
    ds = load_ptbxl(ptbxl_release, task=task, cache=False)
    assert ds.target_names == names
    np.testing.assert_array_equal(ds.record_ids, ids)
    assert ds.target.sum(axis=1).min() >= 1


def test_min_likelihood_and_keep_unlabeled(ptbxl_release):
    ds = load_ptbxl(ptbxl_release, min_likelihood=60, cache=False)
    assert ds.frame.loc[2, "labels"] == ["STTC"]  # IMI at 50 % is ignored
    X, y = load_ptbxl(ptbxl_release, drop_unlabeled=False, cache=False, return_X_y=True)
    assert X.shape[0] == 5 and y[3].sum() == 0


def test_500hz_records(ptbxl_release):
    ds = load_ptbxl(ptbxl_release, sampling_rate=500, cache=False)
    assert ds.sfreq == 500.0 and ds.data.shape == (4, 12, 500)


def test_missing_records_raise_or_skip_with_count(ptbxl_release):
    os.remove(ptbxl_release / "records100/00000/00003_lr.dat")
    with pytest.raises(FileNotFoundError, match="1 of 5.*00003_lr.*on_missing='skip'"):
        load_ptbxl(ptbxl_release, cache=False)
    with pytest.warns(UserWarning, match="1 of 5 PTB-XL records"):
        ds = load_ptbxl(ptbxl_release, on_missing="skip", cache=False)
    np.testing.assert_array_equal(ds.record_ids, [1, 2, 5])


def test_bad_input_messages(ptbxl_release, tmp_path):
    with pytest.raises(ValueError, match="task='superclass'.*'superdiagnostic'"):
        load_ptbxl(ptbxl_release, task="superclass")
    with pytest.raises(ValueError, match="No PTB-XL record is left"):
        load_ptbxl(ptbxl_release, task="rhythm", min_likelihood=50, cache=False)
    with pytest.raises(ValueError, match="sampling_rate=250"):
        load_ptbxl(ptbxl_release, sampling_rate=250)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_ptbxl(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="ptbxl_database.csv.*fetch_ptbxl"):
        load_ptbxl(tmp_path / "empty")
    (ptbxl_release / "records100/00000/00002_lr.hea").write_text("garbage header\n")
    with pytest.raises(ValueError, match="00002_lr.*corrupt"):
        load_ptbxl(ptbxl_release, cache=False)


def test_cache_warm_load_skips_decoding_and_invalidates(
    ptbxl_release, tmp_path, monkeypatch, wfdb_writer, ptbxl_leads
):
    cache = tmp_path / "cache"
    cold = load_ptbxl(ptbxl_release, cache=cache)
    assert len(list(cache.glob("*/data.npy"))) == 1

    def fail(path):
        raise AssertionError("warm load decoded a WFDB record")

    with monkeypatch.context() as m:
        m.setattr(_ptbxl, "read_record", fail)
        warm = load_ptbxl(ptbxl_release, cache=cache, mmap_mode="r")
    assert isinstance(warm.data, np.memmap)
    np.testing.assert_array_equal(warm.data, cold.data)
    np.testing.assert_array_equal(warm.target, cold.target)
    assert warm.frame.equals(cold.frame) and warm.target_names == cold.target_names

    # Rewrite one record with other values: the cache must notice.
    rec = ptbxl_release / "records100/00000"
    wfdb_writer(rec, "00001_lr", np.full((100, 12), 7.0), 100, ptbxl_leads)
    os.utime(rec / "00001_lr.dat", ns=(1, 1))
    fresh = load_ptbxl(ptbxl_release, cache=cache)
    np.testing.assert_allclose(fresh.data[0], 7.0)
    # Options are part of the key: another task is a separate entry.
    load_ptbxl(ptbxl_release, cache=cache, task="form")
    assert len(list(cache.glob("*/data.npy"))) == 2


SUBSET_COUNTS = {"NORM": 964, "STTC": 527, "CD": 462, "MI": 262, "HYP": 193}
SUBSET_FOLDS = [169, 188, 179, 188, 185, 188, 185, 160, 183, 194]


@pytest.fixture
def subset_root(shared_data_dir):
    root = shared_data_dir / "ptbxl_subset"
    if not root.is_dir():
        pytest.skip("ptbxl_subset not in the shared data")
    return root


def test_shared_subset_selection_and_labels(subset_root, monkeypatch):
    # Real table, real file checks; decoding stubbed (the slow test decodes).
    leads = ["I", "II", "III", "aVR", "aVL", "aVF"] + [f"V{i}" for i in range(1, 7)]
    monkeypatch.setattr(
        _ptbxl,
        "read_record",
        lambda p: (np.zeros((12, 1000), np.float32), 100.0, leads),
    )
    with pytest.warns(UserWarning, match="20018 of 21837"):
        ds = load_ptbxl(subset_root, on_missing="skip", cache=False)
    assert len(ds.record_ids) == 1819
    assert dict(zip(ds.target_names, ds.target.sum(axis=0))) == SUBSET_COUNTS
    folds = np.bincount(ds.strat_fold, minlength=11)[1:]
    np.testing.assert_array_equal(folds, SUBSET_FOLDS)
    assert ds.frame["patient_id"].notna().all()


@pytest.mark.slow  # decodes all 1,819 shared records (about 10 s of CPU)
def test_shared_subset_full_load(subset_root, tmp_path):
    with pytest.warns(UserWarning, match="20018 of 21837"):
        ds = load_ptbxl(subset_root, on_missing="skip", cache=tmp_path)
    assert ds.data.shape == (1819, 12, 1000) and ds.sfreq == 100.0
    assert dict(zip(ds.target_names, ds.target.sum(axis=0))) == SUBSET_COUNTS
    assert np.isfinite(ds.data).all()
    # z-scored per lead upstream, then resampled: each lead has about unit SD.
    assert 0.8 < np.median(ds.data.std(axis=2)) < 1.2
