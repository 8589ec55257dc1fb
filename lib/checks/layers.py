"""Checks of per-layer statistics: does a student's init reproduce a network's logged stds?

A wrong answer here is a wrong diagnosis: the student suspected one init mistake and the logs
came from another. So besides the per-layer comparison, the check runs the same network with
each init of :data:`LAYER_SUSPECTS` and names the one the student's init behaves like, with how
its std changes from layer to layer and how the logged one does.
"""

import math
from collections.abc import Callable

import numpy as np

from lib import activations, initializers, propagation, stats
from lib.checks.failure import CheckFailed
from lib.checks.guard import own_work as _own_work
from lib.checks.messages import say
from lib.validation import as_widths

#: Two networks count as the same when every layer's activation std agrees within this factor:
#: other random draws move a std by up to ~12% (one sd) at depth 6 and width 256, while a wrong
#: init is off by a factor 2 or more by the second layer.
LAYER_STD_FACTOR = 1.5

#: The inits a diagnosis usually lands on: the key of its description in
#: :data:`lib.checks.messages.MESSAGES` and its std from (fan_in, fan_out).
LAYER_SUSPECTS: dict[str, Callable[[int, int], float]] = {
    "layers.suspect.he": lambda fan_in, fan_out: math.sqrt(2 / fan_in),
    "layers.suspect.he_two_outside": lambda fan_in, fan_out: 2 / math.sqrt(fan_in),
    "layers.suspect.he_swapped": lambda fan_in, fan_out: math.sqrt(2 / fan_out),
    "layers.suspect.lecun": lambda fan_in, fan_out: 1 / math.sqrt(fan_in),
    "layers.suspect.xavier": lambda fan_in, fan_out: math.sqrt(2 / (fan_in + fan_out)),
    "layers.suspect.standard_normal": lambda fan_in, fan_out: 1.0,
    "layers.suspect.small": lambda fan_in, fan_out: 0.01,
}
#: Layers that widen and layers that narrow count as behaving differently when their mean
#: change per layer differs by more than this factor.
_SPLIT_FACTOR = 1.3


def _drawn(std: Callable[[int, int], float]):
    def init(shape, rng=None):
        return np.random.default_rng(rng).normal(0.0, std(*initializers.fans(shape)), size=shape)

    return init


def _layer_stds(init, activation, depth, width, n_samples, rng) -> np.ndarray:
    __tracebackhide__ = True  # IPython and pytest hide this frame: students see their own
    run = propagation.propagate(init, activation, depth, width, n_samples, rng=rng)
    return np.array([entry.std for entry in stats.layer_stats(run.activations)])


#: Two suspects whose per-layer stds agree within this factor are the same in that network.
_ALIKE = 1.02
#: Stds are floored here before taking logs (a layer of dead units has std 0).
_TINY = 1e-300


def _mismatch(stds: np.ndarray, expected: np.ndarray) -> float:
    """The largest factor between two per-layer std profiles."""
    logs = np.log(np.maximum(stds, _TINY)) - np.log(np.maximum(expected, _TINY))
    return float(np.exp(np.abs(logs).max()))


def _geometric_mean(values: np.ndarray) -> float:
    return float(np.exp(np.log(np.maximum(values, _TINY)).mean()))


def _pattern(stds: np.ndarray, widths: list[int]) -> str:
    """How ``stds`` changes from one layer to the next, in words.

    >>> _pattern(np.array([1.0, 2.0, 4.0]), [5, 5, 5, 5])
    'grows by about x2.00 per layer'
    >>> _pattern(np.array([1.0, 2.0, 1.0, 2.0]), [8, 4, 8, 4, 8])
    'changes by about x2.00 in the layers that widen and x0.50 in those that narrow'
    """
    stds = np.maximum(stds, _TINY)
    steps = stds[1:] / stds[:-1]  # into layers 2, ..., depth
    widens = np.array([widths[k + 1] > widths[k] for k in range(1, len(widths) - 1)])
    narrows = np.array([widths[k + 1] < widths[k] for k in range(1, len(widths) - 1)])
    if widens.any() and narrows.any():
        wide, narrow = _geometric_mean(steps[widens]), _geometric_mean(steps[narrows])
        if max(wide, narrow) / min(wide, narrow) > _SPLIT_FACTOR:
            return say("layers.pattern.split", wide=wide, narrow=narrow)
    growth = _geometric_mean(steps)
    if growth > 1.1:
        return say("layers.pattern.grows", growth=growth)
    if growth < 1 / 1.1:
        return say("layers.pattern.shrinks", growth=growth)
    return say("layers.pattern.steady", growth=growth)


