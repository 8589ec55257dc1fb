"""Sphinx extension: the book's build precomputes every widget instead of showing one frozen state.

Jupyter Book executes the notebooks in kernels started by this process, and kernels inherit its
environment. Setting ``lib.widgets.STATIC_ENV`` here makes ``lib.widgets.interactive_figure``
render each widget's grid of states into ``Stack`` widgets linked to the controls, which the
html-manager switches in the reader's browser with no kernel (see ``lib/widgets/_frame.py``).
"""

import os

#: The same name as lib.widgets.STATIC_ENV (this file must not import the course's package).
STATIC_ENV = "WEIGHT_INIT_STATIC_WIDGETS"


def setup(app):
    os.environ[STATIC_ENV] = "1"
    return {"parallel_read_safe": True, "parallel_write_safe": True}
