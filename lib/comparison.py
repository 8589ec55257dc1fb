r"""Head-to-head comparisons of initializers: training runs over seeds and a full grid.

Every run trains a fresh :class:`lib.network.MLP` on a :class:`lib.data.Dataset` with plain
mini-batch SGD (:meth:`MLP.fit`, ``momentum=0``). A run whose values overflow
(``History.diverged``) is not dropped: it counts as a loss of ``nan`` and a test accuracy at
chance, ``1 / n_classes``, and it is flagged, so a table of means never hides a failure.

The grid reproduces, on the bundled digits, the comparison that ends the first generation of
initialization papers: activations (Glorot & Bengio 2010; He et al. 2015; Maas et al. 2013;
Clevert et al. 2016) crossed with initializers (``N(0, 1)``, ``N(0, 0.01^2)``, LeCun et al.
1998, Glorot & Bengio 2010, He et al. 2015, Saxe et al. 2013), as in Saito (2016), §6.2.

The deep-linear helper :func:`end_to_end_singular_values` measures what Saxe et al. (2013)
call dynamical isometry: the singular values of the product :math:`W_1 W_2 \cdots W_L`.
"""

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from tqdm.auto import tqdm

from lib import activations, initializers
from lib.data import Dataset
from lib.network import MLP
from lib.validation import as_positive, is_int, positive_int

__all__ = [
    "GridResult",
    "Run",
    "end_to_end_singular_values",
    "init_label",
    "loss_curves",
    "run_grid",
    "train_run",
]


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


@dataclass(frozen=True)
class GridResult:
    """Result of :func:`run_grid`: rows are activations, columns initializers.

    ``test_accuracy`` and ``final_loss`` have shape ``(n_activations, n_inits, n_seeds)``;
    ``diverged`` is True where a seed's run diverged (its loss is ``nan``, its accuracy
    chance). The properties average over seeds.
    """

    activations: tuple[str, ...]
    inits: tuple[str, ...]
    test_accuracy: np.ndarray
    final_loss: np.ndarray
    diverged: np.ndarray

    @property
    def mean_test_accuracy(self) -> np.ndarray:
        """Mean test accuracy over seeds, shape ``(n_activations, n_inits)``."""
        return self.test_accuracy.mean(axis=2)

    @property
    def mean_final_loss(self) -> np.ndarray:
        """Mean final training loss over seeds; ``nan`` where any seed diverged."""
        return self.final_loss.mean(axis=2)

    @property
    def any_diverged(self) -> np.ndarray:
        """True where at least one seed diverged, shape ``(n_activations, n_inits)``."""
        return self.diverged.any(axis=2)

    def best_init(self, activation: str) -> str:
        """The init with the highest mean test accuracy for ``activation`` (a row label)."""
        if activation not in self.activations:
            raise ValueError(f"activation {activation!r} is not a row; rows: {self.activations}")
        row = self.activations.index(activation)
        return self.inits[int(np.argmax(self.mean_test_accuracy[row]))]

    def table(self, values: str = "test_accuracy") -> str:
        """The seed-averaged ``values`` (``"test_accuracy"`` or ``"final_loss"``) as text,
        rounded to 3 decimals, a ``*`` after cells where a seed diverged."""
        tables = {"test_accuracy": self.mean_test_accuracy, "final_loss": self.mean_final_loss}
        if values not in tables:
            raise ValueError(f"values must be one of {sorted(tables)}, got {values!r}")
        width = max(12, *(len(label) + 1 for label in self.inits))
        lines = [f"{values:<12}" + "".join(f"{label:>{width}}" for label in self.inits)]
        for row, activation in enumerate(self.activations):
            cells = [
                f"{value:.3f}" + ("*" if flagged else "")
                for value, flagged in zip(tables[values][row], self.any_diverged[row], strict=True)
            ]
            lines.append(f"{activation:<12}" + "".join(f"{cell:>{width}}" for cell in cells))
        return "\n".join(lines)


# --- validation at the boundary --------------------------------------------------------------


def _as_init(init):
    """``init`` checked: an initializer name or a positive float std."""
    if isinstance(init, str):
        initializers.get(init)
        return init
    if isinstance(init, numbers.Real) and not isinstance(init, bool):
        return as_positive("init", init)
    raise ValueError(
        f"init must be an initializer name ({', '.join(initializers.available())}) or a "
        f"positive float std, got {init!r}"
    )


def _as_names(name, values, check):
    if isinstance(values, str) or not isinstance(values, Sequence) or len(values) == 0:
        raise ValueError(f"{name} must be a non-empty list, got {values!r}")
    return tuple(check(value) for value in values)


def _as_seeds(seeds):
    if isinstance(seeds, str) or not isinstance(seeds, Sequence) or len(seeds) == 0:
        raise ValueError(f"seeds must be a non-empty list of ints, got {seeds!r}")
    if not all(is_int(seed) and seed >= 0 for seed in seeds):
        raise ValueError(f"seeds must hold non-negative ints, got {seeds!r}")
    return tuple(int(seed) for seed in seeds)


