"""Shared test setup: a display-free matplotlib backend and no figure left open; and a closing
line naming the tests that were skipped for want of something, with the command that runs them."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


#: Tests that skip without something the README's test command does not provide:
#: (where they live, what they are, the command that runs them).
NEEDS_MORE = (
    (
        "tests/site/",
        "the browser tests of the built site (tests/site)",
        "`bash .ci/run`, which builds the site and installs Playwright and Chromium",
    ),
    (
        "tests/test_homework.py",
        "the homework tests (tests/test_homework.py)",
        "`.venv/bin/pip install -r requirements-homework.txt`, then pytest again",
    ),
)


def not_run_notes(skipped_nodeids):
    """One plain line per group of :data:`NEEDS_MORE` with skipped tests (or a skipped module)."""
    notes = []
    for prefix, what, command in NEEDS_MORE:
        if any(nodeid.startswith(prefix) for nodeid in skipped_nodeids):
            notes.append(f"not run here: {what}; run {command}")
    return notes


def pytest_terminal_summary(terminalreporter):
    """Printed before pytest's own closing line ("N passed, M skipped in ..."), which stays last."""
    skipped = [report.nodeid for report in terminalreporter.stats.get("skipped", [])]
    for note in not_run_notes(skipped):
        terminalreporter.write_line(note)
