"""The risk register: scores, heat-map placement and residual score worked by hand, bad input
refused with nothing changed, the dated and audited history, who sees which risk, actions as
tasks, overdue reviews on My day and the overview (told once)."""

import datetime as dt

import pytest

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.notifications.models import Notification
from pacekeeper.risks import selectors, services
from pacekeeper.risks.models import Risk, RiskChange
from pacekeeper.tenancy.models import AuditEntry
from pacekeeper.work.models import Task


def _data(world, **extra) -> dict:
    data = {
        "level": "customer",
        "customer": world.one.customers["manager"].pk,
        "title": "Key account may leave",
        "category": "market",
        "probability": 3,
        "impact": 4,
        "review_on": dt.date.today() + dt.timedelta(days=7),
    }
    return data | extra


def _risk(world, role="director", **extra) -> Risk:
    return services.risk_create(actor=world.one.actor(role), data=_data(world, **extra))


def test_it_places_open_risks_on_the_heat_map_and_computes_the_residual_score(world):
    """Worked by hand: two open risks at probability 4 × impact 3 (score 12, high), one at 2 × 5
    (score 10, high), one at 1 × 1 closed (left out). Row index = 5 − probability, column =
    impact − 1. The first risk's response leaves 2 × 2: residual score 4 (low)."""
    first = _risk(world, probability=4, impact=3)
    _risk(world, probability=4, impact=3)
    _risk(world, probability=2, impact=5)
    closed = _risk(world, probability=1, impact=1)
    services.risk_update(actor=world.one.actor("director"), risk=closed, data={"status": "closed"})

    grid = selectors.heat_map(selectors.risk_list(world.one.actor("director")))
    assert [[cell.count for cell in row] for row in grid] == [
        [0, 0, 0, 0, 0],  # probability 5
        [0, 0, 2, 0, 0],  # probability 4: impact 3
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 1],  # probability 2: impact 5
        [0, 0, 0, 0, 0],  # probability 1 (the closed risk is not counted)
    ]
    assert (grid[1][2].probability, grid[1][2].impact, grid[1][2].band) == (4, 3, "high")
    assert grid[0][4].band == "critical" and grid[4][0].band == "low" and grid[2][1].band == "medium"

    assert first.score == 12 and first.residual_score is None
    services.risk_update(
        actor=world.one.actor("director"),
        risk=first,
        data={"response": "control", "residual_probability": 2, "residual_impact": 2},
    )
    first.refresh_from_db()
    assert (first.score, first.residual_score) == (12, 4)


