"""Sphinx extension: cached notebook outputs are never stale.

The book executes its notebooks into a jupyter-cache (``execute_notebooks: cache``), so that
one execution serves every build that shares the cache: ``tools/book.py`` points the Korean
build and the message extraction at the English build's cache, and they execute nothing.
jupyter-cache keys a notebook on its code cells only, so a change in ``lib`` would go unseen and
a page would show outputs of the old code. The cache therefore keeps the hash of ``lib`` and
``pyproject.toml`` it was filled with (:data:`STAMP`) and is emptied when they change; and each
build's environment keeps the hash its notebooks were read with, so that after a change in
``lib`` every notebook is read (and executed) again, though its own file did not change.
"""

import hashlib
import shutil
from pathlib import Path

#: The file in the cache that names the code the cached outputs came from.
STAMP = "course-code.sha256"


def code_hash(root: Path) -> str:
    """SHA-256 over the path and bytes of every ``lib/**/*.py`` file and ``pyproject.toml``."""
    digest = hashlib.sha256()
    for path in sorted((root / "lib").rglob("*.py")) + [root / "pyproject.toml"]:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def empty_stale_cache(app, config) -> None:
    """Empty the build's execution cache if other code filled it, and name it for myst-nb.

    The cache is ``execute: cache:`` of the configuration, else myst-nb's default next to the
    output folder (``_build/.jupyter_cache``).
    """
    cache = Path(config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache")
    stamp, current = cache / STAMP, code_hash(Path(app.srcdir))
    if not stamp.is_file() or stamp.read_text() != current:
        others = [path for path in cache.glob("*") if path.name != STAMP]
        if others and not (cache / "global.db").is_file():
            raise ValueError(f"the execution cache {cache} holds files but no jupyter-cache")
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir(parents=True)
        stamp.write_text(current)
    config.nb_execution_cache_path = str(cache)


def notebooks_read_with_other_code(app, env, added, changed, removed) -> list[str]:
    """The notebooks to read again: all of them, when the environment read them with other code
    than :func:`code_hash` gives now (:func:`remember_code`)."""
    if getattr(env, "course_code_hash", None) == code_hash(Path(app.srcdir)):
        return []
    return sorted(
        docname
        for docname in env.found_docs - added - changed - removed
        if Path(env.doc2path(docname)).suffix == ".ipynb"
    )


def remember_code(app, env) -> None:
    """Record in the environment the code its notebooks were just read with."""
    env.course_code_hash = code_hash(Path(app.srcdir))


def setup(app):
    # Before myst-nb reads its configuration.
    app.connect("config-inited", empty_stale_cache, priority=100)
    app.connect("env-get-outdated", notebooks_read_with_other_code)
    app.connect("env-updated", remember_code)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
