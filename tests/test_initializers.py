"""Tests for lib.initializers.

Expected standard deviations are written out from the papers' formulas with the fans of the
test shapes hardcoded, so a bug in ``fans`` or ``std_of`` cannot hide itself:
(50, 200) has fan_in 50, fan_out 200; (3, 3, 16, 32) has fan_in 144, fan_out 288.
"""

import functools
import math
import re

import numpy as np
import pytest
from scipy import stats

from lib import initializers as init

DENSE = (50, 200)  # fan_in 50, fan_out 200
CONV = (3, 3, 16, 32)  # fan_in 3*3*16 = 144, fan_out 3*3*32 = 288
KS_ALPHA = 1e-3
LEAKY_GAIN_02 = math.sqrt(2 / (1 + 0.2**2))

# (initializer, shape, kwargs, "normal" or "uniform", std written out by hand)
DISTRIBUTION_CASES = [
    ("lecun_normal", DENSE, {}, "normal", 1 / math.sqrt(50)),
    ("lecun_normal", CONV, {}, "normal", 1 / math.sqrt(144)),
    ("lecun_uniform", DENSE, {}, "uniform", 1 / math.sqrt(50)),
    ("lecun_uniform", CONV, {}, "uniform", 1 / math.sqrt(144)),
    ("xavier_normal", DENSE, {}, "normal", math.sqrt(2 / 250)),
    ("xavier_normal", CONV, {"gain": 5 / 3}, "normal", 5 / 3 * math.sqrt(2 / 432)),
    ("xavier_uniform", DENSE, {"gain": 2.0}, "uniform", 2 * math.sqrt(2 / 250)),
    ("xavier_uniform", CONV, {}, "uniform", math.sqrt(2 / 432)),
    ("he_normal", DENSE, {}, "normal", math.sqrt(2) / math.sqrt(50)),
    ("he_normal", DENSE, {"mode": "fan_out"}, "normal", math.sqrt(2) / math.sqrt(200)),
    ("he_normal", CONV, {}, "normal", math.sqrt(2) / math.sqrt(144)),
    ("he_normal", CONV, {"mode": "fan_out"}, "normal", math.sqrt(2) / math.sqrt(288)),
    ("he_normal", DENSE, {"nonlinearity": "tanh"}, "normal", 5 / 3 / math.sqrt(50)),
    (
        "he_normal",
        CONV,
        {"nonlinearity": "leaky_relu", "negative_slope": 0.2},
        "normal",
        LEAKY_GAIN_02 / math.sqrt(144),
    ),
    ("he_uniform", DENSE, {}, "uniform", math.sqrt(2) / math.sqrt(50)),
    ("he_uniform", CONV, {"mode": "fan_out"}, "uniform", math.sqrt(2) / math.sqrt(288)),
    (
        "he_uniform",
        DENSE,
        {"mode": "fan_out", "nonlinearity": "leaky_relu", "negative_slope": 0.2},
        "uniform",
        LEAKY_GAIN_02 / math.sqrt(200),
    ),
    ("he_uniform", CONV, {"nonlinearity": "selu"}, "uniform", 0.75 / math.sqrt(144)),
    # Keras/TF/JAX: a normal cut at 2 of its own stds, rescaled to the nominal std.
    ("truncated_normal", DENSE, {"std": 0.3}, "truncated", 0.3),
    ("variance_scaling", DENSE, {}, "truncated", 1 / math.sqrt(50)),
    ("variance_scaling", CONV, {"scale": 2.0, "mode": "fan_out"}, "truncated", math.sqrt(2 / 288)),
    (
        "variance_scaling",
        DENSE,
        {"mode": "fan_avg", "distribution": "uniform"},
        "uniform",
        math.sqrt(1 / 125),
    ),
    (
        "variance_scaling",
        CONV,
        {"scale": 2.0, "distribution": "untruncated_normal"},
        "normal",
        math.sqrt(2 / 144),
    ),
]


