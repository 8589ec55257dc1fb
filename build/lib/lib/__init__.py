"""Reusable code for the weight-initialization course.

Modules: ``initializers``, ``activations``, ``network``, ``data``, ``plots``.
Weights follow the ``x @ W`` convention everywhere: a dense layer's ``W`` has shape
``(fan_in, fan_out)``.
"""
