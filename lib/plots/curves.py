"""Lines: std per layer, training curves with seed bands, nudged twins."""

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from lib import stats
from lib.plots._base import (
    _THEORY_SUFFIX,
    _finish,
    _finite_limits,
    _masked_for_log,
    _say_no_finite_values,
    _single_axes,
    _styled,
)
from lib.validation import (
    as_curves,
    as_float_array,
    as_positive,
    as_run_tables,
    check_choice,
    check_text,
    positive_int,
)

# --- curves ---------------------------------------------------------------------------------


@_styled
def std_by_depth(
    curves: Mapping[str, Sequence[float]],
    theory: Mapping[str, Sequence[float]] | None = None,
    *,
    ylabel: str = "standard deviation",
    xlabel: str = "layer",
    title: str | None = None,
    ax=None,
) -> Figure:
    """Per-layer standard deviation against depth (layer 1..L) on a log scale.

    ``curves`` maps a label to the measured std of layers 1..L (lines with markers); ``theory``
    maps a label to predicted values (dashed lines, same colour as the measured curve of the same
    label), e.g. for ReLU ``Var[y_L] = Var[y_1] * prod_{l=2..L} n_l * Var[w_l] / 2``
    (He et al. 2015, eq. 10; plot its square root, the std).
    Non-positive and non-finite values are left out of the log-scale plot. ``xlabel`` names
    the depth axis ("block" for a residual stack).
    """
    measured = as_curves(curves, "curves")
    predicted = {} if theory is None else as_curves(theory, "theory")
    check_text(ylabel, "ylabel", optional=False)
    check_text(xlabel, "xlabel", optional=False)
    check_text(title, "title")
    redrawn = ax is not None
    fig, ax = _single_axes(ax, 4.2)
    series = [(label, curve, False) for label, curve in measured.items()]
    series += [(label, curve, True) for label, curve in predicted.items()]
    colors = {}
    any_finite = False
    for label, curve, is_theory in series:
        shown = _masked_for_log(curve)
        depth = np.arange(1, curve.size + 1)
        if is_theory:
            same_color = {"color": colors[label]} if label in colors else {}
            ax.plot(depth, shown, linestyle="--", label=label + _THEORY_SUFFIX, **same_color)
        else:
            (line,) = ax.plot(depth, shown, marker="o", label=label)
            colors[label] = line.get_color()
        any_finite |= bool(np.isfinite(shown).any())
    if any_finite:
        ax.set_yscale("log")
    else:
        _say_no_finite_values(ax)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title or "Standard deviation by depth")
    ax.legend()
    return _finish(fig, redrawn)


@_styled
def training_curves(
    histories: Mapping[str, Sequence],
    *,
    ylabel: str = "loss",
    xlabel: str = "step",
    x: Sequence[float] | None = None,
    smooth: int | None = None,
    band: str = "minmax",
    logy: bool = False,
    title: str | None = None,
    ax=None,
) -> Figure:
    """Training curves: one line per setting, the mean over seeds with a shaded band.

    ``histories`` maps a label to one run (a sequence of values per step) or several runs of
    equal length (one per seed). The line is the mean over seeds and the band spans their
    ``band="minmax"`` range or ``band="std"`` mean -/+ std (:func:`lib.stats.across_seeds`);
    ``smooth=k`` first averages each run over a trailing window of ``k`` steps
    (:func:`lib.stats.moving_average`). ``x`` gives the steps' positions (default 0, 1, ...).
    A diverged run (``nan``/``inf``) drops out where it stops being finite.

    >>> import numpy as np
    >>> runs = {"He": [np.linspace(2.3, 0.5, 20), np.linspace(2.3, 0.6, 20)]}
    >>> fig = training_curves(runs, title="loss")
    >>> fig.axes[0].get_legend().get_texts()[0].get_text()
    'He (2 seeds)'
    """
    check_choice(band, stats.BANDS, "band")
    if smooth is not None:
        positive_int("smooth", smooth)
    tables, x = as_run_tables(histories, x)
    check_text(ylabel, "ylabel", optional=False)
    check_text(xlabel, "xlabel", optional=False)
    check_text(title, "title")
    redrawn = ax is not None
    fig, ax = _single_axes(ax, 4.2)
    any_finite = False
    for label, table in tables.items():
        if smooth is not None:
            table = np.array([stats.moving_average(run, smooth) for run in table])
        summary = stats.across_seeds(table, band)
        steps = np.arange(table.shape[1]) if x is None else x
        mean, lower, upper = summary.mean, summary.lower, summary.upper
        if logy:
            mean, lower, upper = (_masked_for_log(curve) for curve in (mean, lower, upper))
        n_seeds = summary.n_seeds
        name = label if n_seeds == 1 else f"{label} ({n_seeds} seeds)"
        (line,) = ax.plot(steps, mean, label=name)
        if n_seeds > 1:
            ax.fill_between(steps, lower, upper, color=line.get_color(), alpha=0.2, linewidth=0)
        any_finite |= bool(np.any(np.isfinite(mean)))
    if logy and any_finite:
        ax.set_yscale("log")
    if not any_finite:
        _say_no_finite_values(ax)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title or f"{ylabel[:1].upper()}{ylabel[1:]} during training")
    ax.legend()
    return _finish(fig, redrawn)


