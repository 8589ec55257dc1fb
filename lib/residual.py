r"""Residual networks at initialization: why the stream grows with depth, and three answers.

A residual block adds a branch to what it receives, ``h_{k+1} = h_k + F_k(h_k)`` (He et al.
2016). At initialization the branch's output is uncorrelated with ``h_k`` (its last weights
have mean zero), so the variances add::

    Var(h_{k+1}) = Var(h_k) + Var(F_k(h_k)) = (1 + c) Var(h_k)

with ``c = Var(F(u)) / E[u^2]`` the branch's variance gain, and after ``k`` blocks the stream's
variance is ``(1 + c)^k`` times the input's. Three standard answers (chapter 8):

- scale each branch's last layer at init (``branch_scale="gpt2"``): GPT-2 "scale[s] the
  weights of residual layers at initialization by a factor of 1/sqrt(N) where N is the number
  of residual layers" (Radford et al. 2019, §2.3). A transformer block holds two branches, so
  code written for it uses ``1/sqrt(2 * n_layer)`` (e.g. Megatron-LM's output-layer init);
  here every block holds one branch, so ``N = n_blocks`` and ``W2`` is multiplied by
  ``1/sqrt(n_blocks)``: ``c`` becomes ``c / L`` and ``(1 + c/L)^L < e^c`` at any depth ``L``;
- start every block as the identity: ``W2 = 0`` (``branch_scale="zero"``, the zero-init part
  of Fixup, Zhang, Dauphin & Ma 2019; Goyal et al. 2017 zero the last BatchNorm's gamma
  instead), or a learned scalar gate ``alpha_k`` that starts at 0 (``gate="rezero"``: SkipInit,
  De & Smith 2020; ReZero, Bachlechner et al. 2021);
- normalize what the branch reads (``norm="pre_ln"``, ``x + F(LN(x))``, Xiong et al. 2020):
  the branch adds a fixed ``c`` per block, so the variance grows linearly, the std as
  ``sqrt(k)``, and each new block's share of the stream shrinks as ``1/k``.

Notation (:class:`ResidualMLP`; one line of math per line of code in ``_block``, ``_forward``
and ``_loss_and_grads``). Weights multiply from the right, shape ``(fan_in, fan_out)``; ``d``
is the stream's width, ``m`` the branch's hidden width, ``L`` the number of blocks::

    h_0     = x @ W_in + b_in                 the input projection, width d
    u_k     = N_k(h_k)                        h_k itself, or LayerNorm(h_k; gamma_k, beta_k)
    z_k     = u_k @ W1_k + b1_k               the branch's pre-activations, width m
    a_k     = f(z_k)
    r_k     = a_k @ W2_k + b2_k               the branch's output F_k(N_k(h_k)), width d
    h_{k+1} = h_k + alpha_k * r_k             alpha_k = 1, or a learned gate (ReZero)
    t       = h_L, or LayerNorm(h_L; gamma_out, beta_out) with pre-LN (GPT-2's final LN)
    logits  = t @ W_out + b_out

and the softmax cross-entropy of :mod:`lib.network`. Backward, with ``g = dloss/dh_{k+1}``::

    dloss/dlogits = (softmax(logits) - onehot(y)) / N
    dW_out   = t.T @ dlogits,   db_out = sum_n dlogits,   dt = dlogits @ W_out.T
    dh_L     = dt, or LayerNorm's backward of dt (which also gives dgamma_out, dbeta_out)
    dalpha_k = sum(g * r_k)                              ReZero only
    dr_k     = alpha_k * g
    dW2_k    = a_k.T @ dr_k,   db2_k = sum_n dr_k
    dz_k     = (dr_k @ W2_k.T) * f'(z_k)
    dW1_k    = u_k.T @ dz_k,   db1_k = sum_n dz_k
    du_k     = dz_k @ W1_k.T, then LayerNorm's backward (dgamma_k, dbeta_k) with pre-LN
    dh_k     = g + du_k                                  the skip path plus the branch's
    dW_in    = x.T @ dh_0,   db_in = sum_n dh_0,   dx = dh_0 @ W_in.T

With ``branch_scale="zero"`` the branch's output does not depend on ``W1`` at step 0, so
``dW1 = 0`` there (``dW2`` is not: ``W2`` leaves zero after one step and ``W1`` learns from the
second); with ``gate="rezero"`` only the gates get a gradient at step 0.

The closed form (:func:`branch_gain`, :func:`stream_std_theory`). Zero biases, i.i.d.
zero-mean weights of variances ``s1^2`` (``W1``) and ``s2^2`` (``W2``, then times the branch
scale ``s``), ``E[u^2] = q``, and a rectifier of negative slope ``lam`` (ReLU: 0)::

    Var(z) = d s1^2 q
    E[a^2] = (1 + lam^2)/2 Var(z)                        z is symmetric (lib.theory)
    Var(r) = s^2 m s2^2 E[a^2] = c q,   c = s^2 (d s1^2)(m s2^2)(1 + lam^2)/2

He init (fan_in) in both layers gives ``d s1^2 = m s2^2 = 2``, so ``c = 2 s^2``: the last
layer keeps ReLU's gain sqrt(2) though no ReLU follows it. With ``q_k = E[h_k^2]``::

    no normalization: q_{k+1} = q_k + alpha^2 c q_k  ->  q_k = q_0 (1 + alpha^2 c)^k
    pre-LN:           q_{k+1} = q_k + alpha^2 c      ->  q_k = q_0 + k alpha^2 c

(``E[LN(h)^2] = 1`` for ``gamma = 1, beta = 0``). For He and ReLU from ``q_0 = 1``: plain,
``std(h_k) = 3^{k/2}`` (``8.5e11`` after 50 blocks); GPT-2's scale, ``(1 + 2/L)^{k/2}``
(2.67 after 50 of 50, below ``e``); zero or ReZero, 1; pre-LN, ``sqrt(1 + 2k)`` (10.05).
These are means over the weights' draws. Each plain block multiplies the stream by a random
gain of mean 3 and relative spread of order ``1/sqrt(d)``; the gains multiply, so one draw of
50 plain blocks of width 256 lands within a factor of about 1.5 (one sd of the log) of
``3^25``, mostly below it. With a fix the measurement agrees within a few percent.

Overflow raises a ``FloatingPointError`` naming where, as in :mod:`lib.network`.

References
----------
- K. He, X. Zhang, S. Ren, J. Sun (2016). Deep residual learning for image recognition. CVPR.
- P. Goyal et al. (2017). Accurate, large minibatch SGD: training ImageNet in 1 hour.
  arXiv:1706.02677 (gamma = 0 for the last BatchNorm of each residual block).
- A. Radford, J. Wu, R. Child, D. Luan, D. Amodei, I. Sutskever (2019). Language models are
  unsupervised multitask learners (GPT-2), §2.3.
- H. Zhang, Y. N. Dauphin, T. Ma (2019). Fixup initialization: residual learning without
  normalization. ICLR.
- S. De, S. L. Smith (2020). Batch normalization biases residual blocks towards the identity
  function in deep networks (SkipInit). NeurIPS.
- R. Xiong et al. (2020). On layer normalization in the transformer architecture. ICML.
- T. Bachlechner, B. P. Majumder, H. Mao, G. Cottrell, J. McAuley (2021). ReZero is all you
  need: fast convergence at large depth. UAI.
"""

