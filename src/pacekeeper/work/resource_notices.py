"""What resource requests announce (DESIGN rule 14): a new request goes to the people who may
decide it (its requester's team lead up to the threshold, else the directors); the decision
goes back to the requester. Registered at start-up through work/notices.py."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pacekeeper.notifications.kinds import Kind, register
from pacekeeper.notifications.services import notify, settle
from pacekeeper.tenancy.scopes import Actor, resource_request_deciders

from .resource_models import ResourceRequest, size_text

REQUESTED = "resource_request_to_decide"
APPROVED = "resource_request_approved"
REFUSED = "resource_request_refused"


def _shown(params: dict, language: str) -> dict:
    """The amount (hours for people's time) in the reader's language and the kind by its name in
    that language. Notices stored before hours were kept fall back to the money."""
    shown = dict(params)
    if params.get("amount_minor") is not None:
        shown["amount"] = size_text(
            params.get("kind", ""),
            int(params["amount_minor"]),
            params.get("hours"),
            params.get("currency", "CNY"),
            language,
        )
    kinds = dict(ResourceRequest.Kind.choices)
    shown["kind"] = str(kinds.get(params.get("kind"), params.get("kind", "")))
    return shown


def _link(rr: ResourceRequest) -> str:
    return reverse("work:resource_request", args=[rr.pk])


register(
    Kind(
        name=REQUESTED,
        message=_("{person} asks for {kind} ({amount}) for “{subject}”: {description}. It waits for your decision."),
        link=_link,
        shown=_shown,
    )
)
register(
    Kind(
        name=APPROVED,
        message=_("{person} approved your request for {kind} ({amount}) for “{subject}”."),
        link=_link,
        shown=_shown,
    )
)
register(
    Kind(
        name=REFUSED,
        message=_("{person} refused your request for {kind} ({amount}) for “{subject}”: {reason}"),
        link=_link,
        shown=_shown,
    )
)


def _params(rr: ResourceRequest, *, person: str) -> dict:
    parent = rr.task if rr.task_id else rr.goal
    return {
        "person": person,
        "kind": rr.kind,
        "amount_minor": rr.amount_minor,
        "hours": None if rr.hours is None else f"{rr.hours:f}",
        "currency": rr.org.currency,
        "subject": parent.title,
        "description": rr.description[:200],
        "reason": rr.refusal_reason,
    }


def announce_requested(*, actor: Actor, rr: ResourceRequest, within_lead_limit: bool) -> None:
    deciders = resource_request_deciders(actor.user, within_lead_limit=within_lead_limit, today=actor.today())
    notify(
        org=actor.org,
        recipients=deciders,
        kind=REQUESTED,
        subject=rr,
        params=_params(rr, person=str(actor.user)),
        actor=actor.user,
    )


def announce_decided(*, actor: Actor, rr: ResourceRequest) -> None:
    """The requester learns the answer; the other deciders' "waits for your decision" are settled."""
    settle(org=actor.org, subject=rr, kinds=[REQUESTED])
    kind = APPROVED if rr.decision == ResourceRequest.Decision.APPROVED else REFUSED
    notify(
        org=actor.org,
        recipients=[rr.requested_by],
        kind=kind,
        subject=rr,
        params=_params(rr, person=str(actor.user)),
        actor=actor.user,
    )
