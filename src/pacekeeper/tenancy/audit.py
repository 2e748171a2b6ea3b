"""Recording changes that matter (DESIGN rule 7). Services call `audit_record` inside their own
transaction, so a change and its record commit or roll back together."""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import translation
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib import request_context
from pacekeeper.lib.formatting import format_amount
from pacekeeper.lib.money import AmountError, parse_amount, to_minor

from .models import AuditEntry


@dataclass(frozen=True)
class JobActor:
    """A background job recording what it did, on behalf of the person who started it (who may
    since have been removed: then the row names nobody)."""

    org_id: int
    user_id: int | None
    channel: str = "system"


def required_reason(reason: str, message: str = "") -> str:
    """The reason a change must carry into the audit trail, stripped; refused when empty."""
    from pacekeeper.errors import ValidationFailed

    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": [message or _("Say why: the reason is kept in the audit trail.")]})
    return reason


def audit_record(
    *, actor, obj: models.Model, field: str, before: object, after: object, reason: str = ""
) -> AuditEntry:
    return audit_entry(actor=actor, obj=obj, field=field, before=before, after=after, reason=reason, save=True)


def audit_record_many(*, actor, changes: list[tuple[models.Model, str, object, object]], reason: str = "") -> None:
    """One audit row per (object, field, before, after), written in one statement: bulk paths
    (a transfer of hundreds of customers) are audited like single ones."""
    AuditEntry.objects.bulk_create(
        [
            audit_entry(actor=actor, obj=obj, field=field, before=before, after=after, reason=reason)
            for obj, field, before, after in changes
        ],
        batch_size=1000,
    )


def audit_entry(
    *, actor, obj: models.Model, field: str, before: object, after: object, reason: str = "", save: bool = False
) -> AuditEntry:
    context = request_context.current()
    entry = AuditEntry(
        org_id=actor.org_id,
        actor_id=actor.user_id,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        field=field,
        before="" if before is None else str(before),
        after="" if after is None else str(after),
        reason=reason,
        channel=actor.channel,
        address=context.address,
        request_id=context.request_id,
    )
    if save:
        entry.save()
    return entry


def audit_trail(*, actor, obj: models.Model):
    """The recorded changes of one object the actor can already see, newest first."""
    return (
        AuditEntry.objects.filter(org_id=actor.org_id, object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor", "org")
        .order_by("-at", "-pk")
    )


def named_trail(*, actor, obj: models.Model, limit: int = 20) -> list[AuditEntry]:
    """The newest `limit` recorded changes of the object, links named (`with_names`)."""
    return with_names(audit_trail(actor=actor, obj=obj)[:limit], actor=actor)


# --- showing recorded changes to people ----------------------------------------------------------

# Recorded fields that are not a model field of their own.
EXTRA_FIELD_LABELS = {
    "rules": _("rules"),
    "amount": _("amount"),
    "two_factor": _("Two-factor sign-in"),
    "certificate": _("certificate issued"),
}
YES_NO = {"True": _("yes"), "False": _("no")}
# Values recorded for a field that is not a model field, by field.
EXTRA_VALUE_LABELS = {
    "two_factor": {"on": pgettext_lazy("two-factor", "on"), "off": pgettext_lazy("two-factor", "off")},
}


def _model_field(object_type: str, field: str):
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return None
    for name in (field, f"{field}_minor"):
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None


def field_label(entry: AuditEntry) -> str:
    """The field's own name in the reader's language ("status" → "状态"), else as recorded."""
    if entry.field in EXTRA_FIELD_LABELS:
        return str(EXTRA_FIELD_LABELS[entry.field])
    model_field = _model_field(entry.object_type, entry.field)
    return str(getattr(model_field, "verbose_name", entry.field))


def with_names(entries, *, actor) -> list[AuditEntry]:
    """The entries with the people, goals, customers … a link field recorded by id named, so
    the trail reads "负责人: 王芳 → 李强", never "10 → 16": one query per kind of link for the
    whole list. Only what the actor can see is named (`visible_to`, else their organisation);
    anything else — removed since, or out of their sight — reads as "(removed)"."""
    entries = list(entries)
    wanted: dict[type, set[str]] = {}
    for entry in entries:
        model_field = _model_field(entry.object_type, entry.field)
        if isinstance(model_field, models.ForeignKey):
            wanted.setdefault(model_field.related_model, set()).update(v for v in (entry.before, entry.after) if v)
    names: dict[type, dict[str, str]] = {}
    for model, ids in wanted.items():
        names[model] = {str(obj.pk): str(obj) for obj in _linked(model, ids, actor)}
    for entry in entries:
        model_field = _model_field(entry.object_type, entry.field)
        if isinstance(model_field, models.ForeignKey):
            entry.names = names.get(model_field.related_model, {})
    return entries


def _linked(model, ids: set[str], actor):
    pks = [int(value) for value in ids if value.isdigit()]
    manager = model._default_manager
    if hasattr(manager.all(), "visible_to") and model._meta.label_lower != "tenancy.user":
        return manager.all().visible_to(actor).filter(pk__in=pks)
    return manager.filter(org_id=actor.org_id, pk__in=pks)


def value_label(entry: AuditEntry, value: str) -> str:
    """A recorded value as people read it: a choice by its label ("calculated" → "待审批"),
    true/false as yes/no, a link by its name (see `with_names`), anything else as recorded."""
    names = getattr(entry, "names", None)
    if names is not None:
        return names.get(value) or str(_("(removed)"))
    if value in YES_NO:
        return str(YES_NO[value])
    if value in EXTRA_VALUE_LABELS.get(entry.field, {}):
        return str(EXTRA_VALUE_LABELS[entry.field][value])
    if entry.field == "certificate":
        return _certificate_label(value)
    model_field = _model_field(entry.object_type, entry.field)
    if model_field is not None and model_field.name.endswith("_minor"):
        return _money_label(entry, value)
    choices = dict(getattr(model_field, "flatchoices", None) or ())
    return str(choices.get(value, value))


def _money_label(entry: AuditEntry, value: str) -> str:
    """Money is recorded in major units ("265671.74"); shown as everywhere else (¥265,671.74)."""
    currency = entry.org.currency
    try:
        minor = to_minor(parse_amount(value), currency)
    except (AmountError, ArithmeticError):
        return value
    return format_amount(minor, currency, get_language() or "zh-hans")


def _certificate_label(value: str) -> str:
    """A certificate is recorded as "<number> <language code>": the language by its own name."""
    number, _space, code = value.partition(" ")
    try:
        language = translation.get_language_info(code)["name_local"]
    except KeyError:
        return value
    return f"{number} ({language})"
