"""Labels cells written as 'nan' or 'inf' are bad cells named by line and column."""

import numpy as np
import pytest

from sklearn_ecg.datasets import load_wfdb_folder

from .conftest import write_record


@pytest.fixture
def folder(tmp_path):
    for i in range(3):
        write_record(tmp_path, f"r{i}", np.full((40, 1), 0.1 * i), 500, ["I"])
    return tmp_path


@pytest.mark.parametrize(
    "body, cell",
    [("r0,nan\nr1,1\nr2,0\n", "line 1, column 1: empty"),
     ("r0,1\nr1,-inf\nr2,0\n", "line 2, column 1: -inf is not finite"),
     ("record,a,b\nr0,1,1\nr1,1,0\nr2,0,inf\n",
      "line 4, column 'b': inf is not finite")],
)  # fmt: skip
def test_non_finite_cells_are_named(folder, body, cell):
    (folder / "labels.csv").write_text(body)
    cols = ["a", "b"] if body.startswith("record") else None
    with pytest.raises(ValueError, match=cell):
        load_wfdb_folder(folder, labels="labels.csv", label_columns=cols)


def test_unknown_label_column_names_the_argument(folder):
    (folder / "labels.csv").write_text("r0,1\nr1,1\nr2,0\n")
    with pytest.raises(ValueError, match=r"no label column 'y'.*Pass label_columns="):
        load_wfdb_folder(folder, labels="labels.csv", label_columns="y")
