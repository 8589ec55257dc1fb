r"""How a layer changes the spread of its signal, one step at a time (chapters 2 and 4).

:func:`variance_flow` draws layer 1 of a :func:`lib.propagation.propagate` run as four
histograms joined by arrows: the inputs :math:`x_i`, one product :math:`w_i x_i`, their sum
:math:`z = \sum_{i=1}^{n} w_i x_i` and the output :math:`h = f(z)`, each with its measured
std and, for the two linear steps, the std the variance of a sum predicts:
:math:`\operatorname{std}(w x) = \operatorname{std}(w)\,\operatorname{rms}(x)` and
:math:`\operatorname{std}(z) = \sqrt{n}\,\operatorname{std}(w)\,\operatorname{rms}(x)`
(LeCun et al. 1998; Glorot & Bengio 2010, eq. 5).
"""

import math
from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import ConnectionPatch

from lib.plots._base import COLORS, _finish, _new_axes, _styled, format_value
from lib.propagation import Propagation
from lib.validation import check_text

_BINS = 60
#: The panel's height over its tallest bar: room for the text above the histogram.
_HEADROOM = 1.7
_STEPS = ("input x", "one term wᵢxᵢ", "sum z = Σ wᵢxᵢ", "output h")


def _checked_runs(runs) -> dict[str, Propagation]:
    if isinstance(runs, Propagation):
        return {"": runs}
    if not isinstance(runs, Mapping) or not runs:
        raise ValueError(
            "runs must be a propagate() result or a non-empty dict {label: propagate() result}, "
            f"got {type(runs).__name__}"
        )
    for label, run in runs.items():
        check_text(label, "each label of runs", optional=False)
        if not isinstance(run, Propagation):
            raise ValueError(
                f"runs[{label!r}] must be a lib.propagation.propagate() result, "
                f"got {type(run).__name__}"
            )
    return dict(runs)


def _steps(run: Propagation) -> tuple[list[np.ndarray], list[str]]:
    """The four arrays of layer 1 and the text written in each panel."""
    x, w, z, h = run.inputs, run.weights[0], run.pre_activations[0], run.activations[0]
    n_in = w.shape[0]
    # Sample s's terms into unit s mod n_out, so that every drawn weight appears.
    terms = x * w[:, np.arange(x.shape[0]) % w.shape[1]].T
    rms_x, std_w = math.sqrt(float(np.mean(x**2))), float(w.std())
    texts = [
        f"std {format_value(float(x.std()))}\n(n = {n_in} inputs)",
        f"std {format_value(float(terms.std()))}\n"
        f"predicted std(w)·rms(x)\n= {format_value(std_w * rms_x)}",
        f"std {format_value(float(z.std()))}\n"
        f"predicted √{n_in}·std(w)·rms(x)\n= {format_value(math.sqrt(n_in) * std_w * rms_x)}",
        f"std {format_value(float(h.std()))}\nmean {format_value(float(h.mean()))}",
    ]
    return [x, terms, z, h], texts


def _arrow(fig, left, right):
    """An arrow from the right edge of ``left`` to the left edge of ``right``."""
    fig.add_artist(
        ConnectionPatch(
            xyA=(1.0, 0.5),
            coordsA=left.transAxes,
            xyB=(0.0, 0.5),
            coordsB=right.transAxes,
            arrowstyle="-|>",
            color="0.35",
            lw=1.5,
            mutation_scale=14,
        )
    )


@_styled
def variance_flow(runs, *, activation: str = "f", title: str | None = None) -> Figure:
    r"""Layer 1 of each run as four histograms: inputs, one term, their sum, the output.

    ``runs`` is a :func:`lib.propagation.propagate` result or a dict ``{label: result}``
    (one row each, the label on the left); ``activation`` names :math:`f` in the last panel's
    title. Each panel prints its measured std; the term and the sum print the std that the
    variance of a sum predicts from the drawn weights, so a reader sees where the factor
    :math:`\sqrt{n}` comes in.

    >>> from lib.propagation import propagate
    >>> fig = variance_flow(propagate(0.1, "tanh", depth=1, rng=0), activation="tanh")
    >>> [ax.get_title() for ax in fig.axes]
    ['input x', 'one term wᵢxᵢ', 'sum z = Σ wᵢxᵢ', 'output h = tanh(z)']
    """
    checked = _checked_runs(runs)
    check_text(activation, "activation", optional=False)
    check_text(title, "title")
    fig, axes = _new_axes(4 * len(checked), 4, 2.3)
    fig.get_layout_engine().set(wspace=0.09)
    for row, (label, run) in enumerate(checked.items()):
        row_axes = axes[4 * row : 4 * row + 4]
        values, texts = _steps(run)
        for col, (ax, data, text) in enumerate(zip(row_axes, values, texts, strict=True)):
            finite = data[np.isfinite(data)]
            ax.hist(finite, bins=_BINS, density=True, color=COLORS[col // 3], alpha=0.8)
            ax.set_ylim(0.0, ax.get_ylim()[1] * _HEADROOM)
            ax.text(
                0.03,
                0.97,
                text,
                transform=ax.transAxes,
                va="top",
                fontsize=9,
                bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.8"},
            )
            ax.set_yticks([])
            if row == 0:
                ax.set_title(f"output h = {activation}(z)" if col == 3 else _STEPS[col])
            if row == len(checked) - 1:
                ax.set_xlabel(("x", "wᵢxᵢ", "z", "h")[col])
        row_axes[0].set_ylabel(f"{label}\ndensity" if label else "density")
        for left, right in zip(row_axes[:-1], row_axes[1:], strict=True):
            _arrow(fig, left, right)
    if title:
        fig.suptitle(title)
    return _finish(fig, redrawn=False)
