"""Errors of the API as `application/problem+json` (RFC 9457): a title, the status, a sentence
for people and, where one field was wrong, its name (and every field's complaint under `errors`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Response, json, request

from app.domain.errors import InvalidInput

PROBLEM_TYPE = "application/problem+json"


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    field: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """One problem document as a response."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if field is not None:
        body["field"] = field
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def validation_errors(messages: Any) -> list[dict[str, str]]:
    """webargs' nested {location: {field: [messages]}} as a flat list of field complaints."""
    found: list[dict[str, str]] = []

    def walk(location: str, path: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(location, f"{path}.{key}" if path else str(key), inner)
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            found.append({"field": path or "body", "location": location, "message": " ".join(value)})
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(location, f"{path}.{index}" if path else str(index), inner)
        else:
            found.append({"field": path or "body", "location": location, "message": str(value)})

    if isinstance(messages, dict):
        for location, fields in messages.items():
            walk(str(location), "", fields)
    return found[:50]


@contextmanager
def field_named(service_name: str, api_name: str) -> Iterator[None]:
    """A service's refusal names its own field (the pages' `after`); say the API's name for it."""
    try:
        yield
    except InvalidInput as error:
        if error.field != service_name:
            raise
        raise InvalidInput(str(error), field=api_name) from None
