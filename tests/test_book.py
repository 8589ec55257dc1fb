"""Checks of the book itself: configuration, table of contents, notebooks, README and CI."""

import json
import re
from pathlib import Path

import jupytext
import numpy as np
import pytest
import yaml

from lib.data import load_digits
from lib.propagation import propagate

ROOT = Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def toc_files(toc):
    """Every `file:` entry of a jb-book table of contents, root first."""
    files = [toc["root"]]
    stack = list(toc.get("chapters", [])) + list(toc.get("parts", []))
    while stack:
        entry = stack.pop(0)
        if "file" in entry:
            files.append(entry["file"])
        stack.extend(entry.get("chapters", []) + entry.get("sections", []))
    return files


def code_cells(notebook):
    return [
        cell
        for cell in notebook["cells"]
        if cell["cell_type"] == "code" and "".join(cell["source"]).strip()
    ]


def read_notebook(path):
    return json.loads(path.read_text())


def readme_commands():
    """The shell commands in the README's fenced bash blocks."""
    text = (ROOT / "README.md").read_text()
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S)]


def test_every_toc_entry_exists():
    for name in toc_files(TOC):
        matches = [p for p in ROOT.glob(f"{name}.*") if p.suffix in {".md", ".ipynb"}]
        assert matches, f"_toc.yml lists {name!r} but no {name}.md or {name}.ipynb exists"


def test_every_chapter_notebook_is_in_the_toc():
    listed = set(toc_files(TOC))
    for path in NOTEBOOKS:
        name = str(path.relative_to(ROOT).with_suffix(""))
        assert name in listed, f"{name} is not in _toc.yml"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_chapter_text_form_is_in_step_with_the_notebook(path):
    """Each chapter's MyST Markdown twin (what reviewers read) matches the notebook."""

    text_form = path.with_suffix(".md")
    assert text_form.is_file(), f"{text_form.name} is missing: run jupytext --sync {path.name}"
    expected = jupytext.writes(jupytext.read(path), fmt="md:myst")
    assert text_form.read_text() == expected, (
        f"{text_form.name} is out of step with {path.name}: "
        "run .venv/bin/jupytext --sync chapters/*.ipynb"
    )


def test_repository_url_is_set_once_and_points_to_main():
    repo = CONFIG["repository"]
    assert repo["url"].startswith("https://github.com/")
    assert repo["branch"] == "main"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_as_run_top_to_bottom(path):
    cells = code_cells(read_notebook(path))
    counts = [cell["execution_count"] for cell in cells]
    assert counts == list(range(1, len(cells) + 1)), f"{path.name}: restart and run all"
    for cell in cells:
        for output in cell["outputs"]:
            assert output["output_type"] != "error", f"{path.name}: error output committed"
            is_stderr = output["output_type"] == "stream" and output["name"] == "stderr"
            assert not is_stderr, f"{path.name}: stderr committed: {output.get('text')}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_ends_with_exercises(path):
    markdown = [
        "".join(cell["source"])
        for cell in read_notebook(path)["cells"]
        if cell["cell_type"] == "markdown"
    ]
    assert any(line.startswith("## Exercises") for text in markdown for line in text.splitlines())
    exercises = sum(len(re.findall(r"\{exercise(?:-start)?\}", text)) for text in markdown)
    assert exercises >= 3, f"{path.name}: a chapter ends with at least 3 exercises"


#: What ipykernel's own kernel.json says; JupyterLab rewrites any other kernelspec the moment
#: it opens a notebook, so a reader's notebook shows as modified (and Binder autosaves it).
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_and_text_form_have_the_standard_kernelspec(path):
    assert read_notebook(path)["metadata"].get("kernelspec") == KERNELSPEC, path.name
    text = path.with_suffix(".md").read_text()
    front_matter = yaml.safe_load(text.split("---\n", 2)[1])
    assert front_matter.get("kernelspec") == KERNELSPEC, path.with_suffix(".md").name


#: What a screen reader would read out instead of a description: an image's file name.
FILE_NAME = re.compile(r"[\w./-]+\.(?:png|jpe?g|svg|gif)\b|_images/", flags=re.I)


