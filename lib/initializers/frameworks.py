r"""What a framework's dense or conv layer holds before training: its default initialization.

- **pytorch** (``nn.Linear``, ``nn.Conv1d/2d/3d``): weights ``kaiming_uniform_(a=√5)``
  :math:`= U(\pm 1/\sqrt{\text{fan\_in}})`, bias :math:`U(\pm 1/\sqrt{\text{fan\_in}})`;
- **keras** (``Dense``, ``Conv1D/2D/3D``): weights ``glorot_uniform``, bias zeros;
- **flax** (``nn.Dense``, ``nn.Conv``): weights ``lecun_normal``, a normal cut at two
  standard deviations, bias zeros.

PyTorch's weight: ``kaiming_uniform_(w, a=math.sqrt(5))`` takes the leaky-ReLU gain with slope
:math:`a = \sqrt{5}`, :math:`\sqrt{2/(1 + 5)} = 1/\sqrt{3}`, and the uniform bound
:math:`\text{gain}\sqrt{3/\text{fan\_in}} = 1/\sqrt{\text{fan\_in}}`: the std is
:math:`1/\sqrt{3\,\text{fan\_in}}`, a third of LeCun's variance and Glorot & Bengio's (2010)
"standard" initialization. Keras draws Glorot & Bengio's uniform; Flax draws LeCun's variance
from a normal cut at two standard deviations (:func:`lib.initializers.variance_scaling`).

Shapes follow the course's ``x @ W`` layout (``(fan_in, fan_out)``, a conv kernel
``(kh, kw, c_in, c_out)``); the bias has one entry per output unit.

References
----------
- PyTorch, ``torch.nn.Linear.reset_parameters`` and ``torch.nn.modules.conv._ConvNd``.
- Keras, ``keras.layers.Dense`` (``kernel_initializer="glorot_uniform"``).
- Flax, ``flax.linen.Dense`` (``kernel_init=lecun_normal()``).
"""

import math
from dataclasses import dataclass

import numpy as np

from lib.initializers.draws import kaiming_uniform, variance_scaling, xavier_uniform
from lib.initializers.scales import Shape, fans
from lib.validation import RngLike, as_rng, as_shape, check_choice

FRAMEWORKS = ("pytorch", "keras", "flax")

#: PyTorch's ``a`` in ``kaiming_uniform_(w, a=math.sqrt(5))``, the default of its layers.
PYTORCH_NEGATIVE_SLOPE = math.sqrt(5.0)


@dataclass(frozen=True)
class LayerParams:
    """A new layer's ``weights`` (shape ``shape``) and ``bias`` (shape ``(shape[-1],)``)."""

    weights: np.ndarray
    bias: np.ndarray


def default_layer(framework: str, shape: Shape, *, rng: RngLike = None) -> LayerParams:
    r"""The weights and bias ``framework`` gives a new dense or conv layer of ``shape``.

    Drawn from ``rng`` in the framework's order (weights, then bias). See the module's table.

    >>> layer = default_layer("pytorch", (400, 300), rng=0)
    >>> bound = 1 / 400**0.5
    >>> bool(abs(layer.weights).max() <= bound), bool(abs(layer.bias).max() <= bound)
    (True, True)
    >>> round(float(layer.weights.std() * (3 * 400) ** 0.5), 2)  # std 1/sqrt(3 fan_in)
    1.0
    >>> float(abs(default_layer("keras", (400, 300), rng=0).bias).max())
    0.0
    """
    check_choice(framework, FRAMEWORKS, "framework")
    shape = as_shape(shape, min_dims=2)
    rng = as_rng(rng)
    bias_shape = (shape[-1],)
    if framework == "pytorch":
        weights = kaiming_uniform(
            shape, nonlinearity="leaky_relu", negative_slope=PYTORCH_NEGATIVE_SLOPE, rng=rng
        )
        bound = 1.0 / math.sqrt(fans(shape)[0])
        return LayerParams(weights, rng.uniform(-bound, bound, size=bias_shape))
    if framework == "keras":
        return LayerParams(xavier_uniform(shape, rng=rng), np.zeros(bias_shape))
    return LayerParams(variance_scaling(shape, rng=rng), np.zeros(bias_shape))


def default_std(framework: str, shape: Shape) -> float:
    r"""The std of the weights :func:`default_layer` draws: :math:`1/\sqrt{3\,\text{fan\_in}}`
    (pytorch), :math:`\sqrt{2/(\text{fan\_in} + \text{fan\_out})}` (keras),
    :math:`1/\sqrt{\text{fan\_in}}` (flax).

    >>> round(default_std("pytorch", (512, 512)) / default_std("flax", (512, 512)), 4)
    0.5774
    """
    check_choice(framework, FRAMEWORKS, "framework")
    fan_in, fan_out = fans(shape)
    return {
        "pytorch": 1.0 / math.sqrt(3.0 * fan_in),
        "keras": math.sqrt(2.0 / (fan_in + fan_out)),
        "flax": 1.0 / math.sqrt(fan_in),
    }[framework]
