"""Chapter 7: one cell of the activation x initializer grid, its training and its start."""

import ipywidgets
import numpy as np
from matplotlib.figure import Figure

from lib import stats
from lib.comparison import GridResult
from lib.data import Dataset
from lib.network import MLP
from lib.widgets._frame import Control, View, attached_view, interactive_figure
from lib.widgets._scales import log_band, plain_log_axis

#: Steps averaged in the loss curves (the mini-batch loss is noisy).
SMOOTH = 10


class ComparisonView(View):
    """Left: the smoothed training loss of every init for the chosen activation (the chosen
    init bold, its seeds thin); right: the std of each hidden layer's activations at step 0."""

    def __init__(self, fig: Figure, inits: tuple[str, ...], n_seeds: int, n_steps: int, depth: int):
        super().__init__(fig)
        fig.set_layout_engine("constrained")
        self.loss_ax, self.std_ax = fig.subplots(1, 2, width_ratios=(1.6, 1))
        steps = np.arange(n_steps)
        self.init_lines = [
            self.loss_ax.plot(steps, np.ones(n_steps), lw=1.2, color=f"C{i % 7}", label=label)[0]
            for i, label in enumerate(inits)
        ]
        self.loss_ax.legend(handles=self.init_lines, fontsize=8, loc="lower left", ncols=2)
        self.seed_lines = [
            self.loss_ax.plot(steps, np.ones(n_steps), lw=0.8, color="0.4")[0]
            for _ in range(n_seeds)
        ]
        self.loss_ax.set_xlabel("SGD step")
        self.loss_ax.set_ylabel(f"training loss (mean of {SMOOTH} steps)")
        self.loss_ax.set_xlim(0, n_steps - 1)
        self.loss_ax.axhline(np.log(10), color="0.5", ls=":", lw=1)
        layers = np.arange(1, depth + 1)
        (self.std_line,) = self.std_ax.plot(layers, np.ones(depth), marker="o")
        plain_log_axis(self.std_ax)
        self.std_ax.set_xlim(0.5, depth + 0.5)
        self.std_ax.set_xlabel("hidden layer")
        self.std_ax.set_title("activation std at step 0 (test digits)")
        self.title = fig.suptitle("", fontsize=11)
        self.texts = [self.title]
        self.dynamic = [*self.init_lines, *self.seed_lines, self.std_line]


def comparison_update(
    fig: Figure, grid: GridResult, data: Dataset, layer_sizes, activation: str, init: str
) -> dict:
    """Draw cell ``(activation, init)`` of ``grid`` (a :func:`lib.comparison.run_grid` result
    with its ``loss``): the training loss of every init for that activation, the chosen one
    bold, and the per-layer activation std of the seed-0 network at step 0. Returns the
    cell's test accuracies and whether any seed diverged or is chaotic."""
    row, col = grid.activations.index(activation), grid.inits.index(init)
    n_seeds, n_steps = grid.loss.shape[2:]
    depth = len(layer_sizes) - 2
    view = attached_view(
        fig, ComparisonView, inits=grid.inits, n_seeds=n_seeds, n_steps=n_steps, depth=depth
    )
    for j, line in enumerate(view.init_lines):
        line.set_ydata(
            stats.across_seeds(
                [stats.moving_average(run, SMOOTH) for run in grid.loss[row, j]]
            ).mean
        )
        line.set_linewidth(2.6 if j == col else 1.0)
        line.set_alpha(1.0 if j == col else 0.35)
    for line, run in zip(view.seed_lines, grid.loss[row, col], strict=True):
        line.set_ydata(stats.moving_average(run, SMOOTH))
    net = MLP(layer_sizes, activation, grid.init_specs[col], rng=0)
    try:
        hidden = net.forward(data.x_test).activations[:-1]
        stds = np.array([h.std() for h in hidden])
    except FloatingPointError:
        stds = np.full(depth, np.inf)
    view.std_line.set_ydata(np.where((stds > 0) & np.isfinite(stds), stds, np.nan))
    finite = grid.loss[row][np.isfinite(grid.loss[row])]
    top = float(np.ceil(max(finite.max(initial=2.4), 2.4) * 2) / 2)
    view.loss_ax.set_ylim(0, min(top, 8.0))
    band = log_band(stds)
    view.std_ax.set_ylim(*band)
    view.limits = (min(top, 8.0), band)
    accuracy = grid.test_accuracy[row, col]
    marks = []
    if grid.diverged[row, col].any():
        marks.append("a seed diverged")
    if grid.chaotic is not None and grid.chaotic[row, col].any():
        marks.append("chaotic: the accuracy differs by machine")
    view.title.set_text(
        f"{activation} with {init}: test accuracy "
        + ", ".join(f"{a:.3f}" for a in accuracy)
        + (f" ({'; '.join(marks)})" if marks else "")
    )
    return {"test_accuracy": accuracy.tolist(), "marks": marks}


def comparison_widget(grid: GridResult, data: Dataset, layer_sizes) -> ipywidgets.VBox:
    """Controls: the activation and the initializer of the grid cell to draw (every cell of
    the grid, in a kernel and on the site alike)."""
    init = "he_normal" if "he_normal" in grid.inits else grid.inits[0]
    controls = [
        Control(
            "activation",
            "activation",
            lambda: ipywidgets.Dropdown(
                options=grid.activations, value=grid.activations[0], description="activation"
            ),
            grid.activations[0],
            grid.activations,
        ),
        Control(
            "init",
            "init",
            lambda: ipywidgets.Dropdown(options=grid.inits, value=init, description="init"),
            init,
            grid.inits,
        ),
    ]
    return interactive_figure(
        lambda fig, **values: comparison_update(fig, grid, data, layer_sizes, **values),
        controls,
        figsize=(9.5, 3.6),
    )
