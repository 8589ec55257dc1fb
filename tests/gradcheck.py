"""Finite-difference gradient checks shared by the tests of lib.network and lib.propagation."""

import numpy as np


def numeric_gradient(f, array, step=1e-6):
    """Central differences of the scalar ``f()`` w.r.t. every entry of ``array`` (in place)."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + step
        plus = f()
        array[index] = original - step
        minus = f()
        array[index] = original
        grad[index] = (plus - minus) / (2 * step)
    return grad


def relative_error(analytic, numeric):
    return np.linalg.norm(analytic - numeric) / (np.linalg.norm(analytic) + np.linalg.norm(numeric))
