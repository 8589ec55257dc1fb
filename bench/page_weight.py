"""What a reader downloads for each page of the built site: its HTML and the images it shows.

The HTML includes the saved widget state (the widgets' PNGs, base64) and the images are the
static figures in ``_images/``. The theme's and the vendored scripts are shared by every page
and cached after the first, so they are reported apart (:func:`shared_assets_bytes`).
"""

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sphinx_external_toc.parsing import parse_toc_yaml

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
#: The issue's limit for one chapter page, images included.
LIMIT_BYTES = 3 * 1024 * 1024


class _Sources(HTMLParser):
    """Collects the ``src`` of every ``<img>`` and ``<script>``."""

    def __init__(self):
        super().__init__()
        self.images, self.scripts = [], []

    def handle_starttag(self, tag, attrs):
        src = dict(attrs).get("src")
        if src and tag == "img":
            self.images.append(src)
        elif src and tag == "script":
            self.scripts.append(src)


def _sources(page: Path) -> _Sources:
    parser = _Sources()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def _local_files(page: Path, urls: list[str]) -> set[Path]:
    """The files under the site that relative ``urls`` on ``page`` point to."""
    files = set()
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        target = (page.parent / unquote(parts.path)).resolve()
        if target.is_file():
            files.add(target)
    return files


def page_weight(page: Path) -> int:
    """Bytes of the page's HTML plus each distinct image file it shows."""
    images = _local_files(page, _sources(page).images)
    return page.stat().st_size + sum(image.stat().st_size for image in images)


def shared_assets_bytes(page: Path) -> int:
    """Bytes of the scripts the page loads (theme, MathJax, widget manager), cached across pages."""
    return sum(script.stat().st_size for script in _local_files(page, _sources(page).scripts))


def toc_pages(site: Path = SITE) -> dict[str, Path]:
    """Docname -> built HTML file, for every page in ``_toc.yml``, in reading order."""
    return {name: site / f"{name}.html" for name in parse_toc_yaml(ROOT / "_toc.yml")}


def page_weights(site: Path = SITE) -> dict[str, int]:
    """Docname -> :func:`page_weight` for every page in the table of contents."""
    return {name: page_weight(path) for name, path in toc_pages(site).items()}
