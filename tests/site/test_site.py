"""The built site as a reader gets it: every page of the table of contents, in English and in
Korean (``ko/``), in headless Chromium, with every request outside localhost blocked (so
nothing may come from a CDN). Each page declares its language, links to its twin in the other,
and a Korean page shows no English text that its catalog does not keep in English on purpose.

Also, without a browser: every internal link and cross-reference resolves, and no page is
heavier than :data:`bench.page_weight.LIMIT_BYTES` with its images.
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import polib
import pytest
import yaml

from bench.page_weight import LIMIT_BYTES, ROOT, SITE, page_weight, toc_pages
from lib.checks.messages import LANGUAGE_VARIABLE

#: Site folder of each edition -> its language.
EDITIONS = {"": "en", "ko/": "ko"}


def edition(page: str) -> str:
    """The site folder of ``page``'s edition: ``ko/`` for ``ko/intro``, empty for ``intro``."""
    first = page.split("/")[0] + "/"
    return first if first in EDITIONS else ""


def source(page: str) -> str:
    """The document ``page`` is built from (``chapters/01`` for ``ko/chapters/01``)."""
    return page[len(edition(page)) :]


#: Every page of every edition, as its path under the site without ``.html``.
PAGES = [prefix + name for prefix in EDITIONS for name in toc_pages()]
NOTEBOOK_PAGES = [page for page in PAGES if (ROOT / f"{source(page)}.ipynb").is_file()]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
HIDDEN_OUTPUT_TAGS = {"remove-cell", "remove-output"}
#: Impacts of axe-core violations that a page must not have.
BLOCKING_IMPACTS = {"serious", "critical"}


def _widget_state_saved(docname: str) -> bool:
    metadata = json.loads((ROOT / f"{docname}.ipynb").read_text())["metadata"]
    return bool(metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json"))


def _expected_static_figures(docname: str) -> int:
    """PNG outputs the page shows, counted in the notebook as the build executed it."""
    executed = ROOT / "_build" / "jupyter_execute" / f"{docname}.ipynb"
    notebook = json.loads(executed.read_text())
    return sum(
        "image/png" in output.get("data", {}) and WIDGET_VIEW_MIME not in output["data"]
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
        and not HIDDEN_OUTPUT_TAGS & set(cell["metadata"].get("tags", []))
        for output in cell["outputs"]
    )


# --- in the browser ---------------------------------------------------------------------------


@pytest.mark.parametrize("docname", PAGES)
def test_page_has_no_serious_accessibility_violation(visit, docname):
    """axe-core on the page as rendered: no violation of impact serious or critical. What
    remains (moderate and minor) goes to _build/accessibility.json for the notes."""
    violations = visit(docname).accessibility
    report = ROOT / "_build" / "accessibility.json"
    found = json.loads(report.read_text()) if report.is_file() else {}
    found[docname] = violations
    report.write_text(json.dumps(found, indent=1))
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"serious or critical accessibility violations: {blocking}"


@pytest.mark.parametrize("docname", PAGES)
def test_page_fits_a_phone(visit, docname):
    phone = visit(docname).phone
    assert phone["page_width"] <= phone["width"], f"the page scrolls sideways on a phone: {phone}"
    assert not phone["wide_images"], f"images wider than a phone: {phone}"
    assert phone["nav_toggle"], "no visible navigation toggle at a phone's width"
    assert phone["nav_links"] >= len(toc_pages()) - 1, f"the navigation shows too few: {phone}"


@pytest.mark.parametrize("docname", NOTEBOOK_PAGES)
def test_download_button_saves_the_notebook(site_url, browser, docname):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(site_url + docname + ".html", wait_until="domcontentloaded")
        page.locator(".dropdown-download-buttons button").first.click()
        with page.expect_download() as download:
            page.locator(".btn-download-source-button").first.click()
        assert download.value.suggested_filename == Path(docname).name + ".ipynb"
        notebook = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    finally:
        context.close()
    assert _in_language_of(docname, notebook)


def _markdown(notebook: dict) -> str:
    return "\n".join(
        "".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown"
    )


def _in_language_of(page: str, notebook: dict) -> bool:
    """Whether ``notebook`` is ``page``'s notebook in ``page``'s language: the repository's
    notebook in English; in Korean, Korean text and the same code, but for the first cell,
    which also sets the language of ``lib.checks``' feedback."""
    english = json.loads((ROOT / f"{source(page)}.ipynb").read_text(encoding="utf-8"))
    if EDITIONS[edition(page)] == "en":
        return notebook == english
    code = ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]
    english_code = ["".join(c["source"]) for c in english["cells"] if c["cell_type"] == "code"]
    return (
        code[1:] == english_code[1:]
        and code[0].startswith(english_code[0])
        and code[0].endswith(f'os.environ["{LANGUAGE_VARIABLE}"] = "ko"')
        and re.search("[가-힣]", _markdown(notebook)) is not None
    )


