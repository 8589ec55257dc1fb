"""lib.rbm against hand computations and brute-force enumeration of tiny machines."""

import itertools

import numpy as np
import pytest
from sklearn.neural_network import BernoulliRBM

from lib import rbm as rbm_module
from lib.data import load_digits
from lib.network import MLP
from lib.rbm import DBN, RBM, RBMHistory


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def all_states(n):
    """Every binary vector of length ``n``, one per row (2**n rows)."""
    return np.array(list(itertools.product([0.0, 1.0], repeat=n)))


def energy(machine, v, h):
    """E(v, h) = -v.b - h.c - v W h, for every pair of rows of v and h."""
    return (
        -(v @ machine.visible_bias)[:, None]
        - (h @ machine.hidden_bias)[None, :]
        - v @ machine.W @ h.T
    )


def log_likelihood(machine, data):
    """Exact mean log p(v) of binary ``data``, summing over all states (tiny machines only)."""
    visible, hidden = all_states(machine.n_visible), all_states(machine.n_hidden)
    log_z = np.logaddexp.reduce(-energy(machine, visible, hidden).ravel())
    return float(np.mean(-machine.free_energy(data) - log_z))


def exact_gradient(machine, data):
    """<v h>_data - <v h>_model of the weights, the exact log-likelihood gradient."""
    visible = all_states(machine.n_visible)
    log_p = -machine.free_energy(visible)
    p = np.exp(log_p - np.logaddexp.reduce(log_p))
    model = visible.T @ (p[:, None] * machine.transform(visible))
    return data.T @ machine.transform(data) / len(data) - model


def small_machine(seed=0, n_visible=4, n_hidden=3, std=0.5):
    machine = RBM(n_visible, n_hidden, init=std, rng=seed)
    rng = np.random.default_rng(seed + 100)
    machine.visible_bias = rng.normal(0, 0.5, n_visible)
    machine.hidden_bias = rng.normal(0, 0.5, n_hidden)
    return machine


# --- construction and parameters -------------------------------------------------------------


def test_default_init_is_small_gaussian_and_zero_biases():
    machine = RBM(50, 200, rng=0)
    assert machine.W.shape == (50, 200)
    assert machine.W.std() == pytest.approx(0.01, rel=0.05)
    assert abs(machine.W.mean()) < 0.001
    np.testing.assert_array_equal(machine.visible_bias, np.zeros(50))
    np.testing.assert_array_equal(machine.hidden_bias, np.zeros(200))


def test_init_is_configurable_and_seeded():
    wide = RBM(50, 200, init=0.1, rng=1)
    assert wide.W.std() == pytest.approx(0.1, rel=0.05)
    xavier = RBM(50, 200, init="xavier_normal", rng=1)
    assert xavier.W.std() == pytest.approx(np.sqrt(2 / 250), rel=0.05)
    np.testing.assert_array_equal(RBM(5, 3, rng=7).W, RBM(5, 3, rng=7).W)


@pytest.mark.parametrize(("n_visible", "n_hidden"), [(0, 3), (4, -1), (2.5, 3), (True, 3)])
def test_sizes_must_be_positive_ints(n_visible, n_hidden):
    with pytest.raises(ValueError, match="n_visible|n_hidden"):
        RBM(n_visible, n_hidden)


def test_parameters_are_checked_and_copied_on_assignment():
    machine = RBM(3, 2)
    new_w = np.ones((3, 2))
    machine.W = new_w
    new_w[0, 0] = 5.0
    assert machine.W[0, 0] == 1.0
    with pytest.raises(ValueError, match=r"W must have shape \(3, 2\)"):
        machine.W = np.ones((2, 3))
    with pytest.raises(ValueError, match="visible_bias must have shape"):
        machine.visible_bias = np.zeros(2)
    with pytest.raises(ValueError, match="hidden_bias contains NaN"):
        machine.hidden_bias = [0.0, np.nan]


# --- free energy and conditionals ------------------------------------------------------------


