"""Chapters 2 and 4: activations and gradients through a deep stack, for any init.

Three panels, each readable in every state: the activations of every layer (overlaid
histograms, share of values per bin), the back-propagated gradients (overlaid histograms on a
symmetric range set by the top layer: the lower layers' gradients pile up in the middle bin when
they vanish and spill out of the range when they explode), and each layer's std of both on a
log scale, where vanishing and exploding read at a glance whatever their size.
"""

import ipywidgets
import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from lib import propagation
from lib.widgets._frame import Control, View, attached_view, interactive_figure, show_message
from lib.widgets._scales import BINS, log_band, plain_log_axis, share_top, shares

#: Saturation bounds used in the histograms, per activation (None: count dead units instead).
SATURATION_BOUNDS = {"sigmoid": (0.01, 0.99), "tanh": (-0.99, 0.99)}
#: Activations the sliders offer, with their parameter (name, default, range) if they take one.
ACTIVATION_PARAMS = {
    "sigmoid": None,
    "tanh": None,
    "relu": None,
    "leaky_relu": ("negative_slope", 0.01, (0.0, 0.5)),
    "elu": ("alpha", 1.0, (0.1, 3.0)),
}
#: Initializers the chapter 4 widget offers (canonical names, no aliases, no zeros).
INIT_CHOICES = (
    "lecun_normal",
    "lecun_uniform",
    "xavier_normal",
    "xavier_uniform",
    "he_normal",
    "he_uniform",
    "orthogonal",
)
#: Deepest stack the widgets draw (the live depth slider's maximum).
MAX_DEPTH = 50
#: Grids of the static site: std on a log grid, depths in a few steps.
STD_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
DEPTH_GRID = (2, 5, 20)
#: Layers named in the std list of a histogram panel (first and last always).
_LISTED_LAYERS = 5


#: Unbounded activations are drawn in units of their layer's std, on this fixed range.
SCALED_RANGE = (-2.0, 5.0)
#: Gradients are drawn in units of the top layer's std, on this fixed range.
GRADIENT_RANGE = (-4.0, 4.0)
#: The std panel's x range grows in these steps (few backgrounds to draw).
_DEPTH_BUCKETS = (5, 10, 20, 50)


def _activation_range(activation: str) -> tuple[float, float] | None:
    """The fixed x range of a bounded activation, or None (drawn per-layer scaled)."""
    return {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}.get(activation)


def _listed_layers(depth: int) -> list[int]:
    return sorted(set(np.linspace(0, depth - 1, min(depth, _LISTED_LAYERS)).round().astype(int)))


class PropagationView(View):
    """The three panels, with every artist made once (:data:`MAX_DEPTH` layers' worth)."""

    def __init__(self, fig: Figure):
        super().__init__(fig)
        fig.set_layout_engine("constrained")
        self.act_ax, self.grad_ax, self.std_ax = fig.subplots(1, 3, width_ratios=(1, 1, 0.8))
        edges = np.linspace(0.0, 1.0, BINS + 1)
        self.act_steps = [
            self.act_ax.stairs(np.zeros(BINS), edges, lw=1.4) for _ in range(MAX_DEPTH)
        ]
        self.grad_steps = [
            self.grad_ax.stairs(np.zeros(BINS), edges, lw=1.4) for _ in range(MAX_DEPTH)
        ]
        box = {"boxstyle": "round", "facecolor": "white", "edgecolor": "0.8", "alpha": 0.85}
        self.act_text, self.grad_text = (
            ax.text(
                0.97, 0.96, "", transform=ax.transAxes, ha="right", va="top", fontsize=9, bbox=box
            )
            for ax in (self.act_ax, self.grad_ax)
        )
        layers = np.arange(1, MAX_DEPTH + 1)
        (self.act_line,) = self.std_ax.plot(
            layers, np.ones(MAX_DEPTH), marker="o", ms=3, label="activations"
        )
        (self.grad_line,) = self.std_ax.plot(
            layers, np.ones(MAX_DEPTH), marker="s", ms=3, label="gradients"
        )
        plain_log_axis(self.std_ax)
        self.std_ax.set_xlabel("layer")
        self.std_ax.set_title("std per layer")
        self.std_ax.legend(fontsize=8, loc="lower left")
        self.act_ax.set_ylabel("share of values per bin")
        self.grad_ax.set_xlabel("gradient / top layer's std")
        self.title = fig.suptitle("", fontsize=11)
        self.dynamic = [*self.act_steps, *self.grad_steps, self.act_line, self.grad_line]
        self.act_text.set_label("activations")
        self.grad_text.set_label("back-propagated gradients")
        self.texts = [self.title, self.act_text, self.grad_text]

    def show(self, result: propagation.Propagation, activation: str, init_label: str) -> None:
        depth = len(result.activations)
        colors = mpl.colormaps["viridis"](np.linspace(0.0, 0.85, depth))
        bounded = _activation_range(activation)
        act_range = bounded or SCALED_RANGE
        act_edges = np.linspace(*act_range, BINS + 1)
        grad_edges = np.linspace(*GRADIENT_RANGE, BINS + 1)
        act_std = np.array([h.std() for h in result.activations])
        grad_std = np.array([g.std() for g in result.gradients])
        top_std = grad_std[-1] if grad_std[-1] > 0 else 1.0
        peak = 0.0
        for i, (a_step, g_step) in enumerate(zip(self.act_steps, self.grad_steps, strict=True)):
            visible = i < depth
            a_step.set_visible(visible)
            g_step.set_visible(visible)
            if not visible:
                continue
            h = result.activations[i]
            if bounded is None:
                h = h / act_std[i] if act_std[i] > 0 else h
            act_shares = shares(h, *act_range)
            grad_shares = shares(result.gradients[i] / top_std, *GRADIENT_RANGE)
            a_step.set_data(act_shares, act_edges)
            g_step.set_data(grad_shares, grad_edges)
            a_step.set_color(colors[i])
            g_step.set_color(colors[i])
            peak = max(peak, float(act_shares.max()), float(grad_shares.max()))
        bounds = SATURATION_BOUNDS.get(activation)
        act_lines, grad_lines = [], []
        for i in _listed_layers(depth):
            h = result.activations[i]
            if bounds is None:
                extra = f", dead {np.mean(h == 0):.0%}"
            else:
                extra = f", sat. {np.mean((h < bounds[0]) | (h > bounds[1])):.0%}"
            act_lines.append(f"layer {i + 1}: std {act_std[i]:.3g}{extra}")
            grad_lines.append(f"layer {i + 1}: std {grad_std[i]:.3g}")
        self.act_text.set_text("\n".join(act_lines))
        self.grad_text.set_text("\n".join(grad_lines))
        layers = np.arange(1, depth + 1)
        self.act_line.set_data(layers, np.where(act_std > 0, act_std, np.nan))
        self.grad_line.set_data(layers, np.where(grad_std > 0, grad_std, np.nan))
        self.title.set_text(f"{activation}, {init_label}, depth {depth}")
        y_top = share_top(peak)
        band = log_band(np.concatenate([act_std, grad_std]))
        bucket = next(b for b in _DEPTH_BUCKETS if depth <= b)
        x_label = (
            f"{activation} activation value"
            if bounded
            else f"{activation} activation / its layer's std"
        )
        self.limits = (act_range, x_label, y_top, band, bucket)
        self.act_ax.set_xlim(*act_range)
        self.act_ax.set_ylim(0, y_top)
        self.act_ax.set_xlabel(x_label)
        self.grad_ax.set_xlim(*GRADIENT_RANGE)
        self.grad_ax.set_ylim(0, y_top)
        self.std_ax.set_xlim(0.5, bucket + 0.5)
        self.std_ax.set_ylim(*band)


