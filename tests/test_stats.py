import math

import numpy as np
import pytest

from lib.stats import (
    across_seeds,
    bracket,
    check_bounds,
    check_layers,
    dead_unit_fraction,
    dead_units,
    effective_rank,
    layer_stats,
    mean_abs_correlation,
    moving_average,
)


def test_layer_stats_on_hand_arrays():
    # Layer 1: mean 0.5, deviations (-0.5, -0.5, 0.5, 0.5) -> std 0.5; two exact zeros.
    # Layer 2: values outside (0.01, 0.99) are 0.0 (below) and 1.0 (above): 2 of 5.
    stats = layer_stats([[0.0, 0.0, 1.0, 1.0], [0.0, 0.5, 0.5, 0.5, 1.0]], (0.01, 0.99))
    assert stats[0].mean == 0.5
    assert stats[0].std == 0.5
    assert stats[0].dead_fraction == 0.5
    assert stats[0].saturated_fraction == 1.0
    assert stats[0].nonfinite_fraction == 0.0
    assert stats[1].mean == 0.5
    assert stats[1].std == pytest.approx(math.sqrt(0.1))
    assert stats[1].saturated_fraction == pytest.approx(0.4)
    assert stats[1].dead_fraction == pytest.approx(0.2)


def test_saturation_uses_strict_bounds():
    # tanh bounds (-0.99, 0.99): exactly 0.99 is not saturated, 0.995 and -1 are.
    (stats,) = layer_stats([[0.99, 0.995, -1.0, 0.0]], saturation_bounds=(-0.99, 0.99))
    assert stats.saturated_fraction == 0.5


def test_no_bounds_means_no_saturated_fraction():
    (stats,) = layer_stats([[1.0, 2.0]])
    assert stats.saturated_fraction is None


def test_non_finite_values_are_counted_not_averaged():
    (stats,) = layer_stats([[1.0, 3.0, np.nan, np.inf]])
    assert stats.mean == 2.0
    assert stats.std == 1.0
    assert stats.nonfinite_fraction == 0.5


def test_layer_without_finite_values():
    first, second = layer_stats([[np.nan, np.inf], [2.0]], (0.0, 1.0))
    assert first.nonfinite_fraction == 1.0
    assert math.isnan(first.mean) and math.isnan(first.std)
    assert math.isnan(first.saturated_fraction)
    assert second.mean == 2.0 and second.saturated_fraction == 1.0


def test_huge_values_overflow_to_inf_without_warning():
    (stats,) = layer_stats([[1e200, -1e200]])
    assert stats.std == np.inf


def test_layers_of_different_sizes_and_shapes():
    rng = np.random.default_rng(0)
    layers = [rng.normal(size=(50, 200)), rng.normal(size=(3, 3, 16, 32))]
    stats = layer_stats(layers)
    for entry, layer in zip(stats, layers, strict=True):
        assert entry.mean == pytest.approx(layer.mean())
        assert entry.std == pytest.approx(layer.std())


def test_check_layers_accepts_a_2d_array_as_rows():
    layers = check_layers(np.arange(6.0).reshape(2, 3))
    assert len(layers) == 2
    np.testing.assert_array_equal(layers[1], [3.0, 4.0, 5.0])


@pytest.mark.parametrize(
    ("values", "match"),
    [
        ([], "at least one layer"),
        ([[1.0], []], r"values_per_layer\[1\]"),
        ("abc", "sequence"),
        (5.0, "sequence"),
        ([["a", "b"]], "real numbers"),
    ],
)
def test_bad_layers(values, match):
    with pytest.raises(ValueError, match=match):
        layer_stats(values)


@pytest.mark.parametrize("bounds", [(1.0, 0.0), (0.5, 0.5), (0.0, np.inf), (0.1,), "ab", None])
def test_bad_bounds(bounds):
    with pytest.raises(ValueError, match="bounds"):
        check_bounds(bounds, "bounds")


def test_moving_average_is_trailing():
    np.testing.assert_allclose(moving_average([1.0, 2.0, 3.0, 4.0], 2), [1.0, 1.5, 2.5, 3.5])
    np.testing.assert_allclose(moving_average([1.0, 2.0, 3.0], 1), [1.0, 2.0, 3.0])
    np.testing.assert_allclose(moving_average([3.0, 1.0], 10), [3.0, 2.0])


