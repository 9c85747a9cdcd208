import hashlib

import numpy as np
import pandas as pd
import pytest

from sklearn_ecg.datasets import load_wfdb_folder
from sklearn_ecg.utils import STANDARD_LEADS

HOSPITAL_LEADS = ["I", "II", "III", "aVR", "aVL", "aVF"] + [
    f"V{i}" for i in range(1, 7)
]


@pytest.fixture
def cohort(tmp_path, wfdb_writer):
    """Six 2-s records at 250 Hz like the seed's PE export, plus a `;` CSV."""
    folder = tmp_path / "all_train_wfdb"
    for k in range(6):
        sig = np.full((500, 12), float(k)) + np.linspace(0, 1, 12)
        wfdb_writer(folder, f"ecg{k}", sig, 250, HOSPITAL_LEADS)
    rows = "".join(f"ecg{k}.xml;{k % 2}\n" for k in range(6))
    (tmp_path / "labels_train.csv").write_text(rows)
    return tmp_path


def snapshot(folder):
    return {
        p.name: (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_seed_pe_layout_semicolon_without_header(cohort):
    before = snapshot(cohort)
    ds = load_wfdb_folder(cohort / "all_train_wfdb", labels=cohort / "labels_train.csv")
    assert ds.data.shape == (6, 12, 500) and ds.data.dtype == np.float32
    np.testing.assert_array_equal(ds.target, [0, 1, 0, 1, 0, 1])
    assert list(ds.record_ids) == [f"ecg{k}" for k in range(6)]
    assert ds.sfreq == 250.0 and ds.lead_names == list(STANDARD_LEADS)
    # Lead j of record k holds k + j / 11: the right record lands in the right row.
    np.testing.assert_allclose(ds.data[:, :, 0], np.arange(6)[:, None]
                               + np.linspace(0, 1, 12), atol=1e-3)  # fmt: skip
    assert ds.patient_ids is None
    assert snapshot(cohort) == before  # the user's files are never modified


@pytest.mark.parametrize("sep", [",", "\t", "|"])
def test_header_named_columns_and_separators(cohort, sep):
    table = pd.DataFrame(
        {
            "file": [f"ecg{k}" for k in range(6)],
            "patient": [1, 1, 2, 2, 3, 3],
            "pe": [0, 1, 0, 1, 1, 1],
            "rbbb": [1, 0, 0, 0, 1, 0],
        }
    )
    csv = cohort / "all_train_wfdb" / "labels.csv"
    table.to_csv(csv, sep=sep, index=False)
    ds = load_wfdb_folder(
        cohort / "all_train_wfdb", labels="labels.csv", record_column="file",
        patient_column="patient", label_columns=["pe", "rbbb"],
    )  # fmt: skip
    assert ds.target.shape == (6, 2) and ds.target_names == ["pe", "rbbb"]
    np.testing.assert_array_equal(ds.patient_ids, [1, 1, 2, 2, 3, 3])
    X, y = load_wfdb_folder(
        cohort / "all_train_wfdb", labels=csv, record_column="file",
        label_columns="pe", return_X_y=True,
    )  # fmt: skip
    np.testing.assert_array_equal(y, table["pe"])


def test_missing_and_corrupt_records_raise_or_skip(cohort):
    folder = cohort / "all_train_wfdb"
    (folder / "ecg2.dat").unlink()
    (folder / "ecg4.hea").write_text("ecg4 12 abc\n")
    with pytest.raises(FileNotFoundError, match="2 record.s. missing.*'ecg2', 'ecg4'"):
        load_wfdb_folder(folder, labels=cohort / "labels_train.csv")
    with pytest.warns(UserWarning, match="Skipped 2.*'ecg2', 'ecg4'"):
        ds = load_wfdb_folder(
            folder, labels=cohort / "labels_train.csv", on_missing="skip"
        )
    assert list(ds.record_ids) == ["ecg0", "ecg1", "ecg3", "ecg5"]
    np.testing.assert_array_equal(ds.target, [0, 1, 1, 1])


def test_bad_tables(cohort, tmp_path):
    folder = cohort / "all_train_wfdb"
    table = pd.DataFrame({"record": ["ecg0", "ecg1"], "y": [0, 1]})
    with pytest.raises(ValueError, match="no label column 'pe'.*'record', 'y'"):
        load_wfdb_folder(folder, labels=table, label_columns="pe")
    with pytest.raises(ValueError, match="no record column 'file'"):
        load_wfdb_folder(folder, labels=table, record_column="file")
    dup = pd.DataFrame({"record": ["ecg0", "ecg1", "ecg0.hea"], "y": [0, 1, 0]})
    with pytest.raises(ValueError, match="row 1: 'ecg0', row 3: 'ecg0'"):
        load_wfdb_folder(folder, labels=dup)
    with pytest.raises(FileNotFoundError, match="Labels file"):
        load_wfdb_folder(folder, labels=tmp_path / "none.csv")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_wfdb_folder(tmp_path / "nope", labels=table)
    empty = tmp_path / "empty.csv"
    empty.write_text("\n")
    with pytest.raises(ValueError, match="is empty"):
        load_wfdb_folder(folder, labels=empty)


def test_mixed_rates_leads_and_lengths(cohort, wfdb_writer):
    folder = cohort / "all_train_wfdb"
    wfdb_writer(folder, "fast", np.ones((1000, 12)), 500, HOSPITAL_LEADS)
    table = pd.DataFrame({"record": ["ecg0", "ecg1", "fast"], "y": [0, 1, 1]})
    with pytest.raises(ValueError, match=r"sampling rate.*250.0: 'ecg0', 'ecg1'.*"
                       r"500.0: 'fast'.*sfreq="):  # fmt: skip
        load_wfdb_folder(folder, labels=table)
    ds = load_wfdb_folder(folder, labels=table, sfreq=100)
    assert ds.data.shape == (3, 12, 200) and ds.sfreq == 100.0
    np.testing.assert_allclose(ds.data[2, :, 50:150], 1.0, atol=0.02)

    wfdb_writer(folder, "short", np.ones((300, 12)), 250, HOSPITAL_LEADS)
    table = pd.DataFrame({"record": ["ecg0", "short"], "y": [0, 1]})
    with pytest.raises(ValueError, match="number of samples.*length="):
        load_wfdb_folder(folder, labels=table)
    ds = load_wfdb_folder(folder, labels=table, length=400)
    assert ds.data.shape == (2, 12, 400) and (ds.data[1, :, 300:] == 0).all()
    assert [x.shape[-1] for x in load_wfdb_folder(
        folder, labels=table, length="list").data] == [500, 300]  # fmt: skip

    wfdb_writer(folder, "sixlead", np.ones((500, 6)), 250, HOSPITAL_LEADS[:6])
    table = pd.DataFrame({"record": ["ecg0", "sixlead"], "y": [0, 1]})
    with pytest.raises(ValueError, match="differ in leads.*'sixlead'"):
        load_wfdb_folder(folder, labels=table)
    ds = load_wfdb_folder(folder, labels=table, leads=["avf", "I"])
    assert ds.lead_names == ["aVF", "I"] and ds.data.shape == (2, 2, 500)
    with pytest.raises(ValueError, match=r"no lead \['V7'\].*unknown lead"):
        load_wfdb_folder(folder, labels=table, leads=["I", "V7"])


def test_ptbdb_record_15_leads_at_1000_hz(shared_data_dir):
    root = shared_data_dir / "ptbdb_sample"
    if not root.is_dir():
        pytest.skip("ptbdb_sample not in the shared data")
    table = pd.DataFrame({"record": ["s0010_re"], "mi": [1]})
    ds = load_wfdb_folder(root, labels=table)
    assert ds.data.shape == (1, 15, 38400) and ds.sfreq == 1000.0
    assert ds.lead_names[12:] == ["vx", "vy", "vz"]
    twelve = load_wfdb_folder(root, labels=table, leads=list(STANDARD_LEADS))
    assert twelve.data.shape == (1, 12, 38400)
    assert twelve.lead_names == list(STANDARD_LEADS)
    np.testing.assert_array_equal(twelve.data[0], ds.data[0, :12])
    # Raw mV: Einthoven's law holds up to the 16-bit quantisation.
    lead_i, lead_ii, lead_iii = twelve.data[0, :3]
    assert np.abs(lead_iii - (lead_ii - lead_i)).mean() < 0.01


def test_truncated_signal_file_is_named(cohort):
    folder = cohort / "all_train_wfdb"
    with open(folder / "ecg3.dat", "r+b") as f:
        f.truncate(300)
    with pytest.raises(ValueError, match="'ecg3'.*corrupt header or signal"):
        load_wfdb_folder(folder, labels=cohort / "labels_train.csv")
