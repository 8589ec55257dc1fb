"""Widget update logic, called without a frontend: the numbers drawn are the numbers computed."""

import importlib.util
import io
import os
from pathlib import Path

import ipywidgets
import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from lib import activations, comparison, data, network, rbm, symmetry, widgets
from lib.network import MLP
from lib.widgets import _frame


@pytest.fixture(scope="module")
def digits():
    return data.load_digits()


def test_render_png_gives_png_bytes():
    fig = Figure(figsize=(2, 2))
    fig.subplots().plot([0, 1])
    assert widgets.render_png(fig).startswith(b"\x89PNG")
    assert widgets.render_png(fig, palette=True).startswith(b"\x89PNG")


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_blitting_redraws_a_state_exactly_and_keeps_the_texts_out_of_the_image():
    fig = Figure(figsize=(9.5, 3.6), dpi=widgets.WIDGET_DPI)
    widgets.propagation_update(fig, std=1.0, depth=5, width=50, activation="tanh")
    first = widgets.render_png(fig)
    widgets.propagation_update(fig, std=0.01, depth=30, width=50, activation="relu")
    other = widgets.render_png(fig)
    widgets.propagation_update(fig, std=1.0, depth=5, width=50, activation="tanh")
    again = widgets.render_png(fig)
    assert np.array_equal(_pixels(first), _pixels(again))
    assert not np.array_equal(_pixels(first), _pixels(other))
    view = fig._course_view
    assert len(view.backgrounds) == 2
    assert all(not text.get_visible() for text in view.texts)
    assert "tanh, W ~ N(0, 1²), depth 5" in view.caption_html()


def test_a_chapter_figure_keeps_its_texts():
    fig = Figure()
    widgets.propagation_update(fig, std=1.0, depth=3, width=20, activation="sigmoid")
    assert fig.get_suptitle() == "sigmoid, W ~ N(0, 1²), depth 3"
    assert all(text.get_visible() for text in fig._course_view.texts)


def _counting_update(calls):
    def update(fig, a, b, c):
        calls.append((a, b, c))
        fig.clear()
        fig.text(0.5, 0.5, f"{a} {b} {c}")
        return {}

    return update


def _controls():
    return [
        widgets.Control(
            "a", "a", lambda: ipywidgets.IntSlider(value=2, min=0, max=9), 2, grid=(1, 2, 3)
        ),
        widgets.Control(
            "b", "b", lambda: ipywidgets.Dropdown(options=["x", "y"], value="y"), "y", ("x", "y")
        ),
        widgets.Control("c", "c", lambda: ipywidgets.FloatSlider(value=0.5), 0.5),
    ]


def test_precomputed_figure_renders_every_grid_point_and_links_the_controls():
    calls = []
    box = widgets.precomputed_figure(_counting_update(calls), _controls(), figsize=(2, 1))
    assert sorted(calls) == sorted((a, b, 0.5) for a in (1, 2, 3) for b in ("x", "y"))
    assert set(box.states) == {(i, j) for i in range(3) for j in range(2)}
    assert len({bytes(png) for png in box.states.values()}) == 6
    controls, note, outer = box.children
    a, b = controls.children
    assert (a.index, b.index) == (1, 1) and "6 precomputed settings" in note.value
    # the outer stack follows a, each inner one follows b; the leaves hold the states' PNGs
    assert isinstance(outer, ipywidgets.Stack) and outer.selected_index == 1
    leaf = outer.children[2].children[0].children[1]
    assert bytes(leaf.value) == bytes(box.states[(2, 0)])
    linked = {(link.source[0].model_id, link.target[0].model_id) for link in box.links}
    assert (a.model_id, outer.model_id) in linked
    assert all((b.model_id, inner.model_id) in linked for inner in outer.children)


def test_a_site_only_control_sets_several_keywords():
    calls = []
    controls = [
        widgets.Control("a", "a", lambda: ipywidgets.IntSlider(value=1), 1),
        widgets.Control("b", "b", lambda: ipywidgets.Text(value="x"), "x"),
        widgets.Control(
            "ab",
            "a and b",
            None,
            "one",
            ("one", "two"),
            keywords=lambda v: {"a": len(v), "b": v},
        ),
        widgets.Control("c", "c", lambda: ipywidgets.FloatSlider(value=0.5), 0.5),
    ]
    widgets.precomputed_figure(_counting_update(calls), controls, figsize=(2, 1))
    assert calls == [(3, "one", 0.5), (3, "two", 0.5)]
    live = widgets.live_figure(_counting_update(calls), controls, figsize=(2, 1))
    assert list(live.controls) == ["a", "b", "c"]


