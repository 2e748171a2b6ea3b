"""Demo team health: pulse answers for the last closed periods, so the team health page shows
figures and a trend (one team's workload and stress slowly worsening), a few answers to this
period given through the pulse service, and one conflict case in mediation.

Closed periods are written the way the pulse keeps them once a period has ended: who answered
(`PulseRespondent`) and what was answered (`PulseAnswer`, with its team and no edit key) in two
tables that share nothing but the organisation and the period. The service itself only answers
the period under way, which the last step uses."""

from __future__ import annotations

import datetime as dt

from pacekeeper.teamhealth import conflicts, pulse
from pacekeeper.teamhealth.models import QUESTIONS, PulseAnswer, PulseRespondent
from pacekeeper.tenancy.models import Organization, Role, Team, TeamMembership, User
from pacekeeper.tenancy.scopes import actor_for

CLOSED_PERIODS = 4
# Each person's usual answer (workload, stress, support, clarity), picked by their position.
PROFILES = ((4, 3, 4, 4), (3, 3, 4, 5), (4, 4, 5, 4), (3, 2, 4, 3), (5, 4, 4, 4), (4, 3, 3, 4))


def make_team_health(org: Organization, until: dt.date) -> int:
    settings = pulse.pulse_settings(org)
    periods = pulse.closed_periods(settings.cadence, until, CLOSED_PERIODS)
    first_team = (
        TeamMembership.objects.filter(org=org, is_lead=True)
        .order_by("team_id", "pk")
        .values_list("team_id", flat=True)
        .first()
    )
    teams = {team.pk: team for team in Team.objects.filter(org=org)}
    respondents, answers = [], []
    for age, (start, end) in enumerate(reversed(periods)):  # age 0: the last closed period
        members: dict[int, int] = {}
        for user_id, team_id in (
            TeamMembership.objects.current(end)
            .filter(org=org)
            .order_by("started_on", "pk")
            .values_list("user_id", "team_id")
        ):
            members[user_id] = team_id  # the latest joined team, as the service does
        for user_id, team_id in sorted(members.items()):
            team = teams[team_id]
            scores = list(PROFILES[(user_id + age) % len(PROFILES)])
            if team_id == first_team:  # a busy quarter-end: heavier and more stressful each month
                strain = max(0, 2 - age)
                scores[0] = max(1, scores[0] - min(1, strain))
                scores[1] = max(1, scores[1] - strain)
            respondents.append(PulseRespondent(org=org, person_id=user_id, period_start=start, period_end=end))
            answers.append(
                PulseAnswer(
                    org=org,
                    team=team,
                    team_path=team.path,
                    period_start=start,
                    period_end=end,
                    edit_key="",
                    **dict(zip(QUESTIONS, scores, strict=True)),
                )
            )
    PulseRespondent.objects.bulk_create(respondents)
    PulseAnswer.objects.bulk_create(answers)
    # This period: the first few managers have answered already (through the service).
    managers = User.objects.filter(org=org, role=Role.MANAGER, is_active=True).order_by("username")[:3]
    current = sum(
        pulse.pulse_answer(actor=actor_for(user, channel="system"), scores=dict(zip(QUESTIONS, profile, strict=True)))
        for user, profile in zip(managers, PROFILES, strict=False)
    )
    return len(answers) + current + _make_conflict(org, until, first_team)


def _make_conflict(org: Organization, until: dt.date, team_id: int | None) -> int:
    """Two account managers of the first team disagree over who owns a customer; a director names
    their lead as mediator."""
    if team_id is None:
        return 0
    rows = list(
        TeamMembership.objects.current(until)
        .filter(org=org, team_id=team_id)
        .select_related("user")
        .order_by("user__username")
    )
    lead = next((m.user for m in rows if m.is_lead), None)
    parties = [m.user for m in rows if not m.is_lead][:2]
    if lead is None or len(parties) < 2:
        return 0
    director = actor_for(User.objects.get(org=org, role=Role.DIRECTOR), channel="system")
    case = conflicts.conflict_raise(
        actor=director,
        title="客户归属争议",
        description=(
            f"{parties[0].display_name}与{parties[1].display_name}对一家新开户企业的归属有分歧："
            "一方称是自己先拜访并引荐，另一方完成了开户资料收集，双方都认为业绩应计入自己名下。"
        ),
        party_ids=[p.pk for p in parties],
    )
    conflicts.conflict_start_mediation(
        actor=director, conflict=case, mediator_id=lead.pk, note="请团队长先分别沟通，本周内组织三方面谈。"
    )
    return 1
