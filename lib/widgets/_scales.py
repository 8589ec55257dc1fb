"""Axis limits that change in few steps, and the histograms the views draw.

A widget draws its axes, ticks and labels again only when a limit changes (see
:func:`lib.widgets._frame.render_png`), so limits snap to a few values: 1-2-5 steps, shares of
0.4/0.8/1.2, log bands of 3, 12, 48 or 120 decades either side of 1.
"""

import math

import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

#: Bins of every histogram the widgets draw.
BINS = 40
#: A histogram's y axis (share of values per bin) tops out at the first of these above its bars.
SHARE_TOPS = (0.4, 0.8, 1.2)
#: A log axis spans 10**-d to 10**d for the smallest d here that holds its values.
LOG_HALF_WIDTHS = (3, 12, 48, 120)


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 5 times a power of ten that is >= ``value`` (tiny for 0).

    >>> nice_ceiling(0.3), nice_ceiling(3.0), nice_ceiling(7.2)
    (0.5, 5.0, 10.0)
    """
    value = max(float(value), 1e-12)
    exponent = math.floor(math.log10(value))
    for mantissa in (1.0, 2.0, 5.0, 10.0):
        if mantissa * 10.0**exponent >= value * (1 - 1e-12):
            return mantissa * 10.0**exponent
    return 10.0 ** (exponent + 1)


def share_top(peak: float) -> float:
    """The first of :data:`SHARE_TOPS` with room above ``peak`` (the tallest bar)."""
    return next((top for top in SHARE_TOPS if peak * 1.2 <= top), SHARE_TOPS[-1])


def range_of(values: np.ndarray) -> tuple[float, float]:
    """A range that holds the finite ``values``: ``(0, c)`` if none is negative, else
    ``(-c, c)``, with ``c`` a :func:`nice_ceiling`."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 1.0
    reach = nice_ceiling(float(np.abs(finite).max()))
    return (0.0, reach) if finite.min() >= 0 else (-reach, reach)


def shares(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Share of ``values`` in each of :data:`BINS` equal bins of [low, high]; values outside
    (and non-finite ones) count in the total but in no bin. A bincount: 3-6 times faster
    than ``np.histogram`` with given edges."""
    flat = np.ravel(values)
    inside = flat[(flat >= low) & (flat <= high)]
    index = ((inside - low) * (BINS / (high - low))).astype(np.intp)
    np.minimum(index, BINS - 1, out=index)
    return np.bincount(index, minlength=BINS) / flat.size


def log_band(values: np.ndarray) -> tuple[float, float]:
    """Symmetric log-axis limits around 1 that hold the positive finite ``values``."""
    values = np.asarray(values, dtype=np.float64)
    positive = values[np.isfinite(values) & (values > 0)]
    reach = float(np.abs(np.log10(positive)).max()) if positive.size else 0.0
    half_width = next((d for d in LOG_HALF_WIDTHS if reach <= d), LOG_HALF_WIDTHS[-1])
    return 10.0**-half_width, 10.0**half_width


def log_label(value: float, _position=None) -> str:
    """``1e-6`` rather than mathtext, which takes a third of an axes' drawing time."""
    return f"1e{round(math.log10(value))}" if 0 < value < math.inf else ""


def plain_log_axis(ax) -> None:
    """A log y axis with at most five plain-text labels and no minor ticks."""
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(numticks=5))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(log_label))
