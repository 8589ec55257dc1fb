"""How large the weights are: fans, gains and each initializer's standard deviation.

The std functions are the single source of truth for :func:`lib.initializers.std_of` and for
the draws; each one's docstring is its formula, as :func:`lib.initializers.std_formula` (and
so :mod:`lib.checks`) prints it.
"""

import math
from collections.abc import Callable

from lib.validation import as_positive, as_real, as_shape, check_choice

Shape = int | tuple[int, ...]


_MODES = ("fan_in", "fan_out")
_SCALING_MODES = ("fan_in", "fan_out", "fan_avg")
DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")
#: Where a truncated normal is cut, in units of its own std (Keras, TensorFlow and JAX: 2).
TRUNCATION = 2.0


_DEFAULT_LEAKY_SLOPE = 0.01


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
    "conv1d": lambda _: 1.0,
    "conv2d": lambda _: 1.0,
    "conv3d": lambda _: 1.0,
    "conv_transpose1d": lambda _: 1.0,
    "conv_transpose2d": lambda _: 1.0,
    "conv_transpose3d": lambda _: 1.0,
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
    conv1d/2d/3d            :math:`1` (PyTorch's names for its linear layers)
    conv_transpose1d/2d/3d  :math:`1`
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


def truncated_normal_std_factor(bound: float = TRUNCATION) -> float:
    r"""Std of a standard normal cut to :math:`[-a, a]`, with ``a = bound``:

    .. math:: \sqrt{1 - 2a\varphi(a) / (2\Phi(a) - 1)},

    with :math:`\varphi` the standard normal density and :math:`\Phi` its distribution
    function. Cutting at 2 std gives the constant 0.87962566103423978 that Keras, TensorFlow
    and JAX divide by, so that the truncated draw has the nominal std.

    >>> round(truncated_normal_std_factor(), 8)
    0.87962566
    """
    bound = as_positive("bound", bound)
    density = math.exp(-(bound**2) / 2) / math.sqrt(2 * math.pi)
    mass = math.erf(bound / math.sqrt(2))
    return math.sqrt(1.0 - 2.0 * bound * density / mass)


def _truncated_normal_std(shape: Shape, std: float = 1.0) -> float:
    """the std argument (the draw is rescaled so that the cut keeps it)"""
    return _normal_std(shape, std)


def _variance_scaling_std(
    shape: Shape, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal"
) -> float:
    """sqrt(scale / n), n = fan_in, fan_out or (fan_in + fan_out) / 2 by mode"""
    fan_in, fan_out = fans(shape)
    scale = as_positive("scale", scale)
    check_choice(mode, _SCALING_MODES, "mode")
    check_choice(distribution, DISTRIBUTIONS, "distribution")
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    return math.sqrt(scale / n)
