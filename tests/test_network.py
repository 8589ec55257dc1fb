import numpy as np
import pytest
from scipy.special import logsumexp

from lib import activations
from lib.network import MLP, ForwardTrace, Gradients, History
from tests.gradcheck import numeric_gradient, relative_error

SIZES = [4, 6, 5, 3]


def blobs(n_samples=150, seed=0):
    """Three well-separated Gaussian blobs in 2-D, labels 0, 1, 2."""
    rng = np.random.default_rng(seed)
    centers = np.array([[3.0, 0.0], [-3.0, 0.0], [0.0, 3.0]])
    y = rng.integers(0, 3, n_samples)
    return centers[y] + 0.7 * rng.standard_normal((n_samples, 2)), y


def small_problem(seed=0, n_samples=7):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n_samples, SIZES[0])), rng.integers(0, SIZES[-1], n_samples)


# --- construction and parameters ---------------------------------------------------------------


def test_shapes_and_zero_biases():
    net = MLP([64, 100, 30, 10], rng=0)
    assert [w.shape for w in net.weights] == [(64, 100), (100, 30), (30, 10)]
    assert [b.shape for b in net.biases] == [(100,), (30,), (10,)]
    assert all(np.all(b == 0) for b in net.biases)
    assert net.n_layers == 3
    assert net.n_classes == 10
    assert net.activation == activations.get("relu")
    assert repr(net) == "MLP(layer_sizes=[64, 100, 30, 10], activation='relu')"


def test_default_init_is_he_normal():
    net = MLP([200, 300, 10], rng=0)
    assert net.weights[0].std() == pytest.approx(np.sqrt(2 / 200), rel=0.05)


def test_init_by_name_callable_or_float_std():
    by_name = MLP([50, 200, 3], init="xavier_uniform", rng=0)
    assert by_name.weights[0].std() == pytest.approx(np.sqrt(2 / 250), rel=0.05)
    assert np.abs(by_name.weights[0]).max() <= np.sqrt(6 / 250)

    by_std = MLP([50, 200, 3], init=0.01, rng=0)
    assert by_std.weights[0].std() == pytest.approx(0.01, rel=0.05)

    shapes = []

    def ones(shape, rng):
        shapes.append(shape)
        return np.ones(shape)

    by_callable = MLP([2, 3, 4], init=ones, rng=0)
    assert shapes == [(2, 3), (3, 4)]
    assert np.all(by_callable.weights[1] == 1.0)


def test_init_is_reproducible_from_a_seed_or_generator():
    first = MLP(SIZES, rng=3)
    second = MLP(SIZES, rng=np.random.default_rng(3))
    other = MLP(SIZES, rng=4)
    for w1, w2, w3 in zip(first.weights, second.weights, other.weights, strict=True):
        np.testing.assert_array_equal(w1, w2)
        assert not np.array_equal(w1, w3)


def test_activation_instance_with_params_is_used():
    act = activations.get("leaky_relu", negative_slope=0.3)
    net = MLP([2, 2, 2], activation=act, init=lambda shape, rng: -np.eye(*shape))
    trace = net.forward([[1.0, 2.0]])
    np.testing.assert_allclose(trace.activations[0], [[-0.3, -0.6]])


def test_set_weights_copies_and_keeps_biases_unless_given():
    net = MLP([3, 4, 2], rng=0)
    net.biases = [np.ones(4), np.ones(2)]
    weights = [np.full((3, 4), 0.5), np.full((4, 2), -0.5)]
    net.set_weights(weights)
    weights[0][0, 0] = 99.0
    assert net.weights[0][0, 0] == 0.5
    assert np.all(net.biases[0] == 1.0)

    net.set_weights(weights, biases=[np.zeros(4), np.full(2, 2.0)])
    assert net.weights[0][0, 0] == 99.0
    np.testing.assert_array_equal(net.biases[1], [2.0, 2.0])


def test_weights_attribute_assignment_and_in_place_edits():
    net = MLP([3, 4, 2], rng=0)
    loaded = [np.arange(12.0).reshape(3, 4), np.ones((4, 2))]
    net.weights = loaded
    np.testing.assert_array_equal(net.weights[0], loaded[0])
    net.weights[1][:] = 0.0  # the listed arrays are the network's own
    assert np.all(net.weights[1] == 0.0)