def figure_cells(notebook):
    """The code cells whose outputs hold an image (widgets' own cells hold none)."""
    return [
        cell
        for cell in code_cells(notebook)
        if any("image/png" in output.get("data", {}) for output in cell["outputs"])
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_has_alt_text(path):
    """myst-nb reads a figure's alt text from its cell's metadata (`mystnb: image: alt:`, or a
    `mystnb: figure: caption:`), never from the output; without it the page's <img> says
    `../_images/<hash>.png`. One text serves every image a cell draws."""
    for cell in figure_cells(read_notebook(path)):
        mystnb = cell["metadata"].get("mystnb", {})
        text = mystnb.get("image", {}).get("alt") or mystnb.get("figure", {}).get("caption") or ""
        where = f"{path.name}, cell starting {''.join(cell['source']).splitlines()[0]!r}"
        assert len(text.strip()) >= 40, f"{where}: give the figure an alt text (mystnb.image.alt)"
        assert not FILE_NAME.search(text), f"{where}: the alt text names a file: {text!r}"


def test_readme_has_exactly_the_build_and_test_commands():
    commands = readme_commands()
    assert len(commands) == 2, f"README must hold exactly two commands, found {commands}"
    build, test = commands
    assert "tools/book.py build -W --keep-going" in build
    assert "pytest" in test
    for command in commands:
        assert "pip install -r requirements.txt" in command


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    _, test = readme_commands()
    assert test in ci.splitlines(), ".ci/run must run the README's test command verbatim"
    build, _ = readme_commands()
    assert build.split("&& ")[-1] in ci.splitlines(), ".ci/run must build as the README does"


def test_requirements_pin_exact_versions():
    lines = [
        line.strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert "-e ." in lines
    unpinned = [line for line in lines if line != "-e ." and "==" not in line]
    assert not unpinned, f"requirements.txt must pin exact versions: {unpinned}"
    names = {line.split("==")[0].lower() for line in lines if "==" in line}
    for needed in ("jupyter-book", "numpy", "matplotlib", "ipywidgets", "scikit-learn", "tqdm"):
        assert needed in names, f"requirements.txt lacks {needed}"


def test_runtime_is_python_3_11():
    assert (ROOT / "runtime.txt").read_text().strip() == "python-3.11"


#: Every text a reader reads: the chapters, the homework notebooks, the book's Markdown pages.
READ_TEXTS = [
    *NOTEBOOKS,
    *sorted((ROOT / "homework").rglob("*.ipynb")),
    *sorted(ROOT.glob("*.md")),
    *sorted((ROOT / "homework").rglob("*.md")),
]
#: Control characters other than a newline: a TAB in ``$\text{..}$`` is what ``"\text"`` in a
#: Python string becomes, and MathJax then renders the formula broken.
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


@pytest.mark.parametrize("path", READ_TEXTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_text_has_no_tab_or_control_character(path):
    if path.suffix == ".ipynb":
        texts = [
            "".join(cell["source"])
            for cell in read_notebook(path)["cells"]
            if cell["cell_type"] == "markdown"
        ]
    else:
        texts = [path.read_text()]
    for text in texts:
        match = CONTROL.search(text)
        context = "" if match is None else text[max(0, match.start() - 40) : match.end() + 20]
        assert match is None, f"control character {match.group()!r} in: {context!r}"


def test_network_c_model_answer_quotes_what_propagate_measures():
    """Homework 2's model answer for network C (instructors grade against it) derives the
    pre-activation std and the saturated shares; its numbers must be what lib measures."""
    notebook = read_notebook(ROOT / "homework" / "source" / "hw2_diagnose" / "diagnose.ipynb")
    answer = next(
        "".join(cell["source"])
        for cell in notebook["cells"]
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "histograms_answer"
    )
    answer = " ".join(answer.split())
    run = propagate(1.0, "sigmoid", depth=6, width=512, n_samples=500, rng=0)
    z_stds = ", ".join(f"{z.std():.2f}" for z in run.pre_activations)
    assert z_stds in answer
    second_moments = [round(float(np.mean(h**2)), 2) for h in run.activations]
    assert (min(second_moments), max(second_moments)) == (0.45, 0.52)
    assert "between 0.45 and 0.52" in answer
    saturated = [np.mean((h < 0.01) | (h > 0.99)) for h in run.activations]
    assert f"{saturated[0]:.0%}" == "84%" and "84%" in answer
    assert all(0.74 <= share <= 0.77 for share in saturated[1:]) and "76%" in answer


def test_homework_3_quotes_the_share_of_grey_pixels():
    notebook = read_notebook(ROOT / "homework" / "source" / "hw3_rbm" / "rbm.ipynb")
    text = " ".join("".join(cell["source"]) for cell in notebook["cells"]).split()
    pixels = load_digits().x_test
    grey = np.mean((pixels > 0) & (pixels < 1))
    assert f"{grey:.0%}" == "42%" and "42%" in " ".join(text)
