"""SMTP sessions spread evenly over the endpoint processes of `flask mail serve --processes N`.

All the processes accept on one listening socket. Left to asyncio, the first process woken
accepts every connection waiting (it loops on `accept()` up to the backlog), so the few long
sessions a mail server opens at once mostly land in one process: three of four, or all four,
in two processes, and the other process idles while its partner's mails wait for each other.
Here each process accepts one connection at a time, and only while it serves no more sessions
than any other process; otherwise it looks again a moment later, so a process busy with a long
mail never holds back a new session for more than `_MOST_WAITS` of those moments."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import socket
from collections.abc import Callable
from typing import Any

from aiosmtpd.smtp import SMTP

log = logging.getLogger(__name__)
# How long a process leaves a waiting connection to a process with fewer sessions, per look.
_WAIT_SECONDS = 0.002
_MOST_WAITS = 25


class SessionCounts:
    """The open sessions of each endpoint process, one slot each, in memory the forked
    processes share. A slot is written only by its own process (and reset by the supervisor
    when it starts a process in it), so no lock is needed; another process's figure read a
    moment late only delays an accept by one look."""

    def __init__(self, slots: int) -> None:
        self._counts = multiprocessing.get_context("fork").RawArray("i", slots)

    def reset(self, slot: int) -> None:
        self._counts[slot] = 0

    def opened(self, slot: int) -> None:
        self._counts[slot] += 1

    def closed(self, slot: int) -> None:
        self._counts[slot] = max(0, self._counts[slot] - 1)

    def fewest_here(self, slot: int) -> bool:
        """Whether the process in `slot` serves no more sessions than any other process."""
        return self._counts[slot] <= min(self._counts)

    def open_sessions(self) -> list[int]:
        return list(self._counts)


class BalancedAcceptor:
    """Accepts connections on `sock` in `loop` one at a time, taking only its share (see the
    module's note), and serves each with a protocol from `factory`."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        sock: socket.socket,
        factory: Callable[[], SMTP],
        counts: SessionCounts,
        slot: int,
    ) -> None:
        self.loop, self.sock, self.factory = loop, sock, factory
        self.counts, self.slot = counts, slot
        self.waits = 0
        self.tasks: set[asyncio.Task[Any]] = set()
        self.listening = False

    def start(self) -> None:
        self.sock.setblocking(False)
        self._listen()

    def close(self) -> None:
        if self.listening:
            self.loop.remove_reader(self.sock.fileno())
            self.listening = False

    def _listen(self) -> None:
        if not self.listening:
            self.loop.add_reader(self.sock.fileno(), self._ready)
            self.listening = True

    def _ready(self) -> None:
        if not self.counts.fewest_here(self.slot) and self.waits < _MOST_WAITS:
            self.waits += 1
            self.close()
            self.loop.call_later(_WAIT_SECONDS, self._listen)
            return
        self.waits = 0
        try:
            connection, _address = self.sock.accept()
        except (BlockingIOError, InterruptedError, ConnectionAbortedError):
            return  # another process took it, or the client gave up
        except OSError:
            log.exception("the mail endpoint could not accept a connection")
            return
        connection.setblocking(False)
        self.counts.opened(self.slot)
        task = self.loop.create_task(self.loop.connect_accepted_socket(self._protocol, connection))
        self.tasks.add(task)
        task.add_done_callback(self._connected)

    def _protocol(self) -> SMTP:
        protocol = self.factory()
        counts, slot = self.counts, self.slot
        lost = protocol.connection_lost

        def connection_lost(error: Exception | None) -> None:
            counts.closed(slot)
            lost(error)

        protocol.connection_lost = connection_lost  # type: ignore[method-assign]
        return protocol

    def _connected(self, task: asyncio.Task[Any]) -> None:
        self.tasks.discard(task)
        if task.cancelled() or task.exception() is not None:
            self.counts.closed(self.slot)
