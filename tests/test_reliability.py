"""Reliability: extreme settings, determinism and bad input.

- Every widget's update function at extreme settings (weight std 1e-6 and 100, depth 50,
  width 1, every activation x initializer pair) raises nothing, warns nothing (pytest turns
  warnings into errors) and never draws NaN silently: what it returns is finite, or it returns
  a ``message`` and the figure shows that message. The PNG is rendered too.
- Determinism: the same update twice gives the same numbers and the same PNG; a notebook run
  twice in fresh kernels prints the same text (the full three-run check of the notebook suite is
  ``python -m bench.determinism``, too slow for every CI run).
- Bad input: a table of calls to ``lib``'s public functions with wrong arguments, each of which
  must raise ValueError or TypeError from ``lib`` itself, naming the argument.
"""

import math
import re
import traceback
from pathlib import Path

import nbformat
import numpy as np
import pytest
from matplotlib.figure import Figure
from nbclient import NotebookClient

from lib import (
    activations,
    comparison,
    initializers,
    network,
    propagation,
    stats,
    symmetry,
    theory,
    widgets,
)
from lib.data import load_digits

ROOT = Path(__file__).resolve().parent.parent
ACTIVATIONS = list(widgets.ACTIVATION_PARAMS)
EXTREMES = [  # (std, depth, width)
    (1e-6, 5, 100),
    (100.0, 5, 100),
    (1.0, 5, 1),
    (1.0, 50, 100),
]


def _numbers(value):
    """Every float in a (nested) dict / list of numbers."""
    if isinstance(value, dict):
        return [x for item in value.values() for x in _numbers(item)]
    if isinstance(value, list | tuple | np.ndarray):
        return [x for item in value for x in _numbers(item)]
    if isinstance(value, int | float | np.number):
        return [float(value)]
    return []


def _assert_drawn_honestly(fig: Figure, result: dict) -> None:
    """Either every number drawn is finite, or the figure shows the returned message."""
    png = widgets.render_png(fig)
    assert png.startswith(b"\x89PNG")
    if "message" in result:
        assert result["message"], "an empty message"
        assert any(result["message"] in text.get_text() for text in fig.texts)
        return
    numbers = _numbers(result)
    assert numbers, "the update returned no numbers"
    assert all(math.isfinite(x) for x in numbers), f"non-finite numbers drawn: {result}"


@pytest.fixture(scope="module")
def digits():
    return load_digits()


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize(("std", "depth", "width"), EXTREMES)
def test_propagation_widget_survives_extreme_settings(activation, std, depth, width):
    fig = Figure(figsize=(9.5, 3.8))
    result = widgets.propagation_update(
        fig, std=std, depth=depth, width=width, activation=activation, n_samples=100
    )
    _assert_drawn_honestly(fig, result)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("init", widgets.INIT_CHOICES)
def test_init_widget_survives_every_activation_init_pair(activation, init):
    """At the slider's deepest and narrowest setting."""
    fig = Figure(figsize=(9.5, 3.8))
    result = widgets.init_propagation_update(
        fig, init=init, activation=activation, depth=10, width=10, n_samples=100
    )
    _assert_drawn_honestly(fig, result)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("input_std", [1e-6, 0.1, 10.0, 100.0])
def test_activation_widget_survives_extreme_inputs(activation, input_std):
    spec = widgets.ACTIVATION_PARAMS[activation]
    for param in spec[2] if spec else (0.0,):
        fig = Figure(figsize=(9.5, 3.4))
        result = widgets.activation_update(fig, activation, param, input_std)
        _assert_drawn_honestly(fig, result)


@pytest.mark.parametrize("depth", [2, 50])
@pytest.mark.parametrize("negative_slope", [0.0, 1.0])
@pytest.mark.parametrize("mode", ["fan_in", "fan_out"])
def test_he_depth_widget_survives_extreme_settings(depth, negative_slope, mode):
    fig = Figure(figsize=(9.5, 3.8))
    result = widgets.he_depth_update(fig, depth, negative_slope, mode)
    _assert_drawn_honestly(fig, result)


