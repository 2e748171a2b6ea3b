"""The demo shows the inbox at work: its director finds the target change and the payout run
waiting for them, in Chinese, through the same announcers as everywhere else."""

import datetime as dt

from django.utils import translation

from pacekeeper.demo.seed import demo_months, seed_organization
from pacekeeper.notifications.models import Notification
from pacekeeper.tenancy.models import Role

TODAY = dt.date(2026, 12, 3)


def test_the_demo_director_finds_approvals_waiting_in_the_inbox(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        org = seed_organization(
            managers=12, customers=300, months=demo_months(TODAY), seed=2026, team_size=4, until=TODAY
        ).org
    director = org.users.get(role=Role.DIRECTOR)
    kinds = sorted(Notification.objects.filter(org=org, recipient=director).values_list("kind", flat=True))
    # The target change, two payout runs, and the three leads' resource requests (one still waiting).
    assert (
        kinds
        == ["goal_change_requested", "payout_run_waiting", "payout_run_waiting"] + ["resource_request_to_decide"] * 3
    )
    with translation.override("zh-hans"):
        messages = [n.message for n in Notification.objects.filter(recipient=director)]
    assert any("申请将" in message and "下调到" in message for message in messages)
    assert any("待您审批" in message for message in messages)
