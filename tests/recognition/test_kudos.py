"""Kudos: who may praise whom, what the feed shows to whom (no customer the viewer cannot see),
bad input, the notification; "most improved" worked by hand; the pages in both languages."""

import datetime as dt

import pytest

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.rollups import rollups_rebuild
from pacekeeper.notifications.models import Notification
from pacekeeper.recognition import selectors, services
from pacekeeper.recognition.models import Badge, Kudos
from tests.factories import SaleFactory


def _give(world, giver="lead", recipient="manager", **extra):
    return services.kudos_give(
        actor=world.one.actor(giver), recipient_id=getattr(world.one, recipient).pk, text="Great visit!", **extra
    )


def test_a_colleague_is_praised_and_told(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        kudos = _give(world, giver="teammate", recipient="other_manager")  # anyone in the organisation
    assert (kudos.giver, kudos.recipient, kudos.text) == (world.one.teammate, world.one.other_manager, "Great visit!")
    note = Notification.objects.get(recipient=world.one.other_manager, kind="kudos_received")
    assert note.params == {"person": str(world.one.teammate), "text": "Great visit!"}


@pytest.mark.parametrize(
    "recipient,text,field",
    [
        ("lead", "Me!", "recipient"),  # oneself
        (None, "Hi", "recipient"),  # another organisation's person (below)
        ("manager", "   ", "text"),
        ("manager", "x" * 501, "text"),
    ],
)
def test_bad_kudos_are_refused_and_nothing_is_written(world, recipient, text, field):
    person = getattr(world.one, recipient) if recipient else world.two.manager
    with pytest.raises(ValidationFailed) as refused:
        services.kudos_give(actor=world.one.actor("lead"), recipient_id=person.pk, text=text)
    assert field in refused.value.errors
    assert not Kudos.objects.exists()


def test_kudos_about_a_customer_the_giver_cannot_see_are_refused(world):
    with pytest.raises(ValidationFailed) as refused:
        _give(world, giver="manager", recipient="teammate", customer_id=world.one.customers["teammate"].pk)
    assert "customer" in refused.value.errors
    assert not Kudos.objects.exists()


def test_the_analyst_reads_kudos_but_gives_none(world):
    with pytest.raises(Forbidden):
        _give(world, giver="analyst")


def test_a_viewer_who_cannot_see_the_customer_sees_no_customer(world):
    kudos = _give(world, giver="lead", recipient="manager", customer_id=world.one.customers["manager"].pk)
    [for_teammate] = selectors.shown_kudos(world.one.actor("teammate"), [kudos])
    [for_manager] = selectors.shown_kudos(world.one.actor("manager"), [kudos])
    assert for_teammate["customer"] is None and for_manager["customer"] == world.one.customers["manager"]


def test_the_team_feed_is_the_teams_kudos_newest_first(world):
    first = _give(world, giver="lead", recipient="manager")
    second = _give(world, giver="manager", recipient="teammate")
    _give(world, giver="lead", recipient="other_manager")  # team B
    actor = world.one.actor("teammate")
    feed = selectors.kudos_filter(selectors.kudos_list(actor), team=world.one.team_a, day=actor.today())
    assert list(feed) == [second, first]
    # The other team's account manager sees neither (not their team, not theirs).
    assert not selectors.kudos_list(world.one.actor("other_manager")).filter(pk__in=[first.pk, second.pk]).exists()


def test_most_improved_by_hand(world):
    """March 2026 against February 2026, team A: the manager sold ¥1,000 then ¥3,000 (+¥2,000),
    the teammate ¥5,000 then ¥5,500 (+¥500), the lead nothing either month (no change, not listed)."""
    one = world.one
    for who, feb, mar in (("manager", 100_000, 300_000), ("teammate", 500_000, 550_000)):
        SaleFactory(customer=one.customers[who], ordered_on=dt.date(2026, 2, 10), amount_minor=feb)
        SaleFactory(customer=one.customers[who], ordered_on=dt.date(2026, 3, 10), amount_minor=mar)
    rollups_rebuild(org=one.org)
    result = selectors.most_improved(actor=one.actor("lead"), team=one.team_a, period=Period.month(2026, 3))
    assert [(r["person"], r["before"], r["now"], r["change"]) for r in result["improved"]] == [
        (one.manager, 100_000, 300_000, 200_000),
        (one.teammate, 500_000, 550_000, 50_000),
    ]
    assert result["improved_compared"] == Period.month(2026, 2) and not result["improved_to_date"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_pages_answer_in_both_languages_with_empty_states(world, client, language):
    client.force_login(world.one.lead)
    client.cookies["django_language"] = language
    feed = client.get("/recognition/")
    badges = client.get("/recognition/badges/")
    person = client.get(f"/recognition/people/{world.one.manager.pk}/")
    team = client.get("/team/")
    assert {feed.status_code, badges.status_code, person.status_code, team.status_code} == {200}
    empty = "还没有" if language == "zh-hans" else "No kudos yet"
    assert empty in feed.content.decode()
    assert Badge.objects.get(org=world.one.org, code="team-spirit").name_in(language) in badges.content.decode()


def test_giving_kudos_on_the_page_keeps_the_text_on_error(world, client):
    client.force_login(world.one.manager)
    # An account manager praises a teammate from the team feed (they do not open others' pages).
    response = client.post("/recognition/", {"recipient": world.one.teammate.pk, "text": ""})
    assert response.status_code == 400 and not Kudos.objects.exists()
    response = client.post("/recognition/", {"recipient": world.one.teammate.pk, "text": "Thanks!"})
    assert response.status_code == 302 and Kudos.objects.get().text == "Thanks!"
    assert client.get(f"/recognition/people/{world.one.teammate.pk}/").status_code == 404
    client.force_login(world.one.lead)
    response = client.post(
        f"/recognition/people/{world.one.manager.pk}/", {"recipient": world.one.manager.pk, "text": "Bravo"}
    )
    assert response.status_code == 302 and Kudos.objects.filter(recipient=world.one.manager, text="Bravo").exists()


def test_an_account_manager_gets_a_clear_refusal_awarding_on_the_page(world, client):
    client.force_login(world.one.manager)
    badge = Badge.objects.filter(org=world.one.org).first()
    response = client.post("/recognition/badges/", {"person": world.one.teammate.pk, "badge": badge.pk, "reason": "x"})
    assert response.status_code == 403


def test_the_api_lists_creates_and_refuses(world, client):
    client.force_login(world.one.lead)
    made = client.post(
        "/api/v1/kudos", {"recipient": world.one.manager.pk, "text": "Well done"}, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["recipient"] == world.one.manager.pk
    to_self = client.post(
        "/api/v1/kudos", {"recipient": world.one.lead.pk, "text": "Me"}, content_type="application/json"
    )
    huge = client.post(
        "/api/v1/kudos", {"recipient": world.one.manager.pk, "text": "x" * 5_000_000}, content_type="application/json"
    )
    assert to_self.status_code == 400 and huge.status_code in (413, 422)
    assert Kudos.objects.count() == 1
    listed = client.get("/api/v1/kudos", {"team": world.one.team_a.pk}).json()
    assert [item["text"] for item in listed["items"]] == ["Well done"]
    badge = Badge.objects.get(org=world.one.org, code="team-spirit")
    award = client.post(
        "/api/v1/badge-awards",
        {"person": world.one.manager.pk, "badge": badge.pk, "reason": "Helped the team"},
        content_type="application/json",
    )
    assert award.status_code == 201
    pdf = client.get(f"/api/v1/badge-awards/{award.json()['id']}/certificate?lang=en")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.force_login(world.one.manager)
    refused = client.post(
        "/api/v1/badge-awards",
        {"person": world.one.teammate.pk, "badge": badge.pk, "reason": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_the_feed_and_badge_pages_do_not_grow_queries_with_rows(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    one = world.one
    badge = Badge.objects.get(org=one.org, code="team-spirit")
    other = Badge.objects.get(org=one.org, code="customer-hero")

    def add(badge_to_use):
        for giver, recipient in (("lead", "manager"), ("manager", "teammate")):
            _give(
                world,
                giver=giver,
                recipient=recipient,
                customer_id=one.customers["manager"].pk if giver == "lead" else None,
            )
        services.badge_award_manual(
            actor=one.actor("lead"), person_id=one.manager.pk, badge_id=badge_to_use.pk, reason="r"
        )

    def count(path):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    client.force_login(one.lead)
    paths = [
        "/recognition/",
        "/recognition/badges/",
        f"/recognition/people/{one.manager.pk}/",
        f"/people/{one.manager.pk}/",
    ]
    add(badge)
    before = {path: count(path) for path in paths}
    add(other)
    assert {path: count(path) for path in paths} == before
