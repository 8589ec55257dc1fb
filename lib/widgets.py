"""The book's sliders: controls wired to plain update functions that compute and draw.

Every widget has two halves:

- an *update function* ``*_update(fig, **controls) -> dict``: it computes with ``lib`` (network,
  symmetry, activations), draws into the matplotlib ``Figure`` it is given with ``lib.plots``,
  and returns the numbers it drew. It needs no frontend, so tests call it directly;
- a *builder* ``*_widget(...) -> ipywidgets.VBox``: the controls and an image of the figure.
  On every change it calls the update function and swaps the image's PNG, so the output updates
  in place (no flicker, no growing output) in Jupyter, Binder and Colab, with no extra frontend
  extension; the saved widget state keeps the last image for readers of the static site.

Settings that overflow (huge weights, deep ReLU stacks) are not errors of the widget: the
update function draws a message saying what overflowed instead of a figure of NaNs.
"""

import io
from collections.abc import Callable

import ipywidgets
import numpy as np
from matplotlib.figure import Figure

from lib import activations, plots, propagation, rbm, symmetry
from lib.data import Dataset

#: Resolution of the widget images: sharp at the book's width, light to send on every update.
WIDGET_DPI = 72
#: Saturation bounds used in the histograms, per activation (None: count dead units instead).
SATURATION_BOUNDS = {"sigmoid": (0.01, 0.99), "tanh": (-0.99, 0.99)}
#: Activations the sliders offer, with their parameter (name, default, range) if they take one.
ACTIVATION_PARAMS = {
    "sigmoid": None,
    "tanh": None,
    "relu": None,
    "leaky_relu": ("negative_slope", 0.01, (0.0, 0.5)),
    "elu": ("alpha", 1.0, (0.1, 3.0)),
}


