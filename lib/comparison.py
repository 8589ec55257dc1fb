r"""Head-to-head comparisons of initializers: training runs over seeds and a full grid.

Every run trains a fresh :class:`lib.network.MLP` on a :class:`lib.data.Dataset` with plain
mini-batch SGD (:meth:`MLP.fit`, ``momentum=0``). A run whose values overflow
(``History.diverged``) is not dropped: it counts as a loss of ``nan`` and a test accuracy at
chance, ``1 / n_classes``, and it is flagged, so a table of means never hides a failure.

The grid reproduces, on the bundled digits, the comparison that ends the first generation of
initialization papers: activations (Glorot & Bengio 2010; He et al. 2015; Maas et al. 2013;
Clevert et al. 2016) crossed with initializers (``N(0, 1)``, ``N(0, 0.01^2)``, LeCun et al.
1998, Glorot & Bengio 2010, He et al. 2015, Saxe et al. 2013), as in Saito (2016), §6.2.

Some runs are *chaotic*: from a bad start (tanh with ``N(0, 1)`` weights, say) a change in the
last bits of the arithmetic grows step by step until the trained network is another one. Such
a run's printed accuracy depends on the machine (each CPU's BLAS kernel rounds differently),
so no digit of it can be quoted. :func:`chaos_test` finds them: it trains each seed twice,
the second time from weights nudged by one part in ``1 / NUDGE``, and calls the run chaotic
when the two disagree; :func:`run_grid` does the same for every cell.

The deep-linear helper :func:`end_to_end_singular_values` measures what Saxe et al. (2013)
call dynamical isometry: the singular values of the product :math:`W_1 W_2 \cdots W_L`.
"""

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from tqdm.auto import tqdm

from lib import activations, initializers
from lib.network import MLP
from lib.validation import as_dataset, as_layer_sizes, as_positive, as_seeds, positive_int

__all__ = [
    "CHAOS_RTOL",
    "NUDGE",
    "ChaosTest",
    "GridResult",
    "Run",
    "chaos_test",
    "end_to_end_singular_values",
    "finetune_curves",
    "init_label",
    "labelled_subset",
    "loss_curves",
    "run_grid",
    "train_run",
]


