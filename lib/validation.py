"""Argument checks shared by every module of ``lib``: one place, one wording of each error.

Each check returns the value converted (a Python ``int`` or ``float``) or raises a
``ValueError`` that names the argument, shows what was given and says what is allowed.
"""

import math
import numbers

import numpy as np


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
