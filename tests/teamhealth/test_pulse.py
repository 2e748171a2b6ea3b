"""Pulse check-ins: answering, anonymity by construction, and the group rule worked by hand
through every route (API, page, export) — a group below the minimum shows no figure, and the
difference attack (a team with and without a sub-team of too few people) is refused."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from pacekeeper.notifications.models import Notification
from pacekeeper.teamhealth import pulse
from pacekeeper.teamhealth.chores import pulse_alerts_for, pulse_close_periods
from pacekeeper.teamhealth.groups import ORG, Hidden, period_groups
from pacekeeper.teamhealth.models import PulseAlert, PulseAnswer, PulseDecision, PulseRespondent, PulseSettings
from pacekeeper.tenancy.models import TeamMembership
from tests.factories import LONG_AGO, UserFactory

NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def _answers(org, team, count, score, period=NOV):
    for _ in range(count):
        PulseAnswer.objects.create(
            org=org,
            team=team,
            team_path=team.path if team else "",
            period_start=period[0],
            period_end=period[1],
            workload=score,
            stress=score,
            support=score,
            clarity=score,
        )


@pytest.fixture
def attack(world):
    """November: sub-team A1 five answers of 4, team A itself one answer of 1 (A = 6 answers),
    team B five answers of 3. A shows (6 ≥ 5) but showing A1 too would give A minus A1 = one
    person's answer: A1 is hidden. October: team B alone, four answers (below the minimum)."""
    one = world.one
    _answers(one.org, one.team_a1, 5, 4)
    _answers(one.org, one.team_a, 1, 1)
    _answers(one.org, one.team_b, 5, 3)
    _answers(one.org, one.team_b, 4, 2, period=OCT)
    return world


def test_it_decides_the_groups_by_hand(attack):
    one = attack.one
    groups = period_groups(org_id=one.org.pk, period_start=NOV[0], min_group=5)
    a = groups[one.team_a.pk]
    assert (a.count, a.means()["workload"], a.means()["score"]) == (6, Decimal("3.50"), Decimal("3.50"))  # 21/6
    assert not groups[one.team_a1.pk].shown and groups[one.team_a1.pk].hidden_because == Hidden.DIFFERENCE
    assert groups[one.team_b.pk].shown and groups[one.team_b.pk].means()["score"] == Decimal("3.00")
    branch = groups[one.branch.pk]
    assert branch.shown and branch.count == 11 and branch.means()["score"] == Decimal("3.27")  # 36/11
    assert groups[ORG].shown and groups[ORG].count == 11
    october = period_groups(org_id=one.org.pk, period_start=OCT[0], min_group=5)
    assert not october[one.team_b.pk].shown and october[one.team_b.pk].hidden_because == Hidden.TOO_FEW
    assert not october[ORG].shown


def test_it_hides_the_organisation_rather_than_every_team_for_one_answer_in_no_team(attack):
    one = attack.one
    _answers(one.org, None, 1, 5)
    groups = period_groups(org_id=one.org.pk, period_start=NOV[0], min_group=5)
    assert not groups[ORG].shown and groups[ORG].hidden_because == Hidden.DIFFERENCE  # 12 − 11 = 1
    assert groups[one.branch.pk].shown and groups[one.team_a.pk].shown and groups[one.team_b.pk].shown


def test_it_keeps_a_closed_periods_groups_when_a_team_moves_afterwards(attack):
    one = attack.one
    one.team_a1.parent = one.team_b
    one.team_a1.path = f"{one.team_b.path}{one.team_a1.pk}/"
    one.team_a1.save()
    groups = period_groups(org_id=one.org.pk, period_start=NOV[0], min_group=5)
    assert groups[one.team_a.pk].count == 6 and not groups[one.team_a1.pk].shown  # the stored paths decide


