"""Reusable code for the weight-initialization course.

Weights follow the ``x @ W`` convention everywhere: a dense layer's ``W`` has shape
``(fan_in, fan_out)``. Every random draw takes an explicit ``rng``.

Where each idea lives:

- ``validation``: argument checks shared by every module (``as_rng`` among them); a package:
  ``scalars``, ``arrays``, ``containers``;
- ``initializers``: every initializer with its formula (a package: ``scales`` for fans, gains
  and stds, ``draws`` for the initializers, ``registry`` for names and ``resolve``,
  ``frameworks`` for what PyTorch, Keras and Flax give a new layer);
- ``activations``: activation functions, their derivatives and responses;
- ``network``: the multilayer perceptron (forward, backward, SGD), with optional batch or
  layer normalization from ``normalization``; ``training``: the epoch loop every model's
  ``fit`` shares; ``diagnostics``: step-0 checks (loss vs ln C, update-to-data ratios);
- ``residual``: residual MLPs (GPT-2 scaling, zero-init, ReZero, pre-LN) and the residual
  stream's std at init beside its closed form (chapter 8);
- ``propagation``: forward-only experiments on a deep untrained stack (chapters 2, 4, 5);
- ``theory``: closed-form variance propagation through rectifier networks;
- ``symmetry``: chapter 1's constant starts; ``lsuv``: LSUV initialization;
- ``rbm``: RBMs and deep belief nets (``machine``, ``history``, ``dbn``); ``comparison``:
  training runs compared over seeds (``runs``), chaos tests (``chaos``), the grid of chapter 7
  (``grid``) and chapter 6's fine-tuning (``finetune``);
- ``data``: the bundled digits; ``stats``: summary numbers behind the figures;
- ``plots``: the figures (a package by subject: ``histograms``, ``curves``, ``activations``,
  ``images``, ``diagrams``, ``variance_flow``); ``widgets``: sliders wired to the above;
- ``checks``: exercise checks that name the likely mistake.
"""
