"""Shared pieces of :mod:`lib.plots`: the house style, argument checks and figure plumbing."""

import contextlib
import functools
import math

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.colors import Colormap

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
FIG_WIDTH = 9.5
STYLE = {
    "figure.figsize": (FIG_WIDTH, 4.0),
    "figure.dpi": 90,
    "savefig.dpi": 90,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.constrained_layout.use": True,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "figure.titlesize": 13,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.framealpha": 0.85,
    "axes.prop_cycle": cycler(color=COLORS),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 1.8,
    "lines.markersize": 5,
    "image.cmap": "viridis",
}
KINDS = ("activation", "gradient")
SUMMARIES = ("saturated", "dead")
_MAX_PANELS_PER_ROW = 5
_PANEL_ROW_HEIGHT = 2.6
_HEADROOM = 1.5
_X_MARGIN = 0.05
_IMAGE_SIZE = 1.1
_BAD_COLOR = "0.6"
_NO_FINITE = "no finite values"
_THEORY_SUFFIX = " (theory)"
_CURVE_POINTS = 801


@contextlib.contextmanager
def use_style():
    """Context manager applying ``STYLE``: ``with use_style(): fig, ax = plt.subplots()``.

    Every other setting changed inside is restored on exit, except interactive mode: a fresh
    Jupyter kernel loads its inline backend with the first figure, which switches interactive
    mode on (that is how figures get displayed), and that must outlive the context.
    """
    with mpl.rc_context(STYLE):
        yield
        interactive = mpl.is_interactive()
    mpl.interactive(interactive)


def _styled(function):
    """Run ``function`` inside ``use_style()`` so its figure gets the house style."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with use_style():
            return function(*args, **kwargs)

    return wrapper


# --- validation and figure plumbing ---------------------------------------------------------


def format_value(value: float) -> str:
    """The text a panel prints for a mean or std: ``.3f``, or ``.2e`` for tiny or huge values."""
    if value == 0 or 1e-3 <= abs(value) < 1e4 or not math.isfinite(value):
        return f"{value:.3f}"
    return f"{value:.2e}"


def _new_axes(n_panels, n_cols, row_height, sharey=False, width=FIG_WIDTH):
    """A new figure with ``n_panels`` axes in rows of ``n_cols`` (unused slots removed)."""
    n_rows = math.ceil(n_panels / n_cols)
    fig, grid = plt.subplots(
        n_rows,
        n_cols,
        figsize=(width, row_height * n_rows + 0.6),
        sharey=sharey,
        squeeze=False,
    )
    axes = list(grid.ravel())
    for unused in axes[n_panels:]:
        fig.delaxes(unused)
    return fig, axes[:n_panels]


def _reuse_axes(axes, n_panels, name):
    """Validate axes passed in for an in-place redraw, clear them, return (figure, axes)."""
    flat = list(np.ravel(np.asarray(axes, dtype=object)))
    if not all(isinstance(ax, Axes) for ax in flat):
        raise ValueError(f"{name} must be matplotlib Axes, got {axes!r}")
    if len(flat) != n_panels:
        raise ValueError(f"{name} must hold {n_panels} axes (one per panel), got {len(flat)}")
    figures = {id(ax.get_figure(root=True)) for ax in flat}
    if len(figures) != 1:
        raise ValueError(f"{name} must all belong to one figure")
    for ax in flat:
        ax.cla()
    return flat[0].get_figure(root=True), flat


def _single_axes(ax, height):
    """``ax`` cleared for a redraw, or a new figure with one axes."""
    if ax is None:
        fig, axes = _new_axes(1, 1, height)
        return fig, axes[0]
    fig, axes = _reuse_axes([ax], 1, "ax")
    return fig, axes[0]


def _finish(fig, redrawn):
    if redrawn:
        fig.canvas.draw_idle()
    return fig


def _say_no_finite_values(ax):
    ax.text(0.5, 0.5, _NO_FINITE, transform=ax.transAxes, ha="center", va="center", color="0.3")


def _masked_for_log(curve):
    """Non-finite and non-positive values cannot sit on a log axis: hide them as gaps (nan)."""
    return np.where(np.isfinite(curve) & (curve > 0), curve, np.nan)


def _with_bad_color(cmap):
    """``cmap`` (a name or a Colormap) drawing non-finite cells grey instead of blank."""
    if isinstance(cmap, Colormap):
        return cmap.with_extremes(bad=_BAD_COLOR)
    if cmap not in mpl.colormaps:
        raise ValueError(f"cmap must be a Colormap or a matplotlib colormap name, got {cmap!r}")
    return mpl.colormaps[cmap].with_extremes(bad=_BAD_COLOR)


def _inset_colorbar(fig, image, ax, label):
    """A colourbar in an inset of ``ax``, so ``ax.cla()`` removes it with the image it explains."""
    cax = ax.inset_axes((1.03, 0.0, 0.04, 1.0))
    colorbar = fig.colorbar(image, cax=cax)
    cax.grid(False)
    if label:
        colorbar.set_label(label)
    return colorbar


def _finite_limits(values, symmetric=False):
    """(vmin, vmax) of the finite values for a colour scale; (0, 1) or (-1, 1) if there are none."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return (-1.0, 1.0) if symmetric else (0.0, 1.0)
    if symmetric:
        extent = float(np.abs(finite).max()) or 1.0
        return -extent, extent
    lo, hi = float(finite.min()), float(finite.max())
    return (lo, hi) if lo < hi else (lo - 0.5, hi + 0.5)
