"""Checks of the Korean edition's message catalogs (``locale/ko/LC_MESSAGES``).

Every message is translated and none is fuzzy, and a translation keeps what the build needs
from its English source: the same MyST roles with the same targets, the same inline code and
math, the same link targets and emphasis markers, and every decimal number it quotes. That the
catalogs hold every message of the current English text is checked by the Korean build itself
(``_ext/languages.py`` fails it on a message with no translation).
"""

import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
CATALOG_DIR = ROOT / "locale" / "ko" / "LC_MESSAGES"
CATALOGS = sorted(CATALOG_DIR.rglob("*.po"))
#: The pages of the book (_toc.yml): each has its catalog.
PAGES = ["intro", "practice_summary", "references"] + [
    path.stem for path in sorted((ROOT / "chapters").glob("*.ipynb"))
]

#: The translator comment (``# keep English: why``) of a message that stays in English on purpose.
KEEP_ENGLISH = "keep English"
_ROLE = re.compile(r"\{[\w:-]+\}`[^`]*`")
#: A role's name and target: ``{doc}`text <target>``` keeps ``{doc}<target>`` (the text is
#: translated), any other role its whole content (``{cite}`keys```).
_ROLE_TARGET = re.compile(r"(\{[\w:-]+\})`(?:[^`<]*<([^`>]+)>|([^`]*))`")
_CODE = re.compile(r"(?<![}`])`[^`]+`")
_MATH = re.compile(r"\$\$.+?\$\$|\$[^$]+\$", re.DOTALL)
_LINK_TARGET = re.compile(r"\]\(([^)\s]+)\)|<(https?://[^>]+)>")
_DECIMAL = re.compile(r"(?<![\w.])\d+\.\d+(?:e[-+]?\d+)?")
_COMMONMARK = MarkdownIt("commonmark")


def emphasis(text: str) -> Counter:
    """The emphasis ``text`` renders with: CommonMark's ``*`` opens and closes only at word
    edges, so ``**이득(gain)**을`` (a particle after ``)**``) shows its asterisks instead.

    >>> emphasis("**bold**(x)를 and *it*"), emphasis("**이득(gain)**을")
    (Counter({'strong': 1, 'em': 1}), Counter())
    """
    kinds = Counter()
    for token in _COMMONMARK.parseInline(text):
        kinds.update(child.type.removesuffix("_open") for child in token.children or [])
    return Counter({kind: kinds[kind] for kind in ("strong", "em") if kinds[kind]})


def markup(text: str) -> dict[str, Counter]:
    """What a translation must keep from ``text``: roles (with their targets), inline code,
    math, link targets, the number of ``**`` markers, and decimal numbers.

    >>> markup("see {cite}`he2015` and {doc}`chapter 1 <chapters/01>`")["roles"]
    Counter({'{cite}he2015': 1, '{doc}chapters/01': 1})
    """
    without_roles = _ROLE.sub(" ", text)
    without_math = _MATH.sub(" ", without_roles)
    return {
        "roles": Counter(
            name + (target or whole) for name, target, whole in _ROLE_TARGET.findall(text)
        ),
        "math": Counter(match.strip() for match in _MATH.findall(without_roles)),
        "inline code": Counter(_CODE.findall(without_math)),
        "link targets": Counter("".join(pair) for pair in _LINK_TARGET.findall(without_math)),
        "bold markers": Counter({"**": without_math.count("**")}),
        "emphasis": emphasis(text),
        "decimal numbers": Counter(_DECIMAL.findall(without_math)),
    }


def markup_differences(msgid: str, msgstr: str) -> list[str]:
    """Each kind of markup in which ``msgstr`` differs from ``msgid``, with what is missing
    and what is extra (decimal numbers may repeat in the translation, never go missing)."""
    source, translation = markup(msgid), markup(msgstr)
    problems = []
    for kind, wanted in source.items():
        got = translation[kind]
        missing, extra = wanted - got, got - wanted
        if kind == "decimal numbers":
            missing, extra = Counter(set(wanted) - set(got)), Counter(set(got) - set(wanted))
        if kind == "emphasis":  # a book title set in 『』, the Korean way, stands for italics
            missing -= Counter({"em": msgstr.count("『")})
        if missing or extra:
            problems.append(f"{kind}: missing {sorted(missing)}, extra {sorted(extra)}")
    return problems


def _entries(path: Path) -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(path)) if not entry.obsolete]


