"""The initializers: each draws a weight array with the std of its formula in ``scales``."""

import math

import numpy as np

from lib.initializers.scales import (
    TRUNCATION,
    Shape,
    _he_std,
    _lecun_std,
    _normal_std,
    _orthogonal_matrix_shape,
    _truncated_normal_std,
    _uniform_bounds,
    _variance_scaling_std,
    _xavier_std,
    truncated_normal_std_factor,
)
from lib.validation import RngLike, as_positive, as_real, as_rng, as_shape

_SQRT3 = math.sqrt(3.0)


def _draw_normal(shape: Shape, std: float, rng: RngLike, mean: float = 0.0) -> np.ndarray:
    return as_rng(rng).normal(mean, std, size=as_shape(shape))


def _draw_truncated_normal(shape: Shape, std: float, rng: RngLike) -> np.ndarray:
    """N(0, s²) cut at ±2s by redrawing what falls outside, s = std / 0.8796: final std ``std``."""
    rng, shape = as_rng(rng), as_shape(shape)
    scale = std / truncated_normal_std_factor()
    values = rng.normal(0.0, scale, size=shape)
    outside = np.abs(values) > TRUNCATION * scale
    while outside.any():
        values[outside] = rng.normal(0.0, scale, size=int(outside.sum()))
        outside = np.abs(values) > TRUNCATION * scale
    return values


def _draw_uniform_with_std(shape: Shape, std: float, rng: RngLike) -> np.ndarray:
    bound = _SQRT3 * std
    return as_rng(rng).uniform(-bound, bound, size=as_shape(shape))


def zeros(shape: Shape, *, rng: RngLike = None) -> np.ndarray:
    """All zeros, :math:`W = 0` (the usual bias init; for weights it cannot break symmetry).

    ``rng`` is validated but unused; it is accepted so every initializer has the same call form.
    """
    shape = as_shape(shape)
    as_rng(rng)
    return np.zeros(shape, dtype=np.float64)


def constant(shape: Shape, value: float, *, rng: RngLike = None) -> np.ndarray:
    """Every entry equal to ``value``, :math:`W = c`.

    ``value`` has no default, so ``constant`` is left out of :func:`available` and :func:`get`
    (whose functions are all callable as ``fn(shape, rng=rng)``); use
    ``functools.partial(constant, value=c)`` where a one-argument initializer is needed.
    ``rng`` is validated but unused.
    """
    shape = as_shape(shape)
    value = as_real("value", value)
    as_rng(rng)
    return np.full(shape, value, dtype=np.float64)


def normal(shape: Shape, std: float = 1.0, mean: float = 0.0, *, rng: RngLike = None) -> np.ndarray:
    r"""Gaussian entries, :math:`W_{ij} \sim \mathcal{N}(\text{mean}, \text{std}^2)`.

    The fixed-scale init used before fan-based ones (e.g. ``std=0.01``); its problem, a scale
    that ignores the layer width, is what Glorot & Bengio (2010) address.
    """
    std = _normal_std(shape, std, mean)
    return _draw_normal(shape, std, rng, mean=float(mean))


def uniform(
    shape: Shape, low: float = -1.0, high: float = 1.0, *, rng: RngLike = None
) -> np.ndarray:
    r"""Uniform entries, :math:`W_{ij} \sim U(\text{low}, \text{high})`.

    Standard deviation :math:`(\text{high} - \text{low}) / \sqrt{12}`.
    """
    shape = as_shape(shape)
    low, high = _uniform_bounds(low, high)
    return as_rng(rng).uniform(low, high, size=shape)


def lecun_normal(shape: Shape, *, rng: RngLike = None) -> np.ndarray:
    r"""LeCun normal: :math:`W_{ij} \sim \mathcal{N}(0, 1/\text{fan\_in})`.

    Variance :math:`1/\text{fan\_in}` keeps the forward variance of a linear layer constant
    (LeCun et al. 1998, "Efficient BackProp"). Many textbooks, e.g. *Deep Learning from
    Scratch*, call this "Xavier"; Glorot & Bengio's Xavier init averages both fans, see
    :func:`xavier_normal`.

    >>> w = lecun_normal((400, 100), rng=0)
    >>> w.shape, round(float(w.std()), 3), round(1 / 400**0.5, 3)
    ((400, 100), 0.05, 0.05)
    """
    return _draw_normal(shape, _lecun_std(shape), rng)