def test_failed_set_weights_changes_nothing():
    net = MLP([3, 4, 2], rng=0)
    before = [w.copy() for w in net.weights]
    with pytest.raises(ValueError, match=r"biases\[1\] \(layer 1\) must have shape \(2,\)"):
        net.set_weights([np.zeros((3, 4)), np.zeros((4, 2))], biases=[np.zeros(4), np.zeros(3)])
    for w, w_before in zip(net.weights, before, strict=True):
        np.testing.assert_array_equal(w, w_before)


# --- forward -----------------------------------------------------------------------------------


def test_forward_trace_follows_the_documented_indices():
    net = MLP(SIZES, activation="tanh", rng=0)
    net.biases = [np.full(n, 0.1) for n in SIZES[1:]]
    x, _ = small_problem()
    trace = net.forward(x)
    assert isinstance(trace, ForwardTrace)
    assert len(trace.pre_activations) == len(trace.activations) == 3
    np.testing.assert_array_equal(trace.inputs, x)
    assert trace.layer_inputs[0] is trace.inputs and trace.layer_inputs[2] is trace.activations[1]
    for i in range(3):
        expected_z = trace.layer_inputs[i] @ net.weights[i] + net.biases[i]
        np.testing.assert_allclose(trace.pre_activations[i], expected_z, rtol=1e-12)
    np.testing.assert_allclose(trace.activations[0], np.tanh(trace.pre_activations[0]))
    np.testing.assert_allclose(trace.activations[1], np.tanh(trace.pre_activations[1]))
    # the output layer is linear: the logits are the last pre-activations
    np.testing.assert_array_equal(trace.logits, trace.pre_activations[-1])
    assert trace.logits is trace.activations[-1]


def test_predict_and_accuracy_with_hand_made_weights():
    net = MLP([3, 3], init=lambda shape, rng: np.eye(3))
    x = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 2.0], [0.0, 5.0, 1.0], [3.0, 0.0, 4.0]])
    np.testing.assert_array_equal(net.predict(x), [0, 2, 1, 2])
    assert net.accuracy(x, [0, 2, 1, 0]) == pytest.approx(0.75)


def test_forward_overflow_raises_a_clear_error_without_warnings():
    net = MLP([2, 3, 3, 2], init=1e200, rng=0)
    with pytest.raises(FloatingPointError, match="pre-activations of layer 1 overflowed"):
        net.forward([[1.0, -1.0]])


# --- loss and gradients -----------------------------------------------------------------------


def test_loss_is_the_mean_softmax_cross_entropy():
    net = MLP(SIZES, activation="elu", rng=0)
    x, y = small_problem()
    loss, _ = net.loss_and_grads(x, y)
    logits = net.forward(x).logits
    expected = np.mean(logsumexp(logits, axis=1) - logits[np.arange(len(y)), y])
    assert loss == pytest.approx(expected, rel=1e-12)


def test_zero_weights_give_log_n_classes():
    net = MLP([4, 5, 7], init="zeros")
    x, _ = small_problem()
    loss, _ = net.loss_and_grads(x, [0, 1, 2, 3, 4, 5, 6])
    assert loss == pytest.approx(np.log(7), rel=1e-12)


def test_loss_is_stable_for_huge_logits():
    net = MLP([2, 3], init=lambda shape, rng: np.array([[1000.0, -1000.0, 0.0], [0.0, 0.0, 0.0]]))
    x = np.array([[1.0, 0.0], [2.0, 0.0]])
    loss, grads = net.loss_and_grads(x, [1, 0])
    # sample 0: logits (1000, -1000, 0), true class 1 -> 2000; sample 1: true class is the max
    assert loss == pytest.approx(1000.0, rel=1e-12)
    assert all(np.all(np.isfinite(g)) for g in grads.weights + grads.activations)


GRADIENT_CASES = [
    ("tanh", {}, "xavier_normal"),
    ("sigmoid", {}, "xavier_normal"),
    ("elu", {"alpha": 1.0}, "he_normal"),
    ("leaky_relu", {"negative_slope": 0.1}, "he_normal"),
    ("relu", {}, "he_normal"),
]


def gradient_check_network(name, params, init):
    net = MLP(SIZES, activation=activations.get(name, **params), init=init, rng=1)
    rng = np.random.default_rng(2)
    net.biases = [0.1 * rng.standard_normal(n) for n in SIZES[1:]]
    x, y = small_problem(seed=3)
    # finite differences straddling a kink would be wrong, not the backward pass
    smallest_z = min(np.abs(z).min() for z in net.forward(x).pre_activations)
    assert smallest_z > 1e-4
    return net, x, y