def _as_dataset(data):
    if not isinstance(data, Dataset):
        raise ValueError(f"data must be a lib.data.Dataset (load_digits()), got {type(data)}")
    return data


def _activation_name(activation):
    return activations.get(activation).name


# --- runs ------------------------------------------------------------------------------------


def init_label(init) -> str:
    """How tables print an init: its name, or ``N(0, s²)`` for a float std ``s``."""
    init = _as_init(init)
    return init if isinstance(init, str) else f"N(0, {init:g}²)"


def _train(data, activation, init, layer_sizes, epochs, lr, batch_size, seed) -> Run:
    """One run; arguments already checked. ``seed`` draws the weights, then the batch order."""
    rng = np.random.default_rng(seed)
    net = MLP(layer_sizes, activation=activation, init=init, rng=rng)
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


def _check_budget(layer_sizes, epochs, lr, batch_size):
    if isinstance(layer_sizes, str) or not isinstance(layer_sizes, Sequence):
        raise ValueError(f"layer_sizes must be a list of positive ints, got {layer_sizes!r}")
    return (
        tuple(layer_sizes),
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
    budget = _check_budget(layer_sizes, epochs, lr, batch_size)
    seed = _as_seeds([seed])[0]
    return _train(_as_dataset(data), _activation_name(activation), _as_init(init), *budget, seed)


def loss_curves(data, activation, init, layer_sizes, epochs, lr, batch_size=32, seeds=(0, 1, 2)):
    """Per-seed mini-batch loss sequences of :func:`train_run`, ready for
    ``lib.plots.training_curves`` (``nan`` after a divergence). Returns a list of arrays."""
    return [
        train_run(data, activation, init, layer_sizes, epochs, lr, batch_size, seed).loss
        for seed in _as_seeds(seeds)
    ]


def run_grid(
    data,
    activations,
    inits,
    layer_sizes,
    epochs,
    lr,
    batch_size=32,
    seeds=(0,),
    progress=False,
) -> GridResult:
    """Train every activation x init x seed with the same budget; a :class:`GridResult`.

    ``activations`` are names from ``lib.activations.available()``; ``inits`` initializer
    names or float stds (``1.0`` for ``N(0, 1)``, ``0.01`` for ``N(0, 0.01²)``). Each cell is
    :func:`train_run` with every seed; ``progress`` shows one tqdm bar over the cells.
    """
    data = _as_dataset(data)
    act_names = _as_names("activations", activations, _activation_name)
    init_values = _as_names("inits", inits, _as_init)
    seeds = _as_seeds(seeds)
    budget = _check_budget(layer_sizes, epochs, lr, batch_size)
    shape = (len(act_names), len(init_values), len(seeds))
    accuracy, final_loss = np.empty(shape), np.empty(shape)
    diverged = np.zeros(shape, dtype=bool)
    cells = [(row, col) for row in range(shape[0]) for col in range(shape[1])]
    for row, col in tqdm(cells, desc="grid", disable=not progress):
        for k, seed in enumerate(seeds):
            run = _train(data, act_names[row], init_values[col], *budget, seed)
            accuracy[row, col, k] = run.test_accuracy
            final_loss[row, col, k] = run.final_loss
            diverged[row, col, k] = run.diverged
    return GridResult(
        activations=act_names,
        inits=tuple(init_label(init) for init in init_values),
        test_accuracy=accuracy,
        final_loss=final_loss,
        diverged=diverged,
    )


# --- deep linear networks --------------------------------------------------------------------


def end_to_end_singular_values(weights) -> np.ndarray:
    r"""Singular values, largest first, of the end-to-end map :math:`W_1 W_2 \cdots W_L`.

    With the ``x @ W`` layout a deep linear network computes ``x @ (W_1 @ ... @ W_L)``. Saxe
    et al. (2013) show that learning in such a net is as fast at any depth when this product
    is an isometry (all singular values 1), which orthogonal layers of equal width give
    exactly, while products of Gaussian layers spread their singular values with depth.
    """
    if isinstance(weights, np.ndarray) or not isinstance(weights, Sequence) or not weights:
        raise ValueError(f"weights must be a non-empty list of 2-D arrays, got {type(weights)}")
    product = np.asarray(weights[0], dtype=np.float64)
    for i, w in enumerate(weights[1:], start=1):
        w = np.asarray(w, dtype=np.float64)
        if w.ndim != 2 or product.ndim != 2 or w.shape[0] != product.shape[1]:
            raise ValueError(
                f"weights[{i}] of shape {w.shape} does not chain after a product of shape "
                f"{product.shape}; each W must be (fan_in, fan_out) with fan_in = previous fan_out"
            )
        product = product @ w
    if product.ndim != 2:
        raise ValueError(f"weights[0] must be 2-D, got shape {product.shape}")
    return np.linalg.svd(product, compute_uv=False)
