"""Argument groups shared by several commands (general, data, model)."""

from __future__ import annotations

from ._data import DATA_HELP


def add_common_args(p):
    """Add ``--debug``, ``--quiet``, ``--device``, ``--seed`` and ``--threads``."""
    g = p.add_argument_group("general")
    g.add_argument("--debug", action="store_true", help="show full tracebacks")
    g.add_argument("--quiet", action="store_true", help="no progress bars")
    g.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    g.add_argument("--seed", type=int, default=0, help="random_state of everything")
    g.add_argument(
        "--threads",
        type=int,
        help="CPU threads for torch (default: torch's choice); 1 on busy machines",
    )
    return p


def add_data_args(p, *, required=True):
    """Add the data options (``--data``, ``--labels``, ``--split``, ...)."""
    g = p.add_argument_group("data")
    g.add_argument("--data", required=required, metavar="KIND:PATH", help=DATA_HELP)
    g.add_argument("--labels", metavar="CSV", help="labels CSV for --data wfdb:PATH")
    g.add_argument(
        "--label-column",
        action="append",
        dest="label_columns",
        metavar="NAME",
        help="a label column of --labels (repeatable: several give a multi-label "
        "target); needed when the file has other columns, e.g. a covariate",
    )
    g.add_argument(
        "--patient-column",
        metavar="NAME",
        help="patient id column of --labels: a patient's records stay in one fold",
    )
    g.add_argument(
        "--target-column",
        metavar="NAME",
        help="use one label of a multi-label dataset as a binary target",
    )
    g.add_argument(
        "--sfreq", type=float, help="resample every record to this rate (Hz)"
    )
    g.add_argument(
        "--skip-missing",
        action="store_true",
        help="load only the records present on disk (partial copies of a release)",
    )
    g.add_argument(
        "--split",
        choices=("auto", "all", "train", "test"),
        default="auto",
        help="PTB-XL folds: train = 1-9, test = 10 (auto: per command)",
    )


def add_model_args(p):
    """Add ``--model``, ``--pretrained``, ``--set`` and ``--preprocess``."""
    g = p.add_argument_group("model")
    g.add_argument(
        "--model",
        default="resnet1d",
        help="a registered architecture (sklearn_ecg.models.list_models) "
        "or an estimator class name; default resnet1d",
    )
    g.add_argument(
        "--pretrained",
        metavar="CKPT",
        help="fine-tune from this save_pretrained checkpoint",
    )
    g.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        dest="params",
        help="an estimator parameter, e.g. --set max_epochs=30 (repeatable)",
    )
    g.add_argument(
        "--preprocess",
        choices=("default", "none"),
        default="default",
        help="default: 0.5-45 Hz zero-phase band-pass + per-lead z-score",
    )


def add_command(subparsers, name: str, help: str, *, data=False, model=False):
    """Add a sub-parser with the general options (and data/model groups)."""
    p = add_common_args(subparsers.add_parser(name, help=help))
    if data:
        add_data_args(p)
    if model:
        add_model_args(p)
    return p
