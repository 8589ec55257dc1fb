"""Is the student's function their own work? A guard that catches any call into ``lib``.

``lib`` holds the course's reference implementations (``lib.initializers.xavier_normal``,
``lib.rbm.RBM.free_energy``, ...), so in a graded assignment a one-line wrapper around one of
them would pass every numeric test. With ``own_work=True`` a check runs the student's function
under a profiler hook (:func:`sys.setprofile`) that records every Python function entered while
it runs; if one of them is defined in ``lib``, the check fails and names it. This catches
every way of reaching ``lib``: ``lib.initializers.he_normal(...)``, a name imported with
``from lib.initializers import he_normal``, ``initializers.get("he_normal")``, a method of an
``RBM``, or ``fixed_init = lib.initializers.he_normal`` itself. numpy, scipy and the student's
own helper functions are not affected.
"""

import functools
import sys
from collections.abc import Callable

from lib.checks.failure import CheckFailed, in_lib
from lib.checks.messages import say


class _FirstLibCall:
    """A profiler hook that remembers the first function of ``lib`` entered."""

    def __init__(self, previous):
        self.previous = previous
        self.called = None  # (dotted name, code object)

    def __call__(self, frame, event, arg):
        if callable(self.previous):  # a Python profiler keeps working; cProfile pauses
            self.previous(frame, event, arg)
        if event == "call" and self.called is None and in_lib(frame.f_code.co_filename):
            module = frame.f_globals.get("__name__", "lib")
            self.called = (f"{module}.{frame.f_code.co_qualname}", frame.f_code)


def call_own_work(fn: Callable, *args, **kwargs):
    """``fn(*args, **kwargs)``, raising :class:`CheckFailed` if it called anything in ``lib``.

    The call runs to the end first (its own errors propagate unchanged); only then is a call
    into ``lib`` reported, naming the function that was called.
    """
    __tracebackhide__ = True  # IPython and pytest hide this frame: students see their own
    hook = _FirstLibCall(sys.getprofile())
    sys.setprofile(hook)
    try:
        result = fn(*args, **kwargs)
    finally:
        # Inline, with builtins only: a Python function called here would count as a call.
        if hook.previous is None or callable(hook.previous):
            sys.setprofile(hook.previous)
        else:  # cProfile's Profile (%prun) is no Python callable: it restarts itself
            sys.setprofile(None)
            hook.previous.enable()
    if hook.called is not None:
        called, code = hook.called
        name = getattr(fn, "__name__", None)  # a functools.partial has none
        who = say("guard.your_function_named", name=name) if name else say("guard.your_function")
        how = "guard.is_lib" if getattr(fn, "__code__", None) is code else "guard.calls_lib"
        raise CheckFailed(say(how, who=who, called=called))
    return result


def own_work(fn: Callable) -> Callable:
    """``fn`` wrapped so that every call goes through :func:`call_own_work`."""

    @functools.wraps(fn)
    def guarded(*args, **kwargs):
        __tracebackhide__ = True  # IPython and pytest hide this frame: students see their own
        return call_own_work(fn, *args, **kwargs)

    return guarded
