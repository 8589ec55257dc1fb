"""Checks of a student's initializer: shape, rng, distribution, std, and the named mistake."""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lib import initializers
from lib.checks.failure import CheckFailed
from lib.checks.guard import own_work as _own_work
from lib.checks.messages import say

#: Shapes every initializer is tried on: fan_in != fan_out both ways, and a conv kernel.

CHECK_SHAPES = ((50, 200), (200, 50), (3, 3, 16, 32))
#: Relative error of a measured std that still counts as right (the sampling error is ~1%).
STD_RTOL = 0.06
#: Kurtosis of U(-a, a) is 1.8 and of a normal 3; 2.4 separates them at our sample sizes.
KURTOSIS_SPLIT = 2.4


@dataclass(frozen=True)
class _Fans:
    """What a std formula can be computed from, for one shape."""

    fan_in: int
    fan_out: int
    channels_in: int  # shape[-2]: fan_in without the receptive field
    channels_out: int
    expected_std: float

    @classmethod
    def of(cls, name: str, shape: tuple[int, ...], kwargs: dict) -> "_Fans":
        fan_in, fan_out = initializers.fans(shape)
        expected = initializers.std_of(name, shape, **kwargs)
        return cls(fan_in, fan_out, shape[-2], shape[-1], expected)


@dataclass(frozen=True)
class Mistake:
    """A wrong formula students often write, as the std it gives for a shape's fans; ``key``
    names its description in :data:`lib.checks.messages.MESSAGES`."""

    key: str
    std: Callable[[_Fans], float]

    @property
    def description(self) -> str:
        """What the mistake is, in the feedback's language."""
        return say(self.key)


_MISTAKES = {
    "lecun": [
        Mistake("init.mistake.swapped", lambda f: 1 / math.sqrt(f.fan_out)),
        Mistake("init.mistake.lecun_variance", lambda f: 1 / f.fan_in),
        Mistake("init.mistake.lecun_is_xavier", lambda f: math.sqrt(2 / (f.fan_in + f.fan_out))),
        Mistake("init.mistake.lecun_is_he", lambda f: math.sqrt(2 / f.fan_in)),
        Mistake("init.mistake.no_field", lambda f: 1 / math.sqrt(f.channels_in)),
    ],
    "xavier": [
        Mistake("init.mistake.xavier_variance", lambda f: 2 / (f.fan_in + f.fan_out)),
        Mistake("init.mistake.xavier_no_two", lambda f: math.sqrt(1 / (f.fan_in + f.fan_out))),
        Mistake("init.mistake.xavier_is_lecun", lambda f: 1 / math.sqrt(f.fan_in)),
        Mistake("init.mistake.no_field", lambda f: math.sqrt(2 / (f.channels_in + f.channels_out))),
        Mistake("init.mistake.xavier_is_he", lambda f: math.sqrt(2 / f.fan_in)),
    ],
    "he": [
        Mistake("init.mistake.swapped", lambda f: math.sqrt(2 / f.fan_out)),
        Mistake("init.mistake.he_two_outside", lambda f: 2 / math.sqrt(f.fan_in)),
        Mistake("init.mistake.he_variance", lambda f: 2 / f.fan_in),
        Mistake("init.mistake.he_no_two", lambda f: 1 / math.sqrt(f.fan_in)),
        Mistake("init.mistake.no_field", lambda f: math.sqrt(2 / f.channels_in)),
        Mistake("init.mistake.he_is_xavier", lambda f: math.sqrt(2 / (f.fan_in + f.fan_out))),
    ],
}
#: Mistakes any fan-based initializer can be mistaken for.
_ANY_FAMILY_MISTAKES = [Mistake("init.mistake.standard_normal", lambda f: 1.0)]
_UNIFORM_MISTAKES = [
    Mistake("init.mistake.uniform_unscaled", lambda f: f.expected_std / math.sqrt(3)),
    Mistake("init.mistake.uniform_twice", lambda f: f.expected_std * math.sqrt(3)),
]