@_styled
def nudged_twins(
    pairs: Mapping[str, tuple[Sequence[float], Sequence[float]]],
    *,
    value: str = "test accuracy",
    nudge: float = 1e-12,
    title: str | None = None,
    ax=None,
) -> Figure:
    """Each seed's result from the drawn weights (x) against its twin from nudged weights (y).

    ``pairs`` maps a label to two equal-length sequences, one value per seed: the runs from the
    drawn weights and from the weights nudged by ``nudge`` (relative), as in
    :class:`lib.comparison.ChaosTest`. A stable setting puts every seed on the diagonal; a
    chaotic one scatters them, because the nudge, like another CPU's rounding, sends training
    elsewhere.
    """
    if not isinstance(pairs, Mapping) or len(pairs) == 0:
        raise ValueError(f"pairs must map a label to (values, nudged values), got {pairs!r:.80}")
    checked = {}
    for label, pair in pairs.items():
        if not isinstance(pair, Sequence) or len(pair) != 2:
            raise ValueError(f"pairs[{label!r}] must be (values, nudged values), got {pair!r:.80}")
        drawn, nudged = (as_float_array(v, f"pairs[{label!r}]") for v in pair)
        if drawn.ndim != 1 or drawn.shape != nudged.shape or drawn.size == 0:
            raise ValueError(
                f"pairs[{label!r}] must hold two 1-D sequences of equal length, got shapes "
                f"{drawn.shape} and {nudged.shape}"
            )
        checked[str(label)] = (drawn, nudged)
    check_text(value, "value", optional=False)
    nudge = as_positive("nudge", nudge)
    check_text(title, "title")
    redrawn = ax is not None
    fig, ax = _single_axes(ax, 4.6)
    everything = np.concatenate([np.concatenate(pair) for pair in checked.values()])
    low, high = _finite_limits(everything)
    ax.plot([low, high], [low, high], color="0.5", linestyle="--", linewidth=1.0, label="y = x")
    for (label, (drawn, nudged)), marker in zip(checked.items(), "osD^v<>", strict=False):
        ax.plot(
            drawn,
            nudged,
            marker,
            linestyle="none",
            alpha=0.75,
            label=f"{label} ({drawn.size} seeds)",
        )
    margin = 0.05 * (high - low)
    ax.set_xlim(low - margin, high + margin)
    ax.set_ylim(low - margin, high + margin)
    ax.set_xlabel(f"{value}, drawn weights")
    ax.set_ylabel(f"{value}, weights nudged by {nudge:g}")
    ax.set_title(title or f"Does a nudge of {nudge:g} change the {value}?")
    ax.legend(loc="upper left")
    return _finish(fig, redrawn)
