"""The built site, served on localhost and read in headless Chromium with no outside network.

Every page of the table of contents is visited once (cached for the whole session): the visit
records what a reader's browser saw (console errors, failed and blocked requests, images,
typeset math, rendered widgets, the solution toggles) and writes a screenshot to
``_build/screenshots/``. The tests in ``test_site.py`` assert on those records.

The tests skip when the site is not built, Playwright is not installed or Chromium is missing,
so the plain test command passes on a fresh clone; ``.ci/run`` builds the site and installs
both first (``requirements-site.txt``, ``apt-get install chromium``) and sets
``SITE_TESTS_REQUIRED=1``, which turns those skips into failures.
"""

import functools
import http.server
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bench.page_weight import SITE

ROOT = Path(__file__).resolve().parents[2]

SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
# Without these, Chromium phones home (updates, sync, field trials) and its own requests would
# be blocked and counted against the page.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
PAGE_TIMEOUT_MS = 60_000
WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'


@dataclass
class Visit:
    """What the browser saw on one page."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    math: dict = field(default_factory=dict)
    widgets: list[dict] = field(default_factory=list)
    n_widget_views: int = 0
    links: list[str] = field(default_factory=list)
    solutions: list[dict] = field(default_factory=list)
    widget_moves: list[dict] = field(default_factory=list)
    accessibility: list[dict] = field(default_factory=list)
    phone: dict = field(default_factory=dict)
    screenshot: Path | None = None
    language: str = ""
    language_switch: str | None = None
    texts: list[str] = field(default_factory=list)


def _skip(reason: str):
    if os.environ.get("SITE_TESTS_REQUIRED"):
        pytest.fail(f"SITE_TESTS_REQUIRED is set but {reason}")
    pytest.skip(reason)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


@pytest.fixture(scope="session")
def built_site() -> list[Path]:
    """Every HTML page of the built site (theme assets left out)."""
    if not (SITE / "index.html").is_file():
        _skip("the site is not built: run jupyter-book build . first")
    return sorted(path for path in SITE.rglob("*.html") if "_static" not in path.parts)


@pytest.fixture(scope="session")
def site_url(built_site):
    """The base URL of ``_build/html`` served on an ephemeral localhost port."""
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright import sync_api
    except ImportError:
        _skip("Playwright is not installed: pip install -r requirements-site.txt")
    if not shutil.which(CHROMIUM):
        _skip(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def visit(site_url, browser):
    """``visit(docname) -> Visit``, each page loaded once per session."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    cache = {}

    def get(docname: str) -> Visit:
        if docname not in cache:
            cache[docname] = _visit(browser, site_url + docname + ".html", docname)
        return cache[docname]

    return get


def _local_only(page, blocked: list[str]) -> None:
    """Let ``page`` load from localhost only; every other request is aborted and its URL
    appended to ``blocked``."""

    def route(route):
        parts = urlsplit(route.request.url)
        if parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname not in LOCAL_HOSTS:
            blocked.append(route.request.url)
            route.abort("blockedbyclient")
        else:
            route.continue_()

    page.route("**/*", route)


def _visit(browser, url: str, docname: str) -> Visit:
    record = Visit(url=url)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)

    def on_console(message):
        if message.type == "error":
            record.console_errors.append(message.text)

    def on_response(response):
        if response.status >= 400:
            record.failed_requests.append(f"{response.status} {response.url}")

    def on_failed(request):
        if urlsplit(request.url).hostname in LOCAL_HOSTS:
            record.failed_requests.append(f"{request.failure} {request.url}")

    _local_only(page, record.blocked_requests)
    page.on("console", on_console)
    page.on("pageerror", lambda error: record.page_errors.append(str(error)))
    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    try:
        page.goto(url, wait_until="networkidle")
        _wait_for_math(page)
        record.n_widget_views = page.locator(WIDGET_VIEW).count()
        if record.n_widget_views:
            _wait_for_widgets(page, record.n_widget_views)
        record.images = _images(page)
        record.math = _math(page)
        record.widgets = _widgets(page)
        record.links = page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
        record.language = page.evaluate("document.documentElement.lang")
        record.language_switch = page.evaluate(
            "document.querySelector('a.language-switch')?.href ?? null"
        )
        record.texts = page.evaluate(_TEXTS)
        record.screenshot = SCREENSHOTS / (docname.replace("/", "__") + ".png")
        page.screenshot(path=record.screenshot, full_page=True)
        record.solutions = _solutions(page)
        record.widget_moves = _move_widgets(page)
        # Last, and no longer recording: axe-core re-reads the style sheets and resolves their
        # @import of Sphinx's basic.css against the page, a 404 of its own making.
        page.remove_listener("console", on_console)
        page.remove_listener("response", on_response)
        record.accessibility = _accessibility(page)
    finally:
        context.close()
    record.phone = _phone(browser, url, docname)
    return record


