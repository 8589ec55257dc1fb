"""Figures for the course, in one house style.

Compute and draw are separate: every function here takes numbers (arrays, or dicts of arrays
keyed by a setting's label) that other ``lib`` modules computed, and returns the
``matplotlib.figure.Figure`` it drew. The numbers printed inside panels come from
:mod:`lib.stats`, so they can be tested and tabulated apart from any picture.

Style
-----
``STYLE`` holds the rcParams of the book (a colour-blind-safe cycle, fonts readable when a
9.5-inch figure is shown 700 px wide, 90 dpi so PNGs stay light). Each function applies it with
``matplotlib.rc_context``, so importing this module changes no global state; wrap your own
figures in ``with use_style():`` to match.

Notebooks and widgets
---------------------
Figures are made with ``pyplot`` so the inline backend shows them when the cell ends. Call a
function as a statement ending in ``;`` or assign the result (``fig = layer_histograms(...)``);
a bare call as the cell's last line shows the figure twice. To redraw in place (a widget
updating its figure), pass the axes of an existing figure through ``ax=`` / ``axes=``: they are
cleared and redrawn and no new figure is created. Non-finite values (a diverged network) never
raise: they are left out of the drawing, counted in the printed numbers, and a panel with no
finite value at all says so.
"""

import contextlib
import functools
import math
import numbers
from collections.abc import Mapping, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.colors import Colormap
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from lib import stats
from lib.activations import Activation
from lib.activations import get as get_activation
from lib.validation import as_positive, positive_int

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


def _check_choice(value, allowed, name):
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")


def _check_series(series, name):
    """A labelled dict of curves as {str(label): float array}, validated."""
    if not isinstance(series, Mapping):
        raise ValueError(f"{name} must be a dict label -> values, got {type(series).__name__}")
    if len(series) == 0:
        raise ValueError(f"{name} must hold at least one entry, got an empty dict")
    checked = {}
    for label, values in series.items():
        curve = stats.as_float_array(values, f"{name}[{label!r}]")
        if curve.ndim != 1 or curve.size == 0:
            raise ValueError(
                f"{name}[{label!r}] must be a non-empty 1-D sequence, got shape {curve.shape}"
            )
        checked[str(label)] = curve
    return checked


def _check_text(value, name, optional=True):
    if optional and value is None:
        return
    if not isinstance(value, str):
        allowed = "a string or None" if optional else "a string"
        raise ValueError(f"{name} must be {allowed}, got {value!r}")


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


# --- per-layer histograms -------------------------------------------------------------------


def _check_histogram_options(kind, bins, summary, saturation_bounds, value_range):
    _check_choice(kind, KINDS, "kind")
    positive_int("bins", bins)
    if summary is not None:
        _check_choice(summary, SUMMARIES, "summary")
        if kind == "gradient":
            raise ValueError(f"summary={summary!r} applies to activations, not kind='gradient'")
    if (summary == "saturated") != (saturation_bounds is not None):
        raise ValueError(
            "saturation_bounds=(lo, hi) goes with summary='saturated' and only with it, got "
            f"summary={summary!r}, saturation_bounds={saturation_bounds!r}"
        )
    if value_range is not None:
        return stats.check_bounds(value_range, "value_range")
    return None


def _common_edges(all_layers, bins, value_range):
    """One set of bin edges for every panel, so their histograms compare at a glance."""
    if value_range is None:
        finite = [layer[np.isfinite(layer)] for layer in all_layers]
        finite = np.concatenate(finite)
        if finite.size == 0:
            return None
        value_range = (float(finite.min()), float(finite.max()))
    return np.histogram_bin_edges([], bins=bins, range=value_range)


def _panel_text(entry, summary):
    lines = [f"mean {format_value(entry['mean'])}", f"std {format_value(entry['std'])}"]
    if summary == "saturated":
        lines.append(f"saturated {entry['saturated_fraction']:.1%}")
    elif summary == "dead":
        lines.append(f"dead {entry['dead_fraction']:.1%}")
    if entry["nonfinite_fraction"] > 0:
        lines.append(f"non-finite {entry['nonfinite_fraction']:.1%}")
    return "\n".join(lines)


def _histogram_panel(ax, layer, entry, edges, summary, saturation_bounds, color):
    """Draw one layer's histogram (it has finite values) with its numbers; return the peak count."""
    counts, _ = np.histogram(layer[np.isfinite(layer)], bins=edges)
    ax.stairs(counts, edges, fill=True, color=color, alpha=0.75)
    if saturation_bounds is not None:
        for bound in saturation_bounds:
            ax.axvline(bound, color="0.35", linestyle="--", linewidth=1.0)
    ax.text(
        0.97,
        0.96,
        _panel_text(entry, summary),
        transform=ax.transAxes,
        ha="right",
        va="top",
        fontsize=9,
        bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.8", "alpha": 0.85},
    )
    return int(counts.max())


