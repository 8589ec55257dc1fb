"""Tables, bars and diagrams: the comparison heat map (chapter 7), unit spread (chapter 1),
what fan-in and fan-out count (chapter 4), an RBM and a deep belief net (chapter 6)."""

import math
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from lib.plots._base import (
    COLORS,
    _finish,
    _finite_limits,
    _inset_colorbar,
    _new_axes,
    _single_axes,
    _styled,
    _with_bad_color,
    format_value,
)
from lib.validation import as_cell_text, as_float_array, as_shape, check_text, positive_int


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


def _dense_panel(ax, n_in, n_out):
    """Inputs on the left, outputs on the right, every weight a line; one output unit's
    incoming weights (its fan-in) and one input unit's outgoing weights (its fan-out) coloured."""
    ys_in = np.linspace(0.0, 1.0, n_in)
    ys_out = np.linspace(0.15, 0.85, n_out)
    fan_in_unit, fan_out_unit = n_out // 2, 0
    for i, y_in in enumerate(ys_in):
        for j, y_out in enumerate(ys_out):
            if j == fan_in_unit:
                style = {"color": COLORS[0], "lw": 2.0, "zorder": 2}
            elif i == fan_out_unit:
                style = {"color": COLORS[1], "lw": 2.0, "zorder": 2}
            else:
                style = {"color": "0.8", "lw": 0.8, "zorder": 1}
            ax.plot([0.0, 1.0], [y_in, y_out], **style)
    ax.scatter(np.zeros(n_in), ys_in, s=160, color="white", edgecolor="0.2", zorder=3)
    ax.scatter(np.ones(n_out), ys_out, s=160, color="white", edgecolor="0.2", zorder=3)
    ax.text(-0.08, 0.5, f"{n_in} inputs", rotation=90, ha="right", va="center")
    ax.text(1.08, 0.5, f"{n_out} outputs", rotation=90, ha="left", va="center")
    ax.set_title(f"Dense layer, W of shape ({n_in}, {n_out})")
    ax.legend(
        handles=[
            ax.plot([], [], color=COLORS[0], lw=2, label=f"fan_in = {n_in}: into one output")[0],
            ax.plot([], [], color=COLORS[1], lw=2, label=f"fan_out = {n_out}: out of one input")[0],
        ],
        loc="lower center",
        bbox_to_anchor=(0.5, -0.32),
        fontsize=9,
        ncols=1,
    )
    ax.set_xlim(-0.25, 1.25)
    ax.set_ylim(-0.08, 1.08)
    ax.set_axis_off()


def _conv_panel(ax, kernel, c_in, c_out):
    """Input planes (left) and output planes (right), drawn as offset squares; the kernel
    window on every input plane feeds one output pixel: kh * kw * c_in inputs."""
    kh, kw = kernel
    size, step = 0.38, 0.07
    window = size * 0.35
    for side, (x0, planes, color, label) in enumerate(
        (
            (0.0, c_in, COLORS[0], f"{c_in} input channels"),
            (0.62, c_out, COLORS[1], f"{c_out} output channels"),
        )
    ):
        for k in range(planes):
            x, y = x0 + k * step, 0.2 + k * step
            ax.add_patch(Rectangle((x, y), size, size, facecolor="white", edgecolor="0.3", lw=1))
            if side == 0:
                ax.add_patch(
                    Rectangle((x + 0.05, y + 0.05), window, window, color=color, alpha=0.55)
                )
            elif k == planes - 1:
                ax.add_patch(Rectangle((x + 0.12, y + 0.12), 0.05, 0.05, color=COLORS[0]))
        ax.text(
            x0 + size / 2 + (planes - 1) * step / 2, 0.1, label, ha="center", va="top", fontsize=9
        )
    last_in, last_out = (c_in - 1) * step, (c_out - 1) * step
    ax.annotate(
        "",
        xy=(0.62 + last_out + 0.12, 0.2 + last_out + 0.145),
        xytext=(last_in + 0.05 + window, 0.2 + last_in + 0.05 + window / 2),
        arrowprops={"arrowstyle": "->", "color": "0.2", "lw": 1.2},
    )
    ax.set_title(f"Conv kernel {kh} × {kw}, shape ({kh}, {kw}, {c_in}, {c_out})")
    ax.text(
        0.5,
        -0.12,
        f"fan_in = {kh}·{kw}·{c_in} = {kh * kw * c_in} (the window on every input channel)\n"
        f"fan_out = {kh}·{kw}·{c_out} = {kh * kw * c_out}",
        ha="center",
        va="top",
        fontsize=9,
        transform=ax.transAxes,
    )
    ax.set_xlim(-0.05, 0.62 + size + (c_out - 1) * step + 0.05)
    ax.set_ylim(0.0, 0.2 + size + (max(c_in, c_out) - 1) * step + 0.05)
    ax.set_aspect("equal")
    ax.set_axis_off()