@pytest.mark.parametrize("prefix", EDITIONS)
def test_intro_offers_the_whole_course_as_one_zip(visit, prefix):
    import zipfile

    from _ext.downloads import ZIP_NAME

    intro = visit(prefix + "intro")
    assert intro.url.rsplit("/", 1)[0] + "/" + ZIP_NAME in intro.links
    with zipfile.ZipFile(SITE / prefix / ZIP_NAME) as archive:
        names = set(archive.namelist())
    chapters = {f"chapters/{path.name}" for path in (ROOT / "chapters").glob("*.ipynb")}
    assert chapters <= names, f"chapters missing from the zip: {chapters - names}"
    homework = {
        f"homework/{p.parent.name}/{p.name}" for p in (ROOT / "homework/source").glob("*/*.ipynb")
    }
    assert homework <= names and "lib/__init__.py" in names and "pyproject.toml" in names
    with zipfile.ZipFile(SITE / prefix / ZIP_NAME) as archive:
        for name in homework:
            text = archive.read(name).decode()
            assert "### BEGIN SOLUTION" not in text and "### BEGIN HIDDEN TESTS" not in text
        for name in sorted(chapters):
            notebook = json.loads(archive.read(name).decode())
            assert _in_language_of(prefix + name.removesuffix(".ipynb"), notebook), name


@pytest.mark.parametrize("docname", PAGES)
def test_page_loads_without_errors(visit, docname):
    seen = visit(docname)
    assert not seen.page_errors, f"uncaught JavaScript errors: {seen.page_errors}"
    assert not seen.console_errors, f"console errors: {seen.console_errors}"
    assert not seen.failed_requests, f"failed same-origin requests: {seen.failed_requests}"
    assert seen.screenshot.is_file()


@pytest.mark.parametrize("docname", PAGES)
def test_page_declares_its_language(visit, docname):
    assert visit(docname).language == EDITIONS[edition(docname)]


@pytest.mark.parametrize("docname", PAGES)
def test_language_switch_opens_the_same_page_in_the_other_language(site_url, visit, docname):
    other = next(prefix for prefix in EDITIONS if prefix != edition(docname))
    assert visit(docname).language_switch == f"{site_url}{other}{source(docname)}.html"


def _kept_in_english() -> set[str]:
    """Texts the Korean catalogs keep in English on purpose (their translator comment says so)."""
    from tests.test_translations import KEEP_ENGLISH

    return {
        entry.msgstr
        for catalog in (ROOT / "locale" / "ko" / "LC_MESSAGES").rglob("*.po")
        for entry in polib.pofile(str(catalog))
        if entry.tcomment.startswith(KEEP_ENGLISH)
    }


@pytest.mark.parametrize("docname", [page for page in PAGES if edition(page) == "ko/"])
def test_korean_page_shows_no_untranslated_text(visit, docname):
    """A paragraph, heading, list item or table cell with three or more English words and no
    Hangul is a message the translation missed (code, outputs, math and the bibliography's
    entries are left out), unless the catalog keeps it in English on purpose."""
    kept = _kept_in_english()
    english = [
        text
        for text in visit(docname).texts
        if len(re.findall(r"[A-Za-z]{2,}", text)) >= 3
        and not re.search("[\uac00-\ud7a3]", text)
        and text.replace("\u2019", "'") not in kept  # the page's apostrophes are curly
    ]
    assert not english, f"English text on a Korean page: {english}"


