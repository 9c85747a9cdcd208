"""The Examples sections of the preprocessing docstrings run and give what they say."""

import doctest
import importlib

import pytest

MODULES = ["_base", "_baseline", "_filters", "_normalize", "_resample", "_shape"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"sklearn_ecg.preprocessing.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    if name != "_base":
        assert result.attempted > 0
