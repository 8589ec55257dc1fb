r"""Checks of a network at step 0 and over its first steps (chapter 8).

Three numbers tell a bad initialization before any training curve does (Karpathy's
"makemore" lectures, part 3, make them a habit):

- **The loss at step 0.** A classifier that has learnt nothing should spread its probability
  evenly over the :math:`C` classes, so its cross-entropy is :math:`\ln C` (2.303 for 10
  classes). A much larger loss means confident wrong guesses: the logits are too large, and
  the first steps are spent shrinking them instead of learning. :func:`step_zero` measures it.
- **The update-to-data ratio** of each layer,
  :math:`\operatorname{std}(\eta\,\partial L/\partial W) / \operatorname{std}(W)`: how much
  one SGD step changes the weights relative to their size. About :math:`10^{-3}` is the rule
  of thumb; far below, the layer barely learns; far above, it is being rewritten each step.
- **The gradient-to-data ratio**,
  :math:`\operatorname{std}(\partial L/\partial W) / \operatorname{std}(W)`, the same without
  the learning rate: it compares layers with each other at step 0.

:func:`first_steps` records both ratios per layer while it trains the network for a few
steps of plain SGD (:meth:`lib.network.MLP.apply_gradients`).
"""

import math
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from lib.network import MLP
from lib.validation import as_inputs, as_labels, as_positive, as_rng, positive_int

__all__ = ["FirstSteps", "StepZero", "class_log_priors", "first_steps", "step_zero"]


@dataclass
class StepZero:
    """What :func:`step_zero` measured on a network before training.

    - ``loss``: the mean cross-entropy on the data given; ``expected_loss``: :math:`\\ln C`.
    - ``logit_std``: the std of the logits over samples and classes.
    - ``activation_stds[i]``: the std of hidden layer ``i``'s output.
    - ``gradient_to_data[i]``: ``std(dL/dW_i) / std(W_i)`` for every layer, output included.
    """

    loss: float
    expected_loss: float
    logit_std: float
    activation_stds: list[float]
    gradient_to_data: list[float]

    @property
    def excess_loss(self) -> float:
        """``loss - ln C``: about 0 for a sound start, large when the logits are too big."""
        return self.loss - self.expected_loss


def _ratio(numerator: np.ndarray, weights: np.ndarray) -> float:
    """``std(numerator) / std(weights)``; ``inf`` for a layer of equal weights (zeros)."""
    scale = float(weights.std())
    return float(numerator.std()) / scale if scale > 0 else math.inf


def step_zero(net: MLP, x, y) -> StepZero:
    r"""The loss, logit and activation stds and gradient-to-data ratios of ``net`` on ``(x, y)``.

    Nothing is changed. For a well-initialized classifier ``loss`` is close to
    ``expected_loss`` :math:`= \ln C`. A batch-normalized network is measured as it trains,
    with the statistics of ``x``.

    >>> from lib.data import load_digits
    >>> digits = load_digits()
    >>> net = MLP([64, 100, 10], activation="relu", init="he_normal", rng=0)
    >>> report = step_zero(net, digits.x_train, digits.y_train)
    >>> round(report.expected_loss, 3)
    2.303
    """
    if not isinstance(net, MLP):
        raise ValueError(f"net must be a lib.network.MLP, got {type(net).__name__}")
    x = as_inputs("x", x, net.layer_sizes[0])
    y = as_labels("y", y, len(x), net.n_classes)
    trace = net.forward(x, training=True)  # batch norm: the batch's statistics, as the loss
    loss, grads = net.loss_and_grads(x, y)
    return StepZero(
        loss=loss,
        expected_loss=math.log(net.n_classes),
        logit_std=float(trace.logits.std()),
        activation_stds=[float(h.std()) for h in trace.activations[:-1]],
        gradient_to_data=[_ratio(g, w) for g, w in zip(grads.weights, net.weights, strict=True)],
    )


def class_log_priors(y, n_classes: int) -> np.ndarray:
    r""":math:`\ln p_k`, the log of each class's share of ``y``: the output bias that makes an
    untrained network predict the class frequencies (with zero output weights, exactly).

    A class absent from ``y`` gets the log of half a sample's share instead of :math:`-\infty`.

    >>> class_log_priors([0, 0, 0, 1], 2).round(3).tolist()
    [-0.288, -1.386]
    """
    n_classes = positive_int("n_classes", n_classes)
    y = as_labels("y", y, len(np.asarray(y)), n_classes)
    counts = np.bincount(y, minlength=n_classes).astype(float)
    counts[counts == 0] = 0.5
    return np.log(counts / len(y))


@dataclass
class FirstSteps:
    """What :func:`first_steps` recorded; arrays have one row per step, one column per layer.

    - ``loss[t]``: the mini-batch loss before step ``t``.
    - ``gradient_to_data[t, i]``: ``std(dL/dW_i) / std(W_i)`` at step ``t``.
    - ``lr``: the learning rate of the steps.
    """

    loss: np.ndarray
    gradient_to_data: np.ndarray
    lr: float

    @property
    def update_to_data(self) -> np.ndarray:
        """``std(lr * dL/dW_i) / std(W_i)`` per step and layer: ``lr * gradient_to_data``."""
        return self.lr * self.gradient_to_data


def first_steps(net: MLP, x, y, *, lr: float, steps: int = 100, batch_size: int = 32, rng=None):
    """Train ``net`` for ``steps`` mini-batch SGD steps, recording loss and ratios per step.

    Batches are drawn from ``rng`` (without replacement within a pass over ``x``). ``net`` is
    trained in place, as :meth:`lib.network.MLP.fit` would with ``momentum=0`` (batch norm's
    running statistics, which only inference uses, are left as they were); a value that
    overflows raises FloatingPointError naming the layer.

    >>> from lib.data import load_digits
    >>> digits = load_digits()
    >>> net = MLP([64, 100, 10], activation="relu", init="he_normal", rng=0)
    >>> record = first_steps(net, digits.x_train, digits.y_train, lr=0.1, steps=5, rng=0)
    >>> record.update_to_data.shape
    (5, 2)
    """
    if not isinstance(net, MLP):
        raise ValueError(f"net must be a lib.network.MLP, got {type(net).__name__}")
    x = as_inputs("x", x, net.layer_sizes[0])
    y = as_labels("y", y, len(x), net.n_classes)
    lr = as_positive("lr", lr)
    steps = positive_int("steps", steps)
    batch_size = positive_int("batch_size", batch_size)
    rng = as_rng(rng)
    loss = np.empty(steps)
    gradient_to_data = np.empty((steps, net.n_layers))
    order = np.empty(0, dtype=int)
    with threadpool_limits(limits=1, user_api="blas"):
        for step in range(steps):
            if len(order) < batch_size:
                order = np.concatenate([order, rng.permutation(len(x))])
            batch, order = order[:batch_size], order[batch_size:]
            loss[step], grads = net.loss_and_grads(x[batch], y[batch])
            for i, (g, w) in enumerate(zip(grads.weights, net.weights, strict=True)):
                gradient_to_data[step, i] = _ratio(g, w)
            net.apply_gradients(grads, lr)
    return FirstSteps(loss=loss, gradient_to_data=gradient_to_data, lr=lr)
