r"""Batch and layer normalization, forward and backward, as pure numpy functions.

Both rescale a batch of pre-activations ``z`` of shape ``(N, D)`` (``N`` samples, ``D``
features) to mean 0 and variance 1, then give each feature ``j`` its own scale ``gamma_j``
and shift ``beta_j``. They differ only in the axis the statistics are taken over::

    batch norm (over the batch, axis 0, per feature j):
        mu_j    = (1/N) sum_n z[n, j]
        var_j   = (1/N) sum_n (z[n, j] - mu_j)^2          biased: divides by N
    layer norm (over the features, axis -1, per sample n):
        mu_n    = (1/D) sum_j z[n, j]
        var_n   = (1/D) sum_j (z[n, j] - mu_n)^2

    sigma   = sqrt(var + eps)
    zhat    = (z - mu) / sigma
    out     = gamma * zhat + beta                          gamma, beta: one per feature

Backward, with ``dzhat = dloss/dout * gamma`` and ``M`` the number of values each statistic
averages (``N`` for batch norm, ``D`` for layer norm), sums taken over that same axis::

    dloss/dgamma = sum_n dloss/dout * zhat                 (both: over the samples)
    dloss/dbeta  = sum_n dloss/dout
    dloss/dz     = (1/M) * (1/sigma) * (M * dzhat - sum dzhat - zhat * sum(dzhat * zhat))

The last line is the compact form of the chain rule through ``mu`` and ``var``: the mean
removes the component of ``dzhat`` shared by all ``M`` values, the variance the component
along ``zhat``. ``eps`` is inside ``sigma`` everywhere, so the formula is exact for any
``eps > 0``.

At test time batch norm uses running estimates instead of the batch's statistics
(:func:`batch_norm_inference`), so a sample's output does not depend on the others in its
batch; layer norm needs none, each row is its own batch.

References
----------
Ioffe, S. & Szegedy, C. (2015). Batch normalization: accelerating deep network training by
reducing internal covariate shift. ICML. (Algorithm 1 and, for inference, Algorithm 2.)

Ba, J. L., Kiros, J. R. & Hinton, G. E. (2016). Layer normalization. arXiv:1607.06450.
"""

from dataclasses import dataclass

import numpy as np

from lib.validation import as_float_array, as_inputs, as_parameter, as_positive

__all__ = [
    "NormCache",
    "batch_norm",
    "batch_norm_backward",
    "batch_norm_inference",
    "layer_norm",
    "layer_norm_backward",
]

_BATCH_AXIS, _FEATURE_AXIS = 0, -1


@dataclass
class NormCache:
    """What a normalization's forward pass keeps for its backward pass.

    - ``normalized``: ``zhat``, shape ``(N, D)``.
    - ``sigma``: ``sqrt(var + eps)``, shape ``(1, D)`` for batch norm, ``(N, 1)`` for layer norm.
    - ``mean``, ``var``: the statistics, shaped like ``sigma`` (``var`` is the biased one).
    - ``gamma``: the scale used, shape ``(D,)``.
    - ``axis``: the axis the statistics were taken over, 0 (batch norm) or -1 (layer norm).
    """

    normalized: np.ndarray
    sigma: np.ndarray
    mean: np.ndarray
    var: np.ndarray
    gamma: np.ndarray
    axis: int


# --- the computations (arguments already checked) ---------------------------------------------


def _normalize(z, gamma, beta, eps, axis):
    mean = z.mean(axis=axis, keepdims=True)
    var = ((z - mean) ** 2).mean(axis=axis, keepdims=True)
    sigma = np.sqrt(var + eps)
    normalized = (z - mean) / sigma
    cache = NormCache(normalized, sigma, mean, var, gamma, axis)
    return gamma * normalized + beta, cache


def _normalize_backward(grad_out, cache):
    zhat, axis = cache.normalized, cache.axis
    count = zhat.shape[axis]
    grad_zhat = grad_out * cache.gamma
    grad_gamma = (grad_out * zhat).sum(axis=0)
    grad_beta = grad_out.sum(axis=0)
    grad_z = (
        count * grad_zhat
        - grad_zhat.sum(axis=axis, keepdims=True)
        - zhat * (grad_zhat * zhat).sum(axis=axis, keepdims=True)
    ) / (count * cache.sigma)
    return grad_z, grad_gamma, grad_beta


