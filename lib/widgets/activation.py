"""Chapter 3: one activation function under a Gaussian input."""

import ipywidgets
import numpy as np
from matplotlib.figure import Figure

from lib import activations, plots
from lib.widgets._frame import Control, View, attached_view, interactive_figure
from lib.widgets._scales import BINS, nice_ceiling, range_of, share_top, shares
from lib.widgets.propagation import ACTIVATION_PARAMS

#: Points of the f and f' curves.
CURVE_POINTS = 201
#: Input stds the static site precomputes, and its choices of activation and parameter.
INPUT_STD_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)
SITE_CHOICES = {
    "sigmoid": ("sigmoid", 0.0),
    "tanh": ("tanh", 0.0),
    "relu": ("relu", 0.0),
    "leaky_relu, slope 0.01": ("leaky_relu", 0.01),
    "leaky_relu, slope 0.3": ("leaky_relu", 0.3),
    "elu, alpha 0.3": ("elu", 0.3),
    "elu, alpha 1": ("elu", 1.0),
    "elu, alpha 3": ("elu", 3.0),
}


class ActivationView(View):
    """Three panels, artists made once: ``f`` and ``f'`` over the input range (the middle 68%
    and 95% of the inputs shaded), and the histograms of the outputs and of the derivatives."""

    def __init__(self, fig: Figure):
        super().__init__(fig)
        fig.set_layout_engine("constrained")
        self.curve_ax, self.output_ax, self.derivative_ax = fig.subplots(1, 3)
        grid = np.zeros(CURVE_POINTS)
        (self.f_line,) = self.curve_ax.plot(grid, grid, color=plots.COLORS[0], label="f(z)")
        (self.df_line,) = self.curve_ax.plot(
            grid, grid, color=plots.COLORS[1], ls="--", label="f'(z)"
        )
        self.spans = [
            self.curve_ax.axvspan(-1.0, 1.0, color=plots.COLORS[2], alpha=alpha)
            for alpha in (0.08, 0.12)  # where 95% and 68% of the inputs fall
        ]
        self.curve_ax.legend(loc="upper left", fontsize=9)
        self.curve_ax.set_xlabel("pre-activation z")
        self.curve_ax.set_title("f and f' over the input range")
        edges = np.linspace(0.0, 1.0, BINS + 1)
        self.output_steps = self.output_ax.stairs(
            np.zeros(BINS), edges, fill=True, color=plots.COLORS[0], alpha=0.85
        )
        self.derivative_steps = self.derivative_ax.stairs(
            np.zeros(BINS), edges, fill=True, color=plots.COLORS[1], alpha=0.85
        )
        for ax, label in (
            (self.output_ax, "output f(z)"),
            (self.derivative_ax, "derivative f'(z)"),
        ):
            ax.set_xlabel(label)
            ax.set_ylabel("share of inputs per bin")
        self.title = fig.suptitle("", fontsize=11)
        self.output_text = self.output_ax.set_title("")
        self.derivative_text = self.derivative_ax.set_title("")
        self.output_text.set_label("outputs")
        self.derivative_text.set_label("derivatives")
        self.dynamic = [
            self.f_line,
            self.df_line,
            *self.spans,
            self.output_steps,
            self.derivative_steps,
        ]
        self.texts = [self.title, self.output_text, self.derivative_text]

    def show(self, response, f, title: str) -> None:
        z_std = float(response.pre_activations.std())
        reach = nice_ceiling(3 * z_std)
        z = np.linspace(-reach, reach, CURVE_POINTS)
        values, slopes = f(z), f.derivative(z)
        self.f_line.set_data(z, values)
        self.df_line.set_data(z, slopes)
        for span, width in zip(self.spans, (2, 1), strict=True):
            span.set_x(-width * z_std)
            span.set_width(2 * width * z_std)
        low = min(float(values.min()), float(slopes.min()), 0.0)
        high = max(float(values.max()), float(slopes.max()))
        curve_limits = (-nice_ceiling(-low) if low < 0 else 0.0, nice_ceiling(high) * 1.15)
        output_range = range_of(response.outputs)
        derivative_range = range_of(response.derivatives)
        outputs = shares(response.outputs, *output_range)
        derivatives = shares(response.derivatives, *derivative_range)
        self.output_steps.set_data(outputs, np.linspace(*output_range, BINS + 1))
        self.derivative_steps.set_data(derivatives, np.linspace(*derivative_range, BINS + 1))
        top = share_top(max(float(outputs.max()), float(derivatives.max())))
        small = float(np.mean(np.abs(response.derivatives) < 0.01))
        self.output_text.set_text(
            f"mean {plots.format_value(response.outputs.mean())}, "
            f"std {plots.format_value(response.outputs.std())}"
        )
        self.derivative_text.set_text(
            f"mean {plots.format_value(response.derivatives.mean())}, |f'| < 0.01: {small:.1%}"
        )
        self.title.set_text(title)
        self.curve_ax.set_xlim(-reach, reach)
        self.curve_ax.set_ylim(*curve_limits)
        self.output_ax.set_xlim(*output_range)
        self.derivative_ax.set_xlim(*derivative_range)
        for ax in (self.output_ax, self.derivative_ax):
            ax.set_ylim(0, top)
        self.limits = (reach, curve_limits, output_range, derivative_range, top)


def activation_update(fig: Figure, activation: str, param: float, input_std: float) -> dict:
    """Draw ``f`` and ``f'`` over ``z ~ N(0, input_std²)`` and the distributions they produce.

    ``param`` is the negative slope (leaky_relu) or alpha (elu) and is ignored by the others.
    Returns the output mean (the bias shift), the output std, the mean derivative, and the shares
    of near-zero derivatives (``|f'| < 0.01``: saturated or dead units pass almost no gradient).
    """
    spec = ACTIVATION_PARAMS[activation]
    f = activations.get(activation, **({spec[0]: param} if spec else {}))
    result = activations.response(f, input_std=input_std, rng=0)
    numbers = {
        "output_mean": float(result.outputs.mean()),
        "output_std": float(result.outputs.std()),
        "derivative_mean": float(result.derivatives.mean()),
        "small_derivative_fraction": float(np.mean(np.abs(result.derivatives) < 0.01)),
    }
    attached_view(fig, ActivationView).show(result, f, f"{f.label}: z ~ N(0, {input_std:.3g}²)")
    return numbers


def activation_widget() -> ipywidgets.VBox:
    """Controls: activation, its parameter (slope for leaky_relu, alpha for elu; the others
    ignore it) and the input std (log scale)."""
    names = tuple(ACTIVATION_PARAMS)
    controls = [
        Control(
            "activation",
            "activation",
            lambda: ipywidgets.Dropdown(options=names, value="tanh", description="activation"),
            "tanh",
        ),
        Control(
            "param",
            "slope / alpha",
            lambda: ipywidgets.FloatLogSlider(
                value=0.1, base=10, min=-2, max=0.5, step=0.05, description="slope / alpha"
            ),
            0.1,
        ),
        Control(
            "choice",
            "activation",
            None,
            "tanh",
            tuple(SITE_CHOICES),
            keywords=lambda choice: dict(
                zip(("activation", "param"), SITE_CHOICES[choice], strict=True)
            ),
        ),
        Control(
            "input_std",
            "input std",
            lambda: ipywidgets.FloatLogSlider(
                value=1.0, base=10, min=-1, max=1, step=0.05, description="input std"
            ),
            1.0,
            INPUT_STD_GRID,
        ),
    ]
    return interactive_figure(activation_update, controls, figsize=(9.5, 3.4))