import math
import numbers
from dataclasses import dataclass, fields

import numpy as np
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from lib import activations, theory
from lib.initializers import draw_weights, resolve, std_of
from lib.network import History, _softmax_cross_entropy
from lib.normalization import NormCache, layer_norm, layer_norm_backward
from lib.validation import (
    as_inputs,
    as_labels,
    as_momentum,
    as_name_or_positive,
    as_positive,
    as_rng,
    check_choice,
    check_finite,
    positive_int,
)

__all__ = [
    "BRANCH_SCALES",
    "GATES",
    "NORMS",
    "BlockTrace",
    "ResidualGradients",
    "ResidualMLP",
    "ResidualParameters",
    "ResidualTrace",
    "StreamStds",
    "branch_gain",
    "branch_scale_factor",
    "residual_stream_stds",
    "stream_std_theory",
]

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


class ResidualMLP:
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
            loss, grad_logits = _softmax_cross_entropy(trace.logits, y)
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

    def fit(
        self,
        x,
        y,
        epochs,
        lr,
        batch_size=32,
        momentum=0.0,
        rng=None,
        x_val=None,
        y_val=None,
        progress=True,
    ) -> History:
        """Mini-batch SGD with classical momentum on every trained array (the gates and
        LayerNorms included), as :meth:`lib.network.MLP.fit`: the same arguments, a new order
        of the samples from ``rng`` every epoch, ``v = momentum * v - lr * grad`` and
        ``theta = theta + v``, and a :class:`lib.network.History`. If a value overflows,
        training stops with ``History.diverged`` set and ``History.message`` saying where.
        """
        x = as_inputs("x", x, self.n_inputs)
        y = as_labels("y", y, len(x), self.n_classes)
        if (x_val is None) != (y_val is None):
            raise ValueError("x_val and y_val must be given together")
        if x_val is not None:
            x_val = as_inputs("x_val", x_val, self.n_inputs)
            y_val = as_labels("y_val", y_val, len(x_val), self.n_classes)
        epochs, lr = positive_int("epochs", epochs), as_positive("lr", lr)
        batch_size, momentum = positive_int("batch_size", batch_size), as_momentum(momentum)
        rng = as_rng(rng)

        history = History(steps_per_epoch=math.ceil(len(x) / batch_size))
        velocities = [np.zeros_like(theta) for _, theta in self.params.named()]
        # Small matrices: one BLAS thread beats several (see MLP.fit).
        with (
            threadpool_limits(limits=1, user_api="blas"),
            tqdm(range(epochs), desc="epochs", disable=not progress) as bar,
        ):
            for epoch in bar:
                try:
                    order = rng.permutation(len(x))
                    for start in range(0, len(x), batch_size):
                        batch = order[start : start + batch_size]
                        loss, grads = self._loss_and_grads(x[batch], y[batch])
                        self._momentum_step(grads, velocities, lr, momentum)
                        history.loss.append(loss)
                    history.train_accuracy.append(self._accuracy(x, y))
                    if x_val is not None:
                        history.val_accuracy.append(self._accuracy(x_val, y_val))
                except FloatingPointError as error:
                    history.diverged = True
                    history.message = (
                        f"training diverged in epoch {epoch + 1} after {len(history.loss)} "
                        f"steps: {error}"
                    )
                    if progress:
                        bar.write(history.message)
                    break
                bar.set_postfix(loss=f"{loss:.4g}", train_acc=f"{history.train_accuracy[-1]:.3f}")
        return history

    def _momentum_step(self, grads, velocities, lr, momentum):
        """``v = momentum * v - lr * grad``, ``theta = theta + v`` for every trained array."""
        with np.errstate(over="ignore", invalid="ignore"):
            for (name, theta), (_, grad), velocity in zip(
                self.params.named(), grads.named(), velocities, strict=True
            ):
                velocity *= momentum
                velocity -= lr * grad
                theta += velocity
                check_finite(f"{name} after the update", theta)


# --- the forward-only experiment and its closed form -------------------------------------------


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
