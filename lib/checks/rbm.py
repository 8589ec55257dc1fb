"""Checks of chapter 6's exercises: one CD-1 update and the free energy, with named mistakes."""

from collections.abc import Callable

import numpy as np

from lib import rbm
from lib.checks.failure import CheckFailed
from lib.checks.guard import own_work as _own_work
from lib.checks.messages import say

# --- chapter 6: restricted Boltzmann machines ------------------------------------------------

#: The small RBM the RBM checks run on: n_visible != n_hidden, so a transposed W cannot pass.
RBM_CHECK_SHAPE = (7, 5, 3)  # (batch, n_visible, n_hidden)
_RBM_RTOL = 1e-6


def _rbm_problem(seed: int = 0, shape=RBM_CHECK_SHAPE):
    """A random RBM (W, visible_bias, hidden_bias) and a batch of grey visible values."""
    n_samples, n_visible, n_hidden = shape
    if n_visible == n_hidden:
        raise ValueError(f"shape needs n_visible != n_hidden to catch a transposed W, got {shape}")
    rng = np.random.default_rng(seed)
    w = rng.normal(0.0, 0.8, (n_visible, n_hidden))
    visible_bias = rng.normal(0.0, 0.5, n_visible)
    hidden_bias = rng.normal(0.0, 0.5, n_hidden)
    v0 = rng.random((n_samples, n_visible))
    return w, visible_bias, hidden_bias, v0


