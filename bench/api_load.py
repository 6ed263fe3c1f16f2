"""The load generator bench.api drives `POST /api/v1/tickets` with, in a process of its own.

    python -m bench.api_load        (reads its job from stdin; bench.api starts it)

It reads one line of JSON, `{"port", "tokens", "count", "connections", "first"}`, encodes every
request of the round before it starts (`count` posts, each customer's token in turn, subjects
numbered from `first`), says `ready`, and waits for a line `go`. Then it keeps `connections`
requests in flight at once over raw sockets, in one thread with one selector: each answer is
read to its end and checked for `201`, and the connection's next request is sent straight
after it (on the same connection if the server keeps it open, else on a new one). So the
workers never wait for the client between requests, and the client's own CPU (a few tens of
microseconds a request) is not taken from them by an HTTP library. Its last line is JSON:
the answers by status, the wall seconds from `go` to the last answer, the client's CPU
milliseconds in that time, and the first few refused answers.
"""

from __future__ import annotations

import json
import selectors
import socket
import sys
import time
from collections import Counter
from typing import Any

BODY = {
    "subject": "Export fails on report {n}",
    "description": "The monthly export stops half way with an error about the file size.",
    "category": "technical",
}


def encoded_requests(port: int, tokens: list[str], count: int, first: int) -> list[bytes]:
    """Each post as the bytes sent on the wire, its customer's token in turn."""
    requests = []
    for n in range(count):
        body = json.dumps({**BODY, "subject": BODY["subject"].format(n=first + n)}).encode()
        head = (
            f"POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {tokens[n % len(tokens)]}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        requests.append(head.encode() + body)
    return requests


class Answer:
    """One response read from a connection, byte by byte as it arrives."""

    __slots__ = ("body_length", "data", "header_end", "keep_alive", "status")

    def __init__(self) -> None:
        self.data = bytearray()
        self.header_end = -1
        self.body_length: int | None = None
        self.status = 0
        self.keep_alive = False

    def feed(self, chunk: bytes) -> bool:
        """Add what was read; True once the whole response is in (when it says its length)."""
        self.data += chunk
        if self.header_end < 0:
            end = self.data.find(b"\r\n\r\n")
            if end < 0:
                return False
            self.header_end = end + 4
            lines = bytes(self.data[:end]).decode("latin-1").split("\r\n")
            self.status = int(lines[0].split(" ", 2)[1])
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip().lower()
            if "content-length" in headers:
                self.body_length = int(headers["content-length"])
            self.keep_alive = lines[0].startswith("HTTP/1.1") and headers.get("connection") != "close"
        return self.body_length is not None and len(self.data) - self.header_end >= self.body_length

    def body(self) -> bytes:
        return bytes(self.data[self.header_end :]) if self.header_end >= 0 else bytes(self.data)


class Slot:
    """One connection's turn: the request it sends, what it has sent and read."""

    __slots__ = ("answer", "request", "sent", "sock")

    def __init__(self) -> None:
        self.sock: socket.socket | None = None
        self.request = b""
        self.sent = 0
        self.answer = Answer()


def drive(port: int, requests: list[bytes], connections: int) -> tuple[Counter[int], list[str]]:
    """Send every request with `connections` in flight at once; the answers by status and the
    first refused ones."""
    selector = selectors.DefaultSelector()
    statuses: Counter[int] = Counter()
    refused: list[str] = []
    queue = iter(requests)
    in_flight = 0

    def start(slot: Slot, request: bytes) -> None:
        nonlocal in_flight
        slot.request, slot.sent, slot.answer = request, 0, Answer()
        in_flight += 1
        if slot.sock is None:
            slot.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            slot.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            slot.sock.setblocking(False)
            slot.sock.connect_ex(("127.0.0.1", port))
            selector.register(slot.sock, selectors.EVENT_WRITE, slot)
        else:
            selector.modify(slot.sock, selectors.EVENT_WRITE, slot)

    def finish(slot: Slot, closed: bool) -> None:
        nonlocal in_flight
        in_flight -= 1
        answer = slot.answer
        statuses[answer.status] += 1
        if answer.status != 201 and len(refused) < 5:
            refused.append(f"{answer.status}: {answer.body()[:300]!r}")
        assert slot.sock is not None
        if closed or not answer.keep_alive:
            selector.unregister(slot.sock)
            slot.sock.close()
            slot.sock = None
        following = next(queue, None)
        if following is not None:
            start(slot, following)
        elif slot.sock is not None:
            selector.unregister(slot.sock)
            slot.sock.close()
            slot.sock = None

    for _ in range(connections):
        request = next(queue, None)
        if request is None:
            break
        start(Slot(), request)
    while in_flight:
        for key, events in selector.select(timeout=60):
            slot: Slot = key.data
            sock = slot.sock
            assert sock is not None
            if events & selectors.EVENT_WRITE:
                slot.sent += sock.send(slot.request[slot.sent :])
                if slot.sent == len(slot.request):
                    selector.modify(sock, selectors.EVENT_READ, slot)
                continue
            chunk = sock.recv(65536)
            if not chunk:  # the server closed the connection: the answer ends here
                finish(slot, closed=True)
            elif slot.answer.feed(chunk):
                finish(slot, closed=False)
    selector.close()
    return statuses, refused


def main() -> None:
    job: dict[str, Any] = json.loads(sys.stdin.readline())
    requests = encoded_requests(job["port"], job["tokens"], job["count"], job.get("first", 0))
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return
    cpu, started = time.process_time(), time.perf_counter()
    statuses, refused = drive(job["port"], requests, job["connections"])
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    result = {
        "statuses": {str(code): n for code, n in sorted(statuses.items())},
        "seconds": seconds,
        "cpu_ms": cpu * 1000,
        "refused": refused,
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
