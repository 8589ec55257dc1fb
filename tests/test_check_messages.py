"""The checks' feedback in each language (``lib.checks.messages``): one table, every message in
every language with the same fields, every message used, and the checks speaking Korean when
the language is ``ko``."""

import math
import re
import string
from pathlib import Path

import numpy as np
import pytest

from lib import checks, network, stats
from lib.checks import messages
from lib.checks.messages import LANGUAGE_VARIABLE, LANGUAGES, MESSAGES, say

CHECKS_DIR = Path(checks.__file__).parent
HANGUL = re.compile("[가-힣]")


def _fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_has_every_language_with_the_same_fields(key):
    texts = MESSAGES[key]
    assert set(texts) == set(LANGUAGES)
    assert _fields(texts["ko"]) == _fields(texts["en"])
    assert HANGUL.search(texts["ko"]) and not HANGUL.search(texts["en"])


def test_every_message_is_used_and_every_key_used_exists():
    code = "\n".join(
        path.read_text(encoding="utf-8")
        for path in CHECKS_DIR.glob("*.py")
        if path.name != "messages.py"
    )
    used = set(re.findall(r'"((?:[a-z_0-9]+\.)*[a-z_0-9]+)"', code)) & set(MESSAGES)
    assert set(MESSAGES) - used == set(), "messages no check says"
    said = set(re.findall(r'say\(\s*"([^"]+)"', code))
    assert said - set(MESSAGES) == set(), "keys with no message"


def test_the_language_is_english_by_default(monkeypatch):
    monkeypatch.delenv(LANGUAGE_VARIABLE, raising=False)
    assert messages.language() == "en"


def test_set_language_refuses_a_language_the_course_does_not_have(monkeypatch):
    monkeypatch.delenv(LANGUAGE_VARIABLE, raising=False)
    with pytest.raises(ValueError, match="'fr' is not one of the course's: en, ko"):
        checks.set_language("fr")
    assert messages.language() == "en"


def test_an_unknown_language_in_the_environment_is_named(monkeypatch):
    monkeypatch.setenv(LANGUAGE_VARIABLE, "de")
    with pytest.raises(ValueError, match="WEIGHT_INIT_LANGUAGE='de'.*use one of en, ko"):
        say("value.right", what="x", got=1.0)


@pytest.fixture
def korean(monkeypatch):
    monkeypatch.setenv(LANGUAGE_VARIABLE, "ko")


def he_with_two_outside(shape, rng=None):
    fan_in = math.prod(shape[:-1])
    return np.random.default_rng(rng).normal(0.0, 2 / math.sqrt(fan_in), size=shape)


def test_check_init_names_the_mistake_in_korean(korean):
    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_init(he_with_two_outside, "he_normal", shapes=[(50, 200)])
    assert str(failure.value) == (
        "모양 (50, 200)의 he_normal: 표준편차의 기댓값은 0.2000(gain / sqrt(fan), gain = "
        "sqrt(2) for ReLU, fan_in=50, fan_out=200)인데 측정값은 0.2823입니다.\n"
        "가능성이 높은 실수: sqrt(2/fan_in) 대신 2/sqrt(fan_in)을 썼습니다. 2는 근호 안에 "
        "있어야 합니다(He 초기화 설명에서 흔히 보이는 오류입니다)."
    )


def test_a_right_answer_is_confirmed_in_korean(korean, capsys):
    checks.check_value(0.0625, 0.0625, what="표준편차")
    checks.check_fans(lambda shape: (math.prod(shape[:-1]), math.prod(shape[:-2]) * shape[-1]))
    assert capsys.readouterr().out.splitlines() == [
        "✓ 표준편차: 0.0625, 맞습니다.",
        "✓ fans: 모양 (50, 200), (200, 50), (3, 3, 16, 32)에서 모두 맞습니다.",
    ]


def test_check_layer_stds_diagnoses_in_korean(korean):
    widths = [100, 300, 100, 300, 100, 300]
    run = network.propagate("he_normal", "relu", depth=5, width=widths, rng=0)
    expected = [entry.std for entry in stats.layer_stats(run.activations)]
    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_layer_stds(
            "lecun_normal", expected, activation="relu", width=widths, n_samples=1000
        )
    message = str(failure.value)
    assert re.match(r"층 \d+: 여러분의 초기화로는 활성화값의 표준편차가", message)
    assert "기댓값의 표준편차는 층마다 거의 그대로입니다" in message
    assert "여러분의 값은 층마다 약 x0.71씩 작아집니다" in message
    assert "가능성이 높은 실수: 여러분의 초기화는 LeCun의 1 / sqrt(fan_in)" in message


def test_the_rbm_checks_name_a_mistake_in_korean(korean):
    def flipped_free_energy(v, w, visible_bias, hidden_bias):
        return v @ visible_bias + np.logaddexp(0.0, v @ w + hidden_bias).sum(axis=1)

    with pytest.raises(checks.CheckFailed, match="가능성이 높은 실수: 전체 부호가 뒤집혔습니다"):
        checks.check_free_energy(flipped_free_energy)