@pytest.mark.parametrize(("name", "params", "init"), GRADIENT_CASES)
def test_parameter_gradients_match_finite_differences(name, params, init):
    net, x, y = gradient_check_network(name, params, init)
    _, grads = net.loss_and_grads(x, y)
    assert isinstance(grads, Gradients)
    # net.weights lists the network's own arrays, so perturbing them in place moves the loss
    for analytic, parameter in zip(
        grads.weights + grads.biases, net.weights + net.biases, strict=True
    ):
        assert analytic.shape == parameter.shape
        numeric = numeric_gradient(lambda: net.loss_and_grads(x, y)[0], parameter)
        assert relative_error(analytic, numeric) < 1e-6


@pytest.mark.parametrize(("name", "params", "init"), GRADIENT_CASES)
def test_activation_gradients_match_finite_differences(name, params, init):
    net, x, y = gradient_check_network(name, params, init)
    trace = net.forward(x)
    _, grads = net.loss_and_grads(x, y)
    assert [g.shape for g in grads.activations] == [a.shape for a in trace.activations]
    assert grads.inputs.shape == trace.inputs.shape
    gradients = [grads.inputs, *grads.activations]
    for k, activation in enumerate([trace.inputs, *trace.activations]):
        # the loss as a function of a_k (a_0 = x, a_k = h_{k-1}) is the network made of layers
        # k, k+1, ... fed with a_k; for the logits (k = L) that is one identity layer
        if k < net.n_layers:
            rest = MLP(SIZES[k:], activation=net.activation)
            rest.set_weights(net.weights[k:], net.biases[k:])
        else:
            rest = MLP([SIZES[-1], SIZES[-1]], init=lambda shape, rng: np.eye(shape[0]))
        a_k = activation.copy()
        numeric = numeric_gradient(lambda rest=rest, a_k=a_k: rest.loss_and_grads(a_k, y)[0], a_k)
        assert relative_error(gradients[k], numeric) < 1e-6


def test_loss_and_grads_do_not_change_the_network():
    net = MLP(SIZES, rng=0)
    before = [w.copy() for w in net.weights]
    net.loss_and_grads(*small_problem())
    for w, w_before in zip(net.weights, before, strict=True):
        np.testing.assert_array_equal(w, w_before)


# --- training ----------------------------------------------------------------------------------


def test_fit_learns_a_separable_problem():
    x, y = blobs()
    x_val, y_val = blobs(seed=1)
    net = MLP([2, 16, 3], activation="tanh", init="xavier_normal", rng=0)
    history = net.fit(
        x, y, epochs=20, lr=0.1, batch_size=16, rng=0, x_val=x_val, y_val=y_val, progress=False
    )
    assert isinstance(history, History)
    assert history.steps_per_epoch == 10  # ceil(150 / 16)
    assert len(history.loss) == 200
    assert len(history.train_accuracy) == len(history.val_accuracy) == 20
    assert np.mean(history.loss[-10:]) < 0.2 * np.mean(history.loss[:10])
    assert history.train_accuracy[-1] > 0.95
    assert history.val_accuracy[-1] > 0.95
    assert not history.diverged
    assert history.message == ""


def test_fit_without_validation_leaves_val_accuracy_empty():
    x, y = blobs(n_samples=40)
    history = MLP([2, 8, 3], rng=0).fit(x, y, epochs=2, lr=0.05, rng=0, progress=False)
    assert history.val_accuracy == []
    assert len(history.train_accuracy) == 2
    assert len(history.loss) == 4  # batches of 32 and 8


def test_seeded_fit_is_reproducible():
    x, y = blobs()
    runs = []
    for fit_seed in (5, 5, 6):
        net = MLP([2, 8, 3], rng=0)
        history = net.fit(
            x, y, epochs=3, lr=0.05, batch_size=10, momentum=0.5, rng=fit_seed, progress=False
        )
        runs.append((history.loss, net.weights))
    assert runs[0][0] == runs[1][0]
    for w1, w2 in zip(runs[0][1], runs[1][1], strict=True):
        np.testing.assert_array_equal(w1, w2)
    assert runs[0][0] != runs[2][0]


