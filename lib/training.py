"""The training loop every model of the course shares: epochs of shuffled mini-batches.

:class:`SGDClassifier` gives a model its ``fit``. :func:`run_epochs` visits the samples in a
new random order each epoch, in batches, calls the model's ``step`` on each batch and records
a :class:`History`. A value that overflows (a ``FloatingPointError`` raised by the step, see
:mod:`lib.network`) stops training and is recorded, not raised: diverging is a real outcome
of a bad initialization.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from lib.validation import (
    as_inputs,
    as_labels,
    as_momentum,
    as_positive,
    as_rng,
    as_validation_data,
    check_finite,
    positive_int,
)

__all__ = ["History", "SGDClassifier", "run_epochs"]


@dataclass
class History:
    """What a model's ``fit`` recorded.

    - ``loss``: mini-batch loss at every SGD step (``steps_per_epoch`` per epoch).
    - ``train_accuracy``, ``val_accuracy``: accuracy after each epoch (``val_accuracy`` stays
      empty without validation data).
    - ``diverged``: True if training stopped because a value overflowed; ``message`` says
      where. The failed step is not recorded in ``loss``.
    """

    steps_per_epoch: int
    loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    diverged: bool = False
    message: str = ""


def run_epochs(
    step: Callable[[np.ndarray, np.ndarray], float],
    accuracy: Callable[[np.ndarray, np.ndarray], float],
    x: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    batch_size: int,
    rng: np.random.Generator,
    validation: tuple[np.ndarray, np.ndarray] | None = None,
    progress: bool = True,
) -> History:
    """Train for ``epochs``: each epoch draws an order of the samples from ``rng`` and calls
    ``step(x_batch, y_batch) -> loss`` on each batch of ``batch_size`` (the last may be
    smaller), then records ``accuracy`` on the training set and on ``validation``.

    The arguments are checked by the model's ``fit``. If a step raises FloatingPointError,
    training stops: ``History.diverged`` is True and ``History.message`` (also printed when
    ``progress``) says where. ``progress`` shows a tqdm bar over epochs.
    """
    n_samples = len(x)
    history = History(steps_per_epoch=math.ceil(n_samples / batch_size))
    # The course's matrices are small: one BLAS thread is 2-6x faster than several here,
    # because thread start-up dominates each product.
    with (
        threadpool_limits(limits=1, user_api="blas"),
        tqdm(range(epochs), desc="epochs", disable=not progress) as bar,
    ):
        for epoch in bar:
            try:
                order = rng.permutation(n_samples)
                for start in range(0, n_samples, batch_size):
                    batch = order[start : start + batch_size]
                    loss = step(x[batch], y[batch])
                    history.loss.append(loss)
                history.train_accuracy.append(accuracy(x, y))
                if validation is not None:
                    history.val_accuracy.append(accuracy(*validation))
            except FloatingPointError as error:
                history.diverged = True
                history.message = (
                    f"training diverged in epoch {epoch + 1} after {len(history.loss)} "
                    f"steps: {error}"
                )
                if progress:
                    bar.write(history.message)
                break
            bar.set_postfix(loss=f"{loss:.4g}", train_acc=f"{history.train_accuracy[-1]:.3f}")
    return history


class SGDClassifier:
    """What every classifier of the course shares: :meth:`fit` by mini-batch SGD with momentum.

    A subclass has ``n_inputs`` and ``n_classes``, ``_accuracy(x, y)`` on checked arrays,
    ``_parameter_groups(grads=None)`` (its trained arrays, or their gradients, in named groups)
    and ``_sgd_step(lr, momentum, batch_size, n_samples)``, which returns the function that
    takes one step on a batch and returns its loss: backprop, then :meth:`_momentum_step` with
    the velocities of :meth:`_velocities` (it may refuse a batch size, as batch normalization
    does for batches of one sample).
    """

    def _parameter_groups(self, grads=None) -> list[tuple[str, list[np.ndarray]]]:
        """``(name, arrays)`` for each group of trained arrays (or of their ``grads``), in the
        order a step updates them; a group is checked for overflow together, by its name."""
        raise NotImplementedError

    def _velocities(self) -> list[list[np.ndarray]]:
        """Zero velocities shaped as :meth:`_parameter_groups`."""
        return [[np.zeros_like(a) for a in arrays] for _, arrays in self._parameter_groups()]

    def _momentum_step(self, grads, velocities, lr, momentum) -> None:
        """``v = momentum * v - lr * dloss/dtheta`` and ``theta = theta + v`` for every trained
        array, group by group, in place; FloatingPointError names the first group that
        overflows (the groups before it keep their new values)."""
        with np.errstate(over="ignore", invalid="ignore"):  # overflow: checked per group below
            for (name, arrays), (_, group_grads), group_velocities in zip(
                self._parameter_groups(), self._parameter_groups(grads), velocities, strict=True
            ):
                for theta, grad, v in zip(arrays, group_grads, group_velocities, strict=True):
                    v *= momentum
                    v -= lr * grad
                    theta += v
                check_finite(f"{name} after the update", *arrays)

    def fit(
        self,
        x,
        y,
        epochs,
        lr,
        batch_size=32,
        momentum=0.0,
        rng=None,
        x_val=None,
        y_val=None,
        progress=True,
    ) -> History:
        """Train with mini-batch SGD and classical (Polyak) momentum; returns a :class:`History`.

        Every epoch visits the samples in a new random order drawn from ``rng`` (so a seed
        makes training reproducible), in batches of ``batch_size`` (the last may be smaller).
        With velocity ``v`` starting at zero, each step on a parameter ``theta`` is::

            v     = momentum * v - lr * dloss/dtheta
            theta = theta + v

        ``momentum=0`` is plain SGD. If a value overflows, training stops: the parameters keep
        the values that overflowed, ``History.diverged`` is True and ``History.message`` (also
        printed when ``progress``) says where. ``progress`` shows a tqdm bar over epochs;
        ``x_val`` and ``y_val`` add a validation accuracy per epoch.
        """
        x = as_inputs("x", x, self.n_inputs)
        y = as_labels("y", y, len(x), self.n_classes)
        validation = as_validation_data(x_val, y_val, self.n_inputs, self.n_classes)
        epochs, lr = positive_int("epochs", epochs), as_positive("lr", lr)
        batch_size, momentum = positive_int("batch_size", batch_size), as_momentum(momentum)
        rng = as_rng(rng)
        step = self._sgd_step(lr, momentum, batch_size, len(x))
        return run_epochs(
            step,
            self._accuracy,
            x,
            y,
            epochs=epochs,
            batch_size=batch_size,
            rng=rng,
            validation=validation,
            progress=progress,
        )
