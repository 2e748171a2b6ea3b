"""Writes for organisations, people, teams and API tokens."""

import datetime as dt
import logging
import re

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.lib import date_rules
from pacekeeper.lib.busy import brief_lock_wait

from .audit import audit_record
from .models import ApiToken, Organization, Role, Team, TeamMembership, User
from .scopes import Actor, require_admin
from .sign_in import end_all_sessions

logger = logging.getLogger(__name__)


# What the API's schema accepts too: letters of any script, digits and . + - _ (no spaces or <>).
USERNAME_CHARACTERS = re.compile(r"[\w.+-]+")


def username_problem(username: str) -> str | None:
    """Sign-in reads a name with "@" as an email address (tenancy.auth), so a username holding
    one could never sign in, and someone else could take it as their email."""
    if "@" in username:
        return _("A username cannot contain @: people sign in with an email address or a username.")
    if not USERNAME_CHARACTERS.fullmatch(username):
        return _("A username is letters, digits and . + - _ only, without spaces.")
    return None


@transaction.atomic
def user_create(
    *,
    org: Organization,
    username: str,
    password: str,
    role: str = Role.MANAGER,
    display_name: str = "",
    email: str = "",
    language: str = "",
    check_password: bool = True,
) -> User:
    """Create a login. `check_password=False` is for generated demo data only."""
    if role not in Role.values:
        raise ValidationFailed({"role": [_("Unknown role.")]})
    if problem := username_problem(username):
        raise ValidationFailed({"username": [problem]})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed({"username": [_("This username is taken.")]})
    email = email.strip()
    check_email_free(email)
    user = User(org=org, username=username, role=role, display_name=display_name, email=email, language=language)
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationFailed({"password": list(error.messages)}) from None
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def user_set_role(*, actor: Actor, user: User, role: str, reason: str = "") -> User:
    require_admin(actor)
    if role not in Role.values:
        raise ValidationFailed({"role": [_("Unknown role.")]})
    before = user.role
    if before != role:
        user.role = role
        user.save(update_fields=["role"])
        audit_record(actor=actor, obj=user, field="role", before=before, after=role, reason=reason)
    return user


@transaction.atomic
def team_create(
    *, org: Organization, name: str, kind: str = Team.Kind.TEAM, parent: Team | None = None, actor: Actor | None = None
) -> Team:
    """With an `actor` (pages, API) only the org admin creates teams, and it is audited."""
    if actor is not None:
        require_admin(actor)
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": [_("Give the team a name.")]})
    if kind not in Team.Kind.values:
        raise ValidationFailed({"kind": [_("Choose a kind of team.")]})
    if parent is not None and parent.org_id != org.pk:
        raise ValidationFailed({"parent": [_("The parent team belongs to another organisation.")]})
    if Team.objects.filter(org=org, name=name).exists():
        raise ValidationFailed({"name": [_("A team with this name already exists.")]})
    team = Team.objects.create(org=org, name=name, kind=kind, parent=parent)
    team.path = f"{parent.path if parent else '/'}{team.pk}/"
    team.save(update_fields=["path"])
    if actor is not None:
        audit_record(actor=actor, obj=team, field="name", before=None, after=name)
    return team


@transaction.atomic
def team_move(*, actor: Actor, team: Team, parent: Team | None) -> Team:
    """Re-hang a team (and its subtree) under another parent."""
    require_admin(actor)
    if parent is not None and (parent.org_id != team.org_id or parent.path.startswith(team.path)):
        raise ValidationFailed({"parent": [_("A team cannot be moved under itself or another organisation.")]})
    old_path = team.path
    new_path = f"{parent.path if parent else '/'}{team.pk}/"
    for descendant in Team.objects.filter(org_id=team.org_id, path__startswith=old_path):
        descendant.path = new_path + descendant.path[len(old_path) :]
        descendant.save(update_fields=["path"])
    Team.objects.filter(pk=team.pk).update(parent=parent)
    team.refresh_from_db()
    return team


# Memberships are dated; a person's history is never rewritten, only closed and continued.


def _today(org_id: int) -> dt.date:
    from zoneinfo import ZoneInfo

    org = Organization.objects.only("time_zone").get(pk=org_id)
    return timezone.now().astimezone(ZoneInfo(org.time_zone)).date()


