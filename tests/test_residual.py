"""lib.residual: the residual MLP's forward and backward passes, its training, and the
residual-stream experiment of chapter 8 against its closed form."""

import math

import numpy as np
import pytest

from lib.data import load_digits
from lib.network import History
from lib.normalization import layer_norm
from lib.residual import (
    ResidualGradients,
    ResidualMLP,
    ResidualTrace,
    StreamStds,
    branch_gain,
    branch_scale_factor,
    residual_stream_stds,
    stream_std_theory,
)
from tests.gradcheck import numeric_gradient, relative_error

# n_inputs, width, n_blocks, n_classes; the hidden width differs from the stream's, so a
# transposed (d, m) shape cannot pass.
SIZES = (5, 4, 3, 3)
HIDDEN = 6


def small_problem(seed=0, n_samples=7):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n_samples, SIZES[0])), rng.integers(0, SIZES[-1], n_samples)


def small_net(**options):
    return ResidualMLP(*SIZES, hidden=HIDDEN, rng=1, **options)


FIXES = {
    "gpt2": {"branch_scale": "gpt2"},
    "zero": {"branch_scale": "zero"},
    "rezero": {"gate": "rezero"},
    "pre_ln": {"norm": "pre_ln"},
}


# --- construction ------------------------------------------------------------------------------


def test_shapes_defaults_and_repr():
    net = ResidualMLP(64, 32, 5, 10, rng=0)
    p = net.params
    assert p.w_in.shape == (64, 32) and p.w_out.shape == (32, 10)
    assert [w.shape for w in p.w1] == [(32, 32)] * 5 and [w.shape for w in p.w2] == [(32, 32)] * 5
    biases = [p.b_in, *p.b1, *p.b2, p.b_out]
    assert all(np.all(b == 0) for b in biases)
    assert p.alpha is None and p.gamma is None and p.gamma_out is None
    assert len(p.named()) == 2 + 4 * 5 + 2
    assert repr(net) == (
        "ResidualMLP(n_inputs=64, width=32, n_blocks=5, n_classes=10, hidden=32, "
        "activation='relu', branch_scale='none', gate='none', norm=None)"
    )
    assert p.w1[0].std() == pytest.approx(math.sqrt(2 / 32), rel=0.05)  # He by default


def test_gate_and_norm_add_their_parameters():
    net = ResidualMLP(8, 6, 3, 2, hidden=10, gate="rezero", norm="pre_ln", rng=0)
    p = net.params
    assert [w.shape for w in p.w1] == [(6, 10)] * 3 and [w.shape for w in p.w2] == [(10, 6)] * 3
    np.testing.assert_array_equal(p.alpha, np.zeros(3))
    assert all(np.all(g == 1) for g in [*p.gamma, p.gamma_out])
    assert all(np.all(b == 0) for b in [*p.beta, p.beta_out])
    names = [name for name, _ in p.named()]
    assert names[:4] == ["w_in", "b_in", "w1[0]", "w1[1]"]
    assert names[-5:] == ["beta[2]", "gamma_out", "beta_out", "w_out", "b_out"]
    assert "alpha" in names and len(names) == 2 + 4 * 3 + 1 + 2 * 3 + 2 + 2


@pytest.mark.parametrize(("branch_scale", "factor"), [("gpt2", 0.5), ("zero", 0.0), (0.3, 0.3)])
def test_branch_scale_multiplies_w2_and_nothing_else(branch_scale, factor):
    plain = ResidualMLP(8, 6, 4, 3, rng=7)
    scaled = ResidualMLP(8, 6, 4, 3, branch_scale=branch_scale, rng=7)
    assert branch_scale_factor(branch_scale, 4) == factor  # gpt2: 1/sqrt(4 branches)
    for (name, a), (_, b) in zip(plain.params.named(), scaled.params.named(), strict=True):
        np.testing.assert_array_equal(b, factor * a if name.startswith("w2") else a)


# --- forward -----------------------------------------------------------------------------------


def perturbed(net, seed=2):
    """``net`` with every parameter moved off its initial value (gates, gammas, betas,
    biases and a zero W2 too), so that no term of the backward pass is zero."""
    rng = np.random.default_rng(seed)
    for _, array in net.params.named():
        array += 0.3 * rng.standard_normal(array.shape)
    return net


