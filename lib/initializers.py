r"""Weight initializers: zeros to orthogonal, each with the formula it implements.

Layout convention
-----------------
Weights multiply from the right, ``y = x @ W``. So a dense layer's ``W`` has shape
``(fan_in, fan_out)`` and a conv kernel has shape ``(kh, kw, in_channels, out_channels)``.
For any shape with at least two dimensions,

.. math::

    \text{receptive} = \prod \text{shape}[:-2], \quad
    \text{fan\_in} = \text{shape}[-2] \cdot \text{receptive}, \quad
    \text{fan\_out} = \text{shape}[-1] \cdot \text{receptive}.

This is the transpose of PyTorch's ``(out, in)`` / ``(out, in, kh, kw)`` layout: the formulas
are the same, but which axis is "in" is not.

Every initializer takes ``shape`` (a tuple of positive ints; a bare int ``n`` means ``(n,)``)
and a keyword ``rng`` (a ``numpy.random.Generator``, an int seed or None, see :func:`as_rng`),
and returns a new float64 array. Fan-based initializers need at least two dimensions;
``zeros``, ``constant``, ``normal`` and ``uniform`` also accept 1-d shapes (biases).

Every fan-based initializer computes its standard deviation in one private function that
:func:`std_of` shares, so the std a plot or a check expects is the std that is drawn. The
uniform variants draw from :math:`U(-a, a)` with :math:`a = \sqrt{3}\,\sigma`, which has
the same standard deviation :math:`\sigma` as the normal variant.

References
----------
- Y. LeCun, L. Bottou, G. Orr, K.-R. Müller (1998). Efficient BackProp.
- X. Glorot, Y. Bengio (2010). Understanding the difficulty of training deep feedforward
  neural networks. AISTATS.
- K. He, X. Zhang, S. Ren, J. Sun (2015). Delving deep into rectifiers: surpassing
  human-level performance on ImageNet classification. ICCV.
- A. Saxe, J. McClelland, S. Ganguli (2013). Exact solutions to the nonlinear dynamics of
  learning in deep linear neural networks. arXiv:1312.6120.
"""

import functools
import math
import numbers
from collections.abc import Callable

import numpy as np

# as_rng and RngLike live in validation; they stay importable from here (chapter 2 uses
# initializers.as_rng).
from lib.validation import RngLike, as_positive, as_real, as_rng, as_shape

Shape = int | tuple[int, ...]

_SQRT3 = math.sqrt(3.0)
_MODES = ("fan_in", "fan_out")
_DEFAULT_LEAKY_SLOPE = 0.01


# --- validation at the boundary -------------------------------------------------------------


# --- shared pieces: fans and gains ----------------------------------------------------------


def fans(shape: Shape) -> tuple[int, int]:
    r"""Return ``(fan_in, fan_out)`` of a weight of this shape in the ``x @ W`` layout.

    With :math:`r = \prod \text{shape}[:-2]` (the receptive field, 1 for a dense layer):
    :math:`\text{fan\_in} = \text{shape}[-2]\, r` and
    :math:`\text{fan\_out} = \text{shape}[-1]\, r`.
    So ``(fan_in, fan_out)`` gives itself and ``(kh, kw, c_in, c_out)`` gives
    ``(kh*kw*c_in, kh*kw*c_out)``.

    >>> fans((50, 200)), fans((3, 3, 16, 32))
    ((50, 200), (144, 288))
    """
    shape = as_shape(shape, min_dims=2)
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def _leaky_relu_gain(slope: float) -> float:
    return math.sqrt(2.0 / (1.0 + slope**2))


_GAINS: dict[str, Callable[[float], float]] = {
    "identity": lambda _: 1.0,
    "leaky_relu": _leaky_relu_gain,
    "linear": lambda _: 1.0,
    "relu": lambda _: math.sqrt(2.0),
    "selu": lambda _: 0.75,
    "sigmoid": lambda _: 1.0,
    "tanh": lambda _: 5.0 / 3.0,
}


