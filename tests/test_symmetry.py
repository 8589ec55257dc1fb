"""Chapter 1's experiment: constant starts keep units identical, noise breaks the tie."""

import numpy as np
import pytest

from lib import data, symmetry


@pytest.fixture(scope="module")
def digits():
    return data.load_digits()


def test_unit_spread_and_distances_are_zero_for_identical_columns():
    identical = np.tile(np.array([[1.0], [-2.0], [0.5]]), (1, 4))
    assert symmetry.unit_spread(identical) == 0.0
    np.testing.assert_array_equal(symmetry.unit_distances(identical), np.zeros(4))


def test_unit_spread_is_the_largest_difference_within_a_row():
    weights = np.array([[0.0, 1.0, 0.5], [2.0, 2.0, -1.0]])
    assert symmetry.unit_spread(weights) == pytest.approx(3.0)
    mean_unit = weights.mean(axis=1, keepdims=True)
    expected = np.sqrt(((weights - mean_unit) ** 2).sum(axis=0))
    np.testing.assert_allclose(symmetry.unit_distances(weights), expected)


def test_numerical_rank():
    rng = np.random.default_rng(0)
    assert symmetry.numerical_rank(np.zeros((5, 3))) == 0
    assert symmetry.numerical_rank(np.ones((64, 16))) == 1
    assert symmetry.numerical_rank(rng.normal(size=(64, 16))) == 16


def test_constant_with_noise_draws_value_plus_noise():
    exact = symmetry.constant_with_noise(0.3)((50, 20), rng=0)
    np.testing.assert_array_equal(exact, np.full((50, 20), 0.3))
    noisy = symmetry.constant_with_noise(0.3, 0.1)((400, 300), rng=0)
    assert noisy.mean() == pytest.approx(0.3, abs=0.002)
    assert noisy.std() == pytest.approx(0.1, rel=0.02)


@pytest.mark.parametrize(("value", "noise", "match"), [(0.1, -1.0, "noise"), ("a", 0.0, "value")])
def test_constant_with_noise_rejects_bad_input(value, noise, match):
    with pytest.raises(ValueError, match=match):
        symmetry.constant_with_noise(value, noise)


def test_constant_start_keeps_every_hidden_unit_identical(digits):
    run = symmetry.train_from_constant(digits, 0.05, epochs=3, lr=0.5)
    assert run.spread == 0.0
    assert run.rank == 1
    assert run.test_accuracy < 0.5


def test_zero_start_never_moves_the_hidden_weights(digits):
    run = symmetry.train_from_constant(digits, 0.0, epochs=2, lr=0.5)
    np.testing.assert_array_equal(run.hidden_weights, 0.0)
    assert run.test_accuracy < 0.2


def test_noise_breaks_the_symmetry_and_the_network_learns(digits):
    run = symmetry.train_from_constant(digits, 0.05, noise=1e-2, epochs=5, lr=0.5)
    assert run.rank == 16
    assert run.spread > 0.1
    assert run.test_accuracy > 0.9


def test_runs_by_epoch_match_runs_of_that_many_epochs(digits):
    runs = symmetry.runs_by_epoch(digits, 0.05, 1e-2, epochs=3, lr=0.5)
    for epochs in (1, 3):
        direct = symmetry.train_from_constant(digits, 0.05, 1e-2, epochs=epochs, lr=0.5)
        np.testing.assert_array_equal(runs[epochs - 1].hidden_weights, direct.hidden_weights)
        assert runs[epochs - 1].test_accuracy == direct.test_accuracy
