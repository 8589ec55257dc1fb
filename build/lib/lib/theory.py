r"""Closed-form variance propagation through a deep rectifier network (He et al. 2015, §2.2).

For a layer :math:`z_l = h_{l-1} W_l` with i.i.d. zero-mean weights of variance
:math:`\sigma_l^2`, a LeakyReLU :math:`f` of slope :math:`a` (ReLU: :math:`a = 0`) and
symmetric pre-activations,

.. math::

    E[f(z)^2] = E[f'(z)^2]\,\mathrm{Var}(z) = \tfrac{1 + a^2}{2}\,\mathrm{Var}(z),

so the forward pass multiplies the pre-activation variance by
:math:`n_{\text{in}}\,\sigma_l^2 (1 + a^2)/2` per layer (He et al. 2015, eq. 7) and the
backward pass multiplies the gradient variance by :math:`n_{\text{out}}\,\sigma_l^2 (1+a^2)/2`
(eq. 11). He initialization sets one of the two factors to 1: ``mode="fan_in"`` the forward,
``mode="fan_out"`` the backward one. Widths are given input first, as in
:func:`lib.propagation.propagate`: ``widths[l]`` is ``fan_in`` and ``widths[l + 1]`` ``fan_out``
of layer ``l``.
"""

import numpy as np

from lib.validation import as_positive, as_real, positive_int


def rectifier_factor(negative_slope: float = 0.0) -> float:
    r""":math:`(1 + a^2) / 2`: the share of a symmetric input's second moment a LeakyReLU keeps."""
    slope = as_real("negative_slope", negative_slope)
    return (1.0 + slope**2) / 2.0


def _checked(widths, weight_stds):
    widths = [positive_int(f"widths[{i}]", w) for i, w in enumerate(widths)]
    stds = [as_positive(f"weight_stds[{i}]", s) for i, s in enumerate(weight_stds)]
    if len(widths) != len(stds) + 1:
        raise ValueError(
            f"widths needs one more entry than weight_stds (input first), got {len(widths)} "
            f"widths and {len(stds)} weight_stds"
        )
    return widths, stds


def preactivation_stds(widths, weight_stds, negative_slope=0.0, input_std=1.0) -> np.ndarray:
    r"""Expected std of each layer's pre-activations :math:`z_l` for an input of std ``input_std``.

    :math:`\mathrm{Var}(z_1) = n_0 \sigma_1^2 \mathrm{Var}(x)`, then
    :math:`\mathrm{Var}(z_l) = n_{l-1} \sigma_l^2 \tfrac{1+a^2}{2} \mathrm{Var}(z_{l-1})`.
    """
    widths, stds = _checked(widths, weight_stds)
    factor = rectifier_factor(negative_slope)
    variance = widths[0] * stds[0] ** 2 * as_positive("input_std", input_std) ** 2
    variances = [variance]
    for fan_in, std in zip(widths[1:-1], stds[1:], strict=True):
        variance = fan_in * std**2 * factor * variance
        variances.append(variance)
    return np.sqrt(variances)


def gradient_stds(widths, weight_stds, negative_slope=0.0, top_std=1.0) -> np.ndarray:
    r"""Expected std of the gradient w.r.t. each layer's output, for an upstream std ``top_std``.

    Indexed like :attr:`lib.propagation.Propagation.gradients`: the last entry is ``top_std``, and
    :math:`\mathrm{Var}(g_{l-1}) = n_{l} \sigma_l^2 \tfrac{1+a^2}{2} \mathrm{Var}(g_l)` going down,
    with :math:`n_l` the fan_out of layer :math:`l`.
    """
    widths, stds = _checked(widths, weight_stds)
    factor = rectifier_factor(negative_slope)
    variance = as_positive("top_std", top_std) ** 2
    variances = [variance]
    for fan_out, std in zip(reversed(widths[2:]), reversed(stds[1:]), strict=True):
        variance = fan_out * std**2 * factor * variance
        variances.append(variance)
    return np.sqrt(variances[::-1])
