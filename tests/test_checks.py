"""Each check passes the right answer and names each mistake it claims to recognise."""

import math

import numpy as np
import pytest

from lib import checks, initializers


def drawn_with(std_of_fans, distribution="normal"):
    """A student-style initializer whose std is ``std_of_fans(fan_in, fan_out, shape)``."""

    def initializer(shape, rng=None):
        rng = np.random.default_rng(rng)
        fan_in, fan_out = initializers.fans(shape)
        std = std_of_fans(fan_in, fan_out, shape)
        if distribution == "uniform":
            bound = math.sqrt(3) * std
            return rng.uniform(-bound, bound, size=shape)
        return rng.normal(0.0, std, size=shape)

    return initializer


def he(fan_in, fan_out, shape):
    return math.sqrt(2 / fan_in)


def xavier(fan_in, fan_out, shape):
    return math.sqrt(2 / (fan_in + fan_out))


def lecun(fan_in, fan_out, shape):
    return 1 / math.sqrt(fan_in)


@pytest.mark.parametrize(
    ("name", "student"),
    [
        ("he_normal", drawn_with(he)),
        ("he_uniform", drawn_with(he, "uniform")),
        ("kaiming_normal", drawn_with(he)),
        ("xavier_normal", drawn_with(xavier)),
        ("xavier_uniform", drawn_with(xavier, "uniform")),
        ("glorot_uniform", drawn_with(xavier, "uniform")),
        ("lecun_normal", drawn_with(lecun)),
        ("lecun_uniform", drawn_with(lecun, "uniform")),
        ("normal", drawn_with(lambda fi, fo, s: 1.0)),
        ("zeros", lambda shape, rng=None: np.zeros(shape)),
        ("orthogonal", lambda shape, rng=None: initializers.orthogonal(shape, rng=rng)),
    ],
)
def test_correct_initializers_pass_with_a_success_line(name, student, capsys):
    checks.check_init(student, name)
    assert capsys.readouterr().out.startswith(f"✓ {name}: correct")


def test_keyword_arguments_reach_both_the_student_and_the_reference():
    def tanh_xavier(shape, rng=None, gain=1.0):
        return gain * drawn_with(xavier)(shape, rng=rng)

    def gain_ignored(shape, rng=None, gain=1.0):
        return drawn_with(xavier)(shape, rng=rng)

    checks.check_init(tanh_xavier, "xavier_normal", gain=5 / 3)
    with pytest.raises(AssertionError, match="expected std"):
        checks.check_init(gain_ignored, "xavier_normal", gain=5 / 3)


@pytest.mark.parametrize(
    ("name", "student", "named_mistake"),
    [
        ("he_normal", drawn_with(lambda fi, fo, s: 2 / math.sqrt(fi)), "2/sqrt"),
        ("he_normal", drawn_with(lambda fi, fo, s: math.sqrt(2 / fo)), "fans swapped"),
        ("he_normal", drawn_with(lambda fi, fo, s: 2 / fi), "square root is missing"),
        ("he_normal", drawn_with(lecun), "factor 2 is missing"),
        ("he_normal", drawn_with(lambda fi, fo, s: math.sqrt(2 / s[-2])), "receptive field"),
        ("lecun_normal", drawn_with(lambda fi, fo, s: 1 / math.sqrt(fo)), "fans swapped"),
        ("lecun_normal", drawn_with(xavier), "Xavier's"),
        ("lecun_normal", drawn_with(he), "He's"),
        ("lecun_normal", drawn_with(lambda fi, fo, s: 1 / fi), "square root is missing"),
        ("xavier_normal", drawn_with(lecun), "LeCun's"),
        ("xavier_normal", drawn_with(lambda fi, fo, s: math.sqrt(1 / (fi + fo))), "factor 2"),
        ("xavier_normal", drawn_with(lambda fi, fo, s: 2 / (fi + fo)), "square root"),
        (
            "xavier_uniform",
            drawn_with(lambda fi, fo, s: xavier(fi, fo, s) / math.sqrt(3), "uniform"),
            "not scaled by sqrt(3)",
        ),
        (
            "he_uniform",
            drawn_with(lambda fi, fo, s: he(fi, fo, s) * math.sqrt(3), "uniform"),
            "scaled by sqrt(3) twice",
        ),
        ("he_normal", drawn_with(lambda fi, fo, s: 1.3 * he(fi, fo, s)), "times the expected"),
    ],
)
def test_each_std_mistake_is_named(name, student, named_mistake):
    with pytest.raises(AssertionError, match="expected std") as failure:
        checks.check_init(student, name)
    assert "Likely mistake" in str(failure.value)
    assert named_mistake in str(failure.value)


