"""Chapter 1: a network started from a constant, with and without symmetry-breaking noise."""

import ipywidgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from lib import plots, symmetry
from lib.data import Dataset
from lib.widgets._frame import Control, View, attached_view, interactive_figure
from lib.widgets._scales import nice_ceiling

#: Noise levels the slider offers (the static site precomputes every one).
NOISE_LEVELS = (0.0, 1e-6, 1e-4, 1e-3, 1e-2, 1e-1)
#: Constant start values and epochs the static site precomputes.
VALUE_GRID = (-0.25, 0.0, 0.05, 0.25)
EPOCH_GRID = (1, 3, 10)


class SymmetryView(View):
    """The hidden weights as an image (left, colour scale centred at 0) and each unit's
    distance from the mean unit (right), artists made once for ``shape`` weights."""

    def __init__(self, fig: Figure, shape: tuple[int, int]):
        super().__init__(fig)
        fig.set_layout_engine("constrained")
        self.image_ax, self.bars_ax = fig.subplots(1, 2, width_ratios=(2, 1))
        self.image_ax.grid(False)
        self.image = self.image_ax.imshow(
            np.zeros(shape), cmap="RdBu_r", vmin=-1.0, vmax=1.0, aspect="auto"
        )
        self.colorbar = fig.colorbar(self.image, cax=self.image_ax.inset_axes((1.03, 0, 0.04, 1)))
        self.colorbar.set_label("weight")
        self.image_ax.set_xlabel("output unit (column of W)")
        self.image_ax.set_ylabel("input unit (row of W)")
        self.image_ax.set_title("Hidden weights W[0]")
        self.image_ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        self.bars = self.bars_ax.bar(np.arange(shape[1]), np.zeros(shape[1]), color=plots.COLORS[0])
        self.bars_ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        self.bars_ax.set_xlabel("hidden unit")
        self.bars_ax.set_ylabel("distance from the mean unit")
        self.bars_ax.set_title("Unit spread")
        self.title = fig.suptitle("", fontsize=11)
        self.dynamic = [self.image, *self.bars]
        self.texts = [self.title]

    def show(self, run: symmetry.SymmetryRun, value: float, noise: float, epochs: int) -> None:
        weights = run.hidden_weights
        extent = nice_ceiling(float(np.abs(weights).max()) or 1.0)
        self.image.set_data(weights)
        self.image.set_clim(-extent, extent)
        distances = symmetry.unit_distances(weights)
        for bar, distance in zip(self.bars, distances, strict=True):
            bar.set_height(distance)
        top = nice_ceiling(float(distances.max()) * 1.1) if distances.max() > 0 else 1.0
        self.bars_ax.set_ylim(0, top)
        self.title.set_text(
            f"start {value:g} + {noise:g}·N(0,1), {epochs} epochs: spread {run.spread:.3f}, "
            f"rank {run.rank}, test accuracy {run.test_accuracy:.3f}"
        )
        self.limits = (extent, top)


#: The epochs slider's end: each (value, noise) is trained this long once, in a widget.
MAX_EPOCHS = 10


def symmetry_update(
    fig: Figure,
    data: Dataset,
    value: float,
    noise: float,
    epochs: int,
    cache: dict | None = None,
) -> dict:
    """Train from ``value + noise * N(0, 1)`` for ``epochs``; draw the hidden weights and spread.

    Left: the hidden weight matrix (one column per hidden unit) as an image. Right: each unit's
    distance from the average unit. Returns the spread, rank and test accuracy. With a
    ``cache`` dict each ``(value, noise)`` is trained once for :data:`MAX_EPOCHS` epochs
    (:func:`lib.symmetry.runs_by_epoch`) and later calls pick the epoch.
    """
    if cache is None:
        run = symmetry.train_from_constant(data, value, noise, epochs=epochs, lr=0.5)
    else:
        if (value, noise) not in cache:
            cache[value, noise] = symmetry.runs_by_epoch(
                data, value, noise, epochs=MAX_EPOCHS, lr=0.5
            )
        run = cache[value, noise][epochs - 1]
    view = attached_view(fig, SymmetryView, shape=run.hidden_weights.shape)
    view.show(run, value, noise, epochs)
    return {"spread": run.spread, "rank": run.rank, "test_accuracy": run.test_accuracy}


def symmetry_widget(data: Dataset) -> ipywidgets.VBox:
    """Sliders: the constant start value, the symmetry-breaking noise and the epochs."""
    controls = [
        Control(
            "value",
            "constant",
            # A new start trains 10 epochs (about 0.1 s): update on release, not while dragged.
            lambda: ipywidgets.FloatSlider(
                value=0.05,
                min=-0.5,
                max=0.5,
                step=0.05,
                description="constant",
                continuous_update=False,
            ),
            0.05,
            VALUE_GRID,
        ),
        Control(
            "noise",
            "noise std",
            lambda: ipywidgets.SelectionSlider(
                options=[(f"{level:g}", level) for level in NOISE_LEVELS],
                value=0.0,
                description="noise std",
                continuous_update=False,
            ),
            0.0,
            NOISE_LEVELS,
        ),
        Control(
            "epochs",
            "epochs",
            lambda: ipywidgets.IntSlider(value=3, min=1, max=MAX_EPOCHS, description="epochs"),
            3,
            EPOCH_GRID,
        ),
    ]
    cache = {}
    return interactive_figure(
        lambda fig, **values: symmetry_update(fig, data, cache=cache, **values),
        controls,
        figsize=(9.5, 3.6),
    )