@_styled
def fan_diagram(
    n_in: int = 5, n_out: int = 4, kernel: tuple[int, int] = (3, 3), c_in: int = 3, c_out: int = 4
) -> Figure:
    """What fan-in and fan-out count, for a dense layer (left) and a conv kernel (right).

    Dense ``W`` of shape ``(n_in, n_out)``: an output unit sums ``fan_in = n_in`` weighted
    inputs (a column of ``W``), an input unit feeds ``fan_out = n_out`` outputs (a row). A
    conv kernel ``(kh, kw, c_in, c_out)``: one output pixel sums the ``kh × kw`` window of
    every input channel, ``fan_in = kh·kw·c_in``; ``fan_out = kh·kw·c_out``
    (:func:`lib.initializers.fans`).

    >>> fig = fan_diagram(4, 3)
    >>> [ax.get_title() for ax in fig.axes]
    ['Dense layer, W of shape (4, 3)', 'Conv kernel 3 × 3, shape (3, 3, 3, 4)']
    """
    for name, value in (("n_in", n_in), ("n_out", n_out), ("c_in", c_in), ("c_out", c_out)):
        positive_int(name, value)
    kernel = as_shape(kernel)
    if len(kernel) != 2:
        raise ValueError(f"kernel must be (height, width), got {kernel!r}")
    fig, (dense_ax, conv_ax) = _new_axes(2, 2, 3.4)
    _dense_panel(dense_ax, n_in, n_out)
    _conv_panel(conv_ax, kernel, c_in, c_out)
    return _finish(fig, redrawn=False)


def _layer_nodes(ax, y, n, label, color="white"):
    """``n`` nodes in a row at height ``y``, centred on x = 0.5, with a label on the left."""
    xs = np.linspace(0.5 - 0.07 * (n - 1) / 2, 0.5 + 0.07 * (n - 1) / 2, n)
    ax.scatter(xs, np.full(n, y), s=170, color=color, edgecolor="0.2", zorder=3)
    ax.text(xs[0] - 0.07, y, label, ha="right", va="center", fontsize=9)
    return xs


@_styled
def rbm_diagram(n_visible: int = 6, n_hidden: int = 4) -> Figure:
    """An RBM's graph (left) and greedy stacking into a deep belief net (right), chapter 6.

    Left: ``n_visible`` visible and ``n_hidden`` hidden units, every visible unit joined to
    every hidden unit by a weight of ``W`` and no edge inside a layer, which is why
    :math:`p(h \\mid v)` and :math:`p(v \\mid h)` factorize over units. Right: RBM 1 is trained on
    the data; its hidden probabilities are the data of RBM 2; the trained weights then start
    the hidden layers of an MLP that gets a fresh output layer (Hinton, Osindero & Teh 2006).

    >>> fig = rbm_diagram()
    >>> [ax.get_title() for ax in fig.axes]
    ['An RBM: a bipartite graph', 'Greedy stacking: a deep belief net']
    """
    positive_int("n_visible", n_visible)
    positive_int("n_hidden", n_hidden)
    fig, (rbm_ax, dbn_ax) = _new_axes(2, 2, 3.4)
    visible = _layer_nodes(rbm_ax, 0.15, n_visible, "visible v\n(pixels)")
    hidden = _layer_nodes(rbm_ax, 0.85, n_hidden, "hidden h\n(features)", color="#DCE9F5")
    for x_v in visible:
        for x_h in hidden:
            rbm_ax.plot([x_v, x_h], [0.15, 0.85], color=COLORS[0], lw=0.9, alpha=0.7, zorder=1)
    rbm_ax.text(
        0.5,
        0.5,
        "W: every v to every h\nno edge inside a layer",
        ha="center",
        va="center",
        fontsize=9,
        bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.8"},
    )
    rbm_ax.set_title("An RBM: a bipartite graph")
    steps = [
        (0.1, "data x", "RBM 1 trained on x"),
        (0.45, "h1 = p(h | x)", "RBM 2 trained on h1"),
        (0.8, "h2 = p(h | h1)", "MLP: W1, W2\n+ a new output layer"),
    ]
    for k, (y, data_label, model_label) in enumerate(steps):
        dbn_ax.add_patch(Rectangle((0.05, y), 0.35, 0.12, facecolor="white", edgecolor="0.3"))
        dbn_ax.text(0.225, y + 0.06, data_label, ha="center", va="center", fontsize=9)
        color = COLORS[k % len(COLORS)]
        dbn_ax.add_patch(Rectangle((0.55, y), 0.42, 0.12, facecolor=color, alpha=0.25))
        dbn_ax.text(0.76, y + 0.06, model_label, ha="center", va="center", fontsize=9)
        dbn_ax.annotate(
            "",
            xy=(0.55, y + 0.06),
            xytext=(0.4, y + 0.06),
            arrowprops={"arrowstyle": "->", "color": "0.3"},
        )
        if k < len(steps) - 1:
            dbn_ax.annotate(
                "",
                xy=(0.225, steps[k + 1][0]),
                xytext=(0.66, y + 0.12),
                arrowprops={"arrowstyle": "->", "color": "0.5", "connectionstyle": "arc3,rad=0.2"},
            )
    dbn_ax.set_title("Greedy stacking: a deep belief net")
    for ax in (rbm_ax, dbn_ax):
        ax.set_xlim(0.0, 1.0)
        ax.set_ylim(0.0, 1.0)
        ax.set_axis_off()
    return _finish(fig, redrawn=False)
