"""Sphinx extension: HTML that passes the accessibility checks of the browser tests (axe-core).

Docutils writes a bibliography as ``<div role="list">`` holding ``<div role="doc-biblioentry">``
entries. ARIA 1.2 deprecates ``doc-biblioentry`` and a list may only hold list items, so a screen
reader is told of a list with no items (axe: aria-required-children, critical). Each entry
becomes a ``listitem``, which is what it is.
"""

DEPRECATED_ROLE = 'role="doc-biblioentry"'
LIST_ITEM_ROLE = 'role="listitem"'


def _list_items(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if body and DEPRECATED_ROLE in body:
        context["body"] = body.replace(DEPRECATED_ROLE, LIST_ITEM_ROLE)


def setup(app):
    app.connect("html-page-context", _list_items)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
