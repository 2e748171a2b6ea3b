"""The one notification interface: kinds, delivery after commit, channels that fail."""

import logging

import pytest
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy

from pacekeeper.goals.notices import CHANGE_REQUESTED
from pacekeeper.notifications import channels, kinds
from pacekeeper.notifications.models import Notification
from pacekeeper.notifications.services import notify
from pacekeeper.tenancy.models import Organization

TEST_KIND = "test_event"


class RecordingChannel:
    name = "recording"

    def __init__(self):
        self.delivered = []

    def deliver(self, notification):
        self.delivered.append(notification)


class BrokenChannel:
    name = "broken"

    def deliver(self, notification):
        raise ConnectionError("the mail server is down")


@pytest.fixture
def recording(monkeypatch):
    channel = RecordingChannel()
    monkeypatch.setitem(channels.CHANNELS, "recording", channel)
    monkeypatch.setitem(channels.CHANNELS, "broken", BrokenChannel())
    monkeypatch.setitem(
        kinds.KINDS,
        TEST_KIND,
        kinds.Kind(name=TEST_KIND, message="{who} did it", link=lambda obj: f"/things/{obj.pk}/"),
    )
    return channel


def _use_channels(monkeypatch, *names):
    kind = kinds.KINDS[TEST_KIND]
    monkeypatch.setitem(kinds.KINDS, TEST_KIND, kinds.Kind(**{**kind.__dict__, "channels": names}))


def _announce(world, **extra):
    fields = {
        "org": world.one.org,
        "recipients": [world.one.manager, world.one.teammate],
        "kind": TEST_KIND,
        "subject": world.one.customers["manager"],
        "params": {"who": "Li"},
    } | extra
    notify(**fields)


def test_it_delivers_to_the_inbox_after_the_write_commits(world, recording, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _announce(world)
        assert not Notification.objects.exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    rows = Notification.objects.order_by("recipient__username")
    assert [(n.recipient, n.org, n.message) for n in rows] == [
        (world.one.manager, world.one.org, "Li did it"),
        (world.one.teammate, world.one.org, "Li did it"),
    ]
    assert rows[0].link == f"/things/{world.one.customers['manager'].pk}/"


@pytest.mark.django_db(transaction=True)
def test_it_delivers_nothing_when_the_write_rolls_back(recording):
    from tests.factories import build_world

    world = build_world()
    with pytest.raises(RuntimeError), transaction.atomic():
        _announce(world)
        raise RuntimeError("the business write failed")
    assert not Notification.objects.exists()
    with transaction.atomic():
        _announce(world)
    assert Notification.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_failing_channel_neither_breaks_the_write_nor_stops_the_others(recording, monkeypatch, caplog):
    from tests.factories import build_world

    world = build_world()
    _use_channels(monkeypatch, "broken", "inbox", "recording")
    with caplog.at_level(logging.ERROR, logger="pacekeeper.notifications"), transaction.atomic():
        Organization.objects.filter(pk=world.one.org.pk).update(name="Renamed")  # the business write
        _announce(world)
    assert Organization.objects.get(pk=world.one.org.pk).name == "Renamed"
    assert Notification.objects.count() == 2 and len(recording.delivered) == 2
    assert "channel broken failed" in caplog.text


def test_a_link_that_cannot_be_made_does_not_break_the_write(world, monkeypatch, django_capture_on_commit_callbacks):
    def broken(obj):
        raise LookupError("no such page")

    monkeypatch.setitem(kinds.KINDS, TEST_KIND, kinds.Kind(name=TEST_KIND, message="{who} did it", link=broken))
    with django_capture_on_commit_callbacks(execute=True):
        _announce(world)
    assert [n.link for n in Notification.objects.all()] == ["", ""]


def test_it_does_not_tell_the_actor_about_their_own_act_nor_people_of_another_org(
    world, recording, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _announce(
            world,
            recipients=[world.one.manager, world.one.teammate, world.two.manager],
            actor=world.one.teammate,
        )
    assert [n.recipient for n in Notification.objects.all()] == [world.one.manager]


def test_it_refuses_an_unknown_kind_at_once(world):
    with pytest.raises(LookupError):
        _announce(world, kind="no_such_kind")


def test_it_refuses_a_template_with_lookups_into_stored_data():
    with pytest.raises(ValueError):
        kinds.register(kinds.Kind(name="bad", message="{who.__class__}", link=str))


def test_it_writes_the_message_in_the_readers_language_at_display_time(world):
    """Stored once, read in Chinese and in English; amounts in the reader's format."""
    notification = Notification.objects.create(
        org=world.one.org,
        recipient=world.one.director,
        kind=CHANGE_REQUESTED,
        params={
            "person": "王主管",
            "goal": "A组销售额",
            "subject": "A组",
            "before": "1000000",
            "after": "800000",
            "unit": "currency",
            "currency": "CNY",
            "reason": "市场下滑",
        },
    )
    with translation.override("zh-hans"):
        chinese = Notification.objects.get(pk=notification.pk).message
    with translation.override("en"):
        english = Notification.objects.get(pk=notification.pk).message
    assert chinese == "王主管 申请将“A组销售额”（A组）的目标从 ¥10,000.00 下调到 ¥8,000.00：市场下滑"
    assert english == "王主管 asks to lower the target of “A组销售额” (A组) from ¥10,000.00 to ¥8,000.00: 市场下滑"


def test_it_shows_a_notification_whose_kind_is_gone_or_whose_params_are_missing(world, recording):
    gone = Notification(org=world.one.org, recipient=world.one.manager, kind="retired_kind", params={})
    assert gone.message == "A notification"
    partial = Notification(org=world.one.org, recipient=world.one.manager, kind=TEST_KIND, params={})
    assert partial.message == "… did it"


def test_a_kind_message_is_lazy_so_each_reader_gets_their_language():
    kind = kinds.Kind(name="x", message=gettext_lazy("Notifications"), link=str)
    with translation.override("zh-hans"):
        assert str(kind.message) == "通知"
