"""Text people paste: control characters that no field of ours means.

Word's line break (Shift+Enter) arrives as a vertical tab, its page break as a form feed; other
C0 control characters come from copied terminals or broken exports. None of them displays, and
XLSX cannot hold them. Input keeps tab, line feed and carriage return, turns the two Word breaks
into line feeds, and drops the rest — in the API's bodies, the pages' forms and imported cells.
"""

import re

_LINE_BREAKS = re.compile(r"[\x0b\x0c]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# For an API schema: a text with at least one character that survives cleaning and is not a
# space (so a client — and a fuzzer — knows "\u0014" alone is not a title).
VISIBLE = r"[^\s\x00-\x1f\x7f]"


def clean_text(value: str) -> str:
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\n", value))


def clean_strings(value: object) -> object:
    """`clean_text` applied to every string inside a JSON-like value (dicts, lists)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {key: clean_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean_strings(item) for item in value]
    return value


class CleanTextFormMixin:
    """For a Django form: its text fields' values pass through `clean_text`."""

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = clean_text(value)
        return cleaned


class CleanQueryStringMiddleware:
    """Query strings are text people typed too: their values pass through `clean_text` before any
    page or API filter reads them (PostgreSQL refuses a NUL in a query: `?q=a%00b` was a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(_CONTROLS.search(value) or _LINE_BREAKS.search(value) for value in request.GET.values()):
            cleaned = request.GET.copy()
            for key, values in request.GET.lists():
                cleaned.setlist(key, [clean_text(value) for value in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)
