"""The portability diagnostic compares a cell's outputs the way strict nbval does."""

import nbformat
import pytest

from bench import portability


def stream(text, name="stdout"):
    return nbformat.v4.new_output("stream", name=name, text=text)


def test_streams_merge_and_images_and_widget_views_are_skipped():
    outputs = [
        stream("loss 0.1"),
        stream("23\n"),
        nbformat.v4.new_output(
            "display_data",
            data={
                "image/png": "iVBORw0",
                "text/plain": "<Figure size 855x360 with 1 Axes>",
                "application/vnd.jupyter.widget-view+json": {"model_id": "abc"},
            },
        ),
    ]
    text = portability.compared_text(outputs)
    assert "[stdout]\nloss 0.123\n" in text
    assert "<Figure size 855x360 with 1 Axes>" in text
    assert "iVBORw0" not in text and "abc" not in text


def test_a_changed_digit_is_a_difference_and_a_sanitized_address_is_not():
    assert portability.compared_text([stream("0.354")]) != portability.compared_text(
        [stream("0.307")]
    )
    assert portability.compared_text([stream("at 0x7f00aa")]) == portability.compared_text(
        [stream("at 0x55bb01")]
    )


@pytest.mark.parametrize(
    ("source", "tags", "compared"),
    [
        ("print(1)", [], True),
        ("widgets.live()", ["nbval-ignore-output"], False),
        ("# NBVAL_IGNORE_OUTPUT\nprint(1)", [], False),
    ],
)
def test_cells_that_nbval_does_not_compare_are_left_out(source, tags, compared):
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": tags})
    assert portability._compared_by_nbval(cell) is compared


def test_profiles_set_the_blas_kernel_and_numpy_features():
    env = portability.PROFILES["sse4-machine"].environment()
    assert env["OPENBLAS_CORETYPE"] == "Nehalem"
    default = portability.PROFILES["default"].environment()
    assert "OPENBLAS_CORETYPE" not in default and "NPY_DISABLE_CPU_FEATURES" not in default
