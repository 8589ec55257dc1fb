"""Chapter 6's fine-tuning: backprop from pre-trained and from random starts."""

from collections.abc import Mapping, Sequence

import numpy as np

from lib.network import MLP
from lib.validation import as_dataset, positive_int


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
