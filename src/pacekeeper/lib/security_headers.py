"""Two headers on every answer the application itself makes (static files are served before
this runs, and may be cached):

- Content-Security-Policy: scripts only from our own origin — no inline script, no eval, no
  other site — so a script that slipped into a page through data would not run. Styles may be
  inline (ECharts sizes its canvas with style attributes, the leaderboard's bars set a width);
  images may be data: URLs (ECharts' export). Pages are never framed, forms post only to us.
- Cache-Control: no-store: pages, exports and API answers carry personal data (pay,
  evaluations, customers); neither the browser's history cache nor a proxy keeps them.
"""

from django.conf import settings

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if not request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            response.headers["Cache-Control"] = "no-store"
        return response
