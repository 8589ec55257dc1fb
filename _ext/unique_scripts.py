"""Sphinx extension: each page lists every script once.

Sphinx 7.4 registers an inline script added with ``app.add_js_file(None, body=...)`` after the
builder started twice: once as filename ``None`` and once as ``''``, which compare unequal. That
is what sphinx-thebe (loaded by Jupyter Book) does, so every page declared ``THEBE_JS_URL``
twice and the browser logged a SyntaxError. This drops such repeats before a page is written.
"""


def _key(script) -> tuple:
    return script.filename or "", sorted(script.attributes.items())


def drop_repeated_scripts(app, pagename, templatename, context, doctree) -> None:
    seen, unique = [], []
    for script in context.get("script_files", []):
        if _key(script) not in seen:
            seen.append(_key(script))
            unique.append(script)
    context["script_files"][:] = unique


def setup(app):
    app.connect("html-page-context", drop_repeated_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