def _draw_histogram_rows(rows, axes_rows, n_cols, kind, bins, value_range, summary, bounds):
    """Fill axes with histograms: one row of axes per setting ``(label, layers)``.

    A setting's panels wrap every ``n_cols`` axes; the first panel of each line gets the y label.
    """
    all_layers = [layer for _, layers in rows for layer in layers]
    edges = _common_edges(all_layers, bins, value_range)
    tallest = 0
    for row_index, ((label, layers), axes) in enumerate(zip(rows, axes_rows, strict=True)):
        entries = stats.layer_stats(layers, bounds)
        color = COLORS[row_index % len(COLORS)]
        for layer_index, (ax, layer, entry) in enumerate(zip(axes, layers, entries, strict=True)):
            if edges is None or entry["nonfinite_fraction"] == 1.0:
                _say_no_finite_values(ax)
            else:
                peak = _histogram_panel(ax, layer, entry, edges, summary, bounds, color)
                tallest = max(tallest, peak)
            if row_index == 0:
                ax.set_title(f"Layer {layer_index + 1}")
            if row_index == len(rows) - 1:
                ax.set_xlabel(f"{kind} value")
            if layer_index % n_cols == 0:
                ax.set_ylabel("count" if label is None else f"{label}\ncount")
    for axes in axes_rows:
        for ax in axes:
            # Same count scale everywhere (also for a caller's axes made without sharey), with
            # headroom so the printed numbers sit above the tallest bar.
            ax.set_ylim(0, max(tallest, 1) * _HEADROOM)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 5, 10]))
            if edges is not None:
                margin = _X_MARGIN * (edges[-1] - edges[0])
                ax.set_xlim(edges[0] - margin, edges[-1] + margin)


@_styled
def layer_histograms(
    values_per_layer: Sequence,
    kind: str = "activation",
    *,
    bins: int = 50,
    value_range: tuple[float, float] | None = None,
    summary: str | None = None,
    saturation_bounds: tuple[float, float] | None = None,
    title: str | None = None,
    axes=None,
) -> Figure:
    """Histogram of each layer's activations or gradients, with its numbers printed in the panel.

    One panel per layer ("Layer 1", "Layer 2", ..., up to five per row), all with the same bins
    and count scale, as in Glorot & Bengio (2010), figures 6-7. Each panel prints the mean and std
    of the layer's finite values (see :func:`lib.stats.layer_stats`) and, for activations:

    - ``summary="saturated"`` with ``saturation_bounds=(lo, hi)``: the share of values outside
      ``[lo, hi]``, e.g. ``(0.01, 0.99)`` for the sigmoid, ``(-0.99, 0.99)`` for tanh
      (the bounds are drawn as dashed lines);
    - ``summary="dead"``: the share of values exactly 0 (dead ReLU units).

    ``kind`` is ``"activation"`` or ``"gradient"`` (the x label and default title follow it).
    ``value_range=(lo, hi)`` fixes the bins' span; values outside it are not drawn but still
    count in the printed numbers. ``axes``: one existing axes per layer for an in-place redraw.
    """
    options = _check_histogram_options(kind, bins, summary, saturation_bounds, value_range)
    _check_text(title, "title")
    layers = stats.check_layers(values_per_layer)
    n_cols = min(len(layers), _MAX_PANELS_PER_ROW)
    if axes is None:
        fig, flat = _new_axes(len(layers), n_cols, _PANEL_ROW_HEIGHT, sharey=True)
    else:
        fig, flat = _reuse_axes(axes, len(layers), "axes")
    _draw_histogram_rows(
        [(None, layers)], [flat], n_cols, kind, bins, options, summary, saturation_bounds
    )
    fig.suptitle(title or f"{kind.capitalize()} values per layer")
    return _finish(fig, redrawn=axes is not None)


#: A legend lists at most this many layers (first and last included), so deep stacks stay readable.
_MAX_LEGEND_LAYERS = 8


def _legend_layers(n_layers):
    """Indices of the layers named in the legend: all of them, or evenly spaced ones."""
    count = min(n_layers, _MAX_LEGEND_LAYERS)
    return set(np.linspace(0, n_layers - 1, count).round().astype(int).tolist())


def _legend_text(layer_index, entry, summary):
    text = f"layer {layer_index + 1}: std {format_value(entry['std'])}"
    if summary == "saturated":
        text += f", sat. {entry['saturated_fraction']:.0%}"
    elif summary == "dead":
        text += f", dead {entry['dead_fraction']:.0%}"
    return text


