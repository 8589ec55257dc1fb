"""What a reader, an instructor or a contributor meets before the course itself: the licenses
and how to cite it, Binder's environment, the publishing workflow, the README's test command
and what it leaves out, and the contributing guide (issue 15)."""

import ast
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from IPython.core.inputtransformer2 import TransformerManager

ROOT = Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
REPOSITORY = CONFIG["repository"]["url"]


def readme_commands():
    """The README's two fenced bash blocks: the build command, then the test command."""
    text = (ROOT / "README.md").read_text()
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S)]


# --- licenses and citation ---------------------------------------------------------------------


def test_code_is_under_mit_and_text_under_cc_by():
    code = (ROOT / "LICENSE").read_text()
    assert code.startswith("MIT License")
    assert "Permission is hereby granted, free of charge" in code
    for covered in ("lib/", "tests/", "bench/", "tools/", "_ext/", "_js/", ".ci/", "code cells"):
        assert covered in code, f"LICENSE does not say it covers {covered}"
    text = (ROOT / "LICENSE-text").read_text()
    assert "Creative Commons Attribution 4.0 International" in text
    assert "https://creativecommons.org/licenses/by/4.0/legalcode" in text
    for covered in ("figures", "Markdown cells", "_vendor/"):
        assert covered in text, f"LICENSE-text does not say what it does about {covered}"


def test_citation_cff_names_the_course_at_pyprojects_version():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    for key in ("cff-version", "message", "title", "authors", "version", "license"):
        assert key in citation, f"CITATION.cff lacks {key}"
    assert citation["cff-version"] == "1.2.0"
    assert citation["title"] == CONFIG["title"]
    assert citation["authors"] == [{"name": "The Weight Initialization Course contributors"}]
    # YAML reads 0.1 as a float: the version must be a string, and pyproject's.
    assert citation["version"] == PYPROJECT["project"]["version"]
    assert citation["license"] == "MIT"
    assert citation["repository-code"] == REPOSITORY
    owner, name = REPOSITORY.removeprefix("https://github.com/").split("/")
    assert citation["url"] == f"https://{owner}.github.io/{name}/", "the site deploys to Pages"
    preferred = citation["preferred-citation"]
    assert preferred["type"] in {"book", "generic"}
    assert preferred["title"] == citation["title"]
    assert preferred["authors"] == citation["authors"]


def test_every_page_names_both_licenses_in_the_footer():
    footer = CONFIG["html"]["extra_footer"]
    assert "CC BY 4.0" in footer and "https://creativecommons.org/licenses/by/4.0/" in footer
    assert "MIT License" in footer and f"{REPOSITORY}/blob/main/LICENSE" in footer


def test_readme_has_a_license_section():
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## License\n", 1)
    assert len(section) == 2, "README.md has no '## License' section"
    body = section[1].split("\n## ", 1)[0]
    for needed in ("MIT License", "(LICENSE)", "CC BY 4.0", "(LICENSE-text)", "CITATION.cff"):
        assert needed in body, f"README's License section does not mention {needed}"


# --- Binder --------------------------------------------------------------------------------------

BINDER = ROOT / "binder"
#: Build, test and authoring tools: CI's and the book build's, never a reader's kernel's.
TOOLS = re.compile(
    r"^(jupyter-book|jupyter-cache|sphinx.*|myst-nb|myst-parser|pytest.*|nbval|ruff|coverage"
    r"|playwright|axe-.*|nbgrader|jupytext|pybtex.*|polib)$"
)


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    """``{distribution: version}`` of a requirements file's ``name==version`` lines."""
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    return {
        normalized(name): version
        for name, version in (line.split("==") for line in lines if "==" in line)
    }


def imported_modules(source: str) -> set[str]:
    """Top-level names of the absolute imports in Python (or IPython, magics included) code."""
    tree = ast.parse(TransformerManager().transform_cell(source))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def third_party(modules: set[str]) -> set[str]:
    """The distributions (as this environment maps them) that provide ``modules``; the course's
    own ``lib`` and the standard library left out."""
    providers = importlib.metadata.packages_distributions()
    outside = modules - set(sys.stdlib_module_names) - {"lib", "__future__"}
    missing = sorted(module for module in outside if module not in providers)
    assert not missing, f"no installed distribution provides {missing}"
    return {normalized(dist) for module in outside for dist in providers[module]}


def chapter_imports() -> set[str]:
    modules = set()
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                modules |= imported_modules("".join(cell["source"]))
    return modules


def lib_imports() -> set[str]:
    modules = set()
    for path in sorted((ROOT / "lib").rglob("*.py")):
        modules |= imported_modules(path.read_text())
    return modules


