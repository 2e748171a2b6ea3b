"""Checking in to a training session on a 390-px phone, in Chinese: the attendee opens the link
the session's QR code holds, signs in, lands back on the check-in page and checks in with one tap;
the page fits the screen. A link opened before the window says when it opens."""

import datetime as dt

import pytest
from django.utils import timezone

from pacekeeper.training import services
from pacekeeper.training.models import Enrolment
from tests.browser.conftest import PHONE
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _session(world, starts_in: dt.timedelta):
    course = services.course_create(
        actor=world.one.actor("director"), category="crm", title_zh="客户管理系统入门", title_en="CRM basics"
    )
    starts = timezone.now() + starts_in
    session = services.session_create(
        actor=world.one.actor("lead"),
        course_id=course.pk,
        trainer_id=world.one.lead.pk,
        mode="offline",
        place="三楼会议室",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        capacity=20,
    )
    services.enrol(actor=world.one.actor("manager"), session=session)
    return session


def _link(url, session):
    return f"{url}/training/sessions/{session.pk}/check-in/?t={services.check_in_token(session)}"


def test_an_attendee_checks_in_from_the_qr_link_on_a_phone(live_server, world, browser):
    session = _session(world, dt.timedelta(minutes=-5))
    page = browser.new_context(locale="zh-CN", **PHONE).new_page()
    page.goto(_link(live_server.url, session))  # not signed in yet: the sign-in comes first
    page.fill("#id_username", world.one.manager.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/check-in/" in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator(".check-in button.primary").click()
    page.locator(".check-in .status.ok").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path="/tmp/training_check_in_390_zh.png")
    assert Enrolment.objects.get(session=session, person=world.one.manager).attended_at is not None


def test_a_check_in_before_the_window_is_refused_clearly(live_server, world, browser):
    session = _session(world, dt.timedelta(hours=3))
    page = browser.new_context(locale="en-GB", **PHONE).new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", world.one.manager.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(_link(live_server.url, session))
    page.locator(".check-in button.primary").click()
    page.locator(".check-in .error").wait_for()
    assert "open from" in page.locator(".check-in .error").inner_text()
    assert Enrolment.objects.get(session=session, person=world.one.manager).attended_at is None
