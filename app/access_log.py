"""gunicorn's access log, with its line for gunicorn.conf.py's format built directly.

gunicorn builds a dictionary of every request header, response header and WSGI variable for
each line (about 25 µs of a worker's CPU per request), then formats the line from the few it
names. For the format gunicorn.conf.py sets, the line is put together here from just those,
character for character as gunicorn writes it (a test holds the two equal); any other format
(`--access-logformat`) goes through gunicorn's own way."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from gunicorn.glogging import Logger

# The client's address as the proxy saw it, the peer's, the request line, status, bytes sent,
# the time taken and the browser.
ACCESS_LOG_FORMAT = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'


class AccessLogger(Logger):
    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> None:
        if not self.access_log_enabled:
            return
        if self.cfg.access_log_format != ACCESS_LOG_FORMAT:
            super().access(resp, req, environ, request_time)
            return
        try:
            self.access_log.info(access_line(resp, req, environ, request_time))
        except Exception:  # as gunicorn's own: a line that cannot be written never fails a request
            super().access(resp, req, environ, request_time)


def access_line(resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> str:
    """The line gunicorn writes for ACCESS_LOG_FORMAT (a missing value is "-", a double quote
    in a value is escaped)."""
    status = resp.status
    if isinstance(status, str):
        status = _quoted(status.split(None, 1)[0])
    forwarded = "-"
    for name, value in req.headers:  # gunicorn keeps the last of a repeated header
        if name.lower() == "x-forwarded-for":
            forwarded = _quoted(value)
    sent = getattr(resp, "sent", None)
    request = _quoted(f"{environ['REQUEST_METHOD']} {environ['RAW_URI']} {environ['SERVER_PROTOCOL']}")
    milliseconds = request_time.seconds * 1000 + int(request_time.microseconds / 1000)
    return (
        f'{forwarded} {_atom(environ, "REMOTE_ADDR")} "{request}" {status} '
        f"{'-' if sent is None else sent} {milliseconds}ms "
        f'"{_atom(environ, "HTTP_USER_AGENT")}"'
    )


def _atom(environ: dict[str, Any], name: str) -> Any:
    value = environ.get(name, "-")
    return _quoted(value) if isinstance(value, str) else value


def _quoted(value: str) -> str:
    return value.replace('"', '\\"')
