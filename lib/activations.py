"""Activation functions and their derivatives, behind one registry.

Every activation is a pair of element-wise functions of the pre-activation ``z``:
the function ``f(z)`` and its derivative ``f'(z)``. Backpropagation needs ``f'`` as a
function of ``z`` (not of ``f(z)``), so that is what every ``*_derivative`` takes.

Use the registry rather than the bare functions when an activation is a setting::

    >>> act = get("leaky_relu", negative_slope=0.2)
    >>> act(-1.0), act.derivative(-1.0)
    (array(-0.2), array(0.2))

At a kink (``z == 0`` for relu, leaky_relu and elu) the derivative is the left one
(``0``, ``negative_slope`` and ``alpha``), the convention used by most libraries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit

from lib.validation import as_positive, as_real, as_rng, positive_int

__all__ = [
    "Activation",
    "available",
    "elu",
    "elu_derivative",
    "get",
    "get_labelled",
    "identity",
    "identity_derivative",
    "leaky_relu",
    "leaky_relu_derivative",
    "relu",
    "relu_derivative",
    "sigmoid",
    "sigmoid_derivative",
    "tanh",
    "tanh_derivative",
]


def sigmoid(z):
    """Logistic sigmoid ``f(z) = 1 / (1 + exp(-z))``.

    Written naively, ``exp(-z)`` overflows for ``z < -709``. ``scipy.special.expit`` evaluates
    the same function without overflow, as ``1 / (1 + exp(-z))`` for ``z >= 0`` and
    ``exp(z) / (1 + exp(z))`` for ``z < 0``, where every ``exp`` is at most 1 (and it is
    several times faster than composing those numpy operations).
    """
    return expit(np.asarray(z, dtype=float))


def sigmoid_derivative(z):
    """``f'(z) = f(z) * (1 - f(z))`` with ``f`` the sigmoid; at most 1/4, reached at ``z = 0``."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """Hyperbolic tangent ``f(z) = (exp(z) - exp(-z)) / (exp(z) + exp(-z))``."""
    return np.tanh(np.asarray(z, dtype=float))


def tanh_derivative(z):
    """``f'(z) = 1 - tanh(z)**2``; equal to 1 at ``z = 0``."""
    return 1.0 - np.tanh(np.asarray(z, dtype=float)) ** 2


def relu(z):
    """Rectified linear unit ``f(z) = max(z, 0)``."""
    return np.maximum(np.asarray(z, dtype=float), 0.0)


def relu_derivative(z):
    """``f'(z) = 1`` if ``z > 0`` else ``0`` (0 at the kink ``z = 0``)."""
    return (np.asarray(z, dtype=float) > 0).astype(float)


def leaky_relu(z, negative_slope=0.01):
    """Leaky ReLU ``f(z) = z`` if ``z > 0`` else ``negative_slope * z`` (Maas et al. 2013).

    PReLU (He et al. 2015) is the same function with ``negative_slope`` learned during training
    instead of fixed; for initialisation only its value matters, through the gain
    ``sqrt(2 / (1 + negative_slope**2))``. It is therefore not a separate entry in the registry:
    use ``get("leaky_relu", negative_slope=...)`` (PyTorch's and He et al.'s name).
    """
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, negative_slope * z)


def leaky_relu_derivative(z, negative_slope=0.01):
    """``f'(z) = 1`` if ``z > 0`` else ``negative_slope`` (also at the kink ``z = 0``)."""
    return np.where(np.asarray(z, dtype=float) > 0, 1.0, negative_slope)


def elu(z, alpha=1.0):
    """Exponential linear unit ``f(z) = z`` if ``z > 0`` else ``alpha * (exp(z) - 1)``.

    Clevert, Unterthiner & Hochreiter (2016). ``exp`` only ever sees ``min(z, 0)``, so
    large positive inputs cannot overflow; ``expm1`` keeps precision near ``z = 0``.
    """
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def elu_derivative(z, alpha=1.0):
    """``f'(z) = 1`` if ``z > 0`` else ``alpha * exp(z)`` (``alpha`` at the kink ``z = 0``)."""
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))


def identity(z):
    """Identity ``f(z) = z`` (a linear layer)."""
    return np.asarray(z, dtype=float).copy()


def identity_derivative(z):
    """``f'(z) = 1``."""
    return np.ones_like(np.asarray(z, dtype=float))


