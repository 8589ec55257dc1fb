"""The machinery of the book's two editions: ``tools/book.py`` (configs and builds) and the
Sphinx extensions ``_ext/languages.py`` (language switch, untranslated messages) and
``_ext/execution_cache.py`` (one execution, never stale); ``_ext/translated_notebooks.py`` has
its own tests (``test_translated_notebooks.py``)."""

import doctest
import importlib.util
import io
import posixpath
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from sphinx.application import Sphinx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))

import execution_cache  # noqa: E402
import korean_search  # noqa: E402
import languages  # noqa: E402
import translated_notebooks  # noqa: E402


def _load_book_tool():
    spec = importlib.util.spec_from_file_location("book", ROOT / "tools" / "book.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


book = _load_book_tool()
PAGES = ["intro", "references", "chapters/01_symmetry", "chapters/08_practice"]


@pytest.mark.parametrize(
    "module", [languages, translated_notebooks, korean_search, book], ids=lambda m: m.__name__
)
def test_docstring_examples_run(module):
    """The >>> examples of the build's code (outside ``lib``, which pytest's doctests cover)."""
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("page", PAGES)
def test_language_switch_links_each_page_to_its_twin(page):
    english, korean = f"{page}.html", f"ko/{page}.html"
    to_korean = languages.twin_href(page, "en", "ko")
    to_english = languages.twin_href(page, "ko", "en")
    assert posixpath.normpath(posixpath.join(posixpath.dirname(english), to_korean)) == korean
    assert posixpath.normpath(posixpath.join(posixpath.dirname(korean), to_english)) == english


def test_merged_replaces_lists_and_merges_mappings():
    base = {"sphinx": {"config": {"language": "en", "locale_dirs": ["locale"]}}, "title": "T"}
    override = {"sphinx": {"config": {"language": "ko"}}, "title": "제목"}
    assert book.merged(base, override) == {
        "sphinx": {"config": {"language": "ko", "locale_dirs": ["locale"]}},
        "title": "제목",
    }
    assert base["sphinx"]["config"]["language"] == "en", "merged must not change its input"


def test_korean_config_differs_from_the_english_only_where_it_says(tmp_path):
    english = yaml.safe_load((ROOT / "_config.yml").read_text())
    overrides = yaml.safe_load((ROOT / "_config.ko.yml").read_text())
    cache = tmp_path / "cache"
    korean = yaml.safe_load(book.write_config(tmp_path / "ko.yml", overrides, cache).read_text())
    assert korean["sphinx"]["config"]["language"] == "ko"
    assert korean["execute"]["cache"] == str(cache.resolve())
    for name, folder in korean["sphinx"]["local_extensions"].items():
        assert Path(folder).is_absolute() and (Path(folder) / f"{name}.py").is_file()
    same = {key for key in english if key not in overrides and key not in ("execute", "sphinx")}
    assert {key: korean[key] for key in same} == {key: english[key] for key in same}
    assert korean["sphinx"]["config"] | {"language": "en"} == english["sphinx"]["config"]


def _fake_app(root: Path, cache: str = ""):
    config = SimpleNamespace(nb_execution_cache_path=cache)
    app = SimpleNamespace(srcdir=str(root), outdir=str(root / "_build" / "html"))
    return app, config


def test_execution_cache_is_emptied_when_lib_changes_and_kept_otherwise(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "core.py").write_text("A = 1\n")
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    app, config = _fake_app(tmp_path)
    execution_cache.empty_stale_cache(app, config)
    cache = Path(config.nb_execution_cache_path)
    assert cache == tmp_path / "_build" / ".jupyter_cache"
    (cache / "global.db").write_text("executed outputs")
    execution_cache.empty_stale_cache(*_fake_app(tmp_path))
    assert (cache / "global.db").is_file(), "the same code must keep the cache"
    (tmp_path / "lib" / "core.py").write_text("A = 2\n")
    execution_cache.empty_stale_cache(*_fake_app(tmp_path))
    assert not (cache / "global.db").exists(), "a change in lib must empty the cache"


def test_execution_cache_that_executed_nothing_is_emptied_when_lib_changes(tmp_path):
    """A build that read no notebook leaves the cache with its stamp alone: still a cache."""
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "core.py").write_text("A = 1\n")
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    execution_cache.empty_stale_cache(*_fake_app(tmp_path))
    (tmp_path / "lib" / "core.py").write_text("A = 2\n")
    app, config = _fake_app(tmp_path)
    execution_cache.empty_stale_cache(app, config)
    stamp = Path(config.nb_execution_cache_path) / execution_cache.STAMP
    assert stamp.read_text() == execution_cache.code_hash(tmp_path)


