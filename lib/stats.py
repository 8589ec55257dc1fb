"""Summary numbers behind the course's figures.

``lib.plots`` draws what these functions compute, so every number printed in a figure can also be
printed, tested or tabulated on its own. Non-finite values (a diverged network produces ``nan`` and
``inf``) are counted, never averaged: each summary is taken over the finite values only.
"""

import math
from dataclasses import dataclass

import numpy as np

from lib.validation import (
    as_float_array,
    as_positive,
    as_real,
    check_bounds,
    check_choice,
    check_layers,
    positive_int,
)

BANDS = ("minmax", "std")


@dataclass(frozen=True)
class LayerStats:
    """The numbers :func:`layer_stats` gives for one layer (definitions there)."""

    mean: float
    std: float
    saturated_fraction: float | None
    dead_fraction: float
    nonfinite_fraction: float


def layer_stats(
    values_per_layer, saturation_bounds: tuple[float, float] | None = None
) -> list[LayerStats]:
    """Mean, standard deviation, saturated and dead fractions of each layer's values.

    For the finite values ``v`` of one layer (``n`` of them):

    - ``mean = sum(v) / n`` and ``std = sqrt(sum((v - mean)**2) / n)`` (population std),
    - ``saturated_fraction = #{v < lo or v > hi} / n`` for ``saturation_bounds=(lo, hi)``,
      e.g. ``(0.01, 0.99)`` for the logistic sigmoid or ``(-0.99, 0.99)`` for tanh, the units
      whose gradient has all but vanished (Glorot & Bengio 2010, figure 2);
      ``None`` when no bounds are given,
    - ``dead_fraction = #{v == 0} / n``: ReLU units that are exactly off pass no gradient,
    - ``nonfinite_fraction``: the share of *all* values that are ``nan`` or ``inf``.

    A layer with no finite value at all gets ``nan`` for the mean, std and fractions, and
    ``nonfinite_fraction == 1.0`` says why.

    Returns one :class:`LayerStats` per layer.

    >>> (first,) = layer_stats([[0.0, 0.0, 0.5, 1.0]], saturation_bounds=(0.01, 0.99))
    >>> first.mean, first.dead_fraction, first.saturated_fraction
    (0.375, 0.5, 0.75)
    """
    layers = check_layers(values_per_layer)
    if saturation_bounds is not None:
        lo, hi = check_bounds(saturation_bounds, "saturation_bounds")
    stats = []
    # Huge but finite values (a network on its way to diverging) may overflow to inf: that is the
    # honest answer, so numpy's overflow warning is silenced rather than raised.
    for layer in layers:
        finite = layer[np.isfinite(layer)]
        mean = std = dead = np.nan
        saturated = None if saturation_bounds is None else np.nan
        if finite.size:
            with np.errstate(over="ignore", invalid="ignore"):
                mean, std = float(finite.mean()), float(finite.std())
            dead = float(np.mean(finite == 0.0))
            if saturation_bounds is not None:
                saturated = float(np.mean((finite < lo) | (finite > hi)))
        stats.append(LayerStats(mean, std, saturated, dead, 1.0 - finite.size / layer.size))
    return stats


def moving_average(values, window: int) -> np.ndarray:
    """Trailing moving average that skips non-finite entries.

    ``out[t] = mean(values[s] for s in [t - window + 1, t] if values[s] is finite)``, so the curve
    at step ``t`` only uses steps up to ``t`` and has the input's length. Where a window holds no
    finite value the output is ``nan`` (nothing to average there, e.g. after a run diverged).
    """
    window = positive_int("window", window)
    series = as_float_array(values, "values")
    if series.ndim != 1:
        raise ValueError(f"values must be 1-D, got shape {series.shape}")
    finite = np.isfinite(series)
    # Cumulative sums with a leading 0 give every window's sum as a difference of two entries.
    sums = np.concatenate([[0.0], np.cumsum(np.where(finite, series, 0.0))])
    counts = np.concatenate([[0], np.cumsum(finite)])
    ends = np.arange(1, series.size + 1)
    starts = np.maximum(ends - window, 0)
    window_sums = sums[ends] - sums[starts]
    window_counts = counts[ends] - counts[starts]
    averages = np.full(series.size, np.nan)
    has_values = window_counts > 0
    averages[has_values] = window_sums[has_values] / window_counts[has_values]
    return averages


