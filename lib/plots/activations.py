"""One activation function: its curves and what it does to a Gaussian input (chapter 3)."""

import numpy as np
from matplotlib.figure import Figure

from lib.activations import get as get_activation
from lib.activations import get_labelled
from lib.plots._base import (
    _BAD_COLOR,
    _CURVE_POINTS,
    _PANEL_ROW_HEIGHT,
    COLORS,
    _finish,
    _new_axes,
    _reuse_axes,
    _styled,
    format_value,
)
from lib.validation import as_positive, check_bounds, check_text, positive_int


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
    checked = get_labelled(activations)
    lo, hi = check_bounds(z_range, "z_range")
    if saturation_threshold is not None:
        saturation_threshold = as_positive("saturation_threshold", saturation_threshold)
    check_text(title, "title")
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
    check_text(title, "title")
    activation = get_activation(activation)
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
