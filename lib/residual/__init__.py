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

from lib.residual.model import (
    BRANCH_SCALES,
    GATES,
    NORMS,
    BlockTrace,
    ResidualGradients,
    ResidualMLP,
    ResidualParameters,
    ResidualTrace,
    branch_scale_factor,
)
from lib.residual.stream import StreamStds, branch_gain, residual_stream_stds, stream_std_theory

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
