"""Pulse check-ins: answering (once per period, changeable until the period ends), the
organisation's settings, and the figures of the groups the anonymity rule shows (groups.py).
Pages, API, exports and the alert chore all read figures through `team_trend`/`period_figures`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.tenancy.audit import audit_record
from pacekeeper.tenancy.models import Organization, Team, TeamMembership
from pacekeeper.tenancy.scopes import Actor, may_change_pulse_settings

from .groups import ORG, Group, Hidden, period_groups
from .models import MIN_GROUP_FLOOR, QUESTIONS, Cadence, PulseAnswer, PulseDecision, PulseRespondent, PulseSettings

DEFAULT_PERIODS = 6
MAX_PERIODS = 24


def pulse_settings(org: Organization) -> PulseSettings:
    found = PulseSettings.objects.filter(org=org).first()
    return found or PulseSettings(org=org)


def period_of(cadence: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The pulse period holding `day`: its week (Monday to Sunday) or its calendar month."""
    if cadence == Cadence.WEEKLY:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    start = day.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return start, following - dt.timedelta(days=1)


def closed_periods(cadence: str, today: dt.date, count: int) -> list[tuple[dt.date, dt.date]]:
    """The `count` last periods that have ended, oldest first."""
    periods = []
    start, _end = period_of(cadence, today)
    for _step in range(count):
        start, end = period_of(cadence, start - dt.timedelta(days=1))
        periods.append((start, end))
    return list(reversed(periods))


def _edit_key(org_id: int, person_id: int, period_start: dt.date) -> str:
    return salted_hmac(
        "pacekeeper.teamhealth.pulse", f"{org_id}:{person_id}:{period_start}", algorithm="sha256"
    ).hexdigest()


def _team_at(actor: Actor, day: dt.date) -> Team | None:
    """The team the person is in on `day` (the latest joined, if several)."""
    membership = (
        TeamMembership.objects.current(day)
        .filter(org_id=actor.org_id, user_id=actor.user_id)
        .select_related("team")
        .order_by("-started_on", "-pk")
        .first()
    )
    return membership.team if membership else None


def _scores(scores: dict[str, object]) -> dict[str, int]:
    errors = {}
    clean = {}
    for question in QUESTIONS:
        value = scores.get(question)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            errors[question] = [_("Choose a whole number from 1 to 5.")]
        else:
            clean[question] = value
    if errors:
        raise ValidationFailed(errors)
    return clean


@transaction.atomic
def pulse_answer(*, actor: Actor, scores: dict[str, object]) -> bool:
    """Answer this period's pulse, or change one's answer while the period lasts. Returns True
    for a first answer. Nothing here keeps what the person answered next to who they are."""
    clean = _scores(scores)
    today = actor.today()
    start, end = period_of(pulse_settings(actor.org).cadence, today)
    key = _edit_key(actor.org_id, actor.user_id, start)
    existing = PulseAnswer.objects.filter(org_id=actor.org_id, period_start=start, edit_key=key)
    if existing.update(**clean):
        return False
    team = _team_at(actor, today)
    try:
        with transaction.atomic():
            PulseRespondent.objects.create(
                org_id=actor.org_id, person_id=actor.user_id, period_start=start, period_end=end
            )
    except IntegrityError:  # answered, and the period's keys were blanked: nothing to change any more
        raise ValidationFailed(_("You have answered this period's pulse already.")) from None
    PulseAnswer.objects.create(
        org_id=actor.org_id,
        team=team,
        team_path=team.path if team else "",
        period_start=start,
        period_end=end,
        edit_key=key,
        **clean,
    )
    return True


@dataclass(frozen=True)
class PulseStatus:
    period_start: dt.date
    period_end: dt.date
    has_answered: bool
    editable_until: dt.date
    cadence: str = Cadence.MONTHLY  # so that a prompt can name the period: this week, this month


def pulse_status(actor: Actor) -> PulseStatus:
    cadence = pulse_settings(actor.org).cadence
    start, end = period_of(cadence, actor.today())
    answered = PulseRespondent.objects.filter(org_id=actor.org_id, person_id=actor.user_id, period_start=start).exists()
    return PulseStatus(period_start=start, period_end=end, has_answered=answered, editable_until=end, cadence=cadence)


