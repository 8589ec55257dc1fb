"""Chapter 5: the std of each layer under He and Xavier init, forward and backward."""

import ipywidgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from lib import propagation
from lib.widgets._frame import Control, View, attached_view, interactive_figure

#: Deepest stack the slider offers; depths and slopes the static site precomputes.
MAX_DEPTH = 50
DEPTH_GRID = (5, 10, 20, 30, 50)
SLOPE_GRID = (0.0, 0.1, 0.3, 0.5, 1.0)
MODES = ("fan_in", "fan_out")
#: The std axis spans these ranges in turn (log scale): few backgrounds to draw.
_STD_RANGES = ((0.1, 10.0), (1e-2, 1e2), (1e-4, 1e4), (1e-8, 1e8), (1e-16, 1e16))
_DEPTH_BUCKETS = (10, 20, 30, 50)


class HeDepthView(View):
    """Two log-scale panels (forward, backward): one measured line and one dashed theory line
    per initializer, made once with :data:`MAX_DEPTH` points."""

    def __init__(self, fig: Figure):
        super().__init__(fig)
        fig.set_layout_engine("constrained")
        self.axes = fig.subplots(1, 2)
        self.lines = {}
        self.legend_labels = None  # the labels the legends show, redrawn when they change
        for ax, title in zip(
            self.axes,
            ("Forward: std of pre-activations", "Backward: std of gradients"),
            strict=True,
        ):
            ax.set_yscale("log")
            ax.set_title(title)
            ax.set_xlabel("layer")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        self.axes[0].set_ylabel("standard deviation")
        self.title = fig.suptitle("", fontsize=11)
        self.texts = [self.title]

    def _lines(self, direction: int, label: str, color_index: int):
        key = (direction, label)
        if key not in self.lines:
            ax = self.axes[direction]
            color = f"C{color_index}"
            layers = np.arange(1, MAX_DEPTH + 1)
            (measured,) = ax.plot(
                layers, np.ones(MAX_DEPTH), marker="o", ms=3, color=color, label=label
            )
            (theory,) = ax.plot(
                layers, np.ones(MAX_DEPTH), ls="--", color=color, label=f"{label} (theory)"
            )
            self.lines[key] = (measured, theory)
            self.dynamic += [measured, theory]
        return self.lines[key]

    def show(self, profile: propagation.DepthProfile, depth: int, negative_slope: float) -> None:
        layers = np.arange(1, depth + 1)
        values, shown = [], set()
        for direction, (measured_curves, theory_curves) in enumerate(
            ((profile.forward, profile.forward_theory), (profile.backward, profile.backward_theory))
        ):
            for index, (label, curve) in enumerate(measured_curves.items()):
                measured, theory = self._lines(direction, label, index)
                measured.set_data(layers, curve)
                theory.set_data(layers, theory_curves[label])
                shown.add((direction, label))
                values += [curve, theory_curves[label]]
        for key, pair in self.lines.items():
            for line in pair:
                line.set_visible(key in shown)
        legend_labels = tuple(profile.forward)
        if self.legend_labels != legend_labels:
            for direction, ax in enumerate(self.axes):
                handles = [
                    line for label in legend_labels for line in self.lines[(direction, label)]
                ]
                ax.legend(handles=handles, fontsize=8, loc="upper left")
            self.legend_labels = legend_labels
        everything = np.abs(np.log10(np.concatenate(values)))
        reach = float(everything[np.isfinite(everything)].max(initial=0.0))
        low, high = next((r for r in _STD_RANGES if reach <= np.log10(r[1])), _STD_RANGES[-1])
        bucket = next(b for b in _DEPTH_BUCKETS if depth <= b)
        for ax in self.axes:
            ax.set_ylim(low, high)
            ax.set_xlim(0.5, bucket + 0.5)
        self.title.set_text(
            f"LeakyReLU slope {negative_slope:g}, widths alternating 100/300, depth {depth}"
        )
        self.limits = (low, bucket, legend_labels)


#: Samples the widget pushes through (the chapter's figures use 500; fewer answer faster).
WIDGET_SAMPLES = 64


def he_depth_update(
    fig: Figure, depth: int, negative_slope: float, mode: str, n_samples: int = 500
) -> dict:
    """Chapter 5's :func:`lib.propagation.he_vs_xavier_by_depth`, drawn: measured stds per
    layer, forward and backward, with :mod:`lib.theory` dashed. Returns the measured stds."""
    profile = propagation.he_vs_xavier_by_depth(depth, negative_slope, mode, n_samples=n_samples)
    attached_view(fig, HeDepthView).show(profile, depth, negative_slope)
    return {"forward": profile.forward, "backward": profile.backward}


def he_depth_widget() -> ipywidgets.VBox:
    """Controls: depth, negative slope and He's mode."""
    controls = [
        Control(
            "depth",
            "depth",
            lambda: ipywidgets.IntSlider(value=10, min=2, max=MAX_DEPTH, description="depth"),
            10,
            DEPTH_GRID,
        ),
        Control(
            "negative_slope",
            "slope",
            lambda: ipywidgets.FloatSlider(
                value=0.0, min=0.0, max=1.0, step=0.05, description="slope"
            ),
            0.0,
            SLOPE_GRID,
        ),
        Control(
            "mode",
            "mode",
            lambda: ipywidgets.ToggleButtons(options=MODES, value="fan_in", description="mode"),
            "fan_in",
            MODES,
        ),
    ]
    return interactive_figure(
        lambda fig, **values: he_depth_update(fig, n_samples=WIDGET_SAMPLES, **values),
        controls,
        figsize=(9.5, 3.6),
    )
