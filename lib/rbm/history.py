"""What :meth:`lib.rbm.RBM.fit` records per epoch, and how it measures it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import expit

if TYPE_CHECKING:
    from lib.rbm.machine import RBM

#: Samples of the training set whose free energy is compared with the held-out set's.
MONITOR_SIZE = 500


@dataclass
class RBMHistory:
    """What :meth:`RBM.fit` recorded, one entry per epoch.

    - ``algorithm``: what ran, ``"CD-1"``, ``"PCD-5"``, ...
    - ``reconstruction_error``: mean squared error per pixel between :meth:`RBM.reconstruct`
      and the data, on a fixed subset of the training data (at most :data:`MONITOR_SIZE` rows,
      as many as ``x_val`` has); ``val_reconstruction_error`` likewise on ``x_val``.
    - ``free_energy``: mean :math:`F(v)` over the same training subset; ``val_free_energy``
      over ``x_val``.
    - ``val_pseudo_likelihood``: mean :meth:`RBM.pseudo_likelihood` of ``x_val`` with one
      flipped unit per row, the units drawn once so that epochs compare.

    - ``snapshots``: the machine after each epoch, with ``fit(..., keep_snapshots=True)``.

    The ``val_`` lists stay empty without ``x_val``, ``snapshots`` without ``keep_snapshots``.
    """

    algorithm: str
    reconstruction_error: list[float] = field(default_factory=list)
    val_reconstruction_error: list[float] = field(default_factory=list)
    free_energy: list[float] = field(default_factory=list)
    val_free_energy: list[float] = field(default_factory=list)
    val_pseudo_likelihood: list[float] = field(default_factory=list)
    snapshots: list[RBM] = field(default_factory=list)

    @property
    def free_energy_gap(self) -> np.ndarray:
        """``val_free_energy - free_energy`` per epoch (Hinton 2010, §6).

        The likelihood ratio of a held-out image and a training image is
        :math:`e^{F_\\text{train} - F_\\text{val}}`, so a gap that grows means the model gives
        the training images ever more probability than unseen ones: it is overfitting.
        """
        return np.asarray(self.val_free_energy) - np.asarray(self.free_energy)


def _monitored(machine, v):
    """Mean squared reconstruction error and mean free energy of ``v``, sharing ``v @ W``."""
    z = v @ machine.W + machine.hidden_bias
    free_energy = -(v @ machine.visible_bias) - np.logaddexp(0.0, z).sum(axis=1)
    error = np.mean((machine._visible_probs(expit(z)) - v) ** 2)
    return float(error), float(free_energy.mean())


def epoch_monitor(machine, x, x_val, rng):
    """A function appending ``machine``'s numbers to a history after each epoch of
    :meth:`RBM.fit` (the training subset and the flipped units are drawn once, here)."""
    n_monitor = min(len(x), MONITOR_SIZE if x_val is None else len(x_val))
    train_subset = x[rng.choice(len(x), size=n_monitor, replace=False)]
    flips = None if x_val is None else rng.integers(0, machine.n_visible, size=len(x_val))

    def record(history):
        error, free_energy = _monitored(machine, train_subset)
        history.reconstruction_error.append(error)
        history.free_energy.append(free_energy)
        if x_val is not None:
            error, free_energy = _monitored(machine, x_val)
            history.val_reconstruction_error.append(error)
            history.val_free_energy.append(free_energy)
            pseudo = machine.pseudo_likelihood(x_val, flip=flips)
            history.val_pseudo_likelihood.append(float(pseudo.mean()))

    return record
