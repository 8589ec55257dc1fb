"""Checks of a student's initializer: shape, rng, distribution, std, and the named mistake."""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lib import initializers
from lib.checks.failure import CheckFailed
from lib.checks.guard import own_work as _own_work

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
    """A wrong formula students often write, as the std it gives for a shape's fans."""

    description: str
    std: Callable[[_Fans], float]


_SWAPPED = (
    "fans swapped: the formula needs fan_in = shape[-2] (times the receptive field), but you "
    "used fan_out; in this course W has shape (fan_in, fan_out)"
)
_NO_FIELD = (
    "the receptive field is missing: for a conv kernel (kh, kw, in, out), "
    "fan_in = kh * kw * in and fan_out = kh * kw * out"
)
_MISTAKES = {
    "lecun": [
        Mistake(_SWAPPED, lambda f: 1 / math.sqrt(f.fan_out)),
        Mistake(
            "the square root is missing: you used the variance 1/fan_in as the std",
            lambda f: 1 / f.fan_in,
        ),
        Mistake(
            "that is Xavier's sqrt(2 / (fan_in + fan_out)), not LeCun's 1/sqrt(fan_in)",
            lambda f: math.sqrt(2 / (f.fan_in + f.fan_out)),
        ),
        Mistake(
            "that is He's sqrt(2 / fan_in): LeCun has no factor 2",
            lambda f: math.sqrt(2 / f.fan_in),
        ),
        Mistake(_NO_FIELD, lambda f: 1 / math.sqrt(f.channels_in)),
    ],
    "xavier": [
        Mistake(
            "the square root is missing: you used the variance 2/(fan_in + fan_out) as the std",
            lambda f: 2 / (f.fan_in + f.fan_out),
        ),
        Mistake(
            "the factor 2 is missing: Var(W) = 2 / (fan_in + fan_out), the harmonic mean of "
            "1/fan_in and 1/fan_out",
            lambda f: math.sqrt(1 / (f.fan_in + f.fan_out)),
        ),
        Mistake(
            "that is LeCun's 1/sqrt(fan_in), which many texts wrongly call Xavier; Xavier "
            "averages both fans",
            lambda f: 1 / math.sqrt(f.fan_in),
        ),
        Mistake(_NO_FIELD, lambda f: math.sqrt(2 / (f.channels_in + f.channels_out))),
        Mistake(
            "that is He's sqrt(2 / fan_in), made for ReLU networks (a ReLU zeroes half of its "
            "inputs, so He doubles the variance); a sigmoid or tanh network needs Xavier's "
            "sqrt(2 / (fan_in + fan_out))",
            lambda f: math.sqrt(2 / f.fan_in),
        ),
    ],
    "he": [
        Mistake(_SWAPPED, lambda f: math.sqrt(2 / f.fan_out)),
        Mistake(
            "2/sqrt(fan_in) instead of sqrt(2/fan_in): the 2 belongs under the root (a common "
            "error in explanations of He init)",
            lambda f: 2 / math.sqrt(f.fan_in),
        ),
        Mistake(
            "the square root is missing: you used the variance 2/fan_in as the std",
            lambda f: 2 / f.fan_in,
        ),
        Mistake(
            "the factor 2 is missing: that is LeCun's 1/sqrt(fan_in); ReLU halves the second "
            "moment, so He doubles the variance",
            lambda f: 1 / math.sqrt(f.fan_in),
        ),
        Mistake(_NO_FIELD, lambda f: math.sqrt(2 / f.channels_in)),
        Mistake(
            "that is Xavier's sqrt(2 / (fan_in + fan_out)), made for tanh and sigmoid networks; "
            "a ReLU zeroes half of its inputs, so He uses sqrt(2 / fan_in)",
            lambda f: math.sqrt(2 / (f.fan_in + f.fan_out)),
        ),
    ],
}
#: Mistakes any fan-based initializer can be mistaken for.
_ANY_FAMILY_MISTAKES = [
    Mistake(
        "std 1 on every shape: those are standard normal weights, N(0, 1); the std must shrink "
        "as the fans grow",
        lambda f: 1.0,
    ),
]
_UNIFORM_MISTAKES = [
    Mistake(
        "the uniform bound is not scaled by sqrt(3): U(-a, a) has std a/sqrt(3), so "
        "a = sqrt(3) * std",
        lambda f: f.expected_std / math.sqrt(3),
    ),
    Mistake(
        "the bound was scaled by sqrt(3) twice, or by 3",
        lambda f: f.expected_std * math.sqrt(3),
    ),
]


def _family(name: str) -> str:
    canonical = initializers.get(name).__name__
    return canonical.removesuffix("_normal").removesuffix("_uniform")


def _call(fn: Callable, shape: tuple[int, ...], seed: int, kwargs: dict) -> np.ndarray:
    __tracebackhide__ = True  # IPython and pytest hide this frame: students see their own
    try:
        weights = fn(shape, rng=np.random.default_rng(seed), **kwargs)
    except TypeError as error:
        raise CheckFailed(
            f"calling your function as fn({shape}, rng=<Generator>) failed with "
            f"TypeError: {error}. Write it as def fn(shape, rng=None): ..."
        ) from error
    if not isinstance(weights, np.ndarray):
        raise CheckFailed(
            f"on shape {shape} your function returned {type(weights).__name__}; "
            "expected a numpy array"
        )
    if weights.shape != shape:
        hint = ""
        if weights.shape == shape[::-1] or weights.shape == shape[:-2] + shape[-1:-3:-1]:
            hint = " Did you use PyTorch's (out, in) layout? Here W is (fan_in, fan_out)."
        raise CheckFailed(f"expected an array of shape {shape}, got shape {weights.shape}.{hint}")
    if not np.all(np.isfinite(weights)):
        raise CheckFailed(f"on shape {shape} your weights contain NaN or inf")
    return weights