@_styled
def overlaid_layer_histograms(
    values_per_layer: Sequence,
    kind: str = "activation",
    *,
    bins: int = 50,
    value_range: tuple[float, float] | None = None,
    summary: str | None = None,
    saturation_bounds: tuple[float, float] | None = None,
    title: str | None = None,
    ax=None,
) -> Figure:
    """Every layer's histogram as an outline in one axes, as in Glorot & Bengio (2010), fig. 6.

    Layers are coloured from dark (first) to light (last); the legend gives each layer's std and
    its saturated or dead share (``summary`` and ``saturation_bounds`` as in
    :func:`layer_histograms`). One axes draws fast enough for a slider.
    """
    options = _check_histogram_options(kind, bins, summary, saturation_bounds, value_range)
    _check_text(title, "title")
    layers = stats.check_layers(values_per_layer)
    redrawn = ax is not None
    fig, ax = _single_axes(ax, 3.6)
    edges = _common_edges(layers, bins, options)
    entries = stats.layer_stats(layers, saturation_bounds)
    colors = mpl.colormaps["viridis"](np.linspace(0.0, 0.85, len(layers)))
    labelled = _legend_layers(len(layers))
    for index, (layer, entry, color) in enumerate(zip(layers, entries, colors, strict=True)):
        if edges is None or entry["nonfinite_fraction"] == 1.0:
            continue
        counts, _ = np.histogram(layer[np.isfinite(layer)], bins=edges)
        label = _legend_text(index, entry, summary) if index in labelled else None
        ax.stairs(counts, edges, color=color, linewidth=1.6, label=label)
    if edges is None:
        _say_no_finite_values(ax)
    else:
        ax.legend(fontsize=8, loc="upper right")
    if saturation_bounds is not None:
        for bound in saturation_bounds:
            ax.axvline(bound, color="0.35", linestyle="--", linewidth=1.0)
    ax.set_xlabel(f"{kind} value")
    ax.set_ylabel("count")
    ax.set_title(title or f"{kind.capitalize()} values, all layers")
    return _finish(fig, redrawn)


@_styled
def compare_layer_histograms(
    settings: Mapping[str, Sequence],
    kind: str = "activation",
    *,
    bins: int = 50,
    value_range: tuple[float, float] | None = None,
    summary: str | None = None,
    saturation_bounds: tuple[float, float] | None = None,
    title: str | None = None,
    axes=None,
) -> Figure:
    """:func:`layer_histograms` for several settings, one row per setting, one column per layer.

    ``settings`` maps a row label (e.g. ``"Glorot"``) to that setting's values per layer; every
    setting needs the same number of layers. All panels share bins and count scale, so rows
    compare directly. ``axes``: an existing ``(n_settings, n_layers)`` grid for a redraw.
    Other arguments as in :func:`layer_histograms`.
    """
    options = _check_histogram_options(kind, bins, summary, saturation_bounds, value_range)
    _check_text(title, "title")
    if not isinstance(settings, Mapping) or len(settings) == 0:
        raise ValueError(
            f"settings must be a non-empty dict label -> values per layer, got {settings!r:.80}"
        )
    rows = [
        (str(label), stats.check_layers(layers, f"settings[{label!r}]"))
        for label, layers in settings.items()
    ]
    n_layers = {len(layers) for _, layers in rows}
    if len(n_layers) != 1:
        counts = {label: len(layers) for label, layers in rows}
        raise ValueError(f"every setting needs the same number of layers, got {counts}")
    n_cols = n_layers.pop()
    if axes is None:
        fig, flat = _new_axes(len(rows) * n_cols, n_cols, _PANEL_ROW_HEIGHT, sharey=True)
    else:
        fig, flat = _reuse_axes(axes, len(rows) * n_cols, "axes")
    axes_rows = [flat[start : start + n_cols] for start in range(0, len(flat), n_cols)]
    _draw_histogram_rows(rows, axes_rows, n_cols, kind, bins, options, summary, saturation_bounds)
    fig.suptitle(title or f"{kind.capitalize()} values per layer")
    return _finish(fig, redrawn=axes is not None)


# --- curves ---------------------------------------------------------------------------------


