"""Per-layer histograms of activations and gradients (chapters 2-5)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from lib import stats
from lib.plots._base import (
    _HEADROOM,
    _MAX_PANELS_PER_ROW,
    _PANEL_ROW_HEIGHT,
    _X_MARGIN,
    COLORS,
    KINDS,
    SUMMARIES,
    _finish,
    _new_axes,
    _reuse_axes,
    _say_no_finite_values,
    _single_axes,
    _styled,
    format_value,
)
from lib.validation import check_bounds, check_choice, check_layers, check_text, positive_int

# --- per-layer histograms -------------------------------------------------------------------


@dataclass(frozen=True)
class HistogramOptions:
    """The options every per-layer histogram shares, checked once.

    ``kind`` is ``"activation"`` or ``"gradient"``; ``bins`` the number of bins; ``value_range``
    ``(lo, hi)`` fixes their span (None: the values' own); ``summary`` ``"saturated"`` (with
    ``saturation_bounds=(lo, hi)``, and only with it) or ``"dead"`` adds a share to the numbers
    printed for activations.
    """

    kind: str = "activation"
    bins: int = 50
    value_range: tuple[float, float] | None = None
    summary: str | None = None
    saturation_bounds: tuple[float, float] | None = None

    def __post_init__(self):
        check_choice(self.kind, KINDS, "kind")
        positive_int("bins", self.bins)
        if self.summary is not None:
            check_choice(self.summary, SUMMARIES, "summary")
            if self.kind == "gradient":
                raise ValueError(
                    f"summary={self.summary!r} applies to activations, not kind='gradient'"
                )
        if (self.summary == "saturated") != (self.saturation_bounds is not None):
            raise ValueError(
                "saturation_bounds=(lo, hi) goes with summary='saturated' and only with it, got "
                f"summary={self.summary!r}, saturation_bounds={self.saturation_bounds!r}"
            )
        if self.saturation_bounds is not None:
            bounds = check_bounds(self.saturation_bounds, "saturation_bounds")
            object.__setattr__(self, "saturation_bounds", bounds)
        if self.value_range is not None:
            object.__setattr__(self, "value_range", check_bounds(self.value_range, "value_range"))


def _common_edges(all_layers, options):
    """One set of bin edges for every panel, so their histograms compare at a glance."""
    value_range = options.value_range
    if value_range is None:
        finite = [layer[np.isfinite(layer)] for layer in all_layers]
        finite = np.concatenate(finite)
        if finite.size == 0:
            return None
        value_range = (float(finite.min()), float(finite.max()))
    return np.histogram_bin_edges([], bins=options.bins, range=value_range)


def _panel_text(entry, summary):
    lines = [f"mean {format_value(entry.mean)}", f"std {format_value(entry.std)}"]
    if summary == "saturated":
        lines.append(f"saturated {entry.saturated_fraction:.1%}")
    elif summary == "dead":
        lines.append(f"dead {entry.dead_fraction:.1%}")
    if entry.nonfinite_fraction > 0:
        lines.append(f"non-finite {entry.nonfinite_fraction:.1%}")
    return "\n".join(lines)


def _histogram_panel(ax, layer, entry, edges, options, color):
    """Draw one layer's histogram (it has finite values) with its numbers; return the peak count."""
    counts, _ = np.histogram(layer[np.isfinite(layer)], bins=edges)
    ax.stairs(counts, edges, fill=True, color=color, alpha=0.75)
    if options.saturation_bounds is not None:
        for bound in options.saturation_bounds:
            ax.axvline(bound, color="0.35", linestyle="--", linewidth=1.0)
    ax.text(
        0.97,
        0.96,
        _panel_text(entry, options.summary),
        transform=ax.transAxes,
        ha="right",
        va="top",
        fontsize=9,
        bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.8", "alpha": 0.85},
    )
    return int(counts.max())


