import dataclasses

import numpy as np
import pytest
import sklearn.datasets

from lib.data import Dataset, load_digits

N_DIGITS = 1797


@pytest.fixture(scope="module")
def digits():
    return load_digits(test_size=0.25, rng=0)


def test_shapes_and_types(digits):
    assert isinstance(digits, Dataset)
    assert digits.x_train.shape == (1347, 64)
    assert digits.x_test.shape == (450, 64)
    assert digits.y_train.shape == (1347,)
    assert digits.y_test.shape == (450,)
    assert digits.x_train.dtype == np.float64
    assert digits.y_train.dtype == np.int64
    assert digits.y_test.dtype == np.int64
    assert digits.n_classes == 10
    assert digits.image_shape == (8, 8)
    assert np.prod(digits.image_shape) == digits.x_train.shape[1]


def test_test_size_sets_the_split():
    data = load_digits(test_size=0.1, rng=0)
    assert data.x_test.shape[0] == 180  # ceil(0.1 * 1797)
    assert data.x_train.shape[0] + data.x_test.shape[0] == N_DIGITS


def test_pixels_scaled_to_unit_interval(digits):
    pixels = np.concatenate([digits.x_train, digits.x_test])
    assert pixels.min() == 0.0
    assert pixels.max() == 1.0
    # Raw pixels are integers 0..16, so the scaled ones are multiples of 1/16.
    np.testing.assert_array_equal(pixels * 16, np.round(pixels * 16))


def _sorted_rows(table):
    return table[np.lexsort(table.T[::-1])]


def test_split_is_a_partition_of_all_digits(digits):
    # Train and test together hold every original (image, label) pair exactly once.
    split = np.column_stack(
        [
            np.concatenate([digits.x_train, digits.x_test]) * 16,
            np.concatenate([digits.y_train, digits.y_test]),
        ]
    )
    original = sklearn.datasets.load_digits()
    full = np.column_stack([original.data, original.target])
    np.testing.assert_array_equal(_sorted_rows(split), _sorted_rows(full))


def test_split_is_stratified(digits):
    train_share = np.bincount(digits.y_train, minlength=10) / digits.y_train.size
    test_share = np.bincount(digits.y_test, minlength=10) / digits.y_test.size
    # Each class holds about 10 %; stratification keeps the two shares within one test sample.
    np.testing.assert_allclose(train_share, test_share, atol=1.5 / digits.y_test.size)


def test_same_seed_same_split(digits):
    again = load_digits(test_size=0.25, rng=0)
    np.testing.assert_array_equal(again.x_train, digits.x_train)
    np.testing.assert_array_equal(again.y_test, digits.y_test)


def test_generator_seed_matches_int_seed(digits):
    from_generator = load_digits(test_size=0.25, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(from_generator.x_test, digits.x_test)


def test_different_seed_different_split(digits):
    other = load_digits(test_size=0.25, rng=1)
    assert not np.array_equal(other.y_test, digits.y_test)
    assert not np.array_equal(other.x_train, digits.x_train)


def test_none_rng_gives_a_valid_split():
    data = load_digits(rng=None)
    assert data.x_train.shape == (1347, 64)


def test_dataset_is_frozen_and_read_only(digits):
    with pytest.raises(dataclasses.FrozenInstanceError):
        digits.n_classes = 3
    with pytest.raises(ValueError, match="read-only"):
        digits.x_train[0, 0] = 5.0


@pytest.mark.parametrize("test_size", [0.0, 1.0, -0.2, 1.5, 0.001, 0.999])
def test_test_size_out_of_range(test_size):
    with pytest.raises(ValueError, match="test_size"):
        load_digits(test_size=test_size)


@pytest.mark.parametrize("test_size", ["0.25", None, True, [0.25]])
def test_test_size_wrong_type(test_size):
    with pytest.raises(ValueError, match="test_size"):
        load_digits(test_size=test_size)


def test_bad_rng():
    with pytest.raises(ValueError):
        load_digits(rng="seed")
