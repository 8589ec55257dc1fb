"""Each check passes the right answer and names each mistake it claims to recognise."""

import cProfile
import functools
import math
import sys

import numpy as np
import pytest

from lib import checks, initializers, network, propagation, rbm, stats


def drawn_with(std_of_fans, distribution="normal"):
    """A student-style initializer whose std is ``std_of_fans(fan_in, fan_out, shape)``."""

    def initializer(shape, rng=None):
        rng = np.random.default_rng(rng)
        receptive = math.prod(shape[:-2])  # not lib's fans: own_work checks accept this
        fan_in, fan_out = shape[-2] * receptive, shape[-1] * receptive
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


# --- chapter 6: RBM checks -------------------------------------------------------------------


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def cd1_student(*, flip_sign=False, no_average=False, sample_positive=False, transpose=False):
    """A student-style CD-1 update with switches for the mistakes the check should name."""

    def update(w, visible_bias, hidden_bias, v0, lr, rng):
        h0 = sigmoid(v0 @ w + hidden_bias)
        h0_sample = (rng.random(h0.shape) < h0).astype(float)
        v1 = sigmoid(h0_sample @ w.T + visible_bias)
        h1 = sigmoid(v1 @ w + hidden_bias)
        h_positive = h0_sample if sample_positive else h0
        n = 1 if no_average else len(v0)
        sign = -1 if flip_sign else 1
        grad_w = (v0.T @ h_positive - v1.T @ h1) / n
        new_w = w + sign * lr * grad_w
        return (
            new_w.T if transpose else new_w,
            visible_bias + sign * lr * (v0 - v1).sum(axis=0) / n,
            hidden_bias + sign * lr * (h_positive - h1).sum(axis=0) / n,
        )

    return update


def test_check_cd1_update_passes_a_correct_update(capsys):
    checks.check_cd1_update(cd1_student())
    assert capsys.readouterr().out.startswith("✓ CD-1 update")


@pytest.mark.parametrize(
    ("student", "named_mistake"),
    [
        (cd1_student(flip_sign=True), "sign is flipped"),
        (cd1_student(no_average=True), "1/batch averaging is missing"),
        (cd1_student(sample_positive=True), "positive phase uses the sampled hidden states"),
        (cd1_student(transpose=True), "W is transposed"),
    ],
)
def test_check_cd1_update_names_the_mistake(student, named_mistake):
    with pytest.raises(AssertionError, match=named_mistake):
        checks.check_cd1_update(student)


def test_check_cd1_update_explains_a_shape_error_from_a_transposed_product():
    def transposed(w, visible_bias, hidden_bias, v0, lr, rng):
        return w, visible_bias, sigmoid(v0 @ w.T + hidden_bias)

    with pytest.raises(AssertionError, match=r"W is \(n_visible, n_hidden\)"):
        checks.check_cd1_update(transposed)


def test_check_cd1_update_wants_three_arrays():
    with pytest.raises(AssertionError, match="three arrays"):
        checks.check_cd1_update(lambda w, b, c, v0, lr, rng: w)


def free_energy_student(*, bias_sign=-1.0, softplus=True):
    def free_energy(v, w, visible_bias, hidden_bias):
        pre = v @ w + hidden_bias
        hidden_term = np.log1p(np.exp(pre)) if softplus else pre
        return bias_sign * (v @ visible_bias) - hidden_term.sum(axis=1)

    return free_energy


def test_check_free_energy_passes_the_formula(capsys):
    checks.check_free_energy(free_energy_student())
    assert capsys.readouterr().out.startswith("✓ free energy")


@pytest.mark.parametrize(
    ("student", "named_mistake"),
    [
        (free_energy_student(bias_sign=1.0), "sign of the visible-bias term"),
        (free_energy_student(softplus=False), r"log\(1 \+ exp\(.\)\) is missing"),
        (lambda v, w, b, c: -free_energy_student()(v, w, b, c), "whole sign is flipped"),
    ],
)
def test_check_free_energy_names_the_mistake(student, named_mistake):
    with pytest.raises(AssertionError, match=named_mistake):
        checks.check_free_energy(student)


def test_check_free_energy_wants_one_value_per_row():
    def summed_over_samples(v, w, visible_bias, hidden_bias):
        return free_energy_student()(v, w, visible_bias, hidden_bias).sum()

    with pytest.raises(AssertionError, match="one value per row"):
        checks.check_free_energy(summed_over_samples)


def fans_student(mistake=None):
    """A student's fans(shape): right, with the fans swapped, or without the receptive field."""

    def fans(shape):
        receptive_field = 1 if mistake == "no field" else math.prod(shape[:-2])
        fan_in, fan_out = shape[-2] * receptive_field, shape[-1] * receptive_field
        return (fan_out, fan_in) if mistake == "swapped" else (fan_in, fan_out)

    return fans


