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

Modules: ``runs`` (one run, loss curves), ``chaos`` (chaos tests), ``grid`` (chapter 7's grid)
and ``finetune`` (chapter 6's fine-tuning after pre-training); every name is importable from
``lib.comparison``.
"""

from lib.comparison.chaos import CHAOS_RTOL, NUDGE, ChaosTest, chaos_test
from lib.comparison.finetune import finetune_curves, labelled_subset
from lib.comparison.grid import GridResult, run_grid
from lib.comparison.runs import Run, init_label, loss_curves, train_run

__all__ = [
    "CHAOS_RTOL",
    "NUDGE",
    "ChaosTest",
    "GridResult",
    "Run",
    "chaos_test",
    "finetune_curves",
    "init_label",
    "labelled_subset",
    "loss_curves",
    "run_grid",
    "train_run",
]
