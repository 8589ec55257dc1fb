r"""A multilayer perceptron in numpy, written to be read line by line.

Notation (one line of math per line of code in :meth:`MLP.forward` and
:meth:`MLP.loss_and_grads`). A network with ``L`` layers has weights ``W_0 .. W_{L-1}``,
each of shape ``(fan_in, fan_out)`` because we multiply from the right, ``a @ W``. Layer ``i``
maps ``a_i`` to ``a_{i+1}``::

    z_i     = a_i @ W_i + b_i         pre-activation of layer i
    a_{i+1} = f(z_i)                  hidden layers, i < L - 1
    a_L     = z_{L-1}                 the output layer is linear: a_L are the logits

with ``a_0 = x``. The loss is the softmax cross-entropy averaged over the ``N`` samples::

    p_n  = softmax(a_L[n]),   loss = -(1/N) sum_n log p_n[y_n]

Backpropagation runs the same layers in reverse, starting from the logits::

    dloss/da_L = (p - onehot(y)) / N
    dloss/dz_i = dloss/da_{i+1} * f'(z_i)      (just dloss/da_L for the output layer)
    dloss/dW_i = a_i.T @ dloss/dz_i
    dloss/db_i = sum over samples of dloss/dz_i
    dloss/da_i = dloss/dz_i @ W_i.T

With ``norm="batch"`` or ``norm="layer"`` each hidden layer normalizes its pre-activation
before the nonlinearity, with a scale ``gamma_i`` (starts at 1) and a shift ``beta_i``
(starts at 0) per unit; :mod:`lib.normalization` has the formulas of ``norm`` and its backward
pass ``norm_backward``::

    u_i     = gamma_i * norm(z_i) + beta_i   over the batch (Ioffe & Szegedy 2015) or over
    a_{i+1} = f(u_i)                         each row's units (Ba, Kiros & Hinton 2016)

    dloss/du_i = dloss/da_{i+1} * f'(u_i)
    dloss/dz_i, dloss/dgamma_i, dloss/dbeta_i = norm_backward(dloss/du_i)

Batch norm uses the batch's own statistics while training (:meth:`MLP.loss_and_grads`,
:meth:`MLP.fit`'s steps) and running estimates of them at inference (:meth:`MLP.forward`,
:meth:`MLP.predict`, :meth:`MLP.accuracy`).

Overflow (``inf`` activations from huge weights, a learning rate that makes training
diverge) is a real outcome of a bad initialisation, not a bug: it is detected and raised as a
``FloatingPointError`` that says where it happened, instead of numpy warnings followed by
``nan``. :meth:`MLP.fit` catches it, stops and sets ``History.diverged``.

The textbook experiment of *Deep Learning from Scratch* (Saito 2016, §6.2), a deep stack of
identical layers fed with Gaussian noise, is :func:`propagate`.
"""

from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from lib import activations
from lib.initializers import draw_weights, resolve
from lib.normalization import HiddenNorms

# The forward-only experiment lives in lib.propagation; chapters call it as network.propagate.
from lib.propagation import Propagation, propagate
from lib.training import History, SGDClassifier
from lib.validation import (
    as_inputs,
    as_labels,
    as_layer_sizes,
    as_parameter_list,
    as_positive,
    as_rng,
    check_choice,
    check_finite,
)

__all__ = [
    "MLP",
    "ForwardTrace",
    "Gradients",
    "History",
    "Propagation",
    "propagate",
    "softmax_cross_entropy",
]