@dataclass(frozen=True)
class Activation:
    """An activation function with its parameters fixed; build it with :func:`get`.

    ``act(z)`` and ``act.forward(z)`` give ``f(z)``; ``act.derivative(z)`` gives ``f'(z)``.
    """

    name: str
    # hash=False: a dict cannot be hashed; equal activations still hash equal through name.
    params: dict[str, float] = field(hash=False)
    function: Callable[..., np.ndarray] = field(repr=False)
    derivative_function: Callable[..., np.ndarray] = field(repr=False)

    def forward(self, z):
        """``f(z)``, element-wise."""
        return self.function(z, **self.params)

    def derivative(self, z):
        """``f'(z)``, element-wise, as a function of the pre-activation ``z``."""
        return self.derivative_function(z, **self.params)

    def __call__(self, z):
        return self.forward(z)

    @property
    def label(self) -> str:
        """``"elu(alpha=0.5)"``: the name, and the parameters when there are any.

        >>> get("leaky_relu", negative_slope=0.2).label, get("tanh").label
        ('leaky_relu(negative_slope=0.2)', 'tanh')
        """
        params = ", ".join(f"{key}={value:g}" for key, value in self.params.items())
        return f"{self.name}({params})" if params else self.name


# name -> (function, derivative, default parameters)
_REGISTRY: dict[str, tuple[Callable, Callable, dict[str, float]]] = {
    "sigmoid": (sigmoid, sigmoid_derivative, {}),
    "tanh": (tanh, tanh_derivative, {}),
    "relu": (relu, relu_derivative, {}),
    "leaky_relu": (leaky_relu, leaky_relu_derivative, {"negative_slope": 0.01}),
    "elu": (elu, elu_derivative, {"alpha": 1.0}),
    "identity": (identity, identity_derivative, {}),
}


def available():
    """Names accepted by :func:`get`, sorted."""
    return sorted(_REGISTRY)


# ELU's alpha scales the negative saturation value and must be positive; negative_slope may be any
# finite number (PReLU's learned slopes can even be negative).
_PARAM_CHECKS = {"alpha": as_positive, "negative_slope": as_real}


def get(name, **params):
    """Return the :class:`Activation` called ``name`` with ``params`` overriding defaults.

    ``name`` is one of :func:`available` (``"elu"`` takes ``alpha > 0``, default 1.0;
    ``"leaky_relu"`` takes ``negative_slope``, default 0.01), or an :class:`Activation`, returned
    as-is so that callers accept either.
    """
    if isinstance(name, Activation):
        if params:
            raise ValueError(
                f"parameters {sorted(params)} given together with an Activation instance; "
                f"pass a name instead, e.g. get({name.name!r}, ...)"
            )
        return name
    if not isinstance(name, str) or name not in _REGISTRY:
        hint = ""
        if name == "prelu":
            hint = " (PReLU learns a leaky_relu slope; use get('leaky_relu', negative_slope=...))"
        raise ValueError(f"unknown activation {name!r}{hint}; allowed: {', '.join(available())}")
    function, derivative_function, defaults = _REGISTRY[name]
    unknown = sorted(set(params) - set(defaults))
    if unknown:
        allowed = ", ".join(sorted(defaults)) or "none"
        raise ValueError(f"{name}: unknown parameter(s) {unknown}; allowed: {allowed}")
    values = {
        key: _PARAM_CHECKS[key](f"{name} {key}", params.get(key, default))
        for key, default in defaults.items()
    }
    return Activation(name, values, function, derivative_function)


def get_labelled(activations) -> dict[str, Activation]:
    """``{label: Activation}`` from a dict label -> name/Activation, or from a list of names or
    Activations (each labelled with :attr:`Activation.label`); what the plots take.

    >>> list(get_labelled(["tanh", get("elu", alpha=0.5)]))
    ['tanh', 'elu(alpha=0.5)']
    """
    if isinstance(activations, Mapping):
        items = [(str(label), spec) for label, spec in activations.items()]
    elif isinstance(activations, Sequence) and not isinstance(activations, str):
        items = [(None, spec) for spec in activations]
    else:
        raise ValueError(
            "activations must be a dict label -> activation or a list of activation names or "
            f"Activation objects, got {activations!r:.80}"
        )
    if not items:
        raise ValueError("activations must hold at least one activation, got an empty collection")
    labelled = {}
    for label, spec in items:
        activation = get(spec)
        label = activation.label if label is None else label
        if label in labelled:
            raise ValueError(f"activations: the label {label!r} appears twice; use a dict")
        labelled[label] = activation
    return labelled


@dataclass(frozen=True)
class Response:
    """An activation applied to Gaussian pre-activations: what :func:`response` returns."""

    pre_activations: np.ndarray
    outputs: np.ndarray
    derivatives: np.ndarray


def response(activation, input_std=1.0, n_samples=20_000, rng=None):
    r"""Outputs and derivatives of ``activation`` for pre-activations :math:`z \sim N(0, \sigma^2)`.

    The question of chapter 3: if a layer's pre-activations have std ``input_std`` (which the
    initialization sets), where do its outputs land, and how much gradient does
    :math:`f'(z)` let through?
    """
    f = get(activation)
    input_std = as_positive("input_std", input_std)
    z = as_rng(rng).normal(0.0, input_std, size=positive_int("n_samples", n_samples))
    return Response(pre_activations=z, outputs=f(z), derivatives=f.derivative(z))
