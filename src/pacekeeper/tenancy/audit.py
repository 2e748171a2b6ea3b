"""Recording changes that matter (DESIGN rule 7). Services call `audit_record` inside their own
transaction, so a change and its record commit or roll back together."""

from dataclasses import dataclass

from django.db import models

from pacekeeper.lib import request_context

from .models import AuditEntry


@dataclass(frozen=True)
class JobActor:
    """A background job recording what it did, on behalf of the person who started it (who may
    since have been removed: then the row names nobody)."""

    org_id: int
    user_id: int | None
    channel: str = "system"


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
        .select_related("actor")
        .order_by("-at", "-pk")
    )