#: Relative size of the nudge :func:`chaos_test` gives the initial weights: ``w * (1 + NUDGE * u)``
#: with ``u`` uniform in [-1, 1]. About 10^4 float64 rounding errors: far above what two BLAS
#: kernels disagree by, far below anything that changes a stable run. The test is conservative:
#: a run that survives the nudge prints the same everywhere; one that does not may still have a
#: margin (chapter 3's lr-1.0 ReLU run survives nudges of 1e-14 but not 1e-13).
NUDGE = 1e-12
#: A nudged run is "the same" when its final loss is within this relative tolerance and its test
#: accuracy is equal. Measured on the digits: stable runs move by about 1e-13, chaotic ones by
#: 4e-4 to 0.4, so the threshold sits orders of magnitude from both.
CHAOS_RTOL = 1e-6


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
    chance); ``chaotic`` is True where the seed's run changed when its initial weights were
    nudged (see :func:`chaos_test`), or ``None`` if the grid was run without that check. The
    properties average over seeds.
    """

    activations: tuple[str, ...]
    inits: tuple[str, ...]
    test_accuracy: np.ndarray
    final_loss: np.ndarray
    diverged: np.ndarray
    chaotic: np.ndarray | None = None

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

    @property
    def any_chaotic(self) -> np.ndarray:
        """True where at least one seed's run is chaotic, shape ``(n_activations, n_inits)``.

        All False when the grid ran without the check (``chaotic is None``).
        """
        if self.chaotic is None:
            return np.zeros(self.mean_test_accuracy.shape, dtype=bool)
        return self.chaotic.any(axis=2)

    def best_init(self, activation: str) -> str:
        """The init with the highest mean test accuracy for ``activation`` (a row label)."""
        if activation not in self.activations:
            raise ValueError(f"activation {activation!r} is not a row; rows: {self.activations}")
        row = self.activations.index(activation)
        return self.inits[int(np.argmax(self.mean_test_accuracy[row]))]

    def table(self, values: str = "test_accuracy") -> str:
        """The seed-averaged ``values`` (``"test_accuracy"`` or ``"final_loss"``) as text.

        Values are rounded to 3 decimals, with a ``*`` where a seed diverged. A chaotic cell
        reads ``chaotic`` instead of a number: its value differs from machine to machine. A
        line under the table explains each mark that appears in it.
        """
        tables = {"test_accuracy": self.mean_test_accuracy, "final_loss": self.mean_final_loss}
        if values not in tables:
            raise ValueError(f"values must be one of {sorted(tables)}, got {values!r}")
        width = max(12, *(len(label) + 1 for label in self.inits))
        lines = [f"{values:<12}" + "".join(f"{label:>{width}}" for label in self.inits)]
        for row, activation in enumerate(self.activations):
            cells = [
                "chaotic" if chaotic else f"{value:.3f}" + ("*" if diverged else "")
                for value, diverged, chaotic in zip(
                    tables[values][row], self.any_diverged[row], self.any_chaotic[row], strict=True
                )
            ]
            lines.append(f"{activation:<12}" + "".join(f"{cell:>{width}}" for cell in cells))
        if self.any_diverged.any():
            lines.append("* a seed diverged: its loss counts as nan, its accuracy as chance")
        if self.any_chaotic.any():
            lines.append(
                f"chaotic: a {NUDGE:g} nudge to the weights changes it; it differs by machine"
            )
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


def _activation_name(activation):
    return activations.get(activation).name


# --- runs ------------------------------------------------------------------------------------


def init_label(init) -> str:
    """How tables print an init: its name, or ``N(0, s²)`` for a float std ``s``."""
    init = _as_init(init)
    return init if isinstance(init, str) else f"N(0, {init:g}²)"


def _nudge(weights, seed):
    """``weights`` times ``1 + NUDGE * u``, ``u ~ U(-1, 1)`` from a generator of its own (so the
    nudged run draws the same batches as the original)."""
    noise = np.random.default_rng([seed, 1])
    return [w * (1.0 + NUDGE * noise.uniform(-1.0, 1.0, w.shape)) for w in weights]


def _train(data, activation, init, layer_sizes, epochs, lr, batch_size, seed, nudged=False) -> Run:
    """One run; arguments already checked. ``seed`` draws the weights, then the batch order;
    ``nudged`` multiplies the drawn weights by ``1 + NUDGE * u`` before training."""
    rng = np.random.default_rng(seed)
    net = MLP(layer_sizes, activation=activation, init=init, rng=rng)
    if nudged:
        net.weights = _nudge(net.weights, seed)
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
    return _train(as_dataset(data), _activation_name(activation), _as_init(init), *budget, seed)


def loss_curves(data, activation, init, layer_sizes, epochs, lr, batch_size=32, seeds=(0, 1, 2)):
    """Per-seed mini-batch loss sequences of :func:`train_run`, ready for
    ``lib.plots.training_curves`` (``nan`` after a divergence). Returns a list of arrays."""
    return [
        train_run(data, activation, init, layer_sizes, epochs, lr, batch_size, seed).loss
        for seed in as_seeds(seeds)
    ]


def _same_outcome(run: Run, twin: Run) -> bool:
    """True when the nudged ``twin`` ended where ``run`` did (both diverged counts as the same)."""
    if run.diverged or twin.diverged:
        return run.diverged and twin.diverged
    return run.test_accuracy == twin.test_accuracy and math.isclose(
        run.final_loss, twin.final_loss, rel_tol=CHAOS_RTOL
    )


@dataclass(frozen=True)
class ChaosTest:
    """Result of :func:`chaos_test`: one entry per seed.

    ``test_accuracy`` and ``final_loss`` of the runs from the drawn weights,
    ``nudged_test_accuracy`` and ``nudged_final_loss`` of the runs from the nudged weights
    (``nan`` loss and chance accuracy after a divergence, as in :class:`Run`), and
    ``chaotic``: True where the two runs of a seed disagree.
    """

    seeds: tuple[int, ...]
    test_accuracy: np.ndarray
    final_loss: np.ndarray
    nudged_test_accuracy: np.ndarray
    nudged_final_loss: np.ndarray
    chaotic: np.ndarray

    @property
    def n_chaotic(self) -> int:
        """How many seeds' runs changed under the nudge."""
        return int(self.chaotic.sum())

    def mean(self, values: str = "test_accuracy") -> float:
        """Mean of ``values`` over every run, the nudged ones included (each is another draw of
        the machine's rounding): ``"test_accuracy"`` or ``"final_loss"``."""
        pairs = {
            "test_accuracy": (self.test_accuracy, self.nudged_test_accuracy),
            "final_loss": (self.final_loss, self.nudged_final_loss),
        }
        if values not in pairs:
            raise ValueError(f"values must be one of {sorted(pairs)}, got {values!r}")
        return float(np.mean(np.concatenate(pairs[values])))