@pytest.mark.parametrize(
    "extra,field",
    [
        ({"probability": 6}, "probability"),
        ({"impact": 0}, "impact"),
        ({"probability": "three"}, "probability"),
        ({"residual_impact": 9}, "residual_impact"),
        ({"review_on": dt.date.today() - dt.timedelta(days=1)}, "review_on"),
        ({"review_on": dt.date(2099, 1, 1)}, "review_on"),
        ({"category": "weather"}, "category"),
        ({"title": "  "}, "title"),
        ({"customer": None}, "customer"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_written(world, extra, field):
    with pytest.raises(ValidationFailed) as refused:
        _risk(world, **extra)
    assert field in refused.value.errors
    assert not Risk.objects.exists() and not RiskChange.objects.exists()


def test_a_bad_change_leaves_the_risk_as_it_was(world):
    risk = _risk(world)
    for data, field in (
        ({"probability": 7}, "probability"),
        ({"review_on": dt.date.today() - dt.timedelta(days=3)}, "review_on"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            services.risk_update(actor=world.one.actor("director"), risk=Risk.objects.get(pk=risk.pk), data=data)
        assert field in refused.value.errors
    stored = Risk.objects.get(pk=risk.pk)
    assert (stored.probability, stored.impact, stored.review_on) == (3, 4, risk.review_on)
    assert RiskChange.objects.filter(risk=risk).count() == 1


def test_score_changes_are_dated_in_the_history_and_audited(world):
    risk = _risk(world)
    services.risk_update(
        actor=world.one.actor("lead"), risk=risk, data={"probability": 5, "title": "Renamed"}, note="Lost a tender"
    )
    services.risk_update(actor=world.one.actor("lead"), risk=risk, data={"title": "Renamed again"})  # no score change
    history = list(RiskChange.objects.filter(risk=risk).order_by("at", "pk"))
    assert [(step.probability, step.impact, step.score) for step in history] == [(3, 4, 12), (5, 4, 20)]
    assert history[1].note == "Lost a tender" and history[1].changed_by == world.one.lead
    audited = AuditEntry.objects.get(object_id=str(risk.pk), field="probability")
    assert (audited.before, audited.after, audited.reason) == ("3", "5", "Lost a tender")


def test_it_shows_each_level_to_the_right_people(world):
    one = world.one
    org_risk = _risk(world, level="org", customer=None)
    team_risk = _risk(world, level="team", customer=None, team=one.team_a.pk)
    customer_risk = _risk(world)  # the manager's customer
    other_risk = _risk(world, customer=one.customers["other_manager"].pk)

    def seen(role):
        return set(selectors.risk_list(one.actor(role)).values_list("pk", flat=True))

    everything = {org_risk.pk, team_risk.pk, customer_risk.pk, other_risk.pk}
    assert seen("director") == seen("analyst") == everything
    assert seen("lead") == {team_risk.pk, customer_risk.pk}  # leads team A: no org risk, not team B's customer
    assert seen("manager") == {team_risk.pk, customer_risk.pk}  # a member of team A; their own customer
    assert seen("teammate") == {team_risk.pk}
    assert seen("other_manager") == {other_risk.pk}
    assert not set(selectors.risk_list(world.two.actor("director")).values_list("pk", flat=True)) & everything


def test_who_may_record_and_change_which_risk(world):
    one = world.one
    with pytest.raises(Forbidden):
        _risk(world, role="manager", level="org", customer=None)  # the organisation's risks: not a manager's
    with pytest.raises(Forbidden):
        _risk(world, role="analyst")
    with pytest.raises(ValidationFailed) as refused:  # a customer the manager does not see: a field error
        _risk(world, role="manager", customer=one.customers["teammate"].pk)
    assert "customer" in refused.value.errors
    mine = _risk(world, role="manager")
    assert mine.owner == one.manager  # the recorder, when no owner is named
    team_risk = _risk(world, level="team", customer=None, team=one.team_a.pk)
    with pytest.raises(Forbidden):  # a member reads their team's risks, the lead chain changes them
        services.risk_update(actor=one.actor("manager"), risk=team_risk, data={"impact": 5})
    services.risk_update(actor=one.actor("lead"), risk=team_risk, data={"impact": 5})


def test_an_action_is_a_task_of_the_work_app(world):
    risk = _risk(world)
    action = services.risk_action_add(
        actor=world.one.actor("lead"),
        risk=risk,
        title="Meet the CFO",
        due_on=dt.date.today() + dt.timedelta(days=5),
        owner=world.one.manager.pk,
    )
    task = Task.objects.get(pk=action.task_id)
    assert (task.title, task.owner, task.customer_id) == ("Meet the CFO", world.one.manager, risk.customer_id)
    assert list(selectors.risk_actions(world.one.actor("manager"), risk)) == [action]


def test_overdue_reviews_show_on_my_day_and_the_overview_and_are_told_once(
    world, client, django_capture_on_commit_callbacks
):
    risk = _risk(world, owner=world.one.manager.pk)
    _risk(world, owner=world.one.teammate.pk, title="Not overdue")
    overdue_on = dt.date.today() - dt.timedelta(days=2)
    Risk.objects.filter(pk=risk.pk).update(review_on=overdue_on)  # time has passed since it was recorded

    with django_capture_on_commit_callbacks(execute=True):
        assert services.reviews_notify_all() == 1
        assert services.reviews_notify_all() == 0  # told once
    note = Notification.objects.get(kind="risk_review_overdue")
    assert note.recipient == world.one.manager and note.params["risk"] == "Key account may leave"

    client.force_login(world.one.manager)
    page = client.get("/my-day/")
    assert page.context["risk_reviews"]["count"] == 1 and "Key account may leave" in page.content.decode()
    client.force_login(world.one.teammate)
    assert client.get("/my-day/").context["risk_reviews"]["count"] == 0  # not the teammate's risk
    client.force_login(world.one.director)
    overview = client.get("/overview/")
    assert [row.pk for row in overview.context["risk_reviews"]["rows"]] == [risk.pk]

    services.risk_update(actor=world.one.actor("manager"), risk=risk, data={"review_on": dt.date.today()})
    Risk.objects.filter(pk=risk.pk).update(review_on=overdue_on + dt.timedelta(days=1))  # a new date that passed
    assert services.reviews_notify_all() == 1  # a new overdue review is told again


def test_the_pages_list_filter_by_heat_map_cell_and_refuse_bad_input(world, client):
    _risk(world, probability=4, impact=3, title="Four by three")
    _risk(world, probability=2, impact=2, title="Two by two")
    client.force_login(world.one.lead)
    page = client.get("/risks/", {"probability": 4, "impact": 3})
    assert [risk.title for risk in page.context["page"].object_list] == ["Four by three"]
    assert 'href="/risks/?probability=4&amp;impact=3"' in page.content.decode()

    form = {
        "level": "customer",
        "customer": world.one.customers["manager"].pk,
        "title": "Typed on a page",
        "category": "credit",
        "probability": "8",
        "impact": "2",
        "review_on": (dt.date.today() - dt.timedelta(days=1)).isoformat(),
    }
    refused = client.post("/risks/new/", form)
    assert refused.status_code == 400
    assert "probability" in refused.context["form"].errors and "review_on" in refused.context["form"].errors
    assert not Risk.objects.filter(title="Typed on a page").exists()
    form |= {"probability": "3", "review_on": dt.date.today().isoformat()}
    assert client.post("/risks/new/", form).status_code == 302
    made = Risk.objects.get(title="Typed on a page")
    assert client.get(f"/risks/{made.pk}/").status_code == 200
    client.force_login(world.one.analyst)
    assert client.get(f"/risks/{made.pk}/edit/").status_code == 403