#: The reader's text in the article (paragraphs, headings, list items, table cells, titles) and
#: in the navigation; code, outputs, math, citations and the bibliography's entries left out
#: (they stay in English).
_TEXTS = """() => [...document.querySelectorAll(
    'article.bd-article :is(p, h1, h2, h3, h4, li, td, th, dt, dd, figcaption), '
    + 'nav.bd-links :is(p.caption, a.reference)')]
  .filter(el => !el.closest('.cell_output, .output, pre, .highlight, .citation'))
  .map(el => {
    const clone = el.cloneNode(true);
    clone.querySelectorAll(
      'mjx-container, code, .math, script, a.headerlink, a[href*="references.html#"]')
      .forEach(child => child.remove());
    return clone.textContent.replace(/\\s+/g, ' ').trim();
  })
  .filter(text => text)"""


def _wait_for_math(page) -> None:
    if page.evaluate("typeof window.MathJax !== 'undefined'"):
        page.wait_for_function("window.MathJax.startup && window.MathJax.startup.promise")
        page.evaluate("window.MathJax.startup.promise.then(() => true)")


def _wait_for_widgets(page, n_views: int) -> None:
    """Until the widget manager has drawn every saved view and each view's images have loaded."""
    page.wait_for_function(
        """n => {
            const views = document.querySelectorAll('.widget-subarea');
            const images = document.querySelectorAll('img.widget-image');
            return views.length >= n && [...images].every(img => img.complete);
        }""",
        arg=n_views,
    )


def _images(page) -> list[dict]:
    return page.eval_on_selector_all(
        "img",
        """imgs => imgs.map(img => ({
            src: img.currentSrc.slice(0, 120),
            natural_width: img.naturalWidth,
            in_output: img.closest('.cell_output') !== null,
            in_widget: img.closest('.widget-subarea') !== null,
        }))""",
    )


def _math(page) -> dict:
    return page.evaluate(
        """() => ({
            sources: document.querySelectorAll('span.math, div.math').length,
            typeset: document.querySelectorAll('mjx-container').length,
            errors: document.querySelectorAll('mjx-merror').length,
        })"""
    )


def _widgets(page) -> list[dict]:
    """Per rendered widget view: its visible sliders and the size of its loaded images."""
    return page.eval_on_selector_all(
        ".widget-subarea",
        """views => views.map(view => {
            const visible = el => el.checkVisibility({visibilityProperty: true});
            const shown = selector => [...view.querySelectorAll(selector)].filter(visible);
            return {
                sliders: shown('.widget-slider').length,
                controls: shown(CONTROLS).length,
                image_widths: shown('img').map(img => img.naturalWidth),
            };
        })""".replace("CONTROLS", repr(CONTROLS)),
    )


#: A widget's controls on the site: the html-manager's selection sliders and dropdowns.
CONTROLS = ".noUi-handle, .widget-dropdown select, .widget-toggle-buttons button"
#: The width of a phone in portrait (CSS pixels), the small-screen checks' viewport.
PHONE = {"width": 390, "height": 844}


def _accessibility(page) -> list[dict]:
    """axe-core's violations on the page as the reader sees it (widgets rendered)."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "nodes": len(violation["nodes"]),
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"][:3]],
        }
        for violation in violations
    ]


def _phone(browser, url: str, docname: str) -> dict:
    """The page at a phone's width: horizontal overflow, images wider than the screen, and
    whether the site navigation opens from its toggle and shows the chapters."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    _local_only(page, [])  # what the page asks from outside is counted by _visit
    try:
        page.goto(url, wait_until="networkidle")
        _wait_for_math(page)
        measured = page.evaluate(
            """() => {
                const width = window.innerWidth;
                const wide = [...document.querySelectorAll('article img')]
                    .filter(img => img.checkVisibility())
                    .filter(img => img.getBoundingClientRect().right > width + 1)
                    .map(img => img.currentSrc.slice(-40));
                return {width, page_width: document.documentElement.scrollWidth,
                        wide_images: wide};
            }"""
        )
        toggle = page.locator("button.primary-toggle:visible").first
        measured["nav_toggle"] = toggle.count() == 1
        measured["nav_links"] = 0
        if measured["nav_toggle"]:
            toggle.click()
            page.wait_for_timeout(300)
            measured["nav_links"] = page.locator("a.reference.internal:visible").evaluate_all(
                "links => links.filter(a => a.closest('#pst-primary-sidebar-modal[open]')).length"
            )
        page.screenshot(path=SCREENSHOTS / (docname.replace("/", "__") + "__phone.png"))
    finally:
        context.close()
    return measured


