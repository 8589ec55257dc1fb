"""The Korean edition's notebook downloads (``_ext/translated_notebooks.py``): each chapter
notebook with its Markdown text and figure alt texts from the page's catalog, everything else
exactly as in the English notebook."""

import copy
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))

from translated_notebooks import (  # noqa: E402
    catalog_messages,
    location,
    translate_notebook,
    with_feedback_language,
)

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
CATALOGS = ROOT / "locale" / "ko" / "LC_MESSAGES" / "chapters"
HANGUL = re.compile("[가-힣]")
#: What of a Markdown line is structure, not text: a fence with its directive, a directive's
#: option, a heading's level, a table's rule.
_STRUCTURE = re.compile(r"^\s*(?:(?:`{3,}|:{3,})(?:\{[\w-]+\})?|:[\w-]+:.*|#+ |\|[-:| ]+\|$)")


def skeleton(markdown: str) -> list[str]:
    r"""The structure of ``markdown``, line by line, without its text.

    >>> skeleton("# Title\n\n```{exercise} Do it\n:label: ex1\nText.\n```")
    ['# ', '```{exercise}', ':label: ex1', '```']
    """
    return [found[0] for line in markdown.split("\n") if (found := _STRUCTURE.match(line))]


def _markdown(source: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def _code_with_alt(alt: str) -> dict:
    return {
        "cell_type": "code",
        "metadata": {"mystnb": {"image": {"alt": alt}}},
        "source": "plot()",
        "outputs": [],
    }


def test_location_is_cell_and_line_from_zero():
    assert location(10002) == (0, 0)
    assert location(40007) == (3, 5)


def test_paragraph_across_lines_of_a_list_item_keeps_the_marker():
    notebook = {"cells": [_markdown("Intro:\n\n- derive the forward\n  condition;\n- next")]}
    done, missing = translate_notebook(
        notebook, [(10004, "derive the forward condition;", "순전파 조건을 유도합니다.")]
    )
    assert done["cells"][0]["source"] == "Intro:\n\n- 순전파 조건을 유도합니다.\n- next"
    assert missing == []


def test_messages_of_one_cell_go_back_from_the_last_line_up():
    """The first message spans two lines: replacing it first would shift the second's line."""
    source = "# Title\n\nA long\nparagraph.\n\nShort one."
    done, missing = translate_notebook(
        {"cells": [_markdown(source)]},
        [
            (10002, "Title", "제목"),
            (10004, "A long paragraph.", "긴 문단."),
            (10007, "Short one.", "짧은 문단."),
        ],
    )
    assert done["cells"][0]["source"] == "# 제목\n\n긴 문단.\n\n짧은 문단."
    assert missing == []


def test_a_word_is_not_translated_inside_a_longer_word():
    done, _ = translate_notebook(
        {"cells": [_markdown("PReLU and ReLU")]}, [(10002, "ReLU", "렐루")]
    )
    assert done["cells"][0]["source"] == "PReLU and 렐루"


def test_every_table_cell_with_the_text_is_translated():
    """A catalog gives table cells no line, and one location for equal cells of a page."""
    table = "| name | slope |\n|---|---|\n| leaky | $1$ or $a$ |\n| PReLU | $1$ or $a$ |"
    done, missing = translate_notebook(
        {"cells": [_markdown("An or b.\n\n" + table)]},
        [(None, "$1$ or $a$", "$1$ 또는 $a$"), (None, "name", "이름")],
    )
    source = done["cells"][0]["source"]
    assert source.count("$1$ 또는 $a$") == 2 and "| 이름 |" in source
    assert source.startswith("An or b.")
    assert missing == []


def test_alt_text_of_a_figure_is_translated():
    notebook = {"cells": [_markdown("Text."), _code_with_alt("Two histograms.")]}
    done, missing = translate_notebook(notebook, [(20001, "Two histograms.", "히스토그램 두 개.")])
    assert done["cells"][1]["metadata"]["mystnb"]["image"]["alt"] == "히스토그램 두 개."
    assert done["cells"][1]["source"] == "plot()"
    assert missing == []


@pytest.mark.parametrize(
    "message",
    [
        (10002, "Not in the notebook.", "없음."),  # changed English text
        (90002, "Text.", "본문."),  # a cell the notebook does not have
        (20001, "Other alt.", "다른 대체 텍스트."),  # a code cell with another alt text
        (None, "Text.", "본문."),  # no table cell holds it
    ],
)
def test_a_message_that_cannot_be_put_back_is_reported(message):
    notebook = {"cells": [_markdown("Text."), _code_with_alt("Two histograms.")]}
    before = copy.deepcopy(notebook)
    done, missing = translate_notebook(notebook, [message])
    assert missing == [message[1]]
    assert done == before


def test_a_message_kept_in_english_needs_no_place():
    done, missing = translate_notebook({"cells": [_markdown("Text.")]}, [(90002, "tanh", "tanh")])
    assert missing == [] and done["cells"][0]["source"] == "Text."


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_every_chapter_notebook_translates_completely(path):
    """With the real catalogs: every message is put back, code cells and outputs are the
    English notebook's, the Markdown keeps its structure, and no translated English text is
    left."""
    english = json.loads(path.read_text(encoding="utf-8"))
    messages = catalog_messages(CATALOGS / f"{path.stem}.po", path.name)
    korean, missing = translate_notebook(copy.deepcopy(english), messages)
    assert missing == []
    assert korean["metadata"] == english["metadata"]
    assert len(korean["cells"]) == len(english["cells"])
    for before, after in zip(english["cells"], korean["cells"], strict=True):
        if before["cell_type"] == "code":
            assert after["source"] == before["source"]
            assert after["outputs"] == before["outputs"]
            continue
        assert skeleton("".join(after["source"])) == skeleton("".join(before["source"]))
    text = "\n".join("".join(c["source"]) for c in korean["cells"] if c["cell_type"] == "markdown")
    assert HANGUL.search(text)
    left = [m for _, m, t in messages if m != t and len(m.split()) >= 2 and m in text]
    assert not left, f"English text left in the Korean notebook: {left[:3]}"


def test_the_setup_cell_sets_the_language_of_the_checks(monkeypatch):
    """A Korean notebook's first code cell, run to its end, makes ``lib.checks`` speak Korean;
    nothing else of the notebook's code changes."""
    from lib.checks import messages

    english = json.loads(NOTEBOOKS[0].read_text(encoding="utf-8"))
    korean = with_feedback_language(copy.deepcopy(english), "ko")
    code = [c for c in english["cells"] if c["cell_type"] == "code"]
    new_code = [c for c in korean["cells"] if c["cell_type"] == "code"]
    assert new_code[1:] == code[1:]
    setup, new_setup = "".join(code[0]["source"]), new_code[0]["source"]
    assert new_setup.startswith(setup)
    monkeypatch.setenv(messages.LANGUAGE_VARIABLE, "en")  # and restored after the test
    exec(new_setup[len(setup) :], {})
    assert messages.language() == "ko"
