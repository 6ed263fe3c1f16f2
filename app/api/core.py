"""The API's building blocks on flask-smorest: the document's settings, a Blueprint whose
request validation answers 400 with each field's complaint, and error responses documented as
`application/problem+json`."""

from __future__ import annotations

import functools
import http
import inspect
import types
from collections.abc import Callable
from typing import Any

import flask_smorest
import marshmallow as ma
from flask_smorest.utils import prepare_response
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import MultiDict

from app.api.problems import PROBLEM_TYPE

PREFIX = "/api/v1"


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, with the field that was wrong."""

    type = ma.fields.String(required=True, metadata={"description": "always about:blank"})
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String(required=True, metadata={"description": "what was wrong, for people"})
    field = ma.fields.String(metadata={"description": "the field that was wrong, when one was"})
    errors = ma.fields.List(
        ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String()),
        metadata={"description": "every field's complaint: field, location, message"},
    )


_SCHEMAS: dict[type[ma.Schema], ma.Schema] = {}


class Parser(FlaskParser):
    # A request the schema refuses is a 400; 422 is kept for a well-formed request the desk's
    # rules refuse (a status change not allowed from the current one, say).
    DEFAULT_VALIDATION_STATUS = 400
    # Every location refuses what its schema does not name (webargs would drop unknown query
    # parameters silently: a misspelt filter would list everything).
    DEFAULT_UNKNOWN_BY_LOCATION: dict = {}
    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}

    def _get_schema(self, argmap, req):
        """One instance of each schema class for the process (webargs would build a new one at
        every request, which cost more than loading the body with it); a schema keeps no state
        between loads."""
        if isinstance(argmap, type) and issubclass(argmap, ma.Schema):
            schema = _SCHEMAS.get(argmap)
            if schema is None:
                schema = _SCHEMAS[argmap] = argmap()
            return schema
        return super()._get_schema(argmap, req)

    def load_multipart(self, req, schema):
        """A multipart/form-data body as one location: its fields and its files together (webargs
        reads them apart, and an OpenAPI operation has one request body)."""
        merged = MultiDict(req.form)
        for key, value in req.files.items(multi=True):
            merged.add(key, value)
        return self._makeproxy(merged, schema)


# What `Blueprint.arguments` passes on to webargs' parse; the rest of its keywords only document.
_PARSE_OPTIONS = frozenset({"unknown", "validate", "error_status_code", "error_headers"})
_DOC_OPTIONS = frozenset({"content_type", "required", "description", "example", "examples"})


def _own_copy(function: Callable[..., Any]) -> Callable[..., Any] | None:
    """The same plain function as a new function object (its code, globals and closure shared),
    so that documentation can be attached to it without touching the original; None for
    anything but a plain synchronous function."""
    if not isinstance(function, types.FunctionType) or inspect.iscoroutinefunction(function):
        return None
    copy = types.FunctionType(
        function.__code__,
        function.__globals__,
        function.__name__,
        function.__defaults__,
        function.__closure__,
    )
    copy.__kwdefaults__ = function.__kwdefaults__
    copy.__qualname__ = function.__qualname__
    copy.__doc__ = function.__doc__
    copy.__module__ = function.__module__
    copy.__annotations__ = function.__annotations__
    copy.__dict__.update(function.__dict__)
    return copy


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint, documenting each view exactly as it does, with fewer layers
    around the view at each request: flask-smorest wraps a view once per decorator (a
    pass-through per documented error response, another under webargs' parsing wrapper), and
    each layer looks up the app and asks whether the next one is a coroutine. Here an error
    response only adds to the view's document, and a request's arguments are parsed by one
    wrapper that calls the view itself (the views are synchronous)."""

    ARGUMENTS_PARSER = Parser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data",
    }

    def arguments(self, schema, *, location="json", **kwargs):
        document = super().arguments(schema, location=location, **kwargs)
        options = {key: value for key, value in kwargs.items() if key not in _DOC_OPTIONS}
        if not options.keys() <= _PARSE_OPTIONS:  # as_kwargs, arg_name…: webargs' own wrapper
            return document
        parse = functools.partial(self.ARGUMENTS_PARSER.parse, schema, location=location, **options)

        def decorator(func):
            documented = document(func)
            if inspect.iscoroutinefunction(func):
                return documented

            @functools.wraps(func)
            def parsed(*args, **kwargs):
                # As webargs' wrapper: the parsed arguments after the positional ones.
                return func(*args, parse(), **kwargs)

            parsed._apidoc = documented._apidoc  # type: ignore[attr-defined]
            return parsed

        return decorator

    def alt_response(self, status_code, response=None, **kwargs):
        document = super().alt_response(status_code, response, **kwargs)

        def decorator(func):
            documented = document(func)
            copy = _own_copy(func)
            if copy is None:
                return documented
            copy._apidoc = documented._apidoc  # type: ignore[attr-defined]
            return copy

        return decorator


class Api(flask_smorest.Api):
    """flask-smorest's Api without its app-wide error handler (app.errors answers for the whole
    app, in problem+json under /api/) and with its error responses documented as problems."""

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = "DEFAULT_ERROR"

    def _register_error_handlers(self) -> None:
        pass

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error (problem details)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_TYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


SETTINGS = {
    "API_TITLE": "Tierdesk API",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": PREFIX,
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": (
                "Tickets, customers, the knowledge base and the desk's setup, through the same "
                "rules as the desk's pages. Authenticate with a personal API token: "
                "`Authorization: Bearer tdk_…` (create one under Sign-in security). Errors are "
                "RFC 9457 problem details."
            )
        },
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer", "bearerFormat": "tdk_…"}}
        },
        "security": [{"token": []}],
    },
}


def document_errors(blueprint: Blueprint, codes):
    """Document each error status an operation may answer with, as a problem."""

    def decorate(view):
        for code in codes:
            view = blueprint.alt_response(code, response="DEFAULT_ERROR")(view)
        return view

    return decorate
