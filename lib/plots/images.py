"""Weights and digits as images (chapters 1 and 6)."""

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from lib.plots._base import (
    _IMAGE_SIZE,
    FIG_WIDTH,
    _finish,
    _finite_limits,
    _inset_colorbar,
    _new_axes,
    _reuse_axes,
    _say_no_finite_values,
    _single_axes,
    _styled,
    _with_bad_color,
)
from lib.validation import as_float_array, as_image_stack, check_choice, check_text, positive_int

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
    matrix = as_float_array(W, "W")
    if matrix.ndim != 2 or matrix.size == 0:
        raise ValueError(f"W must be a non-empty 2-D matrix (fan_in, fan_out), got {matrix.shape}")
    check_text(title, "title")
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
    stack = as_image_stack(images, shape)
    check_choice(scale, ("each", "shared"), "scale")
    check_text(title, "title")
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
