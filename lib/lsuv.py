r"""Layer-sequential unit-variance (LSUV) initialization, a data-dependent init.

Mishkin & Matas (2015), "All you need is a good init" (ICLR 2016), Algorithm 1:

1. Pre-initialize every weight matrix with orthonormal columns or rows (Saxe et al. 2013).
2. For each layer :math:`l = 0, 1, \dots, L-1` in order, forward a data batch, measure the
   variance of that layer's output :math:`v_l = \operatorname{Var}(z_l)` and rescale

   .. math::

       W_l \leftarrow W_l / \sqrt{v_l}

   until :math:`|v_l - 1| < \text{tol}` or ``max_iter`` rescalings were made.

Here a layer's output is its pre-activation :math:`z_l = a_l W_l + b_l`, the variance taken
over the batch and the units together. With zero biases one rescaling is exact
(:math:`\operatorname{Var}(c z) = c^2 \operatorname{Var}(z)`); non-zero biases are why the
paper loops. Because the layers are fixed in order, layer :math:`l` is measured on inputs
that the earlier, already rescaled layers produce: the whole forward pass ends at unit scale
whatever the activation, with no formula for its gain.
"""

import math
from dataclasses import dataclass

import numpy as np

from lib import initializers
from lib.network import MLP
from lib.validation import RngLike, as_positive, as_rng, positive_int

__all__ = ["LSUVReport", "lsuv"]


@dataclass(frozen=True)
class LSUVReport:
    """What :func:`lsuv` did, one entry per layer.

    - ``variance_before[l]``: variance of layer ``l``'s output when LSUV reached it (the
      earlier layers already rescaled), before rescaling ``W_l``.
    - ``variance_after[l]``: the same variance once LSUV moved on.
    - ``iterations[l]``: rescalings of ``W_l`` (0 if it was already within ``tol``).
    - ``scales[l]``: the total factor ``W_l`` was multiplied by.
    - ``converged[l]``: ``|variance_after[l] - 1| < tol``.
    """

    variance_before: np.ndarray
    variance_after: np.ndarray
    iterations: np.ndarray
    scales: np.ndarray
    converged: np.ndarray


def _output_variance(net, x, layer):
    return float(np.var(net.forward(x).pre_activations[layer]))


def lsuv(
    net: MLP,
    x,
    tol: float = 0.1,
    max_iter: int = 10,
    orthogonal_start: bool = True,
    rng: RngLike = None,
) -> LSUVReport:
    r"""Rescale ``net``'s weights in place, layer by layer, to unit output variance on ``x``.

    Mishkin & Matas (2015), Algorithm 1 (see the module docstring): with
    ``orthogonal_start`` the weights are first replaced by ``initializers.orthogonal`` draws
    from ``rng`` (Saxe et al. 2013); without it the net's own weights are rescaled, which
    shows what the rescaling alone repairs. Then, for each layer in order,
    :math:`W_l \leftarrow W_l / \sqrt{\operatorname{Var}(z_l)}` until
    :math:`|\operatorname{Var}(z_l) - 1| < \text{tol}` or ``max_iter`` times. Biases are left
    as they are. ``x`` is a batch of inputs, shape ``(n_samples, layer_sizes[0])`` with at
    least 2 samples. Returns an :class:`LSUVReport`; raises ValueError if a layer's output is
    constant on the batch (zero variance cannot be rescaled to one, e.g. all ReLUs dead).
    """
    if not isinstance(net, MLP):
        raise ValueError(f"net must be a lib.network.MLP, got {type(net).__name__}")
    tol = as_positive("tol", tol)
    max_iter = positive_int("max_iter", max_iter)
    x = net.forward(x).inputs  # the network's own check of shape and values
    if len(x) < 2:
        raise ValueError(f"x must hold at least 2 samples to measure a variance, got {len(x)}")
    if orthogonal_start:
        rng = as_rng(rng)
        net.weights = [initializers.orthogonal(w.shape, rng=rng) for w in net.weights]

    n_layers = net.n_layers
    before, after = np.empty(n_layers), np.empty(n_layers)
    iterations, scales = np.zeros(n_layers, dtype=int), np.ones(n_layers)
    for layer in range(n_layers):
        variance = before[layer] = _output_variance(net, x, layer)
        while abs(variance - 1.0) >= tol and iterations[layer] < max_iter:
            if variance == 0.0:
                raise ValueError(
                    f"layer {layer}'s output is constant on the batch x (variance 0), so no "
                    "scale of its weights gives variance 1; check the earlier layers"
                )
            weights = net.weights
            weights[layer] = weights[layer] / math.sqrt(variance)
            net.weights = weights
            scales[layer] /= math.sqrt(variance)
            iterations[layer] += 1
            variance = _output_variance(net, x, layer)
        after[layer] = variance
    return LSUVReport(
        variance_before=before,
        variance_after=after,
        iterations=iterations,
        scales=scales,
        converged=np.abs(after - 1.0) < tol,
    )