def chaos_test(data, activation, init, layer_sizes, epochs, lr, batch_size=32, seeds=(0, 1, 2)):
    r"""Does the outcome of training depend on the last bits of the arithmetic?

    Each seed is trained twice as in :func:`train_run`: from the drawn weights :math:`W`, and
    from :math:`W \odot (1 + \epsilon u)` with :math:`\epsilon` = :data:`NUDGE` and
    :math:`u \sim U(-1, 1)`, on the same batches. Two CPUs differ by far less than that nudge, so
    a run that survives it (same test accuracy, final loss within :data:`CHAOS_RTOL`) prints
    the same numbers on every machine; a run that does not is *chaotic* (its rounding errors
    grow until the trained network is another one) and only statistics over many seeds of it
    can be quoted. Returns a :class:`ChaosTest`.

    >>> from lib.data import load_digits
    >>> digits = load_digits()
    >>> test = chaos_test(digits, "tanh", "he_normal", [64, 32, 10], epochs=1, lr=0.1, seeds=[0])
    >>> test.n_chaotic
    0
    """
    data = as_dataset(data)
    activation, init = _activation_name(activation), _as_init(init)
    budget = _training_budget(layer_sizes, epochs, lr, batch_size)
    seeds = as_seeds(seeds)
    runs = [_train(data, activation, init, *budget, seed) for seed in seeds]
    twins = [_train(data, activation, init, *budget, seed, nudged=True) for seed in seeds]
    return ChaosTest(
        seeds=seeds,
        test_accuracy=np.array([run.test_accuracy for run in runs]),
        final_loss=np.array([run.final_loss for run in runs]),
        nudged_test_accuracy=np.array([twin.test_accuracy for twin in twins]),
        nudged_final_loss=np.array([twin.final_loss for twin in twins]),
        chaotic=np.array([not _same_outcome(*pair) for pair in zip(runs, twins, strict=True)]),
    )


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
    check_chaos=True,
) -> GridResult:
    """Train every activation x init x seed with the same budget; a :class:`GridResult`.

    ``activations`` are names from ``lib.activations.available()``; ``inits`` initializer
    names or float stds (``1.0`` for ``N(0, 1)``, ``0.01`` for ``N(0, 0.01²)``). Each cell is
    :func:`train_run` with every seed; ``progress`` shows one tqdm bar over the cells.
    ``check_chaos`` also trains each seed from nudged weights, as :func:`chaos_test` does
    (twice the time), and marks the cells whose result depends on the machine.
    """
    data = as_dataset(data)
    act_names = _as_names("activations", activations, _activation_name)
    init_values = _as_names("inits", inits, _as_init)
    seeds = as_seeds(seeds)
    budget = _training_budget(layer_sizes, epochs, lr, batch_size)
    if not isinstance(check_chaos, bool):
        raise ValueError(f"check_chaos must be True or False, got {check_chaos!r}")
    shape = (len(act_names), len(init_values), len(seeds))
    accuracy, final_loss = np.empty(shape), np.empty(shape)
    diverged = np.zeros(shape, dtype=bool)
    chaotic = np.zeros(shape, dtype=bool) if check_chaos else None
    cells = [(row, col) for row in range(shape[0]) for col in range(shape[1])]
    for row, col in tqdm(cells, desc="grid", disable=not progress):
        for k, seed in enumerate(seeds):
            run = _train(data, act_names[row], init_values[col], *budget, seed)
            accuracy[row, col, k] = run.test_accuracy
            final_loss[row, col, k] = run.final_loss
            diverged[row, col, k] = run.diverged
            if check_chaos:
                twin = _train(data, act_names[row], init_values[col], *budget, seed, nudged=True)
                chaotic[row, col, k] = not _same_outcome(run, twin)
    return GridResult(
        activations=act_names,
        inits=tuple(init_label(init) for init in init_values),
        test_accuracy=accuracy,
        final_loss=final_loss,
        diverged=diverged,
        chaotic=chaotic,
    )


