import numpy as np
import pytest

from lib.normalization import (
    NormCache,
    batch_norm,
    batch_norm_backward,
    batch_norm_inference,
    layer_norm,
    layer_norm_backward,
)
from tests.gradcheck import numeric_gradient, relative_error

N, D = 9, 5  # asymmetric on purpose: a transposed axis would fail a shape or a value


def problem(seed=0, n=N, d=D):
    """Pre-activations with a different mean and scale per feature, and random gamma, beta."""
    rng = np.random.default_rng(seed)
    z = rng.normal(loc=rng.normal(0, 3, d), scale=rng.uniform(0.5, 4, d), size=(n, d))
    return z, rng.uniform(0.5, 2.0, d), rng.normal(0, 1, d)


FORWARD_BACKWARD = [(batch_norm, batch_norm_backward), (layer_norm, layer_norm_backward)]


# --- forward -----------------------------------------------------------------------------------


def test_batch_norm_standardizes_each_feature_over_the_batch():
    z, _, _ = problem()
    out, cache = batch_norm(z, np.ones(D), np.zeros(D), eps=1e-12)
    assert out.shape == (N, D)
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=0), 1.0, rtol=1e-9)
    assert isinstance(cache, NormCache)
    np.testing.assert_allclose(cache.mean.ravel(), z.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(cache.var.ravel(), z.var(axis=0), rtol=1e-12)  # biased


def test_layer_norm_standardizes_each_sample_over_its_features():
    z, _, _ = problem()
    out, cache = layer_norm(z, np.ones(D), np.zeros(D), eps=1e-12)
    assert out.shape == (N, D)
    np.testing.assert_allclose(out.mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=1), 1.0, rtol=1e-9)
    np.testing.assert_allclose(cache.mean.ravel(), z.mean(axis=1), rtol=1e-12)


@pytest.mark.parametrize(("forward", "backward"), FORWARD_BACKWARD)
def test_gamma_and_beta_scale_and_shift_each_feature(forward, backward):
    z, gamma, beta = problem()
    plain, _ = forward(z, np.ones(D), np.zeros(D))
    out, _ = forward(z, gamma, beta)
    np.testing.assert_allclose(out, gamma * plain + beta, rtol=1e-12)


def test_eps_is_inside_the_square_root():
    z = np.array([[0.0, 1.0], [2.0, 1.0]])  # variances 1 and 0
    out, _ = batch_norm(z, np.ones(2), np.zeros(2), eps=3.0)
    np.testing.assert_allclose(out, [[-0.5, 0.0], [0.5, 0.0]])  # 1 / sqrt(1 + 3); no NaN
    out, _ = layer_norm(np.array([[0.0, 2.0]]), np.ones(2), np.zeros(2), eps=3.0)
    np.testing.assert_allclose(out, [[-0.5, 0.5]])


def test_batch_norm_inference_uses_the_given_statistics():
    z, gamma, beta = problem()
    mean, var = np.arange(D, dtype=float), np.linspace(0.5, 3.0, D)
    out = batch_norm_inference(z, gamma, beta, mean, var, eps=1e-3)
    np.testing.assert_allclose(out, gamma * (z - mean) / np.sqrt(var + 1e-3) + beta, rtol=1e-12)
    # with the batch's own (biased) statistics it is training-mode batch norm
    trained, _ = batch_norm(z, gamma, beta)
    same = batch_norm_inference(z, gamma, beta, z.mean(axis=0), z.var(axis=0))
    np.testing.assert_allclose(same, trained, rtol=1e-12)
    # one sample at a time gives the same rows: no dependence on the rest of the batch
    np.testing.assert_allclose(batch_norm_inference(z[:1], gamma, beta, mean, var, 1e-3), out[:1])


# --- backward ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("forward", "backward"), FORWARD_BACKWARD)
@pytest.mark.parametrize("seed", [0, 1])
def test_backward_matches_central_differences(forward, backward, seed):
    z, gamma, beta = problem(seed)
    weights = np.random.default_rng(seed + 10).standard_normal((N, D))

    def loss():  # a random scalar of the output, so every output entry gets its own gradient
        return float(np.sum(forward(z, gamma, beta)[0] * weights))

    _, cache = forward(z, gamma, beta)
    grad_z, grad_gamma, grad_beta = backward(weights, cache)
    assert grad_z.shape == (N, D) and grad_gamma.shape == grad_beta.shape == (D,)
    for analytic, parameter in [(grad_z, z), (grad_gamma, gamma), (grad_beta, beta)]:
        numeric = numeric_gradient(loss, parameter)
        assert relative_error(analytic, numeric) < 1e-7