@dataclass(frozen=True)
class SeedBand:
    """What :func:`across_seeds` gives: ``mean``, ``lower``, ``upper`` (one value per step)
    and the number of runs ``n_seeds``."""

    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    n_seeds: int


def across_seeds(runs, band: str = "minmax") -> SeedBand:
    """Centre line and band of several runs of the same experiment (one run per seed).

    ``runs`` is a 1-D sequence (one run) or a 2-D array-like ``(n_seeds, n_steps)``. At each step,
    over the runs whose value there is finite:

    - ``mean`` is their mean,
    - ``band="minmax"``: ``lower``/``upper`` are their minimum and maximum,
    - ``band="std"``: ``lower``/``upper`` are ``mean -/+ std`` (population std).

    Steps where no run is finite get ``nan`` everywhere. Returns a :class:`SeedBand`.

    >>> band = across_seeds([[1.0, 2.0], [3.0, np.nan]])
    >>> band.mean.tolist(), band.lower.tolist(), band.upper.tolist(), band.n_seeds
    ([2.0, 2.0], [1.0, 2.0], [3.0, 2.0], 2)
    """
    check_choice(band, BANDS, "band")
    table = as_float_array(runs, "runs")
    if table.ndim == 1:
        table = table[np.newaxis, :]
    if table.ndim != 2 or table.size == 0:
        raise ValueError(
            "runs must be a non-empty 1-D sequence or a 2-D (n_seeds, n_steps) table of "
            f"equal-length runs, got shape {table.shape}"
        )
    finite = np.isfinite(table)
    counts = finite.sum(axis=0)
    has_values = counts > 0
    safe_counts = np.maximum(counts, 1)
    mean = np.where(finite, table, 0.0).sum(axis=0) / safe_counts
    if band == "minmax":
        lower = np.where(finite, table, np.inf).min(axis=0)
        upper = np.where(finite, table, -np.inf).max(axis=0)
    else:
        deviations = np.where(finite, table - mean, 0.0)
        spread = np.sqrt((deviations**2).sum(axis=0) / safe_counts)
        lower, upper = mean - spread, mean + spread
    return SeedBand(
        mean=np.where(has_values, mean, np.nan),
        lower=np.where(has_values, lower, np.nan),
        upper=np.where(has_values, upper, np.nan),
        n_seeds=table.shape[0],
    )


def dead_units(activations) -> np.ndarray:
    """Which units output exactly 0 for every sample: dead ReLUs, one bool per unit.

    ``activations`` holds one layer's outputs, shape ``(n_samples, n_units)`` (one row per sample,
    as in ``ForwardTrace.activations[i]``). Unit ``j`` is dead when ``a[n, j] == 0`` for every
    ``n``. A ReLU that is 0 has ``f'(z) = 0``, so a dead unit passes no gradient on these samples
    and its incoming weights and bias get no update from them (Maas et al. 2013; He et al. 2015).
    ``nan`` or ``inf`` outputs (a diverged network) are rejected: such a unit is neither dead
    nor alive.
    """
    return np.all(_finite_layer_outputs(activations) == 0.0, axis=0)


def dead_unit_fraction(activations) -> float:
    """Share of units that output exactly 0 for every sample, ``|D| / n_units``.

    ``D`` is the set of dead units of :func:`dead_units` (same ``activations``). Unlike
    ``layer_stats``' ``dead_fraction``, the share of zero *values*, a unit counts only if it is
    off for *all* samples.
    """
    return float(np.mean(dead_units(activations)))


def _finite_layer_outputs(activations) -> np.ndarray:
    """One layer's outputs as a finite, non-empty ``(n_samples, n_units)`` float64 array."""
    table = as_float_array(activations, "activations")
    if table.ndim != 2 or table.size == 0:
        raise ValueError(
            "activations must be a non-empty 2-D array (n_samples, n_units) of one layer's "
            f"outputs, got shape {table.shape}"
        )
    if not np.all(np.isfinite(table)):
        raise ValueError("activations must be finite, but they contain NaN or inf")
    return table


