"""Chapter 8: the std of a residual stream block by block, with and without the usual fixes."""

import ipywidgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from lib import residual
from lib.validation import check_choice
from lib.widgets._frame import Control, View, attached_view, interactive_figure

#: Deepest stack the slider offers; depths the static site precomputes.
MAX_BLOCKS = 50
BLOCK_GRID = (5, 10, 20, 50)
#: What the menu offers: a label, and the options of lib.residual it stands for.
FIXES = {
    "none": {},
    "GPT-2 scale 1/sqrt(L)": {"branch_scale": "gpt2"},
    "zero last layer (Fixup)": {"branch_scale": "zero"},
    "ReZero gate": {"gate": "rezero"},
    "pre-LN": {"norm": "pre_ln"},
    "pre-LN + GPT-2 scale": {"norm": "pre_ln", "branch_scale": "gpt2"},
}
#: The stream's width: narrower than the chapter's 256, so that a 50-block update stays fast.
WIDTH = 128
#: Samples the widget pushes through: 64 x 128 values give each std to about 2%.
WIDGET_SAMPLES = 64
#: The std axis spans these ranges in turn (log scale): few backgrounds to draw.
_STD_RANGES = ((0.3, 30.0), (0.1, 1e4), (0.1, 1e8), (0.1, 1e13))
_BLOCK_BUCKETS = (10, 20, 50)


class ResidualView(View):
    """One log-scale panel: the stream's measured std per block (markers) and the closed form
    (dashed), made once with :data:`MAX_BLOCKS` points."""

    def __init__(self, fig: Figure):
        super().__init__(fig)
        fig.set_layout_engine("constrained")
        self.ax = fig.subplots()
        self.ax.set_yscale("log")
        self.ax.set_xlabel("block k")
        self.ax.set_ylabel("std of the stream h_k")
        self.ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        blocks = np.arange(MAX_BLOCKS + 1)
        (self.measured,) = self.ax.plot(
            blocks, np.ones(MAX_BLOCKS + 1), marker="o", ms=3, label="measured"
        )
        (self.theory,) = self.ax.plot(
            blocks, np.ones(MAX_BLOCKS + 1), ls="--", color="C1", label="closed form"
        )
        self.ax.legend(loc="upper left")
        self.dynamic = [self.measured, self.theory]
        self.title = fig.suptitle("", fontsize=11)
        self.summary = self.ax.text(
            0.98, 0.04, "", transform=self.ax.transAxes, ha="right", va="bottom", fontsize=9
        )
        self.texts = [self.title, self.summary]

    def show(self, measured: residual.StreamStds, theory: residual.StreamStds, fix: str) -> None:
        n_blocks = len(measured.stream) - 1
        blocks = np.arange(n_blocks + 1)
        self.measured.set_data(blocks, measured.stream)
        self.theory.set_data(blocks, theory.stream)
        reach = float(np.log10(max(measured.stream.max(), theory.stream.max())))
        low, high = next((r for r in _STD_RANGES if reach <= np.log10(r[1])), _STD_RANGES[-1])
        bucket = next(b for b in _BLOCK_BUCKETS if n_blocks <= b)
        self.ax.set_ylim(low, high)
        self.ax.set_xlim(-0.5, bucket + 0.5)
        self.title.set_text(f"{n_blocks} residual blocks of width {WIDTH}, He branches: {fix}")
        self.summary.set_text(
            f"std after block {n_blocks}: {measured.stream[-1]:.3g} "
            f"(closed form {theory.stream[-1]:.3g})"
        )
        self.limits = (low, bucket)


def residual_update(fig: Figure, n_blocks: int, fix: str, n_samples: int = 500) -> dict:
    """Chapter 8's :func:`lib.residual.residual_stream_stds` drawn with its closed form
    :func:`lib.residual.stream_std_theory`, for one of :data:`FIXES`. Returns both curves."""
    check_choice(fix, tuple(FIXES), "fix")
    options = FIXES[fix]
    measured = residual.residual_stream_stds(n_blocks, WIDTH, n_samples=n_samples, rng=0, **options)
    theory = residual.stream_std_theory(n_blocks, WIDTH, **options)
    attached_view(fig, ResidualView).show(measured, theory, fix)
    return {"measured": measured.stream, "theory": theory.stream}


def residual_widget() -> ipywidgets.VBox:
    """Controls: the number of blocks and the fix."""
    controls = [
        Control(
            "n_blocks",
            "blocks",
            lambda: ipywidgets.IntSlider(value=20, min=1, max=MAX_BLOCKS, description="blocks"),
            20,
            BLOCK_GRID,
        ),
        Control(
            "fix",
            "fix",
            lambda: ipywidgets.Dropdown(options=tuple(FIXES), value="none", description="fix"),
            "none",
            tuple(FIXES),
        ),
    ]
    return interactive_figure(
        lambda fig, **values: residual_update(fig, n_samples=WIDGET_SAMPLES, **values),
        controls,
        figsize=(9.5, 3.8),
    )