@transaction.atomic
def membership_start(
    *, user: User, team: Team, started_on: dt.date, is_lead: bool = False, actor: Actor | None = None, reason: str = ""
) -> TeamMembership:
    """Put a person in a team from a date. Their other open non-lead membership ends the day before,
    so that a fact is credited to exactly one team (DESIGN rule 4): this is how a person moves.
    With an `actor` (pages, API) the actor must be the org admin and the change is audited;
    without one it is set-up code (demo data, tests)."""
    if actor is not None:
        require_admin(actor)
        if user.org_id != actor.org_id:
            raise ValidationFailed({"user": [_("Choose a person of your organisation.")]})
    if user.org_id != team.org_id:
        raise ValidationFailed({"team": [_("The team belongs to another organisation.")]})
    problem = date_rules.window_problem(started_on, _today(team.org_id))
    if problem:
        raise ValidationFailed({"started_on": [problem]})
    memberships = TeamMembership.objects.select_for_update().filter(user=user, is_lead=is_lead)
    if not is_lead and memberships.filter(ended_on__isnull=False, ended_on__gte=started_on).exists():
        raise ValidationFailed({"started_on": [_("The person was in another team on this date; start after it ends.")]})
    open_memberships = list(memberships.filter(ended_on__isnull=True))
    if any(m.team_id == team.pk for m in open_memberships):
        raise ValidationFailed({"team": [_("The person is already in this team.")]})
    for open_membership in open_memberships if not is_lead else ():
        if open_membership.started_on >= started_on:
            raise ValidationFailed({"started_on": [_("The person's current membership starts on or after this date.")]})
        open_membership.ended_on = started_on - dt.timedelta(days=1)
        open_membership.save(update_fields=["ended_on"])
        if actor is not None:
            audit_record(
                actor=actor,
                obj=open_membership,
                field="ended_on",
                before=None,
                after=open_membership.ended_on,
                reason=reason,
            )
    membership = TeamMembership.objects.create(
        org_id=team.org_id, team=team, user=user, is_lead=is_lead, started_on=started_on
    )
    if actor is not None:
        audit_record(actor=actor, obj=membership, field="started_on", before=None, after=started_on, reason=reason)
    return membership


