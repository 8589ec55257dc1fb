"""Sphinx extension: a translated edition offers translated notebooks.

The Korean site's "Download .ipynb" button and its course zip give the chapter notebooks with
their Markdown text (and the figures' alt texts) in Korean: after the build, every notebook
under the site's ``_sources/`` is rewritten from its page's catalog (:func:`translate_notebook`),
and its first code cell also sets the language of ``lib.checks``' feedback
(:func:`with_feedback_language`); code, outputs and everything else stay as they are, so the
notebook runs as the English one does. A message that cannot be put back where its catalog says
it came from fails the build (a warning, an error under ``-W``).

A catalog locates each message in a notebook as ``(cell + 1) * 10000 + line + 1`` (myst-nb's
numbering, ``line`` counted from 1 in the cell's source): ``20004`` is line 3 of cell 1.
"""

import json
import re
from collections.abc import Iterable
from pathlib import Path

from languages import catalog_path, translated_messages
from sphinx.util import logging

from lib.checks.messages import LANGUAGE_VARIABLE

logger = logging.getLogger(__name__)

#: The line numbers myst-nb gives a notebook's cells: cell ``i`` starts at ``(i + 1) * CELL``.
CELL = 10_000


def location(lineno: int) -> tuple[int, int]:
    """The cell (from 0) and the line in its source (from 0) of a catalog's line number.

    >>> location(20004)
    (1, 2)
    """
    return lineno // CELL - 1, max(lineno % CELL - 2, 0)


def _words(message: str, gap: str) -> str:
    """A regular expression for ``message`` as it may stand in Markdown: its words with
    ``gap`` (a regular expression for whitespace) between them."""
    return gap.join(re.escape(word) for word in message.split())


def _translate_text(text: str, start: int, message: str, translation: str) -> str | None:
    """``text`` with ``message``'s first occurrence from ``start`` (else anywhere) replaced by
    ``translation``; ``None`` if it does not occur. The message's words may be apart by any
    whitespace (a paragraph's lines, a list item's indentation), not inside longer words."""
    pattern = re.compile(r"(?<!\w)" + _words(message, r"\s+") + r"(?!\w)")
    found = pattern.search(text, start) or pattern.search(text)
    if found is None:
        return None
    return text[: found.start()] + translation + text[found.end() :]


def _translate_table_cells(cells: list[dict], message: str, translation: str) -> bool:
    """Translate every table cell of the Markdown cells that holds exactly ``message``; whether
    there was one. (A catalog gives a table's cells no line, and one location for all of a
    page's cells with the same text.)"""
    pattern = re.compile(r"(?<=\|)([ \t]*)" + _words(message, r"[ \t]+") + r"(?=[ \t]*\|)")
    found = False
    for cell in cells:
        if cell["cell_type"] != "markdown":
            continue
        source, count = pattern.subn(lambda m: m[1] + translation, "".join(cell["source"]))
        if count:
            cell["source"], found = source, True
    return found


def _translate_alt(cell: dict, message: str, translation: str) -> bool:
    image = cell.get("metadata", {}).get("mystnb", {}).get("image", {})
    if image.get("alt") == message:
        image["alt"] = translation
        return True
    return False


def translate_notebook(
    notebook: dict, messages: Iterable[tuple[int | None, str, str]]
) -> tuple[dict, list[str]]:
    """``notebook`` with each message ``(lineno, msgid, msgstr)`` translated in place, and the
    messages that could not be found where ``lineno`` says.

    A message is a Markdown cell's paragraph, heading, list item or directive title (found by
    its words, whatever the line breaks between them), a code cell's figure alt text
    (``metadata.mystnb.image.alt``), or, with no ``lineno``, every table cell that holds
    exactly its text. Within a cell the messages are put back from the last line up, so
    each one's line number still holds.

    >>> notebook = {"cells": [{"cell_type": "markdown", "metadata": {},
    ...     "source": "# Fan-in\\n\\n- the fan-in of\\n  a layer"}]}
    >>> done, missing = translate_notebook(
    ...     notebook, [(10002, "Fan-in", "팬인"), (10004, "the fan-in of a layer", "층의 팬인")])
    >>> done["cells"][0]["source"], missing
    ('# 팬인\\n\\n- 층의 팬인', [])
    """
    cells = notebook["cells"]
    missing = []
    changed = [m for m in messages if m[1] != m[2]]
    located = sorted((m for m in changed if m[0] is not None), key=lambda m: m[0], reverse=True)
    for lineno, message, translation in located:
        index, line = location(lineno)
        if not 0 <= index < len(cells):
            missing.append(message)
            continue
        cell = cells[index]
        if cell["cell_type"] != "markdown":
            if not _translate_alt(cell, message, translation):
                missing.append(message)
            continue
        source = "".join(cell["source"])
        start = sum(len(text) + 1 for text in source.split("\n")[:line])
        translated = _translate_text(source, start, message, translation)
        if translated is None:
            missing.append(message)
        else:
            cell["source"] = translated
    for _, message, translation in (m for m in changed if m[0] is None):
        if not _translate_table_cells(cells, message, translation):
            missing.append(message)
    return notebook, missing


def with_feedback_language(notebook: dict, language: str) -> dict:
    """``notebook`` whose first code cell (the setup cell) ends by setting the language of
    ``lib.checks``' feedback to ``language`` (:mod:`lib.checks.messages`).

    >>> cell = {"cell_type": "code", "source": "import lib"}
    >>> print(with_feedback_language({"cells": [cell]}, "ko")["cells"][0]["source"])
    import lib
    <BLANKLINE>
    # The feedback of lib.checks in this edition's language ("en": English).
    import os
    <BLANKLINE>
    os.environ["WEIGHT_INIT_LANGUAGE"] = "ko"
    """
    cell = next(cell for cell in notebook["cells"] if cell["cell_type"] == "code")
    cell["source"] = "".join(cell["source"]) + (
        '\n\n# The feedback of lib.checks in this edition\'s language ("en": English).\n'
        f'import os\n\nos.environ["{LANGUAGE_VARIABLE}"] = "{language}"'
    )
    return notebook


def catalog_messages(catalog: Path, notebook_name: str) -> list[tuple[int | None, str, str]]:
    """``(lineno, msgid, msgstr)`` of every translated message of ``catalog`` that comes from
    the notebook ``notebook_name`` (``04_xavier.ipynb``), once per place it occurs."""
    return [
        (lineno, message.id, message.string)
        for message in translated_messages(catalog)
        for path, lineno in message.locations
        if Path(path).name == notebook_name
    ]


def _translate_sources(app, exception) -> None:
    if exception is not None or app.builder.format != "html" or app.config.language == "en":
        return
    for docname in sorted(app.env.found_docs):
        source = Path(app.env.doc2path(docname))
        target = Path(app.outdir, "_sources", f"{docname}.ipynb")
        if source.suffix != ".ipynb" or not target.is_file():
            continue
        catalog = catalog_path(app.env, docname)
        notebook, missing = translate_notebook(
            json.loads(source.read_text(encoding="utf-8")), catalog_messages(catalog, source.name)
        )
        for message in missing:
            logger.warning(
                "not put back into %s.ipynb: %r (is %s in step with the notebook?)",
                docname,
                message if len(message) < 80 else message[:77] + "...",
                catalog.relative_to(app.env.srcdir),
            )
        notebook = with_feedback_language(notebook, app.config.language)
        text = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
        target.write_text(text, encoding="utf-8")


def setup(app):
    # Before the course zip is written from the site's notebooks (downloads.py, priority 500).
    app.connect("build-finished", _translate_sources, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
