"""Chapter 6: an RBM's filters and reconstructions as it trains."""

import ipywidgets
import numpy as np
from matplotlib.figure import Figure

from lib import rbm
from lib.data import Dataset
from lib.widgets._frame import Control, View, attached_view, interactive_figure

#: Choices of the chapter 6 sliders, and the training they control (CD-k, Hinton 2010).
RBM_HIDDEN_CHOICES = (16, 36, 64, 100)
RBM_K_CHOICES = (1, 3, 10)
RBM_MAX_EPOCHS = 15
RBM_EPOCH_GRID = (1, 2, 5, 10, 15)
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


class RbmView(View):
    """Two 4 x 5 blocks of images (filters, digits) made once; an update sets their pixels."""

    def __init__(self, fig: Figure, image_shape=(8, 8)):
        super().__init__(fig)
        fig.set_layout_engine("constrained")
        grid = fig.subplots(4, 11, width_ratios=[1] * 5 + [0.4] + [1] * 5)
        blank = np.zeros(image_shape)
        self.filters, self.digits = [], []
        for ax in grid.ravel():
            ax.set_axis_off()
        for ax in grid[:, :5].ravel():
            self.filters.append(ax.imshow(blank, cmap="gray_r"))
        for ax in grid[:, 6:].ravel():
            self.digits.append(ax.imshow(blank, cmap="gray_r", vmin=0.0, vmax=1.0))
        grid[0, 2].set_title("filters (columns of W)", fontsize=10)
        grid[0, 8].set_title("test digits / reconstructions", fontsize=10)
        self.title = fig.suptitle("", fontsize=11)
        self.dynamic = [*self.filters, *self.digits]
        self.texts = [self.title]

    def show(self, filters: np.ndarray, shown: np.ndarray, title: str) -> None:
        for j, image in enumerate(self.filters):
            image.set_visible(j < len(filters))
            if j < len(filters):
                image.set_data(filters[j])
                low, high = float(filters[j].min()), float(filters[j].max())
                image.set_clim(low, high if high > low else low + 1.0)
        for image, digit in zip(self.digits, shown, strict=True):
            image.set_data(digit)
        self.title.set_text(title)


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
    digits = data.x_test[:RBM_N_DIGITS]
    halves = np.split(digits, 2), np.split(machine.reconstruct(digits), 2)
    shown = np.concatenate([halves[0][0], halves[1][0], halves[0][1], halves[1][1]])
    view = attached_view(fig, RbmView, image_shape=data.image_shape)
    view.show(
        machine.W.T[:RBM_N_FILTERS].reshape(-1, *data.image_shape),
        shown.reshape(-1, *data.image_shape),
        f"{n_hidden} hidden units, CD-{k}, {epochs} epochs: test reconstruction error "
        f"{error:.4f}, free-energy gap {gap:.2f}",
    )
    return {"reconstruction_error": error, "free_energy_gap": gap}


def rbm_widget(data: Dataset) -> ipywidgets.VBox:
    """Sliders: hidden units, CD-k and epochs; each (hidden, k) pair is trained once."""
    cache = {}
    controls = [
        Control(
            "n_hidden",
            "hidden",
            # A new (hidden, k) trains for up to a second: update on release, not while dragged.
            lambda: ipywidgets.SelectionSlider(
                options=RBM_HIDDEN_CHOICES, value=64, description="hidden", continuous_update=False
            ),
            64,
            RBM_HIDDEN_CHOICES,
        ),
        Control(
            "k",
            "CD-k",
            lambda: ipywidgets.SelectionSlider(
                options=RBM_K_CHOICES, value=1, description="CD-k", continuous_update=False
            ),
            1,
            RBM_K_CHOICES,
        ),
        Control(
            "epochs",
            "epochs",
            lambda: ipywidgets.IntSlider(value=10, min=1, max=RBM_MAX_EPOCHS, description="epochs"),
            10,
            RBM_EPOCH_GRID,
        ),
    ]
    return interactive_figure(
        lambda fig, **values: rbm_update(fig, data, cache=cache, **values),
        controls,
        figsize=(9.5, 4.0),
    )