def _check_uses_rng(fn: Callable, shape: tuple[int, ...], kwargs: dict) -> None:
    __tracebackhide__ = True  # IPython and pytest hide this frame: students see their own
    first, again = _call(fn, shape, 7, kwargs), _call(fn, shape, 7, kwargs)
    if not np.array_equal(first, again):
        raise CheckFailed(
            "two calls with generators seeded alike gave different weights: draw every "
            "random number from the rng argument (rng = np.random.default_rng(rng)), "
            "not from np.random's global state"
        )


def _kurtosis(values: np.ndarray) -> float:
    centred = values - values.mean()
    return float(np.mean(centred**4) / np.mean(centred**2) ** 2)


def _check_distribution(name: str, weights: np.ndarray, shape: tuple[int, ...]) -> None:
    wants_uniform = name.endswith("_uniform") or initializers.get(name).__name__ == "uniform"
    wants_normal = name.endswith("_normal") or initializers.get(name).__name__ == "normal"
    kurtosis = _kurtosis(weights.ravel())
    if wants_uniform and kurtosis > KURTOSIS_SPLIT:
        raise CheckFailed(
            f"{name} on shape {shape}: the weights look normally distributed "
            f"(kurtosis {kurtosis:.2f}, a uniform gives 1.8); draw from U(-a, a)"
        )
    if wants_normal and kurtosis < KURTOSIS_SPLIT:
        raise CheckFailed(
            f"{name} on shape {shape}: the weights look uniformly distributed "
            f"(kurtosis {kurtosis:.2f}, a normal gives 3.0); draw from a normal distribution"
        )


def _likely_mistake(name: str, measured: dict, fans: dict) -> str:
    candidates = _MISTAKES.get(_family(name), []) + _ANY_FAMILY_MISTAKES
    if name.endswith("_uniform"):
        candidates = candidates + _UNIFORM_MISTAKES
    for mistake in candidates:
        if all(_close(measured[shape], mistake.std(fans[shape])) for shape in measured):
            return mistake.description
    ratios = [measured[shape] / fans[shape].expected_std for shape in measured]
    if max(ratios) / min(ratios) < 1 + 2 * STD_RTOL:
        return (
            f"your std is {np.mean(ratios):.3f} times the expected one on every shape: check "
            "the constant factor (gain, 2, 6, sqrt(3))"
        )
    shown = ", ".join(
        f"{ratio:.2f} on {shape}" for shape, ratio in zip(measured, ratios, strict=True)
    )
    return (
        "your std is none of the usual wrong formulas; measured / expected is "
        f"{shown}: a ratio that changes from shape to shape means your formula depends on the "
        f"fans differently from {initializers.std_formula(name)}"
    )


def _close(measured: float, expected: float) -> bool:
    return abs(measured - expected) <= STD_RTOL * expected


def _check_orthogonal(weights: np.ndarray, shape: tuple[int, ...], gain: float) -> None:
    matrix = weights.reshape(-1, shape[-1])
    gram = matrix.T @ matrix if matrix.shape[0] >= matrix.shape[1] else matrix @ matrix.T
    error = np.abs(gram - gain**2 * np.eye(len(gram))).max()
    if error > 1e-6:
        raise CheckFailed(
            f"orthogonal on shape {shape}: W.T @ W (or W @ W.T for wide W) should be "
            f"gain^2 * I, but it is off by {error:.3g}; orthonormalize with np.linalg.qr"
        )


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
                raise CheckFailed(f"{name} on shape {shape}: expected all zeros")
            continue
        measured[shape] = float(weights.std())
        # Six standard errors of the mean: never fails by chance, catches any real offset.
        if abs(weights.mean() - mean) > 6 * weights.std() / math.sqrt(weights.size):
            raise CheckFailed(
                f"{name} on shape {shape}: the mean is {weights.mean():.4f}, expected about "
                f"{mean}; the weights must be centred on it"
            )
        _check_distribution(name, weights, shape)
    wrong = [shape for shape in measured if not _close(measured[shape], fans[shape].expected_std)]
    if wrong:
        shape = wrong[0]
        raise CheckFailed(
            f"{name} on shape {shape}: expected std {fans[shape].expected_std:.4f} "
            f"({initializers.std_formula(name)}, fan_in={fans[shape].fan_in}, "
            f"fan_out={fans[shape].fan_out}), measured {measured[shape]:.4f}.\n"
            f"Likely mistake: {_likely_mistake(name, measured, fans)}."
        )
    print(f"✓ {name}: correct on shapes {', '.join(map(str, shapes))}.")


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
                f"fans({shape}) should return two ints (fan_in, fan_out); it failed with "
                f"{type(error).__name__}: {error}"
            ) from error
        if got == expected:
            continue
        message = f"fans({shape}): expected (fan_in, fan_out) = {expected}, got {got}."
        mistakes = {expected[::-1]: _SWAPPED}
        if math.prod(shape[:-2]) > 1:
            mistakes[(shape[-2], shape[-1])] = _NO_FIELD
        if got in mistakes:
            message += f"\nLikely mistake: {mistakes[got]}."
        raise CheckFailed(message)
    print(f"✓ fans: correct on shapes {', '.join(map(str, shapes))}.")