def three_by_two():
    machine = RBM(3, 2)
    machine.W = [[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]]
    machine.visible_bias = [0.5, -0.5, 0.0]
    machine.hidden_bias = [0.0, 1.0]
    return machine


def test_free_energy_of_a_hand_computed_3x2_example():
    # v = (1, 0, 1): v.b = 0.5; c + vW = (0 + 2, 1 - 1) = (2, 0)
    # F = -0.5 - log(1 + e^2) - log(1 + e^0)
    machine = three_by_two()
    expected = -0.5 - np.log(1 + np.e**2) - np.log(2.0)
    # v = 0: F = -log(1 + e^0) - log(1 + e^1)
    zeros = -np.log(2.0) - np.log(1 + np.e)
    got = machine.free_energy([[1.0, 0.0, 1.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(got, [expected, zeros], rtol=1e-12)


def test_free_energy_sums_out_the_hidden_units():
    # F(v) = -log sum_h exp(-E(v, h)), by enumeration
    machine = small_machine()
    visible, hidden = all_states(4), all_states(3)
    brute = -np.logaddexp.reduce(-energy(machine, visible, hidden), axis=1)
    np.testing.assert_allclose(machine.free_energy(visible), brute, rtol=1e-12)


def test_free_energy_does_not_overflow_for_huge_weights():
    machine = RBM(3, 2)
    machine.W = np.full((3, 2), 1e3)
    assert np.all(np.isfinite(machine.free_energy(np.ones((1, 3)))))


def test_conditionals_match_the_joint_distribution():
    machine = small_machine(seed=3)
    visible, hidden = all_states(4), all_states(3)
    joint = np.exp(-energy(machine, visible, hidden))
    p_h_given_v = joint / joint.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(machine.transform(visible), p_h_given_v @ hidden, rtol=1e-10)
    p_v_given_h = joint / joint.sum(axis=0, keepdims=True)
    np.testing.assert_allclose(machine.visible_probs(hidden), p_v_given_h.T @ visible, rtol=1e-10)


def test_reconstruct_is_mean_field_down_of_mean_field_up():
    machine = small_machine(seed=4)
    x = np.random.default_rng(0).random((6, 4))
    expected = machine.visible_probs(machine.transform(x))
    np.testing.assert_allclose(machine.reconstruct(x), expected)


@pytest.mark.parametrize(
    ("x", "match"),
    [
        (np.full((2, 3), 1.5), r"values in \[0, 1\].*from 1.5 to 1.5"),
        (np.full((2, 3), -0.1), r"values in \[0, 1\]"),
        (np.zeros((2, 4)), r"x must have shape \(n_samples, 3\)"),
        (np.zeros(3), r"x must have shape"),
        ([[0.0, np.nan, 0.0]], "NaN"),
    ],
)
def test_inputs_outside_the_unit_interval_or_of_the_wrong_width_are_refused(x, match):
    with pytest.raises(ValueError, match=match):
        three_by_two().transform(x)


def test_visible_probs_checks_the_hidden_width():
    with pytest.raises(ValueError, match=r"h must have shape \(n_samples, 2\)"):
        three_by_two().visible_probs(np.zeros((1, 3)))


# --- sampling --------------------------------------------------------------------------------


def test_gibbs_gives_binary_states_reproducibly():
    machine = small_machine(seed=5)
    v = np.random.default_rng(0).random((20, 4))
    samples = machine.gibbs(v, steps=3, rng=1)
    assert samples.shape == (20, 4)
    assert set(np.unique(samples)) <= {0.0, 1.0}
    np.testing.assert_array_equal(samples, machine.gibbs(v, steps=3, rng=1))
    means = machine.gibbs(v, steps=3, rng=1, mean=True)
    assert np.all((means > 0) & (means < 1))


def test_gibbs_follows_the_visible_bias():
    machine = RBM(50, 20, rng=0)
    machine.visible_bias = np.where(np.arange(50) < 25, 10.0, -10.0)
    samples = machine.gibbs(np.zeros((30, 50)), steps=2, rng=0)
    assert samples[:, :25].mean() > 0.99 and samples[:, 25:].mean() < 0.01


def test_gibbs_chain_reaches_the_model_distribution():
    # long chains from many starts: visible marginals close to the exact ones
    machine = small_machine(seed=6, std=1.0)
    visible = all_states(4)
    log_p = -machine.free_energy(visible)
    exact = np.exp(log_p - np.logaddexp.reduce(log_p)) @ visible
    samples = machine.gibbs(np.zeros((4000, 4)), steps=30, rng=0)
    np.testing.assert_allclose(samples.mean(axis=0), exact, atol=0.03)


def test_gibbs_checks_steps():
    with pytest.raises(ValueError, match="steps"):
        three_by_two().gibbs(np.zeros((1, 3)), steps=0)


# --- pseudo-likelihood -----------------------------------------------------------------------


def test_pseudo_likelihood_is_n_times_log_prob_of_the_flipped_unit():
    machine = small_machine(seed=7)
    v = all_states(4)
    flip = np.arange(16) % 4
    flipped = v.copy()
    flipped[np.arange(16), flip] = 1 - flipped[np.arange(16), flip]
    # p(v_i | v_-i) = exp(-F(v)) / (exp(-F(v)) + exp(-F(v~)))
    p = 1 / (1 + np.exp(machine.free_energy(v) - machine.free_energy(flipped)))
    np.testing.assert_allclose(machine.pseudo_likelihood(v, flip=flip), 4 * np.log(p))


def test_pseudo_likelihood_equals_scikit_learns_score_samples(digits):
    x = digits.x_test[:200]
    machine = RBM(64, 30, init=0.3, rng=0)
    machine.visible_bias = np.linspace(-1, 1, 64)
    machine.hidden_bias = np.linspace(0.5, -0.5, 30)
    reference = BernoulliRBM(n_components=30, n_iter=1, random_state=11).fit(x[:20])
    reference.components_ = machine.W.T.copy()
    reference.intercept_visible_ = machine.visible_bias.copy()
    reference.intercept_hidden_ = machine.hidden_bias.copy()
    # scikit-learn flips unit RandomState(11).randint(0, 64, n) in each row
    flip = np.random.RandomState(11).randint(0, 64, len(x))  # noqa: NPY002 - as sklearn does
    np.testing.assert_allclose(
        machine.pseudo_likelihood(x, flip=flip), reference.score_samples(x), rtol=1e-10
    )


def test_pseudo_likelihood_draws_its_flips_from_rng():
    machine = small_machine(seed=8)
    v = np.random.default_rng(0).random((50, 4))
    np.testing.assert_array_equal(
        machine.pseudo_likelihood(v, rng=3), machine.pseudo_likelihood(v, rng=3)
    )
    assert np.all(machine.pseudo_likelihood(v, rng=3) < 0)


@pytest.mark.parametrize("flip", [np.zeros(3, dtype=int), np.full(2, 4), np.zeros(2)])
def test_pseudo_likelihood_checks_flip(flip):
    with pytest.raises(ValueError, match="flip"):
        small_machine().pseudo_likelihood(np.zeros((2, 4)), flip=flip)


# --- gradients and training ------------------------------------------------------------------


def test_cd_gradient_of_one_step_by_hand():
    machine = small_machine(seed=9)
    v0 = np.random.default_rng(1).random((5, 4))
    h0 = machine.transform(v0)
    h0_sample = (np.random.default_rng(2).random((5, 3)) < h0).astype(float)
    v1 = machine.visible_probs(h0_sample)
    h1 = machine.transform(v1)
    grad_w, grad_b, grad_c = machine.cd_gradients(v0, k=1, rng=2)
    np.testing.assert_allclose(grad_w, (v0.T @ h0 - v1.T @ h1) / 5)
    np.testing.assert_allclose(grad_b, (v0 - v1).mean(axis=0))
    np.testing.assert_allclose(grad_c, (h0 - h1).mean(axis=0))


def test_cd_gradient_points_along_the_exact_gradient():
    # positive phase minus negative phase: the sign of every large entry is right, and the
    # whole estimate is nearly parallel to the exact gradient (CD-k is biased, not wrong)
    machine = small_machine(seed=10, std=1.0)
    data = np.repeat(all_states(4)[[1, 6, 15]], 2000, axis=0)
    estimate, _, _ = machine.cd_gradients(data, k=30, rng=0)
    exact = exact_gradient(machine, data)
    cosine = np.sum(estimate * exact) / np.linalg.norm(estimate) / np.linalg.norm(exact)
    assert cosine > 0.9
    big = np.abs(exact) > 0.05
    assert big.sum() >= 4
    assert np.all(np.sign(estimate[big]) == np.sign(exact[big]))


def test_a_small_step_along_the_cd_gradient_raises_the_likelihood():
    machine = small_machine(seed=11)
    data = all_states(4)[[3, 5, 12, 15]]
    before = log_likelihood(machine, data)
    grad_w, grad_b, grad_c = machine.cd_gradients(np.repeat(data, 500, axis=0), k=10, rng=0)
    machine.W = machine.W + 0.05 * grad_w
    machine.visible_bias = machine.visible_bias + 0.05 * grad_b
    machine.hidden_bias = machine.hidden_bias + 0.05 * grad_c
    assert log_likelihood(machine, data) > before + 1e-3


@pytest.mark.parametrize(
    "options",
    [
        {"persistent": False, "lr": 0.5, "epochs": 30},
        # PCD needs a smaller step: its few chains must keep up with the changing model
        {"persistent": True, "lr": 0.05, "epochs": 300, "momentum": 0.0},
    ],
)
def test_fit_raises_the_exact_likelihood_of_a_tiny_data_set(options):
    machine = RBM(4, 3, rng=0)
    data = np.repeat(all_states(4)[[3, 12]], 20, axis=0)
    before = log_likelihood(machine, data)
    history = machine.fit(data, batch_size=10, rng=0, progress=False, **options)
    assert log_likelihood(machine, data) > before + 1.0
    assert history.algorithm == ("PCD-1" if options["persistent"] else "CD-1")


def test_fit_records_one_entry_per_epoch_and_learns_digits(digits):
    machine = RBM(64, 32, rng=0)
    history = machine.fit(
        digits.x_train,
        epochs=4,
        lr=0.05,
        k=2,
        x_val=digits.x_test,
        rng=0,
        progress=False,
        keep_snapshots=True,
    )
    assert isinstance(history, RBMHistory) and history.algorithm == "CD-2"
    for name in (
        "reconstruction_error",
        "val_reconstruction_error",
        "free_energy",
        "val_free_energy",
        "val_pseudo_likelihood",
    ):
        assert len(getattr(history, name)) == 4
    assert history.reconstruction_error[-1] < 0.8 * history.reconstruction_error[0]
    assert history.val_pseudo_likelihood[-1] > history.val_pseudo_likelihood[0]
    np.testing.assert_allclose(
        history.free_energy_gap,
        np.array(history.val_free_energy) - np.array(history.free_energy),
    )
    assert len(history.snapshots) == 4
    np.testing.assert_array_equal(history.snapshots[-1].W, machine.W)
    # Snapshots are copies: earlier epochs' filters differ from the final ones and stay put.
    assert not np.array_equal(history.snapshots[0].W, machine.W)
    assert history.reconstruction_error[-1] == pytest.approx(
        np.mean((machine.reconstruct(digits.x_train) - digits.x_train) ** 2), rel=0.2
    )
    machine.W = np.zeros_like(machine.W)
    assert np.any(history.snapshots[-1].W != 0)


def test_from_parameters_copies_and_checks():
    w = np.arange(6.0).reshape(3, 2)
    machine = RBM.from_parameters(w, visible_bias=[1.0, 2.0, 3.0])
    assert (machine.n_visible, machine.n_hidden) == (3, 2)
    np.testing.assert_array_equal(machine.hidden_bias, [0.0, 0.0])
    w[0, 0] = 99.0
    assert machine.W[0, 0] == 0.0
    twin = machine.copy()
    np.testing.assert_array_equal(twin.visible_bias, machine.visible_bias)
    assert twin.W is not machine.W
    with pytest.raises(ValueError, match="W must be a 2-D"):
        RBM.from_parameters(np.zeros(3))
    with pytest.raises(ValueError, match="hidden_bias"):
        RBM.from_parameters(np.zeros((3, 2)), hidden_bias=[0.0])


def test_fit_without_validation_data_leaves_val_lists_empty(digits):
    history = RBM(64, 8, rng=0).fit(digits.x_train[:100], 1, 0.05, rng=0, progress=False)
    assert history.val_free_energy == [] and history.val_pseudo_likelihood == []
    assert len(history.free_energy) == 1


def test_fit_is_reproducible_with_a_seed(digits):
    x = digits.x_train[:200]
    first, second = RBM(64, 10, rng=0), RBM(64, 10, rng=0)
    first.fit(x, 2, 0.05, persistent=True, rng=5, progress=False)
    second.fit(x, 2, 0.05, persistent=True, rng=5, progress=False)
    np.testing.assert_array_equal(first.W, second.W)


def test_weight_decay_shrinks_the_weights_but_not_the_biases(digits):
    x = digits.x_train[:300]
    plain, decayed = RBM(64, 10, rng=0), RBM(64, 10, rng=0)
    plain.fit(x, 3, 0.05, weight_decay=0.0, rng=1, progress=False)
    decayed.fit(x, 3, 0.05, weight_decay=0.5, rng=1, progress=False)
    assert np.linalg.norm(decayed.W) < 0.8 * np.linalg.norm(plain.W)
    assert np.linalg.norm(decayed.visible_bias) > 0.5 * np.linalg.norm(plain.visible_bias)


def test_momentum_speeds_up_learning(digits):
    x = digits.x_train[:300]
    errors = {}
    for momentum in (0.0, 0.9):
        history = RBM(64, 16, rng=0).fit(
            x, 2, 0.01, momentum=momentum, weight_decay=0.0, rng=1, progress=False
        )
        errors[momentum] = history.reconstruction_error[-1]
    assert errors[0.9] < errors[0.0]


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"epochs": 0}, "epochs"),
        ({"lr": -0.1}, "lr"),
        ({"batch_size": 0}, "batch_size"),
        ({"k": 0}, "k must"),
        ({"momentum": 1.0}, "momentum"),
        ({"weight_decay": -1e-3}, "weight_decay"),
        ({"x_val": np.zeros((3, 5))}, "x_val must have shape"),
    ],
)
def test_fit_checks_its_arguments(options, match):
    arguments = {"epochs": 1, "lr": 0.1} | options
    with pytest.raises(ValueError, match=match):
        RBM(4, 3).fit(np.zeros((5, 4)), progress=False, **arguments)