def lecun_uniform(shape: Shape, *, rng: RngLike = None) -> np.ndarray:
    r"""LeCun uniform: :math:`W_{ij} \sim U(-a, a)`, :math:`a = \sqrt{3 / \text{fan\_in}}`.

    Same variance :math:`1/\text{fan\_in}` as :func:`lecun_normal` (LeCun et al. 1998).
    Many textbooks, e.g. *Deep Learning from Scratch*, call this "Xavier".
    """
    return _draw_uniform_with_std(shape, _lecun_std(shape), rng)


def xavier_normal(shape: Shape, gain: float = 1.0, *, rng: RngLike = None) -> np.ndarray:
    r"""Xavier/Glorot normal: :math:`W_{ij} \sim \mathcal{N}(0, \sigma^2)`,
    :math:`\sigma = \text{gain} \cdot \sqrt{2 / (\text{fan\_in} + \text{fan\_out})}`.

    A compromise between keeping forward and backward variances constant
    (Glorot & Bengio 2010). ``gain`` must be > 0; see :func:`gain` for recommended values.
    Not the same as :func:`lecun_normal` unless ``fan_in == fan_out``:

    >>> from lib.initializers import std_of
    >>> round(std_of("xavier_normal", (50, 200)), 4), round(std_of("lecun_normal", (50, 200)), 4)
    (0.0894, 0.1414)
    >>> w = xavier_normal((50, 200), rng=0)
    >>> round(float(w.std()), 3)
    0.089
    """
    return _draw_normal(shape, _xavier_std(shape, gain), rng)


def xavier_uniform(shape: Shape, gain: float = 1.0, *, rng: RngLike = None) -> np.ndarray:
    r"""Xavier/Glorot uniform: :math:`W_{ij} \sim U(-a, a)`,
    :math:`a = \text{gain} \cdot \sqrt{6 / (\text{fan\_in} + \text{fan\_out})}`.

    Equation 16 of Glorot & Bengio (2010); same std as :func:`xavier_normal`.
    """
    return _draw_uniform_with_std(shape, _xavier_std(shape, gain), rng)


def he_normal(
    shape: Shape,
    mode: str = "fan_in",
    nonlinearity: str = "relu",
    negative_slope: float = 0.0,
    *,
    rng: RngLike = None,
) -> np.ndarray:
    r"""He/Kaiming normal: :math:`W_{ij} \sim \mathcal{N}(0, \sigma^2)`,
    :math:`\sigma = \text{gain} / \sqrt{\text{fan}}`.

    ``gain = gain(nonlinearity, negative_slope)``: :math:`\sqrt{2}` for relu,
    :math:`\sqrt{2 / (1 + \text{slope}^2)}` for leaky_relu (He et al. 2015).
    ``negative_slope`` is only used by ``leaky_relu`` (default 0.0, as PyTorch's ``a=0``);
    any other nonzero value raises. ``mode='fan_in'`` preserves the forward variance,
    ``'fan_out'`` the backward one. The std is :math:`\sqrt{2/\text{fan\_in}}`, not
    :math:`2/\sqrt{\text{fan\_in}}`:

    >>> from lib.initializers import std_of
    >>> round(std_of("he_normal", (200, 50)), 4), round(2 / 200**0.5, 4)
    (0.1, 0.1414)
    >>> round(float(he_normal((200, 50), rng=0).std()), 3)
    0.1
    """
    return _draw_normal(shape, _he_std(shape, mode, nonlinearity, negative_slope), rng)


def he_uniform(
    shape: Shape,
    mode: str = "fan_in",
    nonlinearity: str = "relu",
    negative_slope: float = 0.0,
    *,
    rng: RngLike = None,
) -> np.ndarray:
    r"""He/Kaiming uniform: :math:`W_{ij} \sim U(-a, a)`,
    :math:`a = \text{gain} \cdot \sqrt{3 / \text{fan}}`.

    Same std and arguments as :func:`he_normal` (He et al. 2015).
    """
    return _draw_uniform_with_std(shape, _he_std(shape, mode, nonlinearity, negative_slope), rng)