def test_live_figure_redraws_on_change_and_times_the_update():
    calls = []
    box = widgets.live_figure(_counting_update(calls), _controls(), figsize=(2, 1))
    controls, _, image = box.children
    first = bytes(image.value)
    box.controls["c"].value = 0.75
    assert calls[-1] == (2, "y", 0.75) and bytes(image.value) != first
    assert box.last_update_ms > 0
    assert controls.layout.flex_flow == "row wrap"


def test_interactive_figure_is_precomputed_in_the_book_build(monkeypatch):
    monkeypatch.setenv(widgets.STATIC_ENV, "1")
    assert hasattr(widgets.interactive_figure(_counting_update([]), _controls(), (2, 1)), "states")
    monkeypatch.delenv(widgets.STATIC_ENV)
    assert hasattr(widgets.interactive_figure(_counting_update([]), _controls(), (2, 1)), "update")


def test_symmetry_update_reports_the_training_run(digits):
    fig = Figure()
    numbers = widgets.symmetry_update(fig, digits, value=0.05, noise=0.0, epochs=2)
    run = symmetry.train_from_constant(digits, 0.05, 0.0, epochs=2, lr=0.5)
    assert numbers == {"spread": 0.0, "rank": 1, "test_accuracy": run.test_accuracy}
    assert len(fig.axes) >= 2
    assert "rank 1" in fig.get_suptitle()


def test_symmetry_update_with_noise_finds_distinct_units(digits):
    numbers = widgets.symmetry_update(Figure(), digits, value=0.05, noise=1e-2, epochs=2)
    assert numbers["rank"] == 16
    assert numbers["spread"] > 0


@pytest.mark.parametrize("activation", list(widgets.ACTIVATION_PARAMS))
def test_propagation_update_matches_propagate(activation):
    fig = Figure()
    numbers = widgets.propagation_update(fig, std=0.5, depth=4, width=30, activation=activation)
    expected = network.propagate(0.5, activation, depth=4, width=30, n_samples=500, rng=0)
    np.testing.assert_allclose(numbers["activation_std"], [a.std() for a in expected.activations])
    np.testing.assert_allclose(numbers["gradient_std"], [g.std() for g in expected.gradients])
    assert len(fig.axes) == 3
    view = fig._course_view
    assert sum(step.get_visible() for step in view.act_steps) == 4
    np.testing.assert_allclose(view.act_line.get_ydata(), numbers["activation_std"])


def test_propagation_update_shows_sigmoid_collapse_for_small_weights():
    numbers = widgets.propagation_update(
        Figure(), std=0.01, depth=5, width=100, activation="sigmoid"
    )
    assert max(numbers["activation_std"]) < 0.03
    assert numbers["gradient_std"][0] < 1e-3 * numbers["gradient_std"][-1]


def test_propagation_update_draws_a_message_when_values_overflow():
    fig = Figure()
    numbers = widgets.propagation_update(fig, std=1e30, depth=10, width=200, activation="relu")
    assert "overflow" in numbers["message"]
    assert fig.axes == []
    assert any("overflow" in text.get_text() for text in fig.texts)
    # the next, sane setting draws its histograms again
    widgets.propagation_update(fig, std=0.1, depth=3, width=20, activation="tanh")
    assert len(fig.axes) == 3 and not any("overflow" in text.get_text() for text in fig.texts)


@pytest.mark.parametrize(
    ("activation", "param"), [("tanh", 0.0), ("relu", 0.0), ("leaky_relu", 0.2), ("elu", 2.0)]
)
def test_activation_update_reports_the_response(activation, param):
    numbers = widgets.activation_update(Figure(), activation, param, input_std=2.0)
    spec = widgets.ACTIVATION_PARAMS[activation]
    f = activations.get(activation, **({spec[0]: param} if spec else {}))
    result = activations.response(f, input_std=2.0, rng=0)
    assert numbers["output_mean"] == pytest.approx(result.outputs.mean())
    assert numbers["output_std"] == pytest.approx(result.outputs.std())
    assert numbers["derivative_mean"] == pytest.approx(result.derivatives.mean())


def test_relu_has_half_its_derivatives_zero_and_a_positive_mean():
    numbers = widgets.activation_update(Figure(), "relu", 0.0, input_std=1.0)
    assert numbers["small_derivative_fraction"] == pytest.approx(0.5, abs=0.02)
    assert numbers["output_mean"] == pytest.approx(1 / np.sqrt(2 * np.pi), abs=0.02)


