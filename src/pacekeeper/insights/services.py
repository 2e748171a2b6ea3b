"""Insights services: the topic list (org admin and directors), analysing one text, and keeping
the stored analyses of every registered source up to date (idempotent: a text is analysed again
only when it, or the organisation's topic list, changed)."""

from __future__ import annotations

import hashlib
import json
import logging
import time

from django.db import IntegrityError, OperationalError, transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from pacekeeper.errors import ValidationFailed
from pacekeeper.lib.busy import is_database_busy
from pacekeeper.lib.text import clean_text
from pacekeeper.tenancy.audit import audit_record
from pacekeeper.tenancy.models import Organization
from pacekeeper.tenancy.scopes import get_visible, require_insight_topic_writer

from . import sources
from .analysis import Analyser, Analysis, TopicSpec
from .defaults import TOPICS
from .models import EXCERPT_LENGTH, KEYWORDS_MAX_LENGTH, AnalysisTopic, TextAnalysis, Topic

logger = logging.getLogger(__name__)

# A text to analyse on request (the API and the page's "try a sentence") is at most this long;
# a longer one (a 1 MB paste) is refused with a field error, never cut silently.
TEXT_MAX_LENGTH = 10_000
TOPIC_FIELDS = ("code", "name_zh", "name_en", "keywords_zh", "keywords_en", "examples", "position", "is_active")


# --- topics -------------------------------------------------------------------------------------


def topics_seed(org: Organization) -> int:
    """Add the default topics the organisation lacks (by code). Returns how many were added."""
    have = set(Topic.objects.filter(org=org).values_list("code", flat=True))
    rows = [
        Topic(
            org=org,
            code=spec.code,
            name_zh=spec.name_zh,
            name_en=spec.name_en,
            keywords_zh="\n".join(spec.keywords_zh),
            keywords_en="\n".join(spec.keywords_en),
            examples="\n".join(spec.examples),
            position=index,
        )
        for index, spec in enumerate(TOPICS)
        if spec.code not in have
    ]
    Topic.objects.bulk_create(rows)
    return len(rows)


