"""The exceptions services raise. `pacekeeper.api` turns them into JSON; pages show field errors
next to the fields, and `tenancy.middleware.ServiceErrorMiddleware` maps NotFound/Forbidden to 404/403."""

from django.utils.translation import gettext_lazy as _


class PacekeeperError(Exception):
    status = 400


class NotFound(PacekeeperError):
    """Missing or out of the actor's scope: the two are deliberately indistinguishable."""

    status = 404

    def __init__(self, message: str = "") -> None:
        super().__init__(message or _("Not found."))


class Forbidden(PacekeeperError):
    """Visible, but the actor's role may not do this."""

    status = 403

    def __init__(self, message: str = "") -> None:
        super().__init__(message or _("Your role does not allow this."))


class Unauthenticated(PacekeeperError):
    """Wrong credentials (the API's token endpoint)."""

    status = 401


class TooManyAttempts(PacekeeperError):
    """Signing in is locked for a cool-off after repeated failures; or a costly action was asked
    for too often (generating reports)."""

    status = 429


class SignInsBusy(PacekeeperError):
    """More sign-ins at once than this server process lets wait for a password hash
    (tenancy/hashers.py): answered at once, to be tried again in a few seconds."""

    status = 503
    retry_after = 5  # seconds, sent as Retry-After

    def __init__(self) -> None:
        super().__init__(_("Many people are signing in at this moment. Try again in a few seconds."))


class PayloadTooLarge(PacekeeperError):
    """An upload over the configured limit."""

    status = 413


class ValidationFailed(PacekeeperError):
    """Field-level problems with input. `errors` maps a field name ("" for the whole) to messages."""

    status = 400

    def __init__(self, errors: dict[str, list[str]] | str) -> None:
        if isinstance(errors, str):
            errors = {"": [errors]}
        self.errors = {field: [str(m) for m in messages] for field, messages in errors.items()}
        super().__init__("; ".join(f"{k}: {' '.join(v)}" if k else " ".join(v) for k, v in self.errors.items()))

    @property
    def text(self) -> str:
        """Every message, without field names: for a page's message bar."""
        return " ".join(message for messages in self.errors.values() for message in messages)

    # Model-wide constraint errors that belong next to one field, by their error code (each
    # model constraint sets `violation_error_code`; tests/test_constraint_messages.py checks
    # that every one is here and has a readable, translated message).
    CODE_FIELDS = {
        # insights (insights/models.py)
        "insight_topic_code_taken": "code",
        "insight_analysis_duplicate": "",
        "insight_analysis_topic_duplicate": "",
        # progress reports (progress/models.py), recognition (recognition/models.py)
        "progress_report_subject_kind": "subject",
        "progress_report_period_order": "day",
        "report_run_live": "day",
        "kudos_to_self": "recipient",
        # team health (teamhealth/models.py)
        "pulse_min_group_too_small": "min_group",
        "pulse_drop_alert_range": "drop_alert",
        "pulse_score_out_of_range": "",
        "period_out_of_order": "period_end",
        "external_id_taken": "external_id",
        "ends_before_start": "ends_on",
        "membership_ends_before_start": "ended_on",
        "interval_too_short": "interval_days",
        "probability_over_100": "probability",
        "amount_negative": "amount",
        "idempotency_key_taken": "idempotency_key",
        "subject_not_level": "level",
        "tier_below_zero": "tiers",
        "rate_not_percentage": "tiers",
        # commission plans (incentives/models.py)
        "cap_below_zero": "cap",
        "floor_below_zero": "floor",
        "assignment_one_subject": "applies_to",
        "run_already_live": "starts_on",
        "approval_without_approved_status": "status",
        "weight_not_percentage": "criteria",
        "metric_without_target": "criteria",
        "score_out_of_range": "score",
        "final_score_out_of_range": "final_score",
        "rating_out_of_range": "ratings",
        "email_taken": "email",
        "estimate_negative": "estimate_hours",
        "capacity_too_high": "weekly_capacity_hours",
        "due_before_start": "due_on",
        "blocked_without_reason": "blocked_reason",
        "plan_template_title_taken": "title",
        "step_without_duration": "steps",
        "step_estimate_negative": "steps",
        "interval_range": "interval",
        "lead_days_range": "lead_days",
        "day_missing": "weekday",
        # skills
        "skill_name_taken": "name",
        "skill_level_exists": "skill",
        "level_out_of_range": "level",
        "level_not_current": "level",
        "skill_required_twice": "required_skills",
        # resource requests (work/resource_models.py)
        "resource_parent_not_one": "task",
        "resource_amount_negative": "amount",
        "resource_spent_negative": "spent_amount",
        "resource_hours_negative": "hours",
        "resource_refused_without_reason": "refusal_reason",
        "resource_status_mismatch": "status",
        "resource_threshold_negative": "lead_limit",
        # surveys (feedback/models.py)
        "survey_csat_out_of_range": "csat",
        "survey_nps_out_of_range": "nps",
        # work reports (workreports/models.py)
        "work_report_exists": "period",
        "work_report_period_order": "period",
        # relationships (relationships/models.py)
        "health_weight_out_of_range": "",
        "service_rating_out_of_range": "rating",
        "service_effort_out_of_range": "effort_hours",
        # risk register (risks/models.py)
        "risk_probability_range": "probability",
        "risk_impact_range": "impact",
        "risk_residual_probability_range": "residual_probability",
        "risk_residual_impact_range": "residual_impact",
        "risk_subject_not_level": "level",
        "risk_signal_open": "signal_key",
        "risk_action_exists": "task",
        "receivable_exists": "sale",
        "risk_settings_range": "concentration_threshold",
        # tickets (tickets/models.py)
        "ticket_working_day_order": "day_end",
        "sla_policy_taken": "severity",
        "sla_hours_positive": "first_response_hours",
        "holiday_override_taken": "day",
    }

    @classmethod
    def from_django(cls, error) -> "ValidationFailed":
        """From a django.core.exceptions.ValidationError (model full_clean)."""
        if not hasattr(error, "error_dict"):
            return cls({"": list(error.messages)})
        errors: dict[str, list[str]] = {}
        for field, field_errors in error.error_dict.items():
            for item in field_errors:
                target = cls.CODE_FIELDS.get(item.code, "" if field == "__all__" else field)
                errors.setdefault(target, []).extend(item.messages)
        return cls(errors)