def _call_student(fn: Callable, args: tuple, signature: str):
    __tracebackhide__ = True  # IPython and pytest hide this frame: students see their own
    try:
        return fn(*(np.array(arg) if isinstance(arg, np.ndarray) else arg for arg in args))
    except (ValueError, IndexError) as error:
        raise CheckFailed(
            say(
                "rbm.call_failed",
                signature=signature,
                error_type=type(error).__name__,
                error=error,
            )
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
    """{message key of the mistake: (W, visible_bias, hidden_bias) that mistake returns}."""
    old = (w, visible_bias, hidden_bias)
    n = len(v0)

    def updated(changes):
        return tuple(p + d for p, d in zip(old, changes, strict=True))

    def variant(**switches):
        return updated(_cd1_by_hand(w, visible_bias, hidden_bias, v0, lr, seed, **switches))

    return {
        "rbm.cd1.sign": updated(tuple(-d for d in step)),
        "rbm.cd1.no_average": updated(tuple(n * d for d in step)),
        "rbm.cd1.no_rate": updated(tuple(d / lr for d in step)),
        "rbm.cd1.change_only": step,
        "rbm.cd1.sampled_positive": variant(sample_positive=True),
        "rbm.cd1.driven_by_probs": variant(drive_with_probs=True),
        "rbm.cd1.sampled_reconstruction": variant(sample_reconstruction=True),
    }


def _as_three_arrays(result, shapes, what):
    if not isinstance(result, tuple | list) or len(result) != 3:
        raise CheckFailed(say("rbm.not_three", what=what, type=type(result).__name__))
    arrays = [np.asarray(value, dtype=float) for value in result]
    for name, array, shape in zip(
        ("W", "visible_bias", "hidden_bias"), arrays, shapes, strict=True
    ):
        if array.shape != shape:
            message = say("rbm.wrong_shape", name=name, shape=shape, got=array.shape)
            if name == "W" and array.shape == shape[::-1]:
                message += say("rbm.transposed")
            raise CheckFailed(message)
    return arrays


def check_cd1_update(
    fn: Callable, *, shape=RBM_CHECK_SHAPE, seed: int = 0, own_work: bool = False
) -> None:
    """Check a student's CD-1 update ``fn(W, visible_bias, hidden_bias, v0, lr, rng)``.

    ``fn`` returns the updated ``(W, visible_bias, hidden_bias)`` after one step of CD-1 on the
    batch ``v0`` (Hinton 2002; the recipe of Hinton's 2010 guide, as in :mod:`lib.rbm`):

    - ``h0 = sigmoid(v0 @ W + hidden_bias)``; sample it with ONE draw
      ``h0_sample = rng.random(h0.shape) < h0``;
    - ``v1 = sigmoid(h0_sample @ W.T + visible_bias)`` (probabilities), ``h1 = sigmoid(v1 @ W
      + hidden_bias)``;
    - ``W += lr * (v0.T @ h0 - v1.T @ h1) / N``, ``visible_bias += lr * mean(v0 - v1)``,
      ``hidden_bias += lr * mean(h0 - h1)``.

    The reference is :meth:`lib.rbm.RBM.cd_gradients` with the same seeded ``rng``, on a random
    machine and batch of ``shape = (batch, n_visible, n_hidden)`` drawn from ``seed``. A wrong
    answer names the likely mistake (sign flipped, averaging missing, samples where the
    probabilities belong, W transposed, ...); on success one line is printed. With
    ``own_work=True`` (graded homework) ``fn`` must not call anything in ``lib``.
    """
    __tracebackhide__ = True  # IPython and pytest hide this frame: students see their own
    w, visible_bias, hidden_bias, v0 = _rbm_problem(seed, shape)
    lr, draw_seed = 0.1, seed + 3  # the student's rng and the reference's: seeded alike
    if own_work:
        fn = _own_work(fn)
    machine = rbm.RBM.from_parameters(w, visible_bias, hidden_bias)
    step = tuple(lr * g for g in machine.cd_gradients(v0, k=1, rng=draw_seed))
    expected = [p + d for p, d in zip((w, visible_bias, hidden_bias), step, strict=True)]
    signature = "fn(W, visible_bias, hidden_bias, v0, lr, rng)"
    result = _call_student(
        fn, (w, visible_bias, hidden_bias, v0, lr, np.random.default_rng(draw_seed)), signature
    )
    got = _as_three_arrays(result, [p.shape for p in expected], say("rbm.cd1.what"))
    names = ("W", "visible_bias", "hidden_bias")
    wrong = [i for i in range(3) if not np.allclose(got[i], expected[i], rtol=_RBM_RTOL, atol=1e-9)]
    if not wrong:
        print(say("rbm.cd1.correct"))
        return
    first = wrong[0]
    error = np.abs(got[first] - expected[first]).max()
    message = say(
        "rbm.cd1.differs",
        name=names[first],
        error=error,
        wrong=", ".join(names[i] for i in wrong),
    )
    for key, values in _cd1_mistakes(w, visible_bias, hidden_bias, v0, lr, draw_seed, step).items():
        if all(np.allclose(got[i], values[i], rtol=_RBM_RTOL, atol=1e-9) for i in wrong):
            raise CheckFailed(message + say("likely_mistake", mistake=say(key)))
    raise CheckFailed(message + say("rbm.cd1.unknown"))


def _free_energy_mistakes(v, w, visible_bias, hidden_bias):
    pre = v @ w + hidden_bias
    softplus = np.logaddexp(0.0, pre).sum(axis=1)
    bias_term = v @ visible_bias
    return {
        "rbm.free.bias_sign": bias_term - softplus,
        "rbm.free.no_softplus": -bias_term - pre.sum(axis=1),
        "rbm.free.whole_sign": bias_term + softplus,
        "rbm.free.no_hidden_bias": -bias_term - np.logaddexp(0.0, v @ w).sum(axis=1),
        "rbm.free.no_bias_term": -softplus,
    }


def check_free_energy(
    fn: Callable, *, shape=RBM_CHECK_SHAPE, seed: int = 1, own_work: bool = False
) -> None:
    """Check a student's ``fn(v, W, visible_bias, hidden_bias)`` -> free energy of each row.

    The reference is :meth:`lib.rbm.RBM.free_energy`,
    ``F(v) = -v @ visible_bias - sum_j log(1 + exp(hidden_bias_j + (v @ W)_j))``, one value per
    row of ``v``, on a random machine and batch of ``shape = (batch, n_visible, n_hidden)``
    drawn from ``seed``. A wrong answer names the likely mistake (sign of the bias term,
    ``log(1 + exp)`` missing, ...); on success one line is printed. With ``own_work=True``
    (graded homework) ``fn`` must not call anything in ``lib``.
    """
    __tracebackhide__ = True  # IPython and pytest hide this frame: students see their own
    w, visible_bias, hidden_bias, v = _rbm_problem(seed, shape)
    if own_work:
        fn = _own_work(fn)
    expected = rbm.RBM.from_parameters(w, visible_bias, hidden_bias).free_energy(v)
    signature = "fn(v, W, visible_bias, hidden_bias)"
    got = _call_student(fn, (v, w, visible_bias, hidden_bias), signature)
    got = np.asarray(got, dtype=float)
    if got.shape != expected.shape:
        raise CheckFailed(say("rbm.free.wrong_shape", expected=expected.shape, got=got.shape))
    if np.allclose(got, expected, rtol=_RBM_RTOL, atol=1e-9):
        print(say("rbm.free.correct"))
        return
    message = say("rbm.free.wrong", expected=np.round(expected[:3], 4), got=np.round(got[:3], 4))
    for key, values in _free_energy_mistakes(v, w, visible_bias, hidden_bias).items():
        if np.allclose(got, values, rtol=_RBM_RTOL, atol=1e-9):
            raise CheckFailed(message + say("likely_mistake", mistake=say(key)))
    raise CheckFailed(message + say("rbm.free.unknown"))
