"""A real HTTP receiver on 127.0.0.1 for webhook tests and the benchmark: it keeps connections
alive (HTTP/1.1), records every request, and answers with the statuses it is told to."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True, slots=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    """Start with `with Receiver() as r:`; `r.url` is its address, `r.requests` what came in.

    `answers` lists the statuses of the next requests in order (then `default` for all later
    ones); a 3xx answer carries a Location pointing at `redirect_to`."""

    def __init__(self, *, default: int = 200, answers: list[int] | None = None, record: bool = True) -> None:
        self.default = default
        self.answers: deque[int] = deque(answers or [])
        self.redirect_to = "http://127.0.0.1:9/elsewhere"
        self.record = record
        self.requests: list[Received] = []
        self.count = 0
        self.connections = 0
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # the answer's header and body leave at once

            def setup(self) -> None:
                super().setup()
                with receiver._lock:
                    receiver.connections += 1

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver._lock:
                    receiver.count += 1
                    if receiver.record:
                        receiver.requests.append(
                            Received("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                        )
                    status = receiver.answers.popleft() if receiver.answers else receiver.default
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", receiver.redirect_to)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            do_GET = do_POST

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/tierdesk"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(10)
