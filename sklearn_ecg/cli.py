"""The ``sklearn-ecg`` command: demo, train, evaluate, predict, tune and study.

Run ``sklearn-ecg demo`` for the seed paper's study end to end on synthetic data
(no files, no network), or ``sklearn-ecg COMMAND --help`` for the others. Errors
are reported as one line on stderr with a non-zero exit code; ``--debug`` shows
the full traceback instead.

Exit codes: 0 success, 1 an error inside the computation (or the reader of
stdout closed it, as ``| head`` does: no traceback), 2 a usage or input error
(bad path, unknown model, unreadable config), 130 interrupted.
"""

from __future__ import annotations

import argparse
import io
import os
import sys

from sklearn_ecg import __version__
from sklearn_ecg._cli import _demo, _evaluate, _predict, _study, _train, _tune
from sklearn_ecg._cli._errors import CLIError

__all__ = ["build_parser", "main"]

PROG = "sklearn-ecg"


def _command_modules() -> dict:
    """One module per command, each with ``add_parser(subparsers)`` and ``run``."""
    return {
        "demo": _demo,
        "train": _train,
        "evaluate": _evaluate,
        "predict": _predict,
        "tune": _tune,
        "study": _study,
    }


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line."""

    def error(self, message):
        raise CLIError(f"{message} (see {self.prog} --help)")


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
    for module in _command_modules().values():
        module.add_parser(sub)
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
        from sklearn_ecg._cli._parallel import parallel_context

        with parallel_context(args):  # --n-jobs / --scheduler, where given
            code = int(_command_modules()[args.command].run(args) or 0)
        sys.stdout.flush()  # a closed pipe surfaces here, not at interpreter exit
        return code
    except BrokenPipeError:
        # The reader went away (`sklearn-ecg predict | head`): stop quietly, as
        # Python's documentation recommends ("Note on SIGPIPE").
        _silence_stdout()
        return 1
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


def _silence_stdout() -> None:
    """Point stdout at devnull so that the exit flush raises no second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass  # stdout is not a real file (e.g. captured in tests)


def _error(message: str) -> None:
    # One line, whatever the exception text: multi-line messages are joined.
    line = " ".join(str(message).split())
    print(f"{PROG}: error: {line}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