@dataclass
class ForwardTrace:
    """Everything the forward pass computed, kept for the backward pass and for plots.

    Lists have one entry per layer ``i`` (``L`` layers), as in :class:`lib.propagation.Propagation`:

    - ``inputs``: the input ``x``, shape ``(N, layer_sizes[0])``.
    - ``pre_activations[i]``: ``z_i = h_{i-1} @ W_i + b_i`` (``h_{-1}`` is ``inputs``), shape
      ``(N, layer_sizes[i + 1])``.
    - ``activations[i]``: ``h_i``, the output of layer ``i``: ``f(z_i)`` for the hidden layers
      (``f(u_i)`` with normalization), ``z_i`` itself for the (linear) output layer.
    - ``logits``: ``activations[-1]``, the output layer before the softmax.
    - ``normalized[i]``: with ``norm``, ``u_i = gamma_i * norm(z_i) + beta_i`` for each hidden
      layer ``i`` (one entry fewer than ``pre_activations``); empty without normalization.
    - ``norm_caches[i]``: what hidden layer ``i``'s normalization keeps for the backward pass
      (a :class:`lib.normalization.NormCache`; None for batch norm at inference).

    :attr:`layer_inputs` lists what each layer receives: ``[inputs, *activations[:-1]]``.
    """

    inputs: np.ndarray
    pre_activations: list[np.ndarray]
    activations: list[np.ndarray]
    logits: np.ndarray
    normalized: list[np.ndarray] = field(default_factory=list)
    norm_caches: list = field(default_factory=list, repr=False)

    @property
    def layer_inputs(self) -> list[np.ndarray]:
        """The input of each layer: ``inputs`` for layer 0, ``activations[i - 1]`` for layer i."""
        return [self.inputs, *self.activations[:-1]]


@dataclass
class Gradients:
    """Gradients of the mean loss, shaped like what they differentiate.

    - ``weights[i]``, ``biases[i]``: ``dloss/dW_i``, ``dloss/db_i``.
    - ``gammas[i]``, ``betas[i]``: ``dloss/dgamma_i``, ``dloss/dbeta_i`` for each hidden layer
      with normalization; empty without.
    - ``inputs``: ``dloss/dx``.
    - ``activations[i]``: ``dloss/dh_i`` for every ``ForwardTrace.activations[i]``, so
      ``activations[:-1]`` are the hidden layers' (the usual gradient histograms) and
      ``activations[-1]`` the logits'.
    """

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    inputs: np.ndarray
    activations: list[np.ndarray]
    gammas: list[np.ndarray] = field(default_factory=list)
    betas: list[np.ndarray] = field(default_factory=list)


# --- validation at the boundary --------------------------------------------------------------


# --- the network -----------------------------------------------------------------------------


def softmax_cross_entropy(logits, y):
    """Mean cross-entropy of ``softmax(logits)`` against labels ``y``, and its gradient.

    Stable through log-sum-exp: with ``m = max_k z_k``,
    ``log softmax(z)_k = z_k - m - log sum_j exp(z_j - m)``, where every ``exp`` is <= 1.
    Returns ``(loss, dloss/dlogits)`` with ``dloss/dlogits = (softmax(z) - onehot(y)) / N``.
    """
    n_samples = len(y)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(n_samples)
    loss = -log_probs[rows, y].mean()
    grad_logits = np.exp(log_probs)
    grad_logits[rows, y] -= 1.0
    return float(loss), grad_logits / n_samples


