"""Hostile and careless input to the loaders: headers, labels, rates, duplicates."""

import warnings

import numpy as np
import pandas as pd
import pytest

from sklearn_ecg.datasets import (
    DuplicateSignalWarning,
    load_cpsc2018,
    load_ptbxl,
    load_wfdb_folder,
)
from sklearn_ecg.preprocessing import Resampler

LEADS = ["I", "II", "III", "aVR", "aVL", "aVF"] + [f"V{i}" for i in range(1, 7)]


@pytest.fixture
def folder(tmp_path, wfdb_writer):
    """Four distinct 2-s records at 250 Hz."""
    root = tmp_path / "recs"
    for k in range(4):
        sig = np.sin(np.arange(500)[:, None] / (k + 2.0)) + np.linspace(0, 1, 12)
        wfdb_writer(root, f"r{k}", sig, 250, LEADS)
    return root


def _set_rate(hea, value):
    lines = hea.read_text().splitlines()
    fields = lines[0].split()
    fields[2] = value
    hea.write_text("\n".join([" ".join(fields), *lines[1:]]) + "\n")


@pytest.mark.parametrize("bad", ["0", "-500", "abc", "nan", "inf", "0/1"])
def test_corrupt_header_rate_is_refused(folder, bad):
    _set_rate(folder / "r1.hea", bad)
    table = pd.DataFrame({"record": ["r0", "r1"], "y": [0, 1]})
    with pytest.raises(ValueError, match=rf"r1\.hea.*sampling frequency '{bad}'"):
        load_wfdb_folder(folder, labels=table)


@pytest.mark.parametrize("good, rate", [("500", 500.0), ("500.0", 500.0),
                                        ("257", 257.0), ("360/1", 360.0)])  # fmt: skip
def test_good_header_rates_load(folder, good, rate):
    _set_rate(folder / "r1.hea", good)
    table = pd.DataFrame({"record": ["r1"], "y": [1]})
    assert load_wfdb_folder(folder, labels=table).sfreq == rate


def test_corrupt_header_rate_in_ptbxl_and_cinc(ptbxl_release, tmp_path, wfdb_writer):
    _set_rate(ptbxl_release / "records100/00000/00002_lr.hea", "nan")
    with pytest.raises(ValueError, match=r"00002_lr\.hea.*sampling frequency 'nan'"):
        load_ptbxl(ptbxl_release, cache=False)
    wfdb_writer(tmp_path / "cinc", "A1", np.ones((500, 12)), 500, LEADS)
    _set_rate(tmp_path / "cinc" / "A1.hea", "-500")
    with pytest.raises(ValueError, match=r"A1\.hea.*sampling frequency '-500'"):
        load_cpsc2018(tmp_path / "cinc")


def test_inexact_resampling_ratio_is_refused_like_the_transformer(folder):
    table = pd.DataFrame({"record": ["r0"], "y": [0]})
    with pytest.raises(ValueError, match="not a ratio") as transformer:
        Resampler(sfreq_out=250.0 * 1009 / 1000, sfreq=250.0).fit_transform(
            np.zeros((1, 12, 500), np.float32)
        )
    with pytest.raises(ValueError, match=r"'r0' at 250 Hz cannot be resampled to "
                       r"252.25 Hz.*not a ratio"):  # fmt: skip
        load_wfdb_folder(folder, labels=table, sfreq=252.25)
    assert "252.25" in str(transformer.value)
    ds = load_wfdb_folder(folder, labels=table, sfreq=360.0)  # 36/25: exact
    raw = load_wfdb_folder(folder, labels=table)
    expected = Resampler(sfreq_out=360.0, sfreq=250.0).fit_transform(raw.data)
    np.testing.assert_allclose(ds.data, expected, atol=1e-6)


