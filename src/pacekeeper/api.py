"""The one NinjaAPI under /api/v1/. Each app contributes a router.

Authentication: a personal token (`Authorization: Bearer pk_…`) or the browser session, which
must then carry a CSRF token on unsafe methods. Every authenticated request gets `request.actor`.
Errors are JSON: {"detail": "...", "errors": [{"field": "...", "message": "..."}]}.
"""

import dataclasses

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from pacekeeper.errors import NotFound, PacekeeperError, ValidationFailed
from pacekeeper.lib import openapi
from pacekeeper.tenancy.scopes import actor_for
from pacekeeper.tenancy.services import api_token_user


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_user(token)
        actor = actor_for(user, channel="api") if user else None
        if actor is None:
            return None
        request.user = user
        request.actor = actor
        return user


class SessionActorAuth(SessionAuth):
    """Django's session, with ninja's CSRF check on unsafe methods."""

    def authenticate(self, request: HttpRequest, key):
        # The middleware resolved this person for this request already: the same, as the API.
        page_actor = getattr(request, "actor", None)
        if page_actor is not None and page_actor.user == request.user:
            actor = dataclasses.replace(page_actor, channel="api")
        else:
            actor = actor_for(request.user, channel="api") if request.user.is_authenticated else None
        if actor is None:
            return None
        request.actor = actor
        return request.user


class PacekeeperAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """With the error answers of every operation and no null in parameters (lib/openapi.py)."""
        return openapi.complete(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = PacekeeperAPI(
    title="Pacekeeper API",
    version="1",
    description="Customers, contacts, interactions, sales, contracts, opportunities, teams and users.",
    auth=[BearerTokenAuth(), SessionActorAuth()],
    urls_namespace="api",
)


def _error_response(request, status: int, detail: str, errors: list[dict] | None = None):
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


@api.exception_handler(PacekeeperError)
def on_pacekeeper_error(request, error: PacekeeperError):
    errors = []
    if isinstance(error, ValidationFailed):
        errors = [
            {"field": field, "message": message} for field, messages in error.errors.items() for message in messages
        ]
    response = _error_response(
        request, error.status, str(error) if not errors else _("Please correct the errors."), errors
    )
    if getattr(error, "retry_after", None):
        response["Retry-After"] = str(error.retry_after)
    return response


@api.exception_handler(NinjaValidationError)
def on_schema_error(request, error: NinjaValidationError):
    errors = []
    for item in error.errors:
        location = [str(part) for part in item.get("loc", ()) if part not in ("body", "payload", "query", "path")]
        errors.append({"field": ".".join(location), "message": item.get("msg", "")})
    return _error_response(request, 422, _("Please correct the errors."), errors)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, error):
    return _error_response(request, 401, _("Log in or send a valid API token."))


@api.exception_handler(HttpError)
def on_http_error(request, error: HttpError):
    """ninja's own refusals (a body that is not JSON: 400), in our one error shape."""
    return _error_response(request, error.status_code, str(error))


@api.exception_handler(Http404)
def on_not_found(request, error):
    return _error_response(request, 404, str(NotFound()))


def _mount() -> None:
    from pacekeeper.crm.api import router as crm_router
    from pacekeeper.crm.imports_api import router as imports_router
    from pacekeeper.feedback.api import router as feedback_router
    from pacekeeper.goals.api import router as goals_router
    from pacekeeper.incentives.api import router as incentives_router
    from pacekeeper.insights.api import router as insights_router
    from pacekeeper.kpis.api import router as kpis_router
    from pacekeeper.meetings.api import router as meetings_router
    from pacekeeper.notifications.api import router as notifications_router
    from pacekeeper.progress.api import router as progress_router
    from pacekeeper.recognition.api import router as recognition_router
    from pacekeeper.reviews.api import router as reviews_router
    from pacekeeper.skills.api import router as skills_router
    from pacekeeper.tenancy.api import router as tenancy_router
    from pacekeeper.work.api import router as work_router
    from pacekeeper.work.plan_api import router as work_plans_router
    from pacekeeper.work.resource_api import router as work_resources_router

    api.add_router("/", tenancy_router)
    api.add_router("/", crm_router)
    api.add_router("/", imports_router)
    api.add_router("/", kpis_router)
    api.add_router("/", goals_router)
    api.add_router("/", incentives_router)
    api.add_router("/", reviews_router)
    api.add_router("/", notifications_router)
    api.add_router("/", work_router)
    api.add_router("/", work_plans_router)
    api.add_router("/", skills_router)
    api.add_router("/", work_resources_router)
    from pacekeeper.workreports.api import router as work_reports_router

    api.add_router("/", work_reports_router)
    api.add_router("/", meetings_router)
    api.add_router("/feedback", feedback_router)
    api.add_router("/", progress_router)
    api.add_router("/", recognition_router)
    from pacekeeper.relationships.api import router as relationships_router

    api.add_router("/", relationships_router)
    from pacekeeper.teamhealth.api import router as teamhealth_router

    api.add_router("/", teamhealth_router)
    from pacekeeper.risks.api import router as risks_router

    api.add_router("/", risks_router)
    api.add_router("/", insights_router)
    from pacekeeper.tickets.api import router as tickets_router

    api.add_router("/", tickets_router)
    from pacekeeper.training.api import router as training_router

    api.add_router("/", training_router)


_mount()
