"""Try-out fixes on resource requests: a request for people's time shows its hours (not "¥0.00")
in the notices, the list, its page and the flags, in both languages; the spending form is
pre-filled only with an approved (or already spent) amount."""

import pytest
from django.utils import translation

from pacekeeper.notifications.models import Notification
from pacekeeper.work import resources
from pacekeeper.work.models import ResourceRequest, Task


def _task(owner, status="todo"):
    return Task.objects.create(org=owner.org, owner=owner, title="Trade fair", status=status)


@pytest.fixture
def thresholds(world):
    return resources.resource_thresholds_set(actor=world.one.actor("admin"), lead_limit="5000", lead_limit_hours="80")


def _people_time(world, hours="60", amount="0", status="todo"):
    return resources.resource_request_create(
        actor=world.one.actor("manager"),
        task=_task(world.one.manager, status=status),
        kind="people_time",
        description="Two people for the fair",
        amount=amount,
        hours=hours,
    )


def test_the_notice_of_a_people_time_request_says_its_hours(world, thresholds, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _people_time(world)
    notice = Notification.objects.get(kind="resource_request_to_decide")
    assert notice.params["hours"] == "60.00"
    with translation.override("zh-hans"):
        assert "人力（60 小时）" in notice.message and "¥0.00" not in notice.message
    with translation.override("en"):
        assert "People's time (60 h)" in notice.message and "¥0.00" not in notice.message


def test_a_budget_notice_still_says_money_and_an_old_notice_falls_back(world, thresholds):
    budget = {"person": "x", "kind": "budget", "amount_minor": 120050, "currency": "CNY", "subject": "s"}
    old = {**budget, "kind": "people_time", "amount_minor": 0}  # stored before hours were kept
    for params, expected in ((budget, "(¥1,200.50)"), (old, "(¥0.00)")):
        n = Notification(kind="resource_request_approved", params=params)
        with translation.override("en"):
            assert expected in n.message


def test_the_pages_show_hours_for_people_time_and_money_otherwise(world, client, thresholds):
    rr = _people_time(world, status="doing")  # started while waiting: flagged
    _people_time(world, hours="12.5", amount="300")
    budget = resources.resource_request_create(
        actor=world.one.actor("manager"),
        task=_task(world.one.manager),
        kind="budget",
        description="Stand",
        amount="4800",
    )
    client.force_login(world.one.lead)
    for language, sixty, twelve in (("en", "60 h", "12.5 h · ¥300.00"), ("zh-hans", "60 小时", "12.5 小时 · ¥300.00")):
        world.one.lead.language = language
        world.one.lead.save(update_fields=["language"])
        listing = client.get("/resources/?status=&kind=").content.decode()
        detail = client.get(f"/resources/{rr.pk}/").content.decode()
        task_page = client.get(f"/tasks/{rr.task_id}/").content.decode()
        detail = detail.split('id="history', 1)[0].split("Recorded changes", 1)[0].split("变更记录", 1)[0]
        for page in (listing, detail, task_page):
            assert sixty in page, language
            assert "¥0.00" not in page, language
        assert twelve in listing and "¥4,800.00" in listing
        assert client.get(f"/resources/{budget.pk}/").content.decode().count("¥4,800.00") >= 1


def test_the_spending_form_is_not_prefilled_before_approval(world, client, thresholds):
    rr = resources.resource_request_create(
        actor=world.one.actor("manager"),
        task=_task(world.one.manager),
        kind="budget",
        description="Stand",
        amount="4800",
    )
    client.force_login(world.one.manager)
    form = client.get(f"/resources/{rr.pk}/").context["spend_form"]
    assert form.initial.get("spent_amount") in (None, "")
    resources.resource_request_decide(actor=world.one.actor("lead"), rr=rr, decision="approved")
    form = client.get(f"/resources/{rr.pk}/").context["spend_form"]
    assert form.initial["spent_amount"] == "4800.00"
    resources.resource_request_spend(actor=world.one.actor("manager"), rr=rr, amount="4700")
    form = client.get(f"/resources/{rr.pk}/").context["spend_form"]
    assert form.initial["spent_amount"] == "4700.00"
    assert ResourceRequest.objects.get(pk=rr.pk).spent_minor == 470000