def test_every_difference_of_shown_groups_holds_none_or_at_least_the_minimum(world):
    """Exhaustive over small counts on the world's tree: any two shown groups, one inside the
    other, differ by 0 or ≥ the minimum answers."""
    one = world.one
    teams = [None, one.branch, one.team_a, one.team_a1, one.team_b]
    import itertools

    for counts in itertools.product((0, 1, 3, 5), repeat=len(teams)):
        PulseAnswer.objects.filter(org=one.org).delete()
        for team, count in zip(teams, counts, strict=True):
            _answers(one.org, team, count, 3)
        groups = period_groups(org_id=one.org.pk, period_start=NOV[0], min_group=5)
        shown = {key: group for key, group in groups.items() if group.shown}
        for outer, inner in itertools.permutations(shown.values(), 2):
            assert outer.count >= 5
            if _contains(groups, outer.key, inner.key):
                difference = outer.count - inner.count
                assert difference == 0 or difference >= 5, (counts, outer.key, inner.key)


def _contains(groups, outer, inner) -> bool:
    key = groups[inner].parent
    while key is not None:
        if key == outer:
            return True
        key = groups[key].parent
    return False


# --- every route -------------------------------------------------------------------------------------


def _november(body):
    return next(p for p in body["periods"] if p["period_start"] == "2026-11-01")


def test_the_api_refuses_the_difference_attack_and_the_small_group(attack, client):
    one = attack.one
    client.force_login(one.lead)
    team_a = client.get("/api/v1/pulse/results", {"team": one.team_a.pk}).json()
    assert _november(team_a)["means"]["workload"] == "3.50" and _november(team_a)["answers"] == 6
    team_a1 = _november(client.get("/api/v1/pulse/results", {"team": one.team_a1.pk}).json())
    assert team_a1 == {
        "period_start": "2026-11-01",
        "period_end": "2026-11-30",
        "shown": False,
        "hidden_because": "difference",
        "answers": None,
        "means": None,
    }
    client.force_login(one.admin)  # not even the org admin gets a figure of a small group
    october = client.get("/api/v1/pulse/results", {"team": one.team_b.pk}).json()["periods"]
    october = next(p for p in october if p["period_start"] == "2026-10-01")
    assert october["means"] is None and october["answers"] is None and october["hidden_because"] == "too_few"
    organisation = client.get("/api/v1/pulse/results").json()
    assert organisation["team"] is None and _november(organisation)["answers"] == 11


def test_the_page_refuses_the_difference_attack(attack, client):
    one = attack.one
    client.force_login(one.lead)
    page = client.get("/team-health/", {"team": one.team_a1.pk})
    assert page.status_code == 200
    november = next(row for row in page.context["rows"] if row["figure"].start == NOV[0])
    assert not november["figure"].shown and november["figure"].means is None
    assert "4.00" not in page.content.decode()
    assert "3.50" in client.get("/team-health/", {"team": one.team_a.pk}).content.decode()