def test_momentum_follows_the_classical_update():
    x, y = blobs(n_samples=30)
    lr, momentum = 0.1, 0.9
    net = MLP([2, 5, 3], activation="tanh", init="xavier_normal", rng=0)
    expected = MLP([2, 5, 3], activation="tanh", init="xavier_normal", rng=0)
    # one full batch per epoch, so the shuffled order does not change the gradient
    net.fit(x, y, epochs=3, lr=lr, batch_size=30, momentum=momentum, rng=0, progress=False)

    velocity = [np.zeros_like(p) for p in expected.weights + expected.biases]
    for _ in range(3):
        _, grads = expected.loss_and_grads(x, y)
        params = expected.weights + expected.biases
        for v, p, g in zip(velocity, params, grads.weights + grads.biases, strict=True):
            v *= momentum
            v -= lr * g
            p += v
    for got, want in zip(net.weights + net.biases, expected.weights + expected.biases, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_momentum_changes_the_trajectory():
    x, y = blobs()
    plain = MLP([2, 8, 3], rng=0).fit(x, y, epochs=2, lr=0.01, rng=0, progress=False)
    heavy = MLP([2, 8, 3], rng=0).fit(x, y, epochs=2, lr=0.01, momentum=0.9, rng=0, progress=False)
    assert plain.loss[0] == heavy.loss[0]  # velocity starts at zero
    assert plain.loss[1] == heavy.loss[1]  # first step: v = -lr * g, the plain SGD step
    assert plain.loss[-1] != heavy.loss[-1]


def test_divergence_stops_training_and_is_flagged():
    x, y = blobs()
    net = MLP([2, 16, 3], rng=0)
    history = net.fit(x, y, epochs=20, lr=1e4, batch_size=16, rng=0, progress=False)
    assert history.diverged
    assert "overflowed" in history.message
    assert 0 < len(history.loss) < 200
    assert all(np.isfinite(history.loss))
    assert len(history.train_accuracy) < 20


def test_progress_bar_can_be_switched_off(capsys):
    x, y = blobs(n_samples=20)
    MLP([2, 4, 3], rng=0).fit(x, y, epochs=2, lr=0.1, rng=0, progress=False)
    assert capsys.readouterr().err == ""
    MLP([2, 4, 3], rng=0).fit(x, y, epochs=2, lr=0.1, rng=0, progress=True)
    assert "epochs" in capsys.readouterr().err


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"layer_sizes": [4]}, "at least two positive ints"),
        ({"layer_sizes": [4, 0, 2]}, "at least two positive ints"),
        ({"layer_sizes": [4, 2.0]}, "at least two positive ints"),
        ({"layer_sizes": [4, True]}, "at least two positive ints"),
        ({"layer_sizes": 4}, "layer_sizes must be a list"),
        ({"layer_sizes": "42"}, "layer_sizes must be a list"),
        ({"activation": "softplus"}, "unknown activation"),
        ({"init": "glorot"}, "not a known initializer"),
        ({"init": -0.1}, "init must be > 0"),
        ({"init": True}, "init must be a real number"),
        ({"init": None}, "init must be an initializer name"),
        ({"init": lambda shape, rng: np.zeros((2, 2))}, "shape .2, 2. for layer 0"),
        ({"init": lambda shape, rng: np.full(shape, np.nan)}, "expected a finite array"),
        ({"rng": 1.5}, "rng must be"),
    ],
)
def test_construction_errors(kwargs, message):
    arguments = {"layer_sizes": [4, 3, 2]} | kwargs
    with pytest.raises(ValueError, match=message):
        MLP(**arguments)


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        (np.zeros(4), [0], r"x must have shape \(n_samples, 4\)"),
        (np.zeros((2, 5)), [0, 1], r"x must have shape \(n_samples, 4\), got \(2, 5\)"),
        (np.zeros((0, 4)), [], r"x must have shape"),
        ([[0.0, np.nan, 0.0, 0.0]], [0], "x must be finite"),
        ([["a", "b", "c", "d"]], [0], "x must be an array of real numbers"),
        (np.zeros((2, 4)), [0], r"y must have shape \(2,\)"),
        (np.zeros((2, 4)), [[0], [1]], r"y must have shape \(2,\)"),
        (np.zeros((2, 4)), [0.0, 1.0], "integer class indices"),
        (np.zeros((2, 4)), [True, False], "integer class indices"),
        (np.zeros((2, 4)), [0, 3], r"class indices in \[0, 3\), got values from 0 to 3"),
        (np.zeros((2, 4)), [-1, 0], r"class indices in \[0, 3\)"),
    ],
)
def test_input_and_label_errors(x, y, message):
    net = MLP([4, 3], rng=0)
    with pytest.raises(ValueError, match=message):
        net.loss_and_grads(x, y)