def test_forward_follows_the_documented_formulas():
    net = perturbed(small_net(gate="rezero", norm="pre_ln", activation="tanh"))
    p = net.params
    x, _ = small_problem()
    trace = net.forward(x)
    assert isinstance(trace, ResidualTrace)
    assert len(trace.stream) == 4 and len(trace.blocks) == 3
    np.testing.assert_allclose(trace.stream[0], x @ p.w_in + p.b_in, rtol=1e-12)
    for k, block in enumerate(trace.blocks):
        h = trace.stream[k]
        u = (h - h.mean(1, keepdims=True)) / np.sqrt(h.var(1, keepdims=True) + 1e-5)
        np.testing.assert_allclose(block.branch_input, p.gamma[k] * u + p.beta[k], rtol=1e-10)
        r = np.tanh(block.branch_input @ p.w1[k] + p.b1[k]) @ p.w2[k] + p.b2[k]
        np.testing.assert_allclose(block.branch, r, rtol=1e-12)
        np.testing.assert_allclose(trace.stream[k + 1], h + p.alpha[k] * r, rtol=1e-12)
    top, _ = layer_norm(trace.stream[-1], p.gamma_out, p.beta_out)
    np.testing.assert_allclose(trace.logits, top @ p.w_out + p.b_out, rtol=1e-12)


@pytest.mark.parametrize("norm", [None, "pre_ln"])
@pytest.mark.parametrize("fix", ["zero", "rezero"])
def test_identity_blocks_at_step_zero(fix, norm):
    """Zero-init and ReZero start as the network without blocks: projection, (LN,) output."""
    net = ResidualMLP(*SIZES, norm=norm, rng=0, **FIXES[fix])
    p = net.params
    x, y = small_problem()
    h = x @ p.w_in
    top = h if norm is None else layer_norm(h, p.gamma_out, p.beta_out)[0]
    trace = net.forward(x)
    assert all(np.array_equal(h_k, trace.stream[0]) for h_k in trace.stream)
    np.testing.assert_allclose(trace.logits, top @ p.w_out, rtol=1e-12)

    _, grads = net.loss_and_grads(x, y)
    assert all(np.all(g == 0) for g in grads.w1)  # the branch's output ignores W1
    if fix == "zero":
        assert all(np.abs(g).max() > 0 for g in grads.w2)
    else:
        assert all(np.all(g == 0) for g in grads.w2) and np.all(grads.alpha != 0)


def test_forward_overflow_raises_a_clear_error_without_warnings():
    net = ResidualMLP(2, 3, 4, 2, init=1e100, rng=0)
    with pytest.raises(FloatingPointError, match="pre-activations of block 2 overflowed"):
        net.forward([[1.0, -1.0]])


# --- gradients ---------------------------------------------------------------------------------

COMBINATIONS = [
    {"norm": norm, "gate": gate, "branch_scale": scale}
    for norm in (None, "pre_ln")
    for gate in ("none", "rezero")
    for scale in ("none", "zero")
]


@pytest.mark.parametrize("start", ["init", "perturbed"])
@pytest.mark.parametrize("options", COMBINATIONS, ids=lambda o: "-".join(map(str, o.values())))
def test_gradients_match_finite_differences(options, start):
    """Every parameter and the input, at init (where zero-init and ReZero make some gradients
    exactly zero: the check then says the zeros are right) and with every parameter moved."""
    net = small_net(**options)
    if start == "perturbed":
        perturbed(net)
    x, y = small_problem(seed=3)
    # finite differences straddling a ReLU kink would be wrong, not the backward pass
    assert min(np.abs(block.pre_activation).min() for block in net.forward(x).blocks) > 1e-4
    _, grads = net.loss_and_grads(x, y)
    assert isinstance(grads, ResidualGradients)
    analytic, numeric = [], []
    for (name, parameter), (grad_name, grad) in zip(net.params.named(), grads.named(), strict=True):
        assert (grad_name, grad.shape) == (name, parameter.shape)
        analytic.append(grad.ravel())
        numeric.append(numeric_gradient(lambda: net.loss_and_grads(x, y)[0], parameter).ravel())
        np.testing.assert_allclose(analytic[-1], numeric[-1], rtol=1e-5, atol=1e-8, err_msg=name)
    assert relative_error(np.concatenate(analytic), np.concatenate(numeric)) < 1e-6
    numeric_x = numeric_gradient(lambda: net.loss_and_grads(x, y)[0], x)
    assert relative_error(grads.inputs, numeric_x) < 1e-6
    # the stream's gradients are what the biases sum: db_in = sum_n dh_0, db2_k = alpha_k ...
    np.testing.assert_allclose(grads.b_in, grads.stream[0].sum(axis=0), rtol=1e-12)
    alpha = np.ones(3) if net.params.alpha is None else net.params.alpha
    for k in range(3):
        np.testing.assert_allclose(grads.b2[k], alpha[k] * grads.stream[k + 1].sum(axis=0))


