"""Ports for the servers the tests start.

`free_port()` asks the kernel for a port that is free now; the server binds it a moment later.
In between, another process (the other database's test pass runs at the same time, and every
outgoing connection takes a port of the same range) can take it, and the server's bind fails.
`on_a_free_port` starts a server and, when its bind fails that way, starts it on another port:
nothing is slower when the port is still free, which is nearly always."""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
ATTEMPTS = 20


class PortTaken(Exception):
    """Raised by a `start` whose server could not bind its port (for servers in another
    process, whose bind error is a line in their output rather than an OSError here)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def on_a_free_port(start: Callable[[int], T]) -> T:
    """`start(port)` on a free port, again on another one while the port was taken first."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return start(free_port())
        except PortTaken:
            if attempt == ATTEMPTS:
                raise
        except OSError as error:
            if error.errno != errno.EADDRINUSE or attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def says_port_taken(output: str) -> bool:
    """Whether a server's output says its address was in use."""
    return "address already in use" in output.lower()
