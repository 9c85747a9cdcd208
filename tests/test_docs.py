"""The documentation stays true to the code (CI does not build the Sphinx site).

Every ``sklearn_ecg`` object the pages cross-reference must exist, and the
command-line page must mention every subcommand and option of the parser.
"""

import importlib
import re
from pathlib import Path

import pytest

from sklearn_ecg.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "docs").rglob("*.rst"))
PAGES = [p for p in PAGES if "_build" not in p.parts and "gen_modules" not in p.parts]
PAGES = [p for p in PAGES if "auto_examples" not in p.parts and p.name != "api.rst"]
ROLE = re.compile(r":(?:class|func|meth|mod|attr|obj):`~?(sklearn_ecg[\w.]*)`")


def resolve(dotted):
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)


def test_pages_exist():
    names = {p.relative_to(ROOT / "docs").as_posix() for p in PAGES}
    for page in (
        "index.rst", "install.rst", "cli.rst", "user_guide/preprocessing.rst",
        "user_guide/training.rst", "user_guide/transfer.rst", "user_guide/tuning.rst",
        "user_guide/evaluation.rst", "user_guide/reproducing.rst",
        "user_guide/scaling.rst",
    ):  # fmt: skip
        assert page in names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_cross_references_resolve(page):
    text = page.read_text()
    current = re.findall(r"\.\. currentmodule:: (sklearn_ecg[\w.]*)", text)
    targets = ROLE.findall(text)
    # Short references under ".. currentmodule::" (e.g. :class:`BandpassFilter`).
    if current:
        short = re.findall(r":(?:class|func):`~?([A-Za-z_]\w*)`", text)
        targets += [f"{current[0]}.{name}" for name in short]
    missing = []
    for target in targets:
        try:
            resolve(target)
        except (ImportError, AttributeError):
            missing.append(target)
    assert not missing, f"{page.name} references missing objects: {missing}"


def test_cli_page_documents_every_subcommand_and_option():
    text = (ROOT / "docs" / "cli.rst").read_text()
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    missing = []
    for name, subparser in sub.choices.items():
        if f"``{name}``" not in text and f"sklearn-ecg {name}" not in text:
            missing.append(name)
        for action in subparser._actions:
            for option in action.option_strings:
                if option.startswith("--") and option not in ("--help",):
                    if option not in text:
                        missing.append(f"{name} {option}")
    assert not missing, f"docs/cli.rst does not mention: {sorted(set(missing))}"