def test_moving_average_skips_non_finite():
    smoothed = moving_average([1.0, np.nan, 3.0, np.inf, np.nan, np.nan], 2)
    np.testing.assert_allclose(smoothed[:5], [1.0, 1.0, 3.0, 3.0, np.nan])
    assert np.isnan(smoothed[5])


@pytest.mark.parametrize("window", [0, -1, 1.5, True, None])
def test_moving_average_bad_window(window):
    with pytest.raises(ValueError, match="window"):
        moving_average([1.0, 2.0], window)


def test_moving_average_needs_1d():
    with pytest.raises(ValueError, match="1-D"):
        moving_average([[1.0, 2.0]], 2)


def test_across_seeds_minmax_and_std():
    runs = [[1.0, 2.0, 3.0], [3.0, 2.0, 5.0]]
    minmax = across_seeds(runs)
    np.testing.assert_allclose(minmax.mean, [2.0, 2.0, 4.0])
    np.testing.assert_allclose(minmax.lower, [1.0, 2.0, 3.0])
    np.testing.assert_allclose(minmax.upper, [3.0, 2.0, 5.0])
    assert minmax.n_seeds == 2
    spread = across_seeds(runs, band="std")
    np.testing.assert_allclose(spread.lower, [1.0, 2.0, 3.0])
    np.testing.assert_allclose(spread.upper, [3.0, 2.0, 5.0])


def test_across_seeds_single_run_and_diverged_run():
    single = across_seeds([1.0, 2.0])
    np.testing.assert_allclose(single.lower, single.upper)
    assert single.n_seeds == 1
    summary = across_seeds([[1.0, np.nan, np.nan], [3.0, 4.0, np.inf]])
    np.testing.assert_allclose(summary.mean[:2], [2.0, 4.0])
    np.testing.assert_allclose(summary.upper[:2], [3.0, 4.0])
    assert np.isnan(summary.mean[2]) and np.isnan(summary.lower[2])


@pytest.mark.parametrize(
    ("runs", "band", "match"),
    [
        ([[1.0, 2.0], [1.0]], "minmax", "ragged"),
        ([], "minmax", "non-empty"),
        ([[[1.0]]], "minmax", "2-D"),
        ([1.0], "range", "band"),
    ],
)
def test_across_seeds_bad_input(runs, band, match):
    with pytest.raises(ValueError, match=match):
        across_seeds(runs, band)


def test_dead_units_are_off_for_every_sample():
    # Unit 0 is always off, unit 1 fires once, unit 2 is always off: 2 of 3 are dead.
    outputs = [[0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]
    np.testing.assert_array_equal(dead_units(outputs), [True, False, True])
    assert dead_unit_fraction(outputs) == pytest.approx(2 / 3)


def test_dead_unit_fraction_of_relu_with_negative_biases():
    # 50 samples, 200 units; the first 40 units get a bias so negative that no sample reaches 0.
    rng = np.random.default_rng(0)
    biases = np.where(np.arange(200) < 40, -100.0, 0.0)
    outputs = np.maximum(rng.normal(size=(50, 200)) + biases, 0.0)
    assert dead_unit_fraction(outputs) == pytest.approx(0.2)
    assert layer_stats([outputs])[0].dead_fraction > 0.5  # zero values, not dead units


def test_dead_units_reject_non_finite_outputs():
    # A diverged layer is neither dead nor alive: counting it either way would be wrong.
    with pytest.raises(ValueError, match="finite"):
        dead_units([[0.0, np.nan, 0.0], [0.0, 0.0, np.inf]])


@pytest.mark.parametrize("activations", [[0.0, 1.0], np.zeros((3, 0)), np.zeros((2, 3, 4))])
def test_dead_units_bad_input(activations):
    with pytest.raises(ValueError, match="activations"):
        dead_units(activations)
    with pytest.raises(ValueError, match="activations"):
        dead_unit_fraction(activations)


def test_mean_abs_correlation_on_hand_columns():
    # x and y: deviations (-1.5, -0.5, 0.5, 1.5) and (-1.5, 0.5, -0.5, 1.5) give r = 4 / 5.
    # Pairs (x, y), (x, -x), (y, -x) have |r| = 0.8, 1, 0.8.
    x = np.array([1.0, 2.0, 3.0, 4.0])
    y = np.array([1.0, 3.0, 2.0, 4.0])
    assert mean_abs_correlation(np.column_stack([x, y, -x])) == pytest.approx(2.6 / 3)


def test_mean_abs_correlation_ignores_scale_and_offset():
    rng = np.random.default_rng(0)
    outputs = rng.normal(size=(50, 200))
    mixed = outputs @ rng.normal(size=(200, 200))
    assert mean_abs_correlation(0.5 + 1e-8 * mixed) == pytest.approx(mean_abs_correlation(mixed))


def test_mean_abs_correlation_of_independent_and_copied_units():
    rng = np.random.default_rng(1)
    independent = rng.normal(size=(500, 40))
    # Sampling noise alone: about sqrt(2 / (pi * 500)) = 0.036.
    assert 0.02 < mean_abs_correlation(independent) < 0.05
    shared = rng.normal(size=(500, 1))
    copies = 3.0 * shared + 1e-3 * rng.normal(size=(500, 40))
    assert mean_abs_correlation(copies) > 0.99


def test_mean_abs_correlation_leaves_constant_units_out():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    with_constants = np.column_stack([x, np.full(4, 0.5), -2.0 * x, np.ones(4)])
    assert mean_abs_correlation(with_constants) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("activations", "match"),
    [
        (np.ones((10, 5)), "at least 2 units that vary"),
        (np.column_stack([np.arange(3.0), np.ones(3)]), "got 1 of 2"),
        (np.arange(4.0), "2-D"),
        ([[1.0, np.nan], [2.0, 3.0]], "finite"),
    ],
)
def test_mean_abs_correlation_bad_input(activations, match):
    with pytest.raises(ValueError, match=match):
        mean_abs_correlation(activations)