def test_mixed_rates_and_lengths_name_records_and_library_fix(folder, wfdb_writer):
    wfdb_writer(folder, "fast", np.ones((1000, 12)), 500, LEADS)
    wfdb_writer(folder, "short", np.ones((300, 12)), 250, LEADS)
    table = pd.DataFrame({"record": ["r0", "fast"], "y": [0, 1]})
    with pytest.raises(ValueError, match=r"250.0: 'r0'; 500.0: 'fast'.*sfreq=.*"
                       "Resampler"):  # fmt: skip
        load_wfdb_folder(folder, labels=table)
    table = pd.DataFrame({"record": ["r0", "short"], "y": [0, 1]})
    with pytest.raises(ValueError, match=r"500: 'r0'; 300: 'short'.*length=<n_sam"
                       r".*FixedLength") as info:  # fmt: skip
        load_wfdb_folder(folder, labels=table)
    assert "--" not in str(info.value)  # no CLI option is suggested


def test_garbage_files_give_one_line_errors(folder, tmp_path):
    (folder / "r2.dat").write_bytes(b"\x00\xff" * 3)
    with pytest.raises(ValueError, match="'r2'.*corrupt header or signal"):
        load_wfdb_folder(folder, labels=pd.DataFrame({"r": ["r2"], "y": [1]}))
    garbage = tmp_path / "labels.csv"
    garbage.write_bytes(bytes(range(256)))
    with pytest.raises(ValueError, match="not a text CSV"):
        load_wfdb_folder(folder, labels=garbage)


def write(tmp_path, text, name="labels.csv"):
    (tmp_path / name).write_text(text)
    return tmp_path / name


def test_covariate_column_is_refused_not_a_second_label(folder, tmp_path):
    csv = write(tmp_path, "record,pe,sex\nr0,0,1\nr1,1,0\nr2,0,0\nr3,1,1\n")
    with pytest.raises(ValueError, match=r"several columns.*\['pe', 'sex'\].*"
                       r"label_columns=\['pe'\].*--label-column pe"):  # fmt: skip
        load_wfdb_folder(folder, labels=csv)
    ds = load_wfdb_folder(folder, labels=csv, label_columns=["pe"])
    assert ds.target.shape == (4,) and list(ds.target) == [0, 1, 0, 1]
    assert ds.lead_names == LEADS and ds.sfreq == 250.0
    assert list(ds.record_ids) == ["r0", "r1", "r2", "r3"]
    two = load_wfdb_folder(folder, labels=csv, label_columns=["pe", "sex"])
    assert two.target.shape == (4, 2) and two.target_names == ["pe", "sex"]


@pytest.mark.parametrize("text", [
    "record,label\nr0,PE\nr1,noPE\nr2,PE\n",   # string labels: record cell rule
    "record;label\nr0;1\nr1;0\nr2;1\n",        # numeric labels: numeric column rule
    "rec,label\nr0.xml,PE\nr1.xml,noPE\nr2.xml,PE\n",
])  # fmt: skip
def test_header_detection(folder, tmp_path, text):
    ds = load_wfdb_folder(folder, labels=write(tmp_path, text))
    assert list(ds.record_ids) == ["r0", "r1", "r2"] and ds.target_names[0] != "label"
    assert list(ds.frame.columns)[-1] == "label"


def test_headerless_file_stays_data(folder, tmp_path):
    ds = load_wfdb_folder(folder, labels=write(tmp_path, "r0;A\nr1;B\nr3;A\n"))
    assert list(ds.record_ids) == ["r0", "r1", "r3"]
    assert list(ds.target) == ["A", "B", "A"]


def test_bad_cells_are_named_by_line_and_column(folder, tmp_path):
    csv = write(tmp_path, "record,pe,rbbb\nr0,1,0\n\nr1,,1\nr2,2,0\nr3,1,\n")
    with pytest.raises(ValueError, match=r"3 bad cell.*line 4, column 'pe': empty; "
                       r"line 5, column 'pe': 2 is not 0 or 1; line 6, column 'rbbb'"
                       r": empty"):  # fmt: skip
        load_wfdb_folder(folder, labels=csv, label_columns=["pe", "rbbb"])
    single = write(tmp_path, "r0;1\nr1;\nr2;0\n", "single.csv")
    with pytest.raises(ValueError, match="line 2, column 1: empty"):
        load_wfdb_folder(folder, labels=single)


