"""The analyser on worked examples (negation, contrast, the domain dictionary), and its honest
evaluation: thresholds asserted on the held-out part of the labelled comments, which the rules
were not tuned on (docs/feedback.md)."""

import logging

import pytest

from pacekeeper.insights import analysis
from pacekeeper.insights.analysis import Analyser
from pacekeeper.insights.defaults import TOPICS
from pacekeeper.insights.evaluation import evaluate, load


@pytest.fixture(scope="module")
def analyser():
    return Analyser(TOPICS)


@pytest.mark.parametrize(
    "text,sentiment",
    [
        ("不是很满意", "negative"),
        ("很满意", "positive"),
        ("不满意，客服态度敷衍。", "negative"),
        ("虽然贵，但服务很好", "positive"),
        ("虽然服务不错，但是价格实在太高了", "negative"),
        ("价格不贵", "positive"),
        ("请问报告什么时候发？", "neutral"),
        ("not bad at all", "positive"),
        ("Not very happy with the agent", "negative"),
        ("The staff are friendly, but the processing is far too slow.", "negative"),
        ("Although it is expensive, the service is worth it.", "positive"),
        ("We moved to a new address.", "neutral"),
        ("", "neutral"),
    ],
)
def test_it_reads_negation_and_contrast(analyser, text, sentiment):
    assert analyser.analyse(text).sentiment == sentiment


def test_it_finds_topics_in_both_languages(analyser):
    assert analyser.analyse("账单多扣了两百块").topics == ["billing"]
    assert analyser.analyse("The invoice was wrong").topics == ["billing"]
    assert analyser.analyse("信号很差，网速也慢").topics == ["network"]
    # Word starts in English: "delivered" is found by "deliver", "app" does not match "happy".
    assert analyser.analyse("The project was delivered on time").topics == ["delivery"]
    assert "usability" not in analyser.analyse("We are happy").topics
    assert analyser.analyse("我们下个月搬家").topics == []


def test_keywords_use_the_domain_dictionary_and_drop_stop_words(analyser):
    words = analysis.keywords("手机银行转账失败，手机银行App闪退")
    assert words[0] == "手机银行"  # one word (domain dictionary), the most frequent first
    assert "闪退" in words
    assert "的" not in words
    assert analysis.keywords("The refund and the invoice, the invoice") == ["invoice", "refund"]


def test_jieba_starts_once_and_quietly():
    first = analysis.tokenizer()
    assert analysis.tokenizer() is first
    assert logging.getLogger("jieba").level >= logging.WARNING
    assert analysis.DICTIONARY.is_file()


def test_a_long_or_script_laden_text_is_only_read(analyser):
    result = analyser.analyse("<script>alert(1)</script>价格太贵" + "好" * 100_000)
    assert result.sentiment in analysis.SENTIMENTS  # read up to MAX_ANALYSED_CHARS, never run


def test_the_labelled_set_is_large_and_covers_everything():
    rows = load()
    assert len(rows) >= 300
    assert {r.split for r in rows} == {"dev", "heldout"}
    heldout = load("heldout")
    assert len(heldout) >= 100
    assert {r.language for r in heldout} == {"zh", "en"}
    assert {code for r in heldout for code in r.topics} == {t.code for t in TOPICS}
    assert {r.sentiment for r in heldout} == set(analysis.SENTIMENTS)
    texts = [r.text for r in rows]
    assert len(set(texts)) == len(texts)
    assert any("虽然" in t for t in texts) and any(" but " in t for t in texts)
    assert any("不是很" in t for t in texts) and any("not bad at all" in t.lower() for t in texts)


def test_held_out_figures_meet_the_aim_and_beat_the_baseline(analyser):
    figures = evaluate(analyser, load("heldout"))
    assert figures["sentiment_accuracy"] >= 0.85
    assert figures["topic_macro_f1"] >= 0.80
    assert figures["sentiment_accuracy"] > figures["baseline_sentiment_accuracy"] + 0.3
    assert figures["topic_macro_f1"] > figures["baseline_topic_macro_f1"] + 0.5


def test_the_evaluation_counts_by_hand():
    """Three comments: precision and recall worked by hand."""
    rows = [
        analysis_row("很满意", "positive", "-"),
        analysis_row("价格太贵", "negative", "price"),
        analysis_row("账单", "negative", "billing"),  # predicted neutral, billing
    ]
    figures = evaluate(Analyser(TOPICS), rows)
    assert figures["sentiment_accuracy"] == round(2 / 3, 3)
    assert figures["baseline_sentiment"] == "negative"
    assert figures["baseline_sentiment_accuracy"] == round(2 / 3, 3)
    assert figures["sentiment_per_class"]["negative"] == {"precision": 1.0, "recall": 0.5, "f1": 0.667, "support": 2}
    assert figures["topic_per_class"]["price"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}


def analysis_row(text, sentiment, topics):
    from pacekeeper.insights.evaluation import Labelled

    return Labelled("dev", "zh", sentiment, frozenset() if topics == "-" else frozenset(topics.split("|")), text)
