"""One training run of an MLP on the digits, and its loss curves over seeds."""

import math
from dataclasses import dataclass

import numpy as np

from lib import activations, initializers
from lib.network import MLP
from lib.validation import (
    as_dataset,
    as_layer_sizes,
    as_name_or_positive,
    as_positive,
    as_seeds,
    positive_int,
)


@dataclass(frozen=True)
class Run:
    """One trained network.

    - ``loss``: mini-batch loss at every SGD step, padded with ``nan`` after a divergence so
      that every run of the same budget has ``epochs * steps_per_epoch`` entries.
    - ``final_loss``: mean mini-batch loss over the last epoch (``nan`` if diverged).
    - ``test_accuracy``: on ``data.x_test`` (chance, ``1 / n_classes``, if diverged).
    """

    loss: np.ndarray
    final_loss: float
    test_accuracy: float
    diverged: bool


#: What an ``init`` may be besides a positive float std (``N(0, std²)``).
INIT_NAMES = tuple(initializers.available())


def _activation_name(activation):
    return activations.get(activation).name


def init_label(init) -> str:
    """How tables print an init: its name, or ``N(0, s²)`` for a float std ``s``."""
    init = as_name_or_positive("init", init, INIT_NAMES)
    return init if isinstance(init, str) else f"N(0, {init:g}²)"


def _nudge(weights, seed, nudge):
    """``weights`` times ``1 + nudge * u``, ``u ~ U(-1, 1)`` from a generator of its own (so the
    nudged run draws the same batches as the original)."""
    noise = np.random.default_rng([seed, 1])
    return [w * (1.0 + nudge * noise.uniform(-1.0, 1.0, w.shape)) for w in weights]


def _train(data, activation, init, layer_sizes, epochs, lr, batch_size, seed, nudge=0.0) -> Run:
    """One run; arguments already checked. ``seed`` draws the weights, then the batch order;
    a ``nudge`` > 0 multiplies the drawn weights by ``1 + nudge * u`` before training."""
    rng = np.random.default_rng(seed)
    net = MLP(layer_sizes, activation=activation, init=init, rng=rng)
    if nudge:
        net.weights = _nudge(net.weights, seed, nudge)
    history = net.fit(
        data.x_train,
        data.y_train,
        epochs=epochs,
        lr=lr,
        batch_size=batch_size,
        rng=rng,
        progress=False,
    )
    n_steps = epochs * history.steps_per_epoch
    loss = np.full(n_steps, np.nan)
    loss[: len(history.loss)] = history.loss
    if history.diverged:
        return Run(loss=loss, final_loss=math.nan, test_accuracy=1 / data.n_classes, diverged=True)
    return Run(
        loss=loss,
        final_loss=float(np.mean(loss[-history.steps_per_epoch :])),
        test_accuracy=net.accuracy(data.x_test, data.y_test),
        diverged=False,
    )


def _training_budget(layer_sizes, epochs, lr, batch_size):
    """The training budget shared by every run, each argument checked by lib.validation."""
    return (
        as_layer_sizes(layer_sizes),
        positive_int("epochs", epochs),
        as_positive("lr", lr),
        positive_int("batch_size", batch_size),
    )


def train_run(data, activation, init, layer_sizes, epochs, lr, batch_size=32, seed=0) -> Run:
    """Train one ``MLP(layer_sizes, activation, init)`` on ``data`` with SGD; a :class:`Run`.

    ``init`` is an initializer name or a float std (``N(0, std²)``); ``seed`` (an int) draws
    the initial weights and then the order of the mini-batches, so two runs with the same seed
    and different inits see the same batches.
    """
    budget = _training_budget(layer_sizes, epochs, lr, batch_size)
    seed = as_seeds([seed])[0]
    init = as_name_or_positive("init", init, INIT_NAMES)
    return _train(as_dataset(data), _activation_name(activation), init, *budget, seed)


def loss_curves(data, activation, init, layer_sizes, epochs, lr, batch_size=32, seeds=(0, 1, 2)):
    """Per-seed mini-batch loss sequences of :func:`train_run`, ready for
    ``lib.plots.training_curves`` (``nan`` after a divergence). Returns a list of arrays."""
    return [
        train_run(data, activation, init, layer_sizes, epochs, lr, batch_size, seed).loss
        for seed in as_seeds(seeds)
    ]