def test_forward_predict_and_accuracy_validate_x():
    net = MLP([4, 3], rng=0)
    for call in (net.forward, net.predict, lambda x: net.accuracy(x, [0])):
        with pytest.raises(ValueError, match="x must have shape"):
            call(np.zeros((1, 3)))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lr": 0.0}, "lr must be > 0"),
        ({"lr": -0.1}, "lr must be > 0"),
        ({"lr": np.nan}, "lr must be finite"),
        ({"epochs": 0}, "epochs must be a positive int"),
        ({"epochs": 2.0}, "epochs must be a positive int"),
        ({"batch_size": 0}, "batch_size must be a positive int"),
        ({"batch_size": True}, "batch_size must be a positive int"),
        ({"momentum": 1.0}, r"momentum must be in \[0, 1\)"),
        ({"momentum": -0.1}, r"momentum must be in \[0, 1\)"),
        ({"rng": "seed"}, "rng must be"),
        ({"x_val": np.zeros((2, 4))}, "x_val and y_val must be given together"),
        ({"y_val": [0, 1]}, "x_val and y_val must be given together"),
        ({"x_val": np.zeros((2, 3)), "y_val": [0, 1]}, r"x_val must have shape \(n_samples, 4\)"),
        ({"x_val": np.zeros((2, 4)), "y_val": [0, 5]}, r"y_val must hold class indices"),
    ],
)
def test_fit_errors(kwargs, message):
    net = MLP([4, 3], rng=0)
    arguments = {"epochs": 1, "lr": 0.1, "progress": False} | kwargs
    with pytest.raises(ValueError, match=message):
        net.fit(np.zeros((2, 4)), [0, 1], **arguments)


@pytest.mark.parametrize(
    ("weights", "biases", "message"),
    [
        ([np.zeros((3, 4))], None, "weights must hold 2 arrays, got 1"),
        (np.zeros((3, 4)), None, "weights must be a list of arrays"),
        (
            [np.zeros((3, 4)), np.zeros((2, 4))],
            None,
            r"weights\[1\] \(layer 1\) must have shape \(4, 2\), got \(2, 4\)",
        ),
        ([np.zeros((3, 4)), np.full((4, 2), np.inf)], None, r"weights\[1\] .* NaN or inf"),
        ([np.zeros((3, 4)), np.zeros((4, 2))], [np.zeros(4)], "biases must hold 2 arrays"),
    ],
)
def test_set_weights_errors(weights, biases, message):
    net = MLP([3, 4, 2], rng=0)
    with pytest.raises(ValueError, match=message):
        net.set_weights(weights, biases)


def test_attribute_assignment_is_validated():
    net = MLP([3, 4, 2], rng=0)
    with pytest.raises(ValueError, match=r"weights\[0\] \(layer 0\) must have shape \(3, 4\)"):
        net.weights = [np.zeros((4, 3)), np.zeros((4, 2))]
    with pytest.raises(ValueError, match=r"biases\[0\] \(layer 0\) must have shape \(4,\)"):
        net.biases = [np.zeros(3), np.zeros(2)]


# --- normalization (norm="batch" | "layer") ----------------------------------------------------

NORM_SIZES = [7, 6, 5, 3]  # every width different, and N = 9 rows: a wrong axis cannot hide


def normalized_problem(norm, activation="tanh", seed=0, n_samples=9):
    """A small normalized net with random biases, gammas and betas (not the 0/1 start, which
    would hide a missing gamma or beta), and a batch of inputs and labels."""
    net = MLP(NORM_SIZES, activation=activation, init="xavier_normal", rng=seed, norm=norm)
    rng = np.random.default_rng(seed + 100)
    net.biases = [0.1 * rng.standard_normal(n) for n in NORM_SIZES[1:]]
    net.gammas = [rng.uniform(0.5, 1.5, n) for n in NORM_SIZES[1:-1]]
    net.betas = [0.2 * rng.standard_normal(n) for n in NORM_SIZES[1:-1]]
    x = rng.normal(1.0, 2.0, (n_samples, NORM_SIZES[0]))
    return net, x, rng.integers(0, NORM_SIZES[-1], n_samples)


def test_norm_is_none_by_default_and_adds_nothing():
    net, same_seed = MLP(SIZES, rng=0), MLP(SIZES, rng=0, norm="batch")
    assert net.norm is None and net.gammas == [] and net.betas == [] and net.running_means == []
    x, y = small_problem()
    trace, (_, grads) = net.forward(x, training=True), net.loss_and_grads(x, y)
    assert trace.normalized == [] and trace.norm_caches == []
    assert grads.gammas == [] and grads.betas == []
    # nothing is drawn for the normalization: the same seed gives the same weights
    for w1, w2 in zip(net.weights, same_seed.weights, strict=True):
        np.testing.assert_array_equal(w1, w2)
    assert repr(same_seed) == "MLP(layer_sizes=[4, 6, 5, 3], activation='relu', norm='batch')"


