"""The data set the course trains on: scikit-learn's 8 x 8 handwritten digits.

The digits ship inside scikit-learn (1797 images, 10 classes), so the chapters run offline and
train in seconds on a Binder-class machine. Reference: Alpaydin & Kaynak (1998), the UCI "Optical
Recognition of Handwritten Digits" data, as bundled by ``sklearn.datasets.load_digits``.
"""

from dataclasses import dataclass

import numpy as np
import sklearn.datasets
from sklearn.model_selection import train_test_split

from lib.validation import RngLike, as_rng, as_test_size

# Pixels in the bundled digits are counts of "on" cells in 4 x 4 blocks: integers 0..16.
_MAX_PIXEL = 16.0


@dataclass(frozen=True)
class Dataset:
    """A train/test split of flattened images.

    ``x_train`` is ``(n_train, n_pixels)`` float64 in [0, 1], ``y_train`` is ``(n_train,)`` int64
    in ``0 .. n_classes - 1`` (likewise for the test arrays); ``image_shape`` reshapes one row of
    ``x`` back into an image. The arrays are read-only so a split cannot drift between cells.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    n_classes: int
    image_shape: tuple[int, int]


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def load_digits(test_size: float = 0.25, rng: RngLike = 0) -> Dataset:
    """Load the bundled 8 x 8 digits, scale pixels to [0, 1] and split them stratified.

    ``x = pixels / 16`` (the raw pixels are integers 0..16); the split keeps each class's share
    equal in train and test (``train_test_split(..., stratify=labels)``), with
    ``ceil(test_size * 1797)`` test samples.

    Parameters
    ----------
    test_size : float in (0, 1)
        Share of the 1797 images held out for testing.
    rng : numpy.random.Generator, int or None
        Source of the split's randomness, converted with ``lib.validation.as_rng``; the same
        int seed always gives the same split. A Generator is advanced by one draw.

    Returns
    -------
    Dataset
    """
    bunch = sklearn.datasets.load_digits()
    labels = bunch.target.astype(np.int64)
    n_classes = int(labels.max()) + 1
    test_size = as_test_size(test_size, labels.size, n_classes)
    pixels = bunch.data.astype(np.float64) / _MAX_PIXEL
    # scikit-learn takes an integer seed; drawing it from our generator threads ``rng`` through.
    seed = int(as_rng(rng).integers(2**32 - 1))
    x_train, x_test, y_train, y_test = train_test_split(
        pixels, labels, test_size=test_size, stratify=labels, random_state=seed
    )
    return Dataset(
        x_train=_read_only(x_train),
        y_train=_read_only(y_train),
        x_test=_read_only(x_test),
        y_test=_read_only(y_test),
        n_classes=n_classes,
        image_shape=tuple(bunch.images.shape[1:]),
    )