# --- the public functions: arguments checked here, once ---------------------------------------


def _checked(z, gamma, beta, eps, min_samples=1):
    """``z``, ``gamma``, ``beta``, ``eps`` through :mod:`lib.validation` (ValueError naming
    the argument): ``z`` finite ``(N, D)`` with ``N >= min_samples``, ``gamma`` and ``beta``
    finite of shape ``(D,)``, ``eps > 0``."""
    z = as_float_array(z, "z")
    if z.ndim != 2 or z.shape[1] == 0:
        raise ValueError(f"z must be a 2-d array (n_samples, n_features), got shape {z.shape}")
    z = as_inputs("z", z, z.shape[1])
    if len(z) < min_samples:
        raise ValueError(
            f"z must hold at least {min_samples} samples: batch statistics of one sample are "
            f"mean = z and variance 0, so every output would be beta; got {len(z)}"
        )
    n_features = z.shape[1]
    gamma = as_parameter("gamma (one scale per feature of z)", gamma, (n_features,))
    beta = as_parameter("beta (one shift per feature of z)", beta, (n_features,))
    return z, gamma, beta, as_positive("eps", eps)


def _checked_backward(grad_out, cache, axis, forward):
    if not isinstance(cache, NormCache) or cache.axis != axis:
        raise ValueError(f"cache must be the NormCache returned by {forward}, got {cache!r:.80}")
    grad_out = as_float_array(grad_out, "grad_out")
    if grad_out.shape != cache.normalized.shape:
        raise ValueError(
            f"grad_out must have the shape of the forward output, {cache.normalized.shape}, "
            f"got {grad_out.shape}"
        )
    return as_inputs("grad_out", grad_out, grad_out.shape[1]), cache


def batch_norm(z, gamma, beta, eps=1e-5):
    """Batch normalization in training mode: each feature (column) standardized over the batch.

    ``mu_B = mean(z, axis=0)``, ``var_B = mean((z - mu_B)**2, axis=0)`` (biased),
    ``zhat = (z - mu_B) / sqrt(var_B + eps)``, ``out = gamma * zhat + beta``
    (Ioffe & Szegedy 2015, Algorithm 1; see the module docstring).

    ``z`` has shape ``(N, D)`` with ``N >= 2``; ``gamma`` and ``beta`` shape ``(D,)``;
    ``eps > 0``. Returns ``(out, cache)``, ``cache`` a :class:`NormCache` for
    :func:`batch_norm_backward` whose ``mean`` and ``var`` are the batch's statistics.

    >>> z = np.array([[1.0, 10.0], [3.0, 30.0], [5.0, 50.0]])
    >>> out, cache = batch_norm(z, gamma=np.ones(2), beta=np.zeros(2))
    >>> out.round(4)
    array([[-1.2247, -1.2247],
           [ 0.    ,  0.    ],
           [ 1.2247,  1.2247]])
    >>> out, _ = batch_norm(z, gamma=np.array([2.0, 1.0]), beta=np.array([0.0, 5.0]))
    >>> out.mean(axis=0).round(6), out.std(axis=0).round(4)
    (array([0., 5.]), array([2., 1.]))
    """
    z, gamma, beta, eps = _checked(z, gamma, beta, eps, min_samples=2)
    return _normalize(z, gamma, beta, eps, _BATCH_AXIS)


def batch_norm_backward(grad_out, cache):
    """Gradients of batch normalization: ``(dloss/dz, dloss/dgamma, dloss/dbeta)``.

    ``grad_out = dloss/dout`` has the shape of the forward output; ``cache`` is what
    :func:`batch_norm` returned. With ``dzhat = grad_out * gamma``, ``N`` samples and sums over
    the batch (axis 0)::

        dz     = (1/N) * (1/sigma) * (N * dzhat - sum(dzhat) - zhat * sum(dzhat * zhat))
        dgamma = sum(grad_out * zhat),  dbeta = sum(grad_out)

    >>> z = np.array([[1.0, 10.0], [3.0, 30.0], [5.0, 50.0]])
    >>> out, cache = batch_norm(z, np.ones(2), np.zeros(2))
    >>> grad_z, grad_gamma, grad_beta = batch_norm_backward(np.ones((3, 2)), cache)
    >>> bool(np.abs(grad_z).max() < 1e-12)  # shifting all of a feature's outputs: no change
    True
    >>> grad_beta
    array([3., 3.])
    """
    return _normalize_backward(*_checked_backward(grad_out, cache, _BATCH_AXIS, "batch_norm"))


