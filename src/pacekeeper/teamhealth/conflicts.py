"""Conflict cases (解决团队冲突): raised → mediation → agreement → follow-up → closed.

Each step has one service, taken only from the step before it (StepOutOfOrder otherwise), dated
on the case, written to its history and to the audit trail, and announced to the people
involved. The agreement step completes only when every party has confirmed the agreement as
written; a changed agreement asks them all again.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacekeeper.errors import Forbidden, NotFound, ValidationFailed
from pacekeeper.lib.date_rules import require_dates
from pacekeeper.tenancy.audit import audit_record
from pacekeeper.tenancy.models import User
from pacekeeper.tenancy.scopes import (
    Actor,
    conflict_handlers,
    conflict_people_q,
    get_visible,
    may_assign_mediator,
    may_edit_conflict,
    may_mediate_conflict,
    may_raise_conflict,
)

from .models import Conflict, ConflictParty, ConflictStep
from .notices import announce_step

S = Conflict.Status


def access_conflict(actor: Actor, conflict_id: object) -> Conflict:
    """A case the actor may see; anyone else gets 404, whether or not it exists."""
    return get_visible(Conflict.objects.visible_to(actor), conflict_id, actor=actor)


def conflict_list(actor: Actor, *, status: str | None = None, search: str = ""):
    rows = Conflict.objects.visible_to(actor).select_related("raised_by", "mediator")
    if status:
        rows = rows.filter(status=status)
    if search:
        rows = rows.filter(title__icontains=search)
    return rows.order_by("-raised_at", "-pk")


def _people(actor: Actor, ids: list[int], field: str) -> list[User]:
    unique = list(dict.fromkeys(ids))
    found = list(User.objects.filter(conflict_people_q(actor), pk__in=unique))
    if len(found) != len(unique):
        raise ValidationFailed({field: [_("Choose people of your organisation.")]})
    return found


def _require_status(conflict: Conflict, *expected: str) -> None:
    if conflict.status not in expected:
        raise ValidationFailed(
            {
                "status": [
                    _("This step cannot be taken now: the case is “%(status)s”.")
                    % {"status": conflict.get_status_display()}
                ]
            }
        )


def _involved(conflict: Conflict) -> list[User]:
    ids = {conflict.raised_by_id, conflict.mediator_id, *conflict.parties.values_list("person_id", flat=True)}
    people = User.objects.filter(org_id=conflict.org_id, pk__in=[i for i in ids if i])
    return list(people) + list(conflict_handlers(conflict.org))


def _step(actor: Actor, conflict: Conflict, *, before: str, note: str = "") -> None:
    ConflictStep.objects.create(
        org_id=conflict.org_id, conflict=conflict, step=conflict.status, by=actor.user, note=note
    )
    audit_record(actor=actor, obj=conflict, field="status", before=before, after=conflict.status, reason=note)
    announce_step(actor=actor, conflict=conflict, recipients=_involved(conflict))


@transaction.atomic
def conflict_raise(*, actor: Actor, title: str, description: str, party_ids: list[int]) -> Conflict:
    """Raise a case between two or more people (the raiser among them or not)."""
    if not may_raise_conflict(actor):
        raise Forbidden()
    errors = {}
    if not title.strip():
        errors["title"] = [_("Give the case a short title.")]
    if not description.strip():
        errors["description"] = [_("Say what happened.")]
    if len(set(party_ids)) < 2:
        errors["parties"] = [_("A conflict is between two or more people: choose at least two.")]
    if errors:
        raise ValidationFailed(errors)
    people = _people(actor, party_ids, "parties")
    conflict = Conflict.objects.create(
        org_id=actor.org_id, title=title.strip(), description=description.strip(), raised_by=actor.user
    )
    ConflictParty.objects.bulk_create([ConflictParty(org_id=actor.org_id, conflict=conflict, person=p) for p in people])
    _step(actor, conflict, before="")
    return conflict


@transaction.atomic
def conflict_edit(*, actor: Actor, conflict: Conflict, title: str | None = None, description: str | None = None):
    """Reword a case while it is only raised: whoever raised it, or a director."""
    if not may_edit_conflict(actor, conflict):
        raise Forbidden()
    _require_status(conflict, S.RAISED)
    for name, value in (("title", title), ("description", description)):
        if value is None:
            continue
        if not value.strip():
            raise ValidationFailed({name: [_("This field cannot be empty.")]})
        if getattr(conflict, name) != value.strip():
            audit_record(actor=actor, obj=conflict, field=name, before=getattr(conflict, name), after=value.strip())
            setattr(conflict, name, value.strip())
    conflict.save(update_fields=["title", "description"])
    return conflict


@transaction.atomic
def conflict_start_mediation(*, actor: Actor, conflict: Conflict, mediator_id: int, note: str = "") -> Conflict:
    """A director (HR) names a mediator, who is not a party, and mediation starts."""
    if not may_assign_mediator(actor):
        raise Forbidden()
    conflict = Conflict.objects.select_for_update().get(pk=conflict.pk)
    _require_status(conflict, S.RAISED)
    mediator = _people(actor, [mediator_id], "mediator")[0]
    if conflict.parties.filter(person=mediator).exists():
        raise ValidationFailed({"mediator": [_("A party cannot mediate their own conflict.")]})
    conflict.mediator, conflict.status, conflict.mediation_at = mediator, S.MEDIATION, timezone.now()
    conflict.save(update_fields=["mediator", "status", "mediation_at"])
    audit_record(actor=actor, obj=conflict, field="mediator", before=None, after=mediator.pk)
    _step(actor, conflict, before=S.RAISED, note=note)
    return conflict


@transaction.atomic
def conflict_propose_agreement(*, actor: Actor, conflict: Conflict, agreement: str, follow_up_on: dt.date) -> Conflict:
    """The mediator (or a director) writes down what was agreed and when to follow up; every party
    is asked to confirm it. A case awaiting confirmation may be given a reworded agreement."""
    if not may_mediate_conflict(actor, conflict):
        raise Forbidden()
    conflict = Conflict.objects.select_for_update().get(pk=conflict.pk)
    _require_status(conflict, S.MEDIATION, S.AGREEMENT)
    if not agreement.strip():
        raise ValidationFailed({"agreement": [_("Write down what the parties agreed.")]})
    require_dates(today=actor.today(), business={"follow_up_on": follow_up_on})
    if follow_up_on < actor.today():
        raise ValidationFailed({"follow_up_on": [_("The follow-up cannot be in the past.")]})
    before = conflict.status
    conflict.agreement, conflict.follow_up_on = agreement.strip(), follow_up_on
    conflict.status, conflict.agreement_at = S.AGREEMENT, timezone.now()
    conflict.save(update_fields=["agreement", "follow_up_on", "status", "agreement_at"])
    conflict.parties.update(confirmed_at=None)
    audit_record(actor=actor, obj=conflict, field="agreement", before="", after=conflict.agreement)
    _step(actor, conflict, before=before, note=conflict.agreement)
    return conflict


@transaction.atomic
def conflict_confirm(*, actor: Actor, conflict: Conflict) -> Conflict:
    """A party confirms the agreement as written. When the last party confirms, the agreement
    step is complete and the case moves to follow-up."""
    party = ConflictParty.objects.filter(conflict=conflict, person_id=actor.user_id).first()
    if party is None:
        raise Forbidden(_("Only the parties confirm the agreement."))
    conflict = Conflict.objects.select_for_update().get(pk=conflict.pk)
    _require_status(conflict, S.AGREEMENT)
    if party.confirmed_at is not None:
        raise ValidationFailed({"": [_("You have confirmed this agreement already.")]})
    party.confirmed_at = timezone.now()
    party.save(update_fields=["confirmed_at"])
    audit_record(actor=actor, obj=conflict, field="confirmed_by", before=None, after=actor.user_id)
    ConflictStep.objects.create(org_id=conflict.org_id, conflict=conflict, step="confirmed", by=actor.user)
    if not conflict.parties.filter(confirmed_at__isnull=True).exists():
        conflict.status, conflict.confirmed_at = S.FOLLOW_UP, timezone.now()
        conflict.save(update_fields=["status", "confirmed_at"])
        _step(actor, conflict, before=S.AGREEMENT)
    return conflict


@transaction.atomic
def conflict_close(*, actor: Actor, conflict: Conflict, outcome: str) -> Conflict:
    """The mediator (or a director) records how the follow-up went and closes the case."""
    if not may_mediate_conflict(actor, conflict):
        raise Forbidden()
    conflict = Conflict.objects.select_for_update().get(pk=conflict.pk)
    _require_status(conflict, S.FOLLOW_UP)
    if not outcome.strip():
        raise ValidationFailed({"outcome": [_("Say how the follow-up went.")]})
    conflict.outcome, conflict.status, conflict.closed_at = outcome.strip(), S.CLOSED, timezone.now()
    conflict.save(update_fields=["outcome", "status", "closed_at"])
    _step(actor, conflict, before=S.FOLLOW_UP, note=conflict.outcome)
    return conflict


def conflict_parties(conflict: Conflict) -> list[ConflictParty]:
    return list(conflict.parties.select_related("person"))


def conflict_steps(conflict: Conflict) -> list[ConflictStep]:
    return list(conflict.steps.select_related("by"))


__all__ = ["NotFound"]