def case_id(case):
    name, shape, kwargs, _, _ = case
    return f"{name}-{'x'.join(map(str, shape))}-{kwargs}"


#: Keras's ``VarianceScaling`` divides by this constant: the std of N(0, 1) cut to [-2, 2].
KERAS_TRUNCATION_FACTOR = 0.87962566103423978


def theoretical_cdf(kind, std, mean=0.0):
    """The exact distribution an initializer promises: N(mean, std²), U(±√3·std), or the
    normal of std ``std / 0.8796`` cut at two of its stds ("truncated")."""
    if kind == "normal":
        return stats.norm(loc=mean, scale=std).cdf
    if kind == "truncated":
        return stats.truncnorm(-2.0, 2.0, loc=mean, scale=std / KERAS_TRUNCATION_FACTOR).cdf
    bound = math.sqrt(3) * std
    return stats.uniform(loc=-bound, scale=2 * bound).cdf


# --- distributions --------------------------------------------------------------------------


@pytest.mark.parametrize("case", DISTRIBUTION_CASES, ids=case_id)
def test_samples_follow_the_theoretical_distribution(case):
    name, shape, kwargs, kind, std = case
    weights = init.get(name)(shape, **kwargs, rng=0)
    assert weights.shape == shape
    assert stats.kstest(weights.ravel(), theoretical_cdf(kind, std)).pvalue > KS_ALPHA


@pytest.mark.parametrize("case", DISTRIBUTION_CASES, ids=case_id)
def test_std_of_matches_the_written_out_formula(case):
    name, shape, kwargs, _, std = case
    assert init.std_of(name, shape, **kwargs) == pytest.approx(std, rel=1e-12)


@pytest.mark.parametrize("name", ["lecun_normal", "he_normal", "he_uniform", "lecun_uniform"])
@pytest.mark.parametrize("shape", [DENSE, CONV])
def test_ks_would_catch_swapped_fans(name, shape):
    # Shows the KS test has the power to tell fan_in from fan_out on these shapes.
    fan_in, fan_out = init.fans(shape)
    kind = "normal" if name.endswith("normal") else "uniform"
    nonlinearity_gain = 1.0 if name.startswith("lecun") else math.sqrt(2)
    weights = init.get(name)(shape, rng=1)
    swapped_std = nonlinearity_gain / math.sqrt(fan_out)
    assert stats.kstest(weights.ravel(), theoretical_cdf(kind, swapped_std)).pvalue < 1e-10
    right_std = nonlinearity_gain / math.sqrt(fan_in)
    assert stats.kstest(weights.ravel(), theoretical_cdf(kind, right_std)).pvalue > KS_ALPHA


@pytest.mark.parametrize("he", [init.he_normal, init.he_uniform])
def test_he_fan_out_mode_uses_the_output_fan(he):
    # DENSE has fan_out = 4 * fan_in, so fan_out mode halves the std.
    std_fan_in = he(DENSE, rng=2).std()
    std_fan_out = he(DENSE, mode="fan_out", rng=2).std()
    assert std_fan_in / std_fan_out == pytest.approx(2.0, rel=0.03)


def test_normal_with_mean_and_std():
    weights = init.normal(DENSE, std=0.3, mean=0.5, rng=3)
    assert stats.kstest(weights.ravel(), stats.norm(loc=0.5, scale=0.3).cdf).pvalue > KS_ALPHA


def test_normal_with_zero_std_is_constant_at_the_mean():
    np.testing.assert_array_equal(init.normal((4, 3), std=0.0, mean=2.0, rng=0), 2.0)


def test_uniform_with_bounds():
    weights = init.uniform(CONV, low=-0.2, high=0.7, rng=4)
    assert weights.min() >= -0.2 and weights.max() < 0.7
    assert stats.kstest(weights.ravel(), stats.uniform(loc=-0.2, scale=0.9).cdf).pvalue > KS_ALPHA