def layer_norm(z, gamma, beta, eps=1e-5):
    """Layer normalization: each sample (row) standardized over its own features.

    ``mu = mean(z, axis=-1)``, ``var = mean((z - mu)**2, axis=-1)`` (biased),
    ``zhat = (z - mu) / sqrt(var + eps)``, ``out = gamma * zhat + beta`` with one ``gamma_j``,
    ``beta_j`` per feature (Ba, Kiros & Hinton 2016, eq. 4; see the module docstring). The
    same computation at training and test time; one sample is a valid batch.

    ``z`` has shape ``(N, D)``; ``gamma`` and ``beta`` shape ``(D,)``; ``eps > 0``. Returns
    ``(out, cache)``, ``cache`` a :class:`NormCache` for :func:`layer_norm_backward`.

    >>> z = np.array([[1.0, 2.0, 3.0], [10.0, 40.0, 70.0]])
    >>> out, cache = layer_norm(z, gamma=np.ones(3), beta=np.zeros(3))
    >>> out.round(4)
    array([[-1.2247,  0.    ,  1.2247],
           [-1.2247,  0.    ,  1.2247]])
    """
    z, gamma, beta, eps = _checked(z, gamma, beta, eps)
    return _normalize(z, gamma, beta, eps, _FEATURE_AXIS)


def layer_norm_backward(grad_out, cache):
    """Gradients of layer normalization: ``(dloss/dz, dloss/dgamma, dloss/dbeta)``.

    The batch-norm formula with the sums over each row's ``D`` features instead of the batch::

        dz     = (1/D) * (1/sigma) * (D * dzhat - sum_j(dzhat) - zhat * sum_j(dzhat * zhat))
        dgamma = sum_n(grad_out * zhat),  dbeta = sum_n(grad_out)

    where ``dzhat = grad_out * gamma`` and ``sigma`` is each row's ``sqrt(var + eps)``.

    >>> z = np.array([[1.0, 2.0, 3.0], [10.0, 40.0, 70.0]])
    >>> out, cache = layer_norm(z, np.ones(3), np.zeros(3))
    >>> grad_z, grad_gamma, grad_beta = layer_norm_backward(np.ones((2, 3)), cache)
    >>> bool(np.abs(grad_z).max() < 1e-12), grad_beta
    (True, array([2., 2., 2.]))
    """
    return _normalize_backward(*_checked_backward(grad_out, cache, _FEATURE_AXIS, "layer_norm"))


def batch_norm_inference(z, gamma, beta, running_mean, running_var, eps=1e-5):
    """Batch normalization at test time, with fixed statistics instead of the batch's.

    ``out = gamma * (z - running_mean) / sqrt(running_var + eps) + beta``
    (Ioffe & Szegedy 2015, Algorithm 2): an affine map of each feature, so a sample's output
    no longer depends on the rest of its batch. ``running_mean`` and ``running_var`` (>= 0)
    have shape ``(D,)``, like ``gamma`` and ``beta``; they are the estimates kept during
    training (:class:`lib.network.MLP` keeps them as PyTorch does).

    >>> z = np.array([[1.0, 10.0], [3.0, 30.0]])
    >>> batch_norm_inference(z, np.ones(2), np.zeros(2), np.array([1.0, 20.0]),
    ...                      np.array([4.0, 100.0])).round(4)
    array([[ 0., -1.],
           [ 1.,  1.]])
    """
    z, gamma, beta, eps = _checked(z, gamma, beta, eps)
    running_mean = as_parameter("running_mean", running_mean, gamma.shape)
    running_var = as_parameter("running_var", running_var, gamma.shape)
    if np.any(running_var < 0):
        raise ValueError(f"running_var must be >= 0, got a minimum of {running_var.min():g}")
    return gamma * (z - running_mean) / np.sqrt(running_var + eps) + beta
