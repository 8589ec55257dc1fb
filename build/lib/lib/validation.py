"""Argument checks shared by every module of ``lib``: one place, one wording of each error.

Each check returns the value converted (a Python ``int`` or ``float``) or raises a
``ValueError`` that names the argument, shows what was given and says what is allowed.
"""

import math
import numbers

import numpy as np

RngLike = np.random.Generator | int | None


def is_int(value) -> bool:
    """True for Python and numpy integers, False for bools (True as a size is a mistake)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)


def as_real(name: str, value) -> float:
    """``value`` as a finite float, or a ValueError naming ``name``."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def as_positive(name: str, value) -> float:
    """``value`` as a finite float > 0, or a ValueError naming ``name``."""
    value = as_real(name, value)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return value


def positive_int(name: str, value) -> int:
    """``value`` as an int >= 1, or a ValueError naming ``name``."""
    if not is_int(value) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


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


def as_momentum(momentum) -> float:
    """``momentum`` as a float in [0, 1), or a ValueError."""
    momentum = as_real("momentum", momentum)
    if not 0.0 <= momentum < 1.0:
        raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
    return momentum


def as_rng(rng: RngLike) -> np.random.Generator:
    """Turn ``rng`` into a ``numpy.random.Generator``.

    A Generator is returned as is (so successive draws continue its stream), a non-negative
    int seed gives ``numpy.random.default_rng(seed)``, None gives a fresh unseeded Generator.
    Anything else (bools, floats, the legacy ``RandomState``) raises ValueError.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if is_int(rng) and rng >= 0:
        return np.random.default_rng(int(rng))
    raise ValueError(
        "rng must be a numpy.random.Generator, a non-negative int seed or None, "
        f"got {rng!r}; for a legacy RandomState use numpy.random.default_rng(seed) instead"
    )


def check_finite(what: str, *arrays) -> None:
    """Raise FloatingPointError naming ``what`` if any array holds NaN or inf.

    For values a computation produced (a forward pass that overflowed), not for arguments:
    ``MLP.fit`` catches it and flags the run as diverged.
    """
    if not all(np.all(np.isfinite(array)) for array in arrays):
        raise FloatingPointError(f"{what} overflowed to inf or NaN; the weights are too large")