def test_imports_are_found_in_python_and_ipython_code():
    source = (
        "%matplotlib inline\nimport numpy as np\nfrom sklearn.datasets import x\nfrom . import y"
    )
    assert imported_modules(source) == {"numpy", "sklearn"}
    assert third_party({"numpy", "sklearn", "PIL", "json", "lib"}) == {
        "numpy",
        "scikit-learn",
        "pillow",
    }


def test_binder_pins_every_package_the_chapters_and_lib_import():
    needed = third_party(chapter_imports() | lib_imports())
    assert {"numpy", "matplotlib", "scikit-learn", "ipywidgets", "tqdm"} <= needed
    missing = sorted(needed - set(pins(BINDER / "requirements.txt")))
    assert not missing, f"binder/requirements.txt lacks {missing}"


def test_binder_has_no_build_or_test_tool_and_renders_myst():
    binder = pins(BINDER / "requirements.txt")
    tools = sorted(name for name in binder if TOOLS.match(name))
    assert not tools, f"binder/requirements.txt holds build/test tools: {tools}"
    assert "jupyterlab-myst" in binder, "MyST would show as raw text in JupyterLab"


def test_binder_pins_exact_versions_at_cis_and_installs_before_the_copy():
    lines = [
        line.split("#")[0].strip()
        for line in (BINDER / "requirements.txt").read_text().splitlines()
        if line.split("#")[0].strip()
    ]
    unpinned = [line for line in lines if not re.fullmatch(r"[A-Za-z0-9_.-]+==[^\s=]+", line)]
    # A local reference ('-e .', '-r ...', a path) makes repo2docker install after copying the
    # repository, so every commit would rebuild the environment.
    assert not unpinned, f"binder/requirements.txt: not an exact pin: {unpinned}"
    root = pins(ROOT / "requirements.txt")
    differ = {
        name: (version, root[name])
        for name, version in pins(BINDER / "requirements.txt").items()
        if name in root and root[name] != version
    }
    assert not differ, f"binder pins differ from requirements.txt (binder, root): {differ}"
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"