# --- fine-tuning after pre-training (chapter 6) ----------------------------------------------


def labelled_subset(x, y, per_class):
    """The first ``per_class`` rows of each class of ``(x, y)``: a small, balanced labelled set."""
    per_class = positive_int("per_class", per_class)
    y = np.asarray(y)
    rows = []
    for label in np.unique(y):
        members = np.flatnonzero(y == label)
        if len(members) < per_class:
            raise ValueError(
                f"per_class={per_class} but class {label} has only {len(members)} samples"
            )
        rows.append(members[:per_class])
    rows = np.sort(np.concatenate(rows))
    return np.asarray(x)[rows], y[rows]


def finetune_curves(data, starts, epochs, lr, batch_size=32, momentum=0.0, per_class=None):
    """Test accuracy per epoch of sigmoid MLPs fine-tuned by backprop from several starts.

    ``starts`` maps a label to a list with one start per seed: a :class:`lib.rbm.DBN` (its
    :meth:`~lib.rbm.DBN.to_mlp`, output layer drawn with the seed) or a ``(layer_sizes, init)`` pair
    for a fresh ``MLP(layer_sizes, "sigmoid", init)``. Run ``i`` uses seed ``i`` for the
    weights it draws and the order of the batches, so starts compare seed by seed. With
    ``per_class``, only that many labelled images per class are used for fine-tuning
    (:func:`labelled_subset`): the regime where unsupervised pre-training was meant to help.
    Returns ``{label: array (n_seeds, epochs)}``, ready for ``lib.plots.training_curves``.
    """
    data = as_dataset(data)
    if not isinstance(starts, Mapping) or not starts:
        raise ValueError(f"starts must be a non-empty dict label -> list of starts, got {starts!r}")
    for label, seeded_starts in starts.items():
        if isinstance(seeded_starts, str) or not isinstance(seeded_starts, Sequence):
            raise ValueError(
                f"starts[{label!r}] must be a list with one DBN or (layer_sizes, init) per "
                f"seed, got {seeded_starts!r:.80}"
            )
    x, y = data.x_train, data.y_train
    if per_class is not None:
        x, y = labelled_subset(x, y, per_class)
    curves = {}
    for label, seeded_starts in starts.items():
        runs = []
        for seed, start in enumerate(seeded_starts):
            if hasattr(start, "to_mlp"):  # a lib.rbm.DBN (no import: rbm imports this module)
                net = start.to_mlp(data.n_classes, rng=seed)
            else:
                layer_sizes, init = start
                net = MLP(layer_sizes, activation="sigmoid", init=init, rng=seed)
            history = net.fit(
                x,
                y,
                epochs,
                lr,
                batch_size=batch_size,
                momentum=momentum,
                rng=seed,
                x_val=data.x_test,
                y_val=data.y_test,
                progress=False,
            )
            runs.append(history.val_accuracy)
        curves[str(label)] = np.array(runs)
    return curves


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
