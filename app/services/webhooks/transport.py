"""Posting a signed body to a subscriber: stdlib http.client, one kept-alive connection per host,
short timeouts, redirects never followed."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

# A subscriber's answer is read (so the connection can be used again) but only this much of it.
MAX_ANSWER_BYTES = 64 * 1024
USER_AGENT = "Tierdesk-Webhooks/1"
# A kept-alive connection the receiver closed meanwhile fails like this on its next use.
_STALE = (
    http.client.RemoteDisconnected,
    ConnectionResetError,
    BrokenPipeError,
    http.client.CannotSendRequest,
)


class _Connection(http.client.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        # A request leaves whole at once; Nagle would hold a small write for the last one's ACK.
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _TlsConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


@dataclass(frozen=True, slots=True)
class Answer:
    """What one attempt got: the HTTP status (None when there was none) and how long it took."""

    status: int | None
    milliseconds: int
    error: str | None = None


class Sender:
    """Connections to the hosts of one delivery run, kept open between its requests."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._connections: dict[tuple[str, str, int | None], http.client.HTTPConnection] = {}

    def __enter__(self) -> Sender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Answer:
        """POST `body` to exactly `url`; whatever the answer, nothing else is requested."""
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        key = (parts.scheme, parts.hostname or "", parts.port)
        all_headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Connection": "keep-alive",
            **headers,
        }
        started = time.perf_counter()
        reused = key in self._connections
        try:
            try:
                status = self._request(key, target, body, all_headers)
            except _STALE:
                if not reused:
                    raise
                self._drop(key)  # the receiver closed the idle connection: one fresh try
                status = self._request(key, target, body, all_headers)
        except (OSError, http.client.HTTPException, ssl.SSLError) as error:
            self._drop(key)
            reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            return Answer(None, _since(started), reason[:300])
        return Answer(status, _since(started))

    def _request(
        self, key: tuple[str, str, int | None], target: str, body: bytes, headers: dict[str, str]
    ) -> int:
        connection = self._connection(key)
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        response.read(MAX_ANSWER_BYTES)
        if not response.isclosed():
            # A longer answer than we read: the connection cannot carry the next request.
            self._drop(key)
        return response.status

    def _connection(self, key: tuple[str, str, int | None]) -> http.client.HTTPConnection:
        connection = self._connections.get(key)
        if connection is None:
            scheme, host, port = key
            if scheme == "https":
                connection = _TlsConnection(
                    host, port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                connection = _Connection(host, port, timeout=self.timeout)
            self._connections[key] = connection
        return connection

    def _drop(self, key: tuple[str, str, int | None]) -> None:
        connection = self._connections.pop(key, None)
        if connection is not None:
            connection.close()

    def close(self) -> None:
        for key in list(self._connections):
            self._drop(key)


def _since(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
