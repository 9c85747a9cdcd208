"""The ``sklearn-ecg`` command: demo, train, evaluate, predict, tune and study.

Run ``sklearn-ecg demo`` for the seed paper's study end to end on synthetic data
(no files, no network), or ``sklearn-ecg COMMAND --help`` for the others. Errors
are reported as one line on stderr with a non-zero exit code; ``--debug`` shows
the full traceback instead.

Exit codes: 0 success, 1 an error inside the computation, 2 a usage or input
error (bad path, unknown model, unreadable config), 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys

from sklearn_ecg import __version__
from sklearn_ecg._cli._data import DATA_HELP
from sklearn_ecg._cli._errors import CLIError
from sklearn_ecg._cli._model_io import ALLOW_PICKLE_HELP

__all__ = ["build_parser", "main"]

PROG = "sklearn-ecg"


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line."""

    def error(self, message):
        raise CLIError(f"{message} (see {self.prog} --help)")


def _common(p):
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


def _data_args(p, *, required=True):
    g = p.add_argument_group("data")
    g.add_argument("--data", required=required, metavar="KIND:PATH", help=DATA_HELP)
    g.add_argument("--labels", metavar="CSV", help="labels CSV for --data wfdb:PATH")
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


def _model_args(p):
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


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of the ``sklearn-ecg`` command.

    Returns
    -------
    parser : argparse.ArgumentParser
        The parser, with one sub-parser per subcommand.

    Examples
    --------
    >>> from sklearn_ecg.cli import build_parser
    >>> build_parser().parse_args(["demo", "--quick"]).command
    'demo'
    """
    parser = _Parser(prog=PROG, description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = _common(sub.add_parser("demo", help="the seed paper's study on synthetic data"))
    p.add_argument("--out", default="sklearn-ecg-demo", help="report folder")
    p.add_argument("--quick", action="store_true", help="a ~30 s smoke-test version")

    p = _common(sub.add_parser("train", help="fit a model and save it"))
    _data_args(p)
    _model_args(p)
    p.add_argument("--out", required=True, help="folder for model.pt and results")

    p = _common(
        sub.add_parser("evaluate", help="repeated CV, or score a trained model")
    )
    _data_args(p)
    _model_args(p)
    p.add_argument(
        "--model-file",
        metavar="CKPT",
        help="score this trained model instead of cross-validating --model",
    )
    p.add_argument("--allow-pickle", action="store_true", help=ALLOW_PICKLE_HELP)
    p.add_argument("--n-splits", type=int, default=5)
    p.add_argument("--n-repeats", type=int, default=2)
    p.add_argument("--n-bootstrap", type=int, default=1000)
    p.add_argument("--out", required=True, help="report folder")

    p = _common(sub.add_parser("predict", help="probabilities from a trained model"))
    _data_args(p)
    p.add_argument("--model-file", required=True, metavar="CKPT")
    p.add_argument("--allow-pickle", action="store_true", help=ALLOW_PICKLE_HELP)
    p.add_argument("--out", help="folder for predictions.csv (default: stdout)")

    p = _common(sub.add_parser("tune", help="Optuna search of hyper-parameters"))
    _data_args(p)
    _model_args(p)
    p.add_argument("--n-trials", type=int, default=20)
    p.add_argument("--timeout", type=float, help="seconds")
    p.add_argument("--cv", type=int, default=3, help="inner CV folds")
    p.add_argument("--storage", help="Optuna storage URL (sqlite:///study.db, ...)")
    p.add_argument("--study-name", help="resume or share this study")
    p.add_argument("--out", required=True, help="folder for best_params.json etc.")

    p = _common(
        sub.add_parser("study", help="architectures x scratch/warm from a config")
    )
    p.add_argument("config", help="a JSON or TOML study file (see the docs)")
    p.add_argument("--out", help="report folder (overrides the config's out)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``sklearn-ecg`` command.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments; ``sys.argv[1:]`` when None.

    Returns
    -------
    code : int
        The exit status: 0 on success, 1 for a failure during the computation,
        2 for a usage or input error, 130 when interrupted.

    Examples
    --------
    >>> from sklearn_ecg.cli import main
    >>> main(["predict", "--data", "nope:x", "--model-file", "m.pt"])
    2
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        args = build_parser().parse_args(argv)
        from sklearn_ecg._cli import _progress

        _progress.set_enabled(not args.quiet)
        if getattr(args, "threads", None):
            import torch

            torch.set_num_threads(max(1, args.threads))
        from sklearn_ecg._cli._commands import COMMANDS

        return int(COMMANDS[args.command](args) or 0)
    except CLIError as exc:
        if debug:
            raise
        _error(str(exc))
        return 2
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except Exception as exc:  # noqa: BLE001 - the command's promise: no traceback
        if debug:
            raise
        _error(f"{type(exc).__name__}: {exc} (rerun with --debug for the traceback)")
        return 1


def _error(message: str) -> None:
    # One line, whatever the exception text: multi-line messages are joined.
    line = " ".join(str(message).split())
    print(f"{PROG}: error: {line}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
