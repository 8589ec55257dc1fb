"""Everything the checks say, in each language of the course: one table, :data:`MESSAGES`.

A check never writes its feedback inline: it calls :func:`say` with a key of :data:`MESSAGES`
and the values to fill in (``str.format`` fields), and gets the text in the current language.
The language is the environment variable :data:`LANGUAGE_VARIABLE` (``en`` when unset), so a
notebook chooses it before or after importing ``lib``; the Korean edition's notebooks set it to
``ko`` in their first cell. :func:`set_language` does the same from Python.

>>> set_language("ko")
>>> say("value.right", what="std", got=0.0625)
'✓ std: 0.0625, 맞습니다.'
>>> set_language("en")
>>> say("value.right", what="std", got=0.0625)
'✓ std: 0.0625 is right.'
"""

import os

#: The environment variable that holds the language of the feedback.
LANGUAGE_VARIABLE = "WEIGHT_INIT_LANGUAGE"
#: The languages every message has.
LANGUAGES = ("en", "ko")

#: Key -> {language: ``str.format`` template}. A key's first word names the check it belongs to.
MESSAGES: dict[str, dict[str, str]] = {
    # --- lib.checks.failure, lib.checks.guard ----------------------------------------------
    "failure.your_code_raised": {
        "en": "Your code raised {error} in {function}, line {line}: {code}",
        "ko": "여러분의 코드 {function}의 {line}번째 줄에서 {error}가 발생했습니다: {code}",
    },
    "guard.your_function_named": {
        "en": "your function {name}",
        "ko": "여러분의 함수 {name}",
    },
    "guard.your_function": {"en": "your function", "ko": "여러분의 함수"},
    "guard.is_lib": {
        "en": "{who} is the course's own {called}. In this assignment you write it yourself "
        "with numpy (and the helpers the assignment names); a function that calls lib scores 0 "
        "for this item.",
        "ko": "{who}은(는) 강의 패키지의 {called} 그 자체입니다. 이 과제에서는 numpy로"
        "(그리고 과제가 허용한 보조 함수로) 직접 작성해야 합니다. "
        "lib을 호출하는 함수는 이 항목에서 0점입니다.",
    },
    "guard.calls_lib": {
        "en": "{who} calls {called} from the course package. In this assignment you write it "
        "yourself with numpy (and the helpers the assignment names); a function that calls lib "
        "scores 0 for this item.",
        "ko": "{who}에서 강의 패키지의 {called}을(를) 호출합니다. 이 과제에서는 numpy로"
        "(그리고 과제가 허용한 보조 함수로) 직접 작성해야 합니다. "
        "lib을 호출하는 함수는 이 항목에서 0점입니다.",
    },
    "likely_mistake": {
        "en": "\nLikely mistake: {mistake}.",
        "ko": "\n가능성이 높은 실수: {mistake}.",
    },
    # --- lib.checks.values ------------------------------------------------------------------
    "value.not_a_number": {
        "en": "{what}: expected a number, got {got!r}",
        "ko": "{what}: 숫자여야 하는데 받은 값은 {got!r}입니다",
    },
    "value.not_finite": {
        "en": "{what}: expected {expected:.4g}, got {got}",
        "ko": "{what}: 기댓값은 {expected:.4g}인데 결과는 {got}입니다",
    },
    "value.right": {"en": "✓ {what}: {got:.4g} is right.", "ko": "✓ {what}: {got:.4g}, 맞습니다."},
    "value.wrong": {
        "en": "{what}: expected {expected:.4g}, got {got:.4g}.",
        "ko": "{what}: 기댓값은 {expected:.4g}인데 결과는 {got:.4g}입니다.",
    },
    "value.at_least": {
        "en": "✓ {what}: {got:.4g} (at least {minimum:.4g}).",
        "ko": "✓ {what}: {got:.4g}({minimum:.4g} 이상).",
    },
    "value.below": {
        "en": "{what}: expected at least {minimum:.4g}, got {got:.4g}.",
        "ko": "{what}: {minimum:.4g} 이상이어야 하는데 결과는 {got:.4g}입니다.",
    },
    # --- lib.checks.initializers: the mistakes a std is compared with -----------------------
    "init.mistake.swapped": {
        "en": "fans swapped: the formula needs fan_in = shape[-2] (times the receptive field), but "
        "you used fan_out; in this course W has shape (fan_in, fan_out)",
        "ko": "fan이 뒤바뀌었습니다. 식에는 fan_in = shape[-2](에 수용 영역을 곱한 값)가 들어가야 "
        "하는데 fan_out을 썼습니다. 이 강의에서 W의 모양은 (fan_in, fan_out)입니다",
    },
    "init.mistake.no_field": {
        "en": "the receptive field is missing: for a conv kernel (kh, kw, in, out), "
        "fan_in = kh * kw * in and fan_out = kh * kw * out",
        "ko": "수용 영역이 빠졌습니다. 합성곱 커널 (kh, kw, in, out)에서는 "
        "fan_in = kh * kw * in, fan_out = kh * kw * out입니다",
    },
    "init.mistake.lecun_variance": {
        "en": "the square root is missing: you used the variance 1/fan_in as the std",
        "ko": "제곱근이 빠졌습니다. 분산 1/fan_in을 표준편차로 썼습니다",
    },
    "init.mistake.lecun_is_xavier": {
        "en": "that is Xavier's sqrt(2 / (fan_in + fan_out)), not LeCun's 1/sqrt(fan_in)",
        "ko": "그것은 LeCun의 1/sqrt(fan_in)이 아니라 Xavier의 sqrt(2 / (fan_in + fan_out))입니다",
    },
    "init.mistake.lecun_is_he": {
        "en": "that is He's sqrt(2 / fan_in): LeCun has no factor 2",
        "ko": "그것은 He의 sqrt(2 / fan_in)입니다. LeCun에는 2라는 인수가 없습니다",
    },
    "init.mistake.xavier_variance": {
        "en": "the square root is missing: you used the variance 2/(fan_in + fan_out) as the std",
        "ko": "제곱근이 빠졌습니다. 분산 2/(fan_in + fan_out)을 표준편차로 썼습니다",
    },
    "init.mistake.xavier_no_two": {
        "en": "the factor 2 is missing: Var(W) = 2 / (fan_in + fan_out), the harmonic mean of "
        "1/fan_in and 1/fan_out",
        "ko": "인수 2가 빠졌습니다. Var(W) = 2 / (fan_in + fan_out)은 1/fan_in과 1/fan_out의 "
        "조화 평균입니다",
    },
    "init.mistake.xavier_is_lecun": {
        "en": "that is LeCun's 1/sqrt(fan_in), which many texts wrongly call Xavier; Xavier "
        "averages both fans",
        "ko": "그것은 많은 책이 Xavier라고 잘못 부르는 LeCun의 1/sqrt(fan_in)입니다. Xavier는 "
        "두 fan을 평균합니다",
    },
    "init.mistake.xavier_is_he": {
        "en": "that is He's sqrt(2 / fan_in), made for ReLU networks (a ReLU zeroes half of its "
        "inputs, so He doubles the variance); a sigmoid or tanh network needs Xavier's "
        "sqrt(2 / (fan_in + fan_out))",
        "ko": "그것은 ReLU 신경망을 위한 He의 sqrt(2 / fan_in)입니다(ReLU는 입력의 절반을 0으로 "
        "만들므로 He는 분산을 두 배로 합니다). 시그모이드나 tanh 신경망에는 Xavier의 "
        "sqrt(2 / (fan_in + fan_out))이 필요합니다",
    },
    "init.mistake.he_two_outside": {
        "en": "2/sqrt(fan_in) instead of sqrt(2/fan_in): the 2 belongs under the root (a common "
        "error in explanations of He init)",
        "ko": "sqrt(2/fan_in) 대신 2/sqrt(fan_in)을 썼습니다. 2는 근호 안에 있어야 합니다(He "
        "초기화 설명에서 흔히 보이는 오류입니다)",
    },
    "init.mistake.he_variance": {
        "en": "the square root is missing: you used the variance 2/fan_in as the std",
        "ko": "제곱근이 빠졌습니다. 분산 2/fan_in을 표준편차로 썼습니다",
    },
    "init.mistake.he_no_two": {
        "en": "the factor 2 is missing: that is LeCun's 1/sqrt(fan_in); ReLU halves the second "
        "moment, so He doubles the variance",
        "ko": "인수 2가 빠졌습니다. 그것은 LeCun의 1/sqrt(fan_in)입니다. ReLU는 2차 모멘트를 "
        "절반으로 줄이므로 He는 분산을 두 배로 합니다",
    },
    "init.mistake.he_is_xavier": {
        "en": "that is Xavier's sqrt(2 / (fan_in + fan_out)), made for tanh and sigmoid "
        "networks; a ReLU zeroes half of its inputs, so He uses sqrt(2 / fan_in)",
        "ko": "그것은 tanh와 시그모이드 신경망을 위한 Xavier의 sqrt(2 / (fan_in + fan_out))입니다. "
        "ReLU는 입력의 절반을 0으로 만들므로 He는 sqrt(2 / fan_in)을 씁니다",
    },
    "init.mistake.standard_normal": {
        "en": "std 1 on every shape: those are standard normal weights, N(0, 1); the std must "
        "shrink as the fans grow",
        "ko": "모든 모양에서 표준편차가 1입니다. 그것은 표준정규분포 N(0, 1)의 가중치입니다. "
        "표준편차는 fan이 커질수록 작아져야 합니다",
    },
    "init.mistake.uniform_unscaled": {
        "en": "the uniform bound is not scaled by sqrt(3): U(-a, a) has std a/sqrt(3), so "
        "a = sqrt(3) * std",
        "ko": "균등분포의 경계에 sqrt(3)을 곱하지 않았습니다. U(-a, a)의 표준편차는 a/sqrt(3)"
        "이므로 a = sqrt(3) * std입니다",
    },
    "init.mistake.uniform_twice": {
        "en": "the bound was scaled by sqrt(3) twice, or by 3",
        "ko": "경계에 sqrt(3)을 두 번 곱했거나 3을 곱했습니다",
    },
    "init.mistake.constant_factor": {
        "en": "your std is {ratio:.3f} times the expected one on every shape: check the "
        "constant factor (gain, 2, 6, sqrt(3))",
        "ko": "모든 모양에서 표준편차가 기댓값의 {ratio:.3f}배입니다. 상수 인수(이득, 2, 6, "
        "sqrt(3))를 확인하세요",
    },
    "init.mistake.unknown": {
        "en": "your std is none of the usual wrong formulas; measured / expected is {ratios}: a "
        "ratio that changes from shape to shape means your formula depends on the fans "
        "differently from {formula}",
        "ko": "표준편차가 흔히 틀리는 식 어느 것과도 맞지 않습니다. 측정값 / 기댓값은 "
        "{ratios}입니다. 이 비율이 모양마다 다르다면 여러분의 식은 {formula}와 다른 방식으로 "
        "fan에 의존합니다",
    },
    "init.ratio_on_shape": {"en": "{ratio:.2f} on {shape}", "ko": "{shape}에서 {ratio:.2f}"},
    # --- lib.checks.initializers: what is wrong with the weights ----------------------------
    "init.call_failed": {
        "en": "calling your function as fn({shape}, rng=<Generator>) failed with TypeError: "
        "{error}. Write it as def fn(shape, rng=None): ...",
        "ko": "여러분의 함수를 fn({shape}, rng=<Generator>)로 호출하자 TypeError가 났습니다: "
        "{error}. def fn(shape, rng=None): ... 형태로 작성하세요",
    },
    "init.not_an_array": {
        "en": "on shape {shape} your function returned {type}; expected a numpy array",
        "ko": "모양 {shape}에서 여러분의 함수가 {type}을(를) 반환했습니다. numpy 배열이어야 합니다",
    },
    "init.wrong_shape": {
        "en": "expected an array of shape {shape}, got shape {got}.",
        "ko": "모양이 {shape}인 배열이어야 하는데 받은 배열의 모양은 {got}입니다.",
    },
    "init.torch_layout": {
        "en": " Did you use PyTorch's (out, in) layout? Here W is (fan_in, fan_out).",
        "ko": " PyTorch의 (out, in) 배치를 쓰지 않았나요? 여기서 W는 (fan_in, fan_out)입니다.",
    },
    "init.not_finite": {
        "en": "on shape {shape} your weights contain NaN or inf",
        "ko": "모양 {shape}에서 가중치에 NaN이나 inf가 있습니다",
    },
    "init.global_rng": {
        "en": "two calls with generators seeded alike gave different weights: draw every random "
        "number from the rng argument (rng = np.random.default_rng(rng)), not from np.random's "
        "global state",
        "ko": "같은 시드의 생성기로 두 번 호출했는데 가중치가 달랐습니다. 모든 난수를 "
        "np.random의 전역 상태가 아니라 rng 인수(rng = np.random.default_rng(rng))에서 "
        "뽑으세요",
    },
    "init.looks_normal": {
        "en": "{name} on shape {shape}: the weights look normally distributed (kurtosis "
        "{kurtosis:.2f}, a uniform gives 1.8); draw from U(-a, a)",
        "ko": "모양 {shape}의 {name}: 가중치가 정규분포처럼 보입니다(첨도 {kurtosis:.2f}, "
        "균등분포라면 1.8). U(-a, a)에서 뽑으세요",
    },
    "init.looks_uniform": {
        "en": "{name} on shape {shape}: the weights look uniformly distributed (kurtosis "
        "{kurtosis:.2f}, a normal gives 3.0); draw from a normal distribution",
        "ko": "모양 {shape}의 {name}: 가중치가 균등분포처럼 보입니다(첨도 {kurtosis:.2f}, "
        "정규분포라면 3.0). 정규분포에서 뽑으세요",
    },
    "init.not_orthogonal": {
        "en": "orthogonal on shape {shape}: W.T @ W (or W @ W.T for wide W) should be gain^2 * "
        "I, but it is off by {error:.3g}; orthonormalize with np.linalg.qr",
        "ko": "모양 {shape}의 orthogonal: W.T @ W(W가 가로로 길면 W @ W.T)는 gain^2 * I여야 "
        "하는데 {error:.3g}만큼 벗어납니다. np.linalg.qr로 정규직교화하세요",
    },
    "init.not_zeros": {
        "en": "{name} on shape {shape}: expected all zeros",
        "ko": "모양 {shape}의 {name}: 모두 0이어야 합니다",
    },
    "init.off_centre": {
        "en": "{name} on shape {shape}: the mean is {mean:.4f}, expected about {expected}; the "
        "weights must be centred on it",
        "ko": "모양 {shape}의 {name}: 평균이 {mean:.4f}인데 {expected} 근처여야 합니다. "
        "가중치의 중심을 그 값에 맞추세요",
    },
    "init.wrong_std": {
        "en": "{name} on shape {shape}: expected std {expected:.4f} ({formula}, "
        "fan_in={fan_in}, fan_out={fan_out}), measured {measured:.4f}.",
        "ko": "모양 {shape}의 {name}: 표준편차의 기댓값은 {expected:.4f}({formula}, "
        "fan_in={fan_in}, fan_out={fan_out})인데 측정값은 {measured:.4f}입니다.",
    },
    "init.correct": {
        "en": "✓ {name}: correct on shapes {shapes}.",
        "ko": "✓ {name}: 모양 {shapes}에서 모두 맞습니다.",
    },
    "fans.not_two_ints": {
        "en": "fans({shape}) should return two ints (fan_in, fan_out); it failed with "
        "{error_type}: {error}",
        "ko": "fans({shape})는 정수 두 개 (fan_in, fan_out)를 반환해야 하는데 {error_type} "
        "오류가 났습니다: {error}",
    },
    "fans.wrong": {
        "en": "fans({shape}): expected (fan_in, fan_out) = {expected}, got {got}.",
        "ko": "fans({shape}): 기댓값은 (fan_in, fan_out) = {expected}인데 결과는 {got}입니다.",
    },
    "fans.correct": {
        "en": "✓ fans: correct on shapes {shapes}.",
        "ko": "✓ fans: 모양 {shapes}에서 모두 맞습니다.",
    },
    # --- lib.checks.layers ------------------------------------------------------------------
    "layers.suspect.he": {"en": "He's sqrt(2 / fan_in)", "ko": "He의 sqrt(2 / fan_in)"},
    "layers.suspect.he_two_outside": {
        "en": "He with the 2 outside the root (2 / sqrt(fan_in))",
        "ko": "2를 근호 밖에 둔 He(2 / sqrt(fan_in))",
    },
    "layers.suspect.he_swapped": {
        "en": "He with the fans swapped (sqrt(2 / fan_out))",
        "ko": "fan을 뒤바꾼 He(sqrt(2 / fan_out))",
    },
    "layers.suspect.lecun": {
        "en": "LeCun's 1 / sqrt(fan_in) (He without the factor 2)",
        "ko": "LeCun의 1 / sqrt(fan_in)(인수 2가 없는 He)",
    },
    "layers.suspect.xavier": {
        "en": "Xavier's sqrt(2 / (fan_in + fan_out))",
        "ko": "Xavier의 sqrt(2 / (fan_in + fan_out))",
    },
    "layers.suspect.standard_normal": {
        "en": "standard normal weights (std 1)",
        "ko": "표준정규분포 가중치(표준편차 1)",
    },
    "layers.suspect.small": {
        "en": "small weights (std 0.01)",
        "ko": "작은 가중치(표준편차 0.01)",
    },
    "layers.pattern.split": {
        "en": "changes by about x{wide:.2f} in the layers that widen and x{narrow:.2f} in those "
        "that narrow",
        "ko": "넓어지는 층에서는 약 x{wide:.2f}, 좁아지는 층에서는 약 x{narrow:.2f}씩 바뀝니다",
    },
    "layers.pattern.grows": {
        "en": "grows by about x{growth:.2f} per layer",
        "ko": "층마다 약 x{growth:.2f}씩 커집니다",
    },
    "layers.pattern.shrinks": {
        "en": "shrinks by about x{growth:.2f} per layer",
        "ko": "층마다 약 x{growth:.2f}씩 작아집니다",
    },
    "layers.pattern.steady": {
        "en": "stays about the same from layer to layer (x{growth:.2f} per layer)",
        "ko": "층마다 거의 그대로입니다(층마다 x{growth:.2f})",
    },
    "layers.mistake.none_alike": {
        "en": "your init behaves like none of the usual ones; draw rng.normal(0.0, std, "
        "size=shape) with the std of the init you suspect, computed from the fans of shape "
        "(fan_in = shape[-2], fan_out = shape[-1] for a dense layer)",
        "ko": "여러분의 초기화는 흔한 초기화 어느 것과도 비슷하지 않습니다. 의심하는 초기화의 "
        "표준편차를 shape의 fan으로 계산해(완전연결층이면 fan_in = shape[-2], "
        "fan_out = shape[-1]) rng.normal(0.0, std, size=shape)로 뽑으세요",
    },
    "layers.mistake.alike": {
        "en": "your init behaves like {named}, which does not fit these logs: the network was "
        "started with another init",
        "ko": "여러분의 초기화는 {named}처럼 동작하는데, 이것은 이 기록과 맞지 않습니다. 이 "
        "신경망은 다른 초기화로 시작했습니다",
    },
    "layers.mistake.alike_several": {
        "en": "your init behaves like {named}, the same in this network, which does not fit "
        "these logs: the network was started with another init",
        "ko": "여러분의 초기화는 {named}처럼 동작하는데(이 신경망에서는 둘이 같습니다), 이것은 "
        "이 기록과 맞지 않습니다. 이 신경망은 다른 초기화로 시작했습니다",
    },
    "layers.or": {"en": " or ", "ko": " 또는 "},
    "layers.wrong_shape": {
        "en": "for a layer of shape {shape} your init returned an array of shape {got}; it must "
        "return an array of the shape it is given",
        "ko": "모양이 {shape}인 층에 대해 여러분의 초기화가 모양 {got}인 배열을 반환했습니다. "
        "주어진 모양의 배열을 반환해야 합니다",
    },
    "layers.not_a_function": {
        "en": "expected your init to be a function fn(shape, rng=None), got {type} {init!r}; "
        "write it with def",
        "ko": "초기화는 fn(shape, rng=None) 형태의 함수여야 하는데 {type} {init!r}을(를) "
        "받았습니다. def로 작성하세요",
    },
    "layers.overflow": {
        "en": "with your init the activations overflow ({error}): its std is far too large",
        "ko": "여러분의 초기화로는 활성화값이 오버플로합니다({error}). 표준편차가 너무 큽니다",
    },
    "layers.unusable": {
        "en": "your init does not give usable weights: {error}",
        "ko": "여러분의 초기화가 쓸 수 있는 가중치를 주지 않습니다: {error}",
    },
    "layers.correct": {
        "en": "✓ your init reproduces the activation std of all {depth} layers.",
        "ko": "✓ 여러분의 초기화가 {depth}개 층 모두의 활성화값 표준편차를 재현합니다.",
    },
    "layers.wrong": {
        "en": "layer {layer}: with your init the activation std is {measured:.3g}, expected "
        "{expected:.3g} (ratio {ratio:.2f}).\nPer layer, yours: {yours}\nexpected:         "
        "{logged}\nThe expected std {expected_pattern}; yours {your_pattern}.",
        "ko": "층 {layer}: 여러분의 초기화로는 활성화값의 표준편차가 {measured:.3g}인데 "
        "기댓값은 {expected:.3g}입니다(비율 {ratio:.2f}).\n층별, 여러분의 값: {yours}\n"
        "기댓값:          {logged}\n기댓값의 표준편차는 {expected_pattern}. 여러분의 값은 "
        "{your_pattern}.",
    },
    # --- lib.checks.rbm ---------------------------------------------------------------------
    "rbm.call_failed": {
        "en": "calling {signature} raised {error_type}: {error}.\nCheck the shapes: W is "
        "(n_visible, n_hidden) in this course, so p(h | v) = sigmoid(v @ W + hidden_bias) and "
        "p(v | h) = sigmoid(h @ W.T + visible_bias)",
        "ko": "{signature} 호출에서 {error_type} 오류가 났습니다: {error}.\n모양을 확인하세요. "
        "이 강의에서 W는 (n_visible, n_hidden)이므로 p(h | v) = sigmoid(v @ W + hidden_bias), "
        "p(v | h) = sigmoid(h @ W.T + visible_bias)입니다",
    },
    "rbm.cd1.sign": {
        "en": "the sign is flipped: the update is <v h>_data - <v h>_model (positive phase minus "
        "negative phase), added to the parameters (gradient ascent on the log-likelihood)",
        "ko": "부호가 뒤집혔습니다. 업데이트는 <v h>_data - <v h>_model(양의 단계 빼기 음의 "
        "단계)이고, 이것을 파라미터에 더합니다(로그 가능도에 대한 경사 상승법)",
    },
    "rbm.cd1.no_average": {
        "en": "the 1/batch averaging is missing: divide the statistics by the number of rows",
        "ko": "1/배치 크기로 평균하는 부분이 빠졌습니다. 통계량을 행의 개수로 나누세요",
    },
    "rbm.cd1.no_rate": {
        "en": "the learning rate is missing from the update",
        "ko": "업데이트에 학습률이 빠졌습니다",
    },
    "rbm.cd1.change_only": {
        "en": "you returned the change, not the updated parameters (old + change)",
        "ko": "업데이트된 파라미터(이전 값 + 변화량)가 아니라 변화량을 반환했습니다",
    },
    "rbm.cd1.sampled_positive": {
        "en": "the positive phase uses the sampled hidden states; use the probabilities "
        "p(h | v0) for the statistics and the samples only to drive the reconstruction",
        "ko": "양의 단계에서 샘플링한 은닉 상태를 썼습니다. 통계량에는 확률 p(h | v0)를 쓰고, "
        "샘플은 재구성을 만드는 데만 쓰세요",
    },
    "rbm.cd1.driven_by_probs": {
        "en": "the reconstruction is driven by the hidden probabilities; sample h0 first "
        "(h0 = rng.random(shape) < p(h | v0)) and reconstruct from the binary states",
        "ko": "재구성을 은닉 확률로 만들었습니다. 먼저 h0를 샘플링하고"
        "(h0 = rng.random(shape) < p(h | v0)) 그 이진 상태로 재구성하세요",
    },
    "rbm.cd1.sampled_reconstruction": {
        "en": "the reconstruction was sampled; keep it as the probabilities p(v | h0) (Hinton's "
        "practical guide)",
        "ko": "재구성을 샘플링했습니다. 재구성은 확률 p(v | h0) 그대로 두세요(Hinton의 실용 "
        "가이드)",
    },
    "rbm.not_three": {
        "en": "{what} should return three arrays (W, visible_bias, hidden_bias), got {type}",
        "ko": "{what}는 배열 세 개 (W, visible_bias, hidden_bias)를 반환해야 하는데 {type}을(를) "
        "반환했습니다",
    },
    "rbm.wrong_shape": {
        "en": "{name} should have shape {shape}, got {got}.",
        "ko": "{name}의 모양: 기댓값은 {shape}인데 결과는 {got}입니다.",
    },
    "rbm.transposed": {
        "en": " W is transposed: in this course W has shape (n_visible, n_hidden) and the "
        "statistics are v.T @ h",
        "ko": " W가 전치되었습니다. 이 강의에서 W의 모양은 (n_visible, n_hidden)이고 통계량은 "
        "v.T @ h입니다",
    },
    "rbm.cd1.what": {"en": "your CD-1 update", "ko": "여러분의 CD-1 업데이트"},
    "rbm.cd1.correct": {
        "en": "✓ CD-1 update: W, visible_bias and hidden_bias match lib.rbm.",
        "ko": "✓ CD-1 업데이트: W, visible_bias, hidden_bias가 lib.rbm과 일치합니다.",
    },
    "rbm.cd1.differs": {
        "en": "CD-1 update: {name} differs from lib.rbm by up to {error:.3g} (wrong: {wrong}).",
        "ko": "CD-1 업데이트: {name}가 lib.rbm과 최대 {error:.3g}만큼 다릅니다(틀린 것: {wrong}).",
    },
    "rbm.cd1.unknown": {
        "en": "\nCheck the formulas in the docstring, and that the only random draw is "
        "rng.random(h0.shape) for the hidden sample.",
        "ko": "\ndocstring의 식을 확인하고, 난수 추출이 은닉 샘플을 위한 rng.random(h0.shape) "
        "하나뿐인지 확인하세요.",
    },
    "rbm.free.bias_sign": {
        "en": "the sign of the visible-bias term is flipped: F(v) = -v·b - sum_j log(1 + e^(...))",
        "ko": "가시 편향 항의 부호가 뒤집혔습니다. F(v) = -v·b - sum_j log(1 + e^(...))입니다",
    },
    "rbm.free.no_softplus": {
        "en": "the log(1 + exp(.)) is missing around c_j + v W_j: summing out a binary h_j gives "
        "log(1 + e^x), not x",
        "ko": "c_j + v W_j를 감싸는 log(1 + exp(.))가 빠졌습니다. 이진 h_j를 합해 없애면 x가 "
        "아니라 log(1 + e^x)가 나옵니다",
    },
    "rbm.free.whole_sign": {
        "en": "the whole sign is flipped: you returned -F(v), the unnormalised log-probability",
        "ko": "전체 부호가 뒤집혔습니다. 정규화되지 않은 로그 확률인 -F(v)를 반환했습니다",
    },
    "rbm.free.no_hidden_bias": {
        "en": "the hidden bias is missing inside log(1 + exp(hidden_bias + v @ W))",
        "ko": "log(1 + exp(hidden_bias + v @ W)) 안의 은닉 편향이 빠졌습니다",
    },
    "rbm.free.no_bias_term": {
        "en": "the visible-bias term -v·b is missing",
        "ko": "가시 편향 항 -v·b가 빠졌습니다",
    },
    "rbm.free.wrong_shape": {
        "en": "free energy: expected one value per row of v, shape {expected}, got shape {got}. "
        "Sum over the hidden units (axis=1), not over the samples.",
        "ko": "자유 에너지: v의 행마다 값이 하나여야 하므로 모양의 기댓값은 {expected}인데 결과의 "
        "모양은 {got}입니다. "
        "샘플이 아니라 은닉 유닛에 대해(axis=1) 합하세요.",
    },
    "rbm.free.correct": {
        "en": "✓ free energy: matches lib.rbm on every row.",
        "ko": "✓ 자유 에너지: 모든 행에서 lib.rbm과 일치합니다.",
    },
    "rbm.free.wrong": {
        "en": "free energy: expected {expected}..., got {got}...",
        "ko": "자유 에너지: 기댓값은 {expected}...인데 결과는 {got}...입니다",
    },
    "rbm.free.unknown": {
        "en": "\nCheck each term of F(v) against the docstring.",
        "ko": "\nF(v)의 각 항을 docstring과 비교해 확인하세요.",
    },
}


def language() -> str:
    """The language of the feedback: :data:`LANGUAGE_VARIABLE`, ``en`` when it is unset."""
    code = os.environ.get(LANGUAGE_VARIABLE, "en")
    if code not in LANGUAGES:
        raise ValueError(
            f"{LANGUAGE_VARIABLE}={code!r} is not a language of the course; use one of "
            f"{', '.join(LANGUAGES)}"
        )
    return code


def set_language(code: str) -> None:
    """Give the checks' feedback in ``code`` (one of :data:`LANGUAGES`) from now on."""
    if code not in LANGUAGES:
        raise ValueError(f"language {code!r} is not one of the course's: {', '.join(LANGUAGES)}")
    os.environ[LANGUAGE_VARIABLE] = code


def say(key: str, **fields) -> str:
    """The message ``key`` of :data:`MESSAGES` in the current language, with ``fields`` in it."""
    return MESSAGES[key][language()].format(**fields)
