"""Checks of a number a student computed or read off: right within a tolerance, or above a floor."""

import math

import numpy as np

from lib.checks.failure import CheckFailed
from lib.checks.messages import say


def check_value(got, expected: float, *, what: str, rtol: float = 0.01, mistakes=None) -> None:
    """Check a numeric answer ``got`` against ``expected`` (relative tolerance ``rtol``).

    ``mistakes`` maps a description to the value that mistake produces; when ``got`` matches
    one, the message names it.
    """
    if isinstance(got, bool) or not isinstance(got, int | float | np.integer | np.floating):
        raise CheckFailed(say("value.not_a_number", what=what, got=got))
    if not math.isfinite(got):
        raise CheckFailed(say("value.not_finite", what=what, expected=expected, got=got))
    tolerance = rtol * max(abs(expected), 1e-12)
    if abs(got - expected) <= tolerance:
        print(say("value.right", what=what, got=got))
        return
    message = say("value.wrong", what=what, expected=expected, got=got)
    for description, wrong_value in (mistakes or {}).items():
        if abs(got - wrong_value) <= rtol * max(abs(wrong_value), 1e-12):
            message += say("likely_mistake", mistake=description)
            break
    raise CheckFailed(message)


def check_at_least(got, minimum: float, *, what: str, hint: str = "") -> None:
    """Check that a numeric answer ``got`` is at least ``minimum`` (a score, a likelihood).

    ``hint`` says what usually went wrong when it is not; on success one line is printed.
    """
    if isinstance(got, bool) or not isinstance(got, int | float | np.integer | np.floating):
        raise CheckFailed(say("value.not_a_number", what=what, got=got))
    if math.isfinite(got) and got >= minimum:
        print(say("value.at_least", what=what, got=got, minimum=minimum))
        return
    message = say("value.below", what=what, minimum=minimum, got=got)
    raise CheckFailed(message + say("likely_mistake", mistake=hint) if hint else message)
