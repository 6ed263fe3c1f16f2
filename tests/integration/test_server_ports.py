"""A server the tests start whose port another process took in the meantime starts on another."""

from __future__ import annotations

import shutil
import smtplib
import socket

import pytest

from tests import ports
from tests.mail_servers import SmtpSink
from tests.redis_server import redis_server


@pytest.fixture
def taken_port(monkeypatch):
    """A port another socket holds, handed out as the first "free" port."""
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        handed = iter([port])
        probe = ports.free_port
        monkeypatch.setattr(ports, "free_port", lambda: next(handed, 0) or probe())
        yield port


def test_the_smtp_sink_moves_to_another_port(taken_port):
    sink = SmtpSink().start()
    try:
        assert sink.port != taken_port
        with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as client:
            assert client.noop()[0] == 250
    finally:
        sink.stop()


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
def test_redis_moves_to_another_port(taken_port):
    with redis_server() as url:
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        assert port != taken_port
        with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
            connection.sendall(b"PING\r\n")
            assert connection.recv(16).startswith(b"+PONG")


def test_a_server_that_fails_for_another_reason_is_not_started_again():
    calls = []

    def start(port: int) -> None:
        calls.append(port)
        raise PermissionError(13, "Permission denied")

    with pytest.raises(PermissionError):
        ports.on_a_free_port(start)
    assert len(calls) == 1
