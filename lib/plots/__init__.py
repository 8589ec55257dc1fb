"""Figures for the course, in one house style.

Compute and draw are separate: every function here takes numbers (arrays, or dicts of arrays
keyed by a setting's label) that other ``lib`` modules computed, and returns the
``matplotlib.figure.Figure`` it drew. The numbers printed inside panels come from
:mod:`lib.stats`, so they can be tested and tabulated apart from any picture.

Style
-----
``STYLE`` holds the rcParams of the book (a colour-blind-safe cycle, fonts readable when a
9.5-inch figure is shown 700 px wide, 90 dpi so PNGs stay light). Each function applies it with
``matplotlib.rc_context``, so importing this module changes no global state; wrap your own
figures in ``with use_style():`` to match.

Notebooks and widgets
---------------------
Figures are made with ``pyplot`` so the inline backend shows them when the cell ends. Call a
function as a statement ending in ``;`` or assign the result (``fig = layer_histograms(...)``);
a bare call as the cell's last line shows the figure twice. To redraw in place (a widget
updating its figure), pass the axes of an existing figure through ``ax=`` / ``axes=``: they are
cleared and redrawn and no new figure is created. Non-finite values (a diverged network) never
raise: they are left out of the drawing, counted in the printed numbers, and a panel with no
finite value at all says so.
"""

from lib.plots._base import COLORS, FIG_WIDTH, KINDS, STYLE, SUMMARIES, format_value, use_style
from lib.plots.activations import activation_curves, activation_response
from lib.plots.curves import nudged_twins, std_by_depth, training_curves
from lib.plots.diagrams import fan_diagram, heatmap, rbm_diagram, unit_distance_bars
from lib.plots.histograms import (
    compare_layer_histograms,
    layer_histograms,
    overlaid_layer_histograms,
)
from lib.plots.images import image_grid, weight_image
from lib.plots.variance_flow import variance_flow

__all__ = [
    "COLORS",
    "FIG_WIDTH",
    "KINDS",
    "STYLE",
    "SUMMARIES",
    "activation_curves",
    "activation_response",
    "compare_layer_histograms",
    "format_value",
    "fan_diagram",
    "heatmap",
    "rbm_diagram",
    "image_grid",
    "layer_histograms",
    "nudged_twins",
    "overlaid_layer_histograms",
    "std_by_depth",
    "training_curves",
    "unit_distance_bars",
    "use_style",
    "variance_flow",
    "weight_image",
]
