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

CHECK_NAME = re.compile(r"^_?(as|check)_")


def _modules():
    for info in pkgutil.walk_packages(lib.__path__, prefix="lib."):
        yield importlib.import_module(info.name)


def test_argument_checks_live_in_validation():
    found = set()
    for module in _modules():
        # lib.checks' check_* functions check students' answers, not arguments.
        if module.__name__.startswith(("lib.validation", "lib.checks")):
            continue
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and CHECK_NAME.match(name):
                found.add(f"{module.__name__}.{name}")
    assert not found, f"move into lib.validation: {sorted(found)}"


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


def test_name_or_positive_and_fraction():
    assert validation.as_name_or_positive("init", "he_normal", ["he_normal"]) == "he_normal"
    assert validation.as_name_or_positive("init", 2, ["he_normal"]) == 2.0
    for bad in ("glorot", 0.0, True, None):
        with pytest.raises(ValueError, match="init"):
            validation.as_name_or_positive("init", bad, ["he_normal"])
    assert validation.as_fraction("test_size", 0.25) == 0.25
    for bad in (0, 1.0, "0.5", True):
        with pytest.raises(ValueError, match="test_size"):
            validation.as_fraction("test_size", bad)
    with pytest.raises(ValueError, match="at least 10 on each side"):
        validation.as_test_size(0.01, 100, 10)


def test_collections_of_curves_runs_and_cells():
    assert validation.as_list_of("inits", ["a", "b"], str.upper) == ("A", "B")
    with pytest.raises(ValueError, match="inits must be a non-empty list"):
        validation.as_list_of("inits", "ab", str.upper)
    curves = validation.as_curves({1: [0.5, 1.0]}, "curves")
    assert list(curves) == ["1"] and curves["1"].dtype == np.float64
    with pytest.raises(ValueError, match=r"curves\['a'\] must be a non-empty 1-D"):
        validation.as_curves({"a": [[1.0]]}, "curves")
    tables, x = validation.as_run_tables({"he": [1.0, 2.0, 3.0]}, x=[0, 1, 2])
    assert tables["he"].shape == (1, 3) and x.tolist() == [0.0, 1.0, 2.0]
    with pytest.raises(ValueError, match="one value per step"):
        validation.as_run_tables({"he": [[1.0, 2.0]]}, x=[0.0])
    assert validation.as_cell_text({(1, 0): "x"}, (2, 3)) == {(1, 0): "x"}
    with pytest.raises(ValueError, match=r"inside \(2, 3\)"):
        validation.as_cell_text({(2, 0): "x"}, (2, 3))
    assert validation.as_image_stack(np.zeros((2, 6)), (2, 3)).shape == (2, 2, 3)
    with pytest.raises(ValueError, match=r"images must be \(n, 6\)"):
        validation.as_image_stack(np.zeros((2, 5)), (2, 3))
