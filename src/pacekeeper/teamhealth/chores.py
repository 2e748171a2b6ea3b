"""Team health's periodic chore (lib/chores.py): blank the edit keys of ended pulse periods (after
which no answer can be linked to anyone), and announce each team's score drop once."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from pacekeeper.lib.chores import register
from pacekeeper.tenancy.models import Organization, Team
from pacekeeper.tenancy.scopes import pulse_alert_recipients

from .groups import ORG
from .models import PulseAlert, PulseAnswer
from .notices import announce_drop
from .pulse import closed_periods, period_figures, pulse_settings


def pulse_close_periods() -> int:
    """Forget which answer is whose once its period has ended (each organisation's own today)."""
    blanked = 0
    for org in Organization.objects.filter(pk__in=PulseAnswer.objects.exclude(edit_key="").values("org_id")):
        today = timezone.now().astimezone(ZoneInfo(org.time_zone)).date()
        blanked += PulseAnswer.objects.filter(org=org, period_end__lt=today).exclude(edit_key="").update(edit_key="")
    return blanked


def pulse_alerts_for(org: Organization) -> int:
    """Compare the last two closed periods; a team shown in both whose score fell by at least the
    organisation's setting is announced to its lead's manager, once (PulseAlert is unique)."""
    settings = pulse_settings(org)
    today = timezone.now().astimezone(ZoneInfo(org.time_zone)).date()
    (before_start, before_end), (start, end) = closed_periods(settings.cadence, today, 2)
    before = period_figures(org, before_start, before_end)
    after = period_figures(org, start, end)
    sent = 0
    for key, figure in after.items():
        earlier = before.get(key)
        if key == ORG or not figure.shown or earlier is None or not earlier.shown:
            continue
        drop = earlier.means["score"] - figure.means["score"]
        if drop < Decimal(settings.drop_alert):
            continue
        team = Team.objects.filter(org=org, pk=key).first()
        if team is None:
            continue
        try:
            with transaction.atomic():
                alert = PulseAlert.objects.create(
                    org=org,
                    team=team,
                    period_start=start,
                    period_end=end,
                    score_before=earlier.means["score"],
                    score_after=figure.means["score"],
                )
                announce_drop(alert=alert, recipients=list(pulse_alert_recipients(team, today)))
        except IntegrityError:  # announced already (another worker, an earlier run)
            continue
        sent += 1
    return sent


def pulse_chore() -> dict:
    blanked = pulse_close_periods()
    alerts = 0
    for org in Organization.objects.filter(pk__in=PulseAnswer.objects.values("org_id")):
        alerts += pulse_alerts_for(org)
    return {"keys_blanked": blanked, "alerts": alerts}


register("pulse", pulse_chore, help="Close ended pulse periods (answers become unlinkable) and announce score drops.")
