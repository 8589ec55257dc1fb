"""``lib.rbm.RBM`` against scikit-learn's ``BernoulliRBM``: training time and pseudo-likelihood.

Both are trained on the same digits (``lib.data.load_digits()``, pixels / 16 in [0, 1]) with
the same number of hidden units, learning rate, batch size and epochs, and with the same
algorithm: persistent CD with one Gibbs step per update (PCD-1, Tieleman 2008), which is what
``BernoulliRBM.fit`` runs, so ``lib.rbm`` is called with ``persistent=True, momentum=0,
weight_decay=0``. Both start from ``N(0, 0.01²)`` weights and zero biases. Both run with one
BLAS thread (``threadpool_limits(limits=1, user_api="blas")``; ``RBM.fit`` sets the same limit
itself), which is the faster setting for matrices this small on a 1-2 core machine.

Time is the wall-clock time of ``fit`` (ours includes its per-epoch monitoring). The
pseudo-likelihood is scikit-learn's definition (``score_samples``): for each test image one
visible unit is flipped and ``n_visible * log sigmoid(F(flipped) - F(v))`` is taken. It is
random, so it is averaged over ``n_draws`` draws, and each draw flips the *same* units for both
models: draw ``s`` flips ``RandomState(s).randint(0, 64, n)``, the units ``score_samples``
flips when the model's ``random_state`` is ``s``.

Run ``python bench/rbm_vs_sklearn.py [--json PATH]``; from a suite,
``bench.rbm_vs_sklearn.run(...)`` returns the same numbers as a dict.
"""

import argparse
import json
import time

import numpy as np
from sklearn.neural_network import BernoulliRBM
from threadpoolctl import threadpool_limits

from lib.data import load_digits
from lib.rbm import RBM


def _fit_ours(x, n_hidden, lr, batch_size, epochs, seed):
    model = RBM(x.shape[1], n_hidden, init=0.01, rng=seed)
    start = time.perf_counter()
    model.fit(
        x,
        epochs=epochs,
        lr=lr,
        batch_size=batch_size,
        persistent=True,
        momentum=0.0,
        weight_decay=0.0,
        rng=seed,
        progress=False,
    )
    return model, time.perf_counter() - start


def _fit_sklearn(x, n_hidden, lr, batch_size, epochs, seed):
    model = BernoulliRBM(
        n_components=n_hidden,
        learning_rate=lr,
        batch_size=batch_size,
        n_iter=epochs,
        random_state=seed,
    )
    start = time.perf_counter()
    model.fit(x)
    return model, time.perf_counter() - start


def _flips(draw, n_samples, n_visible):
    """The units ``BernoulliRBM.score_samples`` flips with ``random_state=draw``."""
    return np.random.RandomState(draw).randint(0, n_visible, n_samples)  # noqa: NPY002


def _pseudo_likelihoods(ours, theirs, x, n_draws):
    """Mean pseudo-likelihood of ``x`` under each model, the same units flipped in both."""
    ours_pl, theirs_pl = [], []
    for draw in range(n_draws):
        ours_pl.append(ours.pseudo_likelihood(x, flip=_flips(draw, *x.shape)).mean())
        theirs.random_state = draw  # read by score_samples only; training is over
        theirs_pl.append(theirs.score_samples(x).mean())
    return float(np.mean(ours_pl)), float(np.mean(theirs_pl))


def _summary(times, pseudo):
    return {
        "time_s": [round(t, 4) for t in times],
        "time_median_s": float(np.median(times)),
        "pseudo_likelihood": [round(p, 4) for p in pseudo],
        "pseudo_likelihood_mean": float(np.mean(pseudo)),
    }


def run(n_hidden=100, lr=0.05, batch_size=10, epochs=20, seeds=(0, 1, 2), n_draws=20) -> dict:
    """Train both libraries once per seed (alternating, so load affects both alike).

    Returns ``{"settings": ..., "lib.rbm": summary, "sklearn": summary, "speedup": ...,
    "pseudo_likelihood_difference": ...}``, each summary holding the fit time of every seed,
    its median, the held-out pseudo-likelihood of every seed and its mean; ``speedup`` is
    scikit-learn's median time over ours (above 1: ours is faster) and
    ``pseudo_likelihood_difference`` ours minus scikit-learn's (above 0: ours is better).
    """
    data = load_digits()
    x_train, x_test = np.asarray(data.x_train), np.asarray(data.x_test)
    options = {"n_hidden": n_hidden, "lr": lr, "batch_size": batch_size, "epochs": epochs}
    times = {"lib.rbm": [], "sklearn": []}
    pseudo = {"lib.rbm": [], "sklearn": []}
    with threadpool_limits(limits=1, user_api="blas"):
        for seed in seeds:
            ours, ours_time = _fit_ours(x_train, seed=seed, **options)
            theirs, theirs_time = _fit_sklearn(x_train, seed=seed, **options)
            ours_pl, theirs_pl = _pseudo_likelihoods(ours, theirs, x_test, n_draws)
            times["lib.rbm"].append(ours_time)
            times["sklearn"].append(theirs_time)
            pseudo["lib.rbm"].append(ours_pl)
            pseudo["sklearn"].append(theirs_pl)
    result = {
        "settings": options
        | {
            "algorithm": "PCD-1",
            "seeds": list(seeds),
            "n_draws": n_draws,
            "n_train": len(x_train),
            "n_test": len(x_test),
            "blas_threads": 1,
        },
        "lib.rbm": _summary(times["lib.rbm"], pseudo["lib.rbm"]),
        "sklearn": _summary(times["sklearn"], pseudo["sklearn"]),
    }
    result["speedup"] = result["sklearn"]["time_median_s"] / result["lib.rbm"]["time_median_s"]
    result["pseudo_likelihood_difference"] = (
        result["lib.rbm"]["pseudo_likelihood_mean"] - result["sklearn"]["pseudo_likelihood_mean"]
    )
    return result


def format_table(result: dict) -> str:
    """The result of :func:`run` as a small text table."""
    settings = result["settings"]
    lines = [
        f"PCD-1 on the digits ({settings['n_train']} train, {settings['n_test']} test): "
        f"{settings['n_hidden']} hidden, lr {settings['lr']}, batch {settings['batch_size']}, "
        f"{settings['epochs']} epochs, seeds {settings['seeds']}, 1 BLAS thread",
        f"{'':<10}{'fit time (median)':>20}{'held-out pseudo-likelihood':>30}",
    ]
    for name in ("lib.rbm", "sklearn"):
        row = result[name]
        lines.append(
            f"{name:<10}{row['time_median_s']:>18.3f} s{row['pseudo_likelihood_mean']:>30.3f}"
        )
    lines.append(
        f"speed-up (sklearn time / ours): {result['speedup']:.2f}; pseudo-likelihood "
        f"difference (ours - sklearn): {result['pseudo_likelihood_difference']:+.3f}"
    )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, default=100)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seeds", type=int, default=3, help="number of seeds (0, 1, ...)")
    parser.add_argument("--json", metavar="PATH", help="also write the result as JSON")
    args = parser.parse_args(argv)
    result = run(
        n_hidden=args.hidden,
        lr=args.lr,
        batch_size=args.batch_size,
        epochs=args.epochs,
        seeds=tuple(range(args.seeds)),
    )
    print(format_table(result))
    if args.json:
        with open(args.json, "w") as file:
            json.dump(result, file, indent=2)


if __name__ == "__main__":
    main()