def test_default_normal_and_uniform():
    assert stats.kstest(init.normal(DENSE, rng=5).ravel(), "norm").pvalue > KS_ALPHA
    uniform_cdf = stats.uniform(loc=-1, scale=2).cdf
    assert stats.kstest(init.uniform(DENSE, rng=5).ravel(), uniform_cdf).pvalue > KS_ALPHA


def test_uniform_variants_stay_inside_their_bound():
    bound = math.sqrt(6 / 250)  # xavier_uniform on DENSE: sqrt(6 / (fan_in + fan_out))
    weights = init.xavier_uniform(DENSE, rng=6)
    assert np.abs(weights).max() <= bound
    assert np.abs(weights).max() > 0.99 * bound


def test_zeros_and_constant():
    np.testing.assert_array_equal(init.zeros(CONV), np.zeros(CONV))
    np.testing.assert_array_equal(init.constant((7,), 0.1), np.full(7, 0.1))


@pytest.mark.parametrize("name", init.available())
def test_sample_std_matches_std_of(name):
    weights = init.get(name)(DENSE, rng=7)
    assert weights.std() == pytest.approx(init.std_of(name, DENSE), rel=0.05, abs=1e-12)


def test_std_of_simple_initializers():
    assert init.std_of("zeros", CONV) == 0.0
    assert init.std_of("normal", DENSE) == 1.0
    assert init.std_of("normal", DENSE, std=0.01) == 0.01
    assert init.std_of("uniform", DENSE) == pytest.approx(2 / math.sqrt(12))
    assert init.std_of("uniform", DENSE, low=0.0, high=0.6) == pytest.approx(0.6 / math.sqrt(12))
    assert init.std_of("orthogonal", DENSE, gain=2.0) == pytest.approx(2 / math.sqrt(200))
    assert init.std_of("orthogonal", CONV) == pytest.approx(1 / math.sqrt(144))


def test_std_of_aliases_match_their_targets():
    assert init.std_of("glorot_uniform", CONV, gain=3.0) == init.std_of(
        "xavier_uniform", CONV, gain=3.0
    )
    assert init.std_of("kaiming_normal", CONV, mode="fan_out") == init.std_of(
        "he_normal", CONV, mode="fan_out"
    )


# --- fans and gains -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        (DENSE, (50, 200)),
        ((200, 50), (200, 50)),
        (CONV, (144, 288)),
        ((5, 16, 32), (80, 160)),  # conv1d kernel (k, in, out)
        ((np.int64(3), np.int32(4)), (3, 4)),
        ([3, 4], (3, 4)),
    ],
)
def test_fans(shape, expected):
    assert init.fans(shape) == expected
    assert all(type(fan) is int for fan in init.fans(shape))


@pytest.mark.parametrize(
    ("nonlinearity", "param", "expected"),
    [
        ("linear", None, 1.0),
        ("identity", None, 1.0),
        ("sigmoid", None, 1.0),
        ("tanh", None, 5 / 3),
        ("relu", None, 1.4142135623730951),
        ("selu", None, 0.75),
        ("leaky_relu", None, 1.4141428569978354),  # sqrt(2 / (1 + 0.01**2))
        ("leaky_relu", 0.2, 1.3867504905630728),  # sqrt(2 / (1 + 0.2**2))
        ("leaky_relu", 0, 1.4142135623730951),
        ("leaky_relu", 1, 1.0),
        ("leaky_relu", np.float64(0.2), 1.3867504905630728),
        *((name, None, 1.0) for name in ("conv1d", "conv2d", "conv3d")),
        *((f"conv_transpose{k}d", None, 1.0) for k in (1, 2, 3)),
    ],
)
def test_gain_matches_pytorch_table(nonlinearity, param, expected):
    assert init.gain(nonlinearity, param) == pytest.approx(expected, rel=1e-15)


