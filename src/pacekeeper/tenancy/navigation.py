"""The main places of the application, per role: across the top on a wide screen (the less
used ones behind "More" there, so the bar stays one line at 1366 px in both languages); on a
phone, the role's few everyday places in a bottom tab bar and the rest behind "More".
One list, so the two never disagree about who may go where."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Role
from .scopes import Actor

# Which places a role reaches from the phone's tab bar, in order (the rest go under "More").
EVERYDAY = {
    Role.MANAGER: ["my_day", "customers", "pipeline", "goals"],
    Role.LEAD: ["my_day", "team", "customers", "goals"],
    Role.DIRECTOR: ["overview", "follow_ups", "goals", "pay"],
    Role.ADMIN: ["overview", "goals", "pay", "settings"],
    Role.ANALYST: ["overview", "customers", "leaderboard", "goals"],
}

# Places a wide screen's top bar keeps behind its "More" menu, unless they are one of the role's
# everyday places: with all of them in line the bar wrapped to two lines at 1366 px in English.
# A new place that is not visited daily belongs here too.
LESS_USED = (
    "skills",
    "recognition",
    "training",
    "surveys",
    "tickets",
    "progress_reports",
    "pipeline",
    "leaderboard",
    "resources",
    "import",
    "export",
    "audit",
    "relationships",
    "team_health",
    "risks",
    "insights",
)


@dataclass(frozen=True)
class Place:
    key: str
    label: str
    url: str
    current: bool


def _places(actor: Actor) -> list[tuple[str, str, str]]:
    """(key, label, url name) of every place the actor may open, in the order of the top bar."""
    role = actor.role
    candidates = [
        ("my_day", _("My day"), "dashboards:my_day", role in (Role.MANAGER, Role.LEAD)),
        ("team", _("Team"), "dashboards:team", role == Role.LEAD),
        ("overview", _("Overview"), "dashboards:overview", actor.sees_whole_org),
        ("follow_ups", _("Follow-ups"), "crm:follow_ups", role != Role.MANAGER),
        ("goals", _("Goals"), "goals:list", True),
        ("tasks", _("Tasks"), "work:mine", True),
        ("skills", _("Skills"), "skills:mine", True),
        ("meetings", _("Meetings"), "meetings:list", True),
        ("recognition", _("Kudos"), "recognition:feed", True),
        ("training", _("Training"), "training:catalogue", True),
        ("customers", _("Customers"), "crm:customers", True),
        ("pipeline", _("Pipeline"), "crm:pipeline", True),
        ("leaderboard", _("Leaderboard"), "kpis:leaderboard", True),
        ("evaluations", _("Evaluations"), "reviews:cycles", role != Role.ANALYST),
        ("pay", _("Pay"), "incentives:home", role != Role.ANALYST),
        ("resources", _("Resource requests"), "work:resource_requests", role in (Role.ADMIN, Role.DIRECTOR, Role.LEAD)),
        ("import", _("Import"), "crm:import_upload", actor.can_write),
        ("export", _("Export"), "crm:exports", True),
        ("surveys", _("Surveys"), "feedback:home", True),
        ("tickets", _("Tickets"), "tickets:list", True),
        ("audit", _("Audit trail"), "audit", role in (Role.ADMIN, Role.DIRECTOR)),
        ("settings", _("Settings"), "settings:people", role == Role.ADMIN),
        ("progress_reports", _("Progress reports"), "progress:list", True),
        ("work_reports", _("Work reports"), _work_reports_url(role), True),
        ("relationships", _("Churn risks"), "relationships:churn", True),
        ("team_health", _("Team health"), "teamhealth:results", True),
        ("risks", _("Risks"), "risks:list", True),
        ("insights", _("Customer voice"), "insights:overview", True),
    ]
    return [(key, label, url_name) for key, label, url_name, allowed in candidates if allowed]


def _work_reports_url(role: str) -> str:
    """An account manager opens their own reports; whoever reads reports, the team's."""
    return "workreports:mine" if role == Role.MANAGER else "workreports:team"


def main_places(actor: Actor, path: str) -> dict[str, list[Place]]:
    """{"all": every place, "everyday": the tab bar's, "more": the others, "top": the wide top
    bar's, "top_more": the rest behind its "More"}. A place is current when the page is it or
    below it (the customer list for a customer's page)."""
    places = []
    for key, label, url_name in _places(actor):
        url = reverse(url_name)
        places.append(Place(key=key, label=str(label), url=url, current=path.startswith(url) and url != "/"))
    everyday_keys = EVERYDAY.get(actor.role, [])
    everyday = sorted((p for p in places if p.key in everyday_keys), key=lambda p: everyday_keys.index(p.key))
    tucked = [key for key in LESS_USED if key not in everyday_keys]
    return {
        "all": places,
        "everyday": everyday,
        "more": [p for p in places if p.key not in everyday_keys],
        "top": [p for p in places if p.key not in tucked],
        "top_more": [p for p in places if p.key in tucked],
    }
