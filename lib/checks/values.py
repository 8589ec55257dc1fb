"""Checks of a number a student computed or read off: right within a tolerance, or above a floor."""

import math

import numpy as np

from lib.checks.failure import CheckFailed


def check_value(got, expected: float, *, what: str, rtol: float = 0.01, mistakes=None) -> None:
    """Check a numeric answer ``got`` against ``expected`` (relative tolerance ``rtol``).

    ``mistakes`` maps a description to the value that mistake produces; when ``got`` matches
    one, the message names it.
    """
    if isinstance(got, bool) or not isinstance(got, int | float | np.integer | np.floating):
        raise CheckFailed(f"{what}: expected a number, got {got!r}")
    if not math.isfinite(got):
        raise CheckFailed(f"{what}: expected {expected:.4g}, got {got}")
    tolerance = rtol * max(abs(expected), 1e-12)
    if abs(got - expected) <= tolerance:
        print(f"✓ {what}: {got:.4g} is right.")
        return
    message = f"{what}: expected {expected:.4g}, got {got:.4g}."
    for description, wrong_value in (mistakes or {}).items():
        if abs(got - wrong_value) <= rtol * max(abs(wrong_value), 1e-12):
            message += f"\nLikely mistake: {description}."
            break
    raise CheckFailed(message)


def check_at_least(got, minimum: float, *, what: str, hint: str = "") -> None:
    """Check that a numeric answer ``got`` is at least ``minimum`` (a score, a likelihood).

    ``hint`` says what usually went wrong when it is not; on success one line is printed.
    """
    if isinstance(got, bool) or not isinstance(got, int | float | np.integer | np.floating):
        raise CheckFailed(f"{what}: expected a number, got {got!r}")
    if math.isfinite(got) and got >= minimum:
        print(f"✓ {what}: {got:.4g} (at least {minimum:.4g}).")
        return
    message = f"{what}: expected at least {minimum:.4g}, got {got:.4g}."
    raise CheckFailed(f"{message}\nLikely mistake: {hint}." if hint else message)
