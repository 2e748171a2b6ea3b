"""Organisations, people, roles, teams and who leads them.

A user belongs to exactly one organisation with exactly one role. Teams form a tree stored with
a materialised path so that "this team and everything under it" is one indexed prefix query.
"""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    language = models.CharField(
        _("language"), max_length=10, default="zh-hans", choices=[("zh-hans", "简体中文"), ("en", "English")]
    )

    class ChangeColours(models.TextChoices):
        CHINA = "china", _("Red up, green down (mainland China)")
        INTERNATIONAL = "international", _("Green up, red down (international)")

    change_colours = models.CharField(
        _("colours of changes"), max_length=16, choices=ChangeColours.choices, default=ChangeColours.CHINA
    )
    # Four eyes on pay: whoever started a payout run may not approve it. One-person
    # organisations turn it off (and every such approval is then audited as self-approved).
    payout_second_approver = models.BooleanField(
        _("a second person approves pay"),
        default=True,
        help_text=_("The person who started a payout run cannot approve it. Turn off only if one person runs pay."),
    )

    class ReportCadence(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly (Monday to Sunday)")

    # How often account managers write their work reports (docs/rhythm.md, "Work reports").
    work_report_cadence = models.CharField(
        _("work reports"),
        max_length=8,
        choices=ReportCadence.choices,
        default=ReportCadence.WEEKLY,
        help_text=_("How often account managers write a work report. Reports already written keep their period."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Org admin")
    DIRECTOR = "director", _("Director")
    LEAD = "lead", _("Team lead")
    MANAGER = "manager", _("Account manager")
    ANALYST = "analyst", _("Analyst")


def person_named(search: str, via: str = "") -> Q:
    """Rows whose person's name or username contains `search`; `via` is the path to that
    person ("person__" from a payout line), empty for users themselves."""
    return Q(**{f"{via}display_name__icontains": search}) | Q(**{f"{via}username__icontains": search})


class UserQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from .scopes import users_q

        return self.filter(users_q(actor))

    def peers_of(self, actor):
        """The people whose figures the actor may compare (leaderboards)."""
        from .scopes import peers_q

        return self.filter(peers_q(actor))


class OrgUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who logs in. Usernames are unique across organisations because login has no
    organisation field; everything else a user owns carries the org key."""

    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="users", null=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MANAGER)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=[("", _("Follow the browser")), ("zh-hans", "简体中文"), ("en", "English")],
    )

    # The hours a week this person can give to tasks (work/load.py compares booked task hours
    # with it). Whole hours, 0 (away) to 168 (every hour of the week).
    weekly_capacity_hours = models.PositiveSmallIntegerField(
        _("weekly capacity (hours)"),
        default=40,
        validators=[MaxValueValidator(168)],
        help_text=_("Hours a week this person can give to tasks: 0 to 168."),
    )

    # Part of the session hash: raising it ends every session signed in before (logout does).
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    objects = OrgUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [models.Index(fields=["org", "role"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekly_capacity_hours__lte=168),
                name="user_weekly_capacity_at_most_168",
                violation_error_code="capacity_too_high",
                violation_error_message=_("A week has 168 hours: enter 0 to 168."),
            ),
            # Sign-in accepts an email address, so an address names one person across all
            # organisations, however it is capitalised.
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="user_email_unique_ci",
                violation_error_code="email_taken",
                violation_error_message=_("This email address is already used by another account."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def label(self) -> str:
        return str(self)

    def _get_session_auth_hash(self, secret=None):
        # Django's own hash (which already changes with the password, ending other sessions on
        # a password change) plus our generation, so logout can end them too.
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class TeamQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from .scopes import teams_q

        return self.filter(teams_q(actor))


class Team(models.Model):
    class Kind(models.TextChoices):
        BRANCH = "branch", _("Branch")
        TEAM = "team", _("Team")
        SUBTEAM = "subteam", _("Sub-team")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.TEAM)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent team")
    )
    # "/<root id>/…/<own id>/": a subtree is every team whose path starts with this one's.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="team_name_unique_per_org")]

    def __str__(self) -> str:
        return self.name


class TeamMembershipQuerySet(models.QuerySet):
    def current(self, day):
        """Memberships valid on `day` (both ends inclusive)."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day), started_on__lte=day)

    def visible_to(self, actor):
        from .scopes import teams_q

        return self.filter(team__in=Team.objects.filter(teams_q(actor)))


class TeamMembership(models.Model):
    """Who was in which team when. Facts are credited to a team by the membership valid on the
    fact's date (DESIGN rule 4); `ended_on` is inclusive and empty while the membership lasts."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="team_memberships")
    is_lead = models.BooleanField(_("leads the team"), default=False)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = TeamMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        indexes = [models.Index(fields=["org", "user", "started_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="membership_ends_after_start",
                violation_error_code="membership_ends_before_start",
                violation_error_message=_("The period ends on or after its start."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.team}"


class AccountManagerProfile(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="manager_profile")
    employee_no = models.CharField(_("employee number"), max_length=32)
    hired_on = models.DateField(_("hire date"), null=True, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    capacity = models.PositiveIntegerField(_("capacity (customers)"), default=60)

    class Meta:
        verbose_name = _("account manager profile")
        verbose_name_plural = _("account manager profiles")
        constraints = [models.UniqueConstraint(fields=["org", "employee_no"], name="employee_no_unique_per_org")]

    def __str__(self) -> str:
        return self.employee_no


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """Tokens are personal: each person sees only their own."""
        return self.filter(org_id=actor.org_id, user_id=actor.user_id)

    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 digest is stored; the token itself is shown once."""

    PREFIX = "pk_"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} (…{self.hint})"

    @staticmethod
    def new_secret() -> str:
        return ApiToken.PREFIX + secrets.token_urlsafe(32)

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()


class AuditEntryQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from .scopes import audit_q

        return self.filter(audit_q(actor))


class AuditEntry(models.Model):
    """One recorded change (DESIGN rule 7): who, when, what, before, after, why, through where."""

    class Channel(models.TextChoices):
        PAGE = "page", _("Page")
        API = "api", _("API")
        IMPORT = "import", _("Import")
        ADMIN = "admin", _("Admin")
        SYSTEM = "system", _("System")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    # PROTECT: a person with recorded changes is deactivated, never deleted (the rows are append-only).
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    field = models.CharField(max_length=64)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.PAGE)
    address = models.CharField(max_length=45, blank=True)
    request_id = models.CharField(max_length=64, blank=True, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["org", "object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id}.{self.field}"
