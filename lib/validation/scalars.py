"""Checks of single values: numbers, counts, choices, texts and random generators."""

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


def as_non_negative(name: str, value) -> float:
    """``value`` as a finite float >= 0, or a ValueError naming ``name``."""
    value = as_real(name, value)
    if value < 0.0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return value


def positive_int(name: str, value) -> int:
    """``value`` as an int >= 1, or a ValueError naming ``name``."""
    if not is_int(value) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


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


def check_choice(value, allowed, name: str) -> None:
    """A ValueError naming ``name`` unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")


def check_text(value, name: str, optional: bool = True) -> None:
    """A ValueError naming ``name`` unless ``value`` is a string (or None if ``optional``)."""
    if optional and value is None:
        return
    if not isinstance(value, str):
        allowed = "a string or None" if optional else "a string"
        raise ValueError(f"{name} must be {allowed}, got {value!r}")


def as_name_or_positive(name: str, value, names) -> str | float:
    """``value`` if it is one of ``names``, or as a float > 0 (an initializer name or a std).

    >>> [as_name_or_positive("init", value, ["he_normal"]) for value in (0.01, "he_normal")]
    [0.01, 'he_normal']
    """
    if isinstance(value, str):
        check_choice(value, tuple(names), name)
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return as_positive(name, value)
    raise ValueError(f"{name} must be one of {tuple(names)} or a positive float, got {value!r}")


def as_fraction(name: str, value) -> float:
    """``value`` as a float strictly between 0 and 1 (a share of the data, say)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a float in (0, 1), got {value!r}")
    if not 0.0 < value < 1.0:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {value!r}")
    return float(value)
