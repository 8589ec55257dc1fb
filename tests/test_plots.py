import io

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import FillBetweenPolyCollection
from matplotlib.figure import Figure
from matplotlib.text import Text

from lib import activations, initializers, plots

RNG_SEED = 0


def texts(fig):
    """Every string drawn anywhere in the figure."""
    return [artist.get_text() for artist in fig.findobj(Text) if artist.get_text()]


def render(fig):
    """Draw the figure to PNG, so draw-time problems (and warnings) surface in the test."""
    fig.savefig(io.BytesIO(), format="png")
    return fig


@pytest.fixture
def tanh_layers():
    rng = np.random.default_rng(RNG_SEED)
    return [np.tanh(rng.normal(0.0, scale, size=(50, 200))) for scale in (0.5, 1.0, 3.0)]


@pytest.fixture
def relu_layers():
    rng = np.random.default_rng(RNG_SEED)
    return [np.maximum(rng.normal(size=(3, 3, 16, 32)), 0.0) for _ in range(3)]


# --- style ------------------------------------------------------------------------------------


def test_plots_leave_global_rcparams_alone(tanh_layers):
    before = dict(mpl.rcParams)
    render(plots.layer_histograms(tanh_layers))
    assert dict(mpl.rcParams) == before


def test_figures_get_the_house_style(tanh_layers):
    fig = plots.layer_histograms(tanh_layers)
    assert fig.dpi == plots.STYLE["figure.dpi"]
    assert fig.get_figwidth() == plots.FIG_WIDTH
    assert fig.axes[0].title.get_fontsize() == plots.STYLE["axes.titlesize"]


def test_use_style_applies_style_temporarily():
    with plots.use_style():
        assert mpl.rcParams["figure.dpi"] == plots.STYLE["figure.dpi"]
        fig, ax = plt.subplots()
        (line,) = ax.plot([1, 2])
    assert mpl.colors.same_color(line.get_color(), plots.COLORS[0])


def test_use_style_keeps_interactive_mode_switched_on_inside():
    # What the inline backend does when the first figure of a Jupyter kernel loads it.
    assert not mpl.is_interactive()
    try:
        with plots.use_style():
            mpl.interactive(True)
        assert mpl.is_interactive()
    finally:
        mpl.interactive(False)


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.41712, "0.417"), (0.0, "0.000"), (-2.5e-5, "-2.50e-05"), (3.2e6, "3.20e+06")],
)
def test_format_value(value, text):
    assert plots.format_value(value) == text


# --- layer histograms -------------------------------------------------------------------------


def test_layer_histograms_panels_and_labels(tanh_layers):
    fig = render(plots.layer_histograms(tanh_layers, title="tanh, Glorot"))
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 3
    assert [ax.get_title() for ax in fig.axes] == ["Layer 1", "Layer 2", "Layer 3"]
    assert fig.get_suptitle() == "tanh, Glorot"
    assert all(ax.get_xlabel() == "activation value" for ax in fig.axes)
    assert fig.axes[0].get_ylabel() == "count"
    # One count scale for all panels.
    assert len({ax.get_ylim() for ax in fig.axes}) == 1


def test_layer_histograms_print_mean_std_and_saturation(tanh_layers):
    fig = plots.layer_histograms(tanh_layers, summary="saturated", saturation_bounds=(-0.99, 0.99))
    drawn = texts(fig)
    for layer in tanh_layers:
        saturated = np.mean(np.abs(layer) > 0.99)
        panel = f"std {layer.std():.3f}"
        assert any(panel in text for text in drawn), panel
        assert any(f"mean {layer.mean():.3f}" in text for text in drawn)
        assert any(f"saturated {saturated:.1%}" in text for text in drawn)
    # Layer 3 (scale 3) is heavily saturated: the number is not trivially 0.
    assert np.mean(np.abs(tanh_layers[2]) > 0.99) > 0.3


def test_layer_histograms_print_dead_fraction(relu_layers):
    drawn = texts(plots.layer_histograms(relu_layers, summary="dead"))
    for layer in relu_layers:
        assert any(f"dead {np.mean(layer == 0):.1%}" in text for text in drawn)
    assert not any("saturated" in text for text in drawn)


