"""Small pieces every page view uses: the login gate, form errors from services, htmx."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest

from pacekeeper.errors import ValidationFailed


def actor_required(view):
    """The view needs a signed-in person of an organisation (request.actor)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if getattr(request, "actor", None) is None:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def add_service_errors(form, error: ValidationFailed) -> None:
    """Put a service's field errors next to the form's fields (unknown fields go on top)."""
    for field, field_messages in error.errors.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


def message_service_errors(request: HttpRequest, error: ValidationFailed) -> None:
    """A service's refusal as one message, for actions that are a button rather than a form."""
    messages.error(request, " ".join(str(message) for found in error.errors.values() for message in found))


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def paginate(request: HttpRequest, rows, per_page: int = 25):
    """Page `rows` by ?page=; out-of-range pages show the last page instead of an error."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def query_without(request: HttpRequest, *names: str) -> str:
    """The current query string minus some keys: for links that change page or sort."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()