def _draw_histogram_rows(rows, axes_rows, n_cols, options):
    """Fill axes with histograms: one row of axes per setting ``(label, layers)``.

    A setting's panels wrap every ``n_cols`` axes; the first panel of each line gets the y label.
    """
    all_layers = [layer for _, layers in rows for layer in layers]
    edges = _common_edges(all_layers, options)
    tallest = 0
    for row_index, ((label, layers), axes) in enumerate(zip(rows, axes_rows, strict=True)):
        entries = stats.layer_stats(layers, options.saturation_bounds)
        color = COLORS[row_index % len(COLORS)]
        for layer_index, (ax, layer, entry) in enumerate(zip(axes, layers, entries, strict=True)):
            if edges is None or entry.nonfinite_fraction == 1.0:
                _say_no_finite_values(ax)
            else:
                peak = _histogram_panel(ax, layer, entry, edges, options, color)
                tallest = max(tallest, peak)
            if row_index == 0:
                ax.set_title(f"Layer {layer_index + 1}")
            if row_index == len(rows) - 1:
                ax.set_xlabel(f"{options.kind} value")
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

    >>> from lib import network
    >>> result = network.propagate(1.0, "sigmoid", depth=3, width=50, n_samples=200, rng=0)
    >>> fig = layer_histograms(result.activations, summary="saturated",
    ...                        saturation_bounds=(0.01, 0.99))
    >>> [ax.get_title() for ax in fig.axes]
    ['Layer 1', 'Layer 2', 'Layer 3']
    """
    options = HistogramOptions(kind, bins, value_range, summary, saturation_bounds)
    check_text(title, "title")
    layers = check_layers(values_per_layer)
    n_cols = min(len(layers), _MAX_PANELS_PER_ROW)
    if axes is None:
        fig, flat = _new_axes(len(layers), n_cols, _PANEL_ROW_HEIGHT, sharey=True)
    else:
        fig, flat = _reuse_axes(axes, len(layers), "axes")
    _draw_histogram_rows([(None, layers)], [flat], n_cols, options)
    fig.suptitle(title or f"{kind.capitalize()} values per layer")
    return _finish(fig, redrawn=axes is not None)


#: A legend lists at most this many layers (first and last included), so deep stacks stay readable.
_MAX_LEGEND_LAYERS = 8


def _legend_layers(n_layers):
    """Indices of the layers named in the legend: all of them, or evenly spaced ones."""
    count = min(n_layers, _MAX_LEGEND_LAYERS)
    return set(np.linspace(0, n_layers - 1, count).round().astype(int).tolist())


def _legend_text(layer_index, entry, summary):
    text = f"layer {layer_index + 1}: std {format_value(entry.std)}"
    if summary == "saturated":
        text += f", sat. {entry.saturated_fraction:.0%}"
    elif summary == "dead":
        text += f", dead {entry.dead_fraction:.0%}"
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
    options = HistogramOptions(kind, bins, value_range, summary, saturation_bounds)
    check_text(title, "title")
    layers = check_layers(values_per_layer)
    redrawn = ax is not None
    fig, ax = _single_axes(ax, 3.6)
    edges = _common_edges(layers, options)
    entries = stats.layer_stats(layers, options.saturation_bounds)
    colors = mpl.colormaps["viridis"](np.linspace(0.0, 0.85, len(layers)))
    labelled = _legend_layers(len(layers))
    for index, (layer, entry, color) in enumerate(zip(layers, entries, colors, strict=True)):
        if edges is None or entry.nonfinite_fraction == 1.0:
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
    options = HistogramOptions(kind, bins, value_range, summary, saturation_bounds)
    check_text(title, "title")
    if not isinstance(settings, Mapping) or len(settings) == 0:
        raise ValueError(
            f"settings must be a non-empty dict label -> values per layer, got {settings!r:.80}"
        )
    rows = [
        (str(label), check_layers(layers, f"settings[{label!r}]"))
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
    _draw_histogram_rows(rows, axes_rows, n_cols, options)
    fig.suptitle(title or f"{kind.capitalize()} values per layer")
    return _finish(fig, redrawn=axes is not None)