def test_fit_refuses_raw_pixel_values(digits):
    with pytest.raises(ValueError, match=r"\[0, 1\].*pixels / 16"):
        RBM(64, 3).fit(digits.x_train * 16, 1, 0.1, progress=False)


# --- deep belief nets ------------------------------------------------------------------------


def test_dbn_stacks_rbms_of_matching_sizes():
    dbn = DBN([64, 30, 20], rng=0)
    assert [(m.n_visible, m.n_hidden) for m in dbn.rbms] == [(64, 30), (30, 20)]
    assert repr(dbn) == "DBN(layer_sizes=[64, 30, 20])"


@pytest.mark.parametrize("sizes", [[64], "64, 30", [64, 0], 64])
def test_dbn_checks_layer_sizes(sizes):
    with pytest.raises(ValueError, match="layer_sizes"):
        DBN(sizes)


def test_pretrain_trains_each_layer_on_the_one_below(digits):
    x = digits.x_train[:300]
    dbn = DBN([64, 20, 10], rng=0)
    untouched = dbn.rbms[1].W.copy()
    histories = dbn.pretrain(x, epochs=2, lr=0.05, x_val=digits.x_test[:50], rng=0, progress=False)
    assert len(histories) == 2 and all(len(h.val_free_energy) == 2 for h in histories)
    assert not np.array_equal(dbn.rbms[1].W, untouched)
    features = dbn.transform(x)
    np.testing.assert_allclose(features, dbn.rbms[1].transform(dbn.rbms[0].transform(x)))
    assert features.shape == (300, 10)


