"""bench.api's load generator: every request is sent once, every answer read to its end and
counted by status, over connections the server keeps open or closes after each answer."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.api_load import Answer, drive, encoded_requests


class Recorder(BaseHTTPRequestHandler):
    """Answers 201 to each post (409 to every fifth), keeping the connection open or not."""

    received: list[dict] = []
    lock = threading.Lock()

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with self.lock:
            self.received.append({"token": self.headers["Authorization"], **body})
            number = len(self.received)
        answer = b'{"id": %d}' % number
        self.send_response(409 if number % 5 == 0 else 201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *_args: object) -> None:
        """Quiet: the tests read the answers, not the server's log lines."""


@pytest.mark.parametrize("keep_alive", [True, False])
def test_every_post_is_sent_once_and_every_answer_counted(keep_alive):
    handler = type("Handler", (Recorder,), {"received": [], "protocol_version": "HTTP/1.1"})
    if not keep_alive:
        handler.protocol_version = "HTTP/1.0"
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        requests = encoded_requests(port, ["one", "two"], 25, first=100)
        statuses, refused = drive(port, requests, connections=4)
    finally:
        server.shutdown()
        server.server_close()

    assert statuses == {201: 20, 409: 5}
    assert len(refused) == 5 and refused[0].startswith("409: ")
    subjects = sorted(int(r["subject"].rsplit(" ", 1)[1]) for r in handler.received)
    assert subjects == list(range(100, 125))
    assert sorted(r["token"] for r in handler.received) == ["Bearer one"] * 13 + ["Bearer two"] * 12


def test_an_answer_is_complete_once_its_body_is_in():
    answer = Answer()

    assert not answer.feed(b"HTTP/1.1 201 CREATED\r\nContent-Length: 4\r\nConnection: close\r\n")
    assert not answer.feed(b"\r\n{}")
    assert answer.feed(b"{}")
    assert answer.status == 201 and answer.body() == b"{}{}" and not answer.keep_alive
