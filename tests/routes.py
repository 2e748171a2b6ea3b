"""Every page route of the project, from Django's URL resolver (shared by the tests that must
cover each one: CSRF, escaping)."""

from django.urls import URLPattern, URLResolver, get_resolver


def page_routes() -> list[str]:
    """Route patterns ("customers/<int:customer_id>/") outside the API and the admin site."""
    routes = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                routes.append(prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns)
    return sorted({route for route in routes if not route.startswith(("api/", "admin/"))})