@pytest.mark.parametrize(("forward", "backward"), FORWARD_BACKWARD)
def test_backward_matches_central_differences_with_a_large_eps(forward, backward):
    z, gamma, beta = problem(seed=2, n=4, d=7)
    weights = np.random.default_rng(3).standard_normal((4, 7))
    _, cache = forward(z, gamma, beta, eps=2.0)
    grad_z, _, _ = backward(weights, cache)
    numeric = numeric_gradient(lambda: float(np.sum(forward(z, gamma, beta, 2.0)[0] * weights)), z)
    assert relative_error(grad_z, numeric) < 1e-7


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize("forward", [batch_norm, layer_norm])
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"z": np.zeros(D)}, r"z must be a 2-d array \(n_samples, n_features\), got shape \(5,\)"),
        ({"z": np.zeros((N, D, 1))}, r"z must be a 2-d array"),
        ({"z": np.zeros((N, 0))}, r"z must be a 2-d array"),
        ({"z": np.full((N, D), np.nan)}, "z must be finite"),
        ({"z": [["a"] * D] * N}, "z must hold real numbers"),
        ({"gamma": np.ones(N)}, r"gamma \(one scale per feature of z\) must have shape \(5,\)"),
        ({"gamma": np.ones((1, D))}, r"gamma .* must have shape \(5,\), got \(1, 5\)"),
        ({"beta": np.zeros(D + 1)}, r"beta \(one shift per feature of z\) must have shape \(5,\)"),
        ({"beta": np.full(D, np.inf)}, r"beta .* contains NaN or inf"),
        ({"eps": 0.0}, "eps must be > 0"),
        ({"eps": -1e-5}, "eps must be > 0"),
        ({"eps": np.nan}, "eps must be finite"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(forward, change, message):
    z, gamma, beta = problem()
    arguments = {"z": z, "gamma": gamma, "beta": beta, "eps": 1e-5} | change
    with pytest.raises(ValueError, match=message):
        forward(**arguments)


def test_batch_norm_needs_two_samples_layer_norm_one():
    z, gamma, beta = problem(n=1)
    with pytest.raises(ValueError, match="z must hold at least 2 samples"):
        batch_norm(z, gamma, beta)
    out, _ = layer_norm(z, gamma, beta)
    assert np.all(np.isfinite(out))


def test_backward_checks_its_cache_and_gradient():
    z, gamma, beta = problem()
    _, bn_cache = batch_norm(z, gamma, beta)
    _, ln_cache = layer_norm(z, gamma, beta)
    with pytest.raises(ValueError, match="cache must be the NormCache returned by batch_norm"):
        batch_norm_backward(np.ones((N, D)), ln_cache)
    with pytest.raises(ValueError, match="cache must be the NormCache returned by layer_norm"):
        layer_norm_backward(np.ones((N, D)), "cache")
    with pytest.raises(ValueError, match=r"grad_out must have the shape .* \(9, 5\), got \(5, 9\)"):
        batch_norm_backward(np.ones((D, N)), bn_cache)
    with pytest.raises(ValueError, match="grad_out must be finite"):
        layer_norm_backward(np.full((N, D), np.nan), ln_cache)


def test_batch_norm_inference_errors():
    z, gamma, beta = problem()
    with pytest.raises(ValueError, match=r"running_mean must have shape \(5,\)"):
        batch_norm_inference(z, gamma, beta, np.zeros(N), np.ones(D))
    with pytest.raises(ValueError, match="running_var must be >= 0"):
        batch_norm_inference(z, gamma, beta, np.zeros(D), -np.ones(D))
    with pytest.raises(ValueError, match="eps must be > 0"):
        batch_norm_inference(z, gamma, beta, np.zeros(D), np.ones(D), eps=0)