def test_check_fans_passes_the_formula(capsys):
    checks.check_fans(fans_student())
    assert capsys.readouterr().out.startswith("✓ fans")


@pytest.mark.parametrize(
    ("mistake", "named"), [("swapped", "fans swapped"), ("no field", "receptive field")]
)
def test_check_fans_names_the_mistake(mistake, named):
    with pytest.raises(AssertionError, match=named):
        checks.check_fans(fans_student(mistake))


def test_check_fans_rejects_a_non_pair():
    with pytest.raises(AssertionError, match="two ints"):
        checks.check_fans(lambda shape: None)


def two_over_root_he(shape, rng=None):
    fan_in, _ = initializers.fans(shape)
    return np.random.default_rng(rng).normal(0.0, 2 / math.sqrt(fan_in), size=shape)


def layer_stds_of(init, rng):
    run = network.propagate(init, "relu", depth=5, width=[100, 300, 100, 300, 100, 300], rng=rng)
    return [entry.std for entry in stats.layer_stats(run.activations)]


def test_check_layer_stds_accepts_the_same_init_with_other_draws(capsys):
    checks.check_layer_stds(
        "he_uniform",
        layer_stds_of("he_normal", rng=0),
        activation="relu",
        width=[100, 300, 100, 300, 100, 300],
        n_samples=1000,
        rng=1,
    )
    assert capsys.readouterr().out.startswith("✓")


@pytest.mark.parametrize("init", ["lecun_normal", two_over_root_he, 1.0])
def test_check_layer_stds_rejects_another_init(init):
    expected = layer_stds_of("he_normal", rng=0)
    with pytest.raises(AssertionError, match=r"layer \d+: .*\nPer layer"):
        checks.check_layer_stds(
            init, expected, activation="relu", width=[100, 300, 100, 300, 100, 300], n_samples=1000
        )


def test_check_layer_stds_rejects_bad_expected_stds():
    with pytest.raises(ValueError, match="expected_stds"):
        checks.check_layer_stds("he_normal", [1.0], activation="relu", width=10)


def test_check_at_least(capsys):
    checks.check_at_least(-18.0, -30.0, what="pseudo-likelihood")
    assert capsys.readouterr().out.startswith("✓ pseudo-likelihood")
    with pytest.raises(AssertionError, match="at least -30.*\nLikely mistake: keep it"):
        checks.check_at_least(-44.0, -30.0, what="pseudo-likelihood", hint="keep it")
    for wrong in (float("nan"), "high", True):
        with pytest.raises(AssertionError, match="pseudo-likelihood"):
            checks.check_at_least(wrong, -30.0, what="pseudo-likelihood")


# --- more named mistakes: the other family's formula, standard normal weights -----------------


@pytest.mark.parametrize(
    ("name", "student", "named_mistake"),
    [
        # He on a sigmoid network: the fans are right, the formula is He's.
        ("xavier_normal", drawn_with(he), "He's sqrt(2 / fan_in), made for ReLU networks"),
        ("he_normal", drawn_with(xavier), "Xavier's sqrt(2 / (fan_in + fan_out)), made for tanh"),
        ("he_normal", drawn_with(lambda fi, fo, s: 1.0), "standard normal weights"),
    ],
)
def test_the_other_familys_formula_is_named(name, student, named_mistake):
    with pytest.raises(checks.CheckFailed, match="expected std") as failure:
        checks.check_init(student, name)
    assert named_mistake in str(failure.value)
    assert "check which dimensions you use" not in str(failure.value)


def test_an_unknown_formula_gets_the_ratio_per_shape_not_a_guess():
    student = drawn_with(lambda fi, fo, s: math.sqrt(2 / fi) * (fi / 50) ** 0.5)
    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_init(student, "he_normal")
    message = str(failure.value)
    assert "none of the usual wrong formulas" in message
    assert "1.00 on (50, 200)" in message and "on (3, 3, 16, 32)" in message


# --- own_work: a wrapper around lib's reference implementation fails -------------------------


def numpy_xavier(shape, rng=None):
    rng = np.random.default_rng(rng)
    receptive = math.prod(shape[:-2])
    return rng.normal(0.0, math.sqrt(2 / (receptive * (shape[-2] + shape[-1]))), size=shape)


def my_fans(shape):
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def he_with_my_fans(shape, rng=None):
    fan_in, _ = my_fans(shape)  # a helper of the student's own
    return np.random.default_rng(rng).normal(0.0, math.sqrt(2 / fan_in), size=shape)


