import numpy as np
import pytest

from sklearn_ecg.plotting import plot_ecg


@pytest.fixture(scope="module")
def record():
    t = np.arange(5000) / 500
    # Each lead gets its own amplitude so segments can be told apart.
    return np.array([np.sin(2 * np.pi * t) * (0.1 * (i + 1)) for i in range(12)])


def test_clinical_layout_geometry(record, tmp_path):
    fig = plot_ecg(record, sfreq=500)
    (ax,) = fig.axes
    assert len(ax.lines) == 13  # 12 leads x 2.5 s + the lead II rhythm strip
    assert ax.get_xlim() == pytest.approx((0, 250))  # 10 s at 25 mm/s
    assert ax.get_ylim() == pytest.approx((0, 120))  # 4 rows of 30 mm
    # Column 2 row 1 is aVL (index 4): 2.5 s wide starting at 62.5 mm,
    # peak-to-peak 2 * 0.5 mV * 10 mm/mV = 10 mm.
    avl = ax.lines[4]
    x, y = avl.get_data()
    assert x[0] == pytest.approx(62.5) and x[-1] == pytest.approx(125, abs=0.1)
    assert np.ptp(y) == pytest.approx(10, rel=1e-3)
    labels = [t.get_text() for t in ax.texts]
    assert labels[:3] == ["I", "II", "III"] and labels[-1] == "II"
    # Grid: 1 mm and 5 mm line collections in red tones.
    minor, major = ax.collections
    assert len(minor.get_segments()) == 251 + 121
    assert len(major.get_segments()) == 51 + 25
    path = tmp_path / "ecg.png"
    fig.savefig(path, dpi=60)
    assert path.stat().st_size > 10_000


def test_rows_layout_and_gain(record):
    fig = plot_ecg(record[:3], sfreq=500, gain=20, speed=50, rhythm_lead=None)
    ax = fig.axes[0]
    assert len(ax.lines) == 3
    assert ax.get_xlim() == pytest.approx((0, 500))
    assert np.ptp(ax.lines[2].get_data()[1]) == pytest.approx(2 * 0.3 * 20, rel=1e-3)
    assert [t.get_text() for t in ax.texts] == ["lead 0", "lead 1", "lead 2"]


def test_errors_name_the_fix(record):
    with pytest.raises(ValueError, match="one record"):
        plot_ecg(record[None].repeat(2, 0))
    with pytest.raises(ValueError, match="layout='rows'"):
        plot_ecg(record[:3], layout="3x4")
    with pytest.raises(ValueError, match="rhythm_lead"):
        plot_ecg(record, rhythm_lead="V7")
    with pytest.raises(ValueError, match="one name per lead"):
        plot_ecg(record, lead_names=["I"])


def test_missing_matplotlib_names_the_extra(monkeypatch):
    import sys

    from sklearn_ecg.plotting._utils import require_matplotlib

    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"sklearn-ecg\[plot\]"):
        require_matplotlib()


def test_real_ptbxl_record_in_mv(shared_data_dir, tmp_path):
    wfdb = pytest.importorskip("wfdb")
    path = shared_data_dir / "cinc2021_sample" / "records" / "HR06000"
    signal, fields = wfdb.rdsamp(str(path))
    ecg = signal.T  # (n_leads, n_times), raw mV
    fig = plot_ecg(ecg, sfreq=fields["fs"], lead_names=fields["sig_name"])
    ax = fig.axes[0]
    assert len(ax.lines) == 13
    # The rhythm strip is lead II at 10 mm/mV over the full 10 s.
    x, y = ax.lines[-1].get_data()
    assert x[-1] == pytest.approx(250, abs=0.1)
    lead_ii = ecg[fields["sig_name"].index("II")]
    assert np.ptp(y) == pytest.approx(10 * np.ptp(lead_ii))
    fig.savefig(tmp_path / "hr06000.png", dpi=80)
    assert (tmp_path / "hr06000.png").stat().st_size > 30_000


def test_import_does_not_load_matplotlib_or_onnx():
    import subprocess
    import sys

    code = (
        "import sys, sklearn_ecg.plotting, sklearn_ecg.metrics, "
        "sklearn_ecg.classifiers; "
        "print('matplotlib' in sys.modules, 'onnx' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False"]
