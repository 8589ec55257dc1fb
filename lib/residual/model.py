"""The residual classifier: its parameters, forward and backward pass and training (see
:mod:`lib.residual` for the formulas)."""

import math
from dataclasses import dataclass, fields

import numpy as np

from lib import activations
from lib.initializers import draw_weights, resolve
from lib.network import softmax_cross_entropy
from lib.normalization import NormCache, layer_norm, layer_norm_backward
from lib.training import SGDClassifier
from lib.validation import (
    as_inputs,
    as_labels,
    as_name_or_positive,
    as_rng,
    check_choice,
    check_finite,
    positive_int,
)

BRANCH_SCALES = ("none", "gpt2", "zero")  # or a positive float
GATES = ("none", "rezero")
NORMS = (None, "pre_ln")
# The closed form needs E[f(z)^2] = (1 + lam^2)/2 Var(z): rectifiers of slope lam (identity: 1).
_RECTIFIER_SLOPES = {"relu": 0.0, "identity": 1.0, "leaky_relu": None}


def branch_scale_factor(branch_scale, n_blocks: int) -> float:
    """What ``W2`` is multiplied by at init: 1 (``"none"``), ``1/sqrt(n_blocks)`` (``"gpt2"``,
    one residual branch per block), 0 (``"zero"``), or the float given.

    >>> [branch_scale_factor(scale, n_blocks=16) for scale in ("none", "gpt2", "zero", 0.5)]
    [1.0, 0.25, 0.0, 0.5]
    """
    branch_scale = as_name_or_positive("branch_scale", branch_scale, BRANCH_SCALES)
    n_blocks = positive_int("n_blocks", n_blocks)
    named = {"none": 1.0, "gpt2": 1.0 / math.sqrt(n_blocks), "zero": 0.0}
    return named[branch_scale] if isinstance(branch_scale, str) else branch_scale


@dataclass
class ResidualParameters:
    """Every parameter of a :class:`ResidualMLP` (and, as :class:`ResidualGradients`, the
    gradient of each). Lists hold one array per block ``k``; ``None`` marks what the network
    does not have (``alpha`` without ``gate="rezero"``, the gammas and betas without pre-LN).

    - ``w_in (n_inputs, d)``, ``b_in (d,)``; ``w_out (d, n_classes)``, ``b_out (n_classes,)``.
    - ``w1[k] (d, m)``, ``b1[k] (m,)``, ``w2[k] (m, d)``, ``b2[k] (d,)``: block ``k``'s branch.
    - ``alpha (L,)``: the gates. ``gamma[k]``, ``beta[k]`` ``(d,)``: block ``k``'s LayerNorm;
      ``gamma_out``, ``beta_out``: the final one.

    The arrays are the network's own: change them in place to load or perturb weights.
    """

    w_in: np.ndarray
    b_in: np.ndarray
    w1: list[np.ndarray]
    b1: list[np.ndarray]
    w2: list[np.ndarray]
    b2: list[np.ndarray]
    alpha: np.ndarray | None
    gamma: list[np.ndarray] | None
    beta: list[np.ndarray] | None
    gamma_out: np.ndarray | None
    beta_out: np.ndarray | None
    w_out: np.ndarray
    b_out: np.ndarray

    def named(self) -> list[tuple[str, np.ndarray]]:
        """``(name, array)`` for every trained array, in field order (``"w1[0]"``, ...)."""
        named = []
        for spec in fields(ResidualParameters):
            value = getattr(self, spec.name)
            if isinstance(value, list):
                named += [(f"{spec.name}[{k}]", array) for k, array in enumerate(value)]
            elif value is not None:
                named.append((spec.name, value))
        return named


@dataclass
class ResidualGradients(ResidualParameters):
    """``dloss/d`` every parameter (the fields of :class:`ResidualParameters`), plus
    ``inputs = dloss/dx`` and ``stream[k] = dloss/dh_k`` for ``k = 0 .. L``."""

    inputs: np.ndarray
    stream: list[np.ndarray]


@dataclass
class BlockTrace:
    """One block's forward pass: ``branch_input`` ``u_k``, ``norm_cache`` (LayerNorm's, or
    None), ``pre_activation`` ``z_k``, ``hidden`` ``a_k``, ``branch`` ``r_k = F_k(u_k)`` and
    ``output`` ``h_{k+1} = h_k + alpha_k r_k``."""

    branch_input: np.ndarray
    norm_cache: NormCache | None
    pre_activation: np.ndarray
    hidden: np.ndarray
    branch: np.ndarray
    output: np.ndarray


@dataclass
class ResidualTrace:
    """The forward pass: ``inputs`` ``x``, ``stream`` ``[h_0, ..., h_L]``, ``blocks`` (one
    :class:`BlockTrace` each), ``top`` ``t`` with ``top_cache`` (the final LayerNorm's, or
    None) and ``logits``."""

    inputs: np.ndarray
    stream: list[np.ndarray]
    blocks: list[BlockTrace]
    top: np.ndarray
    top_cache: NormCache | None
    logits: np.ndarray