@_styled
def std_by_depth(
    curves: Mapping[str, Sequence[float]],
    theory: Mapping[str, Sequence[float]] | None = None,
    *,
    ylabel: str = "standard deviation",
    title: str | None = None,
    ax=None,
) -> Figure:
    """Per-layer standard deviation against depth (layer 1..L) on a log scale.

    ``curves`` maps a label to the measured std of layers 1..L (lines with markers); ``theory``
    maps a label to predicted values (dashed lines, same colour as the measured curve of the same
    label), e.g. for ReLU ``Var[y_L] = Var[y_1] * prod_{l=2..L} n_l * Var[w_l] / 2``
    (He et al. 2015, eq. 10; plot its square root, the std).
    Non-positive and non-finite values are left out of the log-scale plot.
    """
    measured = _check_series(curves, "curves")
    predicted = {} if theory is None else _check_series(theory, "theory")
    _check_text(ylabel, "ylabel", optional=False)
    _check_text(title, "title")
    redrawn = ax is not None
    fig, ax = _single_axes(ax, 4.2)
    series = [(label, curve, False) for label, curve in measured.items()]
    series += [(label, curve, True) for label, curve in predicted.items()]
    colors = {}
    any_finite = False
    for label, curve, is_theory in series:
        shown = _masked_for_log(curve)
        depth = np.arange(1, curve.size + 1)
        if is_theory:
            same_color = {"color": colors[label]} if label in colors else {}
            ax.plot(depth, shown, linestyle="--", label=label + _THEORY_SUFFIX, **same_color)
        else:
            (line,) = ax.plot(depth, shown, marker="o", label=label)
            colors[label] = line.get_color()
        any_finite |= bool(np.isfinite(shown).any())
    if any_finite:
        ax.set_yscale("log")
    else:
        _say_no_finite_values(ax)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("layer")
    ax.set_ylabel(ylabel)
    ax.set_title(title or "Standard deviation by depth")
    ax.legend()
    return _finish(fig, redrawn)


def _check_runs(histories, smooth, x):
    """{label: (n_seeds, n_steps) float table}, validated, and the shared x values."""
    if not isinstance(histories, Mapping) or len(histories) == 0:
        raise ValueError(f"histories must be a non-empty dict label -> runs, got {histories!r:.80}")
    if smooth is not None:
        positive_int("smooth", smooth)
    tables = {}
    for label, runs in histories.items():
        table = stats.as_float_array(runs, f"histories[{label!r}]")
        if table.ndim == 1:
            table = table[np.newaxis, :]
        if table.ndim != 2 or table.size == 0:
            raise ValueError(
                f"histories[{label!r}] must be one run or a list of equal-length runs, "
                f"got shape {table.shape}"
            )
        tables[str(label)] = table
    if x is not None:
        x = stats.as_float_array(x, "x")
        lengths = {label: table.shape[1] for label, table in tables.items()}
        if x.ndim != 1 or any(length != x.size for length in lengths.values()):
            raise ValueError(
                f"x must be 1-D with one value per step, got {x.size} values for runs of "
                f"lengths {lengths}"
            )
    return tables, x


@_styled
def training_curves(
    histories: Mapping[str, Sequence],
    *,
    ylabel: str = "loss",
    xlabel: str = "step",
    x: Sequence[float] | None = None,
    smooth: int | None = None,
    band: str = "minmax",
    logy: bool = False,
    title: str | None = None,
    ax=None,
) -> Figure:
    """Training curves: one line per setting, the mean over seeds with a shaded band.

    ``histories`` maps a label to one run (a sequence of values per step) or several runs of
    equal length (one per seed). The line is the mean over seeds and the band spans their
    ``band="minmax"`` range or ``band="std"`` mean -/+ std (:func:`lib.stats.across_seeds`);
    ``smooth=k`` first averages each run over a trailing window of ``k`` steps
    (:func:`lib.stats.moving_average`). ``x`` gives the steps' positions (default 0, 1, ...).
    A diverged run (``nan``/``inf``) drops out where it stops being finite.
    """
    _check_choice(band, stats.BANDS, "band")
    tables, x = _check_runs(histories, smooth, x)
    _check_text(ylabel, "ylabel", optional=False)
    _check_text(xlabel, "xlabel", optional=False)
    _check_text(title, "title")
    redrawn = ax is not None
    fig, ax = _single_axes(ax, 4.2)
    any_finite = False
    for label, table in tables.items():
        if smooth is not None:
            table = np.array([stats.moving_average(run, smooth) for run in table])
        summary = stats.across_seeds(table, band)
        steps = np.arange(table.shape[1]) if x is None else x
        mean, lower, upper = summary["mean"], summary["lower"], summary["upper"]
        if logy:
            mean, lower, upper = (_masked_for_log(curve) for curve in (mean, lower, upper))
        n_seeds = summary["n_seeds"]
        name = label if n_seeds == 1 else f"{label} ({n_seeds} seeds)"
        (line,) = ax.plot(steps, mean, label=name)
        if n_seeds > 1:
            ax.fill_between(steps, lower, upper, color=line.get_color(), alpha=0.2, linewidth=0)
        any_finite |= bool(np.any(np.isfinite(mean)))
    if logy and any_finite:
        ax.set_yscale("log")
    if not any_finite:
        _say_no_finite_values(ax)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title or f"{ylabel[:1].upper()}{ylabel[1:]} during training")
    ax.legend()
    return _finish(fig, redrawn)