#: In the page: the visible image(s) of widget view ``v`` as one string, to see a change.
_SHOWN_IMAGE = """(v) => [...document.querySelectorAll('.widget-subarea')[v]
    .querySelectorAll('img')]
    .filter(img => img.checkVisibility({visibilityProperty: true}))
    .map(img => img.src.length + ':' + img.src.slice(-64)).join('|')"""
#: In the page: change control ``c`` of view ``v`` as a key press would, and time how long
#: until another image shows (checked at every animation frame).
_TIMED_MOVE = """async ([v, c]) => {
    const view = document.querySelectorAll('.widget-subarea')[v];
    const shown = SHOWN;
    const before = shown(v);
    const control = view.querySelectorAll(CONTROLS)[c];
    const start = performance.now();
    if (control.tagName === 'SELECT') {
        control.selectedIndex = (control.selectedIndex + 1) % control.options.length;
        control.dispatchEvent(new Event('change', {bubbles: true}));
    } else if (control.tagName === 'BUTTON') {
        control.click();
    } else {
        const value = name => control.getAttribute(name);
        const atEnd = value('aria-valuenow') === value('aria-valuemax');
        control.dispatchEvent(new KeyboardEvent('keydown', {
            key: atEnd ? 'ArrowLeft' : 'ArrowRight', bubbles: true}));
    }
    while (performance.now() - start < 3000) {
        await new Promise(resolve => requestAnimationFrame(resolve));
        if (shown(v) !== before) return performance.now() - start;
    }
    return null;
}"""


def _move_widgets(page) -> list[dict]:
    """Every control of every widget moved three ways: a real key press (Playwright), a click
    on the control (pointer), and a timed change in the page. Each records whether the shown
    image changed, and the timed one how many milliseconds the new image took."""
    moves = []
    shown_image = lambda v: page.evaluate(_SHOWN_IMAGE, v)  # noqa: E731
    timed = _TIMED_MOVE.replace("SHOWN", _SHOWN_IMAGE).replace("CONTROLS", repr(CONTROLS))
    views = page.locator(".widget-subarea")
    for v in range(views.count()):
        controls = views.nth(v).locator(CONTROLS)
        for c in range(controls.count()):
            control = controls.nth(c)
            tag = control.evaluate("el => el.tagName")
            record = {"view": v, "control": c, "kind": tag}
            before = shown_image(v)
            control.focus()
            if tag == "SELECT":
                control.press("ArrowDown")
            elif tag == "BUTTON":
                control.press("Enter")
            else:
                control.press("ArrowRight")
                if shown_image(v) == before:  # the handle was at its end
                    control.press("ArrowLeft")
            record["keyboard_changed"] = shown_image(v) != before
            before = shown_image(v)
            if tag == "SELECT":
                options = control.evaluate("el => [...el.options].map(o => o.value)")
                current = control.evaluate("el => el.value")
                control.select_option(next(o for o in options if o != current))
            elif tag == "BUTTON":
                control.click()
            else:
                track = (
                    views.nth(v)
                    .locator(".noUi-target")
                    .nth(
                        control.evaluate(
                            "(el, v) => [...document.querySelectorAll('.widget-subarea')[v]"
                            ".querySelectorAll('.noUi-handle')].indexOf(el)",
                            v,
                        )
                    )
                )
                box = track.bounding_box()
                page.mouse.click(box["x"] + 2, box["y"] + box["height"] / 2)
                if shown_image(v) == before:
                    page.mouse.click(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2)
            record["pointer_changed"] = shown_image(v) != before
            record["ms"] = page.evaluate(timed, [v, c])
            moves.append(record)
    return moves


def _solutions(page) -> list[dict]:
    """For each solution: is its body visible before and after a click on its toggle."""
    results = []
    solutions = page.locator(".solution")
    for index in range(solutions.count()):
        solution = solutions.nth(index)
        body = solution.locator(".solution-content, section").first
        before = body.is_visible()
        solution.locator(".toggle-button, summary, button").first.click()
        body.wait_for(state="visible", timeout=5_000)
        results.append({"visible_before": before, "visible_after": body.is_visible()})
    return results
