"""Relationship health settings, customer needs and preferences, value-added services delivered
and customer education sessions (docs/relationships.md). Nothing here alters a crm table: the
profile, the services and the sessions hang off the customer by foreign key."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pacekeeper.crm.models import Contact, Customer, ScopedQuerySet
from pacekeeper.tenancy.models import Organization

# The reasons a health score is made of, and their default weights (points out of their sum).
FACTORS = ("recency", "satisfaction", "sales", "renewal", "complaints")
DEFAULT_WEIGHTS = {"recency": 30, "satisfaction": 20, "sales": 25, "renewal": 15, "complaints": 10}
DEFAULT_AT_RISK_BELOW = 60
WEIGHT_MAX = 100
NOTE_MAX_LENGTH = 2000


class HealthSettings(models.Model):
    """An organisation's weights for the health score (the defaults without a row)."""

    org = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="+")
    weight_recency = models.PositiveSmallIntegerField(_("weight: contact recency"), default=30)
    weight_satisfaction = models.PositiveSmallIntegerField(_("weight: satisfaction"), default=20)
    weight_sales = models.PositiveSmallIntegerField(_("weight: sales trend"), default=25)
    weight_renewal = models.PositiveSmallIntegerField(_("weight: contract renewal"), default=15)
    weight_complaints = models.PositiveSmallIntegerField(_("weight: complaints and SLA breaches"), default=10)
    at_risk_below = models.PositiveSmallIntegerField(_("at risk below (score)"), default=DEFAULT_AT_RISK_BELOW)

    class Meta:
        verbose_name = _("health settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_recency__lte=WEIGHT_MAX)
                & Q(weight_satisfaction__lte=WEIGHT_MAX)
                & Q(weight_sales__lte=WEIGHT_MAX)
                & Q(weight_renewal__lte=WEIGHT_MAX)
                & Q(weight_complaints__lte=WEIGHT_MAX)
                & Q(at_risk_below__lte=100),
                name="health_weights_in_range",
                violation_error_code="health_weight_out_of_range",
                violation_error_message=_("A weight is from 0 to 100, and the at-risk threshold too."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("health settings"))

    def weights(self) -> dict[str, int]:
        return {factor: getattr(self, f"weight_{factor}") for factor in FACTORS}


class ProfileQuerySet(ScopedQuerySet):
    owner_fields = ("customer__owner",)


class CustomerProfile(models.Model):
    """What a customer needs and prefers, kept beside (not inside) the crm customer."""

    class Channel(models.TextChoices):
        ANY = "", _("No preference")
        VISIT = "visit", _("Visit")
        CALL = "call", _("Call")
        EMAIL = "email", _("Email")
        WECHAT = "wechat", _("WeChat")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="relationship_profile")
    # needs and preferences: no longer read nor written. The crm customer's "needs" field is the
    # one source (migration 0002 copied these into it); the columns stay until a later cleanup.
    needs = models.TextField(_("needs"), blank=True, max_length=NOTE_MAX_LENGTH)
    preferences = models.TextField(_("preferences"), blank=True, max_length=NOTE_MAX_LENGTH)
    preferred_channel = models.CharField(_("preferred channel"), max_length=16, choices=Channel.choices, blank=True)
    interests = models.CharField(_("topics of interest"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer profile")

    def __str__(self) -> str:
        return str(self.customer_id)


class ValueServiceQuerySet(ScopedQuerySet):
    """Seen with the customer, and by whoever delivered it."""

    owner_fields = ("customer__owner", "delivered_by")
    write_owner_fields = ("customer__owner",)


class ValueService(models.Model):
    """A value-added service delivered to a customer (增值服务)."""

    class Kind(models.TextChoices):
        CONSULTING = "consulting", _("Consulting")
        MARKET_REPORT = "market_report", _("Market report")
        STAFF_TRAINING = "staff_training", _("Training for the customer's staff")
        TECHNICAL_SUPPORT = "technical_support", _("Technical support")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+", verbose_name=_("customer"))
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    delivered_on = models.DateField(_("delivered on"))
    effort_hours = models.DecimalField(_("effort (hours)"), max_digits=6, decimal_places=1)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("delivered by")
    )
    rating = models.PositiveSmallIntegerField(_("customer's rating (1–5)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ValueServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("value-added service")
        ordering = ["-delivered_on", "-pk"]
        indexes = [models.Index(fields=["org", "customer", "delivered_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="value_service_rating_1_to_5",
                violation_error_code="service_rating_out_of_range",
                violation_error_message=_("A rating is from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(effort_hours__gt=0, effort_hours__lte=1000),
                name="value_service_effort_positive",
                violation_error_code="service_effort_out_of_range",
                violation_error_message=_("Effort is more than 0 and at most 1000 hours."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.delivered_on}"


class SessionQuerySet(ScopedQuerySet):
    owner_fields = ("customer__owner", "host")
    write_owner_fields = ("customer__owner",)


class EducationSession(models.Model):
    """A customer education or training session (客户教育与培训) for one customer's contacts."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+", verbose_name=_("customer"))
    title = models.CharField(_("title"), max_length=200)
    topic = models.TextField(_("topic"), blank=True, max_length=NOTE_MAX_LENGTH)
    held_on = models.DateField(_("date"))
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("host")
    )
    survey_link = models.URLField(_("follow-up survey link"), blank=True, max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("education session")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["org", "held_on"])]

    def __str__(self) -> str:
        return self.title


class SessionInvitee(models.Model):
    """A contact invited to a session, and whether they came (None: not yet recorded)."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    session = models.ForeignKey(EducationSession, on_delete=models.CASCADE, related_name="invitees")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    attended = models.BooleanField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "session", "contact"], name="session_invitee_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.contact_id}"