@transaction.atomic
def membership_end(*, actor: Actor, membership: TeamMembership, ended_on: dt.date, reason: str = "") -> TeamMembership:
    """End a membership on a date (inclusive): the person leaves the team, or stops leading it.
    An ended membership stays in the history; the facts before the end stay credited to the team."""
    require_admin(actor)
    membership = TeamMembership.objects.select_for_update().get(pk=membership.pk, org_id=actor.org_id)
    if membership.ended_on is not None:
        raise ValidationFailed({"ended_on": [_("This membership has already ended.")]})
    problem = date_rules.window_problem(ended_on, actor.today())
    if problem:
        raise ValidationFailed({"ended_on": [problem]})
    if ended_on < membership.started_on:
        raise ValidationFailed({"ended_on": [_("A membership cannot end before it starts.")]})
    membership.ended_on = ended_on
    membership.save(update_fields=["ended_on"])
    audit_record(actor=actor, obj=membership, field="ended_on", before=None, after=ended_on, reason=reason)
    return membership


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token row and the secret, which is shown once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": [_("Give the token a name.")]})
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        org_id=user.org_id, user=user, name=name[:100], digest=ApiToken.digest_of(secret), hint=secret[-4:]
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_user(secret: str) -> User | None:
    """The active user behind a bearer token, or None."""
    token = (
        ApiToken.objects.active().select_related("user", "user__org").filter(digest=ApiToken.digest_of(secret)).first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > settings.API_TOKEN_USE_NOTED_EVERY:
        _api_token_note_use(token, now)
    return token.user


def _api_token_note_use(token: ApiToken, now) -> None:
    """When a token was last used, to the nearest few minutes: a nicety that must never slow or
    fail the request it rides on. A token read on every API call wrote on every call, and on
    SQLite during an import that write waited 20 s for the lock and answered 500."""
    try:
        with brief_lock_wait():
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    except DatabaseError as error:
        logger.info("last use of API token %s not noted now: %s", token.pk, error)


def check_email_free(email: str, *, user: User | None = None) -> None:
    """An email address is a way to sign in, so it must be well-formed and nobody else's (in
    any organisation, whatever the capitals). Checked here for a field-level message; the
    database constraint user_email_unique_ci holds it under concurrent writes."""
    if not email:
        return
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationFailed({"email": [_("Enter a valid email address.")]}) from None
    taken = User.objects.filter(email__iexact=email)
    if user is not None:
        taken = taken.exclude(pk=user.pk)
    if taken.exists():
        raise ValidationFailed({"email": [_("This email address is already used by another account.")]})


def _change_email(*, actor: Actor, user: User, email: str, current_password: str, reason: str) -> None:
    """Changing one's own sign-in address takes one's password: a session left open must not
    be enough to take over the account. The org admin changing someone else's is audited."""
    email = email.strip()
    # Compared with the stored address: a bound form has already put the new one on `user`.
    stored = User.objects.filter(pk=user.pk).values_list("email", flat=True).first() or ""
    user.email = email
    if email.lower() == stored.lower():
        return
    if user.pk == actor.user_id and not user.check_password(current_password or ""):
        raise ValidationFailed({"current_password": [_("Enter your current password to change your email address.")]})
    check_email_free(email, user=user)
    audit_record(actor=actor, obj=user, field="email", before=stored, after=email, reason=reason)


USER_SELF_FIELDS = {"display_name", "language", "email"}
USER_ADMIN_FIELDS = USER_SELF_FIELDS | {"role", "is_active", "first_name", "last_name", "weekly_capacity_hours"}


@transaction.atomic
def user_update(*, actor: Actor, user: User, changes: dict, reason: str = "", current_password: str = "") -> User:
    """Anyone edits their own name, language and email (the email with their password); only
    the org admin edits others, roles and activation. Nobody changes their own role (no
    self-promotion)."""
    allowed = USER_ADMIN_FIELDS if actor.is_admin else USER_SELF_FIELDS
    if user.pk != actor.user_id and not actor.is_admin:
        raise Forbidden()
    refused = set(changes) - allowed
    if "role" in changes and user.pk == actor.user_id and changes["role"] != user.role:
        refused.add("role")
    if refused:
        raise ValidationFailed({field: [_("You may not change this.")] for field in sorted(refused)})
    changes = dict(changes)
    if "role" in changes:
        user_set_role(actor=actor, user=user, role=changes.pop("role"), reason=reason)
    if changes.get("is_active") is False and user.pk == actor.user_id:
        raise ValidationFailed({"is_active": [_("You cannot deactivate yourself.")]})
    if "email" in changes:
        _change_email(
            actor=actor, user=user, email=changes.pop("email") or "", current_password=current_password, reason=reason
        )
    for field, value in changes.items():
        if field in ("is_active", "weekly_capacity_hours") and value != getattr(user, field):
            audit_record(actor=actor, obj=user, field=field, before=getattr(user, field), after=value, reason=reason)
        setattr(user, field, value.strip() if isinstance(value, str) else value)
    try:
        user.full_clean(exclude=["password", "org"])
    except ValidationError as error:
        raise ValidationFailed.from_django(error) from None
    user.save()
    if changes.get("is_active") is False:
        end_all_sessions(user)
    return user


def team_parent(*, actor: Actor, parent_id: int | None, field: str = "parent") -> Team | None:
    """The team a new or moved team hangs under (or a person joins): none, or one of the
    actor's organisation. `field` names the input in the error."""
    if not parent_id:
        return None
    parent = Team.objects.visible_to(actor).filter(pk=parent_id).first()
    if parent is None:
        raise ValidationFailed({field: [_("Choose a team of your organisation.")]})
    return parent


def membership_person(*, actor: Actor, user_id: int, field: str = "user") -> User:
    """The person a membership is for: one the actor sees (the org admin: anyone of theirs)."""
    user = User.objects.visible_to(actor).filter(pk=user_id).first()
    if user is None:
        raise ValidationFailed({field: [_("Choose a person of your organisation.")]})
    return user


@transaction.atomic
def team_update(*, actor: Actor, team: Team, changes: dict) -> Team:
    require_admin(actor)
    changes = dict(changes)
    if "parent" in changes:
        team_move(actor=actor, team=team, parent=team_parent(actor=actor, parent_id=changes.pop("parent")))
    for field in ("name", "kind"):
        if field in changes:
            setattr(team, field, changes.pop(field).strip())
    if changes:
        raise ValidationFailed({field: [_("This field cannot be set.")] for field in sorted(changes)})
    if Team.objects.filter(org_id=team.org_id, name=team.name).exclude(pk=team.pk).exists():
        raise ValidationFailed({"name": [_("A team with this name already exists.")]})
    try:
        team.full_clean(exclude=["org", "parent", "path"])
    except ValidationError as error:
        raise ValidationFailed.from_django(error) from None
    team.save()
    return team


@transaction.atomic
def user_add(
    *,
    actor: Actor,
    username: str,
    password: str,
    role: str = Role.MANAGER,
    display_name: str = "",
    email: str = "",
    language: str = "",
    team: Team | None = None,
    started_on: dt.date | None = None,
) -> User:
    """The org admin adds a person, optionally straight into a team from a date (default: today)."""
    require_admin(actor)
    user = user_create(
        org=actor.org,
        username=username.strip(),
        password=password,
        role=role,
        display_name=display_name.strip(),
        email=email.strip(),
        language=language,
    )
    audit_record(actor=actor, obj=user, field="role", before=None, after=role)
    if team is not None:
        membership_start(
            actor=actor, user=user, team=team, started_on=started_on or actor.today(), is_lead=role == Role.LEAD
        )
    return user


@transaction.atomic
def user_two_factor_reset(*, actor: Actor, user: User, reason: str = "") -> User:
    """For a person who lost their phone: their authenticator is removed and every session ends;
    at the next sign-in they set up a new one (required roles must). Not for oneself: one's own
    authenticator is removed from the account page, with a code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    require_admin(actor)
    if user.pk == actor.user_id:
        raise ValidationFailed({"": [_("Change your own two-factor sign-in on your account page.")]})
    had_one = TOTPDevice.objects.filter(user=user).delete()[0] > 0
    audit_record(
        actor=actor, obj=user, field="two_factor", before="on" if had_one else "off", after="off", reason=reason
    )
    end_all_sessions(user)
    return user


ORGANIZATION_FIELDS = (
    "name",
    "currency",
    "time_zone",
    "language",
    "change_colours",
    "payout_second_approver",
    "work_report_cadence",
)


@transaction.atomic
def organization_update(*, actor: Actor, changes: dict, reason: str = "") -> Organization:
    """The org admin's settings. Each changed field is audited. Amounts are stored in minor units
    of the currency, so a currency with other minor units (JPY has none) would change every
    recorded amount a hundredfold: such a switch is refused."""
    from zoneinfo import available_timezones

    from pacekeeper.lib.money import CURRENCY_EXPONENTS

    require_admin(actor)
    org = Organization.objects.select_for_update().get(pk=actor.org_id)
    refused = set(changes) - set(ORGANIZATION_FIELDS)
    if refused:
        raise ValidationFailed({field: [_("This field cannot be set.")] for field in sorted(refused)})
    errors: dict[str, list[str]] = {}
    currency = changes.get("currency", org.currency)
    if currency not in CURRENCY_EXPONENTS:
        errors["currency"] = [_("Choose a currency from the list.")]
    elif CURRENCY_EXPONENTS[currency] != CURRENCY_EXPONENTS.get(org.currency, 2):
        errors["currency"] = [
            _("Amounts are kept in the currency's smallest unit; another kind of unit would change every amount.")
        ]
    if changes.get("time_zone", org.time_zone) not in available_timezones():
        errors["time_zone"] = [_("Choose a time zone from the list.")]
    if errors:
        raise ValidationFailed(errors)
    changed = []
    for field, value in changes.items():
        value = value.strip() if isinstance(value, str) else value
        before = getattr(org, field)
        if before != value:
            setattr(org, field, value)
            changed.append((field, before, value))
    try:
        org.full_clean()
    except ValidationError as error:
        raise ValidationFailed.from_django(error) from None
    if changed:
        org.save(update_fields=[field for field, _before, _after in changed])
    for field, before, after in changed:
        audit_record(actor=actor, obj=org, field=field, before=before, after=after, reason=reason)
    return org


@transaction.atomic
def team_create_with_lead(
    *,
    actor: Actor,
    name: str,
    kind: str = Team.Kind.TEAM,
    parent: Team | None = None,
    lead_id: int | None = None,
    started_on: dt.date | None = None,
) -> Team:
    """A new team, and optionally who leads it from a date (default: today)."""
    team = team_create(org=actor.org, actor=actor, name=name, kind=kind, parent=parent)
    if lead_id:
        lead = membership_person(actor=actor, user_id=lead_id, field="lead")
        membership_start(actor=actor, user=lead, team=team, started_on=started_on or actor.today(), is_lead=True)
    return team
