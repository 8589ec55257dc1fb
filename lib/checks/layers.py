"""Checks of per-layer statistics: does a student's network keep the std per layer steady?"""

import numpy as np

from lib import propagation, stats

#: Two networks count as the same when every layer's activation std agrees within this factor:
#: other random draws move a std by up to ~12% (one sd) at depth 6 and width 256, while a wrong
#: init is off by a factor 2 or more by the second layer.
LAYER_STD_FACTOR = 1.5


def _growth_per_layer(stds: np.ndarray) -> float:
    return float((stds[-1] / stds[0]) ** (1 / (len(stds) - 1)))


def check_layer_stds(
    init,
    expected_stds,
    *,
    activation: str,
    width,
    n_samples: int = 500,
    rng=0,
    factor: float = LAYER_STD_FACTOR,
) -> None:
    """Check that ``init`` reproduces a network's per-layer activation stds ``expected_stds``.

    Runs ``lib.propagation.propagate(init, activation, depth=len(expected_stds), width, n_samples,
    rng)`` (``init``: a callable ``fn(shape, rng=None)``, an initializer name or a float std)
    and compares each layer's activation std with ``expected_stds``: they match when
    ``1/factor <= measured / expected <= factor``. On a mismatch the message names the first
    layer that differs and how the std changes per layer in both networks.
    """
    expected = np.asarray(expected_stds, dtype=float)
    if expected.ndim != 1 or len(expected) < 2 or np.any(expected <= 0):
        raise ValueError(
            "expected_stds must hold two or more positive stds, one per layer, "
            f"got {expected_stds!r}"
        )
    try:
        run = propagation.propagate(init, activation, len(expected), width, n_samples, rng=rng)
    except FloatingPointError as error:
        raise AssertionError(
            f"with your init the activations overflow ({error}): its std is far too large"
        ) from error
    measured = np.array([entry.std for entry in stats.layer_stats(run.activations)])
    ratios = measured / expected
    wrong = np.flatnonzero((ratios > factor) | (ratios < 1 / factor))
    if wrong.size == 0:
        print(f"✓ your init reproduces the activation std of all {len(expected)} layers.")
        return
    layer = int(wrong[0])
    raise AssertionError(
        f"layer {layer + 1}: with your init the activation std is {measured[layer]:.3g}, "
        f"expected {expected[layer]:.3g} (ratio {ratios[layer]:.2f}).\n"
        f"Per layer, yours: {np.array2string(measured, precision=3)}\n"
        f"expected:         {np.array2string(expected, precision=3)}\n"
        f"Yours changes by x{_growth_per_layer(measured):.2f} per layer on average, the "
        f"expected one by x{_growth_per_layer(expected):.2f}."
    )
