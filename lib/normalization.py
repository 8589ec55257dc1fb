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

The functions check their arguments and are what a chapter calls. :class:`LayerNorm` and
:class:`BatchNorm` hold one hidden layer's ``gamma``, ``beta`` (and running statistics) for
``lib.network.MLP(norm=...)``, :class:`HiddenNorms` all of a network's; they compute with the
same code, unchecked, since the network has checked its inputs.

References
----------
Ioffe, S. & Szegedy, C. (2015). Batch normalization: accelerating deep network training by
reducing internal covariate shift. ICML. (Algorithm 1 and, for inference, Algorithm 2.)

Ba, J. L., Kiros, J. R. & Hinton, G. E. (2016). Layer normalization. arXiv:1607.06450.
"""

from dataclasses import dataclass

import numpy as np

from lib.validation import (
    as_float_array,
    as_inputs,
    as_parameter,
    as_parameter_list,
    as_positive,
    check_choice,
)

__all__ = [
    "NORMS",
    "RUNNING_MOMENTUM",
    "BatchNorm",
    "HiddenNorms",
    "LayerNorm",
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


def _normalize_with(z, gamma, beta, mean, var, eps):
    return gamma * (z - mean) / np.sqrt(var + eps) + beta


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
    training (:class:`BatchNorm` keeps them as PyTorch does).

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
    return _normalize_with(z, gamma, beta, running_mean, running_var, eps)


# --- layers: the parameters and running statistics one hidden layer of lib.network.MLP keeps ---

#: Batch norm's running statistics: ``running = 0.9 * running + 0.1 * batch`` at every training
#: step (PyTorch's ``BatchNorm1d(momentum=0.1)`` is the same update).
RUNNING_MOMENTUM = 0.9


class LayerNorm:
    """Layer normalization of one layer's ``width`` features, with its ``gamma`` (ones) and
    ``beta`` (zeros). The same computation in training and inference.

    The network calls it with arguments it has already checked, so nothing is checked here:
    :func:`layer_norm` and :func:`layer_norm_backward` are the checked entry points.

    >>> norm = LayerNorm(3)
    >>> u, cache = norm.forward(np.array([[1.0, 2.0, 3.0]]), training=False)
    >>> u.round(4)
    array([[-1.2247,  0.    ,  1.2247]])
    """

    def __init__(self, width, eps=1e-5):
        self.gamma = np.ones(width)
        self.beta = np.zeros(width)
        self.eps = eps

    def forward(self, z, training):
        """``(gamma * zhat + beta, cache)`` with ``zhat`` standardized along each row."""
        return _normalize(z, self.gamma, self.beta, self.eps, _FEATURE_AXIS)

    def backward(self, grad_out, cache):
        """``(dloss/dz, dloss/dgamma, dloss/dbeta)`` from ``dloss/dout`` and the cache."""
        return _normalize_backward(grad_out, cache)


class BatchNorm(LayerNorm):
    """Batch normalization of one layer's ``width`` features: ``gamma`` (ones), ``beta``
    (zeros) and the running estimates of each feature's mean (zeros) and variance (ones).

    ``forward(z, training=True)`` uses the batch's statistics (at least 2 samples);
    ``forward(z, training=False)`` the running ones, and returns no cache.
    :meth:`update_running_statistics` folds a training batch's statistics into the running
    ones: ``running = 0.9 * running + 0.1 * batch``, with the batch's unbiased variance
    ``N / (N - 1) * var_B`` as PyTorch does (Ioffe & Szegedy 2015, Algorithm 2, use the
    unbiased variance too; the normalization itself uses the biased one).

    >>> norm = BatchNorm(2)
    >>> u, cache = norm.forward(np.array([[1.0, 10.0], [3.0, 30.0]]), training=True)
    >>> norm.update_running_statistics(cache)
    >>> norm.running_mean, norm.running_var
    (array([0.2, 2. ]), array([ 1.1, 20.9]))
    """

    def __init__(self, width, eps=1e-5):
        super().__init__(width, eps)
        self.running_mean = np.zeros(width)
        self.running_var = np.ones(width)

    def forward(self, z, training):
        """Training: ``(gamma * zhat + beta, cache)`` over the batch; inference: ``(out, None)``."""
        if not training:
            statistics = (self.running_mean, self.running_var, self.eps)
            return _normalize_with(z, self.gamma, self.beta, *statistics), None
        if len(z) < 2:
            raise ValueError(
                f"batch normalization in training mode needs at least 2 samples, got {len(z)}"
            )
        return _normalize(z, self.gamma, self.beta, self.eps, _BATCH_AXIS)

    def update_running_statistics(self, cache):
        """Fold the statistics of the batch that gave ``cache`` into the running ones."""
        n_samples = len(cache.normalized)
        unbiased_var = cache.var[0] * n_samples / (n_samples - 1)
        self.running_mean *= RUNNING_MOMENTUM
        self.running_mean += (1 - RUNNING_MOMENTUM) * cache.mean[0]
        self.running_var *= RUNNING_MOMENTUM
        self.running_var += (1 - RUNNING_MOMENTUM) * unbiased_var


#: The normalizations ``lib.network.MLP(norm=...)`` accepts, by name.
NORMS = {"batch": BatchNorm, "layer": LayerNorm}


class HiddenNorms:
    """The normalizations of a network's hidden layers, one per width in ``widths``.

    ``norm`` is None (no normalization: no layers, every list empty), ``"batch"``
    (:class:`BatchNorm`) or ``"layer"`` (:class:`LayerNorm`). ``lib.network.MLP`` keeps one and
    shows its lists as ``gammas``, ``betas``, ``running_means`` and ``running_vars``; assigned
    lists are checked and copied, as the network's weights are.

    >>> norms = HiddenNorms("batch", [3, 2])
    >>> [gamma.shape for gamma in norms.gammas], len(norms.running_vars)
    ([(3,), (2,)], 2)
    >>> HiddenNorms("group", [3])
    Traceback (most recent call last):
    ValueError: norm must be one of (None, 'batch', 'layer'), got 'group'
    """

    def __init__(self, norm, widths):
        check_choice(norm, (None, *NORMS), "norm")
        self.norm = norm
        self.layers = [] if norm is None else [NORMS[norm](width) for width in widths]

    def __len__(self):
        return len(self.layers)

    def __getitem__(self, index):
        return self.layers[index]

    def _shapes(self):
        return [layer.gamma.shape for layer in self.layers]

    @property
    def gammas(self):
        return [layer.gamma for layer in self.layers]

    @gammas.setter
    def gammas(self, gammas):
        gammas = as_parameter_list("gammas", gammas, self._shapes())
        for layer, gamma in zip(self.layers, gammas, strict=True):
            layer.gamma = gamma

    @property
    def betas(self):
        return [layer.beta for layer in self.layers]

    @betas.setter
    def betas(self, betas):
        betas = as_parameter_list("betas", betas, self._shapes())
        for layer, beta in zip(self.layers, betas, strict=True):
            layer.beta = beta

    @property
    def running_means(self):
        return [layer.running_mean for layer in self.layers if isinstance(layer, BatchNorm)]

    @property
    def running_vars(self):
        return [layer.running_var for layer in self.layers if isinstance(layer, BatchNorm)]

    @property
    def min_batch_size(self):
        """2 for batch norm (one sample has no variance to normalize by), else 1."""
        return 2 if self.norm == "batch" else 1

    def update_running_statistics(self, caches):
        """Fold a training step's batch statistics (its caches, one per layer) into the
        running ones; nothing to do for layer norm."""
        for layer, cache in zip(self.layers, caches, strict=True):
            if isinstance(layer, BatchNorm):
                layer.update_running_statistics(cache)