def _family(name: str) -> str:
    canonical = initializers.get(name).__name__
    return canonical.removesuffix("_normal").removesuffix("_uniform")


def _call(fn: Callable, shape: tuple[int, ...], seed: int, kwargs: dict) -> np.ndarray:
    __tracebackhide__ = True  # IPython and pytest hide this frame: students see their own
    try:
        weights = fn(shape, rng=np.random.default_rng(seed), **kwargs)
    except TypeError as error:
        raise CheckFailed(say("init.call_failed", shape=shape, error=error)) from error
    if not isinstance(weights, np.ndarray):
        raise CheckFailed(say("init.not_an_array", shape=shape, type=type(weights).__name__))
    if weights.shape != shape:
        message = say("init.wrong_shape", shape=shape, got=weights.shape)
        if weights.shape == shape[::-1] or weights.shape == shape[:-2] + shape[-1:-3:-1]:
            message += say("init.torch_layout")
        raise CheckFailed(message)
    if not np.all(np.isfinite(weights)):
        raise CheckFailed(say("init.not_finite", shape=shape))
    return weights


def _check_uses_rng(fn: Callable, shape: tuple[int, ...], kwargs: dict) -> None:
    __tracebackhide__ = True  # IPython and pytest hide this frame: students see their own
    first, again = _call(fn, shape, 7, kwargs), _call(fn, shape, 7, kwargs)
    if not np.array_equal(first, again):
        raise CheckFailed(say("init.global_rng"))


def _kurtosis(values: np.ndarray) -> float:
    centred = values - values.mean()
    return float(np.mean(centred**4) / np.mean(centred**2) ** 2)


def _check_distribution(name: str, weights: np.ndarray, shape: tuple[int, ...]) -> None:
    wants_uniform = name.endswith("_uniform") or initializers.get(name).__name__ == "uniform"
    wants_normal = name.endswith("_normal") or initializers.get(name).__name__ == "normal"
    kurtosis = _kurtosis(weights.ravel())
    if wants_uniform and kurtosis > KURTOSIS_SPLIT:
        raise CheckFailed(say("init.looks_normal", name=name, shape=shape, kurtosis=kurtosis))
    if wants_normal and kurtosis < KURTOSIS_SPLIT:
        raise CheckFailed(say("init.looks_uniform", name=name, shape=shape, kurtosis=kurtosis))


def _likely_mistake(name: str, measured: dict, fans: dict) -> str:
    candidates = _MISTAKES.get(_family(name), []) + _ANY_FAMILY_MISTAKES
    if name.endswith("_uniform"):
        candidates = candidates + _UNIFORM_MISTAKES
    for mistake in candidates:
        if all(_close(measured[shape], mistake.std(fans[shape])) for shape in measured):
            return mistake.description
    ratios = [measured[shape] / fans[shape].expected_std for shape in measured]
    if max(ratios) / min(ratios) < 1 + 2 * STD_RTOL:
        return say("init.mistake.constant_factor", ratio=np.mean(ratios))
    shown = ", ".join(
        say("init.ratio_on_shape", ratio=ratio, shape=shape)
        for shape, ratio in zip(measured, ratios, strict=True)
    )
    return say("init.mistake.unknown", ratios=shown, formula=initializers.std_formula(name))


def _close(measured: float, expected: float) -> bool:
    return abs(measured - expected) <= STD_RTOL * expected


def _check_orthogonal(weights: np.ndarray, shape: tuple[int, ...], gain: float) -> None:
    matrix = weights.reshape(-1, shape[-1])
    gram = matrix.T @ matrix if matrix.shape[0] >= matrix.shape[1] else matrix @ matrix.T
    error = np.abs(gram - gain**2 * np.eye(len(gram))).max()
    if error > 1e-6:
        raise CheckFailed(say("init.not_orthogonal", shape=shape, error=error))