def test_loss_and_grads_do_not_change_the_network():
    net = perturbed(small_net(gate="rezero", norm="pre_ln"))
    before = [array.copy() for _, array in net.params.named()]
    net.loss_and_grads(*small_problem())
    for (_, array), array_before in zip(net.params.named(), before, strict=True):
        np.testing.assert_array_equal(array, array_before)


# --- training ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits():
    return load_digits()


@pytest.mark.parametrize("fix", FIXES)
def test_every_fix_trains_on_the_digits(digits, fix):
    net = ResidualMLP(64, 32, 8, 10, rng=0, **FIXES[fix])
    history = net.fit(
        digits.x_train, digits.y_train, epochs=2, lr=0.01, momentum=0.9, rng=0, progress=False
    )
    assert isinstance(history, History) and not history.diverged
    assert len(history.loss) == 2 * history.steps_per_epoch
    assert np.mean(history.loss[-10:]) < 0.3 * np.mean(history.loss[:10])
    assert net.accuracy(digits.x_test, digits.y_test) > 0.8
    if fix == "rezero":
        assert np.all(net.params.alpha != 0)  # the gates learn


def test_the_plain_deep_stack_diverges_where_the_fixes_train(digits):
    """8 plain He blocks multiply the stream's std by about 3^4 = 81 (chapter 8's point)."""
    net = ResidualMLP(64, 32, 8, 10, rng=0)
    history = net.fit(
        digits.x_train, digits.y_train, epochs=2, lr=0.01, momentum=0.9, rng=0, progress=False
    )
    assert history.diverged and "overflowed" in history.message


