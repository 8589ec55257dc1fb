"""Initializers by name, their stds and formulas, and what a model does with an ``init``."""

import functools
import numbers
from collections.abc import Callable

import numpy as np

from lib.initializers.draws import (
    glorot_normal,
    glorot_uniform,
    he_normal,
    he_uniform,
    kaiming_normal,
    kaiming_uniform,
    lecun_normal,
    lecun_uniform,
    normal,
    orthogonal,
    truncated_normal,
    uniform,
    variance_scaling,
    xavier_normal,
    xavier_uniform,
    zeros,
)
from lib.initializers.scales import (
    Shape,
    _he_std,
    _lecun_std,
    _normal_std,
    _orthogonal_std,
    _truncated_normal_std,
    _uniform_std,
    _variance_scaling_std,
    _xavier_std,
    _zeros_std,
)
from lib.validation import as_positive

_INITIALIZERS: dict[str, Callable[..., np.ndarray]] = {
    "zeros": zeros,
    "normal": normal,
    "uniform": uniform,
    "lecun_normal": lecun_normal,
    "lecun_uniform": lecun_uniform,
    "xavier_normal": xavier_normal,
    "xavier_uniform": xavier_uniform,
    "glorot_normal": glorot_normal,
    "glorot_uniform": glorot_uniform,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
    "kaiming_normal": kaiming_normal,
    "kaiming_uniform": kaiming_uniform,
    "orthogonal": orthogonal,
    "truncated_normal": truncated_normal,
    "variance_scaling": variance_scaling,
}


# Keyed by function, so aliases share their canonical initializer's std.
_STD_FUNCTIONS: dict[Callable[..., np.ndarray], Callable[..., float]] = {
    zeros: _zeros_std,
    normal: _normal_std,
    uniform: _uniform_std,
    lecun_normal: _lecun_std,
    lecun_uniform: _lecun_std,
    xavier_normal: _xavier_std,
    xavier_uniform: _xavier_std,
    he_normal: _he_std,
    he_uniform: _he_std,
    orthogonal: _orthogonal_std,
    truncated_normal: _truncated_normal_std,
    variance_scaling: _variance_scaling_std,
}


def available() -> list[str]:
    """Sorted names accepted by :func:`get`, aliases included.

    Every listed initializer can be called as ``fn(shape, rng=rng)``; ``constant`` is not
    listed because its ``value`` has no default.
    """
    return sorted(_INITIALIZERS)


def get(name: str) -> Callable[..., np.ndarray]:
    """Return the initializer called ``name`` (see :func:`available`)."""
    if not isinstance(name, str) or name not in _INITIALIZERS:
        raise ValueError(
            f"name {name!r} is not a known initializer; use one of: {', '.join(available())}"
        )
    return _INITIALIZERS[name]


def std_of(name: str, shape: Shape, **kwargs) -> float:
    r"""Theoretical standard deviation of the entries ``get(name)(shape, **kwargs)`` draws.

    ``kwargs`` are that initializer's own arguments (``gain``, ``mode``, ``std``, ...). For
    example ``lecun_*``: :math:`1/\sqrt{\text{fan\_in}}`, ``xavier_*``:
    :math:`\text{gain}\sqrt{2/(\text{fan\_in}+\text{fan\_out})}`, ``he_*``:
    :math:`\text{gain}/\sqrt{\text{fan}}`, ``normal``: ``std``, ``uniform``:
    :math:`(\text{high}-\text{low})/\sqrt{12}`, ``orthogonal``:
    :math:`\text{gain}/\sqrt{\max(\text{rows}, \text{cols})}`, ``zeros``: 0.

    >>> round(std_of("he_normal", (3, 3, 16, 32), mode="fan_out"), 6)  # sqrt(2 / (3*3*32))
    0.083333
    """
    return _STD_FUNCTIONS[get(name)](shape, **kwargs)


def std_formula(name: str) -> str:
    """The formula of :func:`std_of` for initializer ``name``, as text for messages.

    >>> std_formula("he_uniform")
    'gain / sqrt(fan), gain = sqrt(2) for ReLU'
    """
    return _STD_FUNCTIONS[get(name)].__doc__


def resolve(init) -> Callable[..., np.ndarray]:
    """``init`` as a function ``fn(shape, rng=rng)``: a name (:func:`get`), a callable (as is)
    or a float std (``N(0, std²)``); what every model's ``init`` argument goes through.

    >>> bool(resolve(0.01)((2, 3), rng=0).std() < 0.1), resolve("he_normal") is he_normal
    (True, True)
    """
    if isinstance(init, str):
        return get(init)
    if callable(init):
        return init
    if isinstance(init, numbers.Real):
        return functools.partial(normal, std=as_positive("init", init))
    raise ValueError(
        f"init must be an initializer name ({', '.join(available())}), "
        f"a callable fn(shape, rng=rng) or a positive float std, got {init!r}"
    )


def draw_weights(init, layer_shapes, rng) -> list[np.ndarray]:
    """One weight matrix per shape, drawn in order from ``rng``; checks what ``init`` returns."""
    weights = []
    for i, shape in enumerate(layer_shapes):
        w = np.asarray(init(shape, rng=rng), dtype=np.float64)
        if w.shape != shape or not np.all(np.isfinite(w)):
            raise ValueError(
                f"init returned an array of shape {w.shape} for layer {i}; expected a finite "
                f"array of shape {shape}"
            )
        weights.append(w)
    return weights