def test_gradient_histograms_print_small_numbers_readably():
    rng = np.random.default_rng(RNG_SEED)
    grads = [rng.normal(0.0, 1e-4, size=(50, 200)), rng.normal(0.0, 1e-2, size=(50, 200))]
    fig = render(plots.layer_histograms(grads, kind="gradient"))
    drawn = texts(fig)
    assert any(f"std {grads[0].std():.2e}" in text for text in drawn)
    assert any(f"std {grads[1].std():.3f}" in text for text in drawn)
    assert fig.axes[0].get_xlabel() == "gradient value"
    assert fig.get_suptitle() == "Gradient values per layer"


def test_many_layers_wrap_into_rows():
    layers = [np.arange(10.0) + index for index in range(7)]
    fig = render(plots.layer_histograms(layers))
    assert len(fig.axes) == 7
    assert fig.axes[6].get_title() == "Layer 7"
    # The first panel of each line carries the y label.
    assert [ax.get_ylabel() for ax in fig.axes] == ["count", "", "", "", "", "count", ""]


def test_layer_histograms_with_non_finite_values(relu_layers):
    layers = [layer.copy() for layer in relu_layers]
    layers[0][0, 0, :2, :] = np.nan  # 64 of 4608 values
    layers[1][...] = np.inf
    fig = render(plots.layer_histograms(layers, summary="dead"))
    drawn = texts(fig)
    assert "no finite values" in drawn
    assert any(f"non-finite {64 / layers[0].size:.1%}" in text for text in drawn)
    render(plots.layer_histograms([[np.nan, np.nan]]))


def test_layer_histograms_redraw_in_place(tanh_layers, relu_layers):
    fig = plots.layer_histograms(tanh_layers)
    n_figures = len(plt.get_fignums())
    again = render(plots.layer_histograms(relu_layers, summary="dead", axes=fig.axes))
    assert again is fig
    assert len(plt.get_fignums()) == n_figures
    assert len(fig.axes) == 3
    drawn = texts(fig)
    assert any(f"std {relu_layers[0].std():.3f}" in text for text in drawn)
    assert not any(f"std {tanh_layers[0].std():.3f}" in text for text in drawn)


def test_value_range_fixes_the_bins(tanh_layers):
    fig = plots.layer_histograms(tanh_layers, value_range=(-2.0, 2.0), bins=8)
    left, right = fig.axes[0].get_xlim()
    assert left < -2.0 and right > 2.0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"values_per_layer": []}, "at least one layer"),
        ({"values_per_layer": [[1.0], []]}, "empty"),
        ({"kind": "weights"}, "kind"),
        ({"bins": 0}, "bins"),
        ({"summary": "sat"}, "summary"),
        ({"summary": "saturated"}, "saturation_bounds"),
        ({"saturation_bounds": (0.01, 0.99)}, "saturation_bounds"),
        ({"kind": "gradient", "summary": "dead"}, "gradient"),
        ({"value_range": (1.0, -1.0)}, "value_range"),
        ({"axes": "not axes"}, "axes"),
        ({"title": 3}, "title"),
    ],
)
def test_layer_histograms_bad_input(kwargs, match):
    arguments = {"values_per_layer": [[0.1, 0.2], [0.3]], **kwargs}
    with pytest.raises(ValueError, match=match):
        plots.layer_histograms(**arguments)


def test_layer_histograms_redraw_needs_one_axes_per_layer(tanh_layers):
    fig = plots.layer_histograms(tanh_layers[:2])
    with pytest.raises(ValueError, match="3 axes"):
        plots.layer_histograms(tanh_layers, axes=fig.axes)


def test_compare_layer_histograms(tanh_layers):
    settings = {"Glorot": tanh_layers, "small": [layer * 0.5 for layer in tanh_layers]}
    fig = render(
        plots.compare_layer_histograms(
            settings, summary="saturated", saturation_bounds=(-0.99, 0.99)
        )
    )
    assert len(fig.axes) == 6
    assert fig.axes[0].get_ylabel() == "Glorot\ncount"
    assert fig.axes[3].get_ylabel() == "small\ncount"
    assert [ax.get_title() for ax in fig.axes[:3]] == ["Layer 1", "Layer 2", "Layer 3"]
    assert len({ax.get_ylim() for ax in fig.axes}) == 1
    drawn = texts(fig)
    assert any(f"std {settings['small'][2].std():.3f}" in text for text in drawn)


