"""Summary numbers behind the course's figures.

``lib.plots`` draws what these functions compute, so every number printed in a figure can also be
printed, tested or tabulated on its own. Non-finite values (a diverged network produces ``nan`` and
``inf``) are counted, never averaged: each summary is taken over the finite values only.
"""

from collections.abc import Sequence

import numpy as np

from lib.validation import positive_int

BANDS = ("minmax", "std")


def as_float_array(values, name: str) -> np.ndarray:
    """``values`` as a float64 array, or a ValueError naming ``name``."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"{name} must hold real numbers in a regular (not ragged) shape, got {values!r:.80}"
        ) from error
    return array


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


def layer_stats(
    values_per_layer, saturation_bounds: tuple[float, float] | None = None
) -> list[dict]:
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

    Returns one dict per layer with the keys ``mean``, ``std``, ``saturated_fraction``,
    ``dead_fraction`` and ``nonfinite_fraction``.
    """
    layers = check_layers(values_per_layer)
    if saturation_bounds is not None:
        lo, hi = check_bounds(saturation_bounds, "saturation_bounds")
    stats = []
    # Huge but finite values (a network on its way to diverging) may overflow to inf: that is the
    # honest answer, so numpy's overflow warning is silenced rather than raised.
    for layer in layers:
        finite = layer[np.isfinite(layer)]
        entry = {
            "mean": np.nan,
            "std": np.nan,
            "saturated_fraction": None if saturation_bounds is None else np.nan,
            "dead_fraction": np.nan,
            "nonfinite_fraction": 1.0 - finite.size / layer.size,
        }
        if finite.size:
            with np.errstate(over="ignore", invalid="ignore"):
                entry["mean"] = float(finite.mean())
                entry["std"] = float(finite.std())
            entry["dead_fraction"] = float(np.mean(finite == 0.0))
            if saturation_bounds is not None:
                entry["saturated_fraction"] = float(np.mean((finite < lo) | (finite > hi)))
        stats.append(entry)
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


def across_seeds(runs, band: str = "minmax") -> dict:
    """Centre line and band of several runs of the same experiment (one run per seed).

    ``runs`` is a 1-D sequence (one run) or a 2-D array-like ``(n_seeds, n_steps)``. At each step,
    over the runs whose value there is finite:

    - ``mean`` is their mean,
    - ``band="minmax"``: ``lower``/``upper`` are their minimum and maximum,
    - ``band="std"``: ``lower``/``upper`` are ``mean -/+ std`` (population std).

    Steps where no run is finite get ``nan`` everywhere. Returns a dict with ``mean``, ``lower``,
    ``upper`` (arrays of length ``n_steps``) and ``n_seeds``.
    """
    if band not in BANDS:
        raise ValueError(f"band must be one of {BANDS}, got {band!r}")
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
    return {
        "mean": np.where(has_values, mean, np.nan),
        "lower": np.where(has_values, lower, np.nan),
        "upper": np.where(has_values, upper, np.nan),
        "n_seeds": table.shape[0],
    }
