"""Sphinx extension: the course in two languages, one site.

The English site is the root of the site, the Korean one its ``ko/`` folder (:data:`EDITIONS`);
both are built from the same sources, the Korean one with ``_config.ko.yml`` and the message
catalogs under ``locale/ko/LC_MESSAGES`` (``tools/book.py`` runs both builds).

- Every page's header links to the same page in the other language (the template
  ``templates/language-switch.html``, before the theme's buttons; ``static/`` its style).
- A page of a translated edition fails the build (a warning, an error under ``-W``) for every
  message of its English text that its catalog does not translate (:func:`warn_untranslated`):
  after an English change the catalogs must be brought in step (``locale/README.md``) before
  the site builds. The captions of the table of contents are translated here
  (:class:`TranslatedTocCaptions`).
- The build's language is a Sphinx tag, so a page can hold text for one edition only:
  ````{only} ko```` (the Korean intro's note on the translation and its glossary). Catalogs
  hold such text too (the message builder sees every branch).
"""

from functools import cache
from pathlib import Path

from babel.messages.catalog import Message
from babel.messages.pofile import read_po
from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.i18n import docname_to_domain
from sphinx.util.nodes import extract_messages

logger = logging.getLogger(__name__)

#: Language code -> (its name in itself, the folder of its site under the site's root,
#: the link's tooltip in that language).
EDITIONS = {
    "en": ("English", "", "Read this page in English"),
    "ko": ("한국어", "ko/", "이 페이지를 한국어로 읽기"),
}


def twin_href(pagename: str, language: str, twin: str) -> str:
    """The relative link from ``pagename`` of the ``language`` site to the same page of ``twin``.

    >>> twin_href("chapters/01_symmetry", "en", "ko")
    '../ko/chapters/01_symmetry.html'
    >>> twin_href("intro", "ko", "en")
    '../intro.html'
    """
    to_site_root = "../" * (pagename.count("/") + EDITIONS[language][1].count("/"))
    return f"{to_site_root}{EDITIONS[twin][1]}{pagename}.html"


@cache
def translated_messages(catalog: Path) -> tuple[Message, ...]:
    """Every message ``catalog`` (a .po file) translates: a msgstr, and no fuzzy flag."""
    if not catalog.is_file():
        return ()
    with catalog.open("rb") as file:
        messages = read_po(file)
    return tuple(
        message for message in messages if message.id and message.string and not message.fuzzy
    )


def translations(catalog: Path) -> dict[str, str]:
    """msgid -> msgstr of every message ``catalog`` translates (:func:`translated_messages`)."""
    return {message.id: message.string for message in translated_messages(catalog)}


def catalog_path(env, docname: str) -> Path:
    """The catalog of ``docname`` in the build's language: ``locale/ko/LC_MESSAGES/<page>.po``."""
    domain = docname_to_domain(docname, env.config.gettext_compact)
    folder = Path(env.srcdir, env.config.locale_dirs[0], env.config.language)
    return folder / "LC_MESSAGES" / f"{domain}.po"


def warn_untranslated(app, doctree, docname) -> None:
    """Warn about every message of a translated page that its catalog leaves in English.

    Run on the page as it is written (after the post-transforms, the doctree the message builder
    extracts from), where Sphinx has marked what it translated: a message is translated if its
    node says so, or if its text is a translation (an image's alt text, a message kept as is),
    or, for a toctree, if the catalog holds its original message.
    """
    if app.config.language == "en":
        return
    catalog = catalog_path(app.env, docname)
    translated = translations(catalog)
    done = set(translated.values())
    for node, message in extract_messages(doctree):
        if node.get("translated") or message in done:
            continue
        # A toctree gives its original (English) messages, translated or not.
        if isinstance(node, addnodes.translatable) and message in translated:
            continue
        logger.warning(
            "not translated in %s: %r (update the catalogs: locale/README.md)",
            catalog.relative_to(app.env.srcdir),
            message if len(message) < 80 else message[:77] + "...",
            location=node,
        )


class TranslatedTocCaptions(SphinxTransform):
    """Translate the captions of the table of contents' parts ("Foundations", ...).

    sphinx-external-toc inserts the toctrees (at priority 100) after Sphinx translated the page
    (20), so their captions would stay in English; the message builder extracts them all the
    same, into the root page's catalog.
    """

    default_priority = 101

    def apply(self, **kwargs) -> None:
        if self.config.language == "en":
            return
        translated = translations(catalog_path(self.env, self.env.docname))
        for toctree in self.document.findall(addnodes.toctree):
            caption = toctree.get("caption")
            if caption in translated:
                toctree["caption"] = translated[caption]
                toctree["translated"] = True


def _check_language(app, config) -> None:
    if config.language not in EDITIONS:
        raise ValueError(
            f"language {config.language!r} has no edition; the course has {sorted(EDITIONS)}"
        )
    app.tags.add(config.language)
    config.templates_path.append(str(Path(__file__).parent / "templates"))
    config.html_static_path.append(str(Path(__file__).parent / "static"))
    header_end = config.html_theme_options.get("article_header_end", "article-header-buttons.html")
    if isinstance(header_end, str):
        header_end = [header_end]
    config.html_theme_options["article_header_end"] = ["language-switch.html", *header_end]


def _add_twin(app, pagename, templatename, context, doctree) -> None:
    language = app.config.language
    twin = next(code for code in EDITIONS if code != language)
    name, _, title = EDITIONS[twin]
    context["language_twin"] = {
        "code": twin,
        "name": name,
        "title": title,
        "href": twin_href(pagename, language, twin),
    }


def setup(app):
    app.connect("config-inited", _check_language)
    app.add_transform(TranslatedTocCaptions)
    app.connect("doctree-resolved", warn_untranslated)
    app.add_css_file("language-switch.css")
    # Before pydata-sphinx-theme drops the header templates that render empty (priority 500).
    app.connect("html-page-context", _add_twin, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
