"""Tests for lib.propagation: the forward-only experiments of chapters 2, 4 and 5."""

import numpy as np
import pytest

from lib import activations, initializers, network, propagation
from lib.network import MLP
from lib.propagation import Propagation, propagate
from tests.gradcheck import numeric_gradient, relative_error


def test_propagate_shapes_and_defaults():
    result = propagate("he_normal", "relu", rng=0)
    assert isinstance(result, Propagation)
    assert result.inputs.shape == (1000, 100)
    for name in ("weights", "pre_activations", "activations", "gradients"):
        assert len(getattr(result, name)) == 5
    assert all(w.shape == (100, 100) for w in result.weights)
    for array in result.pre_activations + result.activations + result.gradients:
        assert array.shape == (1000, 100)


def test_propagate_follows_its_formulas():
    result = propagate("xavier_normal", "tanh", depth=3, width=4, n_samples=5, rng=0)
    previous = result.inputs
    for z, h, w in zip(result.pre_activations, result.activations, result.weights, strict=True):
        np.testing.assert_allclose(z, previous @ w, rtol=1e-12)
        np.testing.assert_allclose(h, np.tanh(z), rtol=1e-12)
        previous = h

    # gradients[0] is d/dh_0 of loss = sum(g_top * h_top), h_top computed from h_0
    def loss():
        h = h_0
        for w in result.weights[1:]:
            h = np.tanh(h @ w)
        return np.sum(result.gradients[-1] * h)

    h_0 = result.activations[0].copy()
    numeric = numeric_gradient(loss, h_0)
    assert relative_error(result.gradients[0], numeric) < 1e-6


def test_propagate_is_reproducible_and_accepts_every_init_form():
    first = propagate(0.05, "tanh", depth=2, width=10, n_samples=20, rng=7)
    second = propagate(
        lambda shape, rng: initializers.normal(shape, std=0.05, rng=rng),
        activations.get("tanh"),
        depth=2,
        width=10,
        n_samples=20,
        rng=np.random.default_rng(7),
    )
    for a, b in zip(
        first.activations + first.gradients, second.activations + second.gradients, strict=True
    ):
        np.testing.assert_array_equal(a, b)


def test_he_init_keeps_relu_activations_at_a_constant_scale():
    stds = [h.std() for h in propagate("he_normal", "relu", depth=10, rng=0).activations]
    assert 0.5 < stds[-1] / stds[0] < 2.0


def test_small_gaussian_init_collapses_sigmoid_activations():
    collapsed = propagate(0.01, "sigmoid", rng=0)
    spread = propagate(1.0, "sigmoid", rng=0)
    assert collapsed.activations[-1].std() < 0.05
    assert spread.activations[-1].std() > 0.3
    # the back-propagated gradient vanishes on its way down
    assert collapsed.gradients[0].std() < 1e-3 * collapsed.gradients[-1].std()


def test_propagate_overflow_raises_a_clear_error():
    with pytest.raises(FloatingPointError, match="overflowed"):
        propagate(1e100, "relu", depth=10, width=10, n_samples=5, rng=0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"depth": 0}, "depth must be a positive int"),
        ({"width": 0}, "width must be a positive int"),
        ({"width": 10.0}, "width must be a positive int"),
        ({"n_samples": False}, "n_samples must be a positive int"),
        ({"init": 0.0}, "init must be > 0"),
        ({"init": "gaussian"}, "not a known initializer"),
        ({"activation": "prelu"}, "leaky_relu"),
        ({"rng": -1}, "rng must be"),
    ],
)
def test_propagate_errors(kwargs, message):
    arguments = {"init": "he_normal", "activation": "relu"} | kwargs
    with pytest.raises(ValueError, match=message):
        propagate(**arguments)


