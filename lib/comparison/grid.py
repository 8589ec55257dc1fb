"""The grid of chapter 7: every activation with every initializer, over seeds."""

from dataclasses import dataclass

import numpy as np
from tqdm.auto import tqdm

from lib.comparison.chaos import NUDGE, _same_outcome
from lib.comparison.runs import (
    INIT_NAMES,
    _activation_name,
    _train,
    _training_budget,
    init_label,
)
from lib.validation import as_dataset, as_list_of, as_name_or_positive, as_seeds


@dataclass(frozen=True)
class GridResult:
    """Result of :func:`run_grid`: rows are activations, columns initializers.

    ``test_accuracy`` and ``final_loss`` have shape ``(n_activations, n_inits, n_seeds)``;
    ``diverged`` is True where a seed's run diverged (its loss is ``nan``, its accuracy
    chance); ``chaotic`` is True where the seed's run changed when its initial weights were
    nudged (see :func:`chaos_test`), or ``None`` if the grid was run without that check.
    ``loss`` holds every run's mini-batch loss, shape ``(n_activations, n_inits, n_seeds,
    n_steps)`` (``nan`` after a divergence), and ``init_specs`` the inits as given (names or
    float stds; ``inits`` are their labels). The properties average over seeds.
    """

    activations: tuple[str, ...]
    inits: tuple[str, ...]
    test_accuracy: np.ndarray
    final_loss: np.ndarray
    diverged: np.ndarray
    chaotic: np.ndarray | None = None
    loss: np.ndarray | None = None
    init_specs: tuple = ()

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
    act_names = as_list_of("activations", activations, _activation_name)
    init_values = as_list_of(
        "inits", inits, lambda init: as_name_or_positive("init", init, INIT_NAMES)
    )
    seeds = as_seeds(seeds)
    budget = _training_budget(layer_sizes, epochs, lr, batch_size)
    if not isinstance(check_chaos, bool):
        raise ValueError(f"check_chaos must be True or False, got {check_chaos!r}")
    shape = (len(act_names), len(init_values), len(seeds))
    accuracy, final_loss = np.empty(shape), np.empty(shape)
    diverged = np.zeros(shape, dtype=bool)
    chaotic = np.zeros(shape, dtype=bool) if check_chaos else None
    losses = {}
    cells = [(row, col) for row in range(shape[0]) for col in range(shape[1])]
    for row, col in tqdm(cells, desc="grid", disable=not progress):
        for k, seed in enumerate(seeds):
            run = _train(data, act_names[row], init_values[col], *budget, seed)
            losses[row, col, k] = run.loss
            accuracy[row, col, k] = run.test_accuracy
            final_loss[row, col, k] = run.final_loss
            diverged[row, col, k] = run.diverged
            if check_chaos:
                twin = _train(data, act_names[row], init_values[col], *budget, seed, nudge=NUDGE)
                chaotic[row, col, k] = not _same_outcome(run, twin)
    return GridResult(
        activations=act_names,
        inits=tuple(init_label(init) for init in init_values),
        test_accuracy=accuracy,
        final_loss=final_loss,
        diverged=diverged,
        chaotic=chaotic,
        loss=np.array(
            [
                [[losses[row, col, k] for k in range(shape[2])] for col in range(shape[1])]
                for row in range(shape[0])
            ]
        ),
        init_specs=init_values,
    )