class ResidualMLP(SGDClassifier):
    """Residual classifier: an input projection, ``n_blocks`` blocks
    ``h + alpha * F(N(h))`` with two-layer branches, an output layer and the softmax
    cross-entropy (every formula in the module docstring).

    Parameters
    ----------
    n_inputs, width, n_blocks, n_classes : int
        The input's width, the stream's width ``d``, the number of blocks ``L``, the classes.
    hidden : int or None
        The branches' hidden width ``m`` (default: ``width``).
    activation, init, rng
        As for :class:`lib.network.MLP`; ``init`` draws every weight, in the order ``W_in``,
        then ``W1_k, W2_k`` block by block, then ``W_out``. Biases start at zero.
    branch_scale : "none", "gpt2", "zero" or a positive float
        ``W2_k`` is drawn by ``init`` and multiplied by :func:`branch_scale_factor`, so the
        other weights equal those of ``"none"`` for the same ``rng``.
    gate : "none" or "rezero"
        ``"rezero"`` makes ``alpha_k`` a trained scalar starting at 0; otherwise it is 1.
    norm : None or "pre_ln"
        ``"pre_ln"`` puts a LayerNorm (gamma 1, beta 0, trained) before every branch and
        one before the output layer.

    The parameters are :attr:`params`, a :class:`ResidualParameters`.

    Examples
    --------
    >>> net = ResidualMLP(64, 32, 4, 10, branch_scale="zero", rng=0)
    >>> trace = net.forward(np.ones((2, 64)))
    >>> len(trace.stream), bool(np.all(trace.stream[4] == trace.stream[0]))  # identity blocks
    (5, True)
    >>> ResidualMLP(64, 32, 4, 10, norm="post_ln")
    Traceback (most recent call last):
    ...
    ValueError: norm must be one of (None, 'pre_ln'), got 'post_ln'
    """

    def __init__(
        self,
        n_inputs,
        width,
        n_blocks,
        n_classes,
        hidden=None,
        activation="relu",
        init="he_normal",
        branch_scale="none",
        gate="none",
        norm=None,
        rng=None,
    ):
        self.n_inputs = positive_int("n_inputs", n_inputs)
        self.width = d = positive_int("width", width)
        self.n_blocks = n = positive_int("n_blocks", n_blocks)
        self.n_classes = positive_int("n_classes", n_classes)
        self.hidden = m = d if hidden is None else positive_int("hidden", hidden)
        self.activation = activations.get(activation)
        self.branch_scale = as_name_or_positive("branch_scale", branch_scale, BRANCH_SCALES)
        check_choice(gate, GATES, "gate")
        check_choice(norm, NORMS, "norm")
        self.gate, self.norm = gate, norm
        shapes = [(self.n_inputs, d), *[(d, m), (m, d)] * n, (d, self.n_classes)]
        drawn = draw_weights(resolve(init), shapes, as_rng(rng))
        factor = branch_scale_factor(self.branch_scale, n)
        ln = norm == "pre_ln"
        self.params = ResidualParameters(
            w_in=drawn[0],
            b_in=np.zeros(d),
            w1=drawn[1:-1:2],
            b1=[np.zeros(m) for _ in range(n)],
            w2=[factor * w for w in drawn[2:-1:2]],
            b2=[np.zeros(d) for _ in range(n)],
            alpha=np.zeros(n) if gate == "rezero" else None,
            gamma=[np.ones(d) for _ in range(n)] if ln else None,
            beta=[np.zeros(d) for _ in range(n)] if ln else None,
            gamma_out=np.ones(d) if ln else None,
            beta_out=np.zeros(d) if ln else None,
            w_out=drawn[-1],
            b_out=np.zeros(self.n_classes),
        )

    def __repr__(self):
        return (
            f"ResidualMLP(n_inputs={self.n_inputs}, width={self.width}, "
            f"n_blocks={self.n_blocks}, n_classes={self.n_classes}, hidden={self.hidden}, "
            f"activation={self.activation.label!r}, branch_scale={self.branch_scale!r}, "
            f"gate={self.gate!r}, norm={self.norm!r})"
        )

    # --- forward and backward ----------------------------------------------------------------

    def _gate(self, k):
        return 1.0 if self.params.alpha is None else self.params.alpha[k]

    def _block(self, k, h):
        """Block ``k`` applied to the stream ``h`` (finite), as a :class:`BlockTrace`."""
        p = self.params
        u, cache = (h, None) if p.gamma is None else layer_norm(h, p.gamma[k], p.beta[k])
        z = u @ p.w1[k] + p.b1[k]
        check_finite(f"pre-activations of block {k}", z)
        a = self.activation(z)
        r = a @ p.w2[k] + p.b2[k]
        h_next = h + self._gate(k) * r
        check_finite(f"the stream after block {k}", h_next)
        return BlockTrace(u, cache, z, a, r, h_next)

    def forward(self, x):
        """Run ``x`` of shape ``(N, n_inputs)`` through the network; a :class:`ResidualTrace`."""
        return self._forward(as_inputs("x", x, self.n_inputs))

    def _forward(self, x):
        p = self.params
        # Overflow is checked explicitly, so numpy's own warning would only repeat it.
        with np.errstate(over="ignore", invalid="ignore"):
            stream = [x @ p.w_in + p.b_in]
            check_finite("the input projection", stream[0])
            blocks = []
            for k in range(self.n_blocks):
                blocks.append(self._block(k, stream[k]))
                stream.append(blocks[k].output)
            top, top_cache = (
                (stream[-1], None)
                if p.gamma_out is None
                else layer_norm(stream[-1], p.gamma_out, p.beta_out)
            )
            logits = top @ p.w_out + p.b_out
            check_finite("the logits", logits)
        return ResidualTrace(x, stream, blocks, top, top_cache, logits)

    def loss_and_grads(self, x, y):
        """Mean softmax cross-entropy on ``(x, y)`` and its :class:`ResidualGradients`."""
        x = as_inputs("x", x, self.n_inputs)
        return self._loss_and_grads(x, as_labels("y", y, len(x), self.n_classes))

    def _loss_and_grads(self, x, y):
        trace = self._forward(x)
        p, n = self.params, self.n_blocks
        with np.errstate(over="ignore", invalid="ignore"):
            loss, grad_logits = softmax_cross_entropy(trace.logits, y)
            check_finite("the loss", loss)
            grad_w_out = trace.top.T @ grad_logits
            grad_b_out = grad_logits.sum(axis=0)
            grad_top = grad_logits @ p.w_out.T
            check_finite("gradients of the output layer", grad_w_out, grad_top)
            grad_gamma_out = grad_beta_out = None
            if trace.top_cache is None:
                grad_h = grad_top
            else:
                grad_h, grad_gamma_out, grad_beta_out = layer_norm_backward(
                    grad_top, trace.top_cache
                )
            grad_stream = [None] * n + [grad_h]
            grad_w1, grad_b1, grad_w2, grad_b2 = ([None] * n for _ in range(4))
            grad_gamma, grad_beta = ([None] * n, [None] * n) if p.gamma is not None else (None,) * 2
            grad_alpha = None if p.alpha is None else np.zeros(n)
            for k in reversed(range(n)):
                block, g = trace.blocks[k], grad_stream[k + 1]
                if grad_alpha is not None:
                    grad_alpha[k] = np.sum(g * block.branch)
                grad_r = self._gate(k) * g
                grad_w2[k] = block.hidden.T @ grad_r
                grad_b2[k] = grad_r.sum(axis=0)
                grad_z = (grad_r @ p.w2[k].T) * self.activation.derivative(block.pre_activation)
                grad_w1[k] = block.branch_input.T @ grad_z
                grad_b1[k] = grad_z.sum(axis=0)
                grad_u = grad_z @ p.w1[k].T
                check_finite(f"gradients of block {k}", grad_w2[k], grad_w1[k], grad_u)
                if block.norm_cache is not None:
                    grad_u, grad_gamma[k], grad_beta[k] = layer_norm_backward(
                        grad_u, block.norm_cache
                    )
                grad_stream[k] = g + grad_u
                check_finite(f"gradients of the stream before block {k}", grad_stream[k])
            grad_w_in = x.T @ grad_stream[0]
            grad_b_in = grad_stream[0].sum(axis=0)
            grad_x = grad_stream[0] @ p.w_in.T
            check_finite("gradients of the input projection", grad_w_in, grad_x)
        grads = ResidualGradients(
            grad_w_in, grad_b_in, grad_w1, grad_b1, grad_w2, grad_b2, grad_alpha, grad_gamma,
            grad_beta, grad_gamma_out, grad_beta_out, grad_w_out, grad_b_out,
            inputs=grad_x, stream=grad_stream,
        )  # fmt: skip
        return loss, grads

    # --- using and training the network ------------------------------------------------------

    def predict(self, x):
        """Predicted class index for every row of ``x``: the largest logit."""
        return self.forward(x).logits.argmax(axis=1)

    def accuracy(self, x, y):
        """Fraction of rows of ``x`` whose predicted class equals ``y``."""
        x = as_inputs("x", x, self.n_inputs)
        return self._accuracy(x, as_labels("y", y, len(x), self.n_classes))

    def _accuracy(self, x, y):
        return float(np.mean(self._forward(x).logits.argmax(axis=1) == y))

    def _parameter_groups(self, grads=None):
        """Every trained array (or its gradient in ``grads``) as a group of its own, by name."""
        return [(name, [array]) for name, array in (grads or self.params).named()]

    def _sgd_step(self, lr, momentum, batch_size, n_samples):
        """:meth:`fit`'s step on one batch: backprop and the momentum update of every trained
        array (the gates and LayerNorms included)."""
        velocities = self._velocities()

        def step(x_batch, y_batch):
            loss, grads = self._loss_and_grads(x_batch, y_batch)
            self._momentum_step(grads, velocities, lr, momentum)
            return loss

        return step