def test_to_mlp_carries_the_pretrained_weights(digits):
    dbn = DBN([64, 20, 10], rng=0)
    dbn.pretrain(digits.x_train[:200], epochs=1, lr=0.05, rng=0, progress=False)
    net = dbn.to_mlp(n_classes=10, rng=1)
    assert isinstance(net, MLP) and net.layer_sizes == (64, 20, 10, 10)
    for layer, machine in enumerate(dbn.rbms):
        np.testing.assert_array_equal(net.weights[layer], machine.W)
        np.testing.assert_array_equal(net.biases[layer], machine.hidden_bias)
    assert net.weights[-1].shape == (10, 10) and np.all(net.biases[-1] == 0)
    top = net.forward(digits.x_test[:5]).activations[-2]
    np.testing.assert_allclose(top, dbn.transform(digits.x_test[:5]))
    net.weights[0][0, 0] += 1.0  # a copy: fine-tuning leaves the DBN alone
    assert net.weights[0][0, 0] != dbn.rbms[0].W[0, 0]


# --- fine-tuning comparison ------------------------------------------------------------------


def test_labelled_subset_is_balanced_and_in_order(digits):
    x, y = rbm_module.labelled_subset(digits.x_train, digits.y_train, per_class=3)
    assert x.shape == (30, 64) and np.all(np.bincount(y) == 3)
    first_zeros = digits.x_train[np.flatnonzero(digits.y_train == 0)[:3]]
    np.testing.assert_array_equal(x[y == 0], first_zeros)
    with pytest.raises(ValueError, match="has only"):
        rbm_module.labelled_subset(digits.x_train, digits.y_train, per_class=1000)