@pytest.mark.parametrize("docname", PAGES)
def test_page_needs_nothing_from_outside_localhost(visit, docname):
    assert not visit(docname).blocked_requests, "the page asked for outside resources"


@pytest.mark.parametrize("docname", PAGES)
def test_every_image_loads(visit, docname):
    broken = [image["src"] for image in visit(docname).images if image["natural_width"] == 0]
    assert not broken, f"images that did not load: {broken}"


@pytest.mark.parametrize("docname", PAGES)
def test_math_is_typeset(visit, docname):
    math = visit(docname).math
    assert math["typeset"] >= math["sources"], f"MathJax typeset too little: {math}"
    assert math["errors"] == 0, f"MathJax errors: {math}"


def test_math_is_typeset_somewhere(visit):
    """Guards the test above from passing on a site where no page has math."""
    assert sum(visit(name).math["typeset"] for name in PAGES) > 0


@pytest.mark.parametrize("docname", NOTEBOOK_PAGES)
def test_notebook_page_shows_its_static_figures(visit, docname):
    figures = [
        image for image in visit(docname).images if image["in_output"] and not image["in_widget"]
    ]
    assert len(figures) == _expected_static_figures(source(docname))
    assert all(image["natural_width"] > 0 for image in figures)


@pytest.mark.parametrize("docname", NOTEBOOK_PAGES)
def test_saved_widgets_render_with_sliders_and_their_image(visit, docname):
    seen = visit(docname)
    if not _widget_state_saved(source(docname)):
        assert seen.n_widget_views == 0
        pytest.skip(f"{docname} has no widget")
    assert len(seen.widgets) == seen.n_widget_views > 0, "not every saved widget was drawn"
    for widget in seen.widgets:
        assert widget["controls"] >= 1, "a widget shows no control"
        assert widget["image_widths"], "a widget shows no image"
        assert all(width > 0 for width in widget["image_widths"]), "a widget's image is empty"


@pytest.mark.parametrize("docname", NOTEBOOK_PAGES)
def test_every_widget_control_moves_the_figure_with_no_kernel(visit, docname):
    seen = visit(docname)
    if not seen.n_widget_views:
        pytest.skip(f"{docname} has no widget")
    assert seen.widget_moves, "the widget has no control the site can move"
    for move in seen.widget_moves:
        assert move["keyboard_changed"], f"a key press did not change the figure: {move}"
        assert move["pointer_changed"], f"a click did not change the figure: {move}"
        assert move["ms"] is not None, f"a change showed no new figure within 3 s: {move}"
    # The time from input to new figure is measured, not asserted (a busy machine is slower):
    # it goes to _build/widget_moves.json for the notes (the course's limit: 100 ms).
    report = ROOT / "_build" / "widget_moves.json"
    moves = json.loads(report.read_text()) if report.is_file() else {}
    moves[docname] = seen.widget_moves
    report.write_text(json.dumps(moves, indent=1))


@pytest.mark.parametrize("docname", NOTEBOOK_PAGES)
def test_launch_buttons_open_this_notebook_on_main(visit, docname):
    repository, launch = CONFIG["repository"], CONFIG["launch_buttons"]
    org_repo = urlsplit(repository["url"]).path.strip("/")
    notebook = f"{repository.get('path_to_book') or ''}{source(docname)}.ipynb"
    assert (ROOT / notebook).is_file()
    binder = f"{launch['binderhub_url']}/v2/gh/{org_repo}/main?urlpath=tree/{notebook}"
    colab = f"{launch['colab_url']}/github/{org_repo}/blob/main/{notebook}"
    links = visit(docname).links
    assert binder in links, f"no Binder link to {binder}"
    assert colab in links, f"no Colab link to {colab}"