def orthogonal(shape: Shape, gain: float = 1.0, *, rng: RngLike = None) -> np.ndarray:
    r"""(Semi-)orthogonal init (Saxe et al. 2013), scaled by ``gain``.

    The weight is viewed as the matrix ``M`` of shape ``(prod(shape[:-1]), shape[-1])``, one
    column per output unit. With :math:`G` Gaussian and :math:`G = QR`,
    :math:`M = \text{gain} \cdot Q \operatorname{diag}(\operatorname{sign} R_{ii})`, which is
    Haar-distributed. If ``M`` is tall, its columns are orthonormal
    (:math:`M^\top M = \text{gain}^2 I`); if wide, its rows (:math:`M M^\top = \text{gain}^2 I`).
    """
    n_rows, n_cols = _orthogonal_matrix_shape(shape)
    gain = as_positive("gain", gain)
    gaussian = as_rng(rng).standard_normal((max(n_rows, n_cols), min(n_rows, n_cols)))
    q, r = np.linalg.qr(gaussian)
    # Without this sign fix QR's convention (R_ii > 0 or not) biases Q away from Haar.
    signs = np.sign(np.diag(r))
    signs[signs == 0] = 1.0
    q *= signs
    if n_rows < n_cols:
        q = q.T
    return (gain * q).reshape(as_shape(shape))


def truncated_normal(shape: Shape, std: float = 1.0, *, rng: RngLike = None) -> np.ndarray:
    r"""Gaussian entries cut at two standard deviations, rescaled to keep the std ``std``.

    :math:`W_{ij} \sim \mathcal{N}(0, s^2)` restricted to :math:`|W_{ij}| \le 2s`, with
    :math:`s = \text{std} / 0.87962566`: the cut removes the tails and so shrinks the std by
    the factor :func:`lib.initializers.scales.truncated_normal_std_factor`, which ``s``
    undoes. This is how Keras, TensorFlow and JAX draw their ``*_normal`` initializers (see
    :func:`variance_scaling`); no weight lies beyond :math:`2s \approx 2.27\,\text{std}`.
    (PyTorch's ``nn.init.trunc_normal_(std=s, a=-2, b=2)`` cuts at the absolute values
    :math:`\pm 2` and does not rescale: with ``std=0.02`` it cuts nothing in practice.)

    >>> w = truncated_normal((300, 200), std=0.5, rng=0)
    >>> round(float(w.std()), 2), bool(abs(w).max() <= 2 * 0.5 / 0.87962566)
    (0.5, True)
    """
    return _draw_truncated_normal(shape, _truncated_normal_std(shape, std), rng)


def variance_scaling(
    shape: Shape,
    scale: float = 1.0,
    mode: str = "fan_in",
    distribution: str = "truncated_normal",
    *,
    rng: RngLike = None,
) -> np.ndarray:
    r"""Keras/TensorFlow's and JAX's ``VarianceScaling``: std :math:`\sqrt{\text{scale}/n}`.

    :math:`n` is ``fan_in``, ``fan_out`` or their mean ``fan_avg`` (``mode``); the draw is a
    :func:`truncated_normal` with that std (the default), an ``untruncated_normal`` or a
    ``uniform`` :math:`U(-\sqrt{3\,\text{scale}/n}, \sqrt{3\,\text{scale}/n})`. The named
    initializers of Keras and JAX are special cases: ``glorot_normal`` is
    ``(1, "fan_avg", "truncated_normal")``, ``glorot_uniform`` ``(1, "fan_avg", "uniform")``,
    ``he_normal`` ``(2, "fan_in", "truncated_normal")`` and ``lecun_normal`` (Flax's
    ``nn.Dense`` default) ``(1, "fan_in", "truncated_normal")``. So a Keras ``he_normal``
    has the std of :func:`he_normal` here but no tails beyond 2.27 std.

    >>> w = variance_scaling((400, 100), scale=2.0, rng=0)  # Keras's he_normal
    >>> round(float(w.std()), 3), round((2 / 400) ** 0.5, 3)
    (0.071, 0.071)
    """
    std = _variance_scaling_std(shape, scale, mode, distribution)
    if distribution == "truncated_normal":
        return _draw_truncated_normal(shape, std, rng)
    if distribution == "untruncated_normal":
        return _draw_normal(shape, std, rng)
    return _draw_uniform_with_std(shape, std, rng)


glorot_normal = xavier_normal


glorot_uniform = xavier_uniform


kaiming_normal = he_normal


kaiming_uniform = he_uniform