def test_every_page_has_a_catalog():
    names = {path.relative_to(CATALOG_DIR).with_suffix("").name for path in CATALOGS}
    assert names == set(PAGES)


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.stem)
def test_every_message_is_translated_and_none_is_fuzzy(path):
    catalog = polib.pofile(str(path))
    untranslated = [entry.msgid[:70] for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid[:70] for entry in catalog.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated in {path.name}: {untranslated}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {path.name} (check, then drop the flag): {fuzzy}"


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.stem)
def test_translations_keep_roles_math_code_and_links(path):
    broken = {
        entry.msgid[:70]: problems
        for entry in _entries(path)
        if entry.msgstr and (problems := markup_differences(entry.msgid, entry.msgstr))
    }
    assert not broken, f"{path.name}: {broken}"


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.stem)
def test_translations_are_korean(path):
    """A translation without Hangul is allowed for a name of up to three words (a heading such
    as "Xavier/Glorot" or "LSUV"), and for a message whose translator comment starts with
    :data:`KEEP_ENGLISH` (the glossary's English column)."""
    english = [
        entry.msgid[:70]
        for entry in _entries(path)
        if entry.msgstr
        and not re.search("[\uac00-\ud7a3]", entry.msgstr)
        and len(entry.msgid.split()) > 3
        and not entry.tcomment.startswith(KEEP_ENGLISH)
    ]
    assert not english, f"{path.name}: msgstr without Korean for {english}"


@pytest.mark.parametrize(
    ("msgid", "msgstr", "kind"),
    [
        ("as {cite}`glorot2010` showed", "{cite}`glorot2010`에서 보였듯이", None),
        ("as {cite}`glorot2010` showed", "{cite}`glorot2011`에서 보였듯이", "roles"),
        ("in {doc}`chapter 1 <ch/01>`", "{doc}`1장 <ch/01>`에서", None),
        ("in {doc}`chapter 1 <ch/01>`", "{doc}`1장 <ch/02>`에서", "roles"),
        ("the sum $z$ of terms", "항들의 합 z", "math"),
        ("call `propagate`", "`propagate` 호출", None),
        ("call `propagate`", "propagate 호출", "inline code"),
        ("see [chapter 1](01.md)", "[1장](01.md) 참고", None),
        ("see [chapter 1](01.md)", "[1장](02.md) 참고", "link targets"),
        ("**zeros** stay", "0은 그대로", "bold markers, emphasis"),
        ("the **gain** (a number)", "**이득(gain)**이라는 수", "emphasis"),
        ("the **gain** (a number)", "**이득**(gain)이라는 수", None),
        ("in *Deep Learning from Scratch*", "『밑바닥부터 시작하는 딥러닝』에서", None),
        ("accuracy 0.102", "정확도 0.12", "decimal numbers"),
    ],
)
def test_markup_differences_name_what_changed(msgid, msgstr, kind):
    problems = markup_differences(msgid, msgstr)
    if kind is None:
        assert problems == []
    else:
        assert [problem.split(":")[0] for problem in problems] == kind.split(", ")


# --- the instructors' guide to the homework (not a page of the book) ---------------------------

GUIDE, GUIDE_KO = ROOT / "homework" / "README.md", ROOT / "homework" / "README.ko.md"
_FENCE = re.compile(r"^ *```.*?^ *```", re.MULTILINE | re.DOTALL)
_SOURCE_HASH = re.compile(r"<!-- translated from README\.md, sha256 ([0-9a-f]{64}) -->")


def _structure(text: str) -> dict:
    prose = _FENCE.sub("", text)
    return {
        "heading levels": [len(h) for h in re.findall(r"^(#+) ", prose, re.MULTILINE)],
        "code blocks": _FENCE.findall(text),
        # Each guide links to the other.
        "link targets": sorted(
            target
            for target in (m[0] or m[1] for m in _LINK_TARGET.findall(prose))
            if target not in ("README.md", "README.ko.md")
        ),
        "inline code": sorted(set(_CODE.findall(prose))),
    }


def test_homework_guide_has_a_korean_translation_of_the_current_english():
    """``homework/README.ko.md`` names the SHA-256 of the ``README.md`` it translates: after an
    English change, update the translation and the hash (``sha256sum homework/README.md``)."""
    import hashlib

    korean = GUIDE_KO.read_text(encoding="utf-8")
    found = _SOURCE_HASH.search(korean)
    assert found, "README.ko.md must name the README.md it translates (see this test)"
    current = hashlib.sha256(GUIDE.read_bytes()).hexdigest()
    assert found.group(1) == current, "README.md changed since README.ko.md was translated"


def test_homework_guide_translation_keeps_headings_code_links_and_names():
    english, korean = _structure(GUIDE.read_text()), _structure(GUIDE_KO.read_text())
    for kind in english:
        assert korean[kind] == english[kind], f"README.ko.md differs from README.md in {kind}"
    prose = _FENCE.sub("", GUIDE_KO.read_text(encoding="utf-8"))
    paragraphs = [p for p in prose.split("\n\n") if len(re.findall(r"[A-Za-z]{2,}", p)) > 12]
    untranslated = [p[:70] for p in paragraphs if not re.search("[\uac00-\ud7a3]", p)]
    assert not untranslated, f"README.ko.md paragraphs left in English: {untranslated}"