def test_binder_post_build_installs_the_course_from_the_copy_without_dependencies():
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK), "binder/postBuild must be executable"
    lines = [line for line in post_build.read_text().splitlines() if not line.startswith("#")]
    assert lines[:2] == ["set -euo pipefail", "python -m pip install --no-deps --no-cache-dir -e ."]
    # --no-deps is safe only if every dependency the package declares is pinned for Binder.
    pinned = {
        re.split(r"[=<>]", line)[0].strip().lower()
        for line in (BINDER / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    declared = {
        re.split(r"[=<>\[ ]", dep)[0].lower() for dep in PYPROJECT["project"]["dependencies"]
    }
    assert declared <= pinned, f"binder/requirements.txt lacks {declared - pinned}"
    assert not (BINDER / "start").exists(), "nothing to set up at start: the package is installed"


# --- the README's test command and what it leaves out -------------------------------------------


def test_readme_test_command_installs_and_runs_the_homework_tests():
    _, test = readme_commands()
    assert "-r requirements.txt -r requirements-homework.txt" in test
    assert test.endswith(".venv/bin/python -m pytest"), "the plain run, so nothing is left out"
    assert "nbgrader==" in (ROOT / "requirements-homework.txt").read_text()
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert ci.count(test) == 1, ".ci/run runs the README's test command once, verbatim"


SKIPPING = {
    "conftest.py": None,  # the repository's tests/conftest.py, copied at the root
    "pytest.ini": "",
    "tests/site/test_page.py": "import pytest\n\n\ndef test_page():\n    pytest.skip('no site')\n",
    "tests/test_homework.py": "import pytest\n\npytest.importorskip('no_such_module_here')\n",
    "tests/test_unit.py": "def test_unit():\n    pass\n",
}


def run_pytest_on(tmp_path, files):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text((ROOT / "tests" / "conftest.py").read_text() if text is None else text)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        # This environment's plugins (nbval, ...) have nothing to do here and take seconds.
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        capture_output=True,
        text=True,
    )
    return run.stdout.rstrip().splitlines()


def test_a_run_that_skips_the_browser_or_homework_tests_says_so_before_its_count(tmp_path):
    lines = run_pytest_on(tmp_path, SKIPPING)
    # pytest's own count stays the last line: it is what tells a run's outcome at a glance.
    assert re.fullmatch(r"=+ 1 passed, 2 skipped in [\d.]+s =+", lines[-1]), lines[-1]
    notes = [line for line in lines if line.startswith("not run here:")]
    assert notes == [
        "not run here: the browser tests of the built site (tests/site); run `bash .ci/run`, "
        "which builds the site and installs Playwright and Chromium",
        "not run here: the homework tests (tests/test_homework.py); run "
        "`.venv/bin/pip install -r requirements-homework.txt`, then pytest again",
    ]
    assert lines.index(notes[-1]) < len(lines) - 1


def test_a_run_that_skips_nothing_adds_no_line(tmp_path):
    files = {name: text for name, text in SKIPPING.items() if "test_" not in name or "unit" in name}
    lines = run_pytest_on(tmp_path, files)
    assert re.fullmatch(r"=+ 1 passed in [\d.]+s =+", lines[-1]), lines[-1]
    assert not [line for line in lines if "not run here" in line]


# --- the publishing workflow ---------------------------------------------------------------------

WORKFLOW = yaml.safe_load((ROOT / ".github" / "workflows" / "book.yml").read_text())


def run_steps(job: str) -> list[str]:
    return [step["run"].strip() for step in WORKFLOW["jobs"][job]["steps"] if "run" in step]


def uses(job: str) -> dict[str, dict]:
    """``{action without its version: its with-inputs}`` of a job's steps."""
    return {
        step["uses"].split("@")[0]: step.get("with", {})
        for step in WORKFLOW["jobs"][job]["steps"]
        if "uses" in step
    }


def test_workflow_tests_with_exactly_the_readmes_test_command():
    _, test = readme_commands()
    job = WORKFLOW["jobs"]["test"]
    assert job["runs-on"] == "ubuntu-latest"
    assert uses("test")["actions/setup-python"] == {"python-version": "3.11"}
    assert run_steps("test") == [test]


def test_workflow_builds_and_deploys_with_exactly_the_readmes_build_command():
    build, _ = readme_commands()
    job = WORKFLOW["jobs"]["deploy"]
    assert job["needs"] == "test"
    assert uses("deploy")["actions/setup-python"] == {"python-version": "3.11"}
    assert run_steps("deploy") == [build]
    actions = list(uses("deploy"))
    assert actions[-2:] == ["actions/upload-pages-artifact", "actions/deploy-pages"]
    assert uses("deploy")["actions/upload-pages-artifact"] == {"path": "_build/html"}
    assert {"pages": "write", "id-token": "write"}.items() <= job["permissions"].items()
    assert job["environment"]["name"] == "github-pages"


def test_workflow_deploys_only_from_a_push_to_main():
    triggers = WORKFLOW[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"]
    condition = WORKFLOW["jobs"]["deploy"]["if"]
    assert "github.ref == 'refs/heads/main'" in condition
    assert "github.event_name == 'push'" in condition
    assert " && " in condition and "||" not in condition
    assert "if" not in WORKFLOW["jobs"]["test"], "the tests run on every push and pull request"
    top = WORKFLOW.get("permissions", {})
    assert "pages" not in top and "id-token" not in top, "only the deploy job may deploy"


# --- contributing -------------------------------------------------------------------------------


def test_contributing_guide_gives_the_authors_commands():
    guide = (ROOT / "CONTRIBUTING.md").read_text()
    for command in (
        ".venv/bin/jupytext --sync chapters/*.ipynb",
        ".venv/bin/python -m bench.portability chapters/NAME.ipynb",
        ".venv/bin/ruff format chapters/NAME.ipynb",
        ".venv/bin/jupyter nbconvert --to notebook --execute --inplace chapters/NAME.ipynb",
        "bash .ci/run",
        "mystnb:\n  image:\n    alt:",
    ):
        assert command in guide, f"CONTRIBUTING.md does not give {command!r}"
    _, test = readme_commands()
    assert test in guide, "CONTRIBUTING.md's set-up command is the README's test command"
    release = guide.split("\n## Release\n", 1)[1]
    assert "`version` in `pyproject.toml`" in release
    assert "git tag v<version> && git push origin v<version>" in release


@pytest.mark.parametrize("name", ["error-in-the-text.md", "notebook-does-not-run.md"])
def test_issue_templates_have_front_matter(name):
    text = (ROOT / ".github" / "ISSUE_TEMPLATE" / name).read_text()
    assert text.startswith("---\n")
    front = yaml.safe_load(text.split("---\n")[1])
    assert {"name", "about", "labels"} <= front.keys(), f"{name}: front matter {front}"
    assert all(front[key] for key in ("name", "about", "labels"))


def test_intro_cites_the_course_as_citation_cff_does():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    preferred = citation["preferred-citation"]
    intro = (ROOT / "intro.md").read_text()
    block = intro[intro.index("```bibtex") :]
    block = block[: block.index("```", 3)]
    assert f"title  = {{{preferred['title']}}}" in block
    assert f"author = {{{{{preferred['authors'][0]['name']}}}}}" in block
    assert f"year   = {{{preferred['year']}}}" in block
    assert f"note   = {{Version {citation['version']}}}" in block
    assert f"url    = {{{preferred['url']}}}" in block
