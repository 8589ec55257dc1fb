r"""Checks for the exercises: specific feedback instead of a bare ``AssertionError``.

A check runs a student's answer, compares it with :mod:`lib.initializers` (or a given value)
and either prints one success line or raises :class:`CheckFailed` (an ``AssertionError``) whose
message says what was expected, what was measured, and the likely mistake: the mistakes students
make most often are computed exactly as wrong formulas, and the one that reproduces the
measurement is named. In Jupyter the student sees that message alone, not a traceback through
this package (:mod:`lib.checks.failure`).

``lib`` holds the reference implementations, so graded homework passes ``own_work=True``: the
student's function then fails the check if it calls anything in ``lib``
(:mod:`lib.checks.guard`).

The feedback is in English, or in Korean after ``checks.set_language("ko")`` (or with the
environment variable ``WEIGHT_INIT_LANGUAGE=ko``, which the Korean edition's notebooks set):
every sentence comes from one table, :mod:`lib.checks.messages`.

>>> from lib import checks
>>> def my_he_normal(shape, rng=None):
...     fan_in = shape[-2]  # forgets the receptive field of conv kernels
...     return np.random.default_rng(rng).normal(0, np.sqrt(2 / fan_in), size=shape)
>>> checks.check_init(my_he_normal, "he_normal")  # doctest: +SKIP
CheckFailed: he_normal on shape (3, 3, 16, 32): expected std 0.1179 ...
"""

from lib.checks.failure import CheckFailed
from lib.checks.guard import call_own_work, own_work
from lib.checks.initializers import (
    CHECK_SHAPES,
    KURTOSIS_SPLIT,
    STD_RTOL,
    Mistake,
    check_fans,
    check_init,
)
from lib.checks.layers import LAYER_STD_FACTOR, LAYER_SUSPECTS, check_layer_stds
from lib.checks.messages import LANGUAGE_VARIABLE, LANGUAGES, set_language
from lib.checks.rbm import RBM_CHECK_SHAPE, check_cd1_update, check_free_energy
from lib.checks.values import check_at_least, check_value

__all__ = [
    "CHECK_SHAPES",
    "KURTOSIS_SPLIT",
    "LANGUAGES",
    "LANGUAGE_VARIABLE",
    "LAYER_STD_FACTOR",
    "LAYER_SUSPECTS",
    "RBM_CHECK_SHAPE",
    "STD_RTOL",
    "CheckFailed",
    "Mistake",
    "call_own_work",
    "check_at_least",
    "check_cd1_update",
    "check_fans",
    "check_free_energy",
    "check_init",
    "check_layer_stds",
    "check_value",
    "own_work",
    "set_language",
]