@_styled
def nudged_twins(
    pairs: Mapping[str, tuple[Sequence[float], Sequence[float]]],
    *,
    value: str = "test accuracy",
    nudge: float = 1e-12,
    title: str | None = None,
    ax=None,
) -> Figure:
    """Each seed's result from the drawn weights (x) against its twin from nudged weights (y).

    ``pairs`` maps a label to two equal-length sequences, one value per seed: the runs from the
    drawn weights and from the weights nudged by ``nudge`` (relative), as in
    :class:`lib.comparison.ChaosTest`. A stable setting puts every seed on the diagonal; a
    chaotic one scatters them, because the nudge, like another CPU's rounding, sends training
    elsewhere.
    """
    if not isinstance(pairs, Mapping) or len(pairs) == 0:
        raise ValueError(f"pairs must map a label to (values, nudged values), got {pairs!r:.80}")
    checked = {}
    for label, pair in pairs.items():
        if not isinstance(pair, Sequence) or len(pair) != 2:
            raise ValueError(f"pairs[{label!r}] must be (values, nudged values), got {pair!r:.80}")
        drawn, nudged = (stats.as_float_array(v, f"pairs[{label!r}]") for v in pair)
        if drawn.ndim != 1 or drawn.shape != nudged.shape or drawn.size == 0:
            raise ValueError(
                f"pairs[{label!r}] must hold two 1-D sequences of equal length, got shapes "
                f"{drawn.shape} and {nudged.shape}"
            )
        checked[str(label)] = (drawn, nudged)
    _check_text(value, "value", optional=False)
    nudge = as_positive("nudge", nudge)
    _check_text(title, "title")
    redrawn = ax is not None
    fig, ax = _single_axes(ax, 4.6)
    everything = np.concatenate([np.concatenate(pair) for pair in checked.values()])
    low, high = _finite_limits(everything)
    ax.plot([low, high], [low, high], color="0.5", linestyle="--", linewidth=1.0, label="y = x")
    for (label, (drawn, nudged)), marker in zip(checked.items(), "osD^v<>", strict=False):
        ax.plot(
            drawn,
            nudged,
            marker,
            linestyle="none",
            alpha=0.75,
            label=f"{label} ({drawn.size} seeds)",
        )
    margin = 0.05 * (high - low)
    ax.set_xlim(low - margin, high + margin)
    ax.set_ylim(low - margin, high + margin)
    ax.set_xlabel(f"{value}, drawn weights")
    ax.set_ylabel(f"{value}, weights nudged by {nudge:g}")
    ax.set_title(title or f"Does a nudge of {nudge:g} change the {value}?")
    ax.legend(loc="upper left")
    return _finish(fig, redrawn)


# --- bars and one-activation panels ----------------------------------------------------------


@_styled
def unit_distances(distances, *, title: str | None = None, ax=None) -> Figure:
    """Bars of each hidden unit's distance from the average unit (all zero: the units are clones).

    ``distances`` comes from :func:`lib.symmetry.unit_distances`; the largest is printed.
    """
    values = stats.as_float_array(distances, "distances")
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"distances must be a non-empty 1-D sequence, got shape {values.shape}")
    _check_text(title, "title")
    redrawn = ax is not None
    fig, ax = _single_axes(ax, 3.2)
    ax.bar(np.arange(values.size), np.where(np.isfinite(values), values, 0.0), color=COLORS[0])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("hidden unit")
    ax.set_ylabel("distance from the mean unit")
    ax.set_title(title or f"Unit spread (max {format_value(float(np.nanmax(values)))})")
    return _finish(fig, redrawn)


def _default_label(activation: Activation) -> str:
    """``"elu(alpha=0.5)"``: the name, and the parameters when there are any."""
    params = ", ".join(f"{key}={value:g}" for key, value in activation.params.items())
    return f"{activation.name}({params})" if params else activation.name


