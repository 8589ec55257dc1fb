"""The forward-only experiment of chapter 8 and its closed form (see :mod:`lib.residual`)."""

import numbers
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from lib import activations, theory
from lib.initializers import std_of
from lib.residual.model import (
    _RECTIFIER_SLOPES,
    GATES,
    NORMS,
    ResidualMLP,
    branch_scale_factor,
)
from lib.validation import as_positive, as_rng, check_choice, positive_int


@dataclass(frozen=True)
class StreamStds:
    """Per-block stds of a residual stack at init, measured (:func:`residual_stream_stds`) or
    predicted (:func:`stream_std_theory`).

    - ``stream[k]``: std of ``h_k``, ``k = 0 .. L`` (``stream[0]`` is the input's).
    - ``branch[k]``: std of block ``k``'s branch output ``r_k = F_k(N_k(h_k))``.
    - ``update[k]``: std of what block ``k`` adds, ``alpha_k r_k`` (0 for ReZero at init).
    """

    stream: np.ndarray
    branch: np.ndarray
    update: np.ndarray


def residual_stream_stds(
    n_blocks=50,
    width=256,
    hidden=None,
    branch_scale="none",
    gate="none",
    norm=None,
    init="he_normal",
    activation="relu",
    n_samples=500,
    rng=0,
) -> StreamStds:
    """Push ``x ~ N(0, 1)`` of shape ``(n_samples, width)`` through ``n_blocks`` untrained
    residual blocks and measure the std of the stream and of each branch, block by block.

    The blocks are those of ``ResidualMLP(width, width, n_blocks, 2, ...)`` with the same
    options, fed with ``h_0 = x`` (its input projection and output layer are not used); ``rng``
    draws the network, then ``x``. Only the stds are kept, so 50 blocks of width 256 on 500
    samples take a fraction of a second. :func:`stream_std_theory` predicts the same numbers.
    A stream that overflows raises FloatingPointError naming the block (plain He blocks pass
    1e308 after about 1290 blocks).

    >>> plain = residual_stream_stds(n_blocks=8, width=128, n_samples=200)
    >>> gated = residual_stream_stds(n_blocks=8, width=128, gate="rezero", n_samples=200)
    >>> bool(plain.stream[8] > 30), bool(np.all(gated.stream == gated.stream[0]))  # 3^4 = 81
    (True, True)
    """
    width, n_samples = positive_int("width", width), positive_int("n_samples", n_samples)
    rng = as_rng(rng)
    net = ResidualMLP(
        width, width, n_blocks, 2, hidden, activation, init, branch_scale, gate, norm, rng
    )
    h = rng.standard_normal((n_samples, net.width))
    stream, branch, update = [h.std()], [], []
    # One BLAS thread: as fast on two idle cores, and several times faster on busy ones.
    with np.errstate(over="ignore", invalid="ignore"), threadpool_limits(1, user_api="blas"):
        for k in range(net.n_blocks):
            block = net._block(k, h)
            h = block.output
            stream.append(h.std())
            branch.append(block.branch.std())
            update.append(np.std(net._gate(k) * block.branch))
    return StreamStds(np.array(stream), np.array(branch), np.array(update))


def branch_gain(
    width=256, hidden=None, branch_scale="none", n_blocks=50, init="he_normal", activation="relu"
) -> float:
    """``c = Var(F(u)) / E[u^2]``, what one untrained branch multiplies its input's second
    moment by: ``c = s^2 (d s1^2)(m s2^2)(1 + lam^2)/2`` (module docstring), ``s`` the
    :func:`branch_scale_factor`, ``s1``, ``s2`` the stds ``init`` draws ``W1 (d, m)`` and
    ``W2 (m, d)`` with, ``lam`` the activation's negative slope.

    ``init`` is an initializer name (its std from :func:`lib.initializers.std_of`) or a float
    std; ``activation`` ``relu``, ``leaky_relu`` or ``identity``, the functions with
    ``E[f(z)^2] = (1 + lam^2)/2 Var(z)`` for every symmetric ``z``. He in both layers and ReLU
    give 2, LeCun (gain 1) gives 1/2: the branch then shrinks its input.

    >>> [round(branch_gain(**option), 6) for option in ({}, {"branch_scale": "gpt2"},
    ...                                                  {"init": "lecun_normal"})]
    [2.0, 0.04, 0.5]
    """
    d = positive_int("width", width)
    m = d if hidden is None else positive_int("hidden", hidden)
    s = branch_scale_factor(branch_scale, n_blocks)
    f = activations.get(activation)
    if f.name not in _RECTIFIER_SLOPES:
        raise ValueError(
            f"the closed form needs E[f(z)^2] = (1 + slope^2)/2 Var(z), which holds for "
            f"{', '.join(_RECTIFIER_SLOPES)}; got activation {f.label!r}"
        )
    slope = _RECTIFIER_SLOPES[f.name]
    slope = f.params["negative_slope"] if slope is None else slope
    if isinstance(init, str):
        s1, s2 = std_of(init, (d, m)), std_of(init, (m, d))
    elif isinstance(init, numbers.Real) and not isinstance(init, bool):
        s1 = s2 = as_positive("init", init)
    else:
        raise ValueError(
            f"the closed form needs init as an initializer name or a float std, got {init!r}"
        )
    return s**2 * (d * s1**2) * (m * s2**2) * theory.rectifier_factor(slope)


def stream_std_theory(
    n_blocks=50,
    width=256,
    hidden=None,
    branch_scale="none",
    gate="none",
    norm=None,
    init="he_normal",
    activation="relu",
    input_std=1.0,
) -> StreamStds:
    """The stds :func:`residual_stream_stds` measures, in closed form, with ``q_k = E[h_k^2]``,
    ``c`` = :func:`branch_gain` and ``alpha`` the gates at init (1, or 0 for ReZero)::

        E[u_k^2]  = q_k, or 1 with pre-LN
        Var(r_k)  = c E[u_k^2]
        q_{k+1}   = q_k + alpha^2 Var(r_k)

    that is ``q_k = q_0 (1 + alpha^2 c)^k`` without normalization and ``q_0 + k alpha^2 c``
    with pre-LN (module docstring), from ``q_0 = input_std^2``.

    >>> plain = stream_std_theory()  # He, ReLU: c = 2, std(h_k) = 3^(k/2)
    >>> plain.stream[[1, 2, 50]]
    array([1.73205081e+00, 3.00000000e+00, 8.47288609e+11])
    >>> [round(float(stream_std_theory(**fix).stream[50]), 2)
    ...  for fix in ({"branch_scale": "gpt2"}, {"gate": "rezero"}, {"norm": "pre_ln"})]
    [2.67, 1.0, 10.05]
    """
    c = branch_gain(width, hidden, branch_scale, n_blocks, init, activation)
    check_choice(gate, GATES, "gate")
    check_choice(norm, NORMS, "norm")
    alpha = 0.0 if gate == "rezero" else 1.0
    q = [as_positive("input_std", input_std) ** 2]
    branch_variance = []
    for k in range(n_blocks):
        branch_variance.append(c * (1.0 if norm == "pre_ln" else q[k]))
        q.append(q[k] + alpha**2 * branch_variance[k])
    branch = np.sqrt(branch_variance)
    return StreamStds(np.sqrt(q), branch, alpha * branch)