def _draw_propagation(fig, init, activation, depth, width, n_samples, init_label) -> dict:
    try:
        result = propagation.propagate(
            init, activation, depth=depth, width=width, n_samples=n_samples, rng=0
        )
    except FloatingPointError as error:
        message = f"This setting overflows: {error}"
        show_message(fig, message)
        return {"message": message}
    attached_view(fig, PropagationView).show(result, activation, init_label)
    return {
        "activation_std": [float(a.std()) for a in result.activations],
        "gradient_std": [float(g.std()) for g in result.gradients],
    }


def propagation_update(
    fig: Figure, std: float, depth: int, width: int, activation: str, n_samples: int = 500
) -> dict:
    """Propagate Gaussian input through ``depth`` layers with weights N(0, std²); draw both ways.

    Left: each layer's activations; middle: the gradient back-propagated to each layer's
    output from a random N(0, 1) gradient at the top; right: both stds per layer (log scale).
    Returns the per-layer stds of both, or a ``message`` when a value overflowed.
    """
    return _draw_propagation(fig, std, activation, depth, width, n_samples, f"W ~ N(0, {std:.3g}²)")


def init_propagation_update(
    fig: Figure, init: str, activation: str, depth: int, width: int, n_samples: int = 500
) -> dict:
    """:func:`propagation_update` with a named initializer from :data:`INIT_CHOICES`."""
    return _draw_propagation(fig, init, activation, depth, width, n_samples, init)


def _depth_control(value: int) -> Control:
    return Control(
        "depth",
        "depth",
        lambda: ipywidgets.IntSlider(value=value, min=1, max=MAX_DEPTH, description="depth"),
        value,
        DEPTH_GRID,
    )


def _width_control() -> Control:
    return Control(
        "width",
        "width",
        lambda: ipywidgets.IntSlider(value=100, min=10, max=300, step=10, description="width"),
        100,
    )


def _activation_control(value: str) -> Control:
    names = tuple(ACTIVATION_PARAMS)
    return Control(
        "activation",
        "activation",
        lambda: ipywidgets.Dropdown(options=names, value=value, description="activation"),
        value,
        names,
    )


def propagation_widget() -> ipywidgets.VBox:
    """Controls: weight std (log scale), activation, depth and width (width: live only)."""
    std = Control(
        "std",
        "weight std",
        lambda: ipywidgets.FloatLogSlider(
            value=1.0, base=10, min=-2, max=1, step=0.05, description="weight std"
        ),
        1.0,
        STD_GRID,
    )
    controls = [std, _activation_control("sigmoid"), _depth_control(5), _width_control()]
    return interactive_figure(propagation_update, controls, figsize=(9.5, 3.6))


def init_propagation_widget() -> ipywidgets.VBox:
    """Controls: initializer, activation, depth and width (width: live only)."""
    init = Control(
        "init",
        "init",
        lambda: ipywidgets.Dropdown(
            options=INIT_CHOICES, value="xavier_normal", description="init"
        ),
        "xavier_normal",
        INIT_CHOICES,
    )
    controls = [init, _activation_control("tanh"), _depth_control(5), _width_control()]
    return interactive_figure(init_propagation_update, controls, figsize=(9.5, 3.6))
