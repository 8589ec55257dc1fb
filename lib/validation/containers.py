"""Checks of collections: layer sizes, seeds and data sets."""

import math
from collections.abc import Mapping, Sequence

import numpy as np

from lib.validation.arrays import as_float_array, as_inputs, as_labels
from lib.validation.scalars import as_fraction, check_text, is_int


def as_layer_sizes(layer_sizes, what: str = "(inputs, ..., classes)") -> tuple[int, ...]:
    """``layer_sizes`` as a tuple of at least two positive ints, ``what`` naming their roles."""
    if isinstance(layer_sizes, str) or not isinstance(layer_sizes, Sequence):
        raise ValueError(f"layer_sizes must be a list of positive ints {what}, got {layer_sizes!r}")
    if len(layer_sizes) < 2 or not all(is_int(n) and n >= 1 for n in layer_sizes):
        raise ValueError(
            f"layer_sizes must list at least two positive ints {what}, got {layer_sizes!r}"
        )
    return tuple(int(n) for n in layer_sizes)


def as_seeds(seeds) -> tuple[int, ...]:
    """``seeds`` as a non-empty tuple of non-negative ints (one training run each)."""
    if isinstance(seeds, str) or not isinstance(seeds, Sequence) or len(seeds) == 0:
        raise ValueError(f"seeds must be a non-empty list of ints, got {seeds!r}")
    if not all(is_int(seed) and seed >= 0 for seed in seeds):
        raise ValueError(f"seeds must hold non-negative ints, got {seeds!r}")
    return tuple(int(seed) for seed in seeds)


def as_dataset(data):
    """``data`` if it is a :class:`lib.data.Dataset`, else a ValueError."""
    from lib.data import Dataset  # here, not at the top: lib.data imports this module

    if not isinstance(data, Dataset):
        raise ValueError(f"data must be a lib.data.Dataset (load_digits()), got {type(data)}")
    return data


def as_list_of(name: str, values, check) -> tuple:
    """``values`` as a tuple of ``check(value)`` for a non-empty list (not a string)."""
    if isinstance(values, str) or not isinstance(values, Sequence) or len(values) == 0:
        raise ValueError(f"{name} must be a non-empty list, got {values!r}")
    return tuple(check(value) for value in values)


def as_test_size(test_size, n_samples: int, n_classes: int) -> float:
    """``test_size`` in (0, 1) that leaves every class on both sides of a stratified split."""
    test_size = as_fraction("test_size", test_size)
    n_test = math.ceil(test_size * n_samples)
    if min(n_test, n_samples - n_test) < n_classes:
        raise ValueError(
            f"test_size={test_size!r} puts {n_test} of {n_samples} samples in the test set; "
            f"a stratified split needs at least {n_classes} on each side"
        )
    return test_size


def as_curves(series, name: str) -> dict[str, np.ndarray]:
    """A dict label -> curve as ``{str(label): non-empty 1-D float array}``."""
    if not isinstance(series, Mapping):
        raise ValueError(f"{name} must be a dict label -> values, got {type(series).__name__}")
    if len(series) == 0:
        raise ValueError(f"{name} must hold at least one entry, got an empty dict")
    checked = {}
    for label, values in series.items():
        curve = as_float_array(values, f"{name}[{label!r}]")
        if curve.ndim != 1 or curve.size == 0:
            raise ValueError(
                f"{name}[{label!r}] must be a non-empty 1-D sequence, got shape {curve.shape}"
            )
        checked[str(label)] = curve
    return checked


def as_run_tables(histories, x=None) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
    """``{label: (n_seeds, n_steps) float table}`` from a dict label -> one run or a list of
    equal-length runs, and ``x`` (one value per step, or None) as a float array."""
    if not isinstance(histories, Mapping) or len(histories) == 0:
        raise ValueError(f"histories must be a non-empty dict label -> runs, got {histories!r:.80}")
    tables = {}
    for label, runs in histories.items():
        table = as_float_array(runs, f"histories[{label!r}]")
        if table.ndim == 1:
            table = table[np.newaxis, :]
        if table.ndim != 2 or table.size == 0:
            raise ValueError(
                f"histories[{label!r}] must be one run or a list of equal-length runs, "
                f"got shape {table.shape}"
            )
        tables[str(label)] = table
    if x is not None:
        x = as_float_array(x, "x")
        lengths = {label: table.shape[1] for label, table in tables.items()}
        if x.ndim != 1 or any(length != x.size for length in lengths.values()):
            raise ValueError(
                f"x must be 1-D with one value per step, got {x.size} values for runs of "
                f"lengths {lengths}"
            )
    return tables, x


def as_cell_text(cell_text, shape) -> dict[tuple[int, int], str]:
    """``cell_text`` (None or a dict ``(row, col) -> text`` inside ``shape``) as a dict."""
    if cell_text is None:
        return {}
    if not isinstance(cell_text, Mapping):
        raise ValueError(f"cell_text must map (row, col) to a text, got {type(cell_text)}")
    for key, text in cell_text.items():
        ok_key = (
            isinstance(key, tuple)
            and len(key) == 2
            and all(is_int(i) for i in key)
            and all(0 <= i < n for i, n in zip(key, shape, strict=True))
        )
        if not ok_key:
            raise ValueError(f"cell_text keys must be (row, col) inside {shape}, got {key!r}")
        check_text(text, f"cell_text[{key}]", optional=False)
    return {(int(row), int(col)): text for (row, col), text in cell_text.items()}


def as_validation_data(x_val, y_val, width: int, n_classes: int):
    """``(x_val, y_val)`` checked as :func:`as_inputs` and :func:`as_labels` do, or None when
    both are None; a ValueError when only one is given."""
    if (x_val is None) != (y_val is None):
        raise ValueError("x_val and y_val must be given together")
    if x_val is None:
        return None
    x_val = as_inputs("x_val", x_val, width)
    return x_val, as_labels("y_val", y_val, len(x_val), n_classes)