def gain(nonlinearity: str, param: float | None = None) -> float:
    r"""Recommended gain for a nonlinearity, the same values as PyTorch's ``calculate_gain``.

    ======================  =============================================
    nonlinearity            gain
    ======================  =============================================
    linear, identity        :math:`1`
    sigmoid                 :math:`1`
    tanh                    :math:`5/3`
    relu                    :math:`\sqrt{2}`
    leaky_relu              :math:`\sqrt{2 / (1 + \text{slope}^2)}`
    selu                    :math:`3/4`
    ======================  =============================================

    ``param`` is the negative slope of ``leaky_relu`` (default 0.01, as in PyTorch); passing
    it with any other nonlinearity raises ValueError instead of being silently ignored.
    The relu and leaky_relu values come from He et al. (2015).
    """
    if not isinstance(nonlinearity, str) or nonlinearity not in _GAINS:
        raise ValueError(
            f"nonlinearity {nonlinearity!r} is not supported; use one of: {', '.join(_GAINS)}"
        )
    if nonlinearity != "leaky_relu":
        if param is not None:
            raise ValueError(
                f"param is only used by nonlinearity 'leaky_relu', got param={param!r} "
                f"with {nonlinearity!r}"
            )
        return _GAINS[nonlinearity](0.0)
    slope = _DEFAULT_LEAKY_SLOPE if param is None else as_real("param", param)
    return _leaky_relu_gain(slope)


# --- standard deviations: the single source of truth for std_of and the draws ---------------


# Each std function's docstring is its formula, as lib.checks prints it (std_formula).


def _zeros_std(shape: Shape) -> float:
    """0 (every weight is zero)"""
    as_shape(shape)
    return 0.0


def _normal_std(shape: Shape, std: float = 1.0, mean: float = 0.0) -> float:
    """the std argument (1.0 by default)"""
    as_shape(shape)
    as_real("mean", mean)
    std = as_real("std", std)
    if std < 0:
        raise ValueError(f"std must be >= 0, got {std!r}")
    return std


def _uniform_bounds(low: float, high: float) -> tuple[float, float]:
    low, high = as_real("low", low), as_real("high", high)
    if low >= high:
        raise ValueError(f"low must be < high, got low={low!r}, high={high!r}")
    return low, high


def _uniform_std(shape: Shape, low: float = -1.0, high: float = 1.0) -> float:
    """(high - low) / sqrt(12) for U(low, high)"""
    as_shape(shape)
    low, high = _uniform_bounds(low, high)
    return (high - low) / math.sqrt(12.0)


def _lecun_std(shape: Shape) -> float:
    """1 / sqrt(fan_in)"""
    fan_in, _ = fans(shape)
    return 1.0 / math.sqrt(fan_in)


def _xavier_std(shape: Shape, gain: float = 1.0) -> float:
    """gain * sqrt(2 / (fan_in + fan_out))"""
    fan_in, fan_out = fans(shape)
    return as_positive("gain", gain) * math.sqrt(2.0 / (fan_in + fan_out))


def _he_std(
    shape: Shape, mode: str = "fan_in", nonlinearity: str = "relu", negative_slope: float = 0.0
) -> float:
    """gain / sqrt(fan), gain = sqrt(2) for ReLU"""
    fan_in, fan_out = fans(shape)
    if not isinstance(mode, str) or mode not in _MODES:
        raise ValueError(f"mode {mode!r} is not supported; use one of: {', '.join(_MODES)}")
    negative_slope = as_real("negative_slope", negative_slope)
    if nonlinearity == "leaky_relu":
        nonlinearity_gain = gain(nonlinearity, negative_slope)
    elif negative_slope != 0.0:
        raise ValueError(
            "negative_slope is only used with nonlinearity='leaky_relu', "
            f"got negative_slope={negative_slope!r} with nonlinearity={nonlinearity!r}"
        )
    else:
        nonlinearity_gain = gain(nonlinearity)
    fan = fan_in if mode == "fan_in" else fan_out
    return nonlinearity_gain / math.sqrt(fan)


def _orthogonal_matrix_shape(shape: Shape) -> tuple[int, int]:
    # Each output unit's incoming weights form one column, whatever the receptive field.
    shape = as_shape(shape, min_dims=2)
    fan_in, _ = fans(shape)
    return fan_in, shape[-1]


def _orthogonal_std(shape: Shape, gain: float = 1.0) -> float:
    """gain / sqrt(max(rows, cols))"""
    # The unit vectors of a Haar-distributed n x m matrix (n >= m) have mean square 1/n.
    n_rows, n_cols = _orthogonal_matrix_shape(shape)
    return as_positive("gain", gain) / math.sqrt(max(n_rows, n_cols))


def _draw_normal(shape: Shape, std: float, rng: RngLike, mean: float = 0.0) -> np.ndarray:
    return as_rng(rng).normal(mean, std, size=as_shape(shape))


def _draw_uniform_with_std(shape: Shape, std: float, rng: RngLike) -> np.ndarray:
    bound = _SQRT3 * std
    return as_rng(rng).uniform(-bound, bound, size=as_shape(shape))