def test_compare_layer_histograms_redraw_in_place(tanh_layers):
    settings = {"a": tanh_layers, "b": tanh_layers}
    fig = plots.compare_layer_histograms(settings)
    n_figures = len(plt.get_fignums())
    grid = np.array(fig.axes).reshape(2, 3)
    assert plots.compare_layer_histograms(settings, axes=grid) is fig
    assert len(plt.get_fignums()) == n_figures


@pytest.mark.parametrize(
    ("settings", "match"),
    [({}, "non-empty"), ([[1.0]], "dict"), ({"a": [[1.0]], "b": [[1.0], [2.0]]}, "same number")],
)
def test_compare_layer_histograms_bad_input(settings, match):
    with pytest.raises(ValueError, match=match):
        plots.compare_layer_histograms(settings)


# --- std by depth -----------------------------------------------------------------------------


def test_std_by_depth():
    measured = {"Glorot": 0.9 ** np.arange(6), "He": np.ones(6)}
    fig = render(plots.std_by_depth(measured, theory={"Glorot": 0.88 ** np.arange(6)}))
    (ax,) = fig.axes
    assert ax.get_yscale() == "log"
    assert ax.get_xlabel() == "layer"
    assert ax.get_ylabel() == "standard deviation"
    assert ax.get_title() == "Standard deviation by depth"
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["Glorot", "He", "Glorot (theory)"]
    glorot, _, theory = ax.get_lines()
    np.testing.assert_array_equal(glorot.get_xdata(), np.arange(1, 7))
    np.testing.assert_allclose(glorot.get_ydata(), 0.9 ** np.arange(6))
    assert theory.get_linestyle() == "--"
    assert glorot.get_color() == theory.get_color()
    blocks = render(plots.std_by_depth(measured, xlabel="block k"))
    assert blocks.axes[0].get_xlabel() == "block k"
    with pytest.raises(ValueError, match="xlabel"):
        plots.std_by_depth(measured, xlabel=3)


def test_std_by_depth_hides_values_a_log_axis_cannot_show():
    fig = render(plots.std_by_depth({"diverged": [1.0, 10.0, np.inf, np.nan, 0.0, -1.0]}))
    (line,) = fig.axes[0].get_lines()
    ydata = np.asarray(line.get_ydata(), dtype=float)
    np.testing.assert_array_equal(ydata[:2], [1.0, 10.0])
    assert np.isnan(ydata[2:]).all()
    fig = render(plots.std_by_depth({"nothing": [np.nan, 0.0]}))
    assert "no finite values" in texts(fig)


def test_std_by_depth_redraw_in_place():
    fig = plots.std_by_depth({"a": [1.0, 2.0]})
    n_figures = len(plt.get_fignums())
    again = plots.std_by_depth({"b": [3.0, 4.0, 5.0]}, ax=fig.axes[0], title="new")
    assert again is fig and len(plt.get_fignums()) == n_figures
    assert len(fig.axes[0].get_lines()) == 1
    assert fig.axes[0].get_title() == "new"


@pytest.mark.parametrize(
    ("curves", "theory", "match"),
    [
        ({}, None, "curves"),
        ([1.0, 2.0], None, "curves"),
        ({"a": []}, None, "non-empty 1-D"),
        ({"a": [[1.0, 2.0]]}, None, "non-empty 1-D"),
        ({"a": [1.0]}, {}, "theory"),
        ({"a": [1.0]}, {"a": ["x"]}, "theory"),
    ],
)
def test_std_by_depth_bad_input(curves, theory, match):
    with pytest.raises(ValueError, match=match):
        plots.std_by_depth(curves, theory)


# --- training curves --------------------------------------------------------------------------


def test_training_curves_mean_and_band():
    rng = np.random.default_rng(RNG_SEED)
    runs = 2.0 + rng.uniform(size=(3, 40))
    fig = render(plots.training_curves({"Glorot": runs, "He": runs[0]}, band="minmax"))
    (ax,) = fig.axes
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["Glorot (3 seeds)", "He"]
    mean_line, single_line = ax.get_lines()
    np.testing.assert_allclose(mean_line.get_ydata(), runs.mean(axis=0))
    np.testing.assert_allclose(single_line.get_ydata(), runs[0])
    # Only the three-seed setting has a band, spanning min..max over seeds.
    (band,) = [artist for artist in ax.collections if isinstance(artist, FillBetweenPolyCollection)]
    vertices = band.get_paths()[0].vertices
    assert vertices[:, 1].min() == pytest.approx(runs.min())
    assert vertices[:, 1].max() == pytest.approx(runs.max())
    assert ax.get_xlabel() == "step" and ax.get_ylabel() == "loss"
    assert ax.get_title() == "Loss during training"