@pytest.mark.parametrize("norm", ["batch", "layer"])
def test_normalized_parameters_start_at_one_and_zero_and_are_checked(norm):
    net = MLP(NORM_SIZES, rng=0, norm=norm)
    assert [g.shape for g in net.gammas] == [b.shape for b in net.betas] == [(6,), (5,)]
    assert all(np.all(g == 1.0) for g in net.gammas) and all(np.all(b == 0) for b in net.betas)
    gammas = [np.full(6, 2.0), np.full(5, 3.0)]
    net.gammas = gammas
    gammas[0][0] = 99.0  # copied on assignment
    assert net.gammas[0][0] == 2.0
    net.betas[1][:] = 0.5  # the listed arrays are the network's own
    assert np.all(net.betas[1] == 0.5)
    with pytest.raises(ValueError, match=r"gammas\[1\] \(layer 1\) must have shape \(5,\)"):
        net.gammas = [np.ones(6), np.ones(6)]
    with pytest.raises(ValueError, match="betas must hold 2 arrays, got 3"):
        net.betas = [np.zeros(6), np.zeros(5), np.zeros(3)]


@pytest.mark.parametrize("norm", ["batch", "layer"])
def test_normalized_forward_follows_the_documented_formulas(norm):
    net, x, _ = normalized_problem(norm)
    trace = net.forward(x, training=True)
    axis = 0 if norm == "batch" else 1
    assert len(trace.normalized) == len(trace.norm_caches) == 2  # hidden layers only
    for i, u in enumerate(trace.normalized):
        z = trace.pre_activations[i]
        np.testing.assert_allclose(z, trace.layer_inputs[i] @ net.weights[i] + net.biases[i])
        standardized = (u - net.betas[i]) / net.gammas[i]
        np.testing.assert_allclose(standardized.mean(axis=axis), 0.0, atol=1e-12)
        np.testing.assert_allclose(standardized.std(axis=axis), 1.0, rtol=1e-3)  # eps = 1e-5
        np.testing.assert_allclose(trace.activations[i], np.tanh(u))
    # the output layer is never normalized
    np.testing.assert_array_equal(trace.logits, trace.pre_activations[-1])


GRADIENT_NORMS = [(norm, act) for norm in ("batch", "layer") for act in ("tanh", "elu")]


@pytest.mark.parametrize(("norm", "activation"), GRADIENT_NORMS)
def test_normalized_gradients_match_finite_differences(norm, activation):
    net, x, y = normalized_problem(norm, activation)
    loss, grads = net.loss_and_grads(x, y)
    assert [g.shape for g in grads.gammas + grads.betas] == [(6,), (5,), (6,), (5,)]
    analytic = grads.weights + grads.biases + grads.gammas + grads.betas + [grads.inputs]
    parameters = net.weights + net.biases + net.gammas + net.betas + [x]
    for k, (gradient, parameter) in enumerate(zip(analytic, parameters, strict=True)):
        numeric = numeric_gradient(lambda: net.loss_and_grads(x, y)[0], parameter)
        if norm == "batch" and k in (3, 4):
            # b_0 and b_1 feed batch norm, which subtracts their batch mean: the loss does not
            # depend on them at all (the redundant bias the docstring mentions)
            assert np.abs(gradient).max() < 1e-12 and np.abs(numeric).max() < 1e-8
        else:
            assert relative_error(gradient, numeric) < 1e-6, k


def test_batch_norm_forward_training_uses_the_batch_inference_the_running_statistics():
    net, x, _ = normalized_problem("batch")
    net.running_means[0][:] = 0.5
    net.running_vars[0][:] = 4.0
    inference = net.forward(x)  # training=False is the default, as in predict and accuracy
    z, u = inference.pre_activations[0], inference.normalized[0]
    expected = net.gammas[0] * (z - 0.5) / np.sqrt(4.0 + 1e-5) + net.betas[0]
    np.testing.assert_allclose(u, expected, rtol=1e-12)
    assert inference.norm_caches == [None, None]
    # inference handles each row on its own; training mode needs two rows for a variance
    np.testing.assert_allclose(net.forward(x[:1]).logits, inference.logits[:1], rtol=1e-12)
    np.testing.assert_array_equal(net.predict(x), inference.logits.argmax(axis=1))
    with pytest.raises(ValueError, match="at least 2 samples, got 1"):
        net.forward(x[:1], training=True)
    assert not np.allclose(net.forward(x, training=True).logits, inference.logits)