def test_the_exports_refuse_the_difference_attack_and_the_small_group(attack, client):
    one = attack.one
    client.force_login(one.director)
    csv = b"".join(client.get("/team-health/export/", {"team": one.team_a1.pk}).streaming_content).decode()
    assert "4.00" not in csv and "Nov 2026" in csv
    csv_a = b"".join(client.get("/team-health/export/", {"team": one.team_a.pk}).streaming_content).decode()
    assert "3.50" in csv_a
    xlsx = client.get("/team-health/export/", {"team": one.team_b.pk, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    october = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "Oct 2026")
    assert october[2:8] == ("", "", "", "", "", "") or all(cell in (None, "") for cell in october[2:8])


def test_a_team_out_of_scope_answers_404_on_every_route(attack, client):
    one = attack.one
    client.force_login(one.lead)  # leads team A, not team B
    assert client.get("/api/v1/pulse/results", {"team": one.team_b.pk}).status_code == 404
    assert client.get("/team-health/", {"team": one.team_b.pk}).status_code == 404
    assert client.get("/team-health/export/", {"team": one.team_b.pk}).status_code == 404
    assert client.get("/api/v1/pulse/results", {"team": attack.two.team_a.pk}).status_code == 404
    client.force_login(one.manager)  # the organisation's figure is for organisation-wide roles
    assert client.get("/api/v1/pulse/results").status_code == 400


# --- answering ---------------------------------------------------------------------------------------


def test_it_takes_one_answer_a_period_changeable_and_never_readable(world, client):
    one = world.one
    client.force_login(one.manager)
    body = {"workload": 2, "stress": 3, "support": 4, "clarity": 5}
    first = client.post("/api/v1/pulse/answers", body, content_type="application/json")
    assert first.status_code == 201 and first.json()["has_answered"] is True
    again = client.post("/api/v1/pulse/answers", {**body, "workload": 5}, content_type="application/json")
    assert again.status_code == 200
    answer = PulseAnswer.objects.get(org=one.org)
    assert (answer.workload, answer.team_id) == (5, one.team_a.pk)  # changed in place, team at the date
    assert PulseRespondent.objects.filter(org=one.org, person=one.manager).count() == 1
    field_names = {f.name for f in PulseAnswer._meta.get_fields()}
    assert not field_names & {"person", "user", "created_at", "answered_at"}
    assert "workload" not in client.get("/api/v1/pulse/status").json()


def test_it_refuses_scores_outside_1_to_5_and_changes_nothing(world, client):
    client.force_login(world.one.manager)
    for bad in (0, 6, "3", 2.5, None, True):
        body = {"workload": bad, "stress": 3, "support": 3, "clarity": 3}
        assert client.post("/api/v1/pulse/answers", body, content_type="application/json").status_code == 422
    page = client.post("/team-health/pulse/", {"workload": 9, "stress": 3, "support": 3, "clarity": 3})
    assert page.status_code == 400
    assert not PulseAnswer.objects.exists() and not PulseRespondent.objects.exists()


def test_the_page_answers_the_pulse_on_a_phone(world, client):
    client.force_login(world.one.teammate)
    assert client.get("/team-health/pulse/").status_code == 200
    response = client.post("/team-health/pulse/", {"workload": 3, "stress": 3, "support": 4, "clarity": 2})
    assert response.status_code == 302
    assert PulseAnswer.objects.get(org=world.one.org).clarity == 2


def test_an_ended_period_forgets_whose_answer_is_which(world):
    one = world.one
    _answers(one.org, one.team_a, 1, 3)
    PulseAnswer.objects.update(edit_key="k")
    assert pulse_close_periods() == 1
    assert PulseAnswer.objects.get().edit_key == ""


def test_the_smallest_group_can_only_be_raised(world, client):
    client.force_login(world.one.admin)
    url = "/api/v1/pulse/settings"
    assert client.patch(url, {"min_group": 4}, content_type="application/json").status_code == 422
    assert client.patch(url, {"min_group": 7}, content_type="application/json").json()["min_group"] == 7
    client.force_login(world.one.manager)
    assert client.patch(url, {"min_group": 9}, content_type="application/json").status_code == 403
    assert PulseSettings.objects.get(org=world.one.org).min_group == 7


def test_a_raised_minimum_hides_a_group_on_every_route(attack, client):
    PulseSettings.objects.create(org=attack.one.org, min_group=6)
    client.force_login(attack.one.director)
    body = client.get("/api/v1/pulse/results", {"team": attack.one.team_b.pk}).json()
    assert _november(body)["means"] is None  # team B's 5 answers are below 6


def test_changing_the_minimum_never_reveals_a_new_group_of_a_decided_period(attack, client):
    """The finding: at 5, the organisation (12 answers, one in no team) is hidden and the branch
    (11) shown; raised to 12, the organisation alone would show — 12 × its mean − 11 × the
    branch's = the answers of the person in no team. A decided period keeps its minimum."""
    one = attack.one
    _answers(one.org, None, 1, 5)
    client.force_login(one.director)
    url = "/api/v1/pulse/settings"

    def november(team=None):
        params = {"team": team.pk} if team else {}
        return _november(client.get("/api/v1/pulse/results", params).json())

    assert november()["hidden_because"] == "difference" and november()["means"] is None
    assert november(one.branch)["answers"] == 11
    for minimum in (12, 5, 12):
        assert client.patch(url, {"min_group": minimum}, content_type="application/json").status_code == 200
        assert november()["means"] is None and november()["answers"] is None  # still hidden
        assert november(one.branch)["answers"] == 11  # and nothing else changes
    decision = PulseDecision.objects.get(org=one.org, period_start=NOV[0])
    assert decision.min_group == 5
    # A period not decided yet takes the setting as it is when first computed.
    assert PulseDecision.objects.filter(org=one.org, period_start=dt.date(2026, 5, 1)).count() == 0
    _answers(one.org, one.team_b, 12, 3, period=(dt.date(2026, 5, 1), dt.date(2026, 5, 31)))
    assert pulse.period_figures(one.org, dt.date(2026, 5, 1), dt.date(2026, 5, 31))[one.team_b.pk].answers == 12
    assert PulseDecision.objects.get(org=one.org, period_start=dt.date(2026, 5, 1)).min_group == 12


def test_my_day_names_the_pulse_period_of_the_organisation(world, client):
    client.force_login(world.one.teammate)
    assert "How is your month going?" in client.get("/my-day/").content.decode()  # monthly by default
    PulseSettings.objects.create(org=world.one.org, cadence="weekly")
    assert "How is your week going?" in client.get("/my-day/").content.decode()


# --- the alert -----------------------------------------------------------------------------------------


def test_it_alerts_the_leads_manager_once_when_a_score_drops(world, django_capture_on_commit_callbacks):
    one = world.one
    _answers(one.org, one.team_b, 5, 4, period=OCT)
    _answers(one.org, one.team_b, 5, 3, period=NOV)  # 4.00 → 3.00, the default alert is 0.50
    _answers(one.org, one.team_a, 5, 4, period=OCT)
    _answers(one.org, one.team_a, 5, 4, period=NOV)
    head = UserFactory(org=one.org, username="branch_head", role="lead")
    TeamMembership.objects.create(org=one.org, team=one.branch, user=head, is_lead=True, started_on=LONG_AGO)
    with django_capture_on_commit_callbacks(execute=True):
        assert pulse_alerts_for(one.org) == 2  # team B, and the branch (4.00 → 3.50)
        assert pulse_alerts_for(one.org) == 0  # once per drop
    alert = PulseAlert.objects.get(org=one.org, team=one.team_b)
    assert (alert.score_before, alert.score_after) == (Decimal("4.00"), Decimal("3.00"))
    assert PulseAlert.objects.get(org=one.org, team=one.branch).score_after == Decimal("3.50")
    assert not PulseAlert.objects.filter(team=one.team_a).exists()  # no drop
    told = {
        (n.recipient_id, n.subject_id) for n in Notification.objects.filter(kind="pulse_drop").exclude(subject_id=None)
    }
    # Team B's lead reports to the branch's lead; the branch has nobody above: the directors.
    assert told == {(head.pk, alert.pk), (one.director.pk, PulseAlert.objects.get(team=one.branch).pk)}


def test_the_trend_lists_closed_periods_oldest_first(world):
    trend = pulse.team_trend(org=world.one.org, team=world.one.team_a, today=dt.date(2026, 12, 3), periods=3)
    assert [(f.start, f.end) for f in trend] == [
        (dt.date(2026, 9, 1), dt.date(2026, 9, 30)),
        OCT,
        NOV,
    ]
    assert pulse.period_of("weekly", dt.date(2026, 12, 3)) == (dt.date(2026, 11, 30), dt.date(2026, 12, 6))
