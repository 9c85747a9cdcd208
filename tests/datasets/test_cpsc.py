import numpy as np
import pandas as pd
import pytest
import wfdb
from scipy.io import savemat

from sklearn_ecg.datasets import CPSC_CLASSES, load_cpsc2018

LEADS = ["I", "II", "III", "aVR", "aVL", "aVF"] + [f"V{i}" for i in range(1, 7)]

# Challenge abbreviations (labels.csv) of the codes mapped to each CPSC class.
ABBREV_TO_CPSC = {
    "NSR": "SNR", "AF": "AF", "IAVB": "IAVB", "LBBB": "LBBB", "CLBBB": "LBBB",
    "RBBB": "RBBB", "CRBBB": "RBBB", "PAC": "PAC", "SVPB": "PAC", "PVC": "PVC",
    "VPB": "PVC", "VEB": "PVC", "STD": "STD", "STE": "STE",
}  # fmt: skip


@pytest.fixture(scope="module")
def cinc(shared_data_dir):
    root = shared_data_dir / "cinc2021_sample"
    if not root.is_dir():
        pytest.skip("cinc2021_sample not in the shared data")
    return root, load_cpsc2018(root), pd.read_csv(root / "labels.csv")


def test_cinc_sample_60_records_and_labels(cinc):
    root, ds, table = cinc
    assert ds.data.shape == (60, 12, 5000) and ds.sfreq == 500.0
    assert ds.target_names == list(CPSC_CLASSES)
    table = table.set_index("records/" + table["record"])
    assert list(ds.record_ids) == list(table.index)
    for rid, dx in ds.frame["dx"].items():  # every SNOMED code is kept
        assert "|".join(dx) == table.loc[rid, "dx_snomed"]
    expected = {c: 0 for c in CPSC_CLASSES}
    for abbrevs in table["dx_abbrev"]:
        for c in {ABBREV_TO_CPSC[a] for a in abbrevs.split("|") if a in ABBREV_TO_CPSC}:
            expected[c] += 1
    assert dict(zip(ds.target_names, ds.target.sum(axis=0).tolist())) == expected
    assert expected["SNR"] == 16 and expected["PAC"] == 20
    np.testing.assert_array_equal(ds.frame["n_times"], table["n_samples"])
    assert ds.frame.loc["records/A0001", "age"] == 74


def test_cinc_length_policy(cinc):
    root, ds, table = cinc
    raw, _ = wfdb.rdsamp(str(root / "records" / "A0005"))  # 25 s record
    np.testing.assert_allclose(ds.data[4], raw[:5000].T, atol=1e-6)
    uncut = load_cpsc2018(root, length="list")
    assert [x.shape[-1] for x in uncut.data] == table["n_samples"].tolist()
    with pytest.raises(ValueError, match="number of samples.*'records/A0001'"):
        load_cpsc2018(root, length=None)
    snomed = load_cpsc2018(root, classes="snomed", drop_unlabeled=True, sfreq=100.0)
    assert len(snomed.target_names) == 28 and snomed.data.shape[-1] == 5000


def write_original(root, records):
    root.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, n, labels in records:
        data = np.tile(np.linspace(-1, 1, n), (12, 1)) * (1 + np.arange(12))[:, None]
        savemat(root / f"{name}.mat", {"ECG": {"sex": "Male", "age": 60, "data": data}})
        rows.append([name, *labels, *[""] * (3 - len(labels))])
    pd.DataFrame(
        rows, columns=["Recording", "First_label", "Second_label", "Third_label"]
    ).to_csv(root / "REFERENCE.csv", index=False)
    return root


def test_original_layout(tmp_path):
    root = write_original(
        tmp_path / "TrainingSet",
        [("A0001", 6000, [5]), ("A0002", 4000, [1]), ("A0003", 5000, [2, 7])],
    )
    ds = load_cpsc2018(root)
    assert ds.data.shape == (3, 12, 5000)
    names = ds.target_names
    assert ds.target[0, names.index("RBBB")] == 1 and ds.target[0].sum() == 1
    assert ds.target[2, [names.index("AF"), names.index("PVC")]].tolist() == [1, 1]
    assert (ds.data[1, :, 4000:] == 0).all()  # short record zero-padded
    np.testing.assert_allclose(ds.data[2, 3, [0, -1]], [-4, 4], atol=1e-5)
    assert ds.frame.loc["A0001", "n_times"] == 6000


def test_original_layout_bad_input(tmp_path):
    root = write_original(tmp_path / "t", [("A0001", 5000, [5]), ("A0002", 5000, [1])])
    (root / "A0002.mat").write_bytes(b"not a mat file")
    with pytest.raises(ValueError, match="A0002.*corrupt"):
        load_cpsc2018(root)
    (root / "A0002.mat").unlink()
    with pytest.raises(FileNotFoundError, match="A0002"):
        load_cpsc2018(root)
    with pytest.warns(UserWarning, match="Skipped 1.*'A0002'"):
        assert load_cpsc2018(root, on_missing="skip").data.shape[0] == 1
    write_original(tmp_path / "b", [("A0001", 5000, [12])])
    with pytest.raises(ValueError, match="'A0001'.*integers 1-9"):
        load_cpsc2018(tmp_path / "b")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="neither WFDB headers"):
        load_cpsc2018(tmp_path / "empty")
    with pytest.raises(ValueError, match="classes='pe'"):
        load_cpsc2018(root, classes="pe", on_missing="skip")


def test_cinc_layout_equivalent_codes(tmp_path):
    sig = np.zeros((3000, 12))
    for name, dx in (("Q0001", "713427006,164889003"), ("Q0002", "251146004")):
        wfdb.wrsamp(
            name, fs=500, units=["mV"] * 12, sig_name=LEADS, p_signal=sig,
            fmt=["16"] * 12, write_dir=str(tmp_path),
            comments=["Age: 50", "Sex: Female", f"Dx: {dx}"],
        )  # fmt: skip
    ds = load_cpsc2018(tmp_path)
    assert ds.target[0].tolist() == [0, 1, 0, 0, 1, 0, 0, 0, 0]  # AF + (C)RBBB
    assert ds.target[1].sum() == 0 and ds.frame["sex"].tolist() == ["Female"] * 2
    assert load_cpsc2018(tmp_path, drop_unlabeled=True).data.shape[0] == 1
    codes = load_cpsc2018(tmp_path, classes=["251146004"])
    assert codes.target[:, 0].tolist() == [0, 1]
