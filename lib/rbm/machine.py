"""The restricted Boltzmann machine: its conditionals, free energy, Gibbs chain and CD/PCD training.

The formulas are in :mod:`lib.rbm`'s docstring.
"""

import numpy as np
from scipy.special import expit
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from lib.initializers import draw_weights, resolve
from lib.rbm.history import RBMHistory, epoch_monitor
from lib.validation import (
    as_indices,
    as_momentum,
    as_non_negative,
    as_parameter,
    as_positive,
    as_probabilities,
    as_rng,
    positive_int,
)


def _sample(probabilities, rng):
    """Binary states, 1 with the given probabilities: ``u < p`` for ``u`` uniform on [0, 1)."""
    uniforms = rng.random(probabilities.shape)
    return np.less(uniforms, probabilities, out=uniforms)  # in place: no new array per draw


class RBM:
    """A Bernoulli-Bernoulli restricted Boltzmann machine (formulas in :mod:`lib.rbm`).

    Parameters
    ----------
    n_visible, n_hidden : int
        Number of visible units (pixels) and hidden units (features).
    init : float, str or callable
        Initial weights: a float ``std`` meaning ``N(0, std²)`` (default ``0.01``, as Hinton's
        practical guide recommends), an initializer name from ``lib.initializers`` or a
        callable ``fn(shape, rng=rng)``. Both biases start at zero.
    rng : numpy.random.Generator, int or None
        Source of the initial weights.

    Attributes
    ----------
    W : array ``(n_visible, n_hidden)``; column ``j`` is hidden unit ``j``'s filter.
    visible_bias : array ``(n_visible,)``, :math:`b`.
    hidden_bias : array ``(n_hidden,)``, :math:`c`.
        All three can be replaced by assignment; shapes and values are checked and copied.
    """

    def __init__(self, n_visible, n_hidden, init=0.01, rng=None):
        self.n_visible = positive_int("n_visible", n_visible)
        self.n_hidden = positive_int("n_hidden", n_hidden)
        shape = (self.n_visible, self.n_hidden)
        (self._W,) = draw_weights(resolve(init), [shape], as_rng(rng))
        self._visible_bias = np.zeros(self.n_visible)
        self._hidden_bias = np.zeros(self.n_hidden)

    def __repr__(self):
        return f"RBM(n_visible={self.n_visible}, n_hidden={self.n_hidden})"

    @classmethod
    def from_parameters(cls, W, visible_bias=None, hidden_bias=None) -> "RBM":
        """An RBM with the given parameters (copied and checked); missing biases are zero.

        >>> machine = RBM.from_parameters(np.zeros((4, 3)), hidden_bias=[1.0, 0.0, -1.0])
        >>> machine, machine.transform(np.ones((1, 4))).round(3).tolist()
        (RBM(n_visible=4, n_hidden=3), [[0.731, 0.5, 0.269]])
        """
        W = np.asarray(W, dtype=np.float64)
        if W.ndim != 2:
            raise ValueError(f"W must be a 2-D array (n_visible, n_hidden), got shape {W.shape}")
        machine = cls(*W.shape, init="zeros")
        machine.W = W
        if visible_bias is not None:
            machine.visible_bias = visible_bias
        if hidden_bias is not None:
            machine.hidden_bias = hidden_bias
        return machine

    def copy(self) -> "RBM":
        """An independent RBM with the same parameters (a snapshot)."""
        return RBM.from_parameters(self._W, self._visible_bias, self._hidden_bias)

    # --- parameters, checked on assignment ---------------------------------------------------

    @property
    def W(self):
        return self._W

    @W.setter
    def W(self, value):
        self._W = as_parameter("W", value, (self.n_visible, self.n_hidden))

    @property
    def visible_bias(self):
        return self._visible_bias

    @visible_bias.setter
    def visible_bias(self, value):
        self._visible_bias = as_parameter("visible_bias", value, (self.n_visible,))

    @property
    def hidden_bias(self):
        return self._hidden_bias

    @hidden_bias.setter
    def hidden_bias(self, value):
        self._hidden_bias = as_parameter("hidden_bias", value, (self.n_hidden,))

    # --- conditionals, trusted inputs --------------------------------------------------------

    def _hidden_probs(self, v):
        z = v @ self._W
        z += self._hidden_bias
        return expit(z, out=z)

    def _visible_probs(self, h):
        z = h @ self._W.T
        z += self._visible_bias
        return expit(z, out=z)

    def _free_energy(self, v):
        return -(v @ self._visible_bias) - np.logaddexp(0.0, v @ self._W + self._hidden_bias).sum(
            axis=1
        )

    def _reconstruct(self, v):
        return self._visible_probs(self._hidden_probs(v))

    # --- public API --------------------------------------------------------------------------

    def transform(self, x):
        """Hidden probabilities :math:`p(h_j = 1 \\mid v) = \\sigma(c + v W)`, ``(N, n_hidden)``.

        These are the features a DBN passes to the next layer."""
        return self._hidden_probs(as_probabilities("x", x, self.n_visible))

    def visible_probs(self, h):
        """Visible probabilities :math:`p(v_i = 1 \\mid h) = \\sigma(b + h W^\\top)`."""
        return self._visible_probs(as_probabilities("h", h, self.n_hidden))

    def reconstruct(self, x):
        """Mean-field reconstruction :math:`\\sigma(b + \\sigma(c + x W) W^\\top)`, no sampling."""
        return self._reconstruct(as_probabilities("x", x, self.n_visible))

    def free_energy(self, x):
        """Free energy of each row, :math:`F(v) = -v^\\top b - \\sum_j \\log(1 + e^{c_j +
        v^\\top W_{:, j}})`, shape ``(N,)``; computed with ``logaddexp`` so it never overflows."""
        return self._free_energy(as_probabilities("x", x, self.n_visible))

    def gibbs(self, v, steps=1, rng=None, mean=False):
        """Run ``steps`` Gibbs steps :math:`v \\to h \\to v` from each row of ``v``.

        Every step samples :math:`h \\sim p(h \\mid v)`, then :math:`v \\sim p(v \\mid h)`.
        Returns the binary visible states after the last step, or with ``mean=True`` the
        probabilities :math:`p(v = 1 \\mid h)` of that last step (smoother images).
        """
        v = as_probabilities("v", v, self.n_visible)
        steps = positive_int("steps", steps)
        rng = as_rng(rng)
        for _ in range(steps):
            h = _sample(self._hidden_probs(v), rng)
            probs = self._visible_probs(h)
            v = _sample(probs, rng)
        return probs if mean else v

    def pseudo_likelihood(self, x, rng=None, flip=None):
        """Stochastic pseudo-log-likelihood of each row, as ``BernoulliRBM.score_samples``.

        For each row one visible unit :math:`i` is flipped, :math:`\\tilde v_i = 1 - v_i`, and

        .. math::

            \\text{PL}(v) = n_v \\log \\sigma\\bigl(F(\\tilde v) - F(v)\\bigr),

        ``n_visible`` times the log-probability of unit ``i`` given all the others: a stochastic
        estimate of the log *pseudo*-likelihood :math:`\\sum_i \\log p(v_i \\mid v_{-i})`, not of
        :math:`\\log p(v)`. For a grey :math:`v_i` strictly between 0 and 1 the term is a score of
        the same form rather than a conditional probability (scikit-learn computes it alike).
        The unit is drawn uniformly from ``rng``, or given per row as integer indices ``flip``;
        average over several draws (or pass the same ``flip`` to two models) to compare models.
        """
        x = as_probabilities("x", x, self.n_visible)
        rows = np.arange(len(x))
        if flip is None:
            flip = as_rng(rng).integers(0, self.n_visible, size=len(x))
        flip = as_indices("flip", flip, len(x), self.n_visible)
        flipped = x.copy()
        flipped[rows, flip] = 1.0 - flipped[rows, flip]
        # log sigmoid(d) = -log(1 + exp(-d)), stable for every d.
        gap = self._free_energy(flipped) - self._free_energy(x)
        return -self.n_visible * np.logaddexp(0.0, -gap)

    def cd_gradients(self, v0, k=1, rng=None):
        """CD-k estimate of the gradient of the mean log-likelihood on the batch ``v0``.

        With :math:`h^{(0)} = p(h = 1 \\mid v^{(0)})` and the chain run ``k`` steps (sampled
        hidden states drive it; the last reconstruction :math:`v^{(k)}` is a probability
        vector), the estimate averages over the ``N`` rows:

        .. math::

            \\Delta W = \\frac{1}{N}\\bigl(v^{(0)\\top} h^{(0)} - v^{(k)\\top} h^{(k)}\\bigr),
            \\quad \\Delta b = \\overline{v^{(0)} - v^{(k)}}, \\quad
            \\Delta c = \\overline{h^{(0)} - h^{(k)}}.

        Returns ``(dW, d_visible_bias, d_hidden_bias)``: a step of gradient *ascent* adds
        ``lr`` times them. The first draw from ``rng`` is ``rng.random((N, n_hidden))``, the
        uniforms that sample :math:`h^{(0)}`.
        """
        v0 = as_probabilities("v0", v0, self.n_visible)
        k = positive_int("k", k)
        v, h, _ = self._phases(v0, k, as_rng(rng), chains=None)
        return self._gradients(v, h, len(v0))

    def _phases(self, v0, k, rng, chains):
        """Both phases' states, stacked: ``(v, h, chains)`` with ``v = [v0; v_model]``,
        ``h = p(h = 1 | v)`` row by row, and the persistent chains' next hidden states.

        ``chains=None`` runs CD-k from ``v0``; otherwise PCD-k continues ``chains`` (hidden
        states). Stacking lets one product ``v @ W`` serve the data and the model rows.
        """
        if chains is None:
            h0 = self._hidden_probs(v0)
            v_model = self._down_chain(_sample(h0, rng), k, rng, persistent=False)
            v = np.concatenate([v0, v_model])
            return v, np.concatenate([h0, self._hidden_probs(v_model)]), None
        v_model = self._down_chain(chains, k, rng, persistent=True)
        v = np.concatenate([v0, v_model])
        h = self._hidden_probs(v)
        return v, h, _sample(h[len(v0) :], rng)

    def _down_chain(self, h, steps, rng, persistent):
        """``steps`` Gibbs steps from hidden states ``h``, ending on the visible side.

        Intermediate states are sampled. The last visible state is sampled in PCD (the chain
        goes on from it) and left as the probabilities :math:`p(v = 1 \\mid h)` in CD.
        """
        for step in range(steps):
            last = step == steps - 1
            v = self._visible_probs(h)
            if persistent or not last:
                v = _sample(v, rng)
            if not last:
                h = _sample(self._hidden_probs(v), rng)
        return v

    @staticmethod
    def _gradients(v, h, n_data, scale=1.0):
        """``scale`` times the CD/PCD estimate from stacked states (see :meth:`_phases`).

        Data rows weigh ``+scale / n_data`` and model rows ``-scale / n_model``, so one
        product ``v.T @ (weights * h)`` is the data statistics minus the model statistics.
        """
        row_weights = np.full(len(v), -scale / (len(v) - n_data))
        row_weights[:n_data] = scale / n_data
        weighted_h = h * row_weights[:, np.newaxis]
        return v.T @ weighted_h, row_weights @ v, weighted_h.sum(axis=0)

    def _apply_updates(self, updates, velocities, momentum, lr_decay):
        """Apply the updates ``lr * g`` (one per parameter) with momentum and weight decay
        ``lr * lambda``."""
        if momentum == 0.0 and lr_decay == 0.0:
            self._W += updates[0]
            self._visible_bias += updates[1]
            self._hidden_bias += updates[2]
            return
        for velocity, update in zip(velocities, updates, strict=True):
            velocity *= momentum
            velocity += update
        velocities[0] -= lr_decay * self._W  # decay on the weights only, not on the biases
        self._W += velocities[0]
        self._visible_bias += velocities[1]
        self._hidden_bias += velocities[2]

    def fit(
        self,
        x,
        epochs,
        lr,
        batch_size=10,
        k=1,
        persistent=False,
        momentum=0.5,
        weight_decay=1e-4,
        x_val=None,
        rng=None,
        progress=True,
        keep_snapshots=False,
    ) -> RBMHistory:
        """Train by CD-k, or PCD-k with ``persistent=True``; returns an :class:`RBMHistory`.

        Every epoch visits the rows of ``x`` in a new order drawn from ``rng``, in batches of
        ``batch_size``. For each parameter :math:`\\theta` with CD/PCD gradient estimate
        :math:`g` (:meth:`cd_gradients`, module docstring), velocity :math:`u` starts at 0 and

        .. math::

            u \\leftarrow \\text{momentum}\\, u + \\text{lr}\\,(g - \\lambda \\theta), \\qquad
            \\theta \\leftarrow \\theta + u,

        with the L2 weight decay :math:`\\lambda` = ``weight_decay`` on ``W`` only, not on the
        biases (Hinton 2010, §9-10: momentum 0.5 to 0.9, decay 1e-4 to 1e-2).
        ``momentum=0, weight_decay=0, persistent=True`` is scikit-learn's ``BernoulliRBM``.
        ``progress`` shows a tqdm bar; ``keep_snapshots`` stores a copy of the machine after
        each epoch in ``RBMHistory.snapshots`` (the filters as they learn, for a slider).
        """
        x = as_probabilities("x", x, self.n_visible)
        if x_val is not None:
            x_val = as_probabilities("x_val", x_val, self.n_visible)
        epochs = positive_int("epochs", epochs)
        lr = as_positive("lr", lr)
        batch_size = positive_int("batch_size", batch_size)
        k = positive_int("k", k)
        momentum = as_momentum(momentum)
        weight_decay = as_non_negative("weight_decay", weight_decay)
        rng = as_rng(rng)

        history = RBMHistory(algorithm=f"{'PCD' if persistent else 'CD'}-{k}")
        monitor = epoch_monitor(self, x, x_val, rng)
        velocities = [np.zeros_like(self._W), np.zeros(self.n_visible), np.zeros(self.n_hidden)]
        chains = None
        # The matrices are small: one BLAS thread is faster than several (start-up dominates).
        with (
            threadpool_limits(limits=1, user_api="blas"),
            tqdm(range(epochs), desc=history.algorithm, disable=not progress) as bar,
        ):
            for _ in bar:
                order = rng.permutation(len(x))
                for start in range(0, len(x), batch_size):
                    v0 = x[order[start : start + batch_size]]
                    if persistent and chains is None:
                        chains = _sample(self._hidden_probs(v0), rng)
                    v, h, chains = self._phases(v0, k, rng, chains)
                    updates = self._gradients(v, h, len(v0), scale=lr)
                    self._apply_updates(updates, velocities, momentum, lr * weight_decay)
                monitor(history)
                bar.set_postfix(recon=f"{history.reconstruction_error[-1]:.4f}")
                if keep_snapshots:
                    history.snapshots.append(self.copy())
        return history
