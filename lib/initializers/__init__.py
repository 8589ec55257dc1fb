r"""Weight initializers: zeros to orthogonal, each with the formula it implements.

Layout convention
-----------------
Weights multiply from the right, ``y = x @ W``. So a dense layer's ``W`` has shape
``(fan_in, fan_out)`` and a conv kernel has shape ``(kh, kw, in_channels, out_channels)``.
For any shape with at least two dimensions,

.. math::

    \text{receptive} = \prod \text{shape}[:-2], \quad
    \text{fan\_in} = \text{shape}[-2] \cdot \text{receptive}, \quad
    \text{fan\_out} = \text{shape}[-1] \cdot \text{receptive}.

This is the transpose of PyTorch's ``(out, in)`` / ``(out, in, kh, kw)`` layout: the formulas
are the same, but which axis is "in" is not.

Every initializer takes ``shape`` (a tuple of positive ints; a bare int ``n`` means ``(n,)``)
and a keyword ``rng`` (a ``numpy.random.Generator``, an int seed or None, see :func:`as_rng`),
and returns a new float64 array. Fan-based initializers need at least two dimensions;
``zeros``, ``constant``, ``normal`` and ``uniform`` also accept 1-d shapes (biases).

Every fan-based initializer computes its standard deviation in one private function that
:func:`std_of` shares, so the std a plot or a check expects is the std that is drawn. The
uniform variants draw from :math:`U(-a, a)` with :math:`a = \sqrt{3}\,\sigma`, which has
the same standard deviation :math:`\sigma` as the normal variant.

Modules: ``scales`` (fans, gains, the std of each initializer), ``draws`` (the initializers),
``registry`` (lookup by name, :func:`std_of`, :func:`resolve`) and ``frameworks`` (what
PyTorch, Keras and Flax give a new layer, :func:`default_layer`); every name is importable
from ``lib.initializers``.

References
----------
- Y. LeCun, L. Bottou, G. Orr, K.-R. Müller (1998). Efficient BackProp.
- X. Glorot, Y. Bengio (2010). Understanding the difficulty of training deep feedforward
  neural networks. AISTATS.
- K. He, X. Zhang, S. Ren, J. Sun (2015). Delving deep into rectifiers: surpassing
  human-level performance on ImageNet classification. ICCV.
- A. Saxe, J. McClelland, S. Ganguli (2013). Exact solutions to the nonlinear dynamics of
  learning in deep linear neural networks. arXiv:1312.6120.
"""

from lib.initializers.draws import (
    constant,
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
from lib.initializers.frameworks import FRAMEWORKS, LayerParams, default_layer, default_std
from lib.initializers.registry import available, draw_weights, get, resolve, std_formula, std_of
from lib.initializers.scales import Shape, fans, gain

# as_rng and RngLike live in lib.validation; chapter 2 calls initializers.as_rng.
from lib.validation import RngLike, as_rng

__all__ = [
    "FRAMEWORKS",
    "LayerParams",
    "RngLike",
    "Shape",
    "as_rng",
    "available",
    "constant",
    "default_layer",
    "default_std",
    "draw_weights",
    "fans",
    "gain",
    "get",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "kaiming_normal",
    "kaiming_uniform",
    "lecun_normal",
    "lecun_uniform",
    "normal",
    "orthogonal",
    "resolve",
    "std_formula",
    "std_of",
    "truncated_normal",
    "uniform",
    "variance_scaling",
    "xavier_normal",
    "xavier_uniform",
    "zeros",
]