def test_training_curves_smooth_x_and_log():
    runs = [[4.0, 2.0, 4.0, 2.0], [2.0, 4.0, 2.0, 4.0]]
    fig = render(
        plots.training_curves(
            {"a": runs}, smooth=2, x=[10, 20, 30, 40], logy=True, ylabel="accuracy"
        )
    )
    (ax,) = fig.axes
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_xdata(), [10, 20, 30, 40])
    np.testing.assert_allclose(line.get_ydata(), [3.0, 3.0, 3.0, 3.0])
    assert ax.get_yscale() == "log"
    assert ax.get_title() == "Accuracy during training"


def test_training_curves_with_diverged_runs():
    fig = render(plots.training_curves({"a": [[1.0, np.nan, np.inf], [1.0, 2.0, np.nan]]}))
    (line,) = fig.axes[0].get_lines()
    np.testing.assert_allclose(np.asarray(line.get_ydata(), dtype=float)[:2], [1.0, 2.0])
    fig = render(plots.training_curves({"a": [np.nan, np.nan]}, logy=True))
    assert "no finite values" in texts(fig)


def test_training_curves_redraw_in_place():
    fig = plots.training_curves({"a": [1.0, 2.0]})
    n_figures = len(plt.get_fignums())
    assert plots.training_curves({"b": [3.0, 1.0]}, ax=fig.axes[0]) is fig
    assert len(plt.get_fignums()) == n_figures
    assert [text.get_text() for text in fig.axes[0].get_legend().get_texts()] == ["b"]


