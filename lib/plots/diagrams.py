"""Tables and bars: the comparison heat map (chapter 7), unit spread (chapter 1)."""

import math
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from lib.plots._base import (
    COLORS,
    _finish,
    _finite_limits,
    _inset_colorbar,
    _single_axes,
    _styled,
    _with_bad_color,
    format_value,
)
from lib.validation import as_cell_text, as_float_array, check_text


@_styled
def unit_distance_bars(distances, *, title: str | None = None, ax=None) -> Figure:
    """Bars of each hidden unit's distance from the average unit (all zero: the units are clones).

    ``distances`` comes from :func:`lib.symmetry.unit_distances`; the largest is printed.
    """
    values = as_float_array(distances, "distances")
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"distances must be a non-empty 1-D sequence, got shape {values.shape}")
    check_text(title, "title")
    redrawn = ax is not None
    fig, ax = _single_axes(ax, 3.2)
    ax.bar(np.arange(values.size), np.where(np.isfinite(values), values, 0.0), color=COLORS[0])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("hidden unit")
    ax.set_ylabel("distance from the mean unit")
    ax.set_title(title or f"Unit spread (max {format_value(float(np.nanmax(values)))})")
    return _finish(fig, redrawn)


def _cell_text(value, fmt):
    return format(value, fmt) if math.isfinite(value) else str(value)


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

    Made for comparison grids such as activation (rows) x initializer (columns) -> accuracy,
    as in chapter 7.
    ``fmt`` is the format spec of the written values (``".2f"``, ``".1%"``, ...); non-finite
    cells (a diverged run) are grey and read ``nan`` or ``inf``. ``cell_text`` maps
    ``(row, col)`` to a text written instead of that cell's value (``"chaotic"``, say).

    >>> fig = heatmap([[0.9, 0.1], [0.5, float("nan")]], ["tanh", "relu"], ["He", "N(0, 1)"],
    ...               cell_text={(1, 1): "diverged"})
    >>> [text.get_text() for text in fig.axes[0].texts]
    ['0.90', '0.10', '0.50', 'diverged']
    """
    grid = as_float_array(table, "table")
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
    texts = as_cell_text(cell_text, grid.shape)
    for text, name in (
        (title, "title"),
        (cbar_label, "cbar_label"),
        (xlabel, "xlabel"),
        (ylabel, "ylabel"),
    ):
        check_text(text, name)
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
