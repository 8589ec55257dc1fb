"""The ``>>>`` examples in ``lib``'s docstrings run and print what they say."""

import doctest
import importlib
import pkgutil

import pytest

import lib

MODULES = sorted(module.name for module in pkgutil.iter_modules(lib.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"lib.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, report=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