def test_record_column_only_and_outside_names(folder, tmp_path):
    only = write(tmp_path, "r0\nr1\nr2\n")
    with pytest.raises(ValueError, match="single column.*no label"):
        load_wfdb_folder(folder, labels=only)
    with pytest.raises(ValueError, match="only the record column"):
        load_wfdb_folder(folder, labels=pd.DataFrame({"record": ["r0"]}))
    (tmp_path / "x.hea").write_text("x 1 250 10\n")  # exists, but outside `folder`
    for name in ["../x", str(tmp_path / "x"), "sub\\..\\..\\x"]:
        table = pd.DataFrame({"record": ["r0", name], "y": [0, 1]})
        with pytest.raises(ValueError, match=r"row 2, column 'record'.*outside"):
            load_wfdb_folder(folder, labels=table)


def test_string_patient_ids_and_groups(folder, tmp_path):
    csv = write(tmp_path, "record,patient,pe\nr0,p0,0\nr1,p1,1\nr2,p0,1\nr3,p2,0\n")
    ds = load_wfdb_folder(folder, labels=csv, patient_column="patient")
    assert list(ds.patient_ids) == ["p0", "p1", "p0", "p2"]
    assert list(ds.groups) == [0, 1, 0, 2]
    with pytest.raises(ValueError, match="line 3, column 'patient': empty"):
        load_wfdb_folder(folder, patient_column="patient", labels=write(
            tmp_path, "record,patient,pe\nr0,p0,0\nr1,,1\n", "b.csv"))  # fmt: skip


def test_duplicate_signals_share_a_group(folder, wfdb_writer):
    sig = np.sin(np.arange(500)[:, None] / 2.0) + np.linspace(0, 1, 12)
    wfdb_writer(folder, "copy", sig, 250, LEADS)  # same signal as r0
    table = pd.DataFrame({"record": ["r0", "r1", "copy", "r3"], "y": [0, 1, 0, 1],
                          "pid": [7, 8, 9, 8]})  # fmt: skip
    with pytest.warns(DuplicateSignalWarning, match="'r0', 'copy'"):
        ds = load_wfdb_folder(folder, labels=table, label_columns="y",
                              patient_column="pid")  # fmt: skip
    assert list(ds.groups) == [0, 1, 0, 1]  # copy joins r0; r1 and r3 share pid 8
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_wfdb_folder(folder, labels=table.iloc[[0, 1]], label_columns="y")


def test_ptbxl_patient_ids_and_groups(ptbxl_release):
    with warnings.catch_warnings():
        warnings.simplefilter("error", DuplicateSignalWarning)
        ds = load_ptbxl(ptbxl_release, cache=False)
    assert list(ds.patient_ids) == [10, 11, 12, 13]
    assert list(ds.groups) == [0, 1, 2, 3]


def test_cinc_sample_duplicate_pair_is_found(shared_data_dir):
    root = shared_data_dir / "cinc2021_sample"
    if not root.is_dir():
        pytest.skip("cinc2021_sample not in the shared data")
    with pytest.warns(DuplicateSignalWarning, match="E07509.*E07510") as record:
        ds = load_cpsc2018(root)
    assert sum(issubclass(w.category, DuplicateSignalWarning) for w in record) == 1
    ids = list(ds.record_ids)
    i, j = ids.index("records/E07509"), ids.index("records/E07510")
    assert ds.groups[i] == ds.groups[j]
    assert len(np.unique(ds.groups)) == 59 and ds.patient_ids is None


def test_missing_first_record_is_not_taken_for_a_header(folder, tmp_path):
    csv = write(tmp_path, "gone.xml;0\nr1.xml;1\nr2.xml;0\n")
    with pytest.raises(FileNotFoundError, match="'gone'"):
        load_wfdb_folder(folder, labels=csv)
    ds = load_wfdb_folder(folder, labels=write(tmp_path, "r0;x\nr1;0\nr2;1\n", "b.csv"))
    assert list(ds.record_ids) == ["r0", "r1", "r2"]  # row 1 names a record: data


def test_signal_hash_ignores_float_width_but_not_content_or_shape():
    from sklearn_ecg.datasets._io import signal_hash

    x = np.random.default_rng(0).normal(size=(12, 100))
    assert signal_hash(x) == signal_hash(x.astype(np.float32))
    assert signal_hash(x) != signal_hash(x.reshape(6, 200))
    y = x.copy()
    y[3, 7] += 1e-3
    assert signal_hash(x) != signal_hash(y)