def test_wide_inputs_saturate_tanh():
    narrow = widgets.activation_update(Figure(), "tanh", 0.0, input_std=0.1)
    wide = widgets.activation_update(Figure(), "tanh", 0.0, input_std=10.0)
    assert narrow["small_derivative_fraction"] == 0.0
    assert wide["small_derivative_fraction"] > 0.5


def test_widgets_build_with_an_image_and_redraw_on_change(digits):
    box = widgets.propagation_widget()
    _, readout, image = box.children
    first = image.value
    box.controls["std"].value = 0.01
    assert bytes(image.value).startswith(b"\x89PNG") and bytes(image.value) != bytes(first)
    assert "N(0, 0.01²)" in readout.value
    assert bytes(widgets.symmetry_widget(digits).children[2].value).startswith(b"\x89PNG")


def test_activation_widget_sets_the_parameter_of_leaky_relu_and_elu():
    box = widgets.activation_widget()
    box.controls["activation"].value = "elu"
    box.controls["param"].value = 2.0
    assert "elu(alpha=2)" in box.children[1].value


def test_activation_site_choices_cover_every_activation(monkeypatch):
    monkeypatch.setenv(widgets.STATIC_ENV, "1")
    box = widgets.activation_widget()
    choice, std = box.children[0].children
    assert len(choice.options) == 8 and std.description == "input std"
    assert len(box.states) == 8 * 5


@pytest.mark.parametrize("init", widgets.INIT_CHOICES)
def test_init_propagation_update_matches_propagate(init):
    numbers = widgets.init_propagation_update(Figure(), init, "tanh", depth=3, width=40)
    expected = network.propagate(init, "tanh", depth=3, width=40, n_samples=500, rng=0)
    np.testing.assert_allclose(numbers["activation_std"], [a.std() for a in expected.activations])


@pytest.mark.parametrize(("mode", "flat"), [("fan_in", "forward"), ("fan_out", "backward")])
def test_he_depth_update_keeps_the_chosen_direction_flat(mode, flat):
    numbers = widgets.he_depth_update(Figure(), depth=8, negative_slope=0.0, mode=mode)
    he = numbers[flat][f"He ({mode})"]
    assert max(he) / min(he) < 1.6
    xavier = numbers[flat]["Xavier"]
    assert max(xavier) / min(xavier) > 10


def test_he_depth_widget_builds():
    controls = widgets.he_depth_widget().children[0].children
    assert [control.value for control in controls] == [10, 0.0, "fan_in"]


def test_he_depth_update_shows_only_the_chosen_modes_lines():
    fig = Figure()
    widgets.he_depth_update(fig, depth=6, negative_slope=0.0, mode="fan_in")
    widgets.he_depth_update(fig, depth=6, negative_slope=0.0, mode="fan_out")
    view = fig._course_view
    shown = {label for (_, label), pair in view.lines.items() if pair[0].get_visible()}
    assert shown == {"He (fan_out)", "Xavier"}


# --- chapter 8 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fix", list(widgets.RESIDUAL_FIXES))
def test_residual_update_draws_what_the_experiment_and_closed_form_give(fix):
    from lib import residual

    fig = Figure()
    numbers = widgets.residual_update(fig, n_blocks=12, fix=fix, n_samples=200)
    options = widgets.RESIDUAL_FIXES[fix]
    width = widgets.residual.WIDTH
    measured = residual.residual_stream_stds(12, width, n_samples=200, rng=0, **options)
    np.testing.assert_allclose(numbers["measured"], measured.stream)
    np.testing.assert_allclose(
        numbers["theory"], residual.stream_std_theory(12, width, **options).stream
    )
    view = fig._course_view
    np.testing.assert_allclose(view.measured.get_ydata(), measured.stream)
    assert len(view.measured.get_xdata()) == 13
    assert "block 12" in view.summary.get_text()


def test_residual_widget_builds_and_rejects_an_unknown_fix():
    controls = widgets.residual_widget().children[0].children
    assert [control.value for control in controls] == [20, "none"]
    with pytest.raises(ValueError, match="fix must be one of"):
        widgets.residual_update(Figure(), n_blocks=3, fix="batchnorm")


# --- chapter 6 ---------------------------------------------------------------------------------


def test_rbm_update_reports_what_an_rbm_trained_alike_measures(digits):
    fig = Figure()
    numbers = widgets.rbm_update(fig, digits, n_hidden=16, k=1, epochs=2)
    machine = rbm.RBM(64, 16, rng=0)
    history = machine.fit(
        digits.x_train, 2, k=1, x_val=digits.x_test, rng=0, progress=False, **widgets.RBM_TRAINING
    )
    assert numbers["reconstruction_error"] == pytest.approx(history.val_reconstruction_error[-1])
    assert numbers["free_energy_gap"] == pytest.approx(history.free_energy_gap[-1])
    assert len(fig.axes) == 44
    assert "16 hidden units, CD-1, 2 epochs" in fig.get_suptitle()
    view = fig._course_view
    assert sum(image.get_visible() for image in view.filters) == 16
    np.testing.assert_allclose(view.filters[3].get_array(), machine.W[:, 3].reshape(8, 8))