# --- orthogonal -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "matrix_shape"),
    [
        ((200, 50), (200, 50)),  # tall: columns orthonormal
        ((50, 200), (50, 200)),  # wide: rows orthonormal
        ((32, 32), (32, 32)),
        (CONV, (144, 32)),  # one column per output channel
        ((1, 1, 64, 128), (64, 128)),  # wide conv
    ],
)
@pytest.mark.parametrize("gain", [1.0, 2.5])
def test_orthogonal_is_semi_orthogonal(shape, matrix_shape, gain):
    weights = init.orthogonal(shape, gain=gain, rng=8)
    assert weights.shape == shape
    matrix = weights.reshape(matrix_shape)
    gram = matrix.T @ matrix if matrix_shape[0] >= matrix_shape[1] else matrix @ matrix.T
    np.testing.assert_allclose(gram, gain**2 * np.eye(min(matrix_shape)), atol=1e-12)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5)])
def test_orthogonal_is_haar_distributed(shape):
    # For Haar, the first entry of a unit column in R^n is symmetric with
    # x**2 ~ Beta(1/2, (n - 1)/2). Raw QR without the sign fix makes it always one sign.
    rng = np.random.default_rng(9)
    first_entries = np.array([init.orthogonal(shape, rng=rng)[0, 0] for _ in range(2000)])
    n = max(shape)
    beta_cdf = stats.beta(0.5, (n - 1) / 2).cdf
    assert stats.kstest(first_entries**2, beta_cdf).pvalue > KS_ALPHA
    assert stats.binomtest(int((first_entries > 0).sum()), len(first_entries)).pvalue > KS_ALPHA


# --- rng, reproducibility, dtype ------------------------------------------------------------


def test_as_rng():
    generator = np.random.default_rng(0)
    assert init.as_rng(generator) is generator
    assert isinstance(init.as_rng(None), np.random.Generator)
    assert init.as_rng(3).random() == np.random.default_rng(3).random()
    assert init.as_rng(np.int64(3)).random() == np.random.default_rng(3).random()


RANDOM_NAMES = [name for name in init.available() if name != "zeros"]


@pytest.mark.parametrize("name", init.available())
def test_same_seed_same_weights(name):
    fn = init.get(name)
    np.testing.assert_array_equal(fn(CONV, rng=10), fn(CONV, rng=10))
    np.testing.assert_array_equal(
        fn(CONV, rng=np.random.default_rng(10)), fn(CONV, rng=np.random.default_rng(10))
    )


@pytest.mark.parametrize("name", RANDOM_NAMES)
def test_different_seeds_and_successive_draws_differ(name):
    fn = init.get(name)
    assert not np.array_equal(fn(CONV, rng=10), fn(CONV, rng=11))
    generator = np.random.default_rng(10)
    assert not np.array_equal(fn(CONV, rng=generator), fn(CONV, rng=generator))
    # Unseeded draws differ too: no hidden fixed seed.
    assert not np.array_equal(fn(CONV), fn(CONV))


def test_draws_do_not_touch_global_numpy_state():
    # The legacy global state is read on purpose: no initializer may advance it.
    state_before = np.random.get_state()[1].copy()  # noqa: NPY002
    for name in init.available():
        init.get(name)(DENSE)
    np.testing.assert_array_equal(np.random.get_state()[1], state_before)  # noqa: NPY002


ALL_INITIALIZERS = [init.get(name) for name in init.available()] + [
    functools.partial(init.constant, value=0.5)
]


@pytest.mark.parametrize("fn", ALL_INITIALIZERS)
def test_returns_new_float64_arrays(fn):
    first, second = fn(CONV, rng=12), fn(CONV, rng=12)
    assert first.dtype == np.float64 and first.shape == CONV
    assert not np.shares_memory(first, second)
    first += 1.0  # writable, and changing it leaves the next draw alone
    np.testing.assert_array_equal(second, fn(CONV, rng=12))


@pytest.mark.parametrize("fn", [init.zeros, init.normal, init.uniform])
def test_bias_shapes_and_int_shape(fn):
    assert fn((7,), rng=0).shape == (7,)
    assert fn(7, rng=0).shape == (7,)
    assert fn(np.int64(7), rng=0).shape == (7,)
    assert init.constant(7, 0.5).shape == (7,)


