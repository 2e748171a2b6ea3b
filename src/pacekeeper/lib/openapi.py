"""What the generated OpenAPI schema leaves out, added once for every operation, so that a
client generated from /api/v1/openapi.json is right:

- the error answers: every operation declares the 4xx it can give, all in the one JSON shape
  `pacekeeper.api` writes ({"detail", "errors": [{"field", "message"}]});
- no `null` where none can be sent: a query or path parameter is text or absent, never null.
"""

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
    429: "Signing in is locked for a while after repeated failures",
    503: "Too many sign-ins at once; try again after Retry-After seconds",
}
# Answers only some operations give, by operation id.
EXTRA = {"pacekeeper_tenancy_api_auth_token": (401, 429, 503), "pacekeeper_crm_imports_api_imports_create": (413,)}


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


def complete(schema: dict) -> dict:
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
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
