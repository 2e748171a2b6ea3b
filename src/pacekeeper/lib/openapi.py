"""What the generated OpenAPI schema leaves out, added once for every operation, so that a
client generated from /api/v1/openapi.json is right:

- the error answers: every operation declares the 4xx it can give, all in the one JSON shape
  `pacekeeper.api` writes ({"detail", "errors": [{"field", "message"}]});
- no `null` where none can be sent: a query or path parameter is text or absent, never null;
- links: what a create answers (its `id`) is the path parameter of the operations on that row,
  stated as OpenAPI links, so that a client (and schemathesis's stateful tests) can follow them;
- required text says so: a body's strings lose their control characters before they are checked
  (lib/text.py), so "\u0019" is an empty reason; a text that must not be empty must hold one
  character that stays;
- one name per type: pydantic names a nested class by its last part only, and ninja merges the
  names of all operations into one `components` table, so `Team.Kind`, `Goal.Kind`,
  `Interaction.Kind` and `Criterion.Kind` all became one "Kind" (the last one: metric/rating), and
  a client was told that a team's kind is "metric". Nested classes are named with their outer
  class ("TeamKind", "CustomerStatus").
"""

import re

import ninja.openapi.schema
from ninja.schema import NinjaGenerateJsonSchema

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["detail", "errors"],
    "properties": {
        "detail": {"type": "string", "description": "what went wrong, in the user's language"},
        "errors": {
            "type": "array",
            "description": "field-level messages; empty when the error is not about a field",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {"type": "string", "description": 'the field ("a.b" when nested, "" for the whole)'},
                    "message": {"type": "string"},
                },
            },
        },
    },
}
DESCRIPTIONS = {
    400: "Refused by a business rule (field-level messages), or a body that is not JSON",
    401: "Not signed in, or no valid API token",
    403: "Visible, but your role may not do this",
    404: "No such row, or not one you may see: the two answers are the same",
    413: "The upload is larger than the limit",
    422: "Malformed input: a value of the wrong type, format or range, or a field the operation does not take",
    429: "Too many attempts: signing in is locked for a while, or a public survey link was used too often",
    503: "Too many sign-ins at once; try again after Retry-After seconds",
}
# Answers only some operations give, by operation id.
EXTRA = {
    "pacekeeper_tenancy_api_auth_token": (401, 429, 503),
    "pacekeeper_crm_imports_api_imports_create": (413,),
    "pacekeeper_kpis_api_leaderboard": (404,),  # a team you may not see
    "pacekeeper_work_load_api_workload_read": (404,),  # a team you may not see
    "pacekeeper_teamhealth_api_pulse_results": (404,),  # a team you may not see
    "pacekeeper_feedback_api_public_survey": (429,),  # rate-limited per address and per link
    "pacekeeper_feedback_api_public_answer": (429,),
}


def _statuses(path: str, operation: dict) -> set[int]:
    statuses = set(EXTRA.get(operation.get("operationId", ""), ()))
    if operation.get("security"):
        statuses |= {401, 403}
    if operation.get("parameters") or operation.get("requestBody"):
        statuses |= {400, 422}
    if "{" in path:
        statuses.add(404)
    return statuses


def _without_null(schema: dict) -> dict:
    options = [option for option in schema.get("anyOf", []) if option.get("type") != "null"]
    if len(options) == 1 and "anyOf" in schema:
        rest = {key: value for key, value in schema.items() if key != "anyOf"}
        return {**options[0], **rest}
    return schema


_PATH_PARAMETER = re.compile(r"^/\{(\w+)\}(/|$)")


def _add_links(paths: dict) -> None:
    """From each POST /things that creates (201, 202) to every operation under /things/{id}."""
    for path, operations in paths.items():
        create = operations.get("post")
        created = create and next((create["responses"][s] for s in ("201", "202") if s in create["responses"]), None)
        if created is None:
            continue
        links = {}
        for other_path, other_operations in paths.items():
            found = other_path.startswith(path) and _PATH_PARAMETER.match(other_path[len(path) :])
            if not found:
                continue
            for operation in other_operations.values():
                links[operation["operationId"]] = {
                    "operationId": operation["operationId"],
                    "parameters": {f"path.{found.group(1)}": "$response.body#/id"},
                }
        if links:
            created["links"] = links


# At least one character that lib.text.clean_text keeps (JSON Schema patterns are unanchored).
KEPT_CHARACTER = "[^\\x00-\\x08\\x0e-\\x1f\\x7f]"


def _text_must_keep_a_character(spec: dict) -> None:
    for option in spec.get("anyOf", [spec]):
        if option.get("type") == "string" and option.get("minLength", 0) >= 1 and "pattern" not in option:
            option["pattern"] = KEPT_CHARACTER
        if option.get("type") == "array" and isinstance(option.get("items"), dict):
            _text_must_keep_a_character(option["items"])


def complete(schema: dict) -> dict:
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in schema["paths"].values():
        for operation in operations.values():  # ninja keys its own answers by int, JSON by text
            operation["responses"] = {str(status): answer for status, answer in operation["responses"].items()}
    _add_links(schema["paths"])
    for component in schema["components"]["schemas"].values():
        for spec in component.get("properties", {}).values():
            _text_must_keep_a_character(spec)
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                parameter["schema"] = _without_null(parameter["schema"])
            responses = operation.setdefault("responses", {})
            for status in sorted(_statuses(path, operation)):
                responses.setdefault(
                    str(status),
                    {"description": DESCRIPTIONS[status], "content": {"application/json": {"schema": ERROR_REF}}},
                )
    return schema


class _QualifiedNames(NinjaGenerateJsonSchema):
    _NESTED = re.compile(r"\b([A-Z]\w*)\.(?=[A-Z])")

    def get_defs_ref(self, core_mode_ref):
        core_ref, mode = core_mode_ref
        return super().get_defs_ref((self._NESTED.sub(r"\1", core_ref), mode))


# ninja offers no setting for the generator it uses for the OpenAPI document; this is it.
ninja.openapi.schema.NinjaGenerateJsonSchema = _QualifiedNames
