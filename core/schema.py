"""The OpenAPI schema tells the truth about errors (SPEC §2, §7): one place adds them all.

`AutoSchema` (the project's `DEFAULT_SCHEMA_CLASS`) documents, for every operation, the error
answers the server can give, from what the view is: 400 when it reads a body or a query, 401
when it needs credentials, 404 when its path names an object or it pages a list, 414 when it
reads a query (gunicorn's limit on the request line, answered in JSON), 413 and 415
when it reads a body, 429 when one of its throttles applies to the method, 503 always (the
database or the shared store of counters may be down), and the view's own
`schema_error_statuses`. Each has a body schema: the shared
`Error` (`{"detail": "..."}`) or `ValidationError` (`{"field": ["..."]}`) component. A view's
own `@extend_schema(responses=...)` keeps its descriptions; a body is added where it had none.

`postprocess_schema` then makes the document valid OpenAPI 3.0 where drf-spectacular's output is
not: a nullable reference (`allOf` + `nullable` without `type`, which 3.0 ignores) and a blank
e-mail (`oneOf` whose branches both match `""`).
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent

ERROR_SCHEMA = {
    "type": "object",
    "description": 'An error: `{"detail": "message"}`.',
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": (
        'Invalid input: the messages by field (`{"field": ["message", ...]}`, '
        '`non_field_errors` for the body as a whole), or `{"detail": "message"}` for a '
        "body that cannot be read."
    ),
    "additionalProperties": {
        "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]
    },
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 1},
    }
}

# status: (description, component, with Retry-After)
ERRORS = {
    "400": ("Invalid input.", "ValidationError", False),
    "401": ("No credentials, or bad ones.", "Error", False),
    "403": ("Authenticated, but not allowed.", "Error", False),
    "404": ("Not found, or not yours.", "Error", False),
    "405": ("Method not allowed.", "Error", False),
    "409": ("Conflicts with the current state.", "Error", False),
    "413": ("Request body too large (over 1 MiB).", "ValidationError", False),
    "414": ("Request line too long (over 8 KiB).", "Error", False),
    "415": ("Unsupported content type.", "Error", False),
    "429": ("Throttled; see `Retry-After`.", "Error", True),
    "503": (
        "A dependency (database, shared store) is unavailable; retry after `Retry-After`.",
        "Error",
        True,
    ),
}
BODY_METHODS = {"POST", "PUT", "PATCH"}


class AutoSchema(SpectacularAutoSchema):
    def get_summary(self) -> str | None:
        """The view's own summary, else the first line of its (or its method's) docstring."""
        summary = super().get_summary()
        if summary:
            return summary
        handler = getattr(self.view, self.method.lower(), None)
        for doc in (getattr(handler, "__doc__", None), type(self.view).__doc__):
            if doc and doc.strip():
                return doc.strip().splitlines()[0].split(";")[0].strip().rstrip(".")
        return None

    def _map_basic_serializer(self, serializer, direction) -> dict:
        """A serializer's `schema_extra` (keywords its fields cannot say, such as
        `minProperties`) is added to its component."""
        result = super()._map_basic_serializer(serializer, direction)
        extra = getattr(serializer, "schema_extra", None)
        if extra and direction == "request":
            result.update(extra)
        return result

    def _get_response_bodies(self, direction="response") -> dict:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status in self._error_statuses():
            responses.setdefault(status, {"description": ERRORS[status][0]})
        for status, response in responses.items():
            if status in ERRORS and "content" not in response:
                description, component, retry_after = ERRORS[status]
                response.setdefault("description", description)
                response["content"] = {
                    "application/json": {"schema": self._error_component(component).ref}
                }
                if retry_after:
                    response["headers"] = {**RETRY_AFTER, **response.get("headers", {})}
        return dict(sorted(responses.items()))

    def _error_statuses(self) -> list[str]:
        statuses = ["503"]
        has_body = self.method in BODY_METHODS and self.get_request_serializer() is not None
        has_query = any(
            parameter.get("in") == "query" for parameter in self._get_parameters() or []
        )
        if has_body or has_query:
            statuses.append("400")
        if has_query:
            statuses.append("414")
        if has_body:
            statuses += ["413", "415"]
        auth = self.get_auth()
        if auth and {} not in auth:
            statuses.append("401")
        if "{" in self.path or (self._is_list_view() and self._get_paginator()):
            statuses.append("404")
        if self._is_throttled():
            statuses.append("429")
        # What the view knows it may answer besides (a bank's wrong-token 429, say).
        statuses += getattr(self.view, "schema_error_statuses", ())
        return statuses

    def _is_throttled(self) -> bool:
        try:
            throttles = self.view.get_throttles()
        except Exception:  # a view that needs a real request to choose: count it throttled
            return True
        return any(
            getattr(throttle, "applies_to", lambda method: True)(self.method)
            for throttle in throttles
        )

    def _error_component(self, name: str) -> ResolvedComponent:
        schema = ERROR_SCHEMA if name == "Error" else VALIDATION_ERROR_SCHEMA
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=f"core.schema.{name}", schema=schema
        )
        self.registry.register_on_missing(component)
        return component


def _fix_node(node):
    if isinstance(node, list):
        return [_fix_node(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _fix_node(value) for key, value in node.items()}
    all_of = node.get("allOf")
    if node.get("nullable") and "type" not in node and isinstance(all_of, list):
        # 3.0 ignores `nullable` without `type`: say "this, or null" in a way it understands.
        rest = {key: value for key, value in node.items() if key not in ("allOf", "nullable")}
        branches = all_of[0] if len(all_of) == 1 else {"allOf": all_of}
        return {**rest, "oneOf": [branches, {"type": "object", "nullable": True, "enum": [None]}]}
    one_of = node.get("oneOf")
    if (
        isinstance(one_of, list)
        and len(one_of) == 2
        and any(branch.get("maxLength") == 0 for branch in one_of if isinstance(branch, dict))
    ):
        # A blank-allowed field (`""` or a value): `""` matches both branches of a oneOf.
        node["anyOf"] = node.pop("oneOf")
    return node


def postprocess_schema(result, generator, request, public):
    """Valid OpenAPI 3.0 nullability and blank values (see the module's docstring)."""
    return _fix_node(result)
