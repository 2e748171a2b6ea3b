"""Writes for organisations, people, teams and API tokens."""

import datetime as dt

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacekeeper.errors import Forbidden, ValidationFailed

from .audit import audit_record
from .models import ApiToken, Organization, Role, Team, TeamMembership, User
from .scopes import Actor, require_admin
from .sign_in import end_all_sessions


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
def team_create(*, org: Organization, name: str, kind: str = Team.Kind.TEAM, parent: Team | None = None) -> Team:
    if parent is not None and parent.org_id != org.pk:
        raise ValidationFailed({"parent": [_("The parent team belongs to another organisation.")]})
    if Team.objects.filter(org=org, name=name).exists():
        raise ValidationFailed({"name": [_("A team with this name already exists.")]})
    team = Team.objects.create(org=org, name=name, kind=kind, parent=parent)
    team.path = f"{parent.path if parent else '/'}{team.pk}/"
    team.save(update_fields=["path"])
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


@transaction.atomic
def membership_start(*, user: User, team: Team, started_on: dt.date, is_lead: bool = False) -> TeamMembership:
    """Put a person in a team from a date. Their other open non-lead membership ends the day before,
    so that a fact is credited to exactly one team (DESIGN rule 4)."""
    if user.org_id != team.org_id:
        raise ValidationFailed({"team": [_("The team belongs to another organisation.")]})
    if not is_lead:
        for open_membership in TeamMembership.objects.filter(user=user, is_lead=False, ended_on__isnull=True):
            if open_membership.started_on >= started_on:
                raise ValidationFailed(
                    {"started_on": [_("The person's current membership starts on or after this date.")]}
                )
            open_membership.ended_on = started_on - dt.timedelta(days=1)
            open_membership.save(update_fields=["ended_on"])
    return TeamMembership.objects.create(
        org_id=team.org_id, team=team, user=user, is_lead=is_lead, started_on=started_on
    )


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
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


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
USER_ADMIN_FIELDS = USER_SELF_FIELDS | {"role", "is_active", "first_name", "last_name"}


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
        if field == "is_active" and value != user.is_active:
            audit_record(actor=actor, obj=user, field="is_active", before=user.is_active, after=value, reason=reason)
        setattr(user, field, value.strip() if isinstance(value, str) else value)
    try:
        user.full_clean(exclude=["password", "org"])
    except ValidationError as error:
        raise ValidationFailed.from_django(error) from None
    user.save()
    if changes.get("is_active") is False:
        end_all_sessions(user)
    return user


def team_parent(*, actor: Actor, parent_id: int | None) -> Team | None:
    """The team a new or moved team hangs under: none, or one of the actor's organisation."""
    if not parent_id:
        return None
    parent = Team.objects.visible_to(actor).filter(pk=parent_id).first()
    if parent is None:
        raise ValidationFailed({"parent": [_("Choose a team of your organisation.")]})
    return parent


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