def test_finetune_curves_trains_each_start_once_per_seed(digits):
    dbns = [DBN([64, 20], rng=seed) for seed in range(2)]
    for seed, dbn in enumerate(dbns):
        dbn.pretrain(digits.x_train, epochs=2, lr=0.05, rng=seed, progress=False)
    starts = {"DBN": dbns, "He": [([64, 20, 10], "he_normal")] * 2}
    curves = rbm_module.finetune_curves(digits, starts, epochs=3, lr=0.1, per_class=5)
    assert set(curves) == {"DBN", "He"} and curves["DBN"].shape == (2, 3)
    net = MLP([64, 20, 10], activation="sigmoid", init="he_normal", rng=1)
    x, y = rbm_module.labelled_subset(digits.x_train, digits.y_train, per_class=5)
    history = net.fit(x, y, 3, 0.1, rng=1, x_val=digits.x_test, y_val=digits.y_test, progress=False)
    np.testing.assert_allclose(curves["He"][1], history.val_accuracy)
    assert np.all((curves["DBN"] >= 0) & (curves["DBN"] <= 1))


@pytest.mark.parametrize(
    ("data", "starts", "match"),
    [
        ("digits", {}, "starts must be a non-empty dict"),
        ("digits", {"He": "he_normal"}, "one DBN or"),
        (None, {"He": [([64, 10], "he_normal")]}, "lib.data.Dataset"),
    ],
)
def test_finetune_curves_checks_its_arguments(digits, data, starts, match):
    with pytest.raises(ValueError, match=match):
        rbm_module.finetune_curves(digits if data else data, starts, epochs=1, lr=0.1)
