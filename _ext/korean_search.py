"""Sphinx extension: search for the Korean edition.

Sphinx has no Korean search language; with English's, a Korean page's words are indexed as
written, particles and endings included (``포화를``, ``포화되어``), so a reader who searches for
``포화`` finds only the places where the bare word stands alone. :class:`SearchKorean` indexes
and searches a Korean word by its stem (:func:`korean_stem`: particles and the endings of
``하다``/``되다`` removed) and any other word as English does (Porter stemmer, also after a
particle: ``Xavier는``): ``포화를``, ``포화되어`` and ``포화`` are one entry. The same rule
runs in the reader's browser
(:data:`JS_STEMMER`, from the same :data:`ENDINGS`), so a query is stemmed as the pages were.
"""

import json
import re

from sphinx.search.en import SearchEnglish, js_porter_stemmer

#: The plural suffix, particles (조사) and the copula that follow a noun (가중치들의, 분산이므로).
PARTICLES = (
    "들 은 는 이 가 을 를 의 에 와 과 도 만 로 으로 에서 에게 에는 에서는 에도 에서도 으로는 "
    "로는 와는 과는 까지 부터 보다 처럼 마다 만큼 뿐 이나 나 이든 든 이며 이고 이면 이라 "
    "이라는 라는 으로서 로서 으로써 로써 이다 입니다 인 이므로 므로"
)
#: The forms of 하다, 되다 and 시키다 that turn a noun into a verb (초기화하면, 포화되어).
VERB_ENDINGS = (
    "하다 합니다 했습니다 하는 한 할 하고 하면 하며 하여 해 해서 해야 하지 하므로 하세요 "
    "되다 됩니다 되었습니다 되는 된 될 되고 되면 되며 되어 돼 되지 되므로 "
    "시키다 시킵니다 시키는 시킨 시켜"
)
#: What a Korean word may end in after its stem, the longest first.
ENDINGS = tuple(sorted(set(f"{PARTICLES} {VERB_ENDINGS}".split()), key=lambda e: (-len(e), e)))
#: A stem keeps at least this many syllables (``차이`` is not ``차`` + ``이``).
MIN_STEM = 2
_HANGUL = re.compile("[가-힣]")


def korean_stem(word: str) -> str:
    """``word`` without its particles and endings, as long as its stem keeps :data:`MIN_STEM`
    syllables; the longest ending goes first, then again on what is left.

    >>> [korean_stem(w) for w in ("포화를", "포화되어", "포화", "정확도가", "차이가", "층의")]
    ['포화', '포화', '포화', '정확', '차이', '층의']
    >>> korean_stem("가중치들의"), korean_stem("가중치뿐이므로")
    ('가중치', '가중치')
    """
    stripped = True
    while stripped:
        stripped = False
        for ending in ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
                word, stripped = word[: -len(ending)], True
                break
    return word


#: The browser's stemmer, as :meth:`SearchKorean.stem`.
JS_STEMMER = js_porter_stemmer.replace("var Stemmer = function", "var PorterStemmer = function") + (
    """
/**
 * Korean: particles and endings removed (_ext/korean_search.py); other words: Porter.
 */
var Stemmer = function() {
  const porter = new PorterStemmer();
  const endings = ENDINGS;
  const minStem = MIN_STEM;
  this.stemWord = function(w) {
    let stripped = true;
    while (stripped) {
      stripped = false;
      for (const ending of endings) {
        if (w.endsWith(ending) && w.length - ending.length >= minStem) {
          w = w.slice(0, w.length - ending.length);
          stripped = true;
          break;
        }
      }
    }
    return /[\\uac00-\\ud7a3]/.test(w) ? w : porter.stemWord(w);
  };
};
""".replace("ENDINGS", json.dumps(ENDINGS, ensure_ascii=False)).replace("MIN_STEM", str(MIN_STEM))
)


class SearchKorean(SearchEnglish):
    """Sphinx's English search with Korean words stemmed by :func:`korean_stem`: a word loses
    its Korean particles and endings, and what is left without Hangul (``initializers`` of
    ``initializers를``) is stemmed as English."""

    lang = "ko"
    language_name = "Korean"
    js_stemmer_code = JS_STEMMER

    def stem(self, word: str) -> str:
        word = korean_stem(word)
        return word if _HANGUL.search(word) else super().stem(word)


def setup(app):
    app.add_search_language(SearchKorean)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
