r"""Chapter 1's experiment: a network started from constant weights keeps its units identical.

If every weight of a layer starts at the same value :math:`c`, every hidden unit :math:`j`
computes the same pre-activation :math:`z_j = c \sum_i x_i + b`, receives the same error
:math:`\delta_j` (its outgoing weights are equal too) and so the same gradient
:math:`\partial L / \partial W_{ij} = x_i \delta_j`. Gradient descent keeps the columns of the
hidden weight matrix identical forever: the layer behaves like a single unit. Adding noise of
any size to the starting values breaks the tie (see e.g. Goodfellow, Bengio and Courville,
*Deep Learning*, §8.4; Glorot & Bengio 2010).
"""

from dataclasses import dataclass

import numpy as np

from lib import initializers
from lib.data import Dataset
from lib.network import MLP, History
from lib.validation import as_real, as_rng, positive_int


def unit_spread(weights: np.ndarray) -> float:
    r"""Largest difference between two units' incoming weights.

    :math:`\max_i \max_{j,k} |W_{ij} - W_{ik}|`.

    Zero exactly when every column of ``weights`` (one per unit, ``x @ W`` layout) is the same.
    """
    return float(np.ptp(weights, axis=1).max())


def unit_distances(weights: np.ndarray) -> np.ndarray:
    r"""Each unit's distance from the average unit: :math:`\|w_j - \bar w\|_2`."""
    return np.linalg.norm(weights - weights.mean(axis=1, keepdims=True), axis=0)


def numerical_rank(weights: np.ndarray, rtol: float = 1e-6) -> int:
    """Number of singular values above ``rtol`` times the largest (1 when all columns agree)."""
    if as_real("rtol", rtol) < 0:
        raise ValueError(f"rtol must be >= 0, got {rtol!r}")
    singular_values = np.linalg.svd(weights, compute_uv=False)
    if singular_values[0] == 0:
        return 0
    return int(np.sum(singular_values > rtol * singular_values[0]))


def constant_with_noise(value: float, noise: float = 0.0):
    """An initializer ``fn(shape, rng)`` drawing ``value + noise * N(0, 1)`` for every weight."""
    value = as_real("value", value)
    if as_real("noise", noise) < 0:
        raise ValueError(f"noise must be >= 0, got {noise!r}")

    def initializer(shape, rng=None):
        return initializers.normal(shape, std=noise, mean=value, rng=rng)

    return initializer


@dataclass(frozen=True)
class SymmetryRun:
    """What :func:`train_from_constant` measured after training."""

    hidden_weights: np.ndarray
    spread: float
    rank: int
    train_accuracy: float
    test_accuracy: float
    history: History


def _constant_net(data, value, noise, n_hidden, activation, rng) -> MLP:
    """``[64, n_hidden, 10]`` with every weight drawn as ``value + noise * N(0, 1)``."""
    init = constant_with_noise(value, noise)
    return MLP([data.x_train.shape[1], n_hidden, data.n_classes], activation, init, rng=rng)


def _measured(net: MLP, data: Dataset, history: History) -> SymmetryRun:
    hidden = net.weights[0].copy()
    return SymmetryRun(
        hidden_weights=hidden,
        spread=unit_spread(hidden),
        rank=numerical_rank(hidden),
        train_accuracy=net.accuracy(data.x_train, data.y_train),
        test_accuracy=net.accuracy(data.x_test, data.y_test),
        history=history,
    )


def train_from_constant(
    data: Dataset,
    value: float,
    noise: float = 0.0,
    *,
    n_hidden: int = 16,
    activation: str = "tanh",
    epochs: int = 5,
    lr: float = 0.1,
    batch_size: int = 32,
    rng=0,
) -> SymmetryRun:
    """Train ``[64, n_hidden, 10]`` on ``data`` from weights ``value + noise * N(0, 1)``.

    Every layer starts from the same rule, biases from zero. Returns the hidden layer's
    weights after training, their :func:`unit_spread` and :func:`numerical_rank`, and the
    accuracies.
    """
    rng = as_rng(rng)
    net = _constant_net(data, value, noise, n_hidden, activation, rng)
    history = net.fit(
        data.x_train,
        data.y_train,
        epochs=epochs,
        lr=lr,
        batch_size=batch_size,
        rng=rng,
        progress=False,
    )
    return _measured(net, data, history)


def runs_by_epoch(
    data: Dataset,
    value: float,
    noise: float = 0.0,
    *,
    n_hidden: int = 16,
    activation: str = "tanh",
    epochs: int = 5,
    lr: float = 0.1,
    batch_size: int = 32,
    rng=0,
) -> list[SymmetryRun]:
    """:func:`train_from_constant` measured after every epoch: entry ``k`` is what
    ``train_from_constant(..., epochs=k + 1)`` returns (same weights, same accuracies; its
    ``history`` holds that epoch only). One training run serves a slider over the epochs."""
    rng = as_rng(rng)
    epochs = positive_int("epochs", epochs)
    net = _constant_net(data, value, noise, n_hidden, activation, rng)
    runs = []
    for _ in range(epochs):
        history = net.fit(
            data.x_train,
            data.y_train,
            epochs=1,
            lr=lr,
            batch_size=batch_size,
            rng=rng,
            progress=False,
        )
        runs.append(_measured(net, data, history))
    return runs
