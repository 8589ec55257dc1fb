import numpy as np
import pytest

from lib import activations

ALL_NAMES = ["elu", "identity", "leaky_relu", "relu", "sigmoid", "tanh"]


def test_available_lists_every_activation():
    assert activations.available() == ALL_NAMES


@pytest.mark.parametrize(
    ("name", "params", "z", "expected"),
    [
        ("sigmoid", {}, [0.0, 2.0, -2.0], [0.5, 1 / (1 + np.exp(-2.0)), 1 / (1 + np.exp(2.0))]),
        ("tanh", {}, [0.0, 1.0, -1.0], [0.0, np.tanh(1.0), -np.tanh(1.0)]),
        ("relu", {}, [-2.0, 0.0, 3.0], [0.0, 0.0, 3.0]),
        ("leaky_relu", {}, [-2.0, 0.0, 3.0], [-0.02, 0.0, 3.0]),
        ("leaky_relu", {"negative_slope": 0.2}, [-2.0, 3.0], [-0.4, 3.0]),
        ("elu", {}, [-1.0, 0.0, 2.0], [np.exp(-1.0) - 1, 0.0, 2.0]),
        ("elu", {"alpha": 2.0}, [-1.0, 2.0], [2 * (np.exp(-1.0) - 1), 2.0]),
        ("identity", {}, [-2.0, 0.0, 3.0], [-2.0, 0.0, 3.0]),
    ],
)
def test_values_at_known_points(name, params, z, expected):
    act = activations.get(name, **params)
    np.testing.assert_allclose(act(np.array(z)), expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(act.forward(np.array(z)), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    ("name", "params", "z", "expected"),
    [
        ("sigmoid", {}, [0.0], [0.25]),
        ("tanh", {}, [0.0], [1.0]),
        ("relu", {}, [-1.0, 0.0, 1.0], [0.0, 0.0, 1.0]),
        ("leaky_relu", {"negative_slope": 0.3}, [-1.0, 0.0, 1.0], [0.3, 0.3, 1.0]),
        ("elu", {"alpha": 1.5}, [-1.0, 0.0, 1.0], [1.5 * np.exp(-1.0), 1.5, 1.0]),
        ("identity", {}, [-1.0, 0.0, 1.0], [1.0, 1.0, 1.0]),
    ],
)
def test_derivatives_at_known_points_and_kinks(name, params, z, expected):
    act = activations.get(name, **params)
    np.testing.assert_allclose(act.derivative(np.array(z)), expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("sigmoid", {}),
        ("tanh", {}),
        ("relu", {}),
        ("leaky_relu", {"negative_slope": 0.1}),
        ("elu", {"alpha": 0.7}),
        ("identity", {}),
    ],
)
def test_derivative_matches_central_differences(name, params):
    act = activations.get(name, **params)
    # points away from the kink at 0, where a finite difference straddles two slopes
    z = np.concatenate([np.linspace(-4.0, -0.1, 25), np.linspace(0.1, 4.0, 25)])
    step = 1e-6
    numeric = (act(z + step) - act(z - step)) / (2 * step)
    np.testing.assert_allclose(act.derivative(z), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", ALL_NAMES)
def test_extreme_inputs_stay_finite_without_warnings(name):
    # filterwarnings=error turns any numpy overflow warning into a failure here
    z = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    act = activations.get(name)
    assert np.all(np.isfinite(act(z)))
    assert np.all(np.isfinite(act.derivative(z)))


def test_sigmoid_saturates_at_the_extremes():
    values = activations.sigmoid(np.array([-1000.0, 1000.0]))
    np.testing.assert_array_equal(values, [0.0, 1.0])
    np.testing.assert_array_equal(activations.sigmoid_derivative(np.array([-1000.0, 1000.0])), 0)


def test_sigmoid_is_symmetric():
    z = np.linspace(-30, 30, 61)
    np.testing.assert_allclose(activations.sigmoid(z) + activations.sigmoid(-z), 1.0, rtol=1e-15)


def test_get_keeps_shape_and_accepts_lists():
    act = activations.get("tanh")
    assert act(np.zeros((3, 4))).shape == (3, 4)
    assert act.derivative(np.zeros((2, 3, 5))).shape == (2, 3, 5)
    np.testing.assert_allclose(act([0.0, 1.0]), [0.0, np.tanh(1.0)])


def test_identity_returns_a_copy():
    z = np.array([1.0, 2.0])
    out = activations.get("identity")(z)
    out[0] = 99.0
    assert z[0] == 1.0


def test_defaults_and_params_are_recorded():
    assert activations.get("leaky_relu").params == {"negative_slope": 0.01}
    assert activations.get("elu").params == {"alpha": 1.0}
    assert activations.get("elu", alpha=2).params == {"alpha": 2.0}
    assert activations.get("relu").params == {}
    assert activations.get("relu").name == "relu"


def test_get_returns_an_activation_instance_unchanged():
    act = activations.get("elu", alpha=0.5)
    assert activations.get(act) is act


def test_activation_is_frozen_and_comparable():
    act = activations.get("elu", alpha=0.5)
    with pytest.raises(AttributeError):
        act.name = "relu"
    assert act == activations.get("elu", alpha=0.5)
    assert act != activations.get("elu", alpha=0.6)
    assert hash(act) == hash(activations.get("elu", alpha=0.5))


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("softplus", {}, "allowed: elu, identity, leaky_relu, relu, sigmoid, tanh"),
        ("prelu", {}, "leaky_relu"),
        ("RELU", {}, "unknown activation"),
        (3, {}, "unknown activation"),
        ("relu", {"negative_slope": 0.1}, "allowed: none"),
        ("elu", {"negative_slope": 0.1}, "allowed: alpha"),
        ("leaky_relu", {"alpha": 0.1}, "allowed: negative_slope"),
        ("elu", {"alpha": -1.0}, "elu alpha must be"),
        ("elu", {"alpha": 0.0}, "elu alpha must be"),
        ("elu", {"alpha": np.inf}, "elu alpha must be"),
        ("leaky_relu", {"negative_slope": np.nan}, "leaky_relu negative_slope must be"),
        ("leaky_relu", {"negative_slope": True}, "leaky_relu negative_slope must be"),
        ("leaky_relu", {"negative_slope": "0.1"}, "leaky_relu negative_slope must be"),
    ],
)
def test_bad_names_and_parameters_raise(name, params, message):
    with pytest.raises(ValueError, match=message):
        activations.get(name, **params)


def test_params_with_an_instance_raise():
    with pytest.raises(ValueError, match="Activation instance"):
        activations.get(activations.get("elu"), alpha=2.0)


def test_response_draws_gaussian_inputs_and_applies_f_and_its_derivative():
    result = activations.response("relu", input_std=2.0, n_samples=50_000, rng=0)
    assert result.pre_activations.std() == pytest.approx(2.0, rel=0.02)
    np.testing.assert_array_equal(result.outputs, np.maximum(result.pre_activations, 0.0))
    np.testing.assert_array_equal(result.derivatives, result.pre_activations > 0)
    again = activations.response("relu", input_std=2.0, n_samples=50_000, rng=0)
    np.testing.assert_array_equal(result.pre_activations, again.pre_activations)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"input_std": 0.0}, "input_std"),
        ({"n_samples": 0}, "n_samples"),
        ({"input_std": "1"}, "input_std"),
    ],
)
def test_response_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        activations.response("tanh", **kwargs)