def test_layer_norm_is_the_same_in_training_and_inference():
    net, x, _ = normalized_problem("layer")
    assert net.running_means == net.running_vars == []
    np.testing.assert_array_equal(net.forward(x).logits, net.forward(x, training=True).logits)
    np.testing.assert_allclose(net.forward(x[:1]).logits, net.forward(x).logits[:1], rtol=1e-12)


def test_one_training_step_updates_the_running_statistics_like_pytorch():
    net, x, y = normalized_problem("batch", n_samples=4)
    z = net.forward(x, training=True).pre_activations
    net.fit(x, y, epochs=1, lr=1e-3, batch_size=4, rng=0, progress=False)
    for i in range(2):
        # running = 0.9 * running + 0.1 * batch, from mean 0 and variance 1, the batch
        # variance unbiased (divided by N - 1)
        np.testing.assert_allclose(net.running_means[i], 0.1 * z[i].mean(axis=0), rtol=1e-12)
        expected_var = 0.9 + 0.1 * z[i].var(axis=0, ddof=1)
        np.testing.assert_allclose(net.running_vars[i], expected_var, rtol=1e-12)


def test_running_statistics_converge_to_the_data_statistics():
    rng = np.random.default_rng(0)
    x = rng.normal(rng.normal(0, 2, 7), rng.uniform(0.5, 3, 7), (600, 7))
    y = rng.integers(0, 3, 600)
    net = MLP(NORM_SIZES, activation="tanh", init="xavier_normal", rng=0, norm="batch")
    net.biases = [np.full(6, -1.0), np.full(5, 2.0), np.zeros(3)]  # means far from the start, 0
    z = net.forward(x, training=True).pre_activations  # the whole data as one batch
    # lr so small that the weights stay put: only the statistics move, 15 epochs x 12 steps
    net.fit(x, y, epochs=15, lr=1e-12, batch_size=50, rng=0, progress=False)
    for i in range(2):  # measured: within 0.02 std of the mean, 8% of the variance
        assert np.all(np.abs(net.running_means[i] - z[i].mean(axis=0)) < 0.1 * z[i].std(axis=0))
        np.testing.assert_allclose(net.running_vars[i], z[i].var(axis=0), rtol=0.25)


@pytest.mark.parametrize("norm", ["batch", "layer"])
def test_fit_with_normalization_learns_and_infers(norm):
    x, y = blobs()
    x_val, y_val = blobs(seed=1)
    net = MLP([2, 16, 16, 3], activation="relu", rng=0, norm=norm)
    history = net.fit(x, y, epochs=15, lr=0.1, batch_size=16, rng=0, progress=False)
    assert not history.diverged
    assert history.train_accuracy[-1] > 0.95
    assert net.accuracy(x_val, y_val) > 0.95
    assert any(np.any(g != 1.0) for g in net.gammas)  # the gammas and betas are trained
    assert any(np.any(b != 0.0) for b in net.betas)


def test_momentum_moves_gammas_and_betas_with_the_classical_update():
    x, y = blobs(n_samples=30)
    lr, momentum = 0.1, 0.9
    net = MLP([2, 5, 4, 3], activation="tanh", init="xavier_normal", rng=0, norm="layer")
    expected = MLP([2, 5, 4, 3], activation="tanh", init="xavier_normal", rng=0, norm="layer")
    net.fit(x, y, epochs=3, lr=lr, batch_size=30, momentum=momentum, rng=0, progress=False)

    def parameters(model):
        return model.weights + model.biases + model.gammas + model.betas

    velocity = [np.zeros_like(p) for p in parameters(expected)]
    for _ in range(3):
        _, grads = expected.loss_and_grads(x, y)
        gradients = grads.weights + grads.biases + grads.gammas + grads.betas
        for v, p, g in zip(velocity, parameters(expected), gradients, strict=True):
            v *= momentum
            v -= lr * g
            p += v
    for got, want in zip(parameters(net), parameters(expected), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("norm", [None, "batch", "layer"])
def test_apply_gradients_is_one_plain_sgd_step_on_every_parameter(norm):
    x, y = blobs(n_samples=30)
    net = MLP([2, 5, 4, 3], activation="tanh", rng=0, norm=norm)
    by_fit = MLP([2, 5, 4, 3], activation="tanh", rng=0, norm=norm)
    before = [p.copy() for p in net.weights + net.biases + net.gammas + net.betas]
    _, grads = net.loss_and_grads(x, y)
    net.apply_gradients(grads, lr=0.5)
    gradients = grads.weights + grads.biases + grads.gammas + grads.betas
    after = net.weights + net.biases + net.gammas + net.betas
    assert len(after) == (6 if norm is None else 10)
    for p, p0, g in zip(after, before, gradients, strict=True):
        np.testing.assert_allclose(p, p0 - 0.5 * g, rtol=1e-14, atol=1e-15)
    # fit's step with momentum 0 on one full batch is the same step
    by_fit.fit(x, y, epochs=1, lr=0.5, batch_size=30, rng=0, progress=False)
    fitted = by_fit.weights + by_fit.biases + by_fit.gammas + by_fit.betas
    for p, q in zip(after, fitted, strict=True):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-14)