def test_momentum_follows_the_classical_update():
    x, y = small_problem(n_samples=12)
    lr, momentum = 0.1, 0.9
    net = small_net(gate="rezero", norm="pre_ln", activation="tanh")
    expected = small_net(gate="rezero", norm="pre_ln", activation="tanh")
    net.fit(x, y, epochs=3, lr=lr, batch_size=12, momentum=momentum, rng=0, progress=False)
    velocity = [np.zeros_like(array) for _, array in expected.params.named()]
    for _ in range(3):
        _, grads = expected.loss_and_grads(x, y)
        for v, (_, p), (_, g) in zip(velocity, expected.params.named(), grads.named(), strict=True):
            v *= momentum
            v -= lr * g
            p += v
    for (name, got), (_, want) in zip(net.params.named(), expected.params.named(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12, err_msg=name)


def test_seeded_fit_is_reproducible_and_validation_is_recorded():
    x, y = small_problem(n_samples=40)
    x_val, y_val = small_problem(seed=1, n_samples=10)
    runs = []
    for seed in (5, 5, 6):
        net = small_net(norm="pre_ln")
        history = net.fit(
            x, y, 3, 0.05, batch_size=16, rng=seed, x_val=x_val, y_val=y_val, progress=False
        )
        runs.append(history.loss)
        assert len(history.val_accuracy) == 3 and history.steps_per_epoch == 3
    assert runs[0] == runs[1] != runs[2]


# --- the residual stream at init ---------------------------------------------------------------


@pytest.fixture(scope="module")
def streams():
    options = {"none": {}, **FIXES, "pre_ln+gpt2": {"norm": "pre_ln", "branch_scale": "gpt2"}}
    return {label: residual_stream_stds(**o) for label, o in options.items()}


def test_the_stream_grows_exponentially_without_a_fix(streams):
    stream = streams["none"].stream
    assert isinstance(streams["none"], StreamStds) and stream.shape == (51,)
    assert np.all(np.diff(stream) > 0)
    assert stream[0] == pytest.approx(1.0, abs=0.02) and stream[50] > 1e10  # 3^25 = 8.5e11
    growth = np.log(stream[40] / stream[10]) / 30
    assert growth == pytest.approx(np.log(3) / 2, rel=0.1)


def test_each_fix_keeps_the_stream_bounded(streams):
    for label in ("zero", "rezero"):  # identity blocks: the stream is the input, exactly
        assert np.all(streams[label].stream == streams[label].stream[0])
        assert np.all(streams[label].update == 0)
    assert np.all(streams["zero"].branch == 0) and np.all(streams["rezero"].branch > 1)
    assert streams["gpt2"].stream.max() < 4  # (1 + 2/50)^25 = 2.67
    assert streams["pre_ln"].stream.max() < 15  # sqrt(1 + 2 * 50) = 10.05, like sqrt(k)
    assert streams["pre_ln+gpt2"].stream.max() < 3  # sqrt(3)


def test_the_closed_form_matches_the_measurement(streams):
    for label in ("gpt2", "pre_ln", "pre_ln+gpt2", "rezero"):
        options = {"none": {}, **FIXES, "pre_ln+gpt2": {"norm": "pre_ln", "branch_scale": "gpt2"}}
        theory = stream_std_theory(**options[label])
        np.testing.assert_allclose(streams[label].stream, theory.stream, rtol=0.1, err_msg=label)
        np.testing.assert_allclose(streams[label].branch, theory.branch, rtol=0.2, err_msg=label)
    # Without a fix every block multiplies the stream by a random gain of mean 3: the closed
    # form is the mean over draws, one draw of 50 blocks scatters by a factor of about 1.5.
    measured, theory = streams["none"].stream, stream_std_theory().stream
    assert measured[10] == pytest.approx(theory[10], rel=0.25)
    assert 1 / 3 < measured[50] / theory[50] < 3


def test_the_closed_form_is_the_documented_recursion():
    c = branch_gain()
    assert c == pytest.approx(2.0)
    np.testing.assert_allclose(stream_std_theory(n_blocks=6).stream, 3.0 ** (np.arange(7) / 2))
    np.testing.assert_allclose(
        stream_std_theory(n_blocks=6, norm="pre_ln", input_std=2.0).stream,
        np.sqrt(4.0 + 2.0 * np.arange(7)),
    )
    gpt2 = stream_std_theory(n_blocks=50, branch_scale="gpt2")
    assert gpt2.stream[50] == pytest.approx((1 + 2 / 50) ** 25) and gpt2.stream[50] < math.e
    assert branch_gain(init="lecun_normal") == pytest.approx(0.5)
    assert branch_gain(activation="identity") == pytest.approx(4.0)
    assert branch_gain(width=10, hidden=20, init=0.1) == pytest.approx(10 * 0.01 * 20 * 0.01 / 2)
    assert branch_gain(activation="leaky_relu", init=0.1, width=100) == pytest.approx(
        (1 + 0.01**2) / 2
    )


# --- bad arguments -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"n_blocks": 0}, "n_blocks must be a positive integer"),
        ({"width": 2.5}, "width must be a positive integer"),
        ({"hidden": 0}, "hidden must be a positive integer"),
        ({"branch_scale": "gpt3"}, r"branch_scale must be one of \('none', 'gpt2', 'zero'\)"),
        ({"branch_scale": 0.0}, "branch_scale must be > 0"),
        ({"branch_scale": True}, "branch_scale must be one of"),
        ({"gate": "skipinit"}, r"gate must be one of \('none', 'rezero'\), got 'skipinit'"),
        ({"norm": "layer"}, r"norm must be one of \(None, 'pre_ln'\), got 'layer'"),
        ({"activation": "swish"}, "unknown activation 'swish'"),
        ({"init": "bogus"}, "not a known initializer"),
    ],
)
def test_bad_options_raise_value_errors(options, message):
    arguments = {"n_inputs": 5, "width": 4, "n_blocks": 3, "n_classes": 3, **options}
    with pytest.raises(ValueError, match=message):
        ResidualMLP(**arguments)
    if "n_inputs" not in options and "n_classes" not in options:
        experiment = {key: value for key, value in options.items() if key != "n_inputs"}
        with pytest.raises(ValueError, match=message):
            residual_stream_stds(**experiment)


def test_bad_data_and_training_arguments_raise_value_errors():
    net = small_net()
    x, y = small_problem()
    with pytest.raises(ValueError, match=r"x must have shape \(n_samples, 5\)"):
        net.forward(np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"class indices in \[0, 3\)"):
        net.loss_and_grads(x, np.full(7, 3))
    for bad, message in [
        ({"lr": 0}, "lr must be > 0"),
        ({"momentum": 1.0}, r"momentum must be in \[0, 1\)"),
        ({"epochs": 0}, "epochs must be a positive integer"),
        ({"x_val": x}, "x_val and y_val must be given together"),
    ]:
        with pytest.raises(ValueError, match=message):
            net.fit(x, y, **{"epochs": 1, "lr": 0.1, "progress": False, **bad})
    with pytest.raises(ValueError, match="n_samples must be a positive integer"):
        residual_stream_stds(n_samples=0)


def test_the_closed_form_says_where_it_does_not_hold():
    with pytest.raises(ValueError, match="holds for relu, identity, leaky_relu; got activation"):
        branch_gain(activation="tanh")
    with pytest.raises(ValueError, match="needs init as an initializer name or a float std"):
        stream_std_theory(init=lambda shape, rng: np.ones(shape))
    with pytest.raises(ValueError, match="input_std must be > 0"):
        stream_std_theory(input_std=0.0)
    with pytest.raises(ValueError, match="gate must be one of"):
        stream_std_theory(gate="skip")