# --- initializers ---------------------------------------------------------------------------


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


glorot_normal = xavier_normal
glorot_uniform = xavier_uniform
kaiming_normal = he_normal
kaiming_uniform = he_uniform


# --- lookup by name -------------------------------------------------------------------------

_INITIALIZERS: dict[str, Callable[..., np.ndarray]] = {
    "zeros": zeros,
    "normal": normal,
    "uniform": uniform,
    "lecun_normal": lecun_normal,
    "lecun_uniform": lecun_uniform,
    "xavier_normal": xavier_normal,
    "xavier_uniform": xavier_uniform,
    "glorot_normal": glorot_normal,
    "glorot_uniform": glorot_uniform,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
    "kaiming_normal": kaiming_normal,
    "kaiming_uniform": kaiming_uniform,
    "orthogonal": orthogonal,
}

# Keyed by function, so aliases share their canonical initializer's std.
_STD_FUNCTIONS: dict[Callable[..., np.ndarray], Callable[..., float]] = {
    zeros: _zeros_std,
    normal: _normal_std,
    uniform: _uniform_std,
    lecun_normal: _lecun_std,
    lecun_uniform: _lecun_std,
    xavier_normal: _xavier_std,
    xavier_uniform: _xavier_std,
    he_normal: _he_std,
    he_uniform: _he_std,
    orthogonal: _orthogonal_std,
}


def available() -> list[str]:
    """Sorted names accepted by :func:`get`, aliases included.

    Every listed initializer can be called as ``fn(shape, rng=rng)``; ``constant`` is not
    listed because its ``value`` has no default.
    """
    return sorted(_INITIALIZERS)


def get(name: str) -> Callable[..., np.ndarray]:
    """Return the initializer called ``name`` (see :func:`available`)."""
    if not isinstance(name, str) or name not in _INITIALIZERS:
        raise ValueError(
            f"name {name!r} is not a known initializer; use one of: {', '.join(available())}"
        )
    return _INITIALIZERS[name]


def std_of(name: str, shape: Shape, **kwargs) -> float:
    r"""Theoretical standard deviation of the entries ``get(name)(shape, **kwargs)`` draws.

    ``kwargs`` are that initializer's own arguments (``gain``, ``mode``, ``std``, ...). For
    example ``lecun_*``: :math:`1/\sqrt{\text{fan\_in}}`, ``xavier_*``:
    :math:`\text{gain}\sqrt{2/(\text{fan\_in}+\text{fan\_out})}`, ``he_*``:
    :math:`\text{gain}/\sqrt{\text{fan}}`, ``normal``: ``std``, ``uniform``:
    :math:`(\text{high}-\text{low})/\sqrt{12}`, ``orthogonal``:
    :math:`\text{gain}/\sqrt{\max(\text{rows}, \text{cols})}`, ``zeros``: 0.

    >>> round(std_of("he_normal", (3, 3, 16, 32), mode="fan_out"), 6)  # sqrt(2 / (3*3*32))
    0.083333
    """
    return _STD_FUNCTIONS[get(name)](shape, **kwargs)


def std_formula(name: str) -> str:
    """The formula of :func:`std_of` for initializer ``name``, as text for messages.

    >>> std_formula("he_uniform")
    'gain / sqrt(fan), gain = sqrt(2) for ReLU'
    """
    return _STD_FUNCTIONS[get(name)].__doc__


def as_initializer(init) -> Callable[..., np.ndarray]:
    """``init`` as a function ``fn(shape, rng=rng)``: a name, a callable or a float std."""
    if isinstance(init, str):
        return get(init)
    if callable(init):
        return init
    if isinstance(init, numbers.Real):
        return functools.partial(normal, std=as_positive("init", init))
    raise ValueError(
        f"init must be an initializer name ({', '.join(available())}), "
        f"a callable fn(shape, rng=rng) or a positive float std, got {init!r}"
    )


def draw_weights(init, layer_shapes, rng) -> list[np.ndarray]:
    """One weight matrix per shape, drawn in order from ``rng``; checks what ``init`` returns."""
    weights = []
    for i, shape in enumerate(layer_shapes):
        w = np.asarray(init(shape, rng=rng), dtype=np.float64)
        if w.shape != shape or not np.all(np.isfinite(w)):
            raise ValueError(
                f"init returned an array of shape {w.shape} for layer {i}; expected a finite "
                f"array of shape {shape}"
            )
        weights.append(w)
    return weights
