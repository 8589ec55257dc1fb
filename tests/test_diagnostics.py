"""Tests for lib.diagnostics: the loss and ratios that tell a bad start at step 0."""

import math

import numpy as np
import pytest

from lib import diagnostics
from lib.network import MLP

SIZES = [12, 20, 9, 5]  # asymmetric: fan_in != fan_out in every layer


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((90, SIZES[0]))
    y = rng.integers(0, SIZES[-1], size=90)
    return x, y


def test_a_sound_start_has_loss_near_ln_c_and_a_large_output_layer_does_not(data):
    x, y = data
    net = MLP(SIZES, activation="tanh", init="xavier_normal", rng=0)
    sound = diagnostics.step_zero(net, x, y)
    assert sound.expected_loss == pytest.approx(math.log(5))
    assert abs(sound.excess_loss) < 0.3
    net.weights = [*net.weights[:-1], 30.0 * net.weights[-1]]
    loud = diagnostics.step_zero(net, x, y)
    assert loud.excess_loss > 2.0
    assert loud.logit_std == pytest.approx(30.0 * sound.logit_std, rel=1e-9)
    assert loud.activation_stds == sound.activation_stds  # hidden layers untouched


def test_zero_output_weights_and_log_prior_bias_give_the_entropy_of_the_labels(data):
    x, y = data
    net = MLP(SIZES, activation="relu", init="he_normal", rng=1)
    net.weights = [*net.weights[:-1], np.zeros_like(net.weights[-1])]
    priors = diagnostics.class_log_priors(y, SIZES[-1])
    net.biases = [*net.biases[:-1], priors]
    shares = np.bincount(y, minlength=SIZES[-1]) / len(y)
    entropy = -np.sum(shares * np.log(shares))
    assert diagnostics.step_zero(net, x, y).loss == pytest.approx(entropy, rel=1e-12)
    assert entropy < math.log(SIZES[-1])


def test_class_log_priors_of_an_absent_class_is_finite():
    priors = diagnostics.class_log_priors([0, 0, 2, 2], 3)
    assert priors[1] == pytest.approx(math.log(0.5 / 4))
    assert np.exp(priors[[0, 2]]).tolist() == pytest.approx([0.5, 0.5])


def test_gradient_to_data_is_the_std_ratio_of_each_layer(data):
    x, y = data
    net = MLP(SIZES, activation="tanh", init="lecun_normal", rng=2)
    report = diagnostics.step_zero(net, x, y)
    _, grads = net.loss_and_grads(x, y)
    expected = [g.std() / w.std() for g, w in zip(grads.weights, net.weights, strict=True)]
    assert report.gradient_to_data == pytest.approx(expected, rel=1e-12)
    assert len(report.activation_stds) == len(SIZES) - 2


def test_first_steps_records_the_ratios_of_the_steps_it_takes(data):
    x, y = data
    net = MLP(SIZES, activation="relu", init="he_normal", rng=3)
    twin = MLP(SIZES, activation="relu", init="he_normal", rng=3)
    record = diagnostics.first_steps(net, x, y, lr=0.05, steps=7, batch_size=40, rng=4)
    assert record.update_to_data.shape == record.gradient_to_data.shape == (7, 3)
    np.testing.assert_allclose(record.update_to_data, 0.05 * record.gradient_to_data)
    # Step 0 is the twin's gradient on the first batch the same rng draws.
    batch = np.random.default_rng(4).permutation(len(x))[:40]
    loss, grads = twin.loss_and_grads(x[batch], y[batch])
    assert record.loss[0] == pytest.approx(loss, rel=1e-12)
    assert record.gradient_to_data[0] == pytest.approx(
        [g.std() / w.std() for g, w in zip(grads.weights, twin.weights, strict=True)], rel=1e-12
    )
    assert not np.allclose(net.weights[0], twin.weights[0])  # it trained in place


def test_first_steps_learns_on_the_digits():
    from lib.data import load_digits

    digits = load_digits()
    net = MLP([64, 50, 10], activation="relu", init="he_normal", rng=0)
    record = diagnostics.first_steps(
        net, digits.x_train, digits.y_train, lr=0.1, steps=200, batch_size=32, rng=0
    )
    assert record.loss[-20:].mean() < 0.5 * record.loss[:20].mean()
    assert np.all((record.update_to_data > 1e-5) & (record.update_to_data < 1e-1))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda x, y: diagnostics.step_zero("net", x, y), "net must be a lib.network.MLP"),
        (lambda x, y: diagnostics.step_zero(MLP(SIZES, rng=0), x[:, :3], y), "x"),
        (lambda x, y: diagnostics.step_zero(MLP(SIZES, rng=0), x, y + 10), "y"),
        (lambda x, y: diagnostics.first_steps(MLP(SIZES, rng=0), x, y, lr=0.0), "lr"),
        (lambda x, y: diagnostics.first_steps(MLP(SIZES, rng=0), x, y, lr=0.1, steps=0), "steps"),
        (lambda x, y: diagnostics.class_log_priors(y, 0), "n_classes"),
        (lambda x, y: diagnostics.class_log_priors([0, 7], 3), "y"),
    ],
)
def test_bad_input_raises_a_clear_value_error(data, call, match):
    with pytest.raises(ValueError, match=match):
        call(*data)