def render_png(fig: Figure) -> bytes:
    """The figure as PNG bytes, at :data:`WIDGET_DPI`."""
    buffer = io.BytesIO()
    # Fast zlib level: the image is sent once per update, size matters less than time.
    fig.savefig(buffer, format="png", dpi=WIDGET_DPI, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _show_message(fig: Figure, message: str) -> None:
    fig.clear()
    fig.text(0.5, 0.5, message, ha="center", va="center", wrap=True, fontsize=12, color="0.25")


def _axes(fig: Figure, n_axes: int, **subplot_options) -> list:
    """The figure's ``n_axes`` axes, made on the first call and reused afterwards (fast)."""
    if len(fig.axes) != n_axes or fig.texts:
        fig.clear()
        with plots.use_style():
            fig.set_layout_engine("constrained")
            return list(np.ravel(fig.subplots(1, n_axes, squeeze=False, **subplot_options)))
    return fig.axes


def live_figure(update: Callable[..., dict], controls: dict, figsize: tuple[float, float]):
    """Wire ``controls`` (name -> ipywidget) to ``update(fig, **values)``; returns a VBox.

    The figure is drawn once now and again on every change of a control's value.
    """
    fig = Figure(figsize=figsize)
    image = ipywidgets.Image(format="png")
    readout = ipywidgets.HTML()

    def redraw(_change=None):
        numbers = update(fig, **{name: control.value for name, control in controls.items()})
        image.value = render_png(fig)
        readout.value = numbers.get("message", "")
        # The panels keep their places from one setting to the next: after the first render,
        # skip the constrained-layout solve (about a third of a redraw). New axes turn it on again.
        fig.set_layout_engine("none")

    for control in controls.values():
        # A redraw takes a few hundred ms on a Binder-class CPU (mostly PNG rendering), so
        # sliders update when released rather than queueing redraws while dragged.
        control.continuous_update = False
        control.observe(redraw, names="value")
    redraw()
    box = ipywidgets.VBox([ipywidgets.HBox(list(controls.values())), readout, image])
    box.update = redraw  # lets a notebook (and the tests) redraw without touching a slider
    return box


# --- chapter 1: constant init and symmetry ---------------------------------------------------

NOISE_LEVELS = (0.0, 1e-6, 1e-4, 1e-3, 1e-2, 1e-1)


def symmetry_update(fig: Figure, data: Dataset, value: float, noise: float, epochs: int) -> dict:
    """Train from ``value + noise * N(0, 1)`` for ``epochs``; draw the hidden weights and spread.

    Left: the hidden weight matrix (one column per hidden unit) as an image. Right: each unit's
    distance from the average unit. Returns the spread, rank and test accuracy.
    """
    run = symmetry.train_from_constant(data, value, noise, epochs=epochs, lr=0.5)
    image_ax, bars_ax = _axes(fig, 2, width_ratios=(2, 1))
    plots.weight_image(run.hidden_weights, title="Hidden weights W[0]", ax=image_ax)
    plots.unit_distance_bars(symmetry.unit_distances(run.hidden_weights), ax=bars_ax)
    fig.suptitle(
        f"start {value:g} + {noise:g}·N(0,1), {epochs} epochs: spread {run.spread:.3f}, "
        f"rank {run.rank}, test accuracy {run.test_accuracy:.3f}"
    )
    return {"spread": run.spread, "rank": run.rank, "test_accuracy": run.test_accuracy}


def symmetry_widget(data: Dataset):
    """Sliders: the constant start value, the symmetry-breaking noise and the epochs."""
    controls = {
        "value": ipywidgets.FloatSlider(
            value=0.05, min=-0.5, max=0.5, step=0.05, description="constant"
        ),
        "noise": ipywidgets.SelectionSlider(
            options=[(f"{level:g}", level) for level in NOISE_LEVELS],
            value=0.0,
            description="noise std",
        ),
        "epochs": ipywidgets.IntSlider(value=3, min=1, max=10, description="epochs"),
    }
    return live_figure(
        lambda fig, **values: symmetry_update(fig, data, **values), controls, figsize=(9.5, 3.6)
    )


# --- chapter 2: activations and gradients through a deep stack -------------------------------


def propagation_update(
    fig: Figure, std: float, depth: int, width: int, activation: str, n_samples: int = 500
) -> dict:
    """Propagate Gaussian input through ``depth`` layers with weights N(0, std²); draw both ways.

    Top: each layer's activations; bottom: the gradient back-propagated to each layer's output
    from a random N(0, 1) gradient at the top. Returns the per-layer stds of both, or a
    ``message`` when a value overflowed.
    """
    return _draw_propagation(fig, std, activation, depth, width, n_samples, f"W ~ N(0, {std:.3g}²)")


def _draw_propagation(fig, init, activation, depth, width, n_samples, init_label) -> dict:
    try:
        result = propagation.propagate(
            init, activation, depth=depth, width=width, n_samples=n_samples, rng=0
        )
    except FloatingPointError as error:
        message = f"This setting overflows: {error}"
        _show_message(fig, message)
        return {"message": message}
    bounds = SATURATION_BOUNDS.get(activation)
    activation_ax, gradient_ax = _axes(fig, 2)
    plots.overlaid_layer_histograms(
        result.activations,
        summary="saturated" if bounds else "dead",
        saturation_bounds=bounds,
        title=f"{activation} activations, {init_label}",
        ax=activation_ax,
    )
    plots.overlaid_layer_histograms(
        result.gradients, kind="gradient", title="Back-propagated gradients", ax=gradient_ax
    )
    return {
        "activation_std": [float(a.std()) for a in result.activations],
        "gradient_std": [float(g.std()) for g in result.gradients],
    }


def propagation_widget():
    """Sliders: weight std (log scale), depth, width and activation."""
    controls = {
        "std": ipywidgets.FloatLogSlider(
            value=1.0, base=10, min=-3, max=1, step=0.1, description="weight std"
        ),
        "depth": ipywidgets.IntSlider(value=5, min=1, max=10, description="depth"),
        "width": ipywidgets.IntSlider(value=100, min=10, max=200, step=10, description="width"),
        "activation": ipywidgets.Dropdown(options=list(ACTIVATION_PARAMS), value="sigmoid"),
    }
    return live_figure(propagation_update, controls, figsize=(9.5, 3.8))


# --- chapter 4: any initializer through a deep stack -----------------------------------------

#: Initializers the chapter 4 slider offers (canonical names, no aliases, no zeros).
INIT_CHOICES = (
    "lecun_normal",
    "lecun_uniform",
    "xavier_normal",
    "xavier_uniform",
    "he_normal",
    "he_uniform",
    "orthogonal",
)


def init_propagation_update(
    fig: Figure, init: str, activation: str, depth: int, width: int, n_samples: int = 500
) -> dict:
    """:func:`propagation_update` with a named initializer from :data:`INIT_CHOICES`."""
    return _draw_propagation(fig, init, activation, depth, width, n_samples, init)


def init_propagation_widget():
    """Controls: initializer, activation, depth and width."""
    controls = {
        "init": ipywidgets.Dropdown(
            options=INIT_CHOICES, value="xavier_normal", description="init"
        ),
        "activation": ipywidgets.Dropdown(
            options=list(ACTIVATION_PARAMS), value="tanh", description="activation"
        ),
        "depth": ipywidgets.IntSlider(value=5, min=1, max=10, description="depth"),
        "width": ipywidgets.IntSlider(value=100, min=10, max=200, step=10, description="width"),
    }
    return live_figure(init_propagation_update, controls, figsize=(9.5, 3.8))


# --- chapter 5: std per layer under He init, forward and backward ----------------------------


def he_depth_update(fig: Figure, depth: int, negative_slope: float, mode: str) -> dict:
    """Chapter 5's :func:`lib.propagation.he_vs_xavier_by_depth`, drawn: measured stds per
    layer, forward and backward, with :mod:`lib.theory` dashed. Returns the measured stds."""
    profile = propagation.he_vs_xavier_by_depth(depth, negative_slope, mode)
    forward_ax, backward_ax = _axes(fig, 2)
    plots.std_by_depth(
        profile.forward,
        profile.forward_theory,
        title="Forward: std of pre-activations",
        ax=forward_ax,
    )
    plots.std_by_depth(
        profile.backward,
        profile.backward_theory,
        title="Backward: std of gradients",
        ax=backward_ax,
    )
    fig.suptitle(f"LeakyReLU slope {negative_slope:g}, widths alternating 100/300")
    return {"forward": profile.forward, "backward": profile.backward}


def he_depth_widget():
    """Controls: depth, negative slope and He's mode."""
    controls = {
        "depth": ipywidgets.IntSlider(value=10, min=2, max=30, description="depth"),
        "negative_slope": ipywidgets.FloatSlider(
            value=0.0, min=0.0, max=1.0, step=0.05, description="slope"
        ),
        "mode": ipywidgets.ToggleButtons(options=("fan_in", "fan_out"), value="fan_in"),
    }
    return live_figure(he_depth_update, controls, figsize=(9.5, 3.8))


# --- chapter 3: one activation function under a Gaussian input -------------------------------


def activation_update(fig: Figure, activation: str, param: float, input_std: float) -> dict:
    """Draw ``f`` and ``f'`` over ``z ~ N(0, input_std²)`` and the distributions they produce.

    ``param`` is the negative slope (leaky_relu) or alpha (elu) and is ignored by the others.
    Returns the output mean (the bias shift), the output std, the mean derivative, and the shares
    of near-zero derivatives (``|f'| < 0.01``: saturated or dead units pass almost no gradient).
    """
    spec = ACTIVATION_PARAMS[activation]
    f = activations.get(activation, **({spec[0]: param} if spec else {}))
    result = activations.response(f, input_std=input_std, rng=0)
    numbers = {
        "output_mean": float(result.outputs.mean()),
        "output_std": float(result.outputs.std()),
        "derivative_mean": float(result.derivatives.mean()),
        "small_derivative_fraction": float(np.mean(np.abs(result.derivatives) < 0.01)),
    }
    plots.activation_response(result, f, axes=_axes(fig, 3))
    fig.suptitle(f"{activation}: z ~ N(0, {input_std:.3g}²)")
    return numbers


def _match_param_to_activation(activation: str, param_slider) -> None:
    """Give the slider the activation's parameter (name, default, range), or disable it."""
    spec = ACTIVATION_PARAMS[activation]
    param_slider.disabled = spec is None
    if spec is not None:
        name, default, (low, high) = spec
        param_slider.description = name.removeprefix("negative_")  # "slope" fits the label
        param_slider.min, param_slider.max = low, high
        param_slider.value = default


def activation_widget():
    """Controls: activation, its parameter (slope or alpha) and the input std (log scale)."""
    param = ipywidgets.FloatSlider(value=0.0, min=0.0, max=3.0, step=0.01, description="param")
    controls = {
        "activation": ipywidgets.Dropdown(
            options=list(ACTIVATION_PARAMS), value="tanh", description="activation"
        ),
        "param": param,
        "input_std": ipywidgets.FloatLogSlider(
            value=1.0, base=10, min=-1, max=1, step=0.05, description="input std"
        ),
    }
    _match_param_to_activation("tanh", param)
    controls["activation"].observe(
        lambda change: _match_param_to_activation(change["new"], param), names="value"
    )
    return live_figure(activation_update, controls, figsize=(9.5, 3.4))


# --- chapter 6: an RBM's filters and reconstructions -----------------------------------------

#: Choices of the chapter 6 sliders, and the training they control (CD-k, Hinton 2010).
RBM_HIDDEN_CHOICES = (16, 36, 64, 100)
RBM_K_CHOICES = (1, 3, 10)
RBM_MAX_EPOCHS = 15
RBM_TRAINING = {"lr": 0.05, "batch_size": 20, "momentum": 0.5, "weight_decay": 1e-4}
#: Filters and test digits the figure shows.
RBM_N_FILTERS = 20
RBM_N_DIGITS = 10


def _train_rbm(data: Dataset, n_hidden: int, k: int, epochs: int) -> rbm.RBMHistory:
    """CD-k on ``data.x_train`` with :data:`RBM_TRAINING` and seed 0, a snapshot per epoch."""
    machine = rbm.RBM(data.x_train.shape[1], n_hidden, rng=0)
    return machine.fit(
        data.x_train,
        epochs,
        k=k,
        x_val=data.x_test,
        rng=0,
        progress=False,
        keep_snapshots=True,
        **RBM_TRAINING,
    )


def _rbm_axes(fig: Figure) -> tuple[list, list]:
    """Two 4 x 5 blocks of image axes (filters, digits), made once and reused."""
    if len(fig.axes) != 44 or fig.texts:
        fig.clear()
        with plots.use_style():
            fig.set_layout_engine("constrained")
            grid = fig.subplots(4, 11, width_ratios=[1] * 5 + [0.4] + [1] * 5)
        for ax in grid[:, 5]:
            ax.set_axis_off()
    grid = np.array(fig.axes).reshape(4, 11)
    return list(grid[:, :5].ravel()), list(grid[:, 6:].ravel())


def rbm_update(
    fig: Figure, data: Dataset, n_hidden: int, k: int, epochs: int, cache: dict | None = None
) -> dict:
    """Train an RBM (``n_hidden`` units, CD-``k``, ``epochs``); draw filters and reconstructions.

    Left: the first 20 filters, columns of ``W``. Right: 10 test digits (rows 1 and 3) above
    their mean-field reconstructions (rows 2 and 4). Training is :data:`RBM_TRAINING` with
    seed 0. With a ``cache`` dict, each ``(n_hidden, k)`` is trained once for
    :data:`RBM_MAX_EPOCHS` epochs and later calls pick the epoch's snapshot (the first
    ``epochs`` epochs are the same run). Returns the test reconstruction error and the
    free-energy gap after the last epoch.
    """
    if cache is None:
        history = _train_rbm(data, n_hidden, k, epochs)
    else:
        if (n_hidden, k) not in cache:
            cache[(n_hidden, k)] = _train_rbm(data, n_hidden, k, RBM_MAX_EPOCHS)
        history = cache[(n_hidden, k)]
    machine = history.snapshots[epochs - 1]
    error = history.val_reconstruction_error[epochs - 1]
    gap = float(history.free_energy_gap[epochs - 1])
    w = machine.W
    digits = data.x_test[:RBM_N_DIGITS]
    halves = np.split(digits, 2), np.split(machine.reconstruct(digits), 2)
    shown = np.concatenate([halves[0][0], halves[1][0], halves[0][1], halves[1][1]])
    filter_axes, digit_axes = _rbm_axes(fig)
    plots.image_grid(w.T[:RBM_N_FILTERS], data.image_shape, axes=filter_axes[: min(n_hidden, 20)])
    plots.image_grid(shown, data.image_shape, scale="shared", axes=digit_axes)
    for ax in filter_axes[n_hidden:]:
        ax.set_axis_off()
    fig.suptitle(
        f"{n_hidden} hidden units, CD-{k}, {epochs} epochs: test reconstruction error "
        f"{error:.4f}, free-energy gap {gap:.2f}\nleft: filters (columns of W); right: test "
        "digits (rows 1, 3) and their reconstructions (rows 2, 4)",
        fontsize=11,
    )
    return {"reconstruction_error": error, "free_energy_gap": gap}


def rbm_widget(data: Dataset):
    """Sliders: hidden units, CD-k and epochs; each (hidden, k) pair is trained once."""
    cache = {}
    controls = {
        "n_hidden": ipywidgets.SelectionSlider(
            options=RBM_HIDDEN_CHOICES, value=64, description="hidden"
        ),
        "k": ipywidgets.SelectionSlider(options=RBM_K_CHOICES, value=1, description="CD-k"),
        "epochs": ipywidgets.IntSlider(value=10, min=1, max=RBM_MAX_EPOCHS, description="epochs"),
    }
    return live_figure(
        lambda fig, **values: rbm_update(fig, data, cache=cache, **values),
        controls,
        figsize=(9.5, 4.4),
    )
