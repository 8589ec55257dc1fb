"""The Korean edition's search (``_ext/korean_search.py``): a Korean word is indexed and
searched by its stem, any other word as in the English edition. (That the reader's browser
stems a query the same way is checked on the built site: ``tests/site``.)"""

import io
import json
import sys
from pathlib import Path

import pytest
from sphinx.application import Sphinx
from sphinx.search.en import SearchEnglish

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))

from korean_search import ENDINGS, SearchKorean, korean_stem  # noqa: E402


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("포화를", "포화"),
        ("포화되어", "포화"),
        ("초기화하면", "초기화"),
        ("가중치들의", "가중치"),
        ("분산이므로", "분산"),  # 이므로 before 로: 분산이므 would be left
        ("정확도가", "정확"),
        ("Xavier는", "Xavier"),
    ],
)
def test_a_word_loses_its_particles_and_endings(word, stem):
    assert korean_stem(word) == stem


@pytest.mark.parametrize("word", ["차이", "유도", "층의", "평가", "포화"])
def test_a_stem_keeps_two_syllables(word):
    """A two-syllable word whose last syllable looks like a particle is left whole, so the
    word with a particle (차이가) has the same stem as the word alone (차이)."""
    assert korean_stem(word) == word
    assert korean_stem(word + "가") == word


def test_other_words_are_stemmed_as_in_english():
    korean, english = SearchKorean({}), SearchEnglish({})
    for word in ("initializers", "saturation", "gradients", "ReLU", "fan_in"):
        assert korean.stem(word) == english.stem(word)


def test_the_search_index_holds_stems(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "conf.py").write_text("")
    (source / "index.rst").write_text(
        "제목\n====\n\n포화를 피하려면 가중치들을 초기화합니다. Xavier는 initializers를 씁니다.\n",
        encoding="utf-8",
    )
    app = Sphinx(
        str(source), str(source), str(tmp_path / "out"), str(tmp_path / "doctrees"), "html",
        confoverrides={"language": "ko", "extensions": ["korean_search"]},
        status=None, warning=io.StringIO(), freshenv=True,
    )  # fmt: skip
    app.build()
    index = (tmp_path / "out" / "searchindex.js").read_text(encoding="utf-8")
    terms = json.loads(index[index.index("(") + 1 : index.rindex(")")])["terms"]
    assert {"포화", "가중치", "초기화", "xavier", "initi"} <= set(terms)
    assert not {"포화를", "가중치들을", "초기화합니다", "xavier는"} & set(terms)
    script = (tmp_path / "out" / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert (
        "var PorterStemmer = function" in script
        and json.dumps(ENDINGS[0], ensure_ascii=False) in script
    )
