"""gunicorn's access log, with its line for gunicorn.conf.py's format built directly.

gunicorn builds a dictionary of every request header, response header and WSGI variable for
each line (about 25 µs of a worker's CPU per request), then formats the line from the few it
names. For the format gunicorn.conf.py sets, the line is put together here from just those,
character for character as gunicorn writes it (a test holds the two equal); any other format
(`--access-logformat`) goes through gunicorn's own way.

The line is then written straight to the stream of the access log's one handler when that
handler is gunicorn's own (stdout, or a file) and would write nothing but the line: the same
bytes, under the handler's lock, without the log record (its caller lookup, process id, thread
name and time) that `logging` makes and its handler then reduces to the message again: most
of the line's cost. Any other set-up (syslog, a `logconfig`, filters, a level above INFO)
goes through `logging` as before."""

from __future__ import annotations

import logging
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
            line = access_line(resp, req, environ, request_time)
            handler = plain_handler(self.access_log)
            if handler is None:
                self.access_log.info(line)
                return
            handler.acquire()
            try:
                handler.stream.write(line + handler.terminator)
                handler.flush()
            finally:
                handler.release()
        except Exception:  # as gunicorn's own: a line that cannot be written never fails a request
            super().access(resp, req, environ, request_time)


# The handler, its formatter and whether it writes a record's message alone (looked at once).
_looked_at: list[Any] = [None, None, False]


def plain_handler(log: logging.Logger) -> logging.StreamHandler[Any] | None:
    """The one handler of `log` when an INFO record would reach only it and it would write the
    message alone: a stream or file handler, without filters, with an open stream."""
    handlers = log.handlers
    if len(handlers) != 1 or log.filters or log.propagate or not log.isEnabledFor(logging.INFO):
        return None
    handler = handlers[0]
    if type(handler) not in (logging.StreamHandler, logging.FileHandler):
        return None
    assert isinstance(handler, logging.StreamHandler)
    if handler.filters or handler.level > logging.INFO or handler.stream is None:
        return None
    if _looked_at[0] is not handler or _looked_at[1] is not handler.formatter:
        _looked_at[:] = [handler, handler.formatter, _writes_message_alone(handler)]
    return handler if _looked_at[2] else None


def _writes_message_alone(handler: logging.Handler) -> bool:
    probe = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 0, 'GET "/" 200', None, None)
    return handler.format(probe) == probe.getMessage()


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
