r"""Checks for the exercises: specific feedback instead of a bare ``AssertionError``.

A check runs a student's answer, compares it with :mod:`lib.initializers` (or a given value)
and either prints one success line or raises ``AssertionError`` whose message says what was
expected, what was measured, and the likely mistake: the mistakes students make most often are
computed exactly as wrong formulas, and the one that reproduces the measurement is named.

>>> from lib import checks
>>> def my_he_normal(shape, rng=None):
...     fan_in = shape[-2]  # forgets the receptive field of conv kernels
...     return np.random.default_rng(rng).normal(0, np.sqrt(2 / fan_in), size=shape)
>>> checks.check_init(my_he_normal, "he_normal")  # doctest: +SKIP
AssertionError: he_normal on shape (3, 3, 16, 32): expected std 0.1179 ...
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lib import initializers, propagation, rbm, stats

#: Shapes every initializer is tried on: fan_in != fan_out both ways, and a conv kernel.
CHECK_SHAPES = ((50, 200), (200, 50), (3, 3, 16, 32))
#: Relative error of a measured std that still counts as right (the sampling error is ~1%).
STD_RTOL = 0.06
#: Kurtosis of U(-a, a) is 1.8 and of a normal 3; 2.4 separates them at our sample sizes.
KURTOSIS_SPLIT = 2.4

_FORMULAS = {
    "lecun": "1 / sqrt(fan_in)",
    "xavier": "gain * sqrt(2 / (fan_in + fan_out))",
    "he": "gain / sqrt(fan), gain = sqrt(2) for ReLU",
    "normal": "the std argument (1.0 by default)",
    "uniform": "(high - low) / sqrt(12) for U(low, high)",
    "orthogonal": "gain / sqrt(max(rows, cols))",
}


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
    ],
}
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
    try:
        weights = fn(shape, rng=np.random.default_rng(seed), **kwargs)
    except TypeError as error:
        raise AssertionError(
            f"calling your function as fn({shape}, rng=<Generator>) failed with "
            f"TypeError: {error}. Write it as def fn(shape, rng=None): ..."
        ) from error
    if not isinstance(weights, np.ndarray):
        raise AssertionError(
            f"on shape {shape} your function returned {type(weights).__name__}; "
            "expected a numpy array"
        )
    if weights.shape != shape:
        hint = ""
        if weights.shape == shape[::-1] or weights.shape == shape[:-2] + shape[-1:-3:-1]:
            hint = " Did you use PyTorch's (out, in) layout? Here W is (fan_in, fan_out)."
        raise AssertionError(
            f"expected an array of shape {shape}, got shape {weights.shape}.{hint}"
        )
    if not np.all(np.isfinite(weights)):
        raise AssertionError(f"on shape {shape} your weights contain NaN or inf")
    return weights


def _check_uses_rng(fn: Callable, shape: tuple[int, ...], kwargs: dict) -> None:
    first, again = _call(fn, shape, 7, kwargs), _call(fn, shape, 7, kwargs)
    if not np.array_equal(first, again):
        raise AssertionError(
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
        raise AssertionError(
            f"{name} on shape {shape}: the weights look normally distributed "
            f"(kurtosis {kurtosis:.2f}, a uniform gives 1.8); draw from U(-a, a)"
        )
    if wants_normal and kurtosis < KURTOSIS_SPLIT:
        raise AssertionError(
            f"{name} on shape {shape}: the weights look uniformly distributed "
            f"(kurtosis {kurtosis:.2f}, a normal gives 3.0); draw from a normal distribution"
        )


def _likely_mistake(name: str, measured: dict, fans: dict) -> str:
    candidates = _MISTAKES.get(_family(name), [])
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
    return "the std does not scale with the fans as it should: check which dimensions you use"


def _close(measured: float, expected: float) -> bool:
    return abs(measured - expected) <= STD_RTOL * expected


def _check_orthogonal(weights: np.ndarray, shape: tuple[int, ...], gain: float) -> None:
    matrix = weights.reshape(-1, shape[-1])
    gram = matrix.T @ matrix if matrix.shape[0] >= matrix.shape[1] else matrix @ matrix.T
    error = np.abs(gram - gain**2 * np.eye(len(gram))).max()
    if error > 1e-6:
        raise AssertionError(
            f"orthogonal on shape {shape}: W.T @ W (or W @ W.T for wide W) should be "
            f"gain^2 * I, but it is off by {error:.3g}; orthonormalize with np.linalg.qr"
        )


def check_init(fn: Callable, name: str, shapes=CHECK_SHAPES, **kwargs) -> None:
    """Check a student's initializer ``fn(shape, rng=None)`` against ``lib.initializers``.

    ``name`` is one of :func:`lib.initializers.available`; ``kwargs`` (``gain``, ``mode``,
    ...) are passed to both. On each shape the check compares the measured std with
    :func:`lib.initializers.std_of` (within 6%), the mean with 0, the distribution's family
    (uniform or normal, from the kurtosis), and that ``rng`` drives every draw. On failure it
    raises ``AssertionError`` naming the likely mistake; on success it prints one line.
    """
    initializers.get(name)
    shapes = tuple(tuple(shape) for shape in shapes)
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
                raise AssertionError(f"{name} on shape {shape}: expected all zeros")
            continue
        measured[shape] = float(weights.std())
        # Six standard errors of the mean: never fails by chance, catches any real offset.
        if abs(weights.mean() - mean) > 6 * fans[shape].expected_std / math.sqrt(weights.size):
            raise AssertionError(
                f"{name} on shape {shape}: the mean is {weights.mean():.4f}, expected about "
                f"{mean}; the weights must be centred on it"
            )
        _check_distribution(name, weights, shape)
    wrong = [shape for shape in measured if not _close(measured[shape], fans[shape].expected_std)]
    if wrong:
        shape = wrong[0]
        raise AssertionError(
            f"{name} on shape {shape}: expected std {fans[shape].expected_std:.4f} "
            f"({_FORMULAS[_family(name)]}, fan_in={fans[shape].fan_in}, "
            f"fan_out={fans[shape].fan_out}), measured {measured[shape]:.4f}.\n"
            f"Likely mistake: {_likely_mistake(name, measured, fans)}."
        )
    print(f"✓ {name}: correct on shapes {', '.join(map(str, shapes))}.")


def check_value(got, expected: float, *, what: str, rtol: float = 0.01, mistakes=None) -> None:
    """Check a numeric answer ``got`` against ``expected`` (relative tolerance ``rtol``).

    ``mistakes`` maps a description to the value that mistake produces; when ``got`` matches
    one, the message names it.
    """
    if isinstance(got, bool) or not isinstance(got, int | float | np.integer | np.floating):
        raise AssertionError(f"{what}: expected a number, got {got!r}")
    if not math.isfinite(got):
        raise AssertionError(f"{what}: expected {expected:.4g}, got {got}")
    tolerance = rtol * max(abs(expected), 1e-12)
    if abs(got - expected) <= tolerance:
        print(f"✓ {what}: {got:.4g} is right.")
        return
    message = f"{what}: expected {expected:.4g}, got {got:.4g}."
    for description, wrong_value in (mistakes or {}).items():
        if abs(got - wrong_value) <= rtol * max(abs(wrong_value), 1e-12):
            message += f"\nLikely mistake: {description}."
            break
    raise AssertionError(message)


def check_fans(fn: Callable, shapes=CHECK_SHAPES) -> None:
    """Check a student's ``fn(shape) -> (fan_in, fan_out)`` against :func:`lib.initializers.fans`.

    Tried on dense and conv shapes; a wrong answer names the likely mistake (fans swapped,
    receptive field missing). On success it prints one line.
    """
    shapes = tuple(tuple(shape) for shape in shapes)
    for shape in shapes:
        expected = initializers.fans(shape)
        try:
            got = tuple(int(value) for value in fn(shape))
        except (TypeError, ValueError) as error:
            raise AssertionError(
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
        raise AssertionError(message)
    print(f"✓ fans: correct on shapes {', '.join(map(str, shapes))}.")


#: Two networks count as the same when every layer's activation std agrees within this factor:
#: other random draws move a std by up to ~12% (one sd) at depth 6 and width 256, while a wrong
#: init is off by a factor 2 or more by the second layer.
LAYER_STD_FACTOR = 1.5


def _growth_per_layer(stds: np.ndarray) -> float:
    return float((stds[-1] / stds[0]) ** (1 / (len(stds) - 1)))


def check_layer_stds(
    init,
    expected_stds,
    *,
    activation: str,
    width,
    n_samples: int = 500,
    rng=0,
    factor: float = LAYER_STD_FACTOR,
) -> None:
    """Check that ``init`` reproduces a network's per-layer activation stds ``expected_stds``.

    Runs ``lib.propagation.propagate(init, activation, depth=len(expected_stds), width, n_samples,
    rng)`` (``init``: a callable ``fn(shape, rng=None)``, an initializer name or a float std)
    and compares each layer's activation std with ``expected_stds``: they match when
    ``1/factor <= measured / expected <= factor``. On a mismatch the message names the first
    layer that differs and how the std changes per layer in both networks.
    """
    expected = np.asarray(expected_stds, dtype=float)
    if expected.ndim != 1 or len(expected) < 2 or np.any(expected <= 0):
        raise ValueError(
            "expected_stds must hold two or more positive stds, one per layer, "
            f"got {expected_stds!r}"
        )
    try:
        run = propagation.propagate(init, activation, len(expected), width, n_samples, rng=rng)
    except FloatingPointError as error:
        raise AssertionError(
            f"with your init the activations overflow ({error}): its std is far too large"
        ) from error
    measured = np.array([entry["std"] for entry in stats.layer_stats(run.activations)])
    ratios = measured / expected
    wrong = np.flatnonzero((ratios > factor) | (ratios < 1 / factor))
    if wrong.size == 0:
        print(f"✓ your init reproduces the activation std of all {len(expected)} layers.")
        return
    layer = int(wrong[0])
    raise AssertionError(
        f"layer {layer + 1}: with your init the activation std is {measured[layer]:.3g}, "
        f"expected {expected[layer]:.3g} (ratio {ratios[layer]:.2f}).\n"
        f"Per layer, yours: {np.array2string(measured, precision=3)}\n"
        f"expected:         {np.array2string(expected, precision=3)}\n"
        f"Yours changes by x{_growth_per_layer(measured):.2f} per layer on average, the "
        f"expected one by x{_growth_per_layer(expected):.2f}."
    )


# --- chapter 6: restricted Boltzmann machines ------------------------------------------------

#: The small RBM the RBM checks run on: n_visible != n_hidden, so a transposed W cannot pass.
RBM_CHECK_SHAPE = (7, 5, 3)  # (batch, n_visible, n_hidden)
_RBM_RTOL = 1e-6


def _rbm_problem(seed: int = 0):
    """A random RBM (W, visible_bias, hidden_bias) and a batch of grey visible values."""
    n_samples, n_visible, n_hidden = RBM_CHECK_SHAPE
    rng = np.random.default_rng(seed)
    w = rng.normal(0.0, 0.8, (n_visible, n_hidden))
    visible_bias = rng.normal(0.0, 0.5, n_visible)
    hidden_bias = rng.normal(0.0, 0.5, n_hidden)
    v0 = rng.random((n_samples, n_visible))
    return w, visible_bias, hidden_bias, v0


def _call_student(fn: Callable, args: tuple, signature: str):
    try:
        return fn(*(np.array(arg) if isinstance(arg, np.ndarray) else arg for arg in args))
    except (ValueError, IndexError) as error:
        raise AssertionError(
            f"calling {signature} raised {type(error).__name__}: {error}.\n"
            "Check the shapes: W is (n_visible, n_hidden) in this course, so "
            "p(h | v) = sigmoid(v @ W + hidden_bias) and p(v | h) = sigmoid(h @ W.T + visible_bias)"
        ) from error


def _cd1_by_hand(
    w,
    visible_bias,
    hidden_bias,
    v0,
    lr,
    seed,
    *,
    sample_positive=False,
    drive_with_probs=False,
    sample_reconstruction=False,
):
    """One CD-1 update written out, with switches that reproduce the usual mistakes."""
    rng = np.random.default_rng(seed)
    machine = rbm.RBM.from_parameters(w, visible_bias, hidden_bias)
    h0 = machine.transform(v0)
    h0_sample = (rng.random(h0.shape) < h0).astype(float)
    v1 = machine.visible_probs(h0 if drive_with_probs else h0_sample)
    if sample_reconstruction:
        v1 = (rng.random(v1.shape) < v1).astype(float)
    h1 = machine.transform(v1)
    h_positive = h0_sample if sample_positive else h0
    n = len(v0)
    return (
        lr * (v0.T @ h_positive - v1.T @ h1) / n,
        lr * (v0 - v1).mean(axis=0),
        lr * (h_positive - h1).mean(axis=0),
    )


def _cd1_mistakes(w, visible_bias, hidden_bias, v0, lr, seed, step):
    """{description: (W, visible_bias, hidden_bias) that mistake returns}."""
    old = (w, visible_bias, hidden_bias)
    n = len(v0)

    def updated(changes):
        return tuple(p + d for p, d in zip(old, changes, strict=True))

    def variant(**switches):
        return updated(_cd1_by_hand(w, visible_bias, hidden_bias, v0, lr, seed, **switches))

    return {
        "the sign is flipped: the update is <v h>_data - <v h>_model (positive phase minus "
        "negative phase), added to the parameters (gradient ascent on the log-likelihood)": (
            updated(tuple(-d for d in step))
        ),
        "the 1/batch averaging is missing: divide the statistics by the number of rows": (
            updated(tuple(n * d for d in step))
        ),
        "the learning rate is missing from the update": updated(tuple(d / lr for d in step)),
        "you returned the change, not the updated parameters (old + change)": step,
        "the positive phase uses the sampled hidden states; use the probabilities "
        "p(h | v0) for the statistics and the samples only to drive the reconstruction": (
            variant(sample_positive=True)
        ),
        "the reconstruction is driven by the hidden probabilities; sample h0 first "
        "(h0 = rng.random(shape) < p(h | v0)) and reconstruct from the binary states": (
            variant(drive_with_probs=True)
        ),
        "the reconstruction was sampled; keep it as the probabilities p(v | h0) "
        "(Hinton's practical guide)": variant(sample_reconstruction=True),
    }


def _as_three_arrays(result, shapes, what):
    if not isinstance(result, tuple | list) or len(result) != 3:
        raise AssertionError(
            f"{what} should return three arrays (W, visible_bias, hidden_bias), got "
            f"{type(result).__name__}"
        )
    arrays = [np.asarray(value, dtype=float) for value in result]
    for name, array, shape in zip(
        ("W", "visible_bias", "hidden_bias"), arrays, shapes, strict=True
    ):
        if array.shape != shape:
            hint = ""
            if name == "W" and array.shape == shape[::-1]:
                hint = (
                    " W is transposed: in this course W has shape (n_visible, n_hidden) and the "
                    "statistics are v.T @ h"
                )
            raise AssertionError(f"{name} should have shape {shape}, got {array.shape}.{hint}")
    return arrays


def check_cd1_update(fn: Callable) -> None:
    """Check a student's CD-1 update ``fn(W, visible_bias, hidden_bias, v0, lr, rng)``.

    ``fn`` returns the updated ``(W, visible_bias, hidden_bias)`` after one step of CD-1 on the
    batch ``v0`` (Hinton 2002; the recipe of Hinton's 2010 guide, as in :mod:`lib.rbm`):

    - ``h0 = sigmoid(v0 @ W + hidden_bias)``; sample it with ONE draw
      ``h0_sample = rng.random(h0.shape) < h0``;
    - ``v1 = sigmoid(h0_sample @ W.T + visible_bias)`` (probabilities), ``h1 = sigmoid(v1 @ W
      + hidden_bias)``;
    - ``W += lr * (v0.T @ h0 - v1.T @ h1) / N``, ``visible_bias += lr * mean(v0 - v1)``,
      ``hidden_bias += lr * mean(h0 - h1)``.

    The reference is :meth:`lib.rbm.RBM.cd_gradients` with the same seeded ``rng``. A wrong
    answer names the likely mistake (sign flipped, averaging missing, samples where the
    probabilities belong, W transposed, ...); on success one line is printed.
    """
    w, visible_bias, hidden_bias, v0 = _rbm_problem()
    lr, seed = 0.1, 3
    machine = rbm.RBM.from_parameters(w, visible_bias, hidden_bias)
    step = tuple(lr * g for g in machine.cd_gradients(v0, k=1, rng=seed))
    expected = [p + d for p, d in zip((w, visible_bias, hidden_bias), step, strict=True)]
    signature = "fn(W, visible_bias, hidden_bias, v0, lr, rng)"
    result = _call_student(
        fn, (w, visible_bias, hidden_bias, v0, lr, np.random.default_rng(seed)), signature
    )
    got = _as_three_arrays(result, [p.shape for p in expected], "your CD-1 update")
    names = ("W", "visible_bias", "hidden_bias")
    wrong = [i for i in range(3) if not np.allclose(got[i], expected[i], rtol=_RBM_RTOL, atol=1e-9)]
    if not wrong:
        print("✓ CD-1 update: W, visible_bias and hidden_bias match lib.rbm.")
        return
    first = wrong[0]
    error = np.abs(got[first] - expected[first]).max()
    message = (
        f"CD-1 update: {names[first]} differs from lib.rbm by up to {error:.3g} "
        f"(wrong: {', '.join(names[i] for i in wrong)})."
    )
    for description, values in _cd1_mistakes(
        w, visible_bias, hidden_bias, v0, lr, seed, step
    ).items():
        if all(np.allclose(got[i], values[i], rtol=_RBM_RTOL, atol=1e-9) for i in wrong):
            raise AssertionError(f"{message}\nLikely mistake: {description}.")
    raise AssertionError(
        f"{message}\nCheck the formulas in the docstring, and that the only random draw is "
        "rng.random(h0.shape) for the hidden sample."
    )


def _free_energy_mistakes(v, w, visible_bias, hidden_bias):
    pre = v @ w + hidden_bias
    softplus = np.logaddexp(0.0, pre).sum(axis=1)
    bias_term = v @ visible_bias
    return {
        "the sign of the visible-bias term is flipped: F(v) = -v·b - sum_j log(1 + e^(...))": (
            bias_term - softplus
        ),
        "the log(1 + exp(.)) is missing around c_j + v W_j: summing out a binary h_j gives "
        "log(1 + e^x), not x": -bias_term - pre.sum(axis=1),
        "the whole sign is flipped: you returned -F(v), the unnormalised log-probability": (
            bias_term + softplus
        ),
        "the hidden bias is missing inside log(1 + exp(hidden_bias + v @ W))": (
            -bias_term - np.logaddexp(0.0, v @ w).sum(axis=1)
        ),
        "the visible-bias term -v·b is missing": -softplus,
    }


def check_free_energy(fn: Callable) -> None:
    """Check a student's ``fn(v, W, visible_bias, hidden_bias)`` -> free energy of each row.

    The reference is :meth:`lib.rbm.RBM.free_energy`,
    ``F(v) = -v @ visible_bias - sum_j log(1 + exp(hidden_bias_j + (v @ W)_j))``, one value per
    row of ``v``. A wrong answer names the likely mistake (sign of the bias term,
    ``log(1 + exp)`` missing, ...); on success one line is printed.
    """
    w, visible_bias, hidden_bias, v = _rbm_problem(seed=1)
    expected = rbm.RBM.from_parameters(w, visible_bias, hidden_bias).free_energy(v)
    signature = "fn(v, W, visible_bias, hidden_bias)"
    got = _call_student(fn, (v, w, visible_bias, hidden_bias), signature)
    got = np.asarray(got, dtype=float)
    if got.shape != expected.shape:
        raise AssertionError(
            f"free energy: expected one value per row of v, shape {expected.shape}, got shape "
            f"{got.shape}. Sum over the hidden units (axis=1), not over the samples."
        )
    if np.allclose(got, expected, rtol=_RBM_RTOL, atol=1e-9):
        print("✓ free energy: matches lib.rbm on every row.")
        return
    message = f"free energy: expected {np.round(expected[:3], 4)}..., got {np.round(got[:3], 4)}..."
    for description, values in _free_energy_mistakes(v, w, visible_bias, hidden_bias).items():
        if np.allclose(got, values, rtol=_RBM_RTOL, atol=1e-9):
            raise AssertionError(f"{message}\nLikely mistake: {description}.")
    raise AssertionError(f"{message}\nCheck each term of F(v) against the docstring.")


def check_at_least(got, minimum: float, *, what: str, hint: str = "") -> None:
    """Check that a numeric answer ``got`` is at least ``minimum`` (a score, a likelihood).

    ``hint`` says what usually went wrong when it is not; on success one line is printed.
    """
    if isinstance(got, bool) or not isinstance(got, int | float | np.integer | np.floating):
        raise AssertionError(f"{what}: expected a number, got {got!r}")
    if math.isfinite(got) and got >= minimum:
        print(f"✓ {what}: {got:.4g} (at least {minimum:.4g}).")
        return
    message = f"{what}: expected at least {minimum:.4g}, got {got:.4g}."
    raise AssertionError(f"{message}\nLikely mistake: {hint}." if hint else message)