@transaction.atomic
def pulse_settings_change(
    *, actor: Actor, cadence: str | None = None, min_group=None, drop_alert=None
) -> PulseSettings:
    """The org admin or a director. The smallest group is 5 or more; a period already running
    keeps the cadence it started with (answers carry their period)."""
    if not may_change_pulse_settings(actor):
        raise Forbidden()
    current = pulse_settings(actor.org)
    errors: dict[str, list[str]] = {}
    if cadence is not None and cadence not in Cadence.values:
        errors["cadence"] = [_("Choose weekly or monthly.")]
    if min_group is not None and not (isinstance(min_group, int) and MIN_GROUP_FLOOR <= min_group <= 1000):
        errors["min_group"] = [_("Groups of fewer than 5 answers are never shown: enter 5 to 1000.")]
    if drop_alert is not None:
        try:
            drop_alert = Decimal(str(drop_alert))
            if not (Decimal(0) < drop_alert <= Decimal(4)) or drop_alert.as_tuple().exponent < -2:
                raise ValueError
        except (ArithmeticError, ValueError):
            errors["drop_alert"] = [_("A drop is more than 0 and at most 4 points, with up to 2 decimals.")]
    if errors:
        raise ValidationFailed(errors)
    changes = {"cadence": cadence, "min_group": min_group, "drop_alert": drop_alert}
    for name, value in changes.items():
        if value is not None and getattr(current, name) != value:
            audit_record(actor=actor, obj=actor.org, field=f"pulse_{name}", before=getattr(current, name), after=value)
            setattr(current, name, value)
    current.save()
    return current


# --- figures ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodFigure:
    """A group's figures in one closed period, or why there are none (then no number at all)."""

    start: dt.date
    end: dt.date
    shown: bool
    hidden_because: str = ""
    answers: int | None = None
    means: dict[str, Decimal] | None = None


def _figure(start: dt.date, end: dt.date, group: Group | None) -> PeriodFigure:
    if group is None or not group.shown:
        because = group.hidden_because if group is not None else Hidden.TOO_FEW
        return PeriodFigure(start=start, end=end, shown=False, hidden_because=because)
    return PeriodFigure(start=start, end=end, shown=True, answers=group.count, means=group.means())


def decided_min_group(settings: PulseSettings, start: dt.date) -> int:
    """The smallest group a closed period is decided with: the setting's value the first time the
    period's figures are computed, stored (PulseDecision) and kept whatever the setting becomes,
    so that nobody can see one period's groups decided with two minimums and subtract them."""
    decision, _created = PulseDecision.objects.get_or_create(
        org_id=settings.org_id,
        period_start=start,
        defaults={"cadence": settings.cadence, "min_group": settings.min_group},
    )
    return decision.min_group


def period_figures(org: Organization, start: dt.date, end: dt.date) -> dict[int, PeriodFigure]:
    """Every shown group's figures in a closed period (the key ORG for the organisation)."""
    settings = pulse_settings(org)
    groups = period_groups(org_id=org.pk, period_start=start, min_group=decided_min_group(settings, start))
    return {key: _figure(start, end, group) for key, group in groups.items()}


def team_trend(*, org: Organization, team: Team | None, today: dt.date, periods: int = DEFAULT_PERIODS):
    """A team's (None: the organisation's) figures over the last closed periods, oldest first."""
    settings = pulse_settings(org)
    key = team.pk if team is not None else ORG
    trend = []
    for start, end in closed_periods(settings.cadence, today, periods):
        groups = period_groups(org_id=org.pk, period_start=start, min_group=decided_min_group(settings, start))
        trend.append(_figure(start, end, groups.get(key)))
    return trend


def hidden_reason(because: str) -> str:
    if because == Hidden.DIFFERENCE:
        return _(
            "Not shown: with the figures of the groups inside it, it would reveal the answers of "
            "fewer people than the minimum."
        )
    return _("Not shown: fewer answers than the minimum for this period.")


def team_required_message() -> str:
    return _("Choose one of your teams.")


def figure_out(figure: PeriodFigure) -> dict:
    """A period's figures as the API and exports write them: decimals as text, nothing when hidden."""
    return {
        "period_start": figure.start,
        "period_end": figure.end,
        "shown": figure.shown,
        "hidden_because": figure.hidden_because,
        "answers": figure.answers,
        "means": {name: str(value) for name, value in figure.means.items()} if figure.means else None,
    }
