"""The access log's line, built directly, is the line gunicorn's own logger writes for it."""

from __future__ import annotations

import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

from app.access_log import ACCESS_LOG_FORMAT, AccessLogger, plain_handler

ROOT = Path(__file__).resolve().parents[2]


def _written(logger_class: type[Logger], log: Path, access_format: str, request: dict) -> str:
    config = Config()
    config.set("accesslog", str(log))
    config.set("access_log_format", access_format)
    logger = logger_class(config)
    response = SimpleNamespace(
        status=request["status"], sent=request["sent"], headers=[("Content-Length", "0")]
    )
    peer = SimpleNamespace(headers=request["headers"])
    logger.access(response, peer, request["environ"], request["took"])
    for handler in logger.access_log.handlers:
        handler.close()
    return log.read_text()


CASES = [
    {
        "status": "302 FOUND",
        "sent": 0,
        "headers": [("HOST", "desk.test"), ("X-FORWARDED-FOR", "203.0.113.9")],
        "environ": {
            "REQUEST_METHOD": "POST",
            "RAW_URI": "/portal/new",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_USER_AGENT": 'Mozilla/5.0 "quoted" (X11)',
        },
        "took": timedelta(seconds=1, microseconds=234_567),
    },
    {  # no proxy, no browser name, nothing sent, a repeated header (the last one counts)
        "status": "200 OK",
        "sent": None,
        "headers": [("X-Forwarded-For", "198.51.100.1"), ("x-forwarded-for", 'a"b')],
        "environ": {
            "REQUEST_METHOD": "GET",
            "RAW_URI": '/kb/search?q="x"%20y',
            "SERVER_PROTOCOL": "HTTP/1.0",
            "REMOTE_ADDR": "10.0.0.2",
        },
        "took": timedelta(microseconds=999),
    },
    {
        "status": "404 NOT FOUND",
        "sent": 1234,
        "headers": [],
        "environ": {"REQUEST_METHOD": "GET", "RAW_URI": "/x", "SERVER_PROTOCOL": "HTTP/1.1"},
        "took": timedelta(milliseconds=12),
    },
]


@pytest.mark.parametrize("request_seen", CASES)
def test_the_line_is_gunicorns_own(tmp_path, request_seen):
    ours = _written(AccessLogger, tmp_path / "ours.log", ACCESS_LOG_FORMAT, request_seen)
    theirs = _written(Logger, tmp_path / "theirs.log", ACCESS_LOG_FORMAT, request_seen)
    assert ours == theirs
    assert ours.count("\n") == 1


def test_another_format_is_left_to_gunicorn(tmp_path):
    other = "%(h)s %(m)s %(s)s %({host}i)s %(p)s"
    ours = _written(AccessLogger, tmp_path / "ours.log", other, CASES[0])
    assert ours == _written(Logger, tmp_path / "theirs.log", other, CASES[0])
    assert ours.startswith("127.0.0.1 POST 302 desk.test <")


def test_gunicorn_conf_uses_this_logger_and_format():
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["logger_class"] == "app.access_log.AccessLogger"
    assert settings["access_log_format"] == ACCESS_LOG_FORMAT


def _logger(log: Path, monkeypatch) -> tuple[AccessLogger, Any]:
    """gunicorn's logger with its own access handler alone (pytest may add one of its own)."""
    config = Config()
    config.set("accesslog", str(log))
    config.set("access_log_format", ACCESS_LOG_FORMAT)
    logger = AccessLogger(config)
    handler = next(h for h in logger.access_log.handlers if getattr(h, "_gunicorn", False))
    monkeypatch.setattr(logger.access_log, "handlers", [handler])
    return logger, handler


def _access(logger: AccessLogger) -> None:
    request = CASES[0]
    response = SimpleNamespace(status=request["status"], sent=request["sent"], headers=[])
    logger.access(response, SimpleNamespace(headers=request["headers"]), request["environ"], request["took"])
    for handler in logger.access_log.handlers:
        handler.flush()


def test_gunicorns_own_handler_is_written_to_directly(tmp_path, monkeypatch):
    logger, handler = _logger(tmp_path / "a.log", monkeypatch)
    assert plain_handler(logger.access_log) is handler
    _access(logger)
    handler.close()
    assert (tmp_path / "a.log").read_text().startswith('203.0.113.9 127.0.0.1 "POST /portal/new')


def test_a_filter_or_another_format_goes_through_logging(tmp_path, monkeypatch):
    import logging

    logger, handler = _logger(tmp_path / "a.log", monkeypatch)
    handler.addFilter(lambda record: False)
    assert plain_handler(logger.access_log) is None
    _access(logger)
    assert (tmp_path / "a.log").read_text() == ""
    handler.filters.clear()
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    assert plain_handler(logger.access_log) is None
    _access(logger)
    handler.close()
    assert (tmp_path / "a.log").read_text().startswith('INFO 203.0.113.9 127.0.0.1 "POST /portal/new')
