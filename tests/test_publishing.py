"""What a reader, an instructor or a contributor meets before the course itself: the licenses
and how to cite it, Binder's environment, the publishing workflow, the README's test command
and what it leaves out, and the contributing guide (issue 15)."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
REPOSITORY = CONFIG["repository"]["url"]


def readme_commands():
    """The README's two fenced bash blocks: the build command, then the test command."""
    text = (ROOT / "README.md").read_text()
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S)]


# --- licenses and citation ---------------------------------------------------------------------


def test_code_is_under_mit_and_text_under_cc_by():
    code = (ROOT / "LICENSE").read_text()
    assert code.startswith("MIT License")
    assert "Permission is hereby granted, free of charge" in code
    for covered in ("lib/", "tests/", "bench/", "tools/", "_ext/", "_js/", ".ci/", "code cells"):
        assert covered in code, f"LICENSE does not say it covers {covered}"
    text = (ROOT / "LICENSE-text").read_text()
    assert "Creative Commons Attribution 4.0 International" in text
    assert "https://creativecommons.org/licenses/by/4.0/legalcode" in text
    for covered in ("figures", "Markdown cells", "_vendor/"):
        assert covered in text, f"LICENSE-text does not say what it does about {covered}"


def test_citation_cff_names_the_course_at_pyprojects_version():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    for key in ("cff-version", "message", "title", "authors", "version", "license"):
        assert key in citation, f"CITATION.cff lacks {key}"
    assert citation["cff-version"] == "1.2.0"
    assert citation["title"] == CONFIG["title"]
    assert citation["authors"] == [{"name": "The Weight Initialization Course contributors"}]
    # YAML reads 0.1 as a float: the version must be a string, and pyproject's.
    assert citation["version"] == PYPROJECT["project"]["version"]
    assert citation["license"] == "MIT"
    assert citation["repository-code"] == REPOSITORY
    owner, name = REPOSITORY.removeprefix("https://github.com/").split("/")
    assert citation["url"] == f"https://{owner}.github.io/{name}/", "the site deploys to Pages"
    preferred = citation["preferred-citation"]
    assert preferred["type"] in {"book", "generic"}
    assert preferred["title"] == citation["title"]
    assert preferred["authors"] == citation["authors"]


def test_every_page_names_both_licenses_in_the_footer():
    footer = CONFIG["html"]["extra_footer"]
    assert "CC BY 4.0" in footer and "https://creativecommons.org/licenses/by/4.0/" in footer
    assert "MIT License" in footer and f"{REPOSITORY}/blob/main/LICENSE" in footer


def test_readme_has_a_license_section():
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## License\n", 1)
    assert len(section) == 2, "README.md has no '## License' section"
    body = section[1].split("\n## ", 1)[0]
    for needed in ("MIT License", "(LICENSE)", "CC BY 4.0", "(LICENSE-text)", "CITATION.cff"):
        assert needed in body, f"README's License section does not mention {needed}"
