"""Recognition pages: the team's kudos feed (and giving kudos), the badges (and awarding one by
hand), a person's badges and kudos, and the honour certificate of an award. Each view fetches
through the scope and calls the service the API calls too."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.lib.pages import actor_required, add_service_errors, paginate, query_without
from pacekeeper.tenancy.models import Team, User
from pacekeeper.tenancy.scopes import BADGE_AWARDERS, get_visible

from . import selectors, services
from .forms import AwardForm, KudosForm

PER_PAGE = 20


def _kudos_form(request, data=None, initial=None) -> KudosForm:
    actor = request.actor
    return KudosForm(
        data,
        initial=initial,
        recipients=selectors.recipient_choices(actor),
        customers=selectors.customer_choices(actor),
        goals=selectors.goal_choices(actor),
    )


def _give(request: HttpRequest, form: KudosForm) -> bool:
    """Give the kudos the form holds; False (errors on the form) when refused."""
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        services.kudos_give(
            actor=request.actor,
            recipient_id=data["recipient"],
            text=data["text"],
            customer_id=data.get("customer"),
            goal_id=data.get("goal"),
        )
    except ValidationFailed as failed:
        add_service_errors(form, failed)
        return False
    messages.success(request, _("Kudos sent."))
    return True


@actor_required
def feed(request: HttpRequest):
    """The team's kudos, newest first: a lead's teams, an account manager's own team, any team
    for organisation-wide roles."""
    actor = request.actor
    teams = selectors.feed_teams(actor)
    chosen = request.GET.get("team")
    team = get_visible(Team.objects.visible_to(actor), chosen, actor=actor) if chosen else None
    if team is None and actor.member_ids is not None and teams:
        team = teams[0]
    form = _kudos_form(request, request.POST or None) if actor.can_write else None
    if request.method == "POST":
        if form is None:
            raise Forbidden()
        if _give(request, form):
            return redirect(request.get_full_path())
    rows = selectors.kudos_filter(selectors.kudos_list(actor), team=team, day=actor.today())
    page = paginate(request, rows.order_by("-created_at", "-pk"), PER_PAGE)
    context = {
        "teams": teams,
        "team": team,
        "page": page,
        "kudos": selectors.shown_kudos(actor, list(page.object_list)),
        "form": form,
        "query": query_without(request, "page"),
    }
    return render(request, "recognition/feed.html", context, status=400 if form is not None and form.errors else 200)


@actor_required
def badges(request: HttpRequest):
    """The organisation's badges, the awards of the people the actor sees, and awarding one by hand."""
    actor = request.actor
    form = None
    if actor.role in BADGE_AWARDERS:
        people = User.objects.visible_to(actor).filter(is_active=True).exclude(pk=actor.user_id)
        form = AwardForm(
            request.POST or None,
            people=people.order_by("display_name", "username"),
            badges=selectors.badge_list(actor).active().order_by("pk"),
        )
    if request.method == "POST":
        if form is None:
            raise Forbidden(_("Badges are awarded by hand by team leads, directors and the org admin."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.badge_award_manual(
                    actor=actor, person_id=data["person"], badge_id=data["badge"], reason=data["reason"]
                )
            except ValidationFailed as failed:
                add_service_errors(form, failed)
            else:
                messages.success(request, _("Badge awarded."))
                return redirect("recognition:badges")
    awards = selectors.award_list(actor).order_by("-awarded_at", "-pk")
    page = paginate(request, awards, PER_PAGE)
    context = {
        "badges": selectors.badge_list(actor).order_by("pk"),
        "page": page,
        "awards": [{"award": a, "evidence": selectors.evidence_lines(a)} for a in page.object_list],
        "form": form,
        "may_download": selectors.may_download_certificate(actor),
        "query": query_without(request, "page"),
    }
    return render(request, "recognition/badges.html", context, status=400 if form is not None and form.errors else 200)


@actor_required
def person(request: HttpRequest, user_id: int):
    """One person's badges (period and figures) and the kudos they received."""
    actor = request.actor
    someone = get_visible(User.objects.visible_to(actor), user_id, actor=actor)
    form = None
    if actor.can_write and someone.pk != actor.user_id:
        form = _kudos_form(request, request.POST or None, initial={"recipient": someone.pk})
    if request.method == "POST":
        if form is None:
            raise Forbidden()
        if _give(request, form):
            return redirect("recognition:person", user_id=someone.pk)
    rows = selectors.kudos_filter(selectors.kudos_list(actor), person=someone.pk).order_by("-created_at", "-pk")
    page = paginate(request, rows, PER_PAGE)
    context = {
        "someone": someone,
        "awards": selectors.person_awards(actor, someone),
        "page": page,
        "kudos": selectors.shown_kudos(actor, list(page.object_list)),
        "form": form,
        "may_download": selectors.may_download_certificate(actor),
        "query": query_without(request, "page"),
    }
    return render(request, "recognition/person.html", context, status=400 if form is not None and form.errors else 200)


@actor_required
def certificate(request: HttpRequest, badge_award_id: int):
    """The honour certificate as a PDF, in ?lang= (zh-hans or en) or the page's language."""
    actor = request.actor
    award = selectors.access_certificate(actor, badge_award_id)
    lang = request.GET.get("lang")
    language = lang if lang in ("zh-hans", "en") else (get_language() or "zh-hans")
    pdf = services.certificate_pdf(actor=actor, award=award, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{award.pk}.pdf"'
    return response
