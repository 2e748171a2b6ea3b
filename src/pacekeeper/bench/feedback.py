"""pacekeeper bench feedback: the feedback analyser's speed (100,000 comments on one core) and
its honest evaluation on the held-out labelled comments, next to the majority-class baseline and,
when installed, off-the-shelf sentiment models (SnowNLP for Chinese, VADER for English: both
carry their model inside the package). docs/feedback.md quotes the figures this prints."""

from __future__ import annotations

import time

from pacekeeper.insights.analysis import NEGATIVE, NEUTRAL, POSITIVE, Analyser
from pacekeeper.insights.defaults import TOPICS
from pacekeeper.insights.evaluation import evaluate, load

OPENINGS = ("", "客户反馈：", "Note: ", "回访记录：", "Customer said: ")


def speed(analyser: Analyser, count: int) -> dict:
    """Analyse `count` comments (the labelled ones, varied by an opening and a number) and time it."""
    base = [row.text for row in load()]
    texts = [f"{OPENINGS[i % len(OPENINGS)]}{base[i % len(base)]} #{i}" for i in range(count)]
    analyser.analyse(texts[0])  # jieba's dictionary loads once, before the clock starts
    started, cpu_started = time.perf_counter(), time.process_time()
    for text in texts:
        analyser.analyse(text)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    # The rate is per second of this process's CPU time: one thread on one core, and not
    # lowered by other programs sharing the machine (the wall-clock time is given too).
    return {
        "comments": count,
        "cpu_seconds": round(cpu, 2),
        "wall_seconds": round(wall, 2),
        "comments_per_second": round(count / cpu),
        "comments_per_wall_second": round(count / wall),
        "ms_per_comment": round(cpu * 1000 / count, 3),
    }


def _off_the_shelf() -> tuple[str, object] | None:
    try:
        from snownlp import SnowNLP
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    vader = SentimentIntensityAnalyzer()

    def sentiment(text: str, language: str) -> str:
        if language == "zh":
            p = SnowNLP(text).sentiments
            return POSITIVE if p > 0.6 else NEGATIVE if p < 0.4 else NEUTRAL
        compound = vader.polarity_scores(text)["compound"]
        return POSITIVE if compound >= 0.05 else NEGATIVE if compound <= -0.05 else NEUTRAL

    return "snownlp (zh) + vaderSentiment (en)", sentiment


def off_the_shelf(rows) -> dict:
    found = _off_the_shelf()
    if found is None:
        return {"off_the_shelf": "not installed (pip install snownlp vaderSentiment)"}
    name, sentiment = found
    correct = sum(1 for row in rows if sentiment(row.text, row.language) == row.sentiment)
    return {"off_the_shelf": name, "off_the_shelf_sentiment_accuracy": round(correct / len(rows), 3)}


def run(count: int = 100_000, log=print) -> dict:
    analyser = Analyser(TOPICS)
    heldout = load("heldout")
    figures = evaluate(analyser, heldout)
    figures.pop("errors")
    log(f"held-out part: {figures['comments']} comments")
    log(
        f"  sentiment accuracy {figures['sentiment_accuracy']} (majority class "
        f"'{figures['baseline_sentiment']}': {figures['baseline_sentiment_accuracy']})"
    )
    for cls, row in figures["sentiment_per_class"].items():
        log(f"    {cls:9} precision {row['precision']:.3f} recall {row['recall']:.3f} (n={row['support']})")
    log(
        f"  topic macro-F1 {figures['topic_macro_f1']} (most frequent topic "
        f"'{figures['baseline_topic']}' for all: {figures['baseline_topic_macro_f1']})"
    )
    for cls, row in figures["topic_per_class"].items():
        log(
            f"    {cls:17} precision {row['precision']:.3f} recall {row['recall']:.3f} "
            f"F1 {row['f1']:.3f} (n={row['support']})"
        )
    shelf = off_the_shelf(heldout)
    log(f"  off the shelf: {shelf}")
    log(f"analysing {count} comments on one core…")
    timing = speed(analyser, count)
    log(f"  {timing['comments_per_second']} comments per second ({timing['ms_per_comment']} ms each)")
    return {
        **timing,
        "heldout_comments": figures["comments"],
        "sentiment_accuracy": figures["sentiment_accuracy"],
        "baseline_sentiment": figures["baseline_sentiment"],
        "baseline_sentiment_accuracy": figures["baseline_sentiment_accuracy"],
        "sentiment_per_class": figures["sentiment_per_class"],
        "topic_macro_f1": figures["topic_macro_f1"],
        "baseline_topic": figures["baseline_topic"],
        "baseline_topic_macro_f1": figures["baseline_topic_macro_f1"],
        "topic_per_class": figures["topic_per_class"],
        **shelf,
    }
