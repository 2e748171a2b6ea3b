"""Shared set-up for the training tests: a course, a session in progress, people enrolled."""

import datetime as dt

from django.utils import timezone

from pacekeeper.training import services


def course(world, *, pass_mark=None, skill=None, skill_level=None, title="Fund basics"):
    director = world.one.actor("director")
    fields = {"category": "product", "title_zh": "基金基础", "title_en": title, "product_line": "Funds"}
    if pass_mark is not None:
        fields["pass_mark"] = pass_mark
    if skill is not None:
        fields.update(skill=skill.pk, skill_level=skill_level)
    return services.course_create(actor=director, **fields)


def session(world, found_course, *, capacity=10, starts_in=dt.timedelta(minutes=-10), hours=2):
    """A session of `found_course` led by the lead; by default it started ten minutes ago."""
    starts = timezone.now() + starts_in
    return services.session_create(
        actor=world.one.actor("lead"),
        course_id=found_course.pk,
        trainer_id=world.one.lead.pk,
        mode="offline",
        place="Room 3",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=hours),
        capacity=capacity,
    )


def attend(world, found_session, role="manager"):
    actor = world.one.actor(role)
    services.enrol(actor=actor, session=found_session)
    return services.check_in(actor=actor, session=found_session, token=services.check_in_token(found_session))