def _check_activations(activations) -> dict[str, Activation]:
    """{label: Activation} from a dict label -> name/Activation or a list of names/Activations."""
    if isinstance(activations, Mapping):
        items = [(str(label), spec) for label, spec in activations.items()]
    elif isinstance(activations, Sequence) and not isinstance(activations, str):
        items = [(None, spec) for spec in activations]
    else:
        raise ValueError(
            "activations must be a dict label -> activation or a list of activation names or "
            f"Activation objects, got {activations!r:.80}"
        )
    if not items:
        raise ValueError("activations must hold at least one activation, got an empty collection")
    checked = {}
    for label, spec in items:
        activation = get_activation(spec)
        label = _default_label(activation) if label is None else label
        if label in checked:
            raise ValueError(f"activations: the label {label!r} appears twice; use a dict")
        checked[label] = activation
    return checked


@_styled
def activation_curves(
    activations,
    z_range: tuple[float, float] = (-4.0, 4.0),
    *,
    saturation_threshold: float | None = 0.01,
    n_cols: int | None = None,
    title: str | None = None,
    axes=None,
) -> Figure:
    """Small panels, one per activation: ``f(z)`` (solid) and ``f'(z)`` (dashed) over ``z_range``.

    ``activations`` maps a panel title to an activation (a name from
    :func:`lib.activations.available` or an :class:`lib.activations.Activation`), or lists them
    (titled ``name(param=value)``). Where ``|f'(z)| < saturation_threshold`` the panel is shaded
    grey: saturated (sigmoid, tanh) or dead (ReLU's negative side) regions, where almost no
    gradient passes; ``None`` shades nothing. ``n_cols`` defaults to at most 3 panels per row.
    ``axes``: one existing axes per activation for an in-place redraw.
    """
    checked = _check_activations(activations)
    lo, hi = stats.check_bounds(z_range, "z_range")
    if saturation_threshold is not None:
        saturation_threshold = as_positive("saturation_threshold", saturation_threshold)
    _check_text(title, "title")
    n_panels = len(checked)
    n_cols = min(n_panels, 3) if n_cols is None else positive_int("n_cols", n_cols)
    if axes is None:
        fig, flat = _new_axes(n_panels, min(n_cols, n_panels), _PANEL_ROW_HEIGHT)
    else:
        fig, flat = _reuse_axes(axes, n_panels, "axes")
    z = np.linspace(lo, hi, _CURVE_POINTS)
    for ax, (label, activation) in zip(flat, checked.items(), strict=True):
        slopes = activation.derivative(z)
        if saturation_threshold is not None:
            ax.fill_between(
                z,
                0,
                1,
                where=np.abs(slopes) < saturation_threshold,
                transform=ax.get_xaxis_transform(),
                color=_BAD_COLOR,
                alpha=0.25,
                linewidth=0,
                label=f"|f'| < {saturation_threshold:g}",
            )
        ax.axhline(0.0, color="0.3", linewidth=0.8)
        ax.plot(z, activation(z), color=COLORS[0], label="f(z)")
        ax.plot(z, slopes, color=COLORS[1], linestyle="--", label="f'(z)")
        ax.set_xlabel("z")
        ax.set_title(label)
    flat[0].legend(loc="upper left", fontsize=8)
    fig.suptitle(title or "Activation functions f and their derivatives f'")
    return _finish(fig, redrawn=axes is not None)


@_styled
def activation_response(response, activation, *, title: str | None = None, axes=None) -> Figure:
    """Three panels for one activation under Gaussian pre-activations (chapter 3).

    ``response`` is a :class:`lib.activations.Response` made with ``activation``. Left: ``f``
    and ``f'`` over the range of ``z``, the density of ``z`` shaded. Middle: the outputs'
    histogram with their mean (the bias shift the next layer sees) and std. Right: the
    derivatives' histogram with the share below 0.01 (saturated or dead: no gradient passes).
    """
    _check_text(title, "title")
    fig, (curve_ax, output_ax, derivative_ax) = (
        _new_axes(3, 3, 3.2) if axes is None else _reuse_axes(axes, 3, "axes")
    )
    z = response.pre_activations
    grid = np.linspace(-3 * z.std(), 3 * z.std(), 400)
    curve_ax.plot(grid, activation(grid), color=COLORS[0], label="f(z)")
    curve_ax.plot(grid, activation.derivative(grid), color=COLORS[1], ls="--", label="f'(z)")
    for width, alpha in ((2, 0.08), (1, 0.12)):  # where 95% and 68% of the inputs fall
        curve_ax.axvspan(-width * z.std(), width * z.std(), color=COLORS[2], alpha=alpha)
    curve_ax.set_xlabel("pre-activation z")
    curve_ax.set_title("f and f' over the input range")
    curve_ax.legend(loc="upper left")
    for ax, values, color, label in (
        (output_ax, response.outputs, COLORS[0], "output f(z)"),
        (derivative_ax, response.derivatives, COLORS[1], "derivative f'(z)"),
    ):
        ax.hist(values, bins=60, color=color, alpha=0.85)
        ax.set_xlabel(label)
        ax.set_ylabel("count")
    output_ax.set_title(
        f"mean {format_value(response.outputs.mean())}, std {format_value(response.outputs.std())}"
    )
    small = float(np.mean(np.abs(response.derivatives) < 0.01))
    derivative_ax.set_title(
        f"mean {format_value(response.derivatives.mean())}, |f'| < 0.01: {small:.1%}"
    )
    if title:
        fig.suptitle(title)
    return _finish(fig, redrawn=axes is not None)


