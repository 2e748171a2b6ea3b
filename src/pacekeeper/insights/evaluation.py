"""The honest evaluation of the analyser on the labelled comments written for the test suite
(tests/insights/data/comments.tsv: split, language, sentiment, topics, text). The rules were
tuned on the `dev` part only; `heldout` is measured, never tuned on. Shared by the test that
guards the thresholds and by `pacekeeper bench feedback`, so docs/feedback.md's figures are
reproducible."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .analysis import SENTIMENTS, Analyser

DATA = Path(__file__).resolve().parents[3] / "tests" / "insights" / "data" / "comments.tsv"


@dataclass(frozen=True)
class Labelled:
    split: str
    language: str
    sentiment: str
    topics: frozenset
    text: str


def load(split: str | None = None, path: Path = DATA) -> list[Labelled]:
    """The labelled comments of one part ("dev", "heldout") or all of them."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        part, language, sentiment, topics, text = line.split("\t")
        if split is None or part == split:
            codes = frozenset() if topics == "-" else frozenset(topics.split("|"))
            rows.append(Labelled(part, language, sentiment, codes, text))
    return rows


def _ratio(a: int, b: int) -> float:
    return round(a / b, 3) if b else 0.0


def _per_class(pairs, classes):
    out = {}
    for cls in classes:
        tp = sum(1 for truth, guess in pairs if cls in truth and cls in guess)
        fp = sum(1 for truth, guess in pairs if cls not in truth and cls in guess)
        fn = sum(1 for truth, guess in pairs if cls in truth and cls not in guess)
        precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        f1 = round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0
        out[cls] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    return out


def evaluate(analyser: Analyser, rows: list[Labelled]) -> dict:
    """Sentiment accuracy and per-class precision/recall; topic per-class precision/recall/F1
    and macro-F1 (a comment may have several topics or none); the majority-class baselines."""
    topic_codes = [t.code for t in analyser.topics]
    sentiment_pairs, topic_pairs, errors = [], [], []
    for row in rows:
        result = analyser.analyse(row.text)
        sentiment_pairs.append(({row.sentiment}, {result.sentiment}))
        topic_pairs.append((row.topics, set(result.topics)))
        if result.sentiment != row.sentiment or set(result.topics) != set(row.topics):
            errors.append((row.sentiment, result.sentiment, sorted(row.topics), result.topics, result.score, row.text))
    n = len(rows)
    correct = sum(1 for truth, guess in sentiment_pairs if truth == guess)
    majority, majority_count = Counter(r.sentiment for r in rows).most_common(1)[0]
    topic_classes = _per_class(topic_pairs, topic_codes)
    # Baseline for topics: every comment gets the most frequent topic.
    frequent = Counter(code for r in rows for code in r.topics).most_common(1)[0][0]
    baseline_topics = _per_class([(truth, {frequent}) for truth, _ in topic_pairs], topic_codes)
    return {
        "comments": n,
        "sentiment_accuracy": _ratio(correct, n),
        "sentiment_per_class": _per_class(sentiment_pairs, SENTIMENTS),
        "baseline_sentiment": majority,
        "baseline_sentiment_accuracy": _ratio(majority_count, n),
        "topic_macro_f1": round(sum(c["f1"] for c in topic_classes.values()) / len(topic_classes), 3),
        "topic_per_class": topic_classes,
        "baseline_topic": frequent,
        "baseline_topic_macro_f1": round(sum(c["f1"] for c in baseline_topics.values()) / len(baseline_topics), 3),
        "errors": errors,
    }