# --- lookup by name -------------------------------------------------------------------------


def test_available_lists_sorted_names_without_constant():
    names = init.available()
    assert names == sorted(names)
    assert "constant" not in names
    expected = {
        "zeros", "normal", "uniform", "orthogonal",
        "lecun_normal", "lecun_uniform", "xavier_normal", "xavier_uniform",
        "glorot_normal", "glorot_uniform", "he_normal", "he_uniform",
        "kaiming_normal", "kaiming_uniform", "truncated_normal", "variance_scaling",
    }  # fmt: skip
    assert set(names) == expected


def test_get_returns_the_module_function():
    for name in init.available():
        assert init.get(name) is getattr(init, name)


def test_aliases():
    assert init.glorot_normal is init.xavier_normal
    assert init.glorot_uniform is init.xavier_uniform
    assert init.kaiming_normal is init.he_normal
    assert init.kaiming_uniform is init.he_uniform


# --- errors ---------------------------------------------------------------------------------

NONLINEARITIES = (
    "conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d, "
    "identity, leaky_relu, linear, relu, selu, sigmoid, tanh"
)

ERROR_CASES = [
    # shape
    (init.xavier_normal, ((5,),), {}, r"shape must have at least 2 dimension"),
    (init.he_normal, (5,), {}, r"shape must have at least 2 dimension"),
    (init.orthogonal, ((5,),), {}, r"shape must have at least 2 dimension"),
    (init.fans, ((5,),), {}, r"shape must have at least 2 dimension"),
    (init.zeros, ((),), {}, r"shape must have at least 1 dimension"),
    (init.zeros, ((0, 3),), {}, r"shape must be a tuple of positive ints, got \(0, 3\)"),
    (init.normal, ((2, -1),), {}, r"shape must be a tuple of positive ints"),
    (init.uniform, ((2.0, 3),), {}, r"shape must be a tuple of positive ints"),
    (init.lecun_normal, ((True, 3),), {}, r"shape must be a tuple of positive ints"),
    (init.zeros, (True,), {}, r"shape must be a tuple of positive ints"),
    (init.zeros, ("ab",), {}, r"shape must be a tuple of positive ints"),
    (init.zeros, (None,), {}, r"shape must be a tuple of positive ints"),
    (init.fans, ((3, np.float64(4)),), {}, r"shape must be a tuple of positive ints"),
    # normal / uniform / constant
    (init.normal, (DENSE,), {"std": -0.1}, r"std must be >= 0, got -0.1"),
    (init.normal, (DENSE,), {"std": float("nan")}, r"std must be finite"),
    (init.normal, (DENSE,), {"std": True}, r"std must be a real number"),
    (init.normal, (DENSE,), {"mean": float("inf")}, r"mean must be finite"),
    (init.normal, (DENSE,), {"mean": "0"}, r"mean must be a real number"),
    (init.uniform, (DENSE,), {"low": 1.0, "high": 1.0}, r"low must be < high"),
    (init.uniform, (DENSE,), {"low": 2.0, "high": 1.0}, r"low must be < high"),
    (init.uniform, (DENSE,), {"high": float("inf")}, r"high must be finite"),
    (init.uniform, (DENSE,), {"low": np.nan}, r"low must be finite"),
    (init.constant, (DENSE, float("nan")), {}, r"value must be finite"),
    (init.constant, (DENSE, "1"), {}, r"value must be a real number"),
    (init.constant, (DENSE, False), {}, r"value must be a real number"),
    # gain
    (init.xavier_normal, (DENSE,), {"gain": 0.0}, r"gain must be > 0, got 0.0"),
    (init.xavier_uniform, (DENSE,), {"gain": -1.0}, r"gain must be > 0"),
    (init.xavier_normal, (DENSE,), {"gain": float("inf")}, r"gain must be finite"),
    (init.orthogonal, (DENSE,), {"gain": 0}, r"gain must be > 0"),
    (init.orthogonal, (DENSE,), {"gain": True}, r"gain must be a real number"),
    # he: mode, nonlinearity, negative_slope
    (
        init.he_normal,
        (DENSE,),
        {"mode": "fan_avg"},
        re.escape("mode 'fan_avg' is not supported; use one of: fan_in, fan_out"),
    ),
    (init.he_uniform, (DENSE,), {"mode": None}, r"mode None is not supported"),
    (
        init.he_normal,
        (DENSE,),
        {"nonlinearity": "elu"},
        re.escape(f"nonlinearity 'elu' is not supported; use one of: {NONLINEARITIES}"),
    ),
    (init.he_uniform, (DENSE,), {"nonlinearity": "ReLU"}, r"nonlinearity 'ReLU'"),
    (
        init.he_normal,
        (DENSE,),
        {"nonlinearity": "leaky_relu", "negative_slope": True},
        r"negative_slope must be a real number",
    ),
    (init.he_normal, (DENSE,), {"negative_slope": np.inf}, r"negative_slope must be finite"),
    (
        init.he_uniform,
        (DENSE,),
        {"negative_slope": 0.1},
        r"negative_slope is only used with nonlinearity='leaky_relu'",
    ),
    # gain()
    (init.gain, ("elu",), {}, re.escape(f"use one of: {NONLINEARITIES}")),
    (init.gain, (None,), {}, r"nonlinearity None is not supported"),
    (init.gain, ("leaky_relu", True), {}, r"param must be a real number"),
    (init.gain, ("leaky_relu", "0.1"), {}, r"param must be a real number"),
    (init.gain, ("leaky_relu", float("nan")), {}, r"param must be finite"),
    (init.gain, ("relu", 0.1), {}, r"param is only used by nonlinearity 'leaky_relu'"),
    # rng
    (init.as_rng, (True,), {}, r"rng must be a numpy.random.Generator"),
    (init.as_rng, (1.5,), {}, r"rng must be a numpy.random.Generator"),
    (init.as_rng, (-1,), {}, r"rng must be a numpy.random.Generator, a non-negative int"),
    (init.as_rng, ("0",), {}, r"rng must be a numpy.random.Generator"),
    (init.as_rng, (np.random.RandomState(0),), {}, r"rng must be .* got RandomState"),
    (init.lecun_normal, (DENSE,), {"rng": "seed"}, r"rng must be a numpy.random.Generator"),
    (init.orthogonal, (DENSE,), {"rng": 0.5}, r"rng must be a numpy.random.Generator"),
    (init.zeros, (DENSE,), {"rng": True}, r"rng must be a numpy.random.Generator"),
    (init.constant, (DENSE, 1.0), {"rng": [1]}, r"rng must be a numpy.random.Generator"),
    # lookup
    (init.get, ("constant",), {}, r"name 'constant' is not a known initializer"),
    (init.get, ("xavier",), {}, r"name 'xavier' .*use one of: glorot_normal, glorot_uniform"),
    (init.get, (3,), {}, r"name 3 is not a known initializer"),
    (init.std_of, ("foo", DENSE), {}, r"name 'foo' is not a known initializer"),
    (init.std_of, ("he_normal", DENSE), {"mode": "fan_avg"}, r"mode 'fan_avg'"),
    (init.std_of, ("uniform", DENSE), {"low": 1.0, "high": 0.0}, r"low must be < high"),
    (init.std_of, ("lecun_normal", (4,)), {}, r"shape must have at least 2"),
    # truncated draws and framework defaults
    (init.truncated_normal, (DENSE,), {"std": -1.0}, r"std must be >= 0"),
    (init.variance_scaling, (DENSE,), {"mode": "fan_sum"}, r"mode must be one of"),
    (init.variance_scaling, (DENSE,), {"distribution": "normal"}, r"distribution must be one of"),
    (init.variance_scaling, (DENSE,), {"scale": 0.0}, r"scale must be"),
    (init.variance_scaling, ((4,),), {}, r"shape must have at least 2"),
    (init.default_layer, ("torch", DENSE), {}, r"framework must be one of"),
    (init.default_layer, ("keras", (4,)), {}, r"shape must have at least 2"),
    (init.default_std, ("jax", DENSE), {}, r"framework must be one of"),
]


