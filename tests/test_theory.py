"""Closed-form variance propagation agrees with hand computation and with simulation."""

import math
from itertools import pairwise

import numpy as np
import pytest

from lib import activations, initializers, network, theory


@pytest.mark.parametrize(("slope", "factor"), [(0.0, 0.5), (1.0, 1.0), (0.2, 0.52)])
def test_rectifier_factor(slope, factor):
    assert theory.rectifier_factor(slope) == pytest.approx(factor)


def test_preactivation_stds_by_hand():
    # Var(z1) = 4 * 0.5^2 * 1 = 1; Var(z2) = 10 * 0.1^2 * 0.5 * 1 = 0.05
    stds = theory.preactivation_stds([4, 10, 3], [0.5, 0.1])
    np.testing.assert_allclose(stds, [1.0, math.sqrt(0.05)])


def test_gradient_stds_by_hand():
    # top: 1; below layer 1 (fan_out 3): Var = 3 * 0.1^2 * 0.5 = 0.015
    stds = theory.gradient_stds([4, 10, 3], [0.5, 0.1])
    np.testing.assert_allclose(stds, [math.sqrt(0.015), 1.0])


def test_he_fan_in_keeps_the_forward_std_and_fan_out_the_backward_std():
    widths = [50, 200, 50, 200, 50]
    for mode, keep, vary in (("fan_in", "pre", "grad"), ("fan_out", "grad", "pre")):
        stds = [initializers.std_of("he_normal", s, mode=mode) for s in pairwise(widths)]
        computed = {
            "pre": theory.preactivation_stds(widths, stds),
            "grad": theory.gradient_stds(widths, stds),
        }
        assert np.ptp(computed[keep][1:]) == pytest.approx(0.0, abs=1e-12)
        assert np.ptp(computed[vary]) > 0.5


@pytest.mark.parametrize("slope", [0.0, 0.3])
def test_theory_matches_a_simulated_network(slope):
    widths = [100, 300, 100, 300]
    stds = [0.1, 0.05, 0.08]
    layer_stds = iter(stds)

    def per_layer(shape, rng=None):
        return initializers.normal(shape, std=next(layer_stds), rng=rng)

    f = activations.get("leaky_relu", negative_slope=slope)
    simulated = network.propagate(per_layer, f, depth=3, width=widths, n_samples=4000, rng=0)
    np.testing.assert_allclose(
        [z.std() for z in simulated.pre_activations],
        theory.preactivation_stds(widths, stds, slope),
        rtol=0.08,
    )
    np.testing.assert_allclose(
        [g.std() for g in simulated.gradients], theory.gradient_stds(widths, stds, slope), rtol=0.08
    )


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (([4, 10], [0.5, 0.1]), "one more entry"),
        (([4, 0, 3], [0.5, 0.1]), r"widths\[1\]"),
        (([4, 10, 3], [0.5, -0.1]), r"weight_stds\[1\]"),
    ],
)
def test_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        theory.preactivation_stds(*args)