# --- images ---------------------------------------------------------------------------------


@_styled
def weight_image(
    W,
    *,
    title: str | None = None,
    cmap: str = "RdBu_r",
    ax=None,
) -> Figure:
    """A weight matrix as an image, on a diverging colour scale centred at 0.

    ``W`` has the ``x @ W`` layout ``(fan_in, fan_out)``: rows are input units, columns output
    units. The colour scale runs from ``-max|W|`` to ``+max|W|`` so 0 is always the middle
    colour, and identical columns (the symmetry a constant initialization never breaks) show
    as identical stripes. Non-finite entries are drawn in the colour map's "bad" colour.
    """
    matrix = stats.as_float_array(W, "W")
    if matrix.ndim != 2 or matrix.size == 0:
        raise ValueError(f"W must be a non-empty 2-D matrix (fan_in, fan_out), got {matrix.shape}")
    _check_text(title, "title")
    redrawn = ax is not None
    fig, ax = _single_axes(ax, 4.2)
    ax.grid(False)
    vmin, vmax = _finite_limits(matrix, symmetric=True)
    finite_only = np.where(np.isfinite(matrix), matrix, np.nan)
    image = ax.imshow(finite_only, cmap=_with_bad_color(cmap), vmin=vmin, vmax=vmax, aspect="auto")
    _inset_colorbar(fig, image, ax, "weight")
    if not np.isfinite(matrix).any():
        _say_no_finite_values(ax)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("output unit (column of W)")
    ax.set_ylabel("input unit (row of W)")
    ax.set_title(title or f"Weight matrix {matrix.shape[0]} x {matrix.shape[1]}")
    return _finish(fig, redrawn)


def _check_images(images, shape):
    """Images as an (n, height, width) float array; flat rows are reshaped to ``shape``."""
    if (
        not isinstance(shape, tuple | list)
        or len(shape) != 2
        or not all(isinstance(n, int | np.integer) and n > 0 for n in shape)
    ):
        raise ValueError(f"shape must be a pair of positive ints (height, width), got {shape!r}")
    stack = stats.as_float_array(images, "images")
    height, width = shape
    if stack.ndim == 2 and stack.shape[1] == height * width:
        stack = stack.reshape(-1, height, width)
    if stack.ndim != 3 or stack.shape[1:] != (height, width) or stack.shape[0] == 0:
        raise ValueError(
            f"images must be (n, {height * width}) flat rows or (n, {height}, {width}) images "
            f"with n >= 1, got shape {stack.shape}"
        )
    return stack


@_styled
def image_grid(
    images,
    shape: tuple[int, int] = (8, 8),
    *,
    n_cols: int | None = None,
    titles: Sequence[str] | None = None,
    scale: str = "each",
    cmap: str = "gray_r",
    title: str | None = None,
    axes=None,
) -> Figure:
    """Small images in a grid: digits, or an RBM's filters.

    ``images`` is ``(n, height * width)`` (flat rows, e.g. ``Dataset.x_train[:20]``) or
    ``(n, height, width)``. For weights in the ``x @ W`` layout, each hidden unit's filter is a
    *column* of ``W``: pass ``W.T``. ``scale="each"`` stretches every image over the whole
    colour map (filters differ in size), ``scale="shared"`` puts all on one scale (pixels).
    ``titles`` labels each image (e.g. its class); ``n_cols`` defaults to at most 10.
    ``axes``: one existing axes per image for an in-place redraw.
    """
    stack = _check_images(images, shape)
    _check_choice(scale, ("each", "shared"), "scale")
    _check_text(title, "title")
    n_images = stack.shape[0]
    if titles is not None and (isinstance(titles, str) or len(titles) != n_images):
        raise ValueError(f"titles must hold one string per image ({n_images}), got {titles!r}")
    if n_cols is None:
        n_cols = min(n_images, 10)
    positive_int("n_cols", n_cols)
    if axes is None:
        n_cols = min(n_cols, n_images)
        # Small images stay small: about an inch each, never wider than the book.
        width = min(FIG_WIDTH, _IMAGE_SIZE * n_cols)
        fig, flat = _new_axes(n_images, n_cols, width / n_cols, width=width)
    else:
        fig, flat = _reuse_axes(axes, n_images, "axes")
    colormap = _with_bad_color(cmap)
    shared_limits = _finite_limits(stack)
    for index, (ax, image) in enumerate(zip(flat, stack, strict=True)):
        vmin, vmax = _finite_limits(image) if scale == "each" else shared_limits
        ax.imshow(image, cmap=colormap, vmin=vmin, vmax=vmax)
        ax.set_axis_off()
        if titles is not None:
            ax.set_title(str(titles[index]), fontsize=10)
    fig.suptitle(title or f"{n_images} images of {shape[0]} x {shape[1]} pixels")
    return _finish(fig, redrawn=axes is not None)


