"""Tests for lib.lsuv: every layer ends at unit output variance on the batch."""

import numpy as np
import pytest

from lib.data import load_digits
from lib.lsuv import lsuv
from lib.network import MLP

SIZES = [64, 50, 40, 30, 10]


@pytest.fixture(scope="module")
def batch():
    return load_digits().x_train[:200]


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
@pytest.mark.parametrize("init", [1.0, 0.01])
@pytest.mark.parametrize("orthogonal_start", [True, False])
def test_every_layer_ends_within_tol_of_unit_variance(batch, activation, init, orthogonal_start):
    net = MLP(SIZES, activation, init=init, rng=0)
    report = lsuv(net, batch, tol=0.05, orthogonal_start=orthogonal_start, rng=1)
    variances = [np.var(z) for z in net.forward(batch).pre_activations]
    np.testing.assert_allclose(variances, 1.0, atol=0.05)
    np.testing.assert_allclose(report.variance_after, variances)
    assert report.converged.all()
    assert np.all(report.iterations >= 1)


def test_badly_scaled_start_is_reported_and_rescaled_by_the_right_factor(batch):
    net = MLP(SIZES, "relu", init=0.01, rng=0)
    original = net.weights
    report = lsuv(net, batch, orthogonal_start=False)
    # Each N(0, 0.01²) layer shrinks the variance it receives by fan_in * 1e-4 / 2 or so.
    assert np.all(report.variance_before < 0.01)
    for w_new, w_old, scale in zip(net.weights, original, report.scales, strict=True):
        np.testing.assert_allclose(w_new, scale * w_old)
    # Zero biases: one rescaling is exact.
    np.testing.assert_array_equal(report.iterations, 1)


def test_biases_may_need_more_than_one_iteration(batch):
    net = MLP(SIZES, "relu", init="he_normal", rng=0)
    # Biases that differ between units add a variance that rescaling W does not scale.
    net.biases = [np.random.default_rng(1).normal(0.0, 0.5, n) for n in SIZES[1:]]
    report = lsuv(net, batch, tol=0.01, max_iter=50, rng=0)
    assert report.iterations.max() > 1
    assert report.converged.all()


def test_orthogonal_start_replaces_the_weights_with_orthonormal_directions(batch):
    net = MLP(SIZES, "tanh", init=1.0, rng=0)
    report = lsuv(net, batch, rng=0)
    for w, scale in zip(net.weights, report.scales, strict=True):
        q = w / scale
        small = min(q.shape)
        gram = q.T @ q if q.shape[0] >= q.shape[1] else q @ q.T
        np.testing.assert_allclose(gram, np.eye(small), atol=1e-10)


def test_max_iter_stops_and_reports_not_converged(batch):
    net = MLP(SIZES, "relu", init="he_normal", rng=0)
    net.biases = [np.random.default_rng(1).normal(0.0, 0.5, n) for n in SIZES[1:]]
    report = lsuv(net, batch, tol=1e-6, max_iter=1, rng=0)
    assert np.all(report.iterations <= 1)
    assert not report.converged.all()


def test_dead_layer_raises(batch):
    net = MLP(SIZES, "relu", init="he_normal", rng=0)
    net.biases = [np.full(SIZES[1], -100.0)] + net.biases[1:]
    with pytest.raises(ValueError, match="layer 1"):
        lsuv(net, batch, orthogonal_start=False)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"tol": 0.0}, "tol"),
        ({"max_iter": 0}, "max_iter"),
        ({"x": np.ones((10, 5))}, "x"),
        ({"x": np.ones((1, 64))}, "2 samples"),
        ({"x": np.full((10, 64), np.nan)}, "finite"),
        ({"net": "mlp"}, "net"),
    ],
)
def test_bad_arguments_raise(batch, kwargs, match):
    arguments = {"net": MLP(SIZES, "relu", rng=0), "x": batch} | kwargs
    with pytest.raises(ValueError, match=match):
        lsuv(**arguments)
