"""Deep belief nets: RBMs stacked and trained greedily, then unrolled into an MLP."""

from itertools import pairwise

from lib.network import MLP
from lib.rbm.machine import RBM
from lib.validation import as_layer_sizes, as_rng, positive_int


class DBN:
    """A stack of RBMs trained greedily, layer by layer (Hinton, Osindero & Teh 2006).

    ``layer_sizes = [n_visible, hidden_1, ..., hidden_L]`` makes ``L`` RBMs; RBM ``i`` has
    ``layer_sizes[i]`` visible and ``layer_sizes[i + 1]`` hidden units. ``init`` and ``rng``
    draw their initial weights, as for :class:`RBM`.
    """

    def __init__(self, layer_sizes, init=0.01, rng=None):
        sizes = as_layer_sizes(layer_sizes, what="(visible, hidden_1, ...)")
        rng = as_rng(rng)
        self.layer_sizes = tuple(sizes)
        self.rbms = [RBM(n_in, n_out, init=init, rng=rng) for n_in, n_out in pairwise(sizes)]

    def __repr__(self):
        return f"DBN(layer_sizes={list(self.layer_sizes)})"

    def transform(self, x):
        """The top layer's hidden probabilities: ``x`` passed up through every RBM."""
        for rbm in self.rbms:
            x = rbm.transform(x)
        return x

    def pretrain(self, x, epochs, lr, x_val=None, rng=None, progress=True, **fit_options):
        """Greedy layer-wise pre-training; returns one :class:`RBMHistory` per layer.

        RBM 0 is fitted on ``x``; RBM ``i + 1`` on the hidden probabilities
        :meth:`RBM.transform` of RBM ``i`` (likewise ``x_val``), each with :meth:`RBM.fit`
        and the same ``epochs``, ``lr`` and ``fit_options`` (``batch_size``, ``k``,
        ``persistent``, ``momentum``, ``weight_decay``). Lower layers are frozen once trained.
        """
        rng = as_rng(rng)
        histories = []
        for i, rbm in enumerate(self.rbms):
            histories.append(
                rbm.fit(x, epochs, lr, x_val=x_val, rng=rng, progress=progress, **fit_options)
            )
            if i < len(self.rbms) - 1:
                x = rbm.transform(x)
                x_val = None if x_val is None else rbm.transform(x_val)
        return histories

    def to_mlp(self, n_classes, output_init="xavier_normal", rng=None) -> MLP:
        """An MLP ``[*layer_sizes, n_classes]`` with sigmoid units, ready for fine-tuning.

        Hidden layer ``i`` gets RBM ``i``'s ``W`` and ``hidden_bias`` (copies), so its output
        is :meth:`RBM.transform`; the output layer is fresh, drawn with ``output_init`` (any
        ``init`` that :class:`lib.network.MLP` takes) from ``rng``, with a zero bias.
        """
        n_classes = positive_int("n_classes", n_classes)
        net = MLP([*self.layer_sizes, n_classes], activation="sigmoid", init=output_init, rng=rng)
        net.set_weights(
            [rbm.W for rbm in self.rbms] + [net.weights[-1]],
            [rbm.hidden_bias for rbm in self.rbms] + [net.biases[-1]],
        )
        return net