def test_apply_gradients_checks_its_arguments_and_names_an_overflowing_layer():
    net, x, y = normalized_problem("batch")
    _, grads = net.loss_and_grads(x, y)
    with pytest.raises(ValueError, match="grads must be the Gradients of loss_and_grads"):
        net.apply_gradients(grads.weights, lr=0.1)
    with pytest.raises(ValueError, match="lr must be > 0"):
        net.apply_gradients(grads, lr=0.0)
    grads.gammas = grads.gammas[:1]
    with pytest.raises(ValueError, match="grads.gammas must hold 2 arrays, got 1"):
        net.apply_gradients(grads, lr=0.1)
    _, grads = net.loss_and_grads(x, y)
    grads.betas[1] = np.full(5, 1e300)
    before = [w.copy() for w in net.weights]
    with pytest.raises(FloatingPointError, match="layer 1 after the update overflowed"):
        net.apply_gradients(grads, lr=1e10)
    assert not np.array_equal(net.weights[0], before[0])  # layer 0 took its step, so did 1
    np.testing.assert_array_equal(net.weights[2], before[2])  # the step stopped before 2


def test_batch_norm_needs_two_samples_in_every_training_batch():
    x, y = blobs(n_samples=33)
    for norm, batch_size in (("batch", 32), ("batch", 1)):  # 33 = 32 + 1; batches of one
        with pytest.raises(ValueError, match="batch_size=.* makes a batch of one sample"):
            MLP([2, 4, 3], rng=0, norm=norm).fit(x, y, 1, 0.1, batch_size, progress=False)
    MLP([2, 4, 3], rng=0, norm="layer").fit(x, y, 1, 0.1, batch_size=32, progress=False)
    MLP([2, 4, 3], rng=0, norm="batch").fit(x, y, 1, 0.1, batch_size=31, progress=False)


@pytest.mark.parametrize("norm", ["bogus", "Batch", "group", 1, True])
def test_unknown_norm_is_refused_with_the_allowed_values(norm):
    with pytest.raises(ValueError, match=r"norm must be one of \(None, 'batch', 'layer'\)"):
        MLP(SIZES, norm=norm)


def test_forward_training_must_be_a_bool():
    with pytest.raises(ValueError, match=r"training must be one of \(True, False\)"):
        MLP(SIZES, rng=0).forward(np.zeros((2, 4)), training="yes")


# --- the chapter 8 demonstration: batch norm rescues a too-small start -------------------------


def deep_tanh_stds(norm):
    """Per-hidden-layer std of what enters tanh at step 0, for 10 hidden layers of width 100
    started from N(0, 0.01^2) weights, on 500 standard-normal inputs."""
    net = MLP([50, *[100] * 10, 10], activation="tanh", init=0.01, rng=0, norm=norm)
    x = np.random.default_rng(1).standard_normal((500, 50))
    trace = net.forward(x, training=True)
    before_f = trace.normalized if norm else trace.pre_activations[:-1]
    return np.array([u.std() for u in before_f])


def test_batch_norm_keeps_every_layer_at_unit_std_where_plain_layers_collapse():
    plain, normalized = deep_tanh_stds(None), deep_tanh_stds("batch")
    assert plain.shape == normalized.shape == (10,)
    # std shrinks by about 0.01 * sqrt(100) = 0.1 per layer: 1e-10 of the first after ten
    assert plain[0] < 0.1 and plain[-1] < 1e-9
    assert np.all(np.diff(plain) < 0)
    np.testing.assert_allclose(normalized, 1.0, atol=0.01)