def test_notebooks_are_read_again_after_lib_changes(tmp_path):
    """jupyter-cache and Sphinx both see a notebook's own file only: after a change in lib
    every notebook must be read (so executed) again, in each build's environment."""
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "core.py").write_text("A = 1\n")
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    app, _ = _fake_app(tmp_path)
    env = SimpleNamespace(
        found_docs={"intro", "chapters/01", "chapters/02"},
        doc2path=lambda doc: str(tmp_path / (doc + (".md" if doc == "intro" else ".ipynb"))),
    )
    outdated = execution_cache.notebooks_read_with_other_code
    assert outdated(app, env, set(), set(), set()) == ["chapters/01", "chapters/02"]
    assert outdated(app, env, {"chapters/02"}, set(), set()) == ["chapters/01"]
    execution_cache.remember_code(app, env)
    assert outdated(app, env, set(), set(), set()) == []
    (tmp_path / "lib" / "core.py").write_text("A = 2\n")
    assert outdated(app, env, set(), set(), set()) == ["chapters/01", "chapters/02"]


def test_execution_cache_refuses_a_folder_that_is_no_cache(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    elsewhere = tmp_path / "notes"
    elsewhere.mkdir()
    (elsewhere / "thesis.tex").write_text("keep me")
    with pytest.raises(ValueError, match="no jupyter-cache"):
        execution_cache.empty_stale_cache(*_fake_app(tmp_path, str(elsewhere)))
    assert (elsewhere / "thesis.tex").is_file()


CATALOG = """\
msgid ""
msgstr "Content-Type: text/plain; charset=UTF-8\\n"

msgid "Translated"
msgstr "번역됨"

msgid "Parts"
msgstr "부"

#, fuzzy
msgid "Changed in English"
msgstr "예전 번역"

msgid "New in English"
msgstr ""
"""


def test_translations_leave_out_fuzzy_and_empty_ones(tmp_path):
    catalog = tmp_path / "page.po"
    catalog.write_text(CATALOG, encoding="utf-8")
    assert languages.translations(catalog) == {"Translated": "번역됨", "Parts": "부"}


def _build_korean(tmp_path: Path, catalog_text: str) -> str:
    source = tmp_path / "source"
    (source / "locale" / "ko" / "LC_MESSAGES").mkdir(parents=True)
    (source / "conf.py").write_text("")
    (source / "index.rst").write_text(
        "Translated\n==========\n\nNew in English\n\n.. toctree::\n   :caption: Parts\n"
    )
    catalog = source / "locale" / "ko" / "LC_MESSAGES" / "index.po"
    catalog.write_text(catalog_text, encoding="utf-8")
    warnings = io.StringIO()
    app = Sphinx(
        str(source), str(source), str(tmp_path / "out"), str(tmp_path / "doctrees"), "html",
        confoverrides={"language": "ko", "locale_dirs": ["locale"], "extensions": ["languages"]},
        status=None, warning=warnings, freshenv=True,
    )  # fmt: skip
    app.build()
    return warnings.getvalue()


def test_the_korean_build_warns_about_each_message_its_catalog_leaves_in_english(tmp_path):
    warnings = _build_korean(tmp_path, CATALOG)
    assert "not translated in locale/ko/LC_MESSAGES/index.po: 'New in English'" in warnings
    assert "'Translated'" not in warnings
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "번역됨" in page and 'lang="ko"' in page


def test_a_fully_translated_page_builds_without_warnings(tmp_path):
    complete = CATALOG.replace(
        'msgid "New in English"\nmsgstr ""', 'msgid "New in English"\nmsgstr "새 문장"'
    )
    assert "not translated" not in _build_korean(tmp_path, complete)
