"""The id and client address of the request being served.

Audit rows, log lines and the error page read them from here, so a person reporting
"it broke at 10:02" can hand over the id shown on the error page and it leads to the log
lines and the audit rows of that very request. Background jobs bind their own (`job-<id>`).
"""

import contextvars
import logging
import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    address: str = ""


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "pacekeeper_request",
    default=RequestContext(),  # noqa: B039 (frozen, so never mutated)
)
# An id passed on by our own proxy is kept (so its logs and ours line up); anything else is replaced.
_FORWARDED_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current() -> RequestContext:
    return _current.get()


@contextmanager
def bound(*, request_id: str, address: str = ""):
    token = _current.set(RequestContext(request_id=request_id, address=address))
    try:
        yield
    finally:
        _current.reset(token)


def client_address(request: HttpRequest) -> str:
    """The caller's address. Behind our TLS proxy the last X-Forwarded-For hop is the one the
    proxy saw; without a proxy the header is the client's to forge, so it is ignored."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last_hop = forwarded.split(",")[-1].strip()
        if last_hop:
            return last_hop[:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


def is_api_request(request: HttpRequest) -> bool:
    """Answers under /api/ are JSON, whatever went wrong (lockout, two-factor, server error)."""
    return request.path.startswith("/api/")


def _request_id(request: HttpRequest) -> str:
    forwarded = request.headers.get("X-Request-ID", "")
    if settings.BEHIND_PROXY and _FORWARDED_ID.match(forwarded):
        return forwarded
    return uuid.uuid4().hex


class RequestContextMiddleware:
    """Gives every request an id (echoed in the X-Request-ID response header) and an address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        request.id = _request_id(request)
        request.client_address = client_address(request)
        with bound(request_id=request.id, address=request.client_address):
            response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


class RequestIdLogFilter(logging.Filter):
    """Adds `request_id` to every log record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current().request_id or "-"
        return True
