"""A request body larger than any upload we accept is refused before anything reads it.

Django's CSRF check reads the form fields of every POST, which parses a multipart body in full
(spooling files to disk), and the API parses uploads before the operation runs: a size check in
a view comes too late to spare the server a 2 GB body. This middleware, placed before both,
answers 413 from the declared length alone.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.template.defaultfilters import filesizeformat

from .request_context import is_api_request

# Room for the multipart boundaries and the other form fields around the largest file allowed.
FORM_OVERHEAD = 64 * 1024


def declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if declared_length(request) > settings.IMPORT_MAX_BYTES + FORM_OVERHEAD:
            return _too_large(request)
        return self.get_response(request)


def _too_large(request: HttpRequest) -> HttpResponse:
    # Before the language is chosen (the user is not known yet): both languages, as on 500.html.
    limit = filesizeformat(settings.IMPORT_MAX_BYTES)
    if is_api_request(request):
        detail = f"The request is larger than the limit of {limit}. 请求超过 {limit} 的上限。"
        return JsonResponse({"detail": detail, "errors": []}, status=413)
    html = loader.get_template("413.html").render({"limit": limit, "request_id": getattr(request, "id", "")})
    return HttpResponse(html, status=413)
