"""lib.validation: the one home of argument checks, and the rule that keeps it so."""

import importlib
import inspect
import pkgutil
import re

import numpy as np
import pytest

import lib
from lib import validation
from lib.data import load_digits

#: Argument checks of one module's own domain that still live beside their code. The list may
#: only shrink: a new shared check goes into lib.validation.
NOT_YET_IN_VALIDATION = {
    "lib.comparison._as_init",
    "lib.comparison._as_names",
    "lib.data._check_test_size",
    "lib.initializers.as_initializer",
    "lib.plots._base._check_series",
    "lib.plots.activations._check_activations",
    "lib.plots.curves._check_runs",
    "lib.plots.diagrams._check_cell_text",
    "lib.plots.histograms._check_histogram_options",
    "lib.plots.images._check_images",
}
CHECK_NAME = re.compile(r"^_?(as|check)_")


def _modules():
    for info in pkgutil.walk_packages(lib.__path__, prefix="lib."):
        yield importlib.import_module(info.name)


def test_argument_checks_live_in_validation():
    found = set()
    for module in _modules():
        # lib.checks' check_* functions check students' answers, not arguments.
        if module.__name__ == "lib.validation" or module.__name__.startswith("lib.checks"):
            continue
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and CHECK_NAME.match(name):
                found.add(f"{module.__name__}.{name}")
    assert found <= NOT_YET_IN_VALIDATION, (
        f"move into lib.validation: {found - NOT_YET_IN_VALIDATION}"
    )


def test_as_layer_sizes():
    assert validation.as_layer_sizes([64, np.int64(10)]) == (64, 10)
    for bad in ("64", [64], [64, 0], [64, 2.0]):
        with pytest.raises(ValueError, match="layer_sizes"):
            validation.as_layer_sizes(bad)
    with pytest.raises(ValueError, match=r"\(visible, hidden"):
        validation.as_layer_sizes([3], what="(visible, hidden, ...)")


def test_as_parameter_copies_and_checks():
    value = np.ones((2, 3))
    checked = validation.as_parameter("W", value, (2, 3))
    value[0, 0] = 5.0
    assert checked[0, 0] == 1.0
    with pytest.raises(ValueError, match=r"W must have shape \(3, 2\)"):
        validation.as_parameter("W", value, (3, 2))
    with pytest.raises(ValueError, match="NaN or inf"):
        validation.as_parameter("b", [np.nan], (1,))
    with pytest.raises(ValueError, match=r"weights\[1\] \(layer 1\) must have shape"):
        validation.as_parameter_list("weights", [np.ones((2, 3)), np.ones(2)], [(2, 3), (3,)])


def test_seeds_data_choices_and_text():
    assert validation.as_seeds(range(3)) == (0, 1, 2)
    for bad in ([], "01", [0.5], [-1]):
        with pytest.raises(ValueError, match="seeds"):
            validation.as_seeds(bad)
    data = load_digits()
    assert validation.as_dataset(data) is data
    with pytest.raises(ValueError, match="Dataset"):
        validation.as_dataset((data.x_train, data.y_train))
    validation.check_choice("a", ("a", "b"), "kind")
    with pytest.raises(ValueError, match=r"kind must be one of \('a', 'b'\), got 'c'"):
        validation.check_choice("c", ("a", "b"), "kind")
    validation.check_text(None, "title")
    with pytest.raises(ValueError, match="title must be a string"):
        validation.check_text(None, "title", optional=False)