def check_init(
    fn: Callable, name: str, shapes=CHECK_SHAPES, *, own_work: bool = False, **kwargs
) -> None:
    """Check a student's initializer ``fn(shape, rng=None)`` against ``lib.initializers``.

    ``name`` is one of :func:`lib.initializers.available`; ``kwargs`` (``gain``, ``mode``,
    ...) are passed to both. On each shape the check compares the measured std with
    :func:`lib.initializers.std_of` (within 6%), the mean with 0, the distribution's family
    (uniform or normal, from the kurtosis), and that ``rng`` drives every draw. With
    ``own_work=True`` (graded homework) ``fn`` must not call anything in ``lib``
    (:mod:`lib.checks.guard`). On failure it raises :class:`CheckFailed` (an
    ``AssertionError``) naming the likely mistake; on success it prints one line.
    """
    __tracebackhide__ = True  # IPython and pytest hide this frame: students see their own
    initializers.get(name)
    shapes = tuple(tuple(shape) for shape in shapes)
    if own_work:
        fn = _own_work(fn)
    _check_uses_rng(fn, shapes[0], kwargs)
    mean = kwargs.get("mean", 0.0)
    measured, fans = {}, {}
    for seed, shape in enumerate(shapes):
        weights = _call(fn, shape, seed, kwargs)
        fans[shape] = _Fans.of(name, shape, kwargs)
        if initializers.get(name).__name__ == "orthogonal":
            _check_orthogonal(weights, shape, kwargs.get("gain", 1.0))
            continue
        if fans[shape].expected_std == 0.0:
            if np.any(weights != 0):
                raise CheckFailed(say("init.not_zeros", name=name, shape=shape))
            continue
        measured[shape] = float(weights.std())
        # Six standard errors of the mean: never fails by chance, catches any real offset.
        if abs(weights.mean() - mean) > 6 * weights.std() / math.sqrt(weights.size):
            raise CheckFailed(
                say("init.off_centre", name=name, shape=shape, mean=weights.mean(), expected=mean)
            )
        _check_distribution(name, weights, shape)
    wrong = [shape for shape in measured if not _close(measured[shape], fans[shape].expected_std)]
    if wrong:
        shape = wrong[0]
        message = say(
            "init.wrong_std",
            name=name,
            shape=shape,
            expected=fans[shape].expected_std,
            formula=initializers.std_formula(name),
            fan_in=fans[shape].fan_in,
            fan_out=fans[shape].fan_out,
            measured=measured[shape],
        )
        mistake = _likely_mistake(name, measured, fans)
        raise CheckFailed(message + say("likely_mistake", mistake=mistake))
    print(say("init.correct", name=name, shapes=", ".join(map(str, shapes))))


def check_fans(fn: Callable, shapes=CHECK_SHAPES, *, own_work: bool = False) -> None:
    """Check a student's ``fn(shape) -> (fan_in, fan_out)`` against :func:`lib.initializers.fans`.

    Tried on dense and conv shapes; a wrong answer names the likely mistake (fans swapped,
    receptive field missing). With ``own_work=True`` ``fn`` must not call anything in ``lib``.
    On success it prints one line.
    """
    __tracebackhide__ = True  # IPython and pytest hide this frame: students see their own
    shapes = tuple(tuple(shape) for shape in shapes)
    if own_work:
        fn = _own_work(fn)
    for shape in shapes:
        expected = initializers.fans(shape)
        try:
            got = tuple(int(value) for value in fn(shape))
        except (TypeError, ValueError) as error:
            raise CheckFailed(
                say("fans.not_two_ints", shape=shape, error_type=type(error).__name__, error=error)
            ) from error
        if got == expected:
            continue
        message = say("fans.wrong", shape=shape, expected=expected, got=got)
        mistakes = {expected[::-1]: "init.mistake.swapped"}
        if math.prod(shape[:-2]) > 1:
            mistakes[(shape[-2], shape[-1])] = "init.mistake.no_field"
        if got in mistakes:
            message += say("likely_mistake", mistake=say(mistakes[got]))
        raise CheckFailed(message)
    print(say("fans.correct", shapes=", ".join(map(str, shapes))))