def test_rbm_update_with_a_cache_picks_the_same_epoch_of_one_longer_run(digits):
    cache = {}
    cached = widgets.rbm_update(Figure(), digits, n_hidden=16, k=3, epochs=2, cache=cache)
    assert list(cache) == [(16, 3)] and len(cache[(16, 3)].snapshots) == widgets.RBM_MAX_EPOCHS
    direct = widgets.rbm_update(Figure(), digits, n_hidden=16, k=3, epochs=2)
    assert cached == direct
    later = widgets.rbm_update(Figure(), digits, n_hidden=16, k=3, epochs=8, cache=cache)
    assert later["reconstruction_error"] < cached["reconstruction_error"]
    assert list(cache) == [(16, 3)]


def test_rbm_widget_builds_with_an_image(digits):
    box = widgets.rbm_widget(digits)
    controls, _, image = box.children
    assert [control.value for control in controls.children] == [64, 1, 10]
    assert bytes(image.value).startswith(b"\x89PNG")


# --- chapter 7 ---------------------------------------------------------------------------------


def test_comparison_update_draws_one_cell_of_the_grid(digits):
    sizes = [64, 20, 20, 10]
    grid = comparison.run_grid(
        digits,
        ["tanh", "relu"],
        [0.01, "he_normal"],
        sizes,
        epochs=1,
        lr=0.05,
        seeds=[0, 1],
        check_chaos=False,
    )
    assert grid.loss.shape[:3] == (2, 2, 2) and grid.init_specs == (0.01, "he_normal")
    fig = Figure()
    numbers = widgets.comparison_update(fig, grid, digits, sizes, "relu", "he_normal")
    assert numbers["test_accuracy"] == grid.test_accuracy[1, 1].tolist()
    view = fig._course_view
    assert view.init_lines[1].get_linewidth() > view.init_lines[0].get_linewidth()
    hidden = MLP(sizes, "relu", "he_normal", rng=0).forward(digits.x_test).activations[:-1]
    np.testing.assert_allclose(view.std_line.get_ydata(), [h.std() for h in hidden])
    box = widgets.comparison_widget(grid, digits, sizes)
    box.controls["activation"].value = "tanh"
    assert "tanh with he_normal" in box.children[1].value


def test_the_book_build_sets_the_variable_the_widgets_read(monkeypatch):
    path = Path(__file__).resolve().parent.parent / "_ext" / "static_widgets.py"
    spec = importlib.util.spec_from_file_location("static_widgets", path)
    extension = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(extension)
    monkeypatch.delenv(widgets.STATIC_ENV, raising=False)
    extension.setup(app=None)
    assert extension.STATIC_ENV == widgets.STATIC_ENV and os.environ[widgets.STATIC_ENV]


def test_a_control_starts_on_its_grid():
    with pytest.raises(ValueError, match="start value 5 must be on its grid"):
        widgets.Control("depth", "depth", lambda: ipywidgets.IntSlider(), 5, grid=(2, 10))
    with pytest.raises(ValueError, match="needs a live control, a grid or both"):
        widgets.Control("depth", "depth", None, 5)


def test_symmetry_update_with_a_cache_trains_each_start_once(digits):
    cache = {}
    cached = widgets.symmetry_update(Figure(), digits, 0.05, 1e-2, epochs=3, cache=cache)
    direct = widgets.symmetry_update(Figure(), digits, 0.05, 1e-2, epochs=3)
    assert cached == direct and list(cache) == [(0.05, 1e-2)]
    widgets.symmetry_update(Figure(), digits, 0.05, 1e-2, epochs=7, cache=cache)
    assert list(cache) == [(0.05, 1e-2)]


def test_a_view_keeps_at_most_a_few_backgrounds():
    fig = Figure(figsize=(9.5, 3.6), dpi=widgets.WIDGET_DPI)
    for activation in widgets.ACTIVATION_PARAMS:
        for depth in (1, 8, 15, 30, 50):
            for std in (0.01, 1.0, 10.0):
                widgets.propagation_update(
                    fig, std=std, depth=depth, width=10, activation=activation
                )
                widgets.render_png(fig)
    assert len(fig._course_view.backgrounds) == _frame.MAX_BACKGROUNDS
