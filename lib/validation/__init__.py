"""Argument checks shared by every module of ``lib``: one place, one wording of each error.

Each check returns the value converted (a Python ``int`` or ``float``, a float64 array, a
tuple) or raises a ``ValueError`` that names the argument, shows what was given and says what
is allowed. ``scalars`` checks single values, ``arrays`` arrays and shapes, ``containers``
lists and dicts; every check is importable from ``lib.validation``. A test keeps it the only
home of ``as_*``/``check_*`` helpers.
"""

from lib.validation.arrays import (
    as_float_array,
    as_image_stack,
    as_indices,
    as_inputs,
    as_labels,
    as_parameter,
    as_parameter_list,
    as_probabilities,
    as_shape,
    as_widths,
    check_bounds,
    check_finite,
    check_layers,
)
from lib.validation.containers import (
    as_cell_text,
    as_curves,
    as_dataset,
    as_layer_sizes,
    as_list_of,
    as_run_tables,
    as_seeds,
    as_test_size,
    as_validation_data,
)
from lib.validation.scalars import (
    RngLike,
    as_fraction,
    as_momentum,
    as_name_or_positive,
    as_non_negative,
    as_positive,
    as_real,
    as_rng,
    check_choice,
    check_text,
    is_int,
    positive_int,
)

__all__ = [
    "RngLike",
    "as_cell_text",
    "as_curves",
    "as_dataset",
    "as_float_array",
    "as_fraction",
    "as_image_stack",
    "as_indices",
    "as_inputs",
    "as_labels",
    "as_layer_sizes",
    "as_list_of",
    "as_momentum",
    "as_name_or_positive",
    "as_non_negative",
    "as_parameter",
    "as_parameter_list",
    "as_positive",
    "as_probabilities",
    "as_real",
    "as_rng",
    "as_run_tables",
    "as_seeds",
    "as_shape",
    "as_test_size",
    "as_validation_data",
    "as_widths",
    "check_bounds",
    "check_choice",
    "check_finite",
    "check_layers",
    "check_text",
    "is_int",
    "positive_int",
]