def _on_organisation_saved(sender, instance: Organization, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        topics_seed(instance)


def connect() -> None:
    post_save.connect(_on_organisation_saved, sender=Organization, dispatch_uid="insights_default_topics")


def _checked(values: dict, *, topic: Topic | None) -> dict:
    errors: dict[str, list] = {}
    out = {}
    for name in TOPIC_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if isinstance(value, str):
            value = clean_text(value).strip()
        out[name] = value
    for name in ("code", "name_zh", "name_en"):
        if name in out and not out[name]:
            errors[name] = [_("This field is required.")]
    if "code" in out and out["code"] and not all(c.isascii() and (c.isalnum() or c in "-_") for c in out["code"]):
        errors["code"] = [_("Letters, digits, - and _ only.")]
    for name, limit in (("code", 40), ("name_zh", 100), ("name_en", 100)):
        if len(out.get(name) or "") > limit:
            errors[name] = [_("At most %(count)d characters.") % {"count": limit}]
    for name in ("keywords_zh", "keywords_en", "examples"):
        if len(out.get(name) or "") > KEYWORDS_MAX_LENGTH:
            errors[name] = [_("At most %(count)d characters.") % {"count": KEYWORDS_MAX_LENGTH}]
    if "position" in out and not (isinstance(out["position"], int) and 0 <= out["position"] <= 999):
        errors["position"] = [_("A whole number from 0 to 999.")]
    keywords = {
        name: out.get(name, getattr(topic, name, "") if topic else "") for name in ("keywords_zh", "keywords_en")
    }
    if not any((v or "").strip() for v in keywords.values()) and "keywords_zh" not in errors:
        errors["keywords_zh"] = [_("Give at least one keyword, in Chinese or in English.")]
    if errors:
        raise ValidationFailed(errors)
    return out


def topic_create(*, actor, values: dict) -> Topic:
    require_insight_topic_writer(actor)
    checked = _checked(values, topic=None)
    topic = Topic(org_id=actor.org_id, **checked)
    try:
        with transaction.atomic():
            topic.save()
    except IntegrityError:
        raise ValidationFailed({"code": [_("Another topic has this code.")]}) from None
    audit_record(actor=actor, obj=topic, field="created", before=None, after=topic.code)
    return topic


def topic_update(*, actor, topic_id: int, values: dict) -> Topic:
    require_insight_topic_writer(actor)
    topic = get_visible(Topic.objects.all(), topic_id, actor=actor, for_write=True)
    checked = _checked(values, topic=topic)
    before = {name: getattr(topic, name) for name in checked}
    for name, value in checked.items():
        setattr(topic, name, value)
    topic.updated_at = timezone.now()
    try:
        with transaction.atomic():
            topic.save()
    except IntegrityError:
        raise ValidationFailed({"code": [_("Another topic has this code.")]}) from None
    for name, value in checked.items():
        if before[name] != value:
            audit_record(actor=actor, obj=topic, field=name, before=before[name], after=value)
    return topic


def topic_delete(*, actor, topic_id: int) -> None:
    """Delete a topic: its links to analysed texts go with it (the texts stay)."""
    require_insight_topic_writer(actor)
    topic = get_visible(Topic.objects.all(), topic_id, actor=actor, for_write=True)
    audit_record(actor=actor, obj=topic, field="deleted", before=topic.code, after=None)
    topic.delete()


# --- analysing ----------------------------------------------------------------------------------


def _spec(topic: Topic) -> TopicSpec:
    return TopicSpec(
        code=str(topic.pk),
        name_zh=topic.name_zh,
        name_en=topic.name_en,
        keywords_zh=tuple(topic.keyword_list("zh")),
        keywords_en=tuple(topic.keyword_list("en")),
    )


_ANALYSERS: dict[tuple[int, str], Analyser] = {}


def analyser_for(org_id: int) -> tuple[Analyser, str]:
    """The analyser of the organisation's active topics and the fingerprint of that list (a
    stored analysis made with another fingerprint is re-made)."""
    topics = list(Topic.objects.filter(org_id=org_id, is_active=True).order_by("position", "pk"))
    specs = [_spec(t) for t in topics]
    fingerprint = hashlib.sha256(
        json.dumps([[s.code, s.keywords_zh, s.keywords_en] for s in specs], ensure_ascii=False).encode()
    ).hexdigest()[:32]
    key = (org_id, fingerprint)
    if key not in _ANALYSERS:
        if len(_ANALYSERS) > 64:
            _ANALYSERS.clear()
        _ANALYSERS[key] = Analyser(specs)
    return _ANALYSERS[key], fingerprint


def checked_text(text: object, field: str = "text") -> str:
    if not isinstance(text, str) or not text.strip():
        raise ValidationFailed({field: [_("Give a text to analyse.")]})
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationFailed(
            {field: [_("A text to analyse is at most %(count)d characters.") % {"count": TEXT_MAX_LENGTH}]}
        )
    return clean_text(text)


def analyse_text(*, actor, text: object) -> tuple[Analysis, list[Topic]]:
    """Analyse one text with the organisation's topics, storing nothing."""
    text = checked_text(text)
    analyser, _fingerprint = analyser_for(actor.org_id)
    result = analyser.analyse(text)
    by_pk = {str(t.pk): t for t in Topic.objects.filter(org_id=actor.org_id, pk__in=[int(c) for c in result.topics])}
    return result, [by_pk[c] for c in result.topics if c in by_pk]


def _text_hash(row: sources.SourceText) -> str:
    key = f"{row.text}\x00{row.day}\x00{row.customer_id}\x00{row.manager_id}\x00{row.team_id}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def analyse_org(org: Organization, *, kinds: list[str] | None = None, batch: int = 200) -> dict:
    """Bring the stored analyses of the organisation's customer-authored texts up to date (the
    sources of `sources.analysed_kinds()`; stored analyses of any other source are removed).
    Returns counts: analysed (new or changed), unchanged, removed (their text is gone).

    Never a long write lock (SQLite has one writer): the texts are read first, analysed outside
    any transaction, then written in small transactions of `batch` texts, each retried a few
    times when another writer holds the database."""
    analyser, fingerprint = analyser_for(org.pk)
    counts = {"analysed": 0, "unchanged": 0, "removed": 0}
    wanted = sources.analysed_kinds()
    left_out = TextAnalysis.objects.filter(org=org).exclude(source__in=wanted)
    if kinds is not None:
        left_out = left_out.filter(source__in=kinds)
    counts["removed"] += _delete_in_batches(list(left_out.values_list("pk", flat=True)), batch)
    for kind in wanted:
        if kinds is not None and kind not in kinds:
            continue
        source = sources.SOURCES[kind]
        stored = {
            source_id: (pk, text_hash, config_hash)
            for pk, source_id, text_hash, config_hash in TextAnalysis.objects.filter(org=org, source=kind).values_list(
                "pk", "source_id", "text_hash", "config_hash"
            )
        }
        # Read every text before writing: a read left open across our own writes would keep an
        # old snapshot that SQLite refuses to turn into a write ("database is locked").
        rows = list(source.texts(org))
        seen: set[int] = set()
        pending: list[tuple[sources.SourceText, str, int | None]] = []
        for row in rows:
            seen.add(row.source_id)
            digest = _text_hash(row)
            known = stored.get(row.source_id)
            if known and known[1] == digest and known[2] == fingerprint:
                counts["unchanged"] += 1
                continue
            pending.append((row, digest, known[0] if known else None))
        for index in range(0, len(pending), batch):
            chunk = pending[index : index + batch]
            results = [analyser.analyse(row.text) for row, _digest, _pk in chunk]
            _with_retry(_store, org, kind, fingerprint, chunk, results)
            counts["analysed"] += len(chunk)
        gone = [pk for source_id, (pk, _h, _c) in stored.items() if source_id not in seen]
        counts["removed"] += _delete_in_batches(gone, batch)
    return counts


def _with_retry(write, *args, attempts: int = 5):
    """Run a short write; when another writer holds the database, wait a little and try again."""
    for attempt in range(attempts):
        try:
            return write(*args)
        except OperationalError as error:
            if not is_database_busy(error) or attempt == attempts - 1:
                raise
            time.sleep(0.5 * (attempt + 1))


def _delete_in_batches(pks: list[int], batch: int) -> int:
    removed = 0
    for index in range(0, len(pks), batch):
        chunk = pks[index : index + batch]

        def delete(chunk=chunk):
            with transaction.atomic():
                AnalysisTopic.objects.filter(analysis_id__in=chunk).delete()
                return TextAnalysis.objects.filter(pk__in=chunk).delete()[1].get("insights.TextAnalysis", 0)

        removed += _with_retry(delete)
    return removed


@transaction.atomic
def _store(org, kind: str, fingerprint: str, pending: list, results: list[Analysis]) -> None:
    now = timezone.now()
    existing_ids = [pk for _row, _digest, pk in pending if pk]
    if existing_ids:
        AnalysisTopic.objects.filter(analysis_id__in=existing_ids).delete()
        TextAnalysis.objects.filter(pk__in=existing_ids).delete()
    made = []
    topic_codes = []
    for (row, digest, _pk), result in zip(pending, results, strict=True):
        made.append(
            TextAnalysis(
                org=org,
                source=kind,
                source_id=row.source_id,
                day=row.day,
                customer_id=row.customer_id,
                manager_id=row.manager_id,
                team_id=row.team_id,
                excerpt=row.text[:EXCERPT_LENGTH],
                language=result.language,
                sentiment=result.sentiment,
                score=result.score,
                keywords=result.keywords,
                text_hash=digest,
                config_hash=fingerprint,
                analysed_at=now,
            )
        )
        topic_codes.append(result.topics)
    TextAnalysis.objects.bulk_create(made)
    if made and made[0].pk is None:  # a database that does not return ids: read them back
        ids = dict(
            TextAnalysis.objects.filter(org=org, source=kind, source_id__in=[m.source_id for m in made]).values_list(
                "source_id", "pk"
            )
        )
        for m in made:
            m.pk = ids[m.source_id]
    AnalysisTopic.objects.bulk_create(
        [
            AnalysisTopic(org=org, analysis_id=m.pk, topic_id=int(code))
            for m, codes in zip(made, topic_codes, strict=False)
            for code in codes
        ]
    )


def analyse_all() -> dict:
    """The chore: every organisation's texts (seeding the default topics of an organisation
    that never had any)."""
    total = {"analysed": 0, "unchanged": 0, "removed": 0, "busy": 0}
    for org in Organization.objects.all():
        if not Topic.objects.filter(org=org).exists():
            topics_seed(org)
        try:
            counts = analyse_org(org)
        except OperationalError as error:
            if not is_database_busy(error):
                raise
            # Another writer kept the database: what was written stays, the rest waits for
            # the next run (the chore is idempotent).
            logger.warning("insights: database busy, organisation %s left for the next run", org.pk)
            total["busy"] += 1
            continue
        for key, value in counts.items():
            total[key] += value
    return total
