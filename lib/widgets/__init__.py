"""The book's widgets: controls wired to update functions that compute with ``lib`` and draw.

Every widget has an *update function* ``*_update(fig, **controls) -> dict``: it computes with
``lib``, draws into the matplotlib ``Figure`` it is given (artists made once, updated in place)
and returns the numbers it drew; it needs no frontend, so tests and a chapter's static figures
call it directly. A *builder* ``*_widget(...)`` wires it to controls through
:func:`interactive_figure`: live in a kernel (every value computed), precomputed on the static
site (a grid of states the reader switches between with no kernel); see :mod:`._frame`.

One module per chapter: ``symmetry`` (1), ``propagation`` (2 and 4), ``activation`` (3),
``he_depth`` (5), ``rbm`` (6), ``comparison`` (7), ``residual`` (8). Settings that overflow
(huge weights, deep ReLU stacks) are not errors of a widget: it draws a message saying what
overflowed.
"""

from lib.widgets._frame import (
    STATIC_ENV,
    WIDGET_DPI,
    Control,
    View,
    interactive_figure,
    live_figure,
    precomputed_figure,
    render_png,
)
from lib.widgets.activation import activation_update, activation_widget
from lib.widgets.comparison import comparison_update, comparison_widget
from lib.widgets.he_depth import he_depth_update, he_depth_widget
from lib.widgets.propagation import (
    ACTIVATION_PARAMS,
    INIT_CHOICES,
    SATURATION_BOUNDS,
    init_propagation_update,
    init_propagation_widget,
    propagation_update,
    propagation_widget,
)
from lib.widgets.rbm import (
    RBM_HIDDEN_CHOICES,
    RBM_K_CHOICES,
    RBM_MAX_EPOCHS,
    RBM_TRAINING,
    rbm_update,
    rbm_widget,
)
from lib.widgets.residual import FIXES as RESIDUAL_FIXES
from lib.widgets.residual import residual_update, residual_widget
from lib.widgets.symmetry import NOISE_LEVELS, symmetry_update, symmetry_widget

__all__ = [
    "ACTIVATION_PARAMS",
    "INIT_CHOICES",
    "NOISE_LEVELS",
    "RBM_HIDDEN_CHOICES",
    "RBM_K_CHOICES",
    "RBM_MAX_EPOCHS",
    "RBM_TRAINING",
    "RESIDUAL_FIXES",
    "SATURATION_BOUNDS",
    "STATIC_ENV",
    "WIDGET_DPI",
    "Control",
    "View",
    "activation_update",
    "activation_widget",
    "comparison_update",
    "comparison_widget",
    "he_depth_update",
    "he_depth_widget",
    "init_propagation_update",
    "init_propagation_widget",
    "interactive_figure",
    "live_figure",
    "precomputed_figure",
    "propagation_update",
    "propagation_widget",
    "rbm_update",
    "rbm_widget",
    "residual_update",
    "residual_widget",
    "render_png",
    "symmetry_update",
    "symmetry_widget",
]
