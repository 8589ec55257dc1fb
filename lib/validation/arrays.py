"""Checks of arrays: inputs, labels, parameters, per-layer values, shapes and widths."""

from collections.abc import Sequence

import numpy as np

from lib.validation.scalars import is_int, positive_int


def as_float_array(values, name: str) -> np.ndarray:
    """``values`` as a float64 array, or a ValueError naming ``name``."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"{name} must hold real numbers in a regular (not ragged) shape, got {values!r:.80}"
        ) from error
    return array


def as_inputs(name: str, x, width: int) -> np.ndarray:
    """``x`` as a finite float64 array of shape ``(n_samples, width)``."""
    try:
        x = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be an array of real numbers, got {x!r:.80}") from error
    if x.ndim != 2 or x.shape[1] != width or x.shape[0] == 0:
        raise ValueError(f"{name} must have shape (n_samples, {width}), got {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must be finite, but it contains NaN or inf")
    return x


def as_probabilities(name: str, x, width: int) -> np.ndarray:
    """``x`` as a float64 ``(n_samples, width)`` array of values in [0, 1] (an RBM's units)."""
    x = as_inputs(name, x, width)
    low, high = float(x.min()), float(x.max())
    if low < 0.0 or high > 1.0:
        raise ValueError(
            f"{name} must hold values in [0, 1], the probabilities of the units being on, got "
            f"values from {low:g} to {high:g}; scale the data first (e.g. pixels / 16)"
        )
    return x


def as_labels(name: str, y, n_samples: int, n_classes: int) -> np.ndarray:
    """``y`` as a 1-d int array of ``n_samples`` class indices in ``[0, n_classes)``."""
    y = np.asarray(y)
    if y.shape != (n_samples,):
        raise ValueError(f"{name} must have shape ({n_samples},), one label per row, got {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"{name} must hold integer class indices, got dtype {y.dtype}")
    if y.min() < 0 or y.max() >= n_classes:
        raise ValueError(
            f"{name} must hold class indices in [0, {n_classes}), "
            f"got values from {y.min()} to {y.max()}"
        )
    return y.astype(np.intp)


def as_indices(name: str, values, n_samples: int, upper: int) -> np.ndarray:
    """``values`` as ``n_samples`` integer indices in ``[0, upper)``, one per row."""
    values = np.asarray(values)
    if values.shape != (n_samples,) or not np.issubdtype(values.dtype, np.integer):
        raise ValueError(
            f"{name} must be {n_samples} integer unit indices, one per row, got shape "
            f"{values.shape} and dtype {values.dtype}"
        )
    if values.min() < 0 or values.max() >= upper:
        raise ValueError(f"{name} must hold unit indices in [0, {upper}), got {values!r:.80}")
    return values


def check_finite(what: str, *arrays) -> None:
    """Raise FloatingPointError naming ``what`` if any array holds NaN or inf.

    For values a computation produced (a forward pass that overflowed), not for arguments:
    ``MLP.fit`` catches it and flags the run as diverged.
    """
    if not all(np.all(np.isfinite(array)) for array in arrays):
        raise FloatingPointError(f"{what} overflowed to inf or NaN; the weights are too large")


def check_bounds(bounds, name: str) -> tuple[float, float]:
    """``bounds`` as a float pair ``(lo, hi)`` with finite ``lo < hi``."""
    try:
        lo, hi = (float(bound) for bound in bounds)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a pair (lo, hi) of numbers, got {bounds!r}") from error
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"{name} must be finite with lo < hi, got {bounds!r}")
    return lo, hi


def check_layers(values_per_layer, name: str = "values_per_layer") -> list[np.ndarray]:
    """Validate a per-layer collection and return it as a list of flat float64 arrays.

    ``values_per_layer`` is a non-empty sequence with one array-like per layer (layers may differ
    in size, each must hold at least one value).
    """
    if isinstance(values_per_layer, np.ndarray) and values_per_layer.ndim >= 2:
        values_per_layer = list(values_per_layer)
    if not isinstance(values_per_layer, Sequence) or isinstance(values_per_layer, str):
        raise ValueError(
            f"{name} must be a sequence with one array per layer, "
            f"got {type(values_per_layer).__name__}"
        )
    if len(values_per_layer) == 0:
        raise ValueError(f"{name} must hold at least one layer, got an empty sequence")
    layers = []
    for index, values in enumerate(values_per_layer):
        layer = as_float_array(values, f"{name}[{index}]").ravel()
        if layer.size == 0:
            raise ValueError(f"{name}[{index}] (layer {index + 1}) is empty")
        layers.append(layer)
    return layers


def as_parameter(name: str, value, shape: tuple[int, ...]) -> np.ndarray:
    """A finite float64 copy of ``value`` with shape ``shape`` (a weight or a bias)."""
    array = np.array(value, dtype=np.float64)
    if array.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or inf")
    return array


def as_parameter_list(name: str, arrays, shapes) -> list[np.ndarray]:
    """:func:`as_parameter` for a list with one array per layer, ``shapes[i]`` for layer ``i``."""
    if isinstance(arrays, np.ndarray) or not isinstance(arrays, Sequence):
        raise ValueError(f"{name} must be a list of arrays, one per layer, got {type(arrays)}")
    if len(arrays) != len(shapes):
        raise ValueError(f"{name} must hold {len(shapes)} arrays, got {len(arrays)}")
    return [
        as_parameter(f"{name}[{i}] (layer {i})", array, shape)
        for i, (array, shape) in enumerate(zip(arrays, shapes, strict=True))
    ]


def as_shape(shape, min_dims: int = 1) -> tuple[int, ...]:
    """``shape`` (a tuple of positive ints, or one int ``n`` meaning ``(n,)``) as Python ints,
    with at least ``min_dims`` dimensions; the message says what the initializers accept."""
    if is_int(shape):
        shape = (shape,)
    if not isinstance(shape, tuple | list) or not all(is_int(dim) and dim > 0 for dim in shape):
        raise ValueError(f"shape must be a tuple of positive ints, got {shape!r}")
    if len(shape) < min_dims:
        raise ValueError(
            f"shape must have at least {min_dims} dimension(s), got {tuple(shape)!r}; "
            "fan-based initializers need (fan_in, fan_out) or (kh, kw, in_channels, "
            "out_channels), 1-d shapes (biases) take zeros, constant, normal or uniform"
        )
    return tuple(int(dim) for dim in shape)


def as_widths(width, depth: int) -> list[int]:
    """``width`` as ``depth + 1`` layer widths (input first), from one int or a sequence."""
    if is_int(width):
        return [positive_int("width", width)] * (depth + 1)
    if not isinstance(width, Sequence) or len(width) != depth + 1:
        raise ValueError(
            f"width must be a positive int or a sequence of depth + 1 = {depth + 1} positive "
            f"ints (the input's width, then each layer's), got {width!r}"
        )
    return [positive_int(f"width[{i}]", w) for i, w in enumerate(width)]


def as_image_stack(images, shape) -> np.ndarray:
    """``images`` as an ``(n, height, width)`` float array; flat rows are reshaped to ``shape``."""
    if (
        not isinstance(shape, tuple | list)
        or len(shape) != 2
        or not all(is_int(n) and n > 0 for n in shape)
    ):
        raise ValueError(f"shape must be a pair of positive ints (height, width), got {shape!r}")
    stack = as_float_array(images, "images")
    height, width = shape
    if stack.ndim == 2 and stack.shape[1] == height * width:
        stack = stack.reshape(-1, height, width)
    if stack.ndim != 3 or stack.shape[1:] != (height, width) or stack.shape[0] == 0:
        raise ValueError(
            f"images must be (n, {height * width}) flat rows or (n, {height}, {width}) images "
            f"with n >= 1, got shape {stack.shape}"
        )
    return stack
