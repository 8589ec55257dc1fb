"""Widget update logic, called without a frontend: the numbers drawn are the numbers computed."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from lib import activations, data, network, rbm, symmetry, widgets


@pytest.fixture(scope="module")
def digits():
    return data.load_digits()


def test_render_png_gives_png_bytes():
    fig = Figure(figsize=(2, 2))
    fig.subplots().plot([0, 1])
    assert widgets.render_png(fig).startswith(b"\x89PNG")


def test_symmetry_update_reports_the_training_run(digits):
    fig = Figure()
    numbers = widgets.symmetry_update(fig, digits, value=0.05, noise=0.0, epochs=2)
    run = symmetry.train_from_constant(digits, 0.05, 0.0, epochs=2, lr=0.5)
    assert numbers == {"spread": 0.0, "rank": 1, "test_accuracy": run.test_accuracy}
    assert len(fig.axes) == 2
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
    assert len(fig.axes) == 2


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
    assert len(fig.axes) == 2 and not fig.texts


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
    controls, _, image = box.children
    first = image.value
    controls.children[0].value = 0.01
    assert bytes(image.value).startswith(b"\x89PNG") and bytes(image.value) != bytes(first)
    assert all(not control.continuous_update for control in controls.children[:3])
    assert bytes(widgets.symmetry_widget(digits).children[2].value).startswith(b"\x89PNG")


def test_activation_widget_matches_the_parameter_slider_to_the_activation():
    box = widgets.activation_widget()
    dropdown, param, _ = box.children[0].children
    assert param.disabled
    dropdown.value = "elu"
    assert (param.description, param.value, param.disabled) == ("alpha", 1.0, False)
    dropdown.value = "leaky_relu"
    assert (param.description, param.value) == ("slope", 0.01)


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
