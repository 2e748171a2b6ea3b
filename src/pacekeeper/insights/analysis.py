"""Feedback text analysis: keywords, topics and sentiment of one comment, in Chinese or English.

Pure module (no database): `Analyser(topics).analyse(text)` returns an `Analysis`. Rule-based,
so that it runs in well under a millisecond per comment and every decision can be explained:

- **Keywords**: Chinese is cut into words by jieba with the shipped domain dictionary
  (data/domain_dict.txt: banking, telecom and software terms); English by a word pattern. Stop
  words and single characters are dropped; the most frequent (then first-seen) words are kept.
  jieba is initialised once, lazily, from the files inside its package and ours — it never
  downloads anything — and its logging is silenced.
- **Topics**: a topic matches when one of its keywords occurs (Chinese: as a substring; English:
  at a word start, so "deliver" matches "delivered"). A comment may have several topics, or none.
- **Sentiment**: a lexicon of positive and negative words and phrases, matched longest first
  (so 不错 is one positive word, not 不 + 错). A negator (不, 没有, 不是很, not, never, isn't…)
  flips the next sentiment word within a short window ("不是很满意" is negative, "not bad at
  all" positive). Contrast: what came before 但/但是/不过/but/however counts 0.3 as much as what
  follows; a 虽然/尽管/although clause counts 0.3 ("虽然贵，但服务好" is positive). A wish or a
  request (希望, 请, hope, please) is no judgement: its clause counts 0. The sum decides:
  above +0.25 positive, below −0.25 negative, otherwise neutral.

The evaluation on a labelled set written for the tests is in docs/feedback.md
(`pacekeeper bench feedback` prints it).
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

POSITIVE, NEUTRAL, NEGATIVE = "positive", "neutral", "negative"
SENTIMENTS = (POSITIVE, NEUTRAL, NEGATIVE)
THRESHOLD = 0.25
CONTRAST_WEIGHT = 0.3
MAX_KEYWORDS = 8
# The analyser reads at most this many characters of a comment (the rest is kept, not read).
MAX_ANALYSED_CHARS = 5000

DICTIONARY = Path(__file__).parent / "data" / "domain_dict.txt"

# --- lexicons ---------------------------------------------------------------------------------
# word: weight. Matched longest first, so a longer entry shadows its parts (不错 vs 错,
# 快递 vs 快). Weight 0 entries only shadow.

ZH_WORDS: dict[str, float] = {}
for _words, _weight in (
    (
        "满意 很好 非常好 好评 不错 挺好 好用 方便 便捷 快捷 及时 迅速 很快 快速 高效 效率很高 耐心 热情 "
        "周到 专业 贴心 细致 稳定 可靠 流畅 实惠 划算 优惠 便宜 合理 清楚 清晰 明了 准确 准时 顺利 "
        "放心 感谢 谢谢您 表扬 点赞 值得 到位 满格 省了 靠谱 懂行 上心 礼貌 客气 诚恳 守时 直观 "
        "顺手 好看 齐全 过硬 完好 采纳 很全 超出预期 没问题 没得说 没什么可挑剔 秒回 有价值 有针对性 "
        "好 快 棒 赞 优秀 全面 简洁 简单 准 挺满意 很满意 提前 早了",
        1.0,
    ),
    (
        "不满 失望 差 很差 太差 糟糕 慢 太慢 拖 拖延 推迟 一拖再拖 一再 贵 太贵 太高 偏高 昂贵 "
        "乱收费 多扣 多收 重复扣费 扣错 错误 出错 有误 不一致 故障 崩溃 闪退 宕机 死机 卡顿 掉线 "
        "断线 断网 断 坏 损坏 破损 丢 投诉 敷衍 冷淡 恶劣 不耐烦 爱答不理 一问三不知 含糊 麻烦 繁琐 "
        "复杂 乱 难用 看不懂 莫名其妙 不透明 bug 延误 耽误 影响 等了 占线 没人 没有人 无人 还没 "
        "还没有 一直没 迟迟 没有下文 不会用 没法用 用不了 读不出 不稳 不行 一般 不合理 推销 冲 "
        "不尊重 不热情 太长 太远 太多 太频繁 几乎没 时有时无 延迟 很高 换供应商 不够用 额外付费 "
        "涨价 生硬 蛮横",
        -1.0,
    ),
    ("问题 太 不习惯", -0.5),
    (
        "快递 快递包装 很快就 不错过 好几 好几层 好几个 好几次 好的 好在 高峰 高铁 高出 稳定运行 "
        "到账 到货 降低 满 不少 差不多",
        0.0,
    ),
):
    for _word in _words.split():
        ZH_WORDS[_word] = _weight
ZH_WORDS.update(
    {
        "开错": -1.0,
        "没给": -1.0,
        "适合": 1.0,
        "没有任何回应": -1.0,
        "没有声音": -1.0,
        "加载不出来": -1.0,
        "很难": -1.0,
        "可以接受": 1.0,
        "尽快": 0.0,
        "别家": 0.0,
        "很快就": 1.0,
        "好的": 1.0,
        "稳定运行": 1.0,
        "降低": 1.0,
        "高出": -1.0,
        "好几层": -0.5,
    }
)

ZH_NEGATORS = (
    "不 没 没有 无 未 别 并不 并没有 不是很 不太 不怎么 不够 从没 从来没有 从没有 不会 毫无 "
    "没出过 没有出现过 没有出现任何 没有任何"
)
ZH_BUT = "但 但是 可是 不过 然而 却 只是"
ZH_ALTHOUGH = "虽然 尽管 虽说 虽"
ZH_WISH = "希望 请 能否 请问 想了解 建议 是否 可否"

EN_WORDS: dict[str, float] = {}
for _words, _weight in (
    (
        "good great excellent satisfied happy pleased friendly patient patiently helpful professional "
        "knowledgeable fast quick quickly prompt promptly responsive efficient stable reliable reliably "
        "smooth smoothly easy simple convenient clear clearly accurate correct cheap cheaper affordable "
        "bargain discount fair reasonable worth thanks thank praise excellent impeccable polite "
        "courteous warm attentive considerate caring care sincere punctual intuitive handy durable intact "
        "valuable early instantly impressive nice kind clean "
        "solid acceptable love wonderful perfect transparent seamless "
        "saved adopted understands "
        "smoothly",
        1.0,
    ),
    (
        "bad poor terrible awful horrible slow slowly late delay delayed delays expensive overcharged "
        "overpriced pricey rude dismissive hostile curt impatient perfunctory confusing "
        "complicated cumbersome hassle cluttered crash crashes crashing crashed freezes lost broke broken "
        "damaged fail fails failed failing failure down outage disconnects drops dropping drop lag "
        "wrong mistake error mismatch mysterious unusable unprofessional vague vaguely lacking "
        "mediocre disappointing disappointed unhappy unacceptable hurting hurts hurt pushing postponing "
        "slipped nobody busy waited waiting "
        "bugs buggy unstable switching mistakes twice "
        "impossible",
        -1.0,
    ),
    ("problem problems issue issues", -0.3),
    (
        "high-speed highly well-built",
        0.0,
    ),
):
    for _word in _words.split():
        EN_WORDS[_word] = _weight
# phrases (several words) are listed here: the split above cuts at every space.
EN_WORDS.update(
    {
        "spot on": 1.0,
        "on time": 1.0,
        "in time": 1.0,
        "well built": 1.0,
        "quick replies": 1.0,
        "full bars": 1.0,
        "crystal clear": 1.0,
        "knew exactly": 1.0,
        "peace of mind": 1.0,
        "every feature": 1.0,
        "deserves praise": 1.0,
        "good deal": 1.0,
        "value for money": 1.0,
        "same day": 0.5,
        "around the clock": 1.0,
        "pushed back": -1.0,
        "never heard back": -1.0,
        "no response": -1.0,
        "raised prices": -1.0,
        "go up": -1.0,
        "still hasn't": -1.0,
        "still isn't": -1.0,
        "still haven't": -1.0,
        "never came": -1.0,
        "too many": -1.0,
        "too long": -1.0,
        "too far": -1.0,
        "too often": -1.0,
        "knows nothing": -1.0,
        "awful experience": -1.0,
        "hard to find": -1.0,
        "charged for": -0.5,
        "charged twice": -1.0,
        "nothing to complain about": 1.0,
        "no problems": 1.0,
        "no problem": 1.0,
        "never any surprise": 1.0,
        "never disappoints": 1.0,
        "never a mistake": 1.0,
        "very satisfied": 1.0,
        "high-speed": 0.0,
        "highly knowledgeable": 1.0,
        "too high": -1.0,
        "higher than": -1.0,
        "is high": -1.0,
        "are high": -1.0,
        "was high": 1.0,
        "so far": 0.0,
        "match": 1.0,
    }
)

EN_NEGATORS = (
    "not|no|never|nothing|none|hardly|barely|without|isn't|aren't|wasn't|weren't|don't|doesn't|didn't|"
    "can't|cannot|couldn't|won't|wouldn't|hasn't|haven't|hadn't|shouldn't|not very|not really|not so|"
    "isn’t|don’t|doesn’t|didn’t|can’t|couldn’t|won’t|hasn’t|haven’t"
)
EN_BUT = "but|however|yet|though|still,"
EN_ALTHOUGH = "although|even though|though|while|despite"
EN_WISH = "hope|please|could you|would like|wish|can the|can you|when will|would"

BREAKS = "，,。.!！?？;；\n…"
ZH_WINDOW = 6  # characters between a Chinese negator and the word it turns
EN_WINDOW = 14  # characters between an English negator and the word it turns

ZH_STOP = set(
    "的 了 是 我 我们 你们 他们 也 都 很 就 还 在 有 和 与 及 这 那 个 一 不 没 吗 呢 吧 啊 被 给 让 "
    "对 把 要 会 能 说 太 又 再 每 次 非常 比较 一直 已经 什么 怎么 一个 这个 那个 没有 还是 但是 虽然 "
    "可以 就是 一下 一点 所有 这么 那么 而且 因为 所以 如果 只是 然后 不过 以及 其他 自己".split()
)
EN_STOP = set(
    "a an the and or but if of to in on at for with from by as is are was were be been being it its "
    "this that these those we our us you your they their them he she his her i me my not no very too "
    "so just also all any some more most than then there here have has had do does did will would can "
    "could should may might after before about into over under again once even still which who what "
    "when where why how each every other such only own same s t don now out up down off".split()
)

_CJK = re.compile(r"[\u4e00-\u9fff]")
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*[A-Za-z0-9]|[A-Za-z0-9]{2,}")


def _alternation(words, *, boundary: bool) -> str:
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    body = "|".join(re.escape(w) for w in ordered)
    return rf"\b(?:{body})\b" if boundary else f"(?:{body})"


def _scanner(words: dict, negators, but, although, wish, *, boundary: bool) -> re.Pattern:
    split = (lambda s: s.split("|")) if boundary else (lambda s: s.split())
    groups = [
        ("neg", split(negators)),
        ("but", split(but)),
        ("although", split(although)),
        ("wish", split(wish)),
        ("word", list(words)),
    ]
    # One pattern, longest alternative first across all groups so "不错" beats "不".
    entries = []
    for kind, items in groups:
        entries += [(item, kind) for item in items]
    kinds: dict[str, str] = {}
    for item, kind in entries:
        kinds.setdefault(item, kind)
    pattern = _alternation(kinds, boundary=boundary)
    return re.compile(pattern + "|" + "[" + re.escape(BREAKS) + "]", re.IGNORECASE), kinds


_ZH_SCAN, _ZH_KINDS = _scanner(ZH_WORDS, ZH_NEGATORS, ZH_BUT, ZH_ALTHOUGH, ZH_WISH, boundary=False)
_EN_SCAN, _EN_KINDS = _scanner(EN_WORDS, EN_NEGATORS, EN_BUT, EN_ALTHOUGH, EN_WISH, boundary=True)


def _score(text: str, scan: re.Pattern, kinds: dict, words: dict, window: int) -> float:
    score = 0.0
    clause_weight = 1.0  # 0.3 inside an "although" clause, 0 inside a wish
    negated_until = -1
    for match in scan.finditer(text):
        token = match.group(0)
        kind = kinds.get(token) or kinds.get(token.lower())
        if kind is None:  # a break
            clause_weight = 1.0
            negated_until = -1
            continue
        if kind == "neg":
            negated_until = match.end() + window
        elif kind == "but":
            score *= CONTRAST_WEIGHT
            clause_weight = 1.0
            negated_until = -1
        elif kind == "although":
            clause_weight = CONTRAST_WEIGHT
        elif kind == "wish":
            clause_weight = 0.0
        else:
            weight = words.get(token, words.get(token.lower(), 0.0))
            if weight and match.start() <= negated_until:
                weight = -weight * (0.8 if weight > 0 else 0.6)
                negated_until = -1
            score += weight * clause_weight
    return score


_SENTENCE = re.compile(r"[^。！!？?\n]+[。！!？?\n]*")


def sentiment_score(text: str) -> float:
    """The sum over the sentences; a question (ending in ? or 吗) is no judgement."""
    score = 0.0
    for sentence in _SENTENCE.findall(text):
        stripped = sentence.strip()
        if stripped.endswith(("?", "？", "吗")):
            continue
        score += _sentence_score(stripped)
    return score


def _sentence_score(text: str) -> float:
    score = 0.0
    if _CJK.search(text):
        score += _score(text, _ZH_SCAN, _ZH_KINDS, ZH_WORDS, ZH_WINDOW)
    if re.search(r"[A-Za-z]{2}", text):
        score += _score(text.lower(), _EN_SCAN, _EN_KINDS, EN_WORDS, EN_WINDOW)
    return score


def sentiment_of(score: float) -> str:
    if score > THRESHOLD:
        return POSITIVE
    if score < -THRESHOLD:
        return NEGATIVE
    return NEUTRAL


# --- jieba ------------------------------------------------------------------------------------

_jieba_lock = threading.Lock()
_tokenizer = None


def tokenizer():
    """jieba's tokenizer with the domain dictionary, made once (first use): jieba reads its own
    dictionary from its package (and keeps a cache in the temporary folder); nothing is downloaded."""
    global _tokenizer
    if _tokenizer is None:
        with _jieba_lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                logging.getLogger("jieba").setLevel(logging.WARNING)
                made = jieba.Tokenizer()
                made.initialize()
                made.load_userdict(str(DICTIONARY))
                _tokenizer = made
    return _tokenizer


def keywords(text: str, limit: int = MAX_KEYWORDS) -> list[str]:
    counts: Counter = Counter()
    order: dict[str, int] = {}
    words: list[str] = []
    if _CJK.search(text):
        for piece in tokenizer().lcut(text):
            piece = piece.strip()
            if len(piece) >= 2 and _CJK.match(piece) and piece not in ZH_STOP:
                words.append(piece)
    for piece in _EN_WORD.findall(text):
        word = piece.lower().replace("’", "'")
        if len(word) >= 3 and word not in EN_STOP and not word.isdigit():
            words.append(word)
    for word in words:
        counts[word] += 1
        order.setdefault(word, len(order))
    ranked = sorted(counts, key=lambda w: (-counts[w], order[w]))
    return ranked[:limit]


# --- topics -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicSpec:
    code: str
    name_zh: str
    name_en: str
    keywords_zh: tuple[str, ...] = ()
    keywords_en: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


@dataclass
class Analysis:
    language: str
    sentiment: str
    score: float
    topics: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)


class Analyser:
    """Compiled once per topic list; `analyse` is pure and thread-safe."""

    def __init__(self, topics: list[TopicSpec]):
        self.topics = list(topics)
        self._zh = []
        self._en = []
        for topic in self.topics:
            zh = [k.strip() for k in topic.keywords_zh if k.strip()]
            en = [k.strip().lower() for k in topic.keywords_en if k.strip()]
            self._zh.append(re.compile(_alternation(zh, boundary=False)) if zh else None)
            self._en.append(re.compile(r"\b(?:" + "|".join(re.escape(k) for k in en) + ")") if en else None)

    def topics_of(self, text: str) -> list[str]:
        lower = text.lower()
        found = []
        for topic, zh, en in zip(self.topics, self._zh, self._en, strict=False):
            if (zh is not None and zh.search(text)) or (en is not None and en.search(lower)):
                found.append(topic.code)
        return found

    def analyse(self, text: str) -> Analysis:
        text = (text or "")[:MAX_ANALYSED_CHARS]
        score = round(sentiment_score(text), 3)
        return Analysis(
            language="zh" if _CJK.search(text) else "en",
            sentiment=sentiment_of(score) if text.strip() else NEUTRAL,
            score=score,
            topics=self.topics_of(text),
            keywords=keywords(text),
        )
