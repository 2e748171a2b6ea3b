"""Recognition on other apps' pages: a person's badges and latest kudos on the person page, and
"most improved" on the team page (dashboards templates load these)."""

from django import template

from pacekeeper.recognition import selectors

register = template.Library()
LATEST_KUDOS = 3


@register.inclusion_tag("recognition/_person_card.html", takes_context=True)
def person_recognition(context, person):
    actor = context["request"].actor
    kudos = list(selectors.kudos_filter(selectors.kudos_list(actor), person=person.pk)[:LATEST_KUDOS])
    return {
        "someone": person,
        "awards": selectors.person_awards(actor, person),
        "kudos": selectors.shown_kudos(actor, kudos),
        "may_download": selectors.may_download_certificate(actor),
        "actor": actor,
    }


@register.inclusion_tag("recognition/_most_improved.html", takes_context=True)
def most_improved(context, team, period):
    request = context["request"]
    result = selectors.most_improved(
        actor=request.actor, team=team, period=period, metric=request.GET.get("improved", "")
    )
    return {**result, "team": team, "period": period}
