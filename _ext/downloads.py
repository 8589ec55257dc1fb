"""Sphinx extension: downloads that download, and the whole course as one zip.

- sphinx-book-theme's "Download .ipynb" link opens the notebook's JSON in a new tab. After the
  build, every such link gets the ``download`` attribute (and loses ``target="_blank"``), so
  the browser saves the file under the notebook's name.
- :data:`ZIP_NAME`, written next to the pages, holds every chapter notebook with its outputs, as
  the pages offer it for download (in a translated edition, translated:
  ``translated_notebooks.py``), the homework's student versions (:func:`student_version`:
  solutions replaced by stubs and hidden tests removed, as nbgrader's ``generate_assignment``
  does), and the ``lib`` package with ``pyproject.toml``, so the notebooks run offline after
  ``pip install -e .`` in the unzipped folder. The intro page links to it.
"""

import copy
import json
import re
import zipfile
from pathlib import Path

ZIP_NAME = "downloads/weight-init-course.zip"
SOLUTION = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN_TESTS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
#: What nbgrader puts in place of a solution (its default ``code_stub`` and ``text_stub``).
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
TEXT_STUB = "YOUR ANSWER HERE"
#: Besides the notebooks: what a reader needs to run them offline.
PACKAGE_FILES = ("pyproject.toml", "README.md", "LICENSE", "LICENSE-text", "CITATION.cff")
_SOURCE_LINK = re.compile(r'(<a href="[^"]+" )target="_blank"(\s+class="[^"]*btn-download-source)')


def _replace_regions(lines: list[str], markers: tuple[str, str], stub) -> list[str]:
    """``lines`` with every region from ``markers[0]`` to ``markers[1]`` (inclusive) replaced
    by ``stub(indent)`` (a list of lines)."""
    kept, inside = [], False
    for line in lines:
        stripped = line.strip()
        if stripped == markers[0]:
            inside = True
            kept += stub(line[: len(line) - len(line.lstrip())])
        elif stripped == markers[1]:
            inside = False
        elif not inside:
            kept.append(line)
    return kept


def student_version(notebook: dict) -> dict:
    """The notebook a student gets: outputs cleared, every ``### BEGIN SOLUTION`` region replaced
    by nbgrader's stub at the same indentation (a solution cell without markers entirely: code
    by the code stub, markdown by "YOUR ANSWER HERE"), every hidden-test region removed."""
    released = copy.deepcopy(notebook)
    for cell in released["cells"]:
        lines = "".join(cell["source"]).split("\n")
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            if any(line.strip() == SOLUTION[0] for line in lines):
                lines = _replace_regions(
                    lines, SOLUTION, lambda indent: [indent + stub for stub in CODE_STUB]
                )
            else:
                lines = list(CODE_STUB) if cell["cell_type"] == "code" else [TEXT_STUB]
        lines = _replace_regions(lines, HIDDEN_TESTS, lambda indent: [])
        cell["source"] = "\n".join(lines)
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return released


def _write_zip(srcdir: Path, outdir: Path) -> None:
    target = outdir / ZIP_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for notebook in sorted((outdir / "_sources" / "chapters").glob("*.ipynb")):
            archive.write(notebook, f"chapters/{notebook.name}")
        for source in sorted((srcdir / "homework" / "source").glob("*/*.ipynb")):
            student = student_version(json.loads(source.read_text()))
            name = f"homework/{source.parent.name}/{source.name}"
            archive.writestr(name, json.dumps(student, indent=1, ensure_ascii=False) + "\n")
        for module in sorted((srcdir / "lib").rglob("*.py")):
            archive.write(module, module.relative_to(srcdir).as_posix())
        for name in PACKAGE_FILES:
            if (srcdir / name).is_file():
                archive.write(srcdir / name, name)


def _finish(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = _SOURCE_LINK.sub(r"\1download\2", text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
    _write_zip(Path(app.srcdir), outdir)


def setup(app):
    app.connect("build-finished", _finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