@pytest.mark.parametrize("docname", NOTEBOOK_PAGES)
def test_solutions_are_folded_until_clicked(visit, docname):
    solutions = visit(docname).solutions
    assert solutions, "a chapter has solutions to its exercises"
    for solution in solutions:
        assert not solution["visible_before"], "a solution is shown before it is clicked"
        assert solution["visible_after"], "a solution stays hidden after a click"


@pytest.mark.parametrize("docname", PAGES)
def test_citations_link_to_bibliography_entries(visit, docname):
    entries = {
        urlsplit(link).fragment for link in visit(docname).links if "/references.html#" in link
    }
    references = _Anchors.of(SITE / edition(docname) / "references.html")
    for fragment in entries - {""}:
        assert fragment in references.ids, f"references.html#{fragment}: no such entry"


def test_bibliography_is_cited(visit):
    cited = {
        link
        for name in PAGES
        for link in visit(name).links
        if "/references.html#" in link and not link.endswith("references.html#")
    }
    assert cited, "no page cites the bibliography"


# --- without a browser ------------------------------------------------------------------------


class _Anchors(HTMLParser):
    """The ids a page defines and the relative links it makes."""

    _cache: dict = {}

    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    @classmethod
    def of(cls, page: Path) -> "_Anchors":
        if page not in cls._cache:
            parser = cls()
            parser.feed(page.read_text(encoding="utf-8"))
            cls._cache[page] = parser
        return cls._cache[page]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("id", "name"):
            if attrs.get(name):
                self.ids.add(attrs[name])
        url = attrs.get("href") if tag in {"a", "link"} else attrs.get("src")
        if url and tag in {"a", "link", "img", "script"}:
            self.links.append(url)


def test_every_internal_link_and_cross_reference_resolves(built_site):
    broken = []
    for page in built_site:
        for url in _Anchors.of(page).links:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith(("mailto:", "javascript:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.is_file():
                broken.append(f"{page.relative_to(SITE)}: {url} (no such file)")
            elif (
                parts.fragment
                and target.suffix == ".html"
                and unquote(parts.fragment) not in _Anchors.of(target).ids
            ):
                broken.append(f"{page.relative_to(SITE)}: {url} (no such anchor)")
    assert not broken, "broken links:\n" + "\n".join(broken)


@pytest.mark.parametrize("docname", PAGES)
def test_page_weight_with_images_is_under_the_limit(built_site, docname):
    page = SITE / f"{docname}.html"
    assert page.is_file(), f"{docname} is in the table of contents but was not built"
    weight = page_weight(page)
    assert weight <= LIMIT_BYTES, f"{docname}: {weight / 1e6:.2f} MB with its images"


@pytest.mark.parametrize("query", ["포화", "포화를", "포화되어"])
def test_korean_search_finds_a_word_with_any_particle(site_url, browser, query):
    """The Korean site's search stems a query as it stemmed the pages
    (``_ext/korean_search.py``): the bare word and the word with a particle or an ending find
    the same pages, among them the chapter on saturation."""
    page = browser.new_page()
    try:
        page.goto(f"{site_url}ko/search.html?q={query}", wait_until="load")
        page.wait_for_function("document.querySelector('#search-results .search-summary')")
        page.wait_for_function("!document.querySelector('#search-progress')?.textContent")
        found = page.eval_on_selector_all(
            "#search-results ul.search li a:first-child", "links => links.map(a => a.href)"
        )
        words = sorted(
            set(re.findall("[가-힣]+", (SITE / "ko/chapters/02_random_init.html").read_text()))
        )
        stems = page.evaluate("words => words.map(w => new Stemmer().stemWord(w))", words)
    finally:
        page.close()
    assert any(link.endswith("chapters/02_random_init.html") for link in found), found
    assert len({link.split("#")[0] for link in found}) >= 5, found
    from _ext.korean_search import SearchKorean

    python = SearchKorean({})
    disagree = [(w, s) for w, s in zip(words, stems, strict=True) if python.stem(w) != s]
    assert not disagree, f"the browser stems these words unlike the index: {disagree[:5]}"
