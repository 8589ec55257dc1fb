"""How a check reports a wrong answer: :class:`CheckFailed`, the message without the traceback.

A check that fails raises ``CheckFailed``, an ``AssertionError`` whose message is the whole
feedback: what was expected, what was measured and the likely mistake. In a plain Python
session or under pytest it is an ordinary exception. In IPython and Jupyter (and so in the
notebooks nbgrader grades) the student sees the message alone instead of a traceback that runs
through the grader's own files: IPython draws an exception that has a ``_render_traceback_``
method with what that method returns. The cell still ends in an error, so nbgrader still
scores it 0.
"""

import functools
import os
import sysconfig
import traceback

import lib
from lib.checks.messages import say

#: Where the course package lives: a frame in these files is the grader's, not the student's.
LIB_DIRECTORY = os.path.realpath(os.path.dirname(lib.__file__))
_LIBRARIES = tuple(
    os.path.realpath(sysconfig.get_paths()[key]) for key in ("stdlib", "purelib", "platlib")
)


@functools.lru_cache(maxsize=4096)
def in_lib(filename: str) -> bool:
    """Whether code from ``filename`` belongs to the course package ``lib``."""
    path = os.path.realpath(filename)
    return path == LIB_DIRECTORY or path.startswith(LIB_DIRECTORY + os.sep)


def _in_library(filename: str) -> bool:
    path = os.path.realpath(filename)
    return in_lib(filename) or any(path.startswith(root + os.sep) for root in _LIBRARIES)


class CheckFailed(AssertionError):
    """A check's verdict on a wrong answer; its message is the feedback.

    In IPython and Jupyter only the message is shown. When the error the check reports was
    raised by the student's own code (the check's ``__cause__``), the line of their code that
    raised it is shown as well.
    """

    def _render_traceback_(self) -> list[str]:
        lines = [f"\x1b[31m{type(self).__name__}\x1b[39m: {self}"]
        cause = self.__cause__
        if cause is not None:
            frames = [
                frame
                for frame in traceback.extract_tb(cause.__traceback__)
                if not _in_library(frame.filename)
            ]
            if frames:
                frame = frames[-1]
                lines.append(
                    say(
                        "failure.your_code_raised",
                        error=type(cause).__name__,
                        function=frame.name,
                        line=frame.lineno,
                        code=(frame.line or "").strip(),
                    )
                )
        return lines