class MLP(SGDClassifier):
    """Fully connected classifier: hidden layers ``f(a @ W + b)``, a linear output layer and
    the softmax cross-entropy loss (see the module docstring for every formula).

    Parameters
    ----------
    layer_sizes : list of int
        ``[n_inputs, hidden_1, ..., n_classes]``, e.g. ``[64, 100, 100, 10]``.
    activation : str or Activation
        Hidden-layer nonlinearity, a name from ``lib.activations.available()`` or
        ``lib.activations.get(name, **params)``.
    init : str, callable or float
        Weight initializer: a name from ``lib.initializers.available()``, a callable
        ``fn(shape, rng=rng)``, or a float ``std`` meaning ``N(0, std**2)``.
        Biases start at zero.
    rng : numpy.random.Generator, int or None
        Source of the initial weights, drawn layer by layer.
    norm : None, "batch" or "layer"
        Normalize every hidden layer's pre-activation before ``f`` (the output layer never):
        ``f(gamma * norm(a @ W + b) + beta)``. The bias before a normalization is redundant
        (the normalization subtracts the mean, ``beta`` shifts) but kept, as PyTorch's
        ``nn.Linear`` keeps it by default. Nothing is drawn for it, so a seed gives the same
        weights with or without ``norm``.

    Attributes
    ----------
    weights : list of arrays, ``weights[i].shape == (layer_sizes[i], layer_sizes[i + 1])``
    biases : list of 1-d arrays, ``biases[i].shape == (layer_sizes[i + 1],)``
        Both can be read, changed in place, or replaced by assignment
        (``net.weights = [...]``) or :meth:`set_weights`; replacements are checked layer by
        layer and copied, so RBM-pretrained or hand-made weights can be loaded safely.
    gammas, betas : lists of 1-d arrays, one per hidden layer (empty without ``norm``)
        The normalization's scales and shifts, ``gammas[i].shape == (layer_sizes[i + 1],)``;
        read, changed and replaced like ``biases``.
    running_means, running_vars : lists of 1-d arrays, one per hidden layer (``norm="batch"``)
        Batch norm's running estimates, updated by :meth:`fit` and used at inference; empty
        for other norms.

    Examples
    --------
    >>> from lib.data import load_digits
    >>> digits = load_digits()
    >>> net = MLP([64, 32, 10], activation="relu", init="he_normal", rng=0)
    >>> [w.shape for w in net.weights]
    [(64, 32), (32, 10)]
    >>> history = net.fit(digits.x_train, digits.y_train, epochs=3, lr=0.1, rng=0, progress=False)
    >>> net.accuracy(digits.x_test, digits.y_test) > 0.8
    True
    >>> normalized = MLP([64, 32, 10], init=0.01, rng=0, norm="batch")
    >>> trace = normalized.forward(digits.x_test, training=True)
    >>> z, u = trace.pre_activations[0], trace.normalized[0]  # u: z standardized per unit
    >>> round(float(z.std()), 3), round(float(u.std()), 2)
    (0.038, 0.99)
    """

    def __init__(self, layer_sizes, activation="relu", init="he_normal", rng=None, norm=None):
        self.layer_sizes = as_layer_sizes(layer_sizes)
        self.activation = activations.get(activation)
        self._norms = HiddenNorms(norm, widths=self.layer_sizes[1:-1])  # none if norm is None
        init = resolve(init)
        self._weights = draw_weights(init, self._weight_shapes(), as_rng(rng))
        self._biases = [np.zeros(n_out) for n_out in self.layer_sizes[1:]]

    def __repr__(self):
        norm = f", norm={self.norm!r}" if self.norm is not None else ""
        return (
            f"MLP(layer_sizes={list(self.layer_sizes)}, activation={self.activation.name!r}{norm})"
        )

    @property
    def n_layers(self):
        """Number of weight layers ``L`` (hidden layers + the output layer)."""
        return len(self.layer_sizes) - 1

    @property
    def n_inputs(self):
        """Width of the input, ``layer_sizes[0]``."""
        return self.layer_sizes[0]

    @property
    def n_classes(self):
        return self.layer_sizes[-1]

    @property
    def norm(self):
        """The hidden layers' normalization: None, ``"batch"`` or ``"layer"``."""
        return self._norms.norm

    def _weight_shapes(self):
        return [(n_in, n_out) for n_in, n_out in pairwise(self.layer_sizes)]

    @property
    def weights(self):
        return list(self._weights)

    @weights.setter
    def weights(self, weights):
        self._weights = as_parameter_list("weights", weights, self._weight_shapes())

    @property
    def biases(self):
        return list(self._biases)

    @biases.setter
    def biases(self, biases):
        self._biases = as_parameter_list("biases", biases, [(n,) for n in self.layer_sizes[1:]])

    @property
    def gammas(self):
        return self._norms.gammas

    @gammas.setter
    def gammas(self, gammas):
        self._norms.gammas = gammas

    @property
    def betas(self):
        return self._norms.betas

    @betas.setter
    def betas(self, betas):
        self._norms.betas = betas

    @property
    def running_means(self):
        return self._norms.running_means

    @property
    def running_vars(self):
        return self._norms.running_vars

    def set_weights(self, weights, biases=None):
        """Replace all weights, and the biases too unless ``biases`` is None (kept as they are).

        Shapes are checked layer by layer (ValueError naming the layer) before anything
        changes, and the arrays are copied.
        """
        checked_weights = as_parameter_list("weights", weights, self._weight_shapes())
        if biases is not None:
            self.biases = biases
        self._weights = checked_weights

    def _parameter_groups(self, grads=None):
        """The parameters, or their ``grads``, layer by layer: ``("layer i", [W_i, b_i])``,
        then ``gamma_i, beta_i`` for a normalized hidden layer; the order each step updates
        them in."""
        source = self if grads is None else grads
        layers = [[w, b] for w, b in zip(source.weights, source.biases, strict=True)]
        for i, (gamma, beta) in enumerate(zip(source.gammas, source.betas, strict=True)):
            layers[i] += [gamma, beta]
        return [(f"layer {i}", layer) for i, layer in enumerate(layers)]

    # --- forward and backward ----------------------------------------------------------------

    def forward(self, x, training=False):
        """Run ``x`` of shape ``(N, layer_sizes[0])`` through the network; a ForwardTrace.

        ``training`` matters only with ``norm="batch"``: False (inference, as in
        :meth:`predict`) normalizes with the running statistics, True with the statistics of
        ``x`` itself (at least 2 rows), as :meth:`loss_and_grads` and :meth:`fit`'s steps do.
        Neither changes the network.
        """
        check_choice(training, (True, False), "training")
        return self._forward(as_inputs("x", x, self.layer_sizes[0]), training)

    def _forward(self, x, training=False):
        output_layer = self.n_layers - 1
        h, z, u, caches = [], [], [], []
        # Overflow is checked explicitly below, so numpy's own warning would only repeat it.
        with np.errstate(over="ignore", invalid="ignore"):
            for i, (w, b) in enumerate(zip(self._weights, self._biases, strict=True)):
                z.append((x if i == 0 else h[i - 1]) @ w + b)
                check_finite(f"pre-activations of layer {i}", z[i])
                if i == output_layer:
                    h.append(z[i])
                elif self._norms:
                    u_i, cache = self._norms[i].forward(z[i], training)
                    check_finite(f"normalized pre-activations of layer {i}", u_i)
                    u.append(u_i)
                    caches.append(cache)
                    h.append(self.activation(u_i))
                else:
                    h.append(self.activation(z[i]))
        return ForwardTrace(
            inputs=x,
            pre_activations=z,
            activations=h,
            logits=h[-1],
            normalized=u,
            norm_caches=caches,
        )

    def loss_and_grads(self, x, y):
        """Mean softmax cross-entropy on ``(x, y)`` and its :class:`Gradients` by backprop.

        ``y`` holds integer class indices in ``[0, n_classes)``. Batch norm runs in training
        mode (the batch's statistics, and their gradients); the network does not change.
        Raises FloatingPointError if a value overflows (see the module docstring).
        """
        x = as_inputs("x", x, self.layer_sizes[0])
        loss, grads, _ = self._loss_and_grads(x, as_labels("y", y, len(x), self.n_classes))
        return loss, grads

    def _loss_and_grads(self, x, y):
        trace = self._forward(x, training=True)
        layer_inputs, z, u = trace.layer_inputs, trace.pre_activations, trace.normalized
        output_layer = self.n_layers - 1
        with np.errstate(over="ignore", invalid="ignore"):
            loss, grad_logits = softmax_cross_entropy(trace.logits, y)
            check_finite("the loss", loss)

            grad_w = [None] * self.n_layers
            grad_b = [None] * self.n_layers
            grad_gamma = [None] * len(self._norms)
            grad_beta = [None] * len(self._norms)
            # grad_h[i] = dloss/dh_i; grad_h[-1] is the logits', grad_h[i - 1] comes from layer i.
            grad_h = [None] * output_layer + [grad_logits]
            for i in reversed(range(self.n_layers)):
                if i == output_layer:
                    grad_z = grad_h[i]
                elif self._norms:
                    grad_u = grad_h[i] * self.activation.derivative(u[i])
                    grad_z, grad_gamma[i], grad_beta[i] = self._norms[i].backward(
                        grad_u, trace.norm_caches[i]
                    )
                else:
                    grad_z = grad_h[i] * self.activation.derivative(z[i])
                grad_w[i] = layer_inputs[i].T @ grad_z
                grad_b[i] = grad_z.sum(axis=0)
                grad_input = grad_z @ self._weights[i].T
                check_finite(f"gradients of layer {i}", grad_w[i], grad_b[i], grad_input)
                if i > 0:
                    grad_h[i - 1] = grad_input
        grads = Gradients(
            weights=grad_w,
            biases=grad_b,
            inputs=grad_input,
            activations=grad_h,
            gammas=grad_gamma,
            betas=grad_beta,
        )
        return loss, grads, trace

    # --- using and training the network ------------------------------------------------------

    def predict(self, x):
        """Predicted class index for every row of ``x``: the largest logit."""
        return self.forward(x).logits.argmax(axis=1)

    def accuracy(self, x, y):
        """Fraction of rows of ``x`` whose predicted class equals ``y``."""
        x = as_inputs("x", x, self.layer_sizes[0])
        return self._accuracy(x, as_labels("y", y, len(x), self.n_classes))

    def _accuracy(self, x, y):
        return float(np.mean(self._forward(x).logits.argmax(axis=1) == y))

    def apply_gradients(self, grads, lr):
        """One plain SGD step on every parameter: ``theta = theta - lr * dloss/dtheta``.

        ``grads`` is a :class:`Gradients` from :meth:`loss_and_grads`; the step moves the
        weights, biases and, with ``norm``, the gammas and betas (batch norm's running
        statistics are estimates, not parameters: :meth:`fit` updates them). This is
        :meth:`fit`'s step with ``momentum=0``. Raises FloatingPointError naming the layer if
        a parameter overflows; the layers before it keep their new values.
        """
        if not isinstance(grads, Gradients):
            raise ValueError(f"grads must be the Gradients of loss_and_grads, got {type(grads)}")
        lr = as_positive("lr", lr)
        for name in ("weights", "biases", "gammas", "betas"):
            shapes = [p.shape for p in getattr(self, name)]
            as_parameter_list(f"grads.{name}", getattr(grads, name), shapes)
        self._momentum_step(grads, self._velocities(), lr, momentum=0.0)

    def _sgd_step(self, lr, momentum, batch_size, n_samples):
        """:meth:`fit`'s step on one batch: backprop, the momentum update of every parameter
        (weights, biases, and with ``norm`` the gammas and betas) and, with ``norm="batch"``,
        the running statistics; no batch may then hold a single sample."""
        if min(batch_size, n_samples % batch_size or batch_size) < self._norms.min_batch_size:
            raise ValueError(
                f"batch_size={batch_size} on {n_samples} samples makes a batch of one sample, "
                "whose batch statistics are undefined; norm='batch' needs at least 2 per batch"
            )
        velocity = self._velocities()

        def step(x_batch, y_batch):
            loss, grads, trace = self._loss_and_grads(x_batch, y_batch)
            self._momentum_step(grads, velocity, lr, momentum)
            self._norms.update_running_statistics(trace.norm_caches)
            return loss

        return step