@pytest.mark.parametrize(
    ("fn", "args", "kwargs", "message"),
    ERROR_CASES,
    ids=[f"{case[0].__name__}-{index}" for index, case in enumerate(ERROR_CASES)],
)
def test_bad_input_raises_value_error_naming_the_argument(fn, args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        fn(*args, **kwargs)


# --- truncated normals and framework defaults -----------------------------------------------


def test_truncation_factor_is_the_constant_keras_divides_by():
    assert init.scales.truncated_normal_std_factor() == pytest.approx(
        KERAS_TRUNCATION_FACTOR, rel=1e-14
    )
    assert init.scales.truncated_normal_std_factor(50.0) == pytest.approx(1.0, rel=1e-12)


def test_truncated_normal_has_no_tails_and_the_nominal_std():
    weights = init.truncated_normal((400, 300), std=0.5, rng=3)
    cut = 2 * 0.5 / KERAS_TRUNCATION_FACTOR
    assert np.abs(weights).max() <= cut
    assert np.abs(weights).max() > 0.99 * cut  # cut there, not earlier
    assert weights.std() == pytest.approx(0.5, rel=0.01)
    # An untruncated normal of the same std has about 2.3% of its values beyond the cut
    # (|z| > 2.27): this draw has none, and its kurtosis is well below a normal's 3.
    assert stats.kurtosis(weights.ravel(), fisher=False) < 2.7


def test_keras_named_initializers_are_variance_scaling_cases():
    shape = (120, 30)  # fan_in 120, fan_out 30
    he = init.variance_scaling(shape, scale=2.0, rng=0)
    assert he.std() == pytest.approx(init.std_of("he_normal", shape), rel=0.05)
    glorot = init.variance_scaling(shape, mode="fan_avg", distribution="uniform", rng=0)
    assert np.abs(glorot).max() <= math.sqrt(6 / (120 + 30))
    assert init.std_of("variance_scaling", shape, mode="fan_avg") == pytest.approx(
        init.std_of("xavier_normal", shape), rel=1e-12
    )


@pytest.mark.parametrize("shape", [(300, 70), (3, 3, 20, 40)])
def test_pytorch_default_is_uniform_with_bound_one_over_sqrt_fan_in(shape):
    fan_in = math.prod(shape[:-1])  # 300, or 3*3*20 = 180
    layer = init.default_layer("pytorch", shape, rng=0)
    bound = 1 / math.sqrt(fan_in)
    assert layer.weights.shape == shape and layer.bias.shape == (shape[-1],)
    for values in (layer.weights, layer.bias):
        assert np.abs(values).max() <= bound
    assert np.abs(layer.weights).max() > 0.99 * bound
    assert stats.kstest(layer.weights.ravel(), stats.uniform(-bound, 2 * bound).cdf).pvalue > (
        KS_ALPHA
    )
    assert init.default_std("pytorch", shape) == pytest.approx(1 / math.sqrt(3 * fan_in))


def test_keras_and_flax_defaults():
    shape = (300, 70)
    keras = init.default_layer("keras", shape, rng=0)
    assert not keras.bias.any()
    assert np.abs(keras.weights).max() <= math.sqrt(6 / 370)
    assert keras.weights.std() == pytest.approx(init.default_std("keras", shape), rel=0.03)
    flax = init.default_layer("flax", shape, rng=0)
    assert not flax.bias.any()
    assert flax.weights.std() == pytest.approx(1 / math.sqrt(300), rel=0.03)
    assert np.abs(flax.weights).max() <= 2 / math.sqrt(300) / KERAS_TRUNCATION_FACTOR