def _likely_mistake(measured, expected, factor, network) -> str:
    """The suspect the student's init behaves like, among those that do not fit the logs."""
    profiles, distances = {}, {}
    for key, std in LAYER_SUSPECTS.items():
        try:
            stds = _layer_stds(_drawn(std), **network)
        except FloatingPointError:
            continue
        # A suspect that fits the logs is the answer: never named, so feedback gives none away.
        if _mismatch(stds, expected) > factor and _mismatch(stds, measured) <= factor:
            profiles[key], distances[key] = stds, _mismatch(stds, measured)
    if not profiles:
        return say("layers.mistake.none_alike")
    best = min(distances, key=distances.get)
    # Suspects this network cannot tell apart (LeCun and Xavier when fan_in == fan_out).
    alike = [key for key in profiles if _mismatch(profiles[key], profiles[best]) < _ALIKE]
    named = say("layers.or").join(say(key) for key in alike)
    return say(
        "layers.mistake.alike" if len(alike) == 1 else "layers.mistake.alike_several", named=named
    )


def _first_layer(init, widths: list[int]) -> None:
    """Call the student's init once on the first layer's shape, outside ``propagate``: an error
    in their code then shows only their own frames, and a wrong return value gets a message."""
    __tracebackhide__ = True  # IPython and pytest hide this frame: students see their own
    shape = (widths[0], widths[1])
    weights = np.asarray(init(shape, rng=np.random.default_rng(0)))
    if weights.shape != shape:
        raise CheckFailed(say("layers.wrong_shape", shape=shape, got=weights.shape))


def check_layer_stds(
    init,
    expected_stds,
    *,
    activation: str,
    width,
    n_samples: int = 500,
    rng=0,
    factor: float = LAYER_STD_FACTOR,
    own_work: bool = False,
) -> None:
    """Check that ``init`` reproduces a network's per-layer activation stds ``expected_stds``.

    Runs ``lib.propagation.propagate(init, activation, depth=len(expected_stds), width, n_samples,
    rng)`` (``init``: a callable ``fn(shape, rng=None)``, an initializer name or a float std)
    and compares each layer's activation std with ``expected_stds``: they match when
    ``1/factor <= measured / expected <= factor``. On a mismatch it raises
    :class:`CheckFailed` naming the first layer that differs, how the std changes from layer to
    layer in both networks, and which of :data:`LAYER_SUSPECTS` (never one that fits the
    expected stds) the init behaves like. With ``own_work=True`` (graded homework) ``init``
    must be a function that calls nothing in ``lib``.
    """
    __tracebackhide__ = True  # IPython and pytest hide this frame: students see their own
    expected = np.asarray(expected_stds, dtype=float)
    if expected.ndim != 1 or len(expected) < 2 or np.any(expected <= 0):
        raise ValueError(
            "expected_stds must hold two or more positive stds, one per layer, "
            f"got {expected_stds!r}"
        )
    widths = as_widths(width, len(expected))
    activations.get(activation)
    network = {
        "activation": activation,
        "depth": len(expected),
        "width": width,
        "n_samples": n_samples,
        "rng": rng,
    }
    if own_work:
        if not callable(init):
            raise CheckFailed(say("layers.not_a_function", type=type(init).__name__, init=init))
        init = _own_work(init)
    if callable(init):
        _first_layer(init, widths)
    try:
        measured = _layer_stds(init, **network)
    except FloatingPointError as error:
        raise CheckFailed(say("layers.overflow", error=error)) from error
    except ValueError as error:
        if not callable(init):
            raise
        # The network's settings were checked above: what failed is what the init returned.
        raise CheckFailed(say("layers.unusable", error=error)) from error
    ratios = measured / expected
    wrong = np.flatnonzero((ratios > factor) | (ratios < 1 / factor))
    if wrong.size == 0:
        print(say("layers.correct", depth=len(expected)))
        return
    layer = int(wrong[0])
    message = say(
        "layers.wrong",
        layer=layer + 1,
        measured=measured[layer],
        expected=expected[layer],
        ratio=ratios[layer],
        yours=np.array2string(measured, precision=3),
        logged=np.array2string(expected, precision=3),
        expected_pattern=_pattern(expected, widths),
        your_pattern=_pattern(measured, widths),
    )
    mistake = _likely_mistake(measured, expected, factor, network)
    raise CheckFailed(message + say("likely_mistake", mistake=mistake))
