"""Build the course's site in every language, or extract its messages for the translators.

``python tools/book.py build [-W --keep-going ...]`` builds the English site into
``_build/html`` (``jupyter-book build .``, executing the notebooks into ``_build/.jupyter_cache``),
then each translated edition (:data:`EDITIONS`) into ``_build/html/<language>``: its config is
``_config.yml`` with the edition's keys merged in (:func:`merged`) and the English build's
execution cache, so it executes nothing. Options after ``build`` go to every ``jupyter-book
build``. ``--output DIR`` puts everything under ``DIR/_build`` instead (the benchmark's clean
build).

``python tools/book.py messages`` writes the message templates (``.pot``, one per page, with the
figures' alt texts) into ``_build/messages/_build/gettext`` from the same cache, and brings
every edition's catalogs in step with them (``sphinx-intl update``): new messages appear
untranslated, changed ones fuzzy. ``locale/README.md`` gives the translator's steps.
"""

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
#: Language -> the file of its config keys that differ from ``_config.yml``.
EDITIONS = {"ko": "_config.ko.yml"}
BIN = Path(sys.executable).parent


def merged(base: dict, override: dict) -> dict:
    """``base`` with ``override``'s keys, merged into nested mappings (other values replaced).

    >>> merged({"a": 1, "s": {"x": 1, "y": 2}}, {"s": {"y": 3}, "t": [1]})
    {'a': 1, 's': {'x': 1, 'y': 3}, 't': [1]}
    """
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


def write_config(path: Path, overrides: dict, cache: Path) -> Path:
    """Write ``_config.yml`` with ``overrides`` merged in and the execution cache set to
    ``cache``, to ``path``; return ``path``. The local extensions' folders, which Jupyter Book
    reads relative to the config file, become absolute."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config = merged(config, overrides)
    extensions = config["sphinx"]["local_extensions"]
    config = merged(
        config,
        {
            "execute": {"cache": str(cache.resolve())},
            "sphinx": {"local_extensions": {name: str(ROOT / p) for name, p in extensions.items()}},
        },
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def jupyter_book(*arguments: str) -> None:
    """Run ``jupyter-book ARGUMENTS`` in the repository's root; stop on failure."""
    command = [str(BIN / "jupyter-book"), *arguments]
    print("$", " ".join(command), flush=True)
    if subprocess.run(command, cwd=ROOT).returncode != 0:
        sys.exit(f"failed: {' '.join(command)}")


def build(output: Path, options: list[str]) -> None:
    """The English site into ``output/_build/html``, each edition into its ``<language>/``;
    prints each one's wall time (``en site built in 241.3 s``)."""
    build_dir = output / "_build"
    start = time.perf_counter()
    jupyter_book("build", ".", "--path-output", str(output), *options)
    print(f"en site built in {time.perf_counter() - start:.1f} s", flush=True)
    for language, overrides_file in EDITIONS.items():
        start = time.perf_counter()
        overrides = yaml.safe_load((ROOT / overrides_file).read_text(encoding="utf-8"))
        edition = build_dir / language
        config = write_config(edition / "_config.yml", overrides, build_dir / ".jupyter_cache")
        jupyter_book("build", ".", "--config", str(config), "--path-output", str(edition), *options)
        site = build_dir / "html" / language
        shutil.rmtree(site, ignore_errors=True)
        shutil.copytree(edition / "_build" / "html", site)
        print(f"{language} site built in {time.perf_counter() - start:.1f} s", flush=True)


def messages() -> None:
    """The .pot templates from the English text, then every edition's catalogs updated."""
    build_dir = ROOT / "_build"
    output = build_dir / "messages"
    config = write_config(output / "_config.yml", {}, build_dir / ".jupyter_cache")
    jupyter_book(
        "build", ".", "--config", str(config), "--path-output", str(output),
        "--builder", "custom", "--custom-builder", "gettext", "-W", "--keep-going",
    )  # fmt: skip
    templates = output / "_build" / "gettext"
    for language in EDITIONS:
        command = [str(BIN / "sphinx-intl"), "update", "-p", str(templates), "-l", language]
        subprocess.run([*command, "-d", str(ROOT / "locale")], cwd=ROOT, check=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="build every language's site")
    build_parser.add_argument("--output", type=Path, default=ROOT, help="default: the root")
    commands.add_parser("messages", help="extract the messages and update the catalogs")
    arguments, options = parser.parse_known_args(argv)
    if arguments.command == "build":
        build(arguments.output.resolve(), options)
    elif options:
        parser.error(f"messages takes no options: {options}")
    else:
        messages()


if __name__ == "__main__":
    main(sys.argv[1:])
