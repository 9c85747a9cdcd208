"""Fixtures writing miniature WFDB datasets into tmp_path with wfdb.wrsamp."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import wfdb

LEADS_PTBXL = ["I", "II", "III", "AVR", "AVL", "AVF"] + [f"V{i}" for i in range(1, 7)]

SCP_STATEMENTS = pd.DataFrame(
    {
        "description": ["normal", "inferior MI", "non-diag T", "sinus rhythm", "low V"],
        "diagnostic": [1.0, 1.0, 1.0, np.nan, np.nan],
        "form": [np.nan, np.nan, 1.0, np.nan, 1.0],
        "rhythm": [np.nan, np.nan, np.nan, 1.0, np.nan],
        "diagnostic_class": ["NORM", "MI", "STTC", np.nan, np.nan],
        "diagnostic_subclass": ["NORM", "IMI", "STTC", np.nan, np.nan],
    },
    index=pd.Index(["NORM", "IMI", "NDT", "SR", "LVOLT"]),
)

# ecg_id -> (scp_codes, strat_fold, patient_id)
PTBXL_ROWS = {
    1: ({"NORM": 100.0, "SR": 0.0}, 1, 10.0),
    2: ({"IMI": 50.0, "NDT": 100.0, "SR": 0.0}, 2, 11.0),
    3: ({"IMI": 100.0}, 9, 12.0),
    4: ({"SR": 0.0, "LVOLT": 0.0}, 10, 12.0),  # no diagnostic statement
    5: ({"NORM": 80.0}, 10, 13.0),
}


def write_record(folder, name, signal, sfreq, leads, units="mV", fmt="16"):
    """Write one WFDB record (signal is (n_times, n_leads)) and return its path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    wfdb.wrsamp(
        name,
        fs=sfreq,
        units=[units] * len(leads),
        sig_name=list(leads),
        p_signal=np.asarray(signal, dtype=np.float64),
        fmt=[fmt] * len(leads),
        write_dir=str(folder),
    )
    return folder / name


def make_ptbxl_release(root, n_times=(100, 500), seed=0):
    """Write a 5-record PTB-XL release (100 and 500 Hz) under ``root``."""
    root = Path(root)
    rng = np.random.default_rng(seed)
    rows = []
    for ecg_id, (codes, fold, patient) in PTBXL_ROWS.items():
        lr = f"records100/00000/{ecg_id:05d}_lr"
        hr = f"records500/00000/{ecg_id:05d}_hr"
        for rel, sfreq, n in ((lr, 100, n_times[0]), (hr, 500, n_times[1])):
            sig = np.round(rng.normal(size=(n, 12)), 3) + ecg_id
            write_record(
                root / Path(rel).parent, Path(rel).name, sig, sfreq, LEADS_PTBXL
            )
        rows.append(
            {
                "ecg_id": ecg_id,
                "patient_id": patient,
                "age": 50.0 + ecg_id,
                "scp_codes": repr(codes),
                "strat_fold": fold,
                "filename_lr": lr,
                "filename_hr": hr,
            }
        )
    pd.DataFrame(rows).to_csv(root / "ptbxl_database.csv", index=False)
    SCP_STATEMENTS.to_csv(root / "scp_statements.csv")
    return root


@pytest.fixture
def ptbxl_release(tmp_path):
    return make_ptbxl_release(tmp_path / "ptbxl")


@pytest.fixture
def wfdb_writer():
    """``write_record`` as a fixture: importlib mode cannot import conftest."""
    return write_record


@pytest.fixture
def ptbxl_leads():
    return list(LEADS_PTBXL)