@pytest.mark.parametrize(("value", "noise"), [(0.5, 0.0), (-0.5, 0.1), (100.0, 0.0), (0.0, 1e-6)])
def test_symmetry_widget_survives_extreme_starts(digits, value, noise):
    fig = Figure(figsize=(9.5, 3.6))
    result = widgets.symmetry_update(fig, digits, value=value, noise=noise, epochs=1)
    _assert_drawn_honestly(fig, result)


# --- determinism ------------------------------------------------------------------------------


def test_a_widget_update_is_deterministic():
    pngs, results = [], []
    for _ in range(2):
        fig = Figure(figsize=(9.5, 3.8))
        results.append(
            widgets.propagation_update(fig, std=0.5, depth=5, width=50, activation="tanh")
        )
        pngs.append(widgets.render_png(fig))
    assert results[0] == results[1]
    assert pngs[0] == pngs[1]


def _text_outputs(path: Path) -> list[str]:
    """Per code cell, everything it printed and every text result, in order.

    Streams are joined per cell: how a kernel splits one print into messages varies by timing.
    """
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": path.parent}}
    ).execute()
    return [
        "".join(
            output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
            for output in cell.outputs
        )
        for cell in notebook.cells
        if cell.cell_type == "code"
    ]


def test_a_notebook_prints_the_same_text_when_run_twice():
    """Chapter 3 (the quickest) in two fresh kernels; nbval compares each run to the commit."""
    path = ROOT / "chapters" / "03_activations.ipynb"
    assert _text_outputs(path) == _text_outputs(path)


# --- bad input --------------------------------------------------------------------------------


def _fig():
    return Figure()


