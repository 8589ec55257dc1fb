"""Tests for lib.comparison: runs, the grid and the end-to-end singular values."""

import numpy as np
import pytest

from lib import comparison
from lib.data import load_digits

SIZES = [64, 32, 32, 10]
DEEP = [64, 100, 100, 100, 100, 10]


@pytest.fixture(scope="module")
def data():
    return load_digits()


@pytest.fixture(scope="module")
def grid(data):
    return comparison.run_grid(
        data, ["tanh", "relu"], [1.0, "he_normal", 0.01], SIZES, epochs=1, lr=0.1, seeds=[0, 1]
    )


def test_grid_shapes_and_labels(grid):
    assert grid.activations == ("tanh", "relu")
    assert grid.inits == ("N(0, 1²)", "he_normal", "N(0, 0.01²)")
    assert grid.test_accuracy.shape == grid.final_loss.shape == grid.diverged.shape == (2, 3, 2)
    assert grid.mean_test_accuracy.shape == grid.mean_final_loss.shape == (2, 3)
    assert np.all((grid.test_accuracy >= 0) & (grid.test_accuracy <= 1))


def test_he_init_learns_and_small_init_does_not(grid):
    relu = grid.activations.index("relu")
    assert grid.mean_test_accuracy[relu, 1] > 0.3
    # N(0, 0.01²) through 3 layers: the signal vanishes, the loss stays at log(10).
    assert grid.mean_final_loss[relu, 2] == pytest.approx(np.log(10), abs=0.05)
    assert grid.best_init("relu") == "he_normal"


def test_divergence_is_flagged_with_nan_loss_and_chance_accuracy(data):
    grid = comparison.run_grid(data, ["relu"], [1.0], DEEP, epochs=1, lr=0.1)
    assert grid.diverged.all()
    assert np.isnan(grid.mean_final_loss).all()
    assert grid.mean_test_accuracy[0, 0] == pytest.approx(1 / data.n_classes)
    assert "nan*" in grid.table("final_loss")


def test_table_prints_rounded_values(grid):
    text = grid.table()
    assert f"{grid.mean_test_accuracy[0, 1]:.3f}" in text
    assert text.splitlines()[0].split()[1:] == ["N(0,", "1²)", "he_normal", "N(0,", "0.01²)"]
    with pytest.raises(ValueError, match="values"):
        grid.table("accuracy")
    with pytest.raises(ValueError, match="activation"):
        grid.best_init("sigmoid")


def test_runs_are_reproducible_and_padded_after_divergence(data):
    first = comparison.train_run(data, "tanh", "lecun_normal", SIZES, epochs=1, lr=0.1, seed=3)
    again = comparison.train_run(data, "tanh", "lecun_normal", SIZES, epochs=1, lr=0.1, seed=3)
    np.testing.assert_array_equal(first.loss, again.loss)
    curves = comparison.loss_curves(data, "relu", 1.0, DEEP, epochs=1, lr=0.1, seeds=[0, 1])
    assert len(curves) == 2
    assert all(len(curve) == len(first.loss) and np.isnan(curve[-1]) for curve in curves)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"activations": []}, "activations"),
        ({"activations": ["swish"]}, "swish"),
        ({"inits": ["he"]}, "he"),
        ({"inits": [-1.0]}, "init"),
        ({"seeds": [0.5]}, "seeds"),
        ({"epochs": 0}, "epochs"),
        ({"lr": 0.0}, "lr"),
        ({"data": (1, 2)}, "data"),
    ],
)
def test_bad_grid_arguments_raise(data, kwargs, match):
    arguments = {
        "data": data,
        "activations": ["relu"],
        "inits": ["he_normal"],
        "layer_sizes": SIZES,
        "epochs": 1,
        "lr": 0.1,
    } | kwargs
    with pytest.raises(ValueError, match=match):
        comparison.run_grid(**arguments)


# --- chaos: does a run depend on the last bits? ----------------------------------------------


def test_saturated_tanh_is_chaotic_and_he_is_not(data):
    # Measured: the nudge moves the saturated runs' final loss by 4e-2 to 6e-2 (relative) and
    # He's by ~1e-13; CHAOS_RTOL (1e-6) sits orders of magnitude from both.
    saturated = comparison.chaos_test(data, "tanh", 1.0, DEEP, epochs=1, lr=0.02, seeds=[0, 1, 2])
    assert saturated.chaotic.all() and saturated.n_chaotic == 3
    assert np.all(np.abs(saturated.final_loss / saturated.nudged_final_loss - 1) > 1e-3)
    stable = comparison.chaos_test(data, "tanh", "he_normal", DEEP, epochs=1, lr=0.02, seeds=[0, 1])
    assert stable.n_chaotic == 0
    np.testing.assert_allclose(stable.final_loss, stable.nudged_final_loss, rtol=1e-9)
    np.testing.assert_array_equal(stable.test_accuracy, stable.nudged_test_accuracy)


def test_chaos_test_runs_are_those_of_train_run(data):
    test = comparison.chaos_test(data, "relu", "he_normal", SIZES, epochs=1, lr=0.1, seeds=[4])
    run = comparison.train_run(data, "relu", "he_normal", SIZES, epochs=1, lr=0.1, seed=4)
    assert test.seeds == (4,)
    assert test.final_loss[0] == run.final_loss and test.test_accuracy[0] == run.test_accuracy
    # The mean pools the runs and their nudged twins.
    pooled = np.mean([test.test_accuracy[0], test.nudged_test_accuracy[0]])
    assert test.mean() == pytest.approx(pooled)
    with pytest.raises(ValueError, match="values"):
        test.mean("accuracy")


def test_diverged_twins_count_as_the_same_outcome(data):
    test = comparison.chaos_test(data, "relu", 1.0, DEEP, epochs=1, lr=0.1, seeds=[0])
    assert np.isnan(test.final_loss).all() and np.isnan(test.nudged_final_loss).all()
    assert test.n_chaotic == 0


def test_grid_marks_chaotic_cells_instead_of_printing_them(data):
    grid = comparison.run_grid(data, ["tanh"], [1.0, "he_normal"], DEEP, epochs=1, lr=0.02)
    assert grid.chaotic.shape == (1, 2, 1)
    assert grid.any_chaotic.tolist() == [[True, False]]
    for values in ("test_accuracy", "final_loss"):
        lines = grid.table(values).splitlines()
        assert lines[1].split()[:2] == ["tanh", "chaotic"]
        assert lines[-1].startswith("chaotic: a 1e-12 nudge")
    unchecked = comparison.run_grid(
        data, ["tanh"], [1.0], DEEP, epochs=1, lr=0.02, check_chaos=False
    )
    assert unchecked.chaotic is None and not unchecked.any_chaotic.any()
    assert "chaotic" not in unchecked.table()
    with pytest.raises(ValueError, match="check_chaos"):
        comparison.run_grid(data, ["tanh"], [1.0], DEEP, epochs=1, lr=0.02, check_chaos="yes")
