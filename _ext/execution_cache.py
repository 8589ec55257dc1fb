"""Sphinx extension: cached notebook outputs are never stale.

The book executes its notebooks into a jupyter-cache (``execute_notebooks: cache``), so that
one execution serves every build that shares the cache: ``tools/book.py`` points the Korean
build and the message extraction at the English build's cache, and they execute nothing.
jupyter-cache keys a notebook on its code cells only, so a change in ``lib`` would go unseen and
a page would show outputs of the old code. The cache therefore keeps the hash of ``lib`` and
``pyproject.toml`` it was filled with (:data:`STAMP`) and is emptied when they change.
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
        if cache.is_dir() and any(cache.iterdir()) and not (cache / "global.db").is_file():
            raise ValueError(f"the execution cache {cache} holds files but no jupyter-cache")
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir(parents=True)
        stamp.write_text(current)
    config.nb_execution_cache_path = str(cache)


def setup(app):
    # Before myst-nb reads its configuration.
    app.connect("config-inited", empty_stale_cache, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