def via_module(shape, rng=None):
    return initializers.xavier_normal(shape, rng=rng)


def via_get(shape, rng=None):
    return initializers.get("xavier_normal")(shape, rng=rng)


def via_std_of(shape, rng=None):
    std = initializers.std_of("xavier_normal", shape)
    return np.random.default_rng(rng).normal(0.0, std, size=shape)


@pytest.mark.parametrize(
    ("student", "called"),
    [
        (via_module, "calls lib.initializers.draws.xavier_normal from the course package"),
        (initializers.xavier_normal, "is the course's own lib.initializers.draws.xavier_normal"),
        (via_get, "calls lib.initializers.registry.get"),
        (via_std_of, "calls lib.initializers.registry.std_of"),
        (functools.partial(initializers.xavier_normal), "lib.initializers.draws.xavier_normal"),
    ],
)
def test_own_work_fails_a_wrapper_around_lib_and_names_the_call(student, called, capsys):
    # Numerically the wrapper is right: without own_work it passes.
    checks.check_init(student, "xavier_normal")
    assert capsys.readouterr().out.startswith("✓")
    with pytest.raises(checks.CheckFailed, match="scores 0 for this item") as failure:
        checks.check_init(student, "xavier_normal", own_work=True)
    assert called in str(failure.value)


@pytest.mark.parametrize(
    ("student", "name"), [(numpy_xavier, "xavier_normal"), (he_with_my_fans, "he_normal")]
)
def test_own_work_passes_numpy_and_the_students_own_helpers(student, name, capsys):
    checks.check_init(student, name, own_work=True)
    assert capsys.readouterr().out.startswith(f"✓ {name}")


def test_own_work_on_fans():
    checks.check_fans(my_fans, own_work=True)
    with pytest.raises(checks.CheckFailed, match="lib.initializers.scales.fans"):
        checks.check_fans(lambda shape: initializers.fans(shape), own_work=True)


def test_own_work_restores_the_profiler_and_lets_the_students_errors_through():
    def previous(frame, event, arg):
        return None

    sys.setprofile(previous)
    try:
        assert checks.call_own_work(my_fans, (3, 4)) == (3, 4)
        assert sys.getprofile() is previous
        with pytest.raises(ZeroDivisionError):
            checks.call_own_work(lambda: 1 / 0)
        assert sys.getprofile() is previous
        with pytest.raises(checks.CheckFailed):
            checks.call_own_work(initializers.fans, (3, 4))
        assert sys.getprofile() is previous
    finally:
        sys.setprofile(None)


def rbm_free_energy(v, w, visible_bias, hidden_bias):
    return rbm.RBM.from_parameters(w, visible_bias, hidden_bias).free_energy(v)


def rbm_cd1_update(w, visible_bias, hidden_bias, v0, lr, rng):
    steps = rbm.RBM.from_parameters(w, visible_bias, hidden_bias).cd_gradients(v0, k=1, rng=rng)
    return tuple(p + lr * s for p, s in zip((w, visible_bias, hidden_bias), steps, strict=True))


@pytest.mark.parametrize(
    ("check", "wrapper", "right"),
    [
        (checks.check_free_energy, rbm_free_energy, free_energy_student()),
        (checks.check_cd1_update, rbm_cd1_update, cd1_student()),
    ],
)
def test_own_work_fails_the_rbm_wrappers(check, wrapper, right, capsys):
    check(wrapper)
    check(right, shape=(6, 9, 4), seed=3, own_work=True)
    assert capsys.readouterr().out.count("✓") == 2
    with pytest.raises(checks.CheckFailed, match=r"calls lib\.rbm\.machine\.RBM\."):
        check(wrapper, shape=(6, 9, 4), seed=3, own_work=True)


def test_rbm_checks_want_a_shape_that_catches_a_transposed_w():
    with pytest.raises(ValueError, match="n_visible != n_hidden"):
        checks.check_free_energy(free_energy_student(), shape=(4, 5, 5))


# --- homework 2: a wrong diagnosis is named -----------------------------------------------------

NETWORK = {"activation": "relu", "width": 256, "n_samples": 300}
ALTERNATING = {"activation": "relu", "width": [64, 256, 64, 256, 64, 256], "n_samples": 300}


def stds_of(std, network, rng=0):
    init = drawn_with(lambda fi, fo, s: std(fi, fo))
    run = propagation.propagate(init, network["activation"], 5, network["width"], 300, rng=rng)
    return [entry.std for entry in stats.layer_stats(run.activations)]


def two_over_root(fi, fo):
    return 2 / math.sqrt(fi)


