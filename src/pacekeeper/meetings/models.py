"""Progress meetings (docs/rhythm.md, "The weekly meeting"): a team's meeting series, its
meetings, and what is said in them.

A meeting's agenda is generated from live data when the lead opens it and frozen into
`Meeting.agenda` (JSON): a closed meeting reads as it was held, whatever facts arrive later.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pacekeeper.tenancy.models import Organization, Team

# The longest text one item (a point, a problem, a decision) takes, on every path.
TEXT_LIMIT = 2000
TITLE_LIMIT = 200


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class MeetingSeriesQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import meeting_series_q

        return self.filter(meeting_series_q(actor, memberships=MeetingSeriesMember.objects))


class MeetingSeries(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="meeting_series", verbose_name=_("team"))
    title = models.CharField(_("title"), max_length=TITLE_LIMIT)
    cadence = models.CharField(_("cadence"), max_length=16, choices=Cadence.choices, default=Cadence.WEEKLY)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, default=Weekday.MONDAY)
    starts_at = models.TimeField(_("time"), default="09:00")
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingSeriesQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["org", "team"])]

    def __str__(self) -> str:
        return self.title


class MeetingSeriesMember(models.Model):
    """Who attends the series' meetings (by default the team's people when it was set up)."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, related_name="member_rows")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("meeting member")
        verbose_name_plural = _("meeting members")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "series", "person"],
                name="meeting_member_once_per_series",
                violation_error_code="member_twice",
                violation_error_message=_("This person is already a member of the series."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.series}"


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import meeting_series_q

        return self.filter(meeting_series_q(actor, memberships=MeetingSeriesMember.objects, prefix="series__"))


class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Being held")
        CLOSED = "closed", _("Closed")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=TITLE_LIMIT, blank=True)
    is_ad_hoc = models.BooleanField(_("ad hoc"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    # Frozen when the meeting is opened (meetings/agenda.py): figures as they stood then.
    agenda = models.JSONField(null=True, blank=True, editable=False)
    opened_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["org", "series", "held_on"])]

    def __str__(self) -> str:
        return self.title or str(self.series)

    @property
    def is_planned(self) -> bool:
        return self.status == self.Status.PLANNED

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class MeetingItemQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import meeting_series_q

        memberships = MeetingSeriesMember.objects
        return self.filter(meeting_series_q(actor, memberships=memberships, prefix="meeting__series__"))


class MeetingItem(models.Model):
    """A member's point (议题), a problem (问题), a decision, or an action item (a task)."""

    class Kind(models.TextChoices):
        POINT = "point", _("Point")
        PROBLEM = "problem", _("Problem")
        DECISION = "decision", _("Decision")
        ACTION = "action", _("Action item")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("text"))
    # Whom it concerns (an action item: its owner).
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # A decision or action item may answer a problem: it is that problem's measure.
    problem = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="measures", verbose_name=_("problem")
    )
    task = models.ForeignKey("work.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting item")
        verbose_name_plural = _("meeting items")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["org", "meeting", "kind"])]

    def __str__(self) -> str:
        return self.text[:60]