def test_propagate_with_per_layer_widths():
    result = propagate("he_normal", "relu", depth=3, width=[20, 50, 10, 30], n_samples=40, rng=0)
    assert [w.shape for w in result.weights] == [(20, 50), (50, 10), (10, 30)]
    assert [a.shape for a in result.activations] == [(40, 50), (40, 10), (40, 30)]
    assert [g.shape for g in result.gradients] == [(40, 50), (40, 10), (40, 30)]


@pytest.mark.parametrize("width", [[20, 50], [20, 0, 10, 30], "wide"])
def test_propagate_rejects_bad_widths(width):
    with pytest.raises(ValueError, match="width"):
        propagate("he_normal", "relu", depth=3, width=width)


def test_network_reexports_the_experiment_chapters_call():
    assert network.propagate is propagate and network.Propagation is Propagation


def test_alternating_widths():
    assert propagation.alternating_widths(4) == [100, 300, 100, 300, 100]
    assert propagation.alternating_widths(1, narrow=5, wide=7) == [5, 7]


@pytest.mark.parametrize(("mode", "flat"), [("fan_in", "forward"), ("fan_out", "backward")])
def test_he_keeps_the_chosen_direction_flat_and_matches_theory(mode, flat):
    profile = propagation.he_vs_xavier_by_depth(8, 0.0, mode)
    assert profile.widths == propagation.alternating_widths(8)
    he = getattr(profile, flat)[f"He ({mode})"]
    assert max(he) / min(he) < 1.6
    xavier = getattr(profile, flat)["Xavier"]
    assert max(xavier) / min(xavier) > 10
    # 500 samples per layer: the measured stds are within 15% of the closed form.
    for label, measured in profile.forward.items():
        np.testing.assert_allclose(measured, profile.forward_theory[label], rtol=0.15)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"mode": "fan_avg"}, "mode"), ({"negative_slope": "0.1"}, "negative_slope")],
)
def test_he_vs_xavier_by_depth_bad_input(kwargs, match):
    arguments = {"depth": 3, "negative_slope": 0.0, "mode": "fan_in"} | kwargs
    with pytest.raises(ValueError, match=match):
        propagation.he_vs_xavier_by_depth(**arguments)


def test_orthogonal_product_is_an_isometry_and_gaussian_is_not():
    sizes = [64] + [64] * 7 + [10]
    orthogonal = propagation.end_to_end_singular_values(
        MLP(sizes, "identity", "orthogonal", 0).weights
    )
    gaussian = propagation.end_to_end_singular_values(
        MLP(sizes, "identity", "lecun_normal", 0).weights
    )
    assert orthogonal.shape == gaussian.shape == (10,)
    np.testing.assert_allclose(orthogonal, 1.0, atol=1e-10)
    assert gaussian[0] / gaussian[-1] > 3.0
    assert np.all(np.diff(gaussian) <= 0)


def test_singular_values_of_one_matrix_match_numpy():
    w = np.random.default_rng(0).standard_normal((50, 20))
    np.testing.assert_allclose(
        propagation.end_to_end_singular_values([w]), np.linalg.svd(w, compute_uv=False)
    )


def test_singular_values_reject_shapes_that_do_not_chain():
    with pytest.raises(ValueError, match=r"weights\[1\]"):
        propagation.end_to_end_singular_values([np.ones((4, 3)), np.ones((4, 2))])
    with pytest.raises(ValueError, match="weights"):
        propagation.end_to_end_singular_values(np.ones((4, 3)))


def test_layer_inputs_are_the_input_then_each_layer_output():
    result = propagate("xavier_normal", "tanh", depth=3, width=8, n_samples=5, rng=0)
    layer_inputs = result.layer_inputs
    assert len(layer_inputs) == len(result.pre_activations) == 3
    assert layer_inputs[0] is result.inputs and layer_inputs[2] is result.activations[1]
    for h_in, w, z in zip(layer_inputs, result.weights, result.pre_activations, strict=True):
        np.testing.assert_allclose(h_in @ w, z, rtol=1e-12)
