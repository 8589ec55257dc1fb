r"""Restricted Boltzmann machines and deep belief nets: the pre-training answer to initialization.

Before Xavier and He init, deep nets were started by *pre-training*: each layer is trained,
without labels, as an RBM on the output of the layer below, and the stack then initializes an
MLP that backprop fine-tunes (Hinton, Osindero & Teh 2006; Hinton & Salakhutdinov 2006).

The model
---------
A Bernoulli-Bernoulli RBM has binary visible units :math:`v \in \{0, 1\}^{n_v}`, binary hidden
units :math:`h \in \{0, 1\}^{n_h}`, weights ``W`` of shape ``(n_visible, n_hidden)`` (the
``x @ W`` layout of the whole course), a visible bias :math:`b` and a hidden bias :math:`c`:

.. math::

    E(v, h) = -v^\top b - h^\top c - v^\top W h, \qquad p(v, h) \propto e^{-E(v, h)},

    p(h_j = 1 \mid v) = \sigma(c_j + v^\top W_{:, j}), \qquad
    p(v_i = 1 \mid h) = \sigma(b_i + W_{i, :} h).

Summing out :math:`h` gives the *free energy*, :math:`p(v) \propto e^{-F(v)}` with

.. math::

    F(v) = -v^\top b - \sum_j \log\bigl(1 + e^{c_j + v^\top W_{:, j}}\bigr).

The gradient of the mean log-likelihood has a data term and a model term,

.. math::

    \frac{\partial \log p(v)}{\partial W_{ij}}
        = \langle v_i h_j \rangle_\text{data} - \langle v_i h_j \rangle_\text{model},

and the model term is intractable. *Contrastive divergence* CD-k (Hinton 2002) estimates it
from a Gibbs chain started at the data and run for ``k`` steps; *persistent* CD, PCD-k
(Tieleman 2008), keeps the chains running from one mini-batch to the next instead.

What :meth:`RBM.fit` runs
-------------------------
Following Hinton's practical guide (2010), the grey pixels in [0, 1] are used as they are, as
the probabilities of the visible units (not binarised), and the hidden statistics always use
probabilities :math:`p(h = 1 \mid v)`, never samples. Hidden states that *drive* the chain are
sampled (``u < p`` with ``u`` uniform from ``rng``). In CD-k the intermediate visible states
are sampled and the last reconstruction is the probability vector :math:`p(v = 1 \mid h)`;
in PCD-k every visible state is sampled (a proper Markov chain, as in scikit-learn's
``BernoulliRBM``), and ``batch_size`` chains persist through the whole of ``fit``.

References
----------
- G. Hinton (2002). Training products of experts by minimizing contrastive divergence.
  Neural Computation 14(8).
- G. Hinton, S. Osindero, Y.-W. Teh (2006). A fast learning algorithm for deep belief nets.
  Neural Computation 18(7).
- G. Hinton, R. Salakhutdinov (2006). Reducing the dimensionality of data with neural
  networks. Science 313.
- T. Tieleman (2008). Training restricted Boltzmann machines using approximations to the
  likelihood gradient. ICML.
- G. Hinton (2010). A practical guide to training restricted Boltzmann machines.
  UTML TR 2010-003.
"""

# Chapter 6's fine-tuning lives with the other training comparisons; chapters import it from
# here too (comparison does not import rbm).
from lib.comparison import finetune_curves, labelled_subset
from lib.rbm.dbn import DBN
from lib.rbm.history import MONITOR_SIZE, RBMHistory
from lib.rbm.machine import RBM

__all__ = ["DBN", "MONITOR_SIZE", "RBM", "RBMHistory", "finetune_curves", "labelled_subset"]
