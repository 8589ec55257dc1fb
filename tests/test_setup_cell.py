"""The chapters' Colab setup cell: it installs the course exactly when the course is missing.

Every chapter starts with the same hidden (``remove-cell``) cell. It asks the installed
*distribution*, ``weight-init-course`` (``pyproject.toml``'s ``name``), for its version, and
only if there is none runs ``%pip install "git+<repository>@v<version>"``. Asking whether a
module ``lib`` can be imported is not enough: any folder named ``lib`` on the path (a
namespace package) or PyPI's unrelated ``lib`` package answers yes, the install is skipped
and ``from lib import ...`` fails. ``pip install -e .`` (the README's and CI's install)
records the distribution too, so where the course is installed the cell prints nothing and
touches no network.

Releasing: the version in ``pyproject.toml`` is the one place the release is named.
1. Set ``version`` in ``pyproject.toml`` and the same ``@v<version>`` in every chapter's setup
   cell (``test_setup_cell_installs_the_tagged_release_of_this_version`` fails until they agree).
2. Commit, then tag that commit ``v<version>`` and push the tag
   (``git tag v0.1.0 && git push origin v0.1.0``): the setup cells install that tag, so a
   chapter opened in Colab gets the code it was run with, not whatever ``main`` holds later.
"""

import json
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
DISTRIBUTION, VERSION = PYPROJECT["name"], PYPROJECT["version"]
REPOSITORY = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]


def setup_cell(path):
    """The first code cell of a chapter notebook."""
    cells = json.loads(path.read_text())["cells"]
    return next(cell for cell in cells if cell["cell_type"] == "code")


def source_of(cell):
    return "".join(cell["source"])


def pip_lines(source):
    return [line.strip() for line in source.splitlines() if line.strip().startswith("%pip")]


def as_python(source):
    """The cell as plain Python: each ``%pip ...`` line records its arguments instead."""
    lines = []
    for line in source.splitlines():
        magic = line.strip()
        if magic.startswith("%pip "):
            indent = line[: len(line) - len(line.lstrip())]
            line = f"{indent}INSTALLS.append({magic.removeprefix('%pip ')!r})"
        lines.append(line)
    return "\n".join(lines)


#: Runs the cell's decision in a fresh interpreter; prints what it did as JSON.
RUNNER = textwrap.dedent(
    """
    import importlib.metadata, importlib.util, json, sys

    if sys.argv[2] == "hide":  # as if the course's distribution were not installed
        real_version = importlib.metadata.version

        def version(name):
            if name == sys.argv[3]:
                raise importlib.metadata.PackageNotFoundError(name)
            return real_version(name)

        importlib.metadata.version = version
    decoy = importlib.util.find_spec("lib")
    INSTALLS = []
    exec(open(sys.argv[1]).read())
    print(json.dumps({"decoy_importable": decoy is not None, "installs": INSTALLS}))
    """
)


def run_cell(tmp_path, *, decoy, hide, isolated=False):
    """Run the setup cell's logic (from chapter 1) in ``tmp_path``, a folder with a ``lib``
    decoy: an empty folder (a namespace package) or a package of its own (PyPI's ``lib``)."""
    (tmp_path / "lib").mkdir()
    if decoy == "package":
        (tmp_path / "lib" / "__init__.py").write_text('"""Not the course."""\n')
    cell = tmp_path / "cell.py"
    cell.write_text(as_python(source_of(setup_cell(NOTEBOOKS[0]))))
    runner = tmp_path / "runner.py"
    runner.write_text(RUNNER)
    # -S: no site-packages, so the installed distribution is truly absent; the decoy is found
    # through sys.path[0], the runner's folder.
    flags = ["-S"] if isolated else []
    argv = [sys.executable, *flags, str(runner), str(cell), "hide" if hide else "keep"]
    result = subprocess.run(
        [*argv, DISTRIBUTION], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    *printed, last = result.stdout.splitlines()
    return printed, json.loads(last)


def test_every_chapter_starts_with_the_same_hidden_setup_cell():
    sources = {path.name: source_of(setup_cell(path)) for path in NOTEBOOKS}
    assert len(set(sources.values())) == 1, f"setup cells differ: {sources}"
    for path in NOTEBOOKS:
        assert "remove-cell" in setup_cell(path)["metadata"].get("tags", []), path.name


def test_setup_cell_installs_the_tagged_release_of_this_version():
    """One ``%pip install`` of ``git+<_config.yml's repository>@v<pyproject's version>``."""
    source = source_of(setup_cell(NOTEBOOKS[0]))
    assert pip_lines(source) == [f'%pip install --quiet "git+{REPOSITORY}@v{VERSION}"'], source
    assert f'importlib.metadata.version("{DISTRIBUTION}")' in source


@pytest.mark.parametrize("decoy", ["namespace", "package"])
def test_setup_cell_installs_when_only_a_decoy_lib_is_importable(tmp_path, decoy):
    printed, result = run_cell(tmp_path, decoy=decoy, hide=False, isolated=True)
    assert result["decoy_importable"], "the decoy must fool importlib.util.find_spec('lib')"
    assert result["installs"] == [f'install --quiet "git+{REPOSITORY}@v{VERSION}"']


def test_setup_cell_installs_when_the_distribution_is_hidden(tmp_path):
    """With site-packages on the path (numpy and all) and only the course's metadata gone."""
    printed, result = run_cell(tmp_path, decoy="namespace", hide=True)
    assert result["decoy_importable"]
    assert len(result["installs"]) == 1


def test_setup_cell_does_nothing_where_the_course_is_installed(tmp_path):
    """The README's ``pip install -e .`` records the distribution: no install, no output."""
    printed, result = run_cell(tmp_path, decoy="namespace", hide=False)
    assert result["decoy_importable"]
    assert result["installs"] == [] and printed == []


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "homework" / "source").glob("*/*.ipynb")),
    ids=lambda path: path.parent.name,
)
def test_homework_starts_with_the_chapters_setup_cell(path):
    """A student opens an assignment on its own as often as a chapter: the same cell."""
    assert source_of(setup_cell(path)) == source_of(setup_cell(NOTEBOOKS[0]))
