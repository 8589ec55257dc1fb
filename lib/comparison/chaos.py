"""Chaos tests: does a run's outcome depend on the last bits of the arithmetic?"""

import math
from dataclasses import dataclass

import numpy as np

from lib.comparison.runs import INIT_NAMES, Run, _activation_name, _train, _training_budget
from lib.validation import as_dataset, as_name_or_positive, as_seeds

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
    activation = _activation_name(activation)
    init = as_name_or_positive("init", init, INIT_NAMES)
    budget = _training_budget(layer_sizes, epochs, lr, batch_size)
    seeds = as_seeds(seeds)
    runs = [_train(data, activation, init, *budget, seed) for seed in seeds]
    twins = [_train(data, activation, init, *budget, seed, nudge=NUDGE) for seed in seeds]
    return ChaosTest(
        seeds=seeds,
        test_accuracy=np.array([run.test_accuracy for run in runs]),
        final_loss=np.array([run.final_loss for run in runs]),
        nudged_test_accuracy=np.array([twin.test_accuracy for twin in twins]),
        nudged_final_loss=np.array([twin.final_loss for twin in twins]),
        chaotic=np.array([not _same_outcome(*pair) for pair in zip(runs, twins, strict=True)]),
    )
