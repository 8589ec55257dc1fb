r"""Forward-only experiments: the statistics of a deep stack of layers at initialization.

:func:`propagate` pushes Gaussian noise through ``depth`` untrained layers and a random
gradient back, the experiment of *Deep Learning from Scratch* §6.2 and of Glorot & Bengio
(2010), figures 6-7 (chapters 2 and 4). :func:`he_vs_xavier_by_depth` is chapter 5's: the
forward and backward std per layer of a leaky-ReLU stack whose widths alternate (so fan-in and
fan-out differ), under He et al.'s init and under Xavier, with the closed forms of
:mod:`lib.theory` beside the measurements (He et al. 2015, eqs. 10 and 14).
:func:`end_to_end_singular_values` measures what Saxe et al. (2013) call dynamical isometry:
the singular values of the product :math:`W_1 W_2 \cdots W_L` of a deep linear network
(chapter 7).

References
----------
- X. Glorot, Y. Bengio (2010). Understanding the difficulty of training deep feedforward
  neural networks. AISTATS.
- K. He, X. Zhang, S. Ren, J. Sun (2015). Delving deep into rectifiers. ICCV.
- A. Saxe, J. McClelland, S. Ganguli (2013). Exact solutions to the nonlinear dynamics of
  learning in deep linear neural networks. arXiv:1312.6120.
- K. Saito (2016). Deep Learning from Scratch, §6.2.
"""

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from lib import activations, initializers, theory
from lib.initializers import draw_weights, resolve
from lib.validation import as_rng, as_widths, check_finite, positive_int

__all__ = [
    "DepthProfile",
    "Propagation",
    "alternating_widths",
    "end_to_end_singular_values",
    "he_vs_xavier_by_depth",
    "propagate",
]


@dataclass
class Propagation:
    """Result of :func:`propagate`; every list has one ``(n_samples, width)`` array per layer.

    (With per-layer widths, layer ``i``'s arrays are ``(n_samples, widths[i + 1])``.)

    - ``inputs``: the Gaussian input ``x``.
    - ``weights[i]``: ``W_i``, shape ``(width, width)``.
    - ``pre_activations[i]``: ``z_i = h_{i-1} @ W_i``, the previous layer's output times
      ``W_i`` (``inputs @ W_0`` for layer 0).
    - ``activations[i]``: ``h_i = f(z_i)``, the output of layer ``i``; what each layer
      receives is :attr:`layer_inputs`, as in :class:`lib.network.ForwardTrace`.
    - ``gradients[i]``: ``dloss/dh_i``. ``gradients[-1]`` is the ``N(0, 1)`` upstream gradient
      injected at the top; the others are back-propagated from it through the same layers.
    """

    inputs: np.ndarray
    weights: list[np.ndarray]
    pre_activations: list[np.ndarray]
    activations: list[np.ndarray]
    gradients: list[np.ndarray]

    @property
    def layer_inputs(self) -> list[np.ndarray]:
        """The input of each layer: ``inputs`` for layer 0, ``activations[i - 1]`` for layer i
        (as :attr:`lib.network.ForwardTrace.layer_inputs`)."""
        return [self.inputs, *self.activations[:-1]]