@pytest.mark.parametrize(
    ("histories", "kwargs", "match"),
    [
        ({}, {}, "histories"),
        ({"a": [[1.0, 2.0], [1.0]]}, {}, "ragged"),
        ({"a": []}, {}, "equal-length"),
        ({"a": [1.0, 2.0]}, {"x": [1.0]}, "one value per step"),
        ({"a": [1.0, 2.0]}, {"smooth": 0}, "smooth"),
        ({"a": [1.0, 2.0]}, {"band": "iqr"}, "band"),
        ({"a": [1.0, 2.0]}, {"ylabel": None}, "ylabel"),
    ],
)
def test_training_curves_bad_input(histories, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plots.training_curves(histories, **kwargs)


# --- images -----------------------------------------------------------------------------------


def test_weight_image_is_centred_at_zero():
    rng = np.random.default_rng(RNG_SEED)
    W = rng.normal(size=(50, 20)) + 0.5
    fig = render(plots.weight_image(W, title="Glorot"))
    (ax,) = fig.axes
    (image,) = ax.get_images()
    largest = np.abs(W).max()
    assert image.get_clim() == pytest.approx((-largest, largest))
    assert ax.get_title() == "Glorot"
    assert ax.get_xlabel() and ax.get_ylabel()
    assert image.get_array().shape == (50, 20)
    assert len(ax.child_axes) == 1  # the colourbar


def test_weight_image_redraw_replaces_the_colourbar():
    fig = plots.weight_image(np.eye(3))
    n_figures = len(plt.get_fignums())
    for _ in range(3):
        again = render(plots.weight_image(np.ones((2, 4)), ax=fig.axes[0]))
    assert again is fig and len(plt.get_fignums()) == n_figures
    assert len(fig.axes) == 1 and len(fig.axes[0].child_axes) == 1


def test_weight_image_non_finite():
    W = np.array([[1.0, np.nan], [np.inf, -2.0]])
    (image,) = render(plots.weight_image(W)).axes[0].get_images()
    assert image.get_clim() == (-2.0, 2.0)
    fig = render(plots.weight_image(np.full((2, 2), np.nan)))
    assert "no finite values" in texts(fig)


@pytest.mark.parametrize(
    ("W", "kwargs", "match"),
    [
        (np.ones(3), {}, "2-D"),
        (np.ones((0, 3)), {}, "non-empty"),
        (np.ones((2, 2)), {"cmap": "no-such-map"}, "cmap"),
    ],
)
def test_weight_image_bad_input(W, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plots.weight_image(W, **kwargs)


def test_image_grid_flat_and_square_images_agree():
    rng = np.random.default_rng(RNG_SEED)
    flat = rng.uniform(size=(12, 64))
    fig = render(plots.image_grid(flat, titles=[str(i) for i in range(12)], n_cols=5))
    assert len(fig.axes) == 12
    assert fig.axes[11].get_title() == "11"
    assert fig.get_suptitle() == "12 images of 8 x 8 pixels"
    np.testing.assert_array_equal(fig.axes[3].get_images()[0].get_array(), flat[3].reshape(8, 8))
    square = plots.image_grid(flat.reshape(12, 8, 8), title="filters")
    assert square.get_suptitle() == "filters"
    np.testing.assert_array_equal(square.axes[3].get_images()[0].get_array(), flat[3].reshape(8, 8))


def test_image_grid_scales():
    images = np.array([np.linspace(0.0, 1.0, 4), np.linspace(0.0, 10.0, 4)])
    each = plots.image_grid(images, shape=(2, 2), scale="each")
    assert each.axes[0].get_images()[0].get_clim() == (0.0, 1.0)
    shared = plots.image_grid(images, shape=(2, 2), scale="shared")
    assert shared.axes[0].get_images()[0].get_clim() == (0.0, 10.0)


def test_image_grid_redraw_in_place():
    fig = plots.image_grid(np.zeros((3, 4)), shape=(2, 2))
    n_figures = len(plt.get_fignums())
    again = plots.image_grid(np.ones((3, 4)), shape=(2, 2), axes=fig.axes)
    assert again is fig and len(plt.get_fignums()) == n_figures
    assert all(len(ax.get_images()) == 1 for ax in fig.axes)


def test_image_grid_with_nan_image():
    images = np.zeros((2, 4))
    images[1] = np.nan
    render(plots.image_grid(images, shape=(2, 2)))


@pytest.mark.parametrize(
    ("images", "kwargs", "match"),
    [
        (np.zeros((2, 10)), {}, "images"),
        (np.zeros((0, 64)), {}, "images"),
        (np.zeros((2, 64)), {"shape": (8,)}, "shape"),
        (np.zeros((2, 64)), {"titles": ["a"]}, "titles"),
        (np.zeros((2, 64)), {"n_cols": 0}, "n_cols"),
        (np.zeros((2, 64)), {"scale": "global"}, "scale"),
    ],
)
def test_image_grid_bad_input(images, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plots.image_grid(images, **kwargs)


# --- heatmap ----------------------------------------------------------------------------------


def test_heatmap_writes_values_in_cells():
    table = np.array([[0.912, 0.5], [np.nan, 0.1]])
    fig = render(
        plots.heatmap(
            table,
            ["Glorot", "He"],
            ["tanh", "relu"],
            fmt=".1%",
            cbar_label="test accuracy",
            xlabel="activation",
            ylabel="initializer",
        )
    )
    (ax,) = fig.axes
    cells = [text.get_text() for text in ax.texts]
    assert cells == ["91.2%", "50.0%", "nan", "10.0%"]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["Glorot", "He"]
    assert [label.get_text() for label in ax.get_xticklabels()] == ["tanh", "relu"]
    assert ax.get_title() == "test accuracy"
    assert ax.get_xlabel() == "activation" and ax.get_ylabel() == "initializer"
    # Dark cells get white text, light cells black text (viridis: low is dark).
    assert ax.texts[3].get_color() == "white" and ax.texts[0].get_color() == "black"


def test_heatmap_redraw_in_place():
    fig = plots.heatmap(np.zeros((2, 2)), ["a", "b"], ["c", "d"], title="first")
    n_figures = len(plt.get_fignums())
    again = plots.heatmap(np.ones((1, 3)), ["a"], ["c", "d", "e"], ax=fig.axes[0])
    assert again is fig and len(plt.get_fignums()) == n_figures
    assert len(fig.axes[0].texts) == 3 and len(fig.axes[0].child_axes) == 1


def test_heatmap_all_non_finite():
    render(plots.heatmap(np.full((2, 2), np.inf), ["a", "b"], ["c", "d"]))


@pytest.mark.parametrize(
    ("table", "rows", "cols", "kwargs", "match"),
    [
        (np.zeros((2, 2)), ["a"], ["c", "d"], {}, "row_labels"),
        (np.zeros((2, 2)), ["a", "b"], "cd", {}, "col_labels"),
        (np.zeros(3), ["a"], ["c"], {}, "2-D"),
        (np.zeros((2, 2)), ["a", "b"], ["c", "d"], {"fmt": "%d"}, "fmt"),
        (np.zeros((2, 2)), ["a", "b"], ["c", "d"], {"cbar_label": 1}, "cbar_label"),
    ],
)
def test_heatmap_bad_input(table, rows, cols, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plots.heatmap(table, rows, cols, **kwargs)


# --- unit distances, overlaid histograms, activation response ---------------------------------


def test_unit_distances_bars_and_title():
    fig = render(plots.unit_distance_bars([0.0, 0.5, 2.0]))
    (ax,) = fig.axes
    assert [patch.get_height() for patch in ax.patches] == [0.0, 0.5, 2.0]
    assert "max 2.000" in ax.get_title()
    assert ax.get_xlabel() == "hidden unit"


def test_unit_distances_rejects_empty_input():
    with pytest.raises(ValueError, match="distances"):
        plots.unit_distance_bars([])


def test_overlaid_histograms_one_outline_and_legend_entry_per_layer(tanh_layers):
    fig = render(
        plots.overlaid_layer_histograms(
            tanh_layers, summary="saturated", saturation_bounds=(-0.99, 0.99)
        )
    )
    (ax,) = fig.axes
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert len(legend) == len(tanh_layers)
    saturated = np.mean(np.abs(tanh_layers[2]) > 0.99)
    assert legend[2] == (
        f"layer 3: std {plots.format_value(tanh_layers[2].std())}, sat. {saturated:.0%}"
    )


def test_overlaid_histograms_redraw_in_place(tanh_layers, relu_layers):
    fig = plots.overlaid_layer_histograms(tanh_layers)
    ax = fig.axes[0]
    again = plots.overlaid_layer_histograms(relu_layers, summary="dead", ax=ax)
    assert again is fig and fig.axes == [ax]
    assert "dead" in ax.get_legend().get_texts()[0].get_text()


def test_overlaid_histograms_without_finite_values():
    fig = render(plots.overlaid_layer_histograms([np.full(10, np.nan)]))
    assert "no finite values" in texts(fig)


def test_activation_response_prints_the_numbers_it_shows():
    from lib import activations

    tanh = activations.get("tanh")
    result = activations.response(tanh, input_std=3.0, rng=0)
    fig = render(plots.activation_response(result, tanh, title="tanh"))
    curves, outputs, derivatives = fig.axes
    assert outputs.get_title().startswith(f"mean {plots.format_value(result.outputs.mean())}")
    small = np.mean(np.abs(result.derivatives) < 0.01)
    assert derivatives.get_title().endswith(f"|f'| < 0.01: {small:.1%}")
    assert [line.get_label() for line in curves.get_lines()] == ["f(z)", "f'(z)"]


# --- activation curves ------------------------------------------------------------------------


def test_activation_curves_draw_f_and_its_derivative_per_panel():
    fig = render(plots.activation_curves({"tanh": "tanh", "ReLU": "relu"}, (-3.0, 2.0)))
    assert [ax.get_title() for ax in fig.axes] == ["tanh", "ReLU"]
    solid, dashed = fig.axes[0].get_lines()[1:]  # the first line is the zero axis
    z = solid.get_xdata()
    assert z[0] == -3.0 and z[-1] == 2.0
    np.testing.assert_allclose(solid.get_ydata(), np.tanh(z))
    np.testing.assert_allclose(dashed.get_ydata(), 1.0 - np.tanh(z) ** 2)
    np.testing.assert_allclose(fig.axes[1].get_lines()[2].get_ydata(), (z > 0).astype(float))


def test_activation_curves_label_a_list_by_name_and_parameters():
    leaky = activations.get("leaky_relu", negative_slope=0.2)
    fig = plots.activation_curves(["relu", leaky, "elu"])
    assert [ax.get_title() for ax in fig.axes] == [
        "relu",
        "leaky_relu(negative_slope=0.2)",
        "elu(alpha=1)",
    ]
    np.testing.assert_allclose(fig.axes[1].get_lines()[1].get_ydata()[0], 0.2 * -4.0)


def test_activation_curves_shade_where_the_derivative_vanishes():
    fig = plots.activation_curves(["relu", "tanh"], (-4.0, 4.0))
    relu_shade, tanh_shade = (
        [c for c in ax.collections if isinstance(c, FillBetweenPolyCollection)] for ax in fig.axes
    )
    relu_x = np.concatenate([path.vertices[:, 0] for path in relu_shade[0].get_paths()])
    assert relu_x.min() == -4.0 and relu_x.max() == pytest.approx(0.0, abs=0.02)
    # tanh'(z) < 0.01 for |z| > 2.99: two shaded regions at the ends, none in the middle.
    tanh_x = [path.vertices[:, 0] for path in tanh_shade[0].get_paths()]
    assert len(tanh_x) == 2
    assert sorted(round(float(np.abs(x).min()), 1) for x in tanh_x) == [3.0, 3.0]
    unshaded = plots.activation_curves(["relu"], saturation_threshold=None)
    assert not unshaded.axes[0].collections


def test_activation_curves_wrap_into_rows_and_redraw_in_place():
    names = ["sigmoid", "tanh", "relu", "leaky_relu", "elu"]
    fig = plots.activation_curves(names, n_cols=2)
    assert [ax.get_subplotspec().get_geometry()[:2] for ax in fig.axes] == [(3, 2)] * 5
    n_figures = len(plt.get_fignums())
    again = plots.activation_curves(names[::-1], axes=fig.axes)
    assert again is fig and len(plt.get_fignums()) == n_figures
    assert fig.axes[0].get_title() == "elu(alpha=1)"
    render(fig)


@pytest.mark.parametrize(
    ("curves", "kwargs", "match"),
    [
        ({}, {}, "at least one"),
        ("relu", {}, "list of activation names"),
        (["relu", "swish"], {}, "unknown activation"),
        (["relu", "relu"], {}, "appears twice"),
        (["relu"], {"z_range": (2.0, -2.0)}, "z_range"),
        (["relu"], {"saturation_threshold": 0.0}, "saturation_threshold"),
        (["relu"], {"n_cols": 0}, "n_cols"),
        (["relu", "tanh"], {"axes": "one"}, "axes"),
    ],
)
def test_activation_curves_bad_input(curves, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plots.activation_curves(curves, **kwargs)


def test_heatmap_cell_text_replaces_values():
    table = np.array([[0.912, np.nan], [0.3, 0.1]])
    fig = render(plots.heatmap(table, ["a", "b"], ["c", "d"], cell_text={(0, 1): "chaotic"}))
    assert [text.get_text() for text in fig.axes[0].texts] == ["0.91", "chaotic", "0.30", "0.10"]


@pytest.mark.parametrize(
    ("cell_text", "match"),
    [
        ([("0", "x")], "map"),
        ({(2, 0): "x"}, "inside"),
        ({(0,): "x"}, "inside"),
        ({(0, 0): 1}, "cell_text"),
    ],
)
def test_heatmap_bad_cell_text(cell_text, match):
    with pytest.raises(ValueError, match=match):
        plots.heatmap(np.zeros((2, 2)), ["a", "b"], ["c", "d"], cell_text=cell_text)


# --- nudged twins ------------------------------------------------------------------------------


def test_nudged_twins_plots_each_seed_against_its_twin():
    pairs = {"stable": ([0.9, 0.92], [0.9, 0.92]), "chaotic": ([0.3, 0.35, 0.28], [0.4, 0.2, 0.3])}
    fig = render(plots.nudged_twins(pairs, nudge=1e-12))
    (ax,) = fig.axes
    diagonal, stable, chaotic = ax.lines
    np.testing.assert_array_equal(stable.get_xdata(), [0.9, 0.92])
    np.testing.assert_array_equal(chaotic.get_ydata(), [0.4, 0.2, 0.3])
    assert diagonal.get_xdata()[0] == 0.2 and diagonal.get_xdata()[-1] == 0.92
    assert "weights nudged by 1e-12" in ax.get_ylabel()
    assert {"stable (2 seeds)", "chaotic (3 seeds)"} <= set(texts(fig))


@pytest.mark.parametrize(
    ("pairs", "kwargs", "match"),
    [
        ({}, {}, "pairs"),
        ({"a": [0.1, 0.2]}, {}, "pairs"),
        ({"a": ([0.1, 0.2], [0.1])}, {}, "equal length"),
        ({"a": ([0.1], [0.1])}, {"nudge": 0.0}, "nudge"),
        ({"a": ([0.1], [0.1])}, {"value": None}, "value"),
    ],
)
def test_nudged_twins_bad_input(pairs, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plots.nudged_twins(pairs, **kwargs)


def test_fan_diagram_counts_fan_in_and_fan_out_for_dense_and_conv():
    fig = render(plots.fan_diagram(n_in=6, n_out=3, kernel=(5, 5), c_in=2, c_out=4))
    dense_ax, conv_ax = fig.axes
    assert dense_ax.get_title() == "Dense layer, W of shape (6, 3)"
    labels = [text.get_text() for text in dense_ax.get_legend().get_texts()]
    assert labels == ["fan_in = 6: into one output", "fan_out = 3: out of one input"]
    conv_text = " ".join(text.get_text() for text in conv_ax.texts)
    fan_in, fan_out = initializers.fans((5, 5, 2, 4))
    assert f"= {fan_in} " in conv_text and conv_text.endswith(f"= {fan_out}")
    assert "2 input channels" in conv_text and "4 output channels" in conv_text


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_in": 0}, "n_in"),
        ({"c_out": 2.5}, "c_out"),
        ({"kernel": (3,)}, "kernel"),
        ({"kernel": (3, 0)}, "shape"),
    ],
)
def test_fan_diagram_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        plots.fan_diagram(**kwargs)


def test_rbm_diagram_draws_every_visible_hidden_edge_and_the_stack():
    fig = render(plots.rbm_diagram(n_visible=5, n_hidden=3))
    rbm_ax, dbn_ax = fig.axes
    edges = [line for line in rbm_ax.lines if len(line.get_xdata()) == 2]
    assert len(edges) == 5 * 3
    assert {tuple(line.get_ydata()) for line in edges} == {(0.15, 0.85)}
    steps = " ".join(text.get_text() for text in dbn_ax.texts)
    assert "RBM 1 trained on x" in steps and "RBM 2 trained on h1" in steps and "MLP" in steps
    with pytest.raises(ValueError, match="n_hidden"):
        plots.rbm_diagram(n_hidden=0)


def test_variance_flow_prints_each_steps_std_and_the_sum_rule():
    from matplotlib.patches import ConnectionPatch

    from lib.propagation import propagate

    runs = {
        "narrow weights": propagate(0.05, "tanh", depth=2, width=[60, 40, 30], rng=RNG_SEED),
        "wide weights": propagate(1.0, "tanh", depth=2, width=[60, 40, 30], rng=RNG_SEED),
    }
    fig = render(plots.variance_flow(runs, activation="tanh", title="Flow"))
    assert len(fig.axes) == 8
    assert sum(isinstance(artist, ConnectionPatch) for artist in fig.artists) == 6
    assert fig.axes[3].get_title() == "output h = tanh(z)"
    assert fig.axes[4].get_title() == ""  # column titles on the top row only
    for row, (label, run) in enumerate(runs.items()):
        x, w, z, h = run.inputs, run.weights[0], run.pre_activations[0], run.activations[0]
        assert fig.axes[4 * row].get_ylabel() == f"{label}\ndensity"
        rms_x = np.sqrt(np.mean(x**2))
        term_text, sum_text, out_text = (
            fig.axes[4 * row + k].texts[0].get_text() for k in (1, 2, 3)
        )
        assert f"= {plots.format_value(w.std() * rms_x)}" in term_text
        assert sum_text.startswith(f"std {plots.format_value(z.std())}")
        assert "√60" in sum_text
        assert sum_text.endswith(f"= {plots.format_value(np.sqrt(60) * w.std() * rms_x)}")
        assert out_text.startswith(f"std {plots.format_value(h.std())}")


def test_variance_flow_accepts_a_single_run_and_rejects_bad_input():
    from lib.propagation import propagate

    run = propagate(0.1, "relu", depth=1, width=20, n_samples=100, rng=RNG_SEED)
    fig = render(plots.variance_flow(run))
    assert len(fig.axes) == 4 and fig.axes[0].get_ylabel() == "density"
    assert fig.axes[3].get_title() == "output h = f(z)"
    with pytest.raises(ValueError, match="propagate"):
        plots.variance_flow([run])
    with pytest.raises(ValueError, match="non-empty"):
        plots.variance_flow({})
    with pytest.raises(ValueError, match=r"runs\['a'\]"):
        plots.variance_flow({"a": run.inputs})
    with pytest.raises(ValueError, match="activation"):
        plots.variance_flow(run, activation=3)