def test_a_wrong_diagnosis_names_the_init_the_student_wrote():
    logs = stds_of(two_over_root, NETWORK, rng=1)
    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_layer_stds(drawn_with(lecun), logs, **NETWORK, own_work=True)
    message = str(failure.value)
    assert "The expected std grows by about x1.4" in message
    assert "yours shrinks by about x0.7" in message
    # LeCun and Xavier are the same where fan_in == fan_out: both are named.
    assert "Likely mistake: your init behaves like LeCun's 1 / sqrt(fan_in)" in message
    assert "or Xavier's" in message and "the same in this network" in message
    assert "2 / sqrt(fan_in)" not in message


def test_widening_and_narrowing_layers_are_told_apart():
    logs = stds_of(lambda fi, fo: math.sqrt(2 / fo), ALTERNATING, rng=1)
    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_layer_stds(drawn_with(he), logs, **ALTERNATING)
    message = str(failure.value)
    assert "changes by about x0.50 in the layers that widen and x1.9" in message
    assert "your init behaves like He's sqrt(2 / fan_in), which does not fit" in message
    assert "fans swapped" not in message


def test_the_init_that_fits_the_logs_is_never_named():
    logs = stds_of(two_over_root, NETWORK, rng=1)
    too_large = drawn_with(lambda fi, fo, s: 1.6 * two_over_root(fi, fo))
    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_layer_stds(too_large, logs, **NETWORK)
    message = str(failure.value)
    assert "behaves like none of the usual ones" in message
    assert "outside the root" not in message


def test_layer_check_with_own_work_wants_a_function_of_the_students():
    logs = stds_of(two_over_root, NETWORK)
    with pytest.raises(checks.CheckFailed, match="a function fn\\(shape, rng=None\\)"):
        checks.check_layer_stds(1.0, logs, **NETWORK, own_work=True)
    with pytest.raises(checks.CheckFailed, match="lib.initializers.draws.normal"):
        checks.check_layer_stds(
            functools.partial(initializers.normal, std=0.1), logs, **NETWORK, own_work=True
        )
    with pytest.raises(checks.CheckFailed, match="returned an array of shape \\(3,\\)"):
        checks.check_layer_stds(lambda shape, rng=None: np.zeros(3), logs, **NETWORK)
    with pytest.raises(checks.CheckFailed, match="does not give usable weights"):
        checks.check_layer_stds(lambda shape, rng=None: np.full(shape, np.nan), logs, **NETWORK)


# --- what the student sees in Jupyter: the message, not a traceback ---------------------------


def test_a_failed_check_renders_as_its_message_alone():
    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_init(drawn_with(lambda fi, fo, s: 2 / math.sqrt(fi)), "he_normal")
    lines = failure.value._render_traceback_()
    assert lines == [f"\x1b[31mCheckFailed\x1b[39m: {failure.value}"]
    assert isinstance(failure.value, AssertionError)


def test_an_error_in_the_students_code_is_shown_at_its_line():
    def transposed(v, w, visible_bias, hidden_bias):
        pre = v @ w.T + hidden_bias
        return -v @ visible_bias - np.logaddexp(0.0, pre).sum(axis=1)

    with pytest.raises(checks.CheckFailed, match="raised ValueError") as failure:
        checks.check_free_energy(transposed)
    message, where = failure.value._render_traceback_()
    assert message.startswith("\x1b[31mCheckFailed\x1b[39m: calling fn(v, W")
    assert where.startswith("Your code raised ValueError in transposed, line ")
    assert where.endswith("pre = v @ w.T + hidden_bias")


def test_own_work_pauses_cprofile_and_restarts_it():
    profile = cProfile.Profile()
    profile.enable()
    try:
        with pytest.raises(checks.CheckFailed):
            checks.call_own_work(initializers.fans, (3, 4))
        assert sys.getprofile() is profile
    finally:
        profile.disable()


def test_in_ipython_an_error_in_the_students_code_shows_no_frame_of_lib_checks():
    ultratb = pytest.importorskip("IPython.core.ultratb")

    def unfinished(shape, rng=None):
        raise NotImplementedError()

    for check in (
        lambda: checks.check_init(unfinished, "he_normal", own_work=True),
        lambda: checks.check_layer_stds(unfinished, [1.0, 1.0], **NETWORK, own_work=True),
    ):
        with pytest.raises(NotImplementedError) as failure:
            check()
        shown = "\n".join(
            ultratb.FormattedTB(mode="Context", theme_name="nocolor").structured_traceback(
                failure.type, failure.value, failure.tb
            )
        )
        assert "skipping hidden" in shown and "in unfinished" in shown
        assert "lib/checks" not in shown and "propagation.py" not in shown, shown