def propagate(init, activation, depth=5, width=100, n_samples=1000, rng=None):
    """Push Gaussian noise through ``depth`` identical layers and a random gradient back.

    The experiment of *Deep Learning from Scratch* §6.2 and of Glorot & Bengio (2010),
    figures 6-7: ``x ~ N(0, 1)`` of shape ``(n_samples, width)``, ``depth`` layers
    ``h_i = f(h_{i-1} @ W_i)`` with no biases and no training, then an upstream gradient
    ``g ~ N(0, 1)`` at the top back-propagated with ``dloss/dh_{i-1} = (g_i * f'(z_i)) @ W_i.T``.

    ``init`` is an initializer name, a callable ``fn(shape, rng=rng)`` or a float ``std``
    meaning ``N(0, std**2)`` (e.g. ``1.0`` or ``0.01``); ``activation`` a name or an
    Activation. ``width`` is one int for every layer, or ``depth + 1`` ints (the input's width,
    then each layer's) so that fan_in and fan_out differ. ``rng`` draws, in order, the input,
    the weights and the upstream gradient. Raises FloatingPointError if a value overflows.
    """
    depth = positive_int("depth", depth)
    widths = as_widths(width, depth)
    n_samples = positive_int("n_samples", n_samples)
    f = activations.get(activation)
    init = resolve(init)
    rng = as_rng(rng)

    x = rng.standard_normal((n_samples, widths[0]))
    weights = draw_weights(init, list(pairwise(widths)), rng)
    z, h = [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for i, w in enumerate(weights):
            z.append((x if i == 0 else h[i - 1]) @ w)
            check_finite(f"pre-activations of layer {i}", z[i])
            h.append(f(z[i]))

        gradients = [None] * (depth - 1) + [rng.standard_normal((n_samples, widths[-1]))]
        for i in range(depth - 1, 0, -1):
            gradients[i - 1] = (gradients[i] * f.derivative(z[i])) @ weights[i].T
            check_finite(f"gradient w.r.t. the output of layer {i - 1}", gradients[i - 1])
    return Propagation(
        inputs=x, weights=weights, pre_activations=z, activations=h, gradients=gradients
    )


def alternating_widths(depth: int, narrow: int = 100, wide: int = 300) -> list[int]:
    """``depth + 1`` widths alternating narrow, wide, ... so that fan_in != fan_out everywhere.

    >>> alternating_widths(4)
    [100, 300, 100, 300, 100]
    """
    depth = positive_int("depth", depth)
    narrow, wide = positive_int("narrow", narrow), positive_int("wide", wide)
    return [narrow if i % 2 == 0 else wide for i in range(depth + 1)]


@dataclass(frozen=True)
class DepthProfile:
    """Result of :func:`he_vs_xavier_by_depth`: per init label, one std per layer.

    ``forward``: std of each layer's pre-activations; ``backward``: std of the gradient
    back-propagated to each layer's output; ``*_theory``: the same from :mod:`lib.theory`.
    """

    widths: list[int]
    forward: dict[str, list[float]]
    backward: dict[str, list[float]]
    forward_theory: dict[str, np.ndarray]
    backward_theory: dict[str, np.ndarray]


def he_vs_xavier_by_depth(depth, negative_slope, mode, n_samples=500, rng=0) -> DepthProfile:
    """Forward and backward std per layer of a LeakyReLU net under He (``mode``) and Xavier.

    The layers alternate between 100 and 300 units (:func:`alternating_widths`), so fan_in and
    fan_out differ: He with ``mode="fan_in"`` keeps the forward pre-activation std flat and lets
    the gradients zigzag, ``mode="fan_out"`` the other way round (He et al. 2015, eqs. 10 and
    14). Each init is measured with :func:`propagate` (same ``rng`` seed for both) and
    predicted with :func:`lib.theory.preactivation_stds` / :func:`lib.theory.gradient_stds`.

    >>> profile = he_vs_xavier_by_depth(4, 0.0, "fan_in")
    >>> profile.forward_theory["He (fan_in)"].round(2).tolist()
    [1.41, 1.41, 1.41, 1.41]
    """
    widths = alternating_widths(depth)
    f = activations.get("leaky_relu", negative_slope=negative_slope)
    negative_slope = f.params["negative_slope"]
    he = {"mode": mode, "nonlinearity": "leaky_relu", "negative_slope": negative_slope}
    settings = {f"He ({mode})": ("he_normal", he), "Xavier": ("xavier_normal", {})}
    profile = DepthProfile(widths, {}, {}, {}, {})
    for label, (name, kwargs) in settings.items():
        stds = [initializers.std_of(name, shape, **kwargs) for shape in pairwise(widths)]
        init = functools.partial(initializers.get(name), **kwargs)
        result = propagate(init, f, depth=depth, width=widths, n_samples=n_samples, rng=rng)
        profile.forward[label] = [float(z.std()) for z in result.pre_activations]
        profile.backward[label] = [float(g.std()) for g in result.gradients]
        profile.forward_theory[label] = theory.preactivation_stds(widths, stds, negative_slope)
        profile.backward_theory[label] = theory.gradient_stds(widths, stds, negative_slope)
    return profile


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
