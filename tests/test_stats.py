import math

import numpy as np
import pytest

from lib.stats import across_seeds, check_bounds, check_layers, layer_stats, moving_average


def test_layer_stats_on_hand_arrays():
    # Layer 1: mean 0.5, deviations (-0.5, -0.5, 0.5, 0.5) -> std 0.5; two exact zeros.
    # Layer 2: values outside (0.01, 0.99) are 0.0 (below) and 1.0 (above): 2 of 5.
    stats = layer_stats([[0.0, 0.0, 1.0, 1.0], [0.0, 0.5, 0.5, 0.5, 1.0]], (0.01, 0.99))
    assert stats[0]["mean"] == 0.5
    assert stats[0]["std"] == 0.5
    assert stats[0]["dead_fraction"] == 0.5
    assert stats[0]["saturated_fraction"] == 1.0
    assert stats[0]["nonfinite_fraction"] == 0.0
    assert stats[1]["mean"] == 0.5
    assert stats[1]["std"] == pytest.approx(math.sqrt(0.1))
    assert stats[1]["saturated_fraction"] == pytest.approx(0.4)
    assert stats[1]["dead_fraction"] == pytest.approx(0.2)


def test_saturation_uses_strict_bounds():
    # tanh bounds (-0.99, 0.99): exactly 0.99 is not saturated, 0.995 and -1 are.
    (stats,) = layer_stats([[0.99, 0.995, -1.0, 0.0]], saturation_bounds=(-0.99, 0.99))
    assert stats["saturated_fraction"] == 0.5


def test_no_bounds_means_no_saturated_fraction():
    (stats,) = layer_stats([[1.0, 2.0]])
    assert stats["saturated_fraction"] is None


def test_non_finite_values_are_counted_not_averaged():
    (stats,) = layer_stats([[1.0, 3.0, np.nan, np.inf]])
    assert stats["mean"] == 2.0
    assert stats["std"] == 1.0
    assert stats["nonfinite_fraction"] == 0.5


def test_layer_without_finite_values():
    first, second = layer_stats([[np.nan, np.inf], [2.0]], (0.0, 1.0))
    assert first["nonfinite_fraction"] == 1.0
    assert math.isnan(first["mean"]) and math.isnan(first["std"])
    assert math.isnan(first["saturated_fraction"])
    assert second["mean"] == 2.0 and second["saturated_fraction"] == 1.0


def test_huge_values_overflow_to_inf_without_warning():
    (stats,) = layer_stats([[1e200, -1e200]])
    assert stats["std"] == np.inf


def test_layers_of_different_sizes_and_shapes():
    rng = np.random.default_rng(0)
    layers = [rng.normal(size=(50, 200)), rng.normal(size=(3, 3, 16, 32))]
    stats = layer_stats(layers)
    for entry, layer in zip(stats, layers, strict=True):
        assert entry["mean"] == pytest.approx(layer.mean())
        assert entry["std"] == pytest.approx(layer.std())


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
    np.testing.assert_allclose(minmax["mean"], [2.0, 2.0, 4.0])
    np.testing.assert_allclose(minmax["lower"], [1.0, 2.0, 3.0])
    np.testing.assert_allclose(minmax["upper"], [3.0, 2.0, 5.0])
    assert minmax["n_seeds"] == 2
    spread = across_seeds(runs, band="std")
    np.testing.assert_allclose(spread["lower"], [1.0, 2.0, 3.0])
    np.testing.assert_allclose(spread["upper"], [3.0, 2.0, 5.0])


def test_across_seeds_single_run_and_diverged_run():
    single = across_seeds([1.0, 2.0])
    np.testing.assert_allclose(single["lower"], single["upper"])
    assert single["n_seeds"] == 1
    summary = across_seeds([[1.0, np.nan, np.nan], [3.0, 4.0, np.inf]])
    np.testing.assert_allclose(summary["mean"][:2], [2.0, 4.0])
    np.testing.assert_allclose(summary["upper"][:2], [3.0, 4.0])
    assert np.isnan(summary["mean"][2]) and np.isnan(summary["lower"][2])


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