def test_effective_rank_on_hand_matrices():
    assert effective_rank(np.eye(7)) == pytest.approx(7.0)
    assert effective_rank(np.outer([1.0, 2.0, 3.0], [4.0, -1.0])) == pytest.approx(1.0)
    # Singular values 3 and 1: p = (0.75, 0.25), exp(-0.75 ln 0.75 - 0.25 ln 0.25) = 1.7548.
    assert effective_rank(np.diag([3.0, 1.0, 0.0])[:, :2]) == pytest.approx(1.7548, abs=1e-4)


def test_effective_rank_of_random_and_constant_layers():
    rng = np.random.default_rng(2)
    outputs = rng.normal(size=(300, 20))
    assert 15.0 < effective_rank(outputs) <= 20.0
    assert effective_rank(1e-6 * outputs) == pytest.approx(effective_rank(outputs))
    # The same output vector for every sample plus a tiny input-dependent part: rank one.
    same_vector = np.tile(rng.uniform(0.4, 0.6, size=20), (300, 1)) + 1e-9 * outputs
    assert effective_rank(same_vector) < 1.001
    assert effective_rank(same_vector - same_vector.mean(axis=0)) > 15.0


@pytest.mark.parametrize(
    ("activations", "match"),
    [
        (np.zeros((4, 3)), "all zero"),
        (np.zeros((3, 0)), "non-empty 2-D"),
        ([[1.0, np.inf]], "finite"),
    ],
)
def test_effective_rank_bad_input(activations, match):
    with pytest.raises(ValueError, match=match):
        effective_rank(activations)


# --- bracket -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "step", "expected"),
    [
        (0.337, 0.1, (0.3, 0.4)),
        (5.44, 1, (5.0, 6.0)),
        (-0.05, 0.1, (-0.1, 0.0)),
        # 0.3 / 0.1 is 2.9999999999999996 in floats; the bracket still starts at 0.3.
        (0.3, 0.1, (0.3, 0.4)),
        (0.7, 0.1, (0.7, 0.8)),
        (0.29999, 0.1, (0.2, 0.3)),
    ],
)
def test_bracket_holds_the_value(value, step, expected):
    low, high = bracket(value, step)
    assert (low, high) == expected
    assert low <= value < high


@pytest.mark.parametrize(
    ("value", "step", "match"),
    [(np.nan, 0.1, "value"), ("0.3", 0.1, "value"), (0.3, 0.0, "step"), (0.3, -1, "step")],
)
def test_bracket_bad_input(value, step, match):
    with pytest.raises(ValueError, match=match):
        bracket(value, step)
