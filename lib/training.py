"""The training loop every model of the course shares: epochs of shuffled mini-batches.

:func:`run_epochs` visits the samples in a new random order each epoch, in batches, calls the
model's ``step`` on each batch and records a :class:`History`. A value that overflows (a
``FloatingPointError`` raised by the step, see :mod:`lib.network`) stops training and is
recorded, not raised: diverging is a real outcome of a bad initialization.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

__all__ = ["History", "run_epochs"]


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