def mean_abs_correlation(activations) -> float:
    """How alike a layer's units respond to the inputs: mean ``|r|`` over pairs of units.

    ``activations`` has shape ``(n_samples, n_units)``. For units ``j`` and ``k``, Pearson's
    correlation over the samples is ``r_jk = cov(a_j, a_k) / (std(a_j) * std(a_k))`` and the
    result is ``mean over j < k of |r_jk|``: 1 when every unit is an affine copy of the others
    (up to sign), close to 0 for independent units (sampling noise alone gives about
    ``sqrt(2 / (pi * n_samples))``). ``r`` ignores scale and offset: units that vary by 1e-8
    around 0.5 correlate exactly as they would varying by 1 around 0.

    A constant unit (all its values equal) has no correlation (0 / 0): constant units are left
    out and the mean is taken over the pairs of units that vary. Fewer than two varying units
    raise ValueError. Units that all respond alike are what Saito (2016, §6.2) calls a loss of
    expressive power: a hundred copies of one unit compute no more than one.
    """
    table = _finite_layer_outputs(activations)
    varying = table[:, np.ptp(table, axis=0) > 0]
    if varying.shape[1] < 2:
        raise ValueError(
            f"activations must have at least 2 units that vary over the samples to correlate, "
            f"got {varying.shape[1]} of {table.shape[1]} units (shape {table.shape})"
        )
    standardized = (varying - varying.mean(axis=0)) / varying.std(axis=0)
    correlations = standardized.T @ standardized / len(varying)
    pairs = np.triu_indices(varying.shape[1], k=1)
    # Rounding can push |r| of exact copies a hair above 1.
    return float(np.mean(np.minimum(np.abs(correlations[pairs]), 1.0)))


def effective_rank(activations) -> float:
    """Effective rank of a layer's outputs (Roy & Vetterli 2007): how many directions they use.

    With the singular values ``s_1 .. s_K`` of the ``(n_samples, n_units)`` matrix
    (``K = min(n_samples, n_units)``), ``p_k = s_k / sum(s)`` and the entropy
    ``H = -sum p_k log p_k`` (``0 log 0 = 0``), the effective rank is ``exp(H)``. It lies in
    ``[1, K]``: ``K`` when all singular values are equal, 1 for a rank-one matrix, and it
    ignores the matrix's overall scale.

    The matrix is used as it is, not centred: a layer whose units give the same output vector
    for every input (every row alike, rank one) gets 1, however many units it has. Pass
    ``activations - activations.mean(axis=0)`` to count only the directions along which the
    outputs vary from one input to another. A matrix of zeros has no singular value to
    normalise and raises ValueError.

    The singular values are the square roots of the eigenvalues of the ``K x K`` Gram matrix,
    many times faster than an SVD. Rounding blurs those below about ``1e-7 * s_1``, which
    moves the result by a relative 1e-5 at most (for a nearly rank-one matrix of 300 units).
    """
    table = _finite_layer_outputs(activations)
    largest = np.abs(table).max()
    if largest == 0:
        raise ValueError(
            f"activations are all zero (shape {table.shape}): the effective rank is undefined"
        )
    table = table / largest  # the result ignores scale; this keeps the Gram matrix finite
    gram = table.T @ table if table.shape[0] >= table.shape[1] else table @ table.T
    # Rounding can leave the smallest eigenvalues slightly negative: they are zeros.
    singular_values = np.sqrt(np.clip(np.linalg.eigvalsh(gram), 0.0, None))
    p = singular_values[singular_values > 0] / singular_values.sum()
    return float(np.exp(-np.sum(p * np.log(p))))


def bracket(value, step) -> tuple[float, float]:
    """The interval ``[k * step, (k + 1) * step)``, ``k`` an integer, that holds ``value``.

    For quoting a statistic whose last digits differ from machine to machine, such as the mean
    over seeds of chaotic training runs (:func:`lib.comparison.chaos_test`): print the bracket
    instead of digits that the spread does not justify. Every machine prints the same bracket
    when the value lies several standard errors inside it; check with
    ``python -m bench.portability``.

    >>> bracket(0.337, 0.1)
    (0.3, 0.4)
    >>> bracket(5.44, 1)
    (5.0, 6.0)
    """
    value = as_real("value", value)
    step = as_positive("step", step)
    k = math.floor(value / step)

    def edge(i):
        # round() keeps the float noise of i * step (0.30000000000000004) out of the printout.
        return round(i * step, 12)

    # value / step can land just below an integer (0.3 / 0.1 = 2.999...): step to the right k.
    k += (edge(k + 1) <= value) - (edge(k) > value)
    return edge(k), edge(k + 1)