def test_the_message_gives_expected_and_measured_std():
    with pytest.raises(AssertionError) as failure:
        checks.check_init(drawn_with(lambda fi, fo, s: 2 / math.sqrt(fi)), "he_normal")
    message = str(failure.value)
    assert "(50, 200)" in message
    assert "expected std 0.2000" in message
    assert "measured 0.28" in message


def test_the_wrong_distribution_family_is_named():
    with pytest.raises(AssertionError, match="look normally distributed"):
        checks.check_init(drawn_with(xavier), "xavier_uniform")
    with pytest.raises(AssertionError, match="look uniformly distributed"):
        checks.check_init(drawn_with(xavier, "uniform"), "xavier_normal")


def test_global_random_state_is_caught():
    def global_state(shape, rng=None):
        return np.random.normal(0, he(*initializers.fans(shape), shape), size=shape)  # noqa: NPY002 - the mistake under test

    with pytest.raises(AssertionError, match="global state"):
        checks.check_init(global_state, "he_normal")


def test_pytorch_layout_is_named():
    def transposed(shape, rng=None):
        return drawn_with(he)(shape, rng=rng).T

    with pytest.raises(AssertionError, match=r"\(out, in\) layout"):
        checks.check_init(transposed, "he_normal")


@pytest.mark.parametrize(
    ("student", "message"),
    [
        (lambda shape: np.zeros(shape), "Write it as def fn"),
        (lambda shape, rng=None: [0.0] * shape[0], "returned list"),
        (lambda shape, rng=None: np.full(shape, np.nan), "NaN or inf"),
        (lambda shape, rng=None: 0.1 + drawn_with(he)(shape, rng=rng), "the mean is"),
    ],
)
def test_malformed_answers_get_specific_messages(student, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_init(student, "he_normal")


def test_orthogonal_check_rejects_a_gaussian_matrix():
    with pytest.raises(AssertionError, match="gain\\^2 \\* I"):
        checks.check_init(drawn_with(lecun), "orthogonal")


def test_zeros_check_rejects_noise():
    with pytest.raises(AssertionError, match="all zeros"):
        checks.check_init(drawn_with(he), "zeros")


def test_unknown_initializer_name_is_a_value_error():
    with pytest.raises(ValueError, match="not a known initializer"):
        checks.check_init(drawn_with(he), "xavier")


def test_check_value_passes_and_names_mistakes(capsys):
    checks.check_value(0.2, math.sqrt(2 / 50), what="He std for fan_in=50")
    assert capsys.readouterr().out.startswith("✓ He std for fan_in=50")
    mistakes = {"2/sqrt(n) instead of sqrt(2/n)": 2 / math.sqrt(50)}
    with pytest.raises(AssertionError, match="Likely mistake: 2/sqrt") as failure:
        checks.check_value(0.283, 0.2, what="He std", mistakes=mistakes)
    assert "expected 0.2, got 0.283" in str(failure.value)
    with pytest.raises(AssertionError) as failure:
        checks.check_value(0.5, 0.2, what="He std", mistakes=mistakes)
    assert "Likely mistake" not in str(failure.value)


@pytest.mark.parametrize("got", [None, "0.2", True, float("nan")])
def test_check_value_rejects_non_numbers(got):
    with pytest.raises(AssertionError, match="He std: expected"):
        checks.check_value(got, 0.2, what="He std")
