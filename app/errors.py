"""Error pages and JSON errors: bad input is a 4xx with a sentence, never a 500."""

from __future__ import annotations

import contextlib
import logging

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.api.problems import is_api_request, problem, validation_errors
from app.domain.audit import AuditKind
from app.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from app.extensions import db
from app.resubmit import resubmission
from app.services.common.storage import is_storage_failure
from app.services.common.transaction import committed_in_this_request

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30
# The bodies werkzeug parses into request.form.
_FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


# Our words for the errors a browser can meet, in place of the web server's stock sentences.
FRIENDLY = {
    400: ("Something in the request was not right", "Go back, check what you entered and try again."),
    403: (
        "You cannot open this page",
        "Your account does not give access to it. Sign in as someone else or go back.",
    ),
    404: (
        "We could not find that page",
        "The link may be old or mistyped, or the page was moved. Start again from your home page.",
    ),
    405: (
        "That does not work here",
        "This address cannot be used that way. Go back and use the page's buttons.",
    ),
    413: ("That is too large", "The files or text sent were larger than we accept. Send less at once."),
    500: (
        "Something went wrong on our side",
        "Nothing you did caused this. Try again in a minute; "
        "if it keeps happening, tell us what you were doing.",
    ),
}


def _render(status: int, title: str, message: str, field: str | None = None):
    if is_api_request():
        return problem(status, title, message, field=field), status
    if _wants_json():
        return jsonify(error=title, message=message), status
    try:
        return render_template("errors/error.html", status=status, title=title, message=message), status
    except DBAPIError as error:  # the layout reads the signed-in user, from a database now gone
        if not is_storage_failure(error):
            raise
        return _unavailable(error)


def _unavailable(error: DBAPIError):
    """The 503 page: nothing was lost, try again, with what was posted ready to send again."""
    with contextlib.suppress(DBAPIError):  # a connection that went away is dropped here
        db.session.rollback()
    log.warning("storage failure on %s %s: %s", request.method, request.path, error.orig)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if is_api_request():
        message = "We could not save this just now; nothing was lost. Try again in a minute."
        return problem(503, "Not saved yet", message, headers=headers)
    if _wants_json():
        message = "We could not save this just now; nothing was lost. Try again in a minute."
        return jsonify(error="Not saved yet", message=message), 503, headers
    saving = request.method not in ("GET", "HEAD")
    saved = saving and committed_in_this_request()
    if saved:
        title = "Saved, but the page could not be shown"
    elif saving:
        title = "We could not save this just now"
    else:
        title = "We could not load this page just now"
    # Rendered without the context processors: they read the signed-in user and their counts.
    page = current_app.jinja_env.get_template("errors/unavailable.html").render(
        title=title,
        saving=saving,
        saved=saved,
        resend=None if saved else resubmission(request),
        request=request,
    )
    return page, 503, headers


def register(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters():
        """No field may hold a NUL character (PostgreSQL text cannot store one): such a request
        is bad input, refused before any view reads it. In the path it names no page."""
        if "\x00" in request.path:
            raise NotFound("There is no page at this address.")
        # Only a form body has fields here (werkzeug parses no other); a JSON body is the
        # API's, whose schemas refuse a NUL themselves.
        # An empty query string has no fields: its parse is skipped.
        query = (request.args,) if request.query_string else ()
        sent = (*query, request.form) if request.mimetype in _FORM_TYPES else query
        for values in sent:
            for key, value in values.items(multi=True):
                if "\x00" in key or "\x00" in value:
                    raise InvalidInput(
                        "The request contains a NUL character, which no field "
                        "may hold; remove it and try again."
                    )

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _render(
            400,
            "Form expired",
            "The form was missing its security token or it "
            "expired. Go back, reload the page and submit again.",
        )

    @app.errorhandler(NotFound)
    def not_found(error: NotFound):
        return _render(404, FRIENDLY[404][0], str(error))

    @app.errorhandler(NotAllowed)
    def not_allowed(error: NotAllowed):
        return _render(403, FRIENDLY[403][0], str(error))

    @app.errorhandler(InvalidInput)
    def invalid(error: InvalidInput):
        if is_api_request():  # well-formed, but the desk's rules refuse it (a 400 is a bad shape)
            return _render(422, "Refused", str(error), error.field)
        return _render(400, "Bad request", str(error), error.field)

    @app.errorhandler(Conflict)
    def conflict(error: Conflict):
        return _render(409, "Changed meanwhile", str(error))

    @app.errorhandler(429)
    def too_many_requests(error: HTTPException):
        from app.rate_limits import retry_after_seconds
        from app.services.audit.record import audit

        seconds = retry_after_seconds()
        if is_api_request():  # a token over its limit is routine: the headers say when to retry
            detail = f"This token made too many requests; try again in {seconds} seconds."
            return problem(429, "Too many requests", detail, headers={"Retry-After": str(seconds)})
        audit(
            AuditKind.throttled,
            f"Too many requests to {request.path} from this address",
            email=request.form.get("email") if request.method == "POST" else None,
            data={"path": request.path, "retry_after": seconds},
        )
        wait = f"{seconds} seconds" if seconds < 120 else f"{-(-seconds // 60)} minutes"
        response, status = _render(
            429, "Too many requests", f"Too many attempts from here in a short time. Try again in {wait}."
        )
        response = make_response(response, status)
        response.headers["Retry-After"] = str(seconds)
        return response

    @app.errorhandler(DBAPIError)
    def storage_failure(error: DBAPIError):
        """A database that cannot save now (full, read-only, restarting, locked too long) is a
        503 saying nothing was lost, with what was posted ready to send again; other database
        errors are bugs and stay 500s."""
        if not is_storage_failure(error):
            raise error
        return _unavailable(error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if is_api_request():
            return _api_http_error(error)
        code = error.code or 500
        title, message = FRIENDLY.get(code, (error.name, error.description or ""))
        return _render(code, title, message)

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError):
        """An unexpected failure: logged with its cause, shown to people in our words."""
        log.error(
            "unexpected error on %s %s", request.method, request.path, exc_info=error.original_exception
        )
        with contextlib.suppress(DBAPIError):
            db.session.rollback()
        return _render(500, *FRIENDLY[500])


def _api_http_error(error: HTTPException):
    """An HTTP error on the API: request validation (webargs puts each field's complaint in
    `data`) names the fields; a 405 keeps its Allow header."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = validation_errors(data.get("messages"))
    headers = {k: v for k, v in error.get_headers() if k.lower() == "allow"}
    if errors:
        first = errors[0]
        detail = f"{first['field']}: {first['message']}"
        return problem(
            status, "Invalid request", detail, field=first["field"], errors=errors, headers=headers
        )
    return problem(status, error.name, error.description or error.name, headers=headers)