#: (call, expected message pattern). Each call passes one wrong argument and must raise
#: ValueError or TypeError whose message matches (naming the argument or what is allowed).
BAD_INPUT = {
    "initializers.as_rng('seed')": (lambda: initializers.as_rng("seed"), r"rng"),
    "initializers.fans((3,))": (lambda: initializers.fans((3,)), r"shape"),
    "initializers.fans((3, 0))": (lambda: initializers.fans((3, 0)), r"shape"),
    "initializers.gain('swish')": (lambda: initializers.gain("swish"), r"swish"),
    "initializers.normal(std=-1)": (lambda: initializers.normal((3, 4), std=-1.0), r"std"),
    "initializers.uniform(low>high)": (
        lambda: initializers.uniform((3, 4), low=1.0, high=-1.0),
        r"low|high",
    ),
    "initializers.constant(value=nan)": (
        lambda: initializers.constant((3, 4), float("nan")),
        r"value",
    ),
    "initializers.xavier_normal(gain=0)": (
        lambda: initializers.xavier_normal((3, 4), gain=0.0),
        r"gain",
    ),
    "initializers.he_normal(mode='fan_avg')": (
        lambda: initializers.he_normal((3, 4), mode="fan_avg"),
        r"mode",
    ),
    "initializers.orthogonal(shape=(3,))": (
        lambda: initializers.orthogonal((3,)),
        r"shape",
    ),
    "initializers.get('glorot')": (lambda: initializers.get("glorot"), r"glorot"),
    "initializers.std_of('zeros', ...)": (
        lambda: initializers.std_of("nonexistent", (3, 4)),
        r"nonexistent",
    ),
    "activations.get('swish')": (lambda: activations.get("swish"), r"swish"),
    "activations.get('elu', alpha=-1)": (
        lambda: activations.get("elu", alpha=-1.0),
        r"alpha",
    ),
    "activations.response(input_std=0)": (
        lambda: activations.response("tanh", input_std=0.0),
        r"input_std",
    ),
    "activations.response(n_samples=0)": (
        lambda: activations.response("tanh", n_samples=0),
        r"n_samples",
    ),
    "network.MLP(layer_sizes=[64])": (lambda: network.MLP([64]), r"layer_sizes"),
    "network.MLP(activation='swish')": (
        lambda: network.MLP([4, 3, 2], activation="swish"),
        r"swish",
    ),
    "network.MLP(init='glorot')": (lambda: network.MLP([4, 3, 2], init="glorot"), r"glorot"),
    "MLP.forward(x of the wrong width)": (
        lambda: network.MLP([4, 3, 2], rng=0).forward(np.ones((5, 3))),
        r"x",
    ),
    "MLP.forward(x with NaN)": (
        lambda: network.MLP([4, 3, 2], rng=0).forward(np.full((5, 4), np.nan)),
        r"x",
    ),
    "MLP.loss_and_grads(y out of range)": (
        lambda: network.MLP([4, 3, 2], rng=0).loss_and_grads(np.ones((5, 4)), np.full(5, 7)),
        r"y",
    ),
    "MLP.fit(lr=0)": (
        lambda: network.MLP([4, 3, 2], rng=0).fit(np.ones((5, 4)), np.zeros(5, int), 1, lr=0.0),
        r"lr",
    ),
    "MLP.fit(epochs=0)": (
        lambda: network.MLP([4, 3, 2], rng=0).fit(np.ones((5, 4)), np.zeros(5, int), 0, lr=0.1),
        r"epochs",
    ),
    "MLP.set_weights(wrong shape)": (
        lambda: network.MLP([4, 3, 2], rng=0).set_weights([np.ones((3, 3)), np.ones((3, 2))]),
        r"weights",
    ),
    "propagation.propagate(depth=0)": (
        lambda: propagation.propagate("he_normal", "relu", depth=0),
        r"depth",
    ),
    "propagation.propagate(width=0)": (
        lambda: propagation.propagate("he_normal", "relu", width=0),
        r"width",
    ),
    "stats.moving_average(window=0)": (
        lambda: stats.moving_average([1.0, 2.0, 3.0], window=0),
        r"window",
    ),
    "stats.bracket(step=0)": (lambda: stats.bracket(0.3, 0.0), r"step"),
    "stats.bracket(value=nan)": (lambda: stats.bracket(float("nan"), 0.1), r"value"),
    "comparison.chaos_test(seeds=[])": (
        lambda: comparison.chaos_test(load_digits(), "tanh", 1.0, [64, 10], 1, 0.1, seeds=[]),
        r"seeds",
    ),
    "comparison.chaos_test(layer_sizes='64')": (
        lambda: comparison.chaos_test(load_digits(), "tanh", 1.0, "64", 1, 0.1),
        r"layer_sizes",
    ),
    "stats.layer_stats([])": (lambda: stats.layer_stats([]), r"values_per_layer|layer"),
    "stats.effective_rank(1-d)": (lambda: stats.effective_rank(np.ones(5)), r"activations"),
    "stats.dead_units(with NaN)": (
        lambda: stats.dead_units(np.full((4, 3), np.nan)),
        r"activations",
    ),
    "symmetry.numerical_rank(rtol=-1)": (
        lambda: symmetry.numerical_rank(np.ones((3, 3)), rtol=-1.0),
        r"rtol",
    ),
    "symmetry.constant_with_noise(noise=-1)": (
        lambda: symmetry.constant_with_noise(0.1, noise=-1.0),
        r"noise",
    ),
    "theory.rectifier_factor(negative_slope=inf)": (
        lambda: theory.rectifier_factor(float("inf")),
        r"negative_slope",
    ),
    "theory.preactivation_stds(mismatched lengths)": (
        lambda: theory.preactivation_stds([10, 10, 10], [0.1]),
        r"widths|weight_stds",
    ),
    "load_digits(test_size=1.5)": (lambda: load_digits(test_size=1.5), r"test_size"),
    "widgets.propagation_update(activation='swish')": (
        lambda: widgets.propagation_update(_fig(), 1.0, 5, 10, "swish"),
        r"swish",
    ),
    "propagation.alternating_widths(depth=0)": (
        lambda: propagation.alternating_widths(0),
        r"depth",
    ),
}


def _raised_inside_lib(error: BaseException) -> bool:
    """True if the innermost frame of the traceback is in ``lib`` (not deep in numpy)."""
    frames = traceback.extract_tb(error.__traceback__)
    return Path(frames[-1].filename).resolve().is_relative_to(ROOT / "lib")


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_is_rejected_with_a_clear_error(case):
    call, pattern = BAD_INPUT[case]
    with pytest.raises((ValueError, TypeError)) as raised:
        call()
    assert re.search(pattern, str(raised.value)), f"{case}: unclear message {raised.value!r}"
    assert _raised_inside_lib(raised.value), f"{case}: raised from outside lib: {raised.value!r}"