def _cell_text(value, fmt):
    return format(value, fmt) if math.isfinite(value) else str(value)


def _check_cell_text(cell_text, shape) -> dict[tuple[int, int], str]:
    if cell_text is None:
        return {}
    if not isinstance(cell_text, Mapping):
        raise ValueError(f"cell_text must map (row, col) to a text, got {type(cell_text)}")
    for key, text in cell_text.items():
        ok_key = (
            isinstance(key, tuple)
            and len(key) == 2
            and all(isinstance(i, numbers.Integral) for i in key)
            and all(0 <= i < n for i, n in zip(key, shape, strict=True))
        )
        if not ok_key:
            raise ValueError(f"cell_text keys must be (row, col) inside {shape}, got {key!r}")
        _check_text(text, f"cell_text[{key}]", optional=False)
    return {(int(row), int(col)): text for (row, col), text in cell_text.items()}


def _text_color(image, value):
    """Black or white, whichever reads better on the cell's colour."""
    if not math.isfinite(value):
        return "black"
    red, green, blue, _ = image.cmap(image.norm(value))
    luminance = 0.299 * red + 0.587 * green + 0.114 * blue
    return "black" if luminance > 0.5 else "white"


@_styled
def heatmap(
    table,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    fmt: str = ".2f",
    title: str | None = None,
    cbar_label: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    cmap: str = "viridis",
    cell_text: Mapping[tuple[int, int], str] | None = None,
    ax=None,
) -> Figure:
    """A 2-D table as coloured cells with each value written in its cell.

    Made for comparison grids such as initializer (rows) x activation (columns) -> accuracy.
    ``fmt`` is the format spec of the written values (``".2f"``, ``".1%"``, ...); non-finite
    cells (a diverged run) are grey and read ``nan`` or ``inf``. ``cell_text`` maps
    ``(row, col)`` to a text written instead of that cell's value (``"chaotic"``, say).
    """
    grid = stats.as_float_array(table, "table")
    if grid.ndim != 2 or grid.size == 0:
        raise ValueError(f"table must be a non-empty 2-D array, got shape {grid.shape}")
    for labels, name, size in (
        (row_labels, "row_labels", grid.shape[0]),
        (col_labels, "col_labels", grid.shape[1]),
    ):
        if isinstance(labels, str) or not isinstance(labels, Sequence) or len(labels) != size:
            raise ValueError(
                f"{name} must hold {size} labels for table of shape {grid.shape}, got {labels!r}"
            )
    try:
        format(1.0, fmt)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"fmt must be a format spec for floats such as '.2f', got {fmt!r}"
        ) from error
    texts = _check_cell_text(cell_text, grid.shape)
    for text, name in (
        (title, "title"),
        (cbar_label, "cbar_label"),
        (xlabel, "xlabel"),
        (ylabel, "ylabel"),
    ):
        _check_text(text, name)
    redrawn = ax is not None
    fig, ax = _single_axes(ax, 0.5 * grid.shape[0] + 1.8)
    ax.grid(False)
    vmin, vmax = _finite_limits(grid)
    image = ax.imshow(
        np.where(np.isfinite(grid), grid, np.nan),
        cmap=_with_bad_color(cmap),
        vmin=vmin,
        vmax=vmax,
        aspect="auto",
    )
    for (row, col), value in np.ndenumerate(grid):
        ax.text(
            col,
            row,
            texts.get((row, col)) or _cell_text(value, fmt),
            ha="center",
            va="center",
            color=_text_color(image, value),
        )
    _inset_colorbar(fig, image, ax, cbar_label)
    ax.set_xticks(range(grid.shape[1]), [str(label) for label in col_labels])
    ax.set_yticks(range(grid.shape[0]), [str(label) for label in row_labels])
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.set_title(title or cbar_label or "Table")
    return _finish(fig, redrawn)
